"""fhs-nlp: read Region Skåne's Framtidens hälsosystem strategy documents into records.

The library works without the CLI; every command is one call::

    from fhs_nlp import extract_paths, load_aligner, diff_plans, run_batch, run_eval

    result = extract_paths(["corpus/"])                      # fhs-nlp extract
    for milestone in result.records["milestone"]:
        print(milestone.year, milestone.title, milestone.provenance.short())

    report = load_aligner().align("draft.pdf")               # fhs-nlp align
    changes = diff_plans("plan_2022.pdf", "plan_2023.pdf")   # fhs-nlp diff
    batch = run_batch(["drafts/"], "out/batch")              # fhs-nlp batch
    evaluation = run_eval("all", "out/eval")                 # fhs-nlp eval

The names are imported on first use, not with the package: ``import fhs_nlp`` loads no
model, no spaCy and no torch, so a script that only reads records starts at once.
(``fhs_nlp.align`` is the align stage's package, so the one-call
:func:`fhs_nlp.align.aligner.align` is not exported under that name: the package would
shadow it as soon as it is imported.)
ARCHITECTURE.md says where each stage lives.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from fhs_nlp._version import __version__

if TYPE_CHECKING:
    from fhs_nlp.align.aligner import Aligner, load_aligner
    from fhs_nlp.batch.runner import BatchResult, run_batch
    from fhs_nlp.datamodel.alignment import AlignmentReport
    from fhs_nlp.datamodel.plan_diff import PlanDiff
    from fhs_nlp.diff.plans import diff_plans
    from fhs_nlp.evaluate.run import EvalResult, run_eval
    from fhs_nlp.extract.pipeline import ExtractionResult, extract_document, extract_paths

#: public name -> the module that defines it
_PUBLIC = {
    "extract_paths": "fhs_nlp.extract.pipeline",
    "extract_document": "fhs_nlp.extract.pipeline",
    "ExtractionResult": "fhs_nlp.extract.pipeline",
    "load_aligner": "fhs_nlp.align.aligner",
    "Aligner": "fhs_nlp.align.aligner",
    "AlignmentReport": "fhs_nlp.datamodel.alignment",
    "diff_plans": "fhs_nlp.diff.plans",
    "PlanDiff": "fhs_nlp.datamodel.plan_diff",
    "run_batch": "fhs_nlp.batch.runner",
    "BatchResult": "fhs_nlp.batch.runner",
    "run_eval": "fhs_nlp.evaluate.run",
    "EvalResult": "fhs_nlp.evaluate.run",
}

__all__ = [
    "Aligner",
    "AlignmentReport",
    "BatchResult",
    "EvalResult",
    "ExtractionResult",
    "PlanDiff",
    "__version__",
    "diff_plans",
    "extract_document",
    "extract_paths",
    "load_aligner",
    "run_batch",
    "run_eval",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is asked for."""
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'fhs_nlp' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))
