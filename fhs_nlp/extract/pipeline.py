"""The extraction pipeline: read each input, run every stage, link across documents.

The pipeline is a list you can read (:data:`STAGES`): each stage takes a
:class:`~fhs_nlp.datamodel.document.Document` and returns records and warnings. A document
that cannot be read is recorded as a failure with its reason and the run goes on; so is
one on which a stage raises an unexpected exception (a bug, E804): the traceback is kept
with the document (``DocumentResult.traceback``, written into the run's manifest) and
the other documents are still extracted. With ``strict=True`` the first failure raises
instead. Nothing here prints: progress is
reported through an optional callback, so the CLI can draw a bar and a library user can
stay silent.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from fhs_nlp._version import __version__
from fhs_nlp.datamodel.document import Document
from fhs_nlp.datamodel.records import (
    RECORD_TYPES,
    SCHEMA_VERSION,
    ExtractionWarning,
    Fokusforflyttning,
    Record,
    Viljeriktning,
)
from fhs_nlp.errors import (
    STRICT_WARNING_CODES,
    W_NOT_SWEDISH,
    W_READER_NOTE,
    DocumentTimeoutError,
    IncompleteTableError,
    InputError,
    InternalError,
)
from fhs_nlp.extract.fokus import extract_fokusforflyttningar, link_shifts
from fhs_nlp.extract.milestones import extract_milestones
from fhs_nlp.extract.viljeriktningar import extract_viljeriktningar, link_versions
from fhs_nlp.ingest import discover_inputs, read_document
from fhs_nlp.ingest.corpus import corpus_entry_for
from fhs_nlp.ingest.limits import Limits, time_limit
from fhs_nlp.segment.language import looks_swedish


@dataclass
class StageOutput:
    records: list[Record]
    warnings: list[ExtractionWarning]


Stage = Callable[[Document], StageOutput]


def _viljeriktningar(doc: Document) -> StageOutput:
    found = extract_viljeriktningar(doc)
    return StageOutput([*found.areas, *found.viljeriktningar], found.warnings)


def _fokus(doc: Document) -> StageOutput:
    records, warnings = extract_fokusforflyttningar(doc)
    return StageOutput(list(records), warnings)


def _milestones(doc: Document) -> StageOutput:
    found = extract_milestones(doc)
    return StageOutput([*found.milestones, *found.malbilder, *found.effektmal], found.warnings)


def _decisions(doc: Document) -> StageOutput:
    from fhs_nlp.extract.decisions import extract_decisions

    # One record per dated mention, and no undated proposal points: the rules of the
    # gold annotations (eval/GUIDELINES.md), so that every record has a date from the text.
    records, warnings = extract_decisions(doc, include_proposals=False, merge_repeats=False)
    return StageOutput(list(records), warnings)


#: The stages every document goes through, in order.
STAGES: tuple[tuple[str, Stage], ...] = (
    ("viljeriktningar", _viljeriktningar),
    ("fokusforflyttningar", _fokus),
    ("milestones", _milestones),
    ("decisions", _decisions),
)

Status = Literal["success", "partial", "failure"]


@dataclass
class DocumentResult:
    """What happened to one input: its records and warnings, or why it failed."""

    path: Path
    doc_id: str
    status: Status
    content_hash: str | None = None
    source_format: str | None = None
    pages: int | None = None
    records: list[Record] = field(default_factory=list)
    warnings: list[ExtractionWarning] = field(default_factory=list)
    error: str | None = None
    error_code: str | None = None
    seconds: float = 0.0
    #: records of a failed input kept from an earlier run's output (fhs_nlp.report.previous_run)
    kept_records: int = 0
    #: the traceback of an unexpected exception (a bug, error code E804), for the report
    traceback: str | None = None

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(RECORD_TYPES, 0)
        for record in self.records:
            counts[record.kind] += 1  # type: ignore[attr-defined]
        return counts


@dataclass
class ExtractionResult:
    """The result of a run over many inputs."""

    documents: list[DocumentResult]
    input_errors: list[InputError]
    seconds: float
    software_version: str = __version__
    schema_version: str = SCHEMA_VERSION
    link_warnings: list[ExtractionWarning] = field(default_factory=list)

    @property
    def records(self) -> dict[str, list[Record]]:
        by_kind: dict[str, list[Record]] = {kind: [] for kind in RECORD_TYPES}
        for doc in self.documents:
            for record in doc.records:
                by_kind[record.kind].append(record)  # type: ignore[attr-defined]
        return by_kind

    @property
    def failed(self) -> list[DocumentResult]:
        return [d for d in self.documents if d.status == "failure"]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.input_errors


def extract_document(
    doc: Document, stages: Sequence[tuple[str, Stage]] | None = None
) -> DocumentResult:
    """Run every stage (default :data:`STAGES`) on one read document."""
    stages = STAGES if stages is None else stages
    started = time.perf_counter()
    records: list[Record] = []
    warnings: list[ExtractionWarning] = list(
        ExtractionWarning(code=W_READER_NOTE, message=message) for message in doc.warnings
    )
    swedish = looks_swedish(doc.text[:20000])
    if swedish is False:
        warnings.append(
            ExtractionWarning(
                code=W_NOT_SWEDISH,
                message="the text does not look Swedish; the extractors are written for "
                "Swedish and will find little",
            )
        )
    for name, stage in stages:
        try:
            output = stage(doc)
        except Exception as error:
            error.add_note(f"in the extraction stage {name!r}")
            raise
        records.extend(output.records)
        warnings.extend(output.warnings)
    return DocumentResult(
        path=doc.source_path,
        doc_id=doc.doc_id,
        status="partial" if any(w.level == "warning" for w in warnings) else "success",
        content_hash=doc.content_hash,
        source_format=doc.source_format,
        pages=len(doc.pages) if doc.has_page_numbers else None,
        records=records,
        warnings=warnings,
        seconds=time.perf_counter() - started,
    )


def extract_paths(
    paths: Iterable[Path | str],
    *,
    strict: bool = False,
    stages: Sequence[tuple[str, Stage]] | None = None,
    on_document: Callable[[DocumentResult], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    limits: Limits | None = None,
) -> ExtractionResult:
    """Extract records from files and folders.

    ``on_start`` is told how many files were found; ``on_document`` gets each result as it
    is done (for progress bars). With ``strict`` the first unreadable input raises its
    :class:`~fhs_nlp.errors.InputError`. ``stages`` defaults to :data:`STAGES`.
    ``limits`` (:mod:`fhs_nlp.ingest.limits`) apply to each document; over its time limit a
    document fails with E802 (on the main thread of a POSIX process).
    """
    started = time.perf_counter()
    files, input_errors = discover_inputs(Path(p) for p in paths)
    if strict and input_errors:
        raise input_errors[0]
    if on_start is not None:
        on_start(len(files))
    used_ids: set[str] = set()
    results: list[DocumentResult] = []
    for path in files:
        result = _extract_file(path, used_ids, strict, stages, limits)
        results.append(result)
        if on_document is not None:
            on_document(result)
    link_warnings = _link_across_documents(results)
    return ExtractionResult(
        documents=results,
        input_errors=input_errors,
        seconds=time.perf_counter() - started,
        link_warnings=link_warnings,
    )


def _extract_file(
    path: Path, used_ids: set[str], strict: bool,
    stages: Sequence[tuple[str, Stage]] | None = None,
    limits: Limits | None = None,
) -> DocumentResult:
    started = time.perf_counter()
    doc_id = _document_id(path, used_ids)
    try:
        if limits is None:
            doc = read_document(path, doc_id)
            result = extract_document(doc, stages)
        else:
            with time_limit(limits.timeout, path):
                doc = read_document(path, doc_id, limits)
                result = extract_document(doc, stages)
    except (InputError, DocumentTimeoutError) as error:
        if strict:
            raise
        return DocumentResult(
            path=path,
            doc_id=doc_id,
            status="failure",
            error=str(error),
            error_code=error.code,
            seconds=time.perf_counter() - started,
        )
    except Exception as error:  # a bug: keep it with the document and go on
        if strict:
            raise
        stage = next((n for n in getattr(error, "__notes__", ()) if "stage" in n), "")
        return DocumentResult(
            path=path,
            doc_id=doc_id,
            status="failure",
            error=f"fhs-nlp could not process it ({type(error).__name__}: {error}"
                  f"{'; ' + stage if stage else ''}); this is a bug: please report it with "
                  "the file and the traceback in manifest.json",
            error_code=InternalError.code,
            seconds=time.perf_counter() - started,
            traceback=traceback.format_exc(),
        )
    result.seconds = time.perf_counter() - started
    if strict:
        lost = [w for w in result.warnings
                if w.code in STRICT_WARNING_CODES and w.level == "warning"]
        if lost:
            where = f" (page {lost[0].provenance.page})" if lost[0].provenance and \
                lost[0].provenance.page else ""
            raise IncompleteTableError(
                f"a table was not read fully{where}: [{lost[0].code}] {lost[0].message}"
                + (f"; and {len(lost) - 1} more such warning(s)" if len(lost) > 1 else "")
                + "; without --strict the records that were read are written with the warnings",
                path,
            )
    return result


def _document_id(path: Path, used: set[str]) -> str:
    """The corpus id for corpus files, else the file stem; made unique within a run."""
    data = path.read_bytes() if path.is_file() and path.stat().st_size < 50_000_000 else None
    entry = corpus_entry_for(path, data)
    base = entry.id if entry is not None else path.stem
    doc_id = base
    n = 2
    while doc_id in used:
        doc_id = f"{base}-{n}"
        n += 1
    used.add(doc_id)
    return doc_id


def _link_across_documents(results: list[DocumentResult]) -> list[ExtractionWarning]:
    """Link the versions of viljeriktningar and fokusförflyttningar across documents."""
    records = [r for doc in results for r in doc.records]
    statements = [r for r in records if isinstance(r, Viljeriktning)]
    shifts = [r for r in records if isinstance(r, Fokusforflyttning)]
    return link_versions(statements) + link_shifts(shifts)
