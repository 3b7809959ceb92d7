"""Document-level area scores that do not grow with the length of the document.

The first aligner scored an area by the mean probability of the draft's two strongest
passages. The more passages a draft has, the more chances one of them has to look like
an area, so on a 50-page plan every area came out covered, the one it leaves out too.

Here an area's score is **the share of the draft's text that is about the area**: the
words of the passages the classifier credits to the area (probability at or above the
area's evidence threshold), in per cent of all the words that were scored. (A passage
can be credited to two areas.) Doubling a plan by repeating it leaves every score where it was; a
passing paragraph about premises in a 50-page plan is a fraction of a per cent.

The status is read from two things a strategist can check in the report:

* **gap**: fewer than ``min_passages`` passages are clearly about the area (probability
  at or above ``gap_probability``), or they make up less than ``gap_share`` per cent of
  the text;
* **covered**: at least ``covered_share`` per cent of the text and at least
  ``covered_passages`` passages are about the area;
* **weak** otherwise: the draft touches the area, in a passage or a narrow slice.

The numbers of :data:`DEFAULT_RULE` were fitted on the dev documents of the real-text
gold set (``eval/gold/real``, with the written-for-purpose dev drafts) by
``fhs_nlp.evaluate.fit_documents``; see ``models/README.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np

Status = Literal["covered", "weak", "gap"]


@dataclass(frozen=True)
class DocumentRule:
    """When an area is covered, weak or a gap, from its passages (see the module doc)."""

    gap_probability: float = 0.6
    min_passages: int = 1
    gap_share: float = 0.0
    covered_share: float = 5.0
    covered_passages: int = 2

    def __post_init__(self) -> None:
        if not 0.0 < self.gap_probability <= 1.0:
            raise ValueError(f"gap_probability must be in (0, 1]; got {self.gap_probability}")
        if self.min_passages < 1 or self.covered_passages < 1:
            raise ValueError("min_passages and covered_passages must be at least 1")
        if not 0.0 <= self.gap_share <= self.covered_share <= 100.0:
            raise ValueError("need 0 <= gap_share <= covered_share <= 100")

    def as_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in asdict(self).items()}


#: Fitted on the dev documents (29 real, 3 written-for-purpose; 224 area labels) by
#: ``python -m fhs_nlp.evaluate.fit_documents``: 196 of 196 absent areas flagged, none of
#: the strong areas, 14 of 29 weak areas flagged as gaps (passing mentions the passage
#: classifier calls "none"); 210 of 224 statuses right.
DEFAULT_RULE = DocumentRule(gap_probability=0.5, min_passages=1, gap_share=0.0,
                            covered_share=2.0, covered_passages=2)


@dataclass(frozen=True)
class AreaScore:
    """What the rule read off one area's column of passage probabilities."""

    score: float  # per cent of the scored words, in passages credited to the area
    credited: list[int]  # passages counted, strongest first
    clear: int  # passages at or above the rule's gap_probability
    status: Status


def area_score(p: np.ndarray, words: Sequence[int], evidence_threshold: float,
               rule: DocumentRule = DEFAULT_RULE) -> AreaScore:
    """Score one area from its passage probabilities ``p`` and the passages' word counts."""
    total = float(sum(words))
    if len(p) == 0 or total == 0:
        return AreaScore(0.0, [], 0, "gap")
    w = np.asarray(words, dtype=float)
    credited_mask = p >= evidence_threshold
    share = 100.0 * float((w * credited_mask).sum()) / total
    clear = int((p >= max(rule.gap_probability, evidence_threshold)).sum())
    credited = [int(i) for i in np.argsort(-p) if credited_mask[i]]
    status: Status
    if clear < rule.min_passages or share < rule.gap_share:
        status = "gap"
    elif share >= rule.covered_share and len(credited) >= rule.covered_passages:
        status = "covered"
    else:
        status = "weak"
    return AreaScore(round(share, 1), credited, clear, status)


def score_meaning(rule: DocumentRule = DEFAULT_RULE) -> str:
    """The one paragraph every report prints under its area table."""
    gap = (f"no passage is clearly about it (probability {rule.gap_probability:g} or more)"
           if rule.min_passages == 1 else
           f"fewer than {rule.min_passages} passages are clearly about it (probability "
           f"{rule.gap_probability:g} or more)")
    if rule.gap_share > 0:
        gap += f" or they make up less than {rule.gap_share:g} % of the text"
    return (
        "Area score: the share of the draft's text that is about the insatsområde, in per "
        "cent of its words in passages credited to the area. It does not grow with the "
        "length of the draft. An area is a gap "
        f"when {gap}; covered from {rule.covered_share:g} % of the text in at least "
        f"{rule.covered_passages} passages; weak in between. A passage is credited to an "
        "area when its probability for the area reaches the area's evidence threshold "
        "(listed with the report's thresholds)."
    )
