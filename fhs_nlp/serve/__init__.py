"""``fhs-nlp serve``: a local web page where a strategist drops a draft and reads its
alignment, compares plan versions and drafts, and checks the strategy it is scored against.

The page is a thin layer over the library: :mod:`fhs_nlp.align.aligner` scores, the
report renderers of :mod:`fhs_nlp.report.alignment` and :mod:`fhs_nlp.report.diff` make
the downloads, :func:`fhs_nlp.diff.plans.diff_plans` compares plans. Modules:

* :mod:`.settings` — the one settings object (host, token, data folder, limits);
* :mod:`.sniff` — what an upload is, by its bytes, and a safe file name for it;
* :mod:`.jobs` — background alignment and diff jobs on a thread pool, with progress;
  the aligner is loaded once and kept warm;
* :mod:`.history` — earlier runs under the data folder, each deletable;
* :mod:`.strategy` — the 7 insatsområden with viljeriktningar, målbild and milestones;
* :mod:`.app` — the FastAPI app: the JSON API (OpenAPI at ``/docs``) and the pages.

Nothing leaves the machine: no external scripts, fonts or requests.
"""

from fhs_nlp.serve.app import create_app
from fhs_nlp.serve.settings import ServeSettings

__all__ = ["ServeSettings", "create_app"]
