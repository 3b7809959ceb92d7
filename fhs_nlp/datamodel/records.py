"""Typed records passed between stages, each pointing back to its source.

Every record carries ``schema_version`` and a :class:`Provenance`, so a report can say
"002, line 1264" (or "p. 12" for a PDF) instead of "row 17". The JSON Schema in
``schemas/records.schema.json`` is generated from these classes
(``fhs-nlp schema --out schemas``); change them, then regenerate it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"

EffectTarget = Literal["inv", "sys", "vsh"]


class Provenance(BaseModel):
    """Where a record stands in its source document."""

    model_config = ConfigDict(frozen=True)

    document_id: str = Field(description="Corpus id of the document, e.g. '002' or the file stem")
    source_file: str = Field(description="File name the document was read from")
    page: int | None = Field(
        default=None, description="1-based page for PDF/DOCX input; None for plain text"
    )
    line_start: int = Field(description="1-based first line in the document text")
    line_end: int = Field(description="1-based last line in the document text")
    char_start: int = Field(description="Start offset in the document text")
    char_end: int = Field(description="End offset (exclusive) in the document text")

    def short(self) -> str:
        where = f"p. {self.page}, " if self.page is not None else ""
        if self.line_start == self.line_end:
            return f"{self.source_file}: {where}line {self.line_start}"
        return f"{self.source_file}: {where}lines {self.line_start}-{self.line_end}"


class Record(BaseModel):
    """Fields shared by every extracted record."""

    schema_version: str = SCHEMA_VERSION
    record_id: str = Field(description="Stable id, unique within one extraction run")
    provenance: Provenance


class Viljeriktning(Record):
    """One 'direction of will' of an insatsområde, in one document's wording."""

    kind: Literal["viljeriktning"] = "viljeriktning"
    area: str = Field(description="Canonical insatsområde name")
    number: int = Field(description="1-based position within its insatsområde")
    text: str
    statement_id: str = Field(
        description="Shared by all wordings of the same statement across documents, "
        "e.g. 'nara-vard/2'"
    )
    other_versions: list[str] = Field(
        default_factory=list, description="record_ids of the same statement in other documents"
    )


class Insatsomrade(Record):
    """One of the 7 priority areas, as a document lists it, with its group."""

    kind: Literal["insatsomrade"] = "insatsomrade"
    name: str = Field(description="Canonical name")
    name_in_source: str = Field(description="The spelling the document uses")
    group: str = Field(description="Canonical group name (2025 naming)")
    group_in_source: str
    viljeriktningar: list[str] = Field(description="record_ids of its viljeriktningar, in order")


class Fokusforflyttning(Record):
    """One of the 5 shifts of focus ('från … till …'), fokusförflyttning or perspektivskifte."""

    kind: Literal["fokusforflyttning"] = "fokusforflyttning"
    number: int = Field(description="1-based position in the document")
    term: str = Field(description="What the document calls it: fokusförflyttning/perspektivskifte")
    text: str = Field(description="The statement, 'Fokus flyttas från … till …'")
    from_focus: str | None = Field(default=None, description="The 'från' part")
    to_focus: str | None = Field(default=None, description="The 'till' part")
    statement_id: str = Field(description="Shared by both documents' versions, e.g. 'shift/3'")
    other_versions: list[str] = Field(default_factory=list)


class Effect(BaseModel):
    """One short-term effect of a milestone, with whom it benefits."""

    text: str
    targets: list[EffectTarget] = Field(
        default_factory=list, description="inv = citizens, sys = system, vsh = care units"
    )
    provenance: Provenance


class Milestone(Record):
    """One row of Tabell 1 of an implementation plan."""

    kind: Literal["milestone"] = "milestone"
    area: str | None = Field(description="Canonical insatsområde name")
    area_evidence: Literal["label", "malbild", "order", "continued", "none"] = Field(
        description="How the area was found: the page's area label; the page's målbild, "
        "which matches a labelled page; the roadmap's order of areas, which leaves only one "
        "possibility; the area of the page before; or not at all"
    )
    year: int | None = Field(description="Target year; None where the source gives none")
    title: str
    description: str
    effects: list[Effect]
    rewords_2022: bool = Field(
        default=False, description="True where the row rewords a milestone of the 2022 plan"
    )
    previous_wording: str | None = Field(default=None, description="The 2022 wording")


class Malbild(Record):
    """The long-term picture of success of one insatsområde."""

    kind: Literal["malbild"] = "malbild"
    area: str
    statement: str = Field(description="The lead sentence(s)")
    bullets: list[str]
    complete: bool = Field(
        default=True, description="False where the source text is visibly garbled"
    )


class Effektmal(Record):
    """One of the 5 övergripande effektmål."""

    kind: Literal["effektmal"] = "effektmal"
    number: int
    name: str = Field(description="Canonical name")
    name_in_source: str


class Decision(Record):
    """A dated decision or deadline."""

    kind: Literal["decision"] = "decision"
    decision_kind: Literal["decision", "deadline", "document"] = Field(
        description="decision: a body decided something on a date; deadline: something is due "
        "by a date; document: a dated document of the case"
    )
    date: str = Field(description="ISO date, YYYY-MM-DD")
    body: str | None = Field(default=None, description="Deciding body, e.g. Regionfullmäktige")
    paragraph: str | None = Field(default=None, description="Protocol paragraph, e.g. '§ 33'")
    case_number: str | None = Field(default=None, description="e.g. 2020-POL000027")
    text: str = Field(description="What was decided or is due, as the source says it")


class ExtractionWarning(BaseModel):
    """A part of a document that looks like a record but could not be parsed fully."""

    code: str = Field(description="Stable code, e.g. W101")
    level: Literal["info", "warning"] = Field(
        default="warning",
        description="info: a fact of the source worth a reviewer's eye (a milestone without "
        "a year); warning: something that could not be read fully",
    )
    message: str
    provenance: Provenance | None = None


RECORD_TYPES: dict[str, type[Record]] = {
    "insatsomrade": Insatsomrade,
    "viljeriktning": Viljeriktning,
    "fokusforflyttning": Fokusforflyttning,
    "milestone": Milestone,
    "malbild": Malbild,
    "effektmal": Effektmal,
    "decision": Decision,
}
