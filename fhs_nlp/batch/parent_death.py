"""Worker processes that die with their parent, however the parent ends.

A pool's workers are cleaned up by the parent when it exits normally, raises, or gets
Ctrl-C. After SIGKILL (the out-of-memory killer, ``kill -9``, a CI job cancelled) the
parent runs no code at all, and workers of the "spawn" context would keep running with
parent 1, each holding the model in memory, and so would multiprocessing's resource
tracker, which waits for every holder of its pipe to go.

:func:`die_with_parent`, called first thing in a worker:

* on Linux asks the kernel to send the worker SIGKILL when its parent dies
  (``prctl(PR_SET_PDEATHSIG)``), then checks that the parent is still the one that
  started it (it may have died before the request was made);
* everywhere starts a watchdog thread that ends the worker once its parent process id
  changes (the worker was re-parented), within ``interval`` seconds.

Once the workers are gone the resource tracker sees its pipe close and exits too.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1


def _set_pdeathsig(sig: int) -> bool:
    """Ask Linux to send ``sig`` to this process when its parent dies."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent_pid: int, interval: float) -> None:
    while True:
        if os.getppid() != parent_pid:
            os._exit(1)  # no cleanup to do: the parent that wanted results is gone
        time.sleep(interval)


def die_with_parent(parent_pid: int, *, interval: float = 1.0) -> None:
    """End this process when the process ``parent_pid`` (its parent) ends."""
    _set_pdeathsig(signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before the request was made
        os._exit(1)
    watchdog = threading.Thread(target=_watch, args=(parent_pid, interval),
                                name="fhs-parent-watchdog", daemon=True)
    watchdog.start()
