"""Link the versions of one statement across documents.

The 2025 strategy and the 2020 decision word the same viljeriktningar and
fokusförflyttningar slightly differently. Records of the same statement share a
``statement_id`` (area and position, or shift number); linking fills their
``other_versions``, and a pair whose wordings differ a lot is still linked but reported,
since a document may have reordered its statements.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rapidfuzz import fuzz

from fhs_nlp.datamodel.records import ExtractionWarning


def link_statements(
    records: Sequence[Any],
    *,
    text_of: Callable[[Any], str],
    min_similarity: float,
    code: str,
    what: str,
) -> list[ExtractionWarning]:
    """Fill ``other_versions`` of records sharing a ``statement_id`` (in place).

    ``text_of`` gives the text compared between versions; ``what`` names the statement
    in the warning ("viljeriktning", "fokusförflyttning").
    """
    warnings: list[ExtractionWarning] = []
    by_id: dict[str, list[Any]] = {}
    for record in records:
        by_id.setdefault(record.statement_id, []).append(record)
    for group in by_id.values():
        for record in group:
            record.other_versions = [r.record_id for r in group if r is not record]
        for a, b in zip(group, group[1:], strict=False):
            similarity = fuzz.token_set_ratio(text_of(a).lower(), text_of(b).lower())
            if similarity < min_similarity:
                warnings.append(
                    ExtractionWarning(
                        code=code,
                        message=f"{what} {a.statement_id} reads differently in "
                        f"{a.provenance.document_id} and {b.provenance.document_id} "
                        f"(similarity {similarity:.0f}%); check that they are the same "
                        "statement",
                        provenance=b.provenance,
                    )
                )
    return warnings
