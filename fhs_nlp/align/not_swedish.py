"""A draft that is not in Swedish: its scores and gaps say nothing, and the report says so.

The classifier, the reference index and the strategy texts are Swedish. An English (or
any non-Swedish) draft still gets numbers, since every passage gets probabilities, but
they do not measure what the draft is about; a "gap" explained as "no passage is likely
about Digitalisering" would be a confident statement with nothing behind it. So the
report keeps the numbers (for completeness) and replaces every explanation with the
plain reason they are not meaningful; the renderers head the gaps accordingly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: The warning of such a report; renderers look for it (:func:`is_not_swedish`).
NOT_SWEDISH = (
    "the draft does not look Swedish: its scores and gaps are not meaningful, since the "
    "classifier and the strategy texts are Swedish; score a Swedish version of the draft"
)
AREA_NOTE = ("Not meaningful: the draft is not in Swedish, so this score says nothing "
             "about what it covers.")
GAP_NOTE = ("Not meaningful: the draft is not in Swedish, so a low score does not show "
            "that it leaves this out.")


def mark_not_meaningful(areas: Sequence[Any], gaps: Sequence[Any]) -> None:
    """Replace the explanations of a non-Swedish draft's areas, viljeriktningar and gaps."""
    for area in areas:
        area.explanation = AREA_NOTE
        for v in area.viljeriktningar:
            v.explanation = GAP_NOTE if not v.addressed else AREA_NOTE
    for gap in gaps:
        gap.explanation = GAP_NOTE


def is_not_swedish(report: Any) -> bool:
    return NOT_SWEDISH in report.warnings
