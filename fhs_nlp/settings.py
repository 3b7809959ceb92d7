"""Where fhs-nlp finds its files: the one place that computes the package and repository paths.

Every module that needs the corpus, the gold data, the models folder or the cache asks
here instead of counting ``parent`` steps from its own ``__file__``, so moving a module
never moves what it reads.
"""

from __future__ import annotations

from pathlib import Path

#: The ``fhs_nlp`` package folder.
PACKAGE_DIR = Path(__file__).resolve().parent
#: The checkout the package runs from (holds ``corpus/``, ``eval/``, ``models/``).
REPO_ROOT = PACKAGE_DIR.parent
