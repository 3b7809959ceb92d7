"""``run_eval``: the whole evaluation as one call, in a readable list of steps.

1. extraction: run the pipeline on the corpus (or read a predictions folder), compare
   with the extraction gold;
2. drafts: render the Markdown drafts to PDF and DOCX, read the PDFs back;
3. one step per alignment system: fit on dev, score passages and drafts;
4. write ``metrics.json``, ``report.md`` and ``report.html``.

Nothing here prints; progress goes to an optional callback.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from fhs_nlp import settings
from fhs_nlp.datamodel.records import Viljeriktning
from fhs_nlp.evaluate.alignment import SystemResult, evaluate_system
from fhs_nlp.evaluate.drafts import RenderedDraft, render_drafts
from fhs_nlp.evaluate.extraction import ExtractionEval, evaluate_extraction
from fhs_nlp.evaluate.gold import (
    GOLD_DIR,
    AlignmentGold,
    load_alignment_gold,
    load_extraction_gold,
)
from fhs_nlp.evaluate.predictions import from_records, load_predictions
from fhs_nlp.evaluate.predictors import SYSTEMS, SystemContext, Unavailable
from fhs_nlp.evaluate.real_gold import load_real_gold
from fhs_nlp.ingest.corpus import CORPUS_DIR, load_manifest

Suite = Literal["extraction", "alignment", "real", "all"]
#: ``alignment`` is the written-for-purpose gold set, ``real`` the real-text one.
SUITES: tuple[str, ...] = ("extraction", "alignment", "real", "all")
#: Default cache folder (embeddings, rendered drafts); gitignored.
CACHE_DIR = settings.CACHE_DIR
#: The committed report every run is compared with.
COMMITTED_DIR = settings.COMMITTED_REPORTS_DIR

Progress = Callable[[str, int, int], None]


@dataclass
class DraftRead:
    id: str
    file: str
    format: str
    problem: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class AlignmentEval:
    systems: list[SystemResult]
    drafts_read: list[DraftRead]
    viljeriktningar_from: str

    def ok_systems(self) -> list[SystemResult]:
        return [s for s in self.systems if s.status == "ok"]

    def as_dict(self) -> dict[str, Any]:
        return {"systems": {s.name: s.as_dict() for s in self.systems},
                "drafts_read": [d.as_dict() for d in self.drafts_read],
                "viljeriktningar_from": self.viljeriktningar_from,
                "compared_on_test": compare_systems(self.systems)}


@dataclass
class EvalResult:
    """Everything one evaluation run measured, and where it was written."""

    suite: str
    extraction: ExtractionEval | None
    alignment: AlignmentEval | None
    metrics: dict[str, Any]
    real: AlignmentEval | None = None
    written: list[Path] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def headline(self) -> dict[str, float]:
        return dict(self.metrics["headline"])


def compare_systems(systems: Sequence[SystemResult]) -> dict[str, Any]:
    """Test-split differences of every non-baseline system against each baseline."""
    from fhs_nlp.evaluate.predictors import BASELINES

    by_name = {s.name: s for s in systems if s.status == "ok"}
    out: dict[str, Any] = {}
    for name, system in by_name.items():
        if name in BASELINES:
            continue
        for base in BASELINES:
            if base not in by_name:
                continue
            a, b = system.passages["test"], by_name[base].passages["test"]
            da, db = system.drafts["test"], by_name[base].drafts["test"]
            out[f"{name} − {base}"] = {
                "accuracy": round(a.accuracy - b.accuracy, 4),
                "macro_f1": round(a.macro_f1 - b.macro_f1, 4),
                "ece": round(a.ece - b.ece, 4),
                "gap_f1": round(da.gaps.f1 - db.gaps.f1, 4),
            }
    return out


def _corpus_file(doc_id: str, corpus_dir: Path) -> Path:
    for entry in load_manifest(corpus_dir):
        if entry.id == doc_id:
            return entry.path
    raise FileNotFoundError(f"corpus document {doc_id} is not in {corpus_dir}/manifest.json")


def run_eval(
    suite: Suite = "all",
    out_dir: Path | str | None = Path("out/eval"),
    *,
    predictions: Path | str | None = None,
    model: str | None = None,
    systems: Sequence[str] | None = None,
    gold_dir: Path = GOLD_DIR,
    corpus_dir: Path = CORPUS_DIR,
    cache_dir: Path = CACHE_DIR,
    command: str | None = None,
    on_progress: Progress | None = None,
) -> EvalResult:
    """Evaluate extraction and/or alignment against the gold and write the reports.

    ``predictions`` is an ``fhs-nlp extract`` output folder to score instead of running
    the extractor. ``model`` names the embedder of the nearest-viljeriktning baseline
    (default e5). ``systems`` limits the alignment systems (names of
    :data:`~fhs_nlp.evaluate.predictors.SYSTEMS`). With ``out_dir=None`` nothing is
    written. Raises :class:`~fhs_nlp.evaluate.gold.GoldDataError` for bad gold and
    :class:`~fhs_nlp.evaluate.predictions.PredictionsError` for unusable predictions.
    """
    from fhs_nlp.evaluate.report import build_metrics, write_reports
    from fhs_nlp.extract.pipeline import extract_paths

    if suite not in SUITES:
        raise ValueError(f"unknown suite {suite!r}; choose {', '.join(SUITES)}")
    started = time.perf_counter()
    names = list(systems) if systems is not None else list(SYSTEMS)
    unknown = [n for n in names if n not in SYSTEMS]
    if unknown:
        raise ValueError(f"unknown system(s) {', '.join(unknown)}; known: {', '.join(SYSTEMS)}")
    do_extraction = suite in ("extraction", "all")
    do_alignment = suite in ("alignment", "all")
    do_real = suite in ("real", "all")
    steps = [*(["extraction"] if do_extraction else []),
             *(["drafts", *names] if do_alignment else []),
             *(["real documents", *(f"real:{n}" for n in names)] if do_real else [])]
    done = 0
    timings: dict[str, float] = {}

    def step(name: str) -> None:
        if on_progress is not None:
            on_progress(name, done, len(steps))

    # gold first: bad gold fails before any slow work
    extraction_gold = load_extraction_gold(gold_dir) if do_extraction else None
    alignment_gold = load_alignment_gold(gold_dir) if do_alignment else None
    real_gold = load_real_gold(gold_dir) if do_real else None

    extraction: ExtractionEval | None = None
    extracted = None
    if do_extraction and extraction_gold is not None:
        step("extraction")
        t = time.perf_counter()
        if predictions is not None:
            predicted = load_predictions(Path(predictions))
        else:
            extracted = extract_paths([Path(corpus_dir) / "texts"])
            predicted = from_records(extracted.records)
        extraction = evaluate_extraction(extraction_gold, predicted)
        timings["extraction"] = time.perf_counter() - t
        done += 1

    alignment: AlignmentEval | None = None
    if do_alignment and alignment_gold is not None:
        step("drafts")
        t = time.perf_counter()
        viljeriktningar, vr_source = _viljeriktningar(extracted, corpus_dir)
        draft_texts, drafts_read = _read_drafts(alignment_gold, Path(cache_dir) / "drafts")
        timings["drafts"] = time.perf_counter() - t
        done += 1
        ctx = SystemContext(viljeriktningar, model=model, cache_dir=Path(cache_dir))
        results: list[SystemResult] = []
        try:
            for name in names:
                step(name)
                results.append(_timed_system(name, ctx, alignment_gold, draft_texts,
                                             timings, f"system:{name}"))
                done += 1
        finally:
            ctx.close()
        alignment = AlignmentEval(results, drafts_read, vr_source)

    real: AlignmentEval | None = None
    if do_real and real_gold is not None:
        step("real documents")
        t = time.perf_counter()
        if not do_alignment:
            viljeriktningar, vr_source = _viljeriktningar(extracted, corpus_dir)
        real_texts, real_read = read_real_documents(real_gold)
        timings["real documents"] = time.perf_counter() - t
        done += 1
        ctx = SystemContext(viljeriktningar, model=model, cache_dir=Path(cache_dir))
        real_results: list[SystemResult] = []
        try:
            for name in names:
                step(f"real:{name}")
                real_results.append(_timed_system(name, ctx, real_gold, real_texts, timings,
                                                  f"real:{name}"))
                done += 1
        finally:
            ctx.close()
        real = AlignmentEval(real_results, real_read, vr_source)

    seconds = time.perf_counter() - started
    timings["total"] = seconds
    metrics = build_metrics(
        suite=suite, extraction=extraction, alignment=alignment, real=real, gold_dir=gold_dir,
        command=command, timings=timings,
        config={"suite": suite, "predictions": _shown(predictions) if predictions else None,
                "model": model or "e5", "systems": names,
                "corpus": _shown(corpus_dir), "gold": _shown(gold_dir)},
    )
    result = EvalResult(suite, extraction, alignment, metrics, real=real, seconds=seconds)
    if out_dir is not None:
        result.written = write_reports(result, Path(out_dir))
    if on_progress is not None:
        on_progress("done", len(steps), len(steps))
    return result


def _viljeriktningar(extracted: Any, corpus_dir: Path) -> tuple[dict[str, str], str]:
    """The 18 viljeriktningar of the 2025 strategy (000), as extracted from the corpus."""
    from fhs_nlp.extract.pipeline import extract_paths

    if extracted is None:
        extracted = extract_paths([_corpus_file("000", Path(corpus_dir))])
    found = {r.statement_id: r.text for r in extracted.records["viljeriktning"]
             if isinstance(r, Viljeriktning) and r.provenance.document_id == "000"}
    return found, "extraction of corpus document 000 (Strategi för Framtidens hälsosystem)"


def _read_drafts(gold: AlignmentGold, render_dir: Path) -> tuple[dict[str, str], list[DraftRead]]:
    """Each draft's text, read through ``read_document`` from its rendered PDF."""
    from fhs_nlp.ingest import read_document

    rendered: list[RenderedDraft] = render_drafts([d.path for d in gold.drafts], render_dir)
    texts: dict[str, str] = {}
    read: list[DraftRead] = []
    for draft, files in zip(gold.drafts, rendered, strict=True):
        path = files.readable
        doc = read_document(path, draft.id)
        texts[draft.id] = doc.text
        read.append(DraftRead(draft.id, path.name, doc.source_format, files.problem))
    return texts, read


def read_real_documents(gold: AlignmentGold) -> tuple[dict[str, str], list[DraftRead]]:
    """Each real document's text, read through ``read_document`` from its committed copy."""
    from fhs_nlp.ingest import read_document

    texts: dict[str, str] = {}
    read: list[DraftRead] = []
    for draft in gold.drafts:
        doc = read_document(draft.path, draft.id)
        texts[draft.id] = doc.text
        read.append(DraftRead(draft.id, draft.path.name, doc.source_format, None))
    return texts, read


def _timed_system(name: str, ctx: SystemContext, gold: AlignmentGold,
                  texts: dict[str, str], timings: dict[str, float], key: str) -> SystemResult:
    started = time.perf_counter()
    result = _run_system(name, ctx, gold, texts)
    timings[key] = time.perf_counter() - started
    return result


def _run_system(name: str, ctx: SystemContext, gold: AlignmentGold,
                draft_texts: dict[str, str]) -> SystemResult:
    started = time.perf_counter()
    try:
        predictor = SYSTEMS[name](ctx)
    except Unavailable as why:
        return SystemResult(name=name, status="skipped", reason=str(why))
    loaded = time.perf_counter() - started
    result = evaluate_system(predictor, gold, draft_texts)
    result.seconds = {"load": loaded, **result.seconds}
    return result


def _shown(path: Path | str) -> str:
    """A path for the stamp: relative to the repository (or the data shipped with an
    installed package) when inside it."""
    path = Path(path).resolve()
    try:
        return path.relative_to(settings.DATA_ROOT).as_posix()
    except ValueError:
        return str(path)
