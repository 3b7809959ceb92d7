"""The settings of ``fhs-nlp serve``: one object, checked when made."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from fhs_nlp.ingest.limits import DEFAULT_LIMITS, Limits

#: An upload larger than this many megabytes is refused before it is read (HTTP 413).
DEFAULT_MAX_UPLOAD_MB = 50.0


def default_data_dir() -> Path:
    """The user's data folder for fhs-nlp (``~/.local/share/fhs-nlp`` on Linux, via
    platformdirs): the history is the user's, not the checkout's or the cache's."""
    import platformdirs

    return Path(platformdirs.user_data_dir("fhs-nlp", appauthor=False))


def is_loopback(host: str) -> bool:
    """True for 127.0.0.1, ::1, localhost: only this machine can connect."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class UnsafeBindError(ValueError):
    """Binding to an address other machines can reach, without a token."""


@dataclass(frozen=True)
class ServeSettings:
    """Everything the app needs to know; the CLI makes one from its options."""

    data_dir: Path = field(default_factory=default_data_dir)
    host: str = "127.0.0.1"
    port: int = 8000
    #: when set, every request must carry it (header ``Authorization: Bearer <token>``,
    #: or ``?token=`` once in the browser, which then keeps it in a cookie)
    token: str | None = None
    max_upload_mb: float = DEFAULT_MAX_UPLOAD_MB
    limits: Limits = DEFAULT_LIMITS
    model: str | None = None
    index_dir: Path | None = None
    #: jobs that run at once (reading in parallel; scoring takes turns on the one model)
    workers: int = 2
    #: load the model when the app starts, so the first upload does not wait for it
    warm_up: bool = True

    def __post_init__(self) -> None:
        if not is_loopback(self.host) and not self.token:
            raise UnsafeBindError(
                f"refusing to listen on {self.host}: other machines could reach the page and "
                "the drafts uploaded to it. Give --token SECRET (every request must then "
                "carry it), or keep the default --host 127.0.0.1")
        if not self.max_upload_mb > 0:
            raise ValueError(f"max_upload_mb must be positive, got {self.max_upload_mb}")
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers}")

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)
