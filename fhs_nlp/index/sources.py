"""Where the reference records come from: the corpus files, their hash, their records.

Apart from the index itself because the corpus (the bundled one, or ``--corpus`` paths)
is what decides whether an index is current (:func:`corpus_hash`), and because reading it
runs the extraction stages, a different job from storing and searching vectors.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from fhs_nlp.datamodel.records import Record
from fhs_nlp.hashing import sha256_file
from fhs_nlp.settings import CORPUS_DIR


def bundled_corpus() -> list[Path]:
    """The corpus the index is built from by default: ``corpus/texts``."""
    return [CORPUS_DIR / "texts"]


def corpus_files(paths: Sequence[Path]) -> list[Path]:
    from fhs_nlp.ingest import discover_inputs

    files, errors = discover_inputs(Path(p) for p in paths)
    if errors:
        raise errors[0]
    return files


def corpus_hash(paths: Sequence[Path]) -> str:
    """sha256 over the sorted sha256 of every corpus file: where the files lie and what
    they are called does not matter, their content does."""
    digests = sorted(sha256_file(f) for f in corpus_files(paths))
    return "sha256:" + hashlib.sha256("\n".join(digests).encode()).hexdigest()


def reference_records(paths: Sequence[Path] | None = None) -> dict[str, list[Record]]:
    """The reference records of a corpus (default :func:`bundled_corpus`), by kind.

    Runs the extraction stages the index needs (dated decisions are left out: they are
    not indexed, and their spaCy pipeline is slow to load). A file that cannot be read
    raises its :class:`~fhs_nlp.errors.InputError`: an index of part of the strategy
    would score drafts wrongly without saying so."""
    from fhs_nlp.extract.pipeline import STAGES, extract_paths

    paths = bundled_corpus() if paths is None else paths
    stages = tuple((name, stage) for name, stage in STAGES if name != "decisions")
    result = extract_paths(corpus_files(paths), strict=True, stages=stages)
    return {kind: records for kind, records in result.records.items() if records}
