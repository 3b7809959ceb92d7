"""The revision trail between two versions of a plan: what ``diff_plans`` returns.

Made by :func:`fhs_nlp.diff.plans.diff_plans`, shown by :mod:`fhs_nlp.report.diff` and
:mod:`fhs_nlp.report.diff_html`, written as JSON by ``fhs-nlp diff --format json``
(its schema is part of the output contract, like the records).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from fhs_nlp._version import __version__
from fhs_nlp.datamodel.records import SCHEMA_VERSION, Effect, Milestone
from fhs_nlp.settings import DiffSettings

ChangeType = Literal[
    "unchanged", "reworded", "moved_year", "moved_area", "effects_changed", "added", "removed"
]


#: Change types in the order reports list them.
CHANGE_TYPES: tuple[ChangeType, ...] = (
    "unchanged", "reworded", "moved_year", "moved_area", "effects_changed", "added", "removed"
)


EffectChangeType = Literal["added", "removed", "reworded", "retagged"]


EFFECT_CHANGE_TYPES: tuple[EffectChangeType, ...] = ("added", "removed", "reworded", "retagged")


class DiffOp(BaseModel):
    """One run of words of a word-level difference."""

    op: Literal["equal", "delete", "insert"]
    text: str


class WordDiff(BaseModel):
    """The word-level difference of one field between the two versions."""

    field: Literal["title", "description", "effect"]
    old: str
    new: str
    ops: list[DiffOp]


class EffectChange(BaseModel):
    """An effect of a matched milestone that was added, removed, reworded or retagged."""

    changes: list[EffectChangeType]
    old: Effect | None = None
    new: Effect | None = None
    similarity: float | None = None
    text_diff: WordDiff | None = None


class MilestoneChange(BaseModel):
    """What happened to one milestone between the versions.

    ``changes`` is ``["unchanged"]``, ``["added"]``, ``["removed"]``, or one or more of
    reworded, moved_year, moved_area and effects_changed. ``old`` and ``new`` are the
    records of each side (with their provenance); one of them is None for added and
    removed milestones.
    """

    changes: list[ChangeType]
    old: Milestone | None = None
    new: Milestone | None = None
    similarity: float | None = Field(default=None, description="sim(old, new) of the match")
    matched_on: Literal["title", "previous_wording"] | None = Field(
        default=None,
        description="previous_wording: the old title matched the new milestone's 2022 wording "
        "better than its title",
    )
    title_diff: WordDiff | None = None
    description_diff: WordDiff | None = None
    effect_changes: list[EffectChange] = Field(default_factory=list)

    @property
    def current(self) -> Milestone:
        """The newest record of the milestone (the old one for a removed milestone)."""
        record = self.new or self.old
        assert record is not None
        return record

    @property
    def area(self) -> str | None:
        """The area the milestone belongs to now (before, for a removed milestone)."""
        return self.current.area


class PlanSide(BaseModel):
    """One of the two versions compared."""

    path: str
    document_id: str
    source_format: str
    pages: int
    content_hash: str
    milestones: int
    extraction_warnings: int = Field(description="Warnings of the milestone extraction")
    seconds: float = Field(description="Time to read the document and extract its milestones")


class DiffSummary(BaseModel):
    """Counts per change type, per effect change type, and per area."""

    counts: dict[str, int] = Field(description="Milestones per change type; a milestone with "
                                   "several changes counts in each")
    effects: dict[str, int] = Field(description="Effect changes of matched milestones per type")
    per_area: dict[str, dict[str, int]] = Field(
        description="Counts per change type for each area, by the area the milestone is in now "
        "(the old area for a removed milestone)"
    )
    milestones_old: int
    milestones_new: int
    matched: int


class PlanDiff(BaseModel):
    """The revision trail between two versions of an implementation plan."""

    schema_version: str = SCHEMA_VERSION
    kind: Literal["plan_diff"] = "plan_diff"
    software_version: str = __version__
    created: str
    settings: DiffSettings
    old: PlanSide
    new: PlanSide
    same_content: bool = Field(description="Both files have the same bytes")
    identical: bool = Field(description="Every milestone is unchanged, none added or removed")
    summary: DiffSummary
    milestones: list[MilestoneChange]
    timings: dict[str, float]

    def of_type(self, change: ChangeType) -> list[MilestoneChange]:
        return [m for m in self.milestones if change in m.changes]
