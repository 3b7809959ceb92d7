"""How well a reader read a generated layout: field-by-field scores against what was drawn.

The layout sweep (tests and ``bench/sweep_layouts.py``) draws the same milestones and
viljeriktningar in many layouts; these scores say, per layout, which fields came back
and which were lost, so a reader change that helps one layout and hurts another shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


def _key(title: str) -> str:
    return " ".join(title.split()).casefold()


@dataclass(frozen=True)
class Score:
    """How a reader did on one layout against the text path."""

    expected: int
    found: int
    matched: int
    recall: float
    precision: float
    year: float
    area: float
    description: float
    effects: float
    #: warning-level warnings the reader gave, by code
    warnings: dict[str, int]

    def line(self) -> str:
        warned = ",".join(f"{k}x{v}" for k, v in sorted(self.warnings.items())) or "-"
        return (f"R {self.recall:.2f} P {self.precision:.2f} year {self.year:.2f} "
                f"area {self.area:.2f} desc {self.description:.2f} eff {self.effects:.2f} "
                f"({self.found} read, warnings {warned})")


def score(found: Sequence[Any], expected: Sequence[Any], warnings: Sequence[Any] = ()) -> Score:
    """Compare milestones read from a layout with those the text path read.

    Milestones are matched one to one by title (whitespace and case folded); year, area,
    description and effects accuracy are over the matched pairs.
    """
    pool: dict[str, list[Any]] = {}
    for m in expected:
        pool.setdefault(_key(m.title), []).append(m)
    pairs = []
    for m in found:
        candidates = pool.get(_key(m.title))
        if candidates:
            pairs.append((m, candidates.pop(0)))
    n = len(pairs)

    def share(same: int) -> float:
        return same / n if n else 0.0

    counts: dict[str, int] = {}
    for w in warnings:
        if getattr(w, "level", "warning") == "warning":
            counts[w.code] = counts.get(w.code, 0) + 1
    return Score(
        expected=len(expected),
        found=len(found),
        matched=n,
        recall=n / len(expected) if expected else 1.0,
        precision=n / len(found) if found else 0.0,
        year=share(sum(a.year == b.year for a, b in pairs)),
        area=share(sum(a.area == b.area for a, b in pairs)),
        description=share(sum(" ".join(a.description.split()) == " ".join(b.description.split())
                              for a, b in pairs)),
        effects=share(sum([(e.text, e.targets) for e in a.effects]
                          == [(e.text, e.targets) for e in b.effects] for a, b in pairs)),
        warnings=counts,
    )


def score_viljeriktningar(found: Any, expected: Any) -> dict[str, float]:
    """Statements found / expected (recall, precision: same area, number and text) and
    the share of areas with the right group."""
    want = {(v.area, v.number, " ".join(v.text.split())) for v in expected.viljeriktningar}
    got = {(v.area, v.number, " ".join(v.text.split())) for v in found.viljeriktningar}
    groups = {a.name: a.group for a in expected.areas}
    found_groups = {a.name: a.group for a in found.areas}
    return {
        "recall": len(want & got) / len(want) if want else 1.0,
        "precision": len(want & got) / len(got) if got else 0.0,
        "group": sum(found_groups.get(k) == g for k, g in groups.items()) / max(1, len(groups)),
    }
