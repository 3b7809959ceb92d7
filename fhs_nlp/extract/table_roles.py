"""Which column of a table holds what: the roles of Tabell 1's columns, from header and content.

Authors word and wrap the header row in many ways: a narrow year column turns "År
2023-26" into "År⏎20⏎23⏎-2⏎6" or "År 2023-⏎26"; "Milstolpe" may be hyphenated
("Milstol-⏎pe"), "Effekter av uppnådd milstolpe …" shortened to "Effekter…"; the area
column is unnamed or called "Insatsområde". Header texts are therefore compared with
all spacing and line-end hyphens removed, by the words that start them.

Where the header names no year or area column, the content decides: a column whose
cells are mostly years is the year column, one whose cells are mostly area names the
area column. A header that is not recognised must not cost every year of the table.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhs_nlp.datamodel.document import Table, TableCell
from fhs_nlp.datamodel.vocabulary import area_by_name

Roles = dict[str, int]

_YEAR_HEADER_RE = re.compile(r"^(år|årtal|tidpunkt|när|klart)(\d[\d\-–]*)?[.:]?$")
_YEAR_CELL_RE = re.compile(r"^(20\d\d)$")


def compact(text: str) -> str:
    """Lowercase, line-end hyphens and all whitespace removed: "Milstol-⏎pe" -> "milstolpe"."""
    text = re.sub(r"(?<=\w)[-\u00ad]\s*\n\s*(?=\w)", "", text.lower())
    return re.sub(r"\s+", "", text)


def header_role(text: str) -> str | None:
    """The role a header cell names, or None (an empty or unknown header)."""
    c = compact(text)
    if not c:
        return None
    if "effektmål" in c:
        return "effektmal"
    if c.startswith("effekt"):
        return "effects"
    if "målbild" in c:
        return "malbild"
    if c.startswith("milstolp"):
        return "milestone"
    if _YEAR_HEADER_RE.match(c):
        return "year"
    if "insatsområde" in c or c in ("område", "områden"):
        return "area"
    return None


def header_columns(table: Table) -> tuple[int, Roles] | None:
    """(header row index, role -> column index) if ``table`` is a milestone table.

    The header is one of the first three rows naming a milestone and an effects column.
    Year and area columns the header does not name are found by their content.
    """
    for index, row in enumerate(table.rows[:3]):
        roles: Roles = {}
        texts = [cell.text for cell in row]
        for col, text in enumerate(texts):
            role = header_role(text)
            if role is not None and role not in roles:
                roles[role] = col
        if "milestone" not in roles or "effects" not in roles:
            continue
        body = table.rows[index + 1 :]
        free = [c for c in range(len(texts)) if c not in roles.values()]
        if "year" not in roles:
            year_col = _column_by_content(body, free, _is_year_cell)
            if year_col is not None:
                roles["year"] = year_col
                free.remove(year_col)
        if "area" not in roles:
            area_col = _column_by_content(body, free, lambda t: area_by_name(_label(t)) is not None)
            if area_col is not None:
                roles["area"] = area_col
            else:
                # the rotated area label often has no header: the unnamed column left of
                # the year (or milestone) column
                left = [c for c in free if not compact(texts[c])
                        and c < roles.get("year", roles["milestone"])]
                if left:
                    roles["area"] = left[0]
        return index, roles
    return None


def _label(text: str) -> str:
    return re.sub(r"\(\s*forts\.?\s*\)\s*$", "", " ".join(text.split()), flags=re.I).strip()


def _is_year_cell(text: str) -> bool:
    return bool(_YEAR_CELL_RE.match(re.sub(r"\s+", "", text)))


def _column_by_content(
    rows: list[list[TableCell]], columns: list[int], test: Callable[[str], bool]
) -> int | None:
    """The first column among ``columns`` whose non-empty cells mostly pass ``test``."""
    for col in columns:
        texts = [row[col].text for row in rows if col < len(row) and row[col].text.strip()]
        if len(texts) >= 1 and sum(map(test, texts)) >= max(1, 0.6 * len(texts)):
            return col
    return None
