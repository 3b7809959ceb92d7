"""The evaluation harness: gold loaders, predictors, evaluators and report writers.

Kept apart, one module each:

* :mod:`~fhs_nlp.evaluate.gold` – read and validate ``eval/gold`` (:class:`GoldDataError`);
* :mod:`~fhs_nlp.evaluate.predictions` – predicted records from a run or an
  ``fhs-nlp extract`` folder (schema version checked);
* :mod:`~fhs_nlp.evaluate.matching`, :mod:`~fhs_nlp.evaluate.metrics` – pairing and
  metric functions on plain data;
* :mod:`~fhs_nlp.evaluate.extraction`, :mod:`~fhs_nlp.evaluate.alignment` – evaluators;
* :mod:`~fhs_nlp.evaluate.predictors` – the alignment systems (protocol, baselines,
  the aligner slot);
* :mod:`~fhs_nlp.evaluate.drafts` – the gold drafts rendered to PDF and DOCX;
* :mod:`~fhs_nlp.evaluate.report` – ``metrics.json``, ``report.md``, ``report.html``;
* :mod:`~fhs_nlp.evaluate.run` – :func:`run_eval`, all of it in one call::

    from fhs_nlp.evaluate import run_eval
    result = run_eval("all", "out/eval")
    print(result.headline["extraction.milestone.f1"])
"""

from fhs_nlp.errors import GoldDataError, PredictionsError, SchemaVersionError
from fhs_nlp.evaluate.gold import LABELS, load_alignment_gold, load_extraction_gold
from fhs_nlp.evaluate.predictions import load_predictions
from fhs_nlp.evaluate.predictors import SYSTEMS, PassagePredictor
from fhs_nlp.evaluate.report import compare_headlines, load_metrics
from fhs_nlp.evaluate.run import COMMITTED_DIR, SUITES, EvalResult, run_eval

__all__ = [
    "COMMITTED_DIR",
    "LABELS",
    "SUITES",
    "SYSTEMS",
    "EvalResult",
    "GoldDataError",
    "PassagePredictor",
    "PredictionsError",
    "SchemaVersionError",
    "compare_headlines",
    "load_alignment_gold",
    "load_extraction_gold",
    "load_metrics",
    "load_predictions",
    "run_eval",
]
