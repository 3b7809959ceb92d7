"""Build hook: the data an installed fhs-nlp reads, copied into the wheel as package data.

In a checkout fhs-nlp reads ``corpus/``, ``eval/gold/``, ``eval/reports/metrics.json`` and
``models/training/`` from the repository (fhs_nlp/settings.py). A wheel has no repository
beside it, so building one copies those files into ``fhs_nlp/_data`` (same layout) in the
build folder; the source tree is not changed and editable installs are left alone.
Everything else is configured in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: (folder, glob) of the read-only data the package needs at run time.
DATA = (
    ("corpus", "**/*"),
    ("eval/gold", "**/*"),
    ("eval/reports", "metrics.json"),
    ("models/training", "*.jsonl"),
)


class BuildWithData(build_py):
    """build_py, then the data into ``<build>/fhs_nlp/_data``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself
        target = Path(self.build_lib) / "fhs_nlp" / "_data"
        for folder, pattern in DATA:
            for source in sorted((ROOT / folder).glob(pattern)):
                if source.is_file() and "__pycache__" not in source.parts:
                    copy = target / source.relative_to(ROOT)
                    copy.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source, copy)


setup(cmdclass={"build_py": BuildWithData})
