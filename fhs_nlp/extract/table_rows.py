"""The logical rows of Tabell 1 across every table and page that hold it.

A milestone row of the table is not always one row of one table as a reader finds it:

* a **merged cell** (a year or area spanning several rows, Word ``w:vMerge`` or a PDF
  cell whose extent covers several rows) holds its text in the first row only; the
  rows it covers get the same value here;
* a **table continued on the next page** may repeat its header row or not; an area
  cell merged over the page break is empty there, and the area goes on;
* a **row split by a page break** (Word's default) continues at the top of the next
  page without its title (no bold first line, or none at all) and without its year: it
  is joined back to the row it belongs to;
* a **row read twice** (the same area, title and description) is dropped, with a
  warning.

Each row keeps the cells it was read from, so records can point at their source.
:func:`column_problems` then checks that no column the table has came out empty on most
rows: that is the sign of a layout the reader did not understand, and it is reported
rather than passed on as "no year in the source".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fhs_nlp.datamodel.document import Document, Table, TableCell
from fhs_nlp.datamodel.vocabulary import area_by_name
from fhs_nlp.errors import W_COLUMN_EMPTY, W_ROW_JOINED, W_ROW_REPEATED
from fhs_nlp.extract.table_roles import Roles, compact, header_columns, header_role

_YEAR_RE = re.compile(r"^20\d\d$")

#: (code, message, page number or None)
Problem = tuple[str, str, "int | None"]


@dataclass
class LogicalRow:
    """One milestone row: role -> the cells that hold it (more than one where a row was
    split by a page break), and the values merged cells gave it."""

    page: int
    table_key: tuple[int, int]
    roles: Roles
    parts: dict[str, list[TableCell]] = field(default_factory=dict)
    area_text: str = ""
    area_cell: TableCell | None = None
    year_text: str = ""
    year_cell: TableCell | None = None
    area_carried: bool = False
    year_carried: bool = False
    joined_from: int | None = None  # the page a split row's tail was joined from

    def text(self, role: str) -> str:
        return "\n".join(c.text for c in self.parts.get(role, []) if c.text.strip())


@dataclass
class _TableInfo:
    key: tuple[int, int]
    page: int
    table: Table
    header_index: int
    roles: Roles
    continues: bool


def _milestone_tables(doc: Document) -> list[_TableInfo]:
    """Every table of the milestone table, in order; a table without a header that
    follows one on the previous page with as many columns continues it."""
    found: list[_TableInfo] = []
    for page in doc.pages:
        for t, table in enumerate(page.tables):
            width = max((len(r) for r in table.rows), default=0)
            header = header_columns(table)
            last = found[-1] if found else None
            follows = (
                last is not None
                and t == 0
                and last.page == page.number - 1
                and last.key == (last.page, len(doc.pages[last.page - 1].tables) - 1)
                and width == max(len(r) for r in last.table.rows)
            )
            if header is not None:
                index, roles = header
                found.append(_TableInfo((page.number, t), page.number, table, index, roles,
                                        continues=bool(follows)))
            elif follows and last is not None:
                found.append(_TableInfo((page.number, t), page.number, table, -1,
                                        dict(last.roles), continues=True))
    return found


def _cell(row: list[TableCell], roles: Roles, role: str) -> TableCell | None:
    index = roles.get(role)
    if index is None or index >= len(row):
        return None
    return row[index]


def _taller_than_row(cell: TableCell | None, row: list[TableCell]) -> bool:
    """A PDF cell whose extent reaches below its row: a cell merged over several rows."""
    if cell is None or cell.bbox is None:
        return False
    bottoms = [c.bbox[3] for c in row if c.bbox is not None and c is not cell]
    return bool(bottoms) and cell.bbox[3] > min(bottoms) + 1


def _uses_bold_titles(rows: list[LogicalRow]) -> bool:
    cells = [c for r in rows for c in r.parts.get("milestone", [])[:1] if c.text.strip()]
    return len(cells) >= 2 and sum(c.bold_lines > 0 for c in cells) >= 0.8 * len(cells)


def _is_continuation(row: list[TableCell], roles: Roles, rows: list[LogicalRow]) -> bool:
    """Is this first row of a continued table the tail of a row split by the page break?"""
    milestone = _cell(row, roles, "milestone")
    year = _cell(row, roles, "year")
    if year is not None and _YEAR_RE.match(re.sub(r"\s+", "", year.text)):
        return False  # a year of its own starts a row (a year's tail does not)
    text = milestone.text.strip() if milestone is not None else ""
    others = [c.text for c in row if c is not milestone and c.text.strip()]
    if not text:
        return bool(others)
    if text[:1].islower():
        return True
    return bool(milestone is not None and milestone.bold_lines == 0 and _uses_bold_titles(rows))


def _repeats_header(row: list[TableCell], roles: Roles) -> bool:
    named = [(role, col) for role, col in roles.items() if role in ("milestone", "effects", "year")]
    hits = sum(1 for role, col in named if col < len(row) and header_role(row[col].text) == role)
    return hits >= 2


def _join(previous: LogicalRow, row: list[TableCell], roles: Roles, page: int) -> None:
    for role in ("milestone", "effects", "malbild", "effektmal"):
        cell = _cell(row, roles, role)
        if cell is not None and cell.text.strip():
            previous.parts.setdefault(role, []).append(cell)
    previous.joined_from = page


def _join_split_labels(
    rows: list[LogicalRow], row: list[TableCell], roles: Roles
) -> tuple[bool, bool]:
    """A merged area or year cell whose text the page break cut ("Nivåstrukture ring
    och" / "profilering", "202" / "3"): the tail on the new page completes the label of
    every row the cell covers. Returns (area joined, year joined)."""
    last = rows[-1]
    joined = [False, False]
    for k, (role, attr, cell_attr) in enumerate(
        (("area", "area_text", "area_cell"), ("year", "year_text", "year_cell"))
    ):
        cell = _cell(row, roles, role)
        before = getattr(last, attr)
        if cell is None or not cell.text.strip() or not before:
            continue
        tail = " ".join(cell.text.split())
        whole = f"{before} {tail}"
        if role == "area":
            ok = area_by_name(tail) is None and area_by_name(whole) is not None
        else:
            digits = re.sub(r"\D", "", whole)
            ok = not _YEAR_RE.match(re.sub(r"\s+", "", before)) and bool(_YEAR_RE.match(digits))
            whole = digits
        if ok:
            source = getattr(last, cell_attr)
            for earlier in rows:
                if getattr(earlier, cell_attr) is source:
                    setattr(earlier, attr, whole)
            joined[k] = True
    return joined[0], joined[1]


def logical_rows(doc: Document) -> tuple[list[LogicalRow], list[Problem]]:
    """The milestone rows of every table of the milestone table, merged cells filled in,
    split rows joined; and the problems found on the way."""
    rows: list[LogicalRow] = []
    problems: list[Problem] = []
    for info in _milestone_tables(doc):
        body = info.table.rows[info.header_index + 1 :]
        first_row = True
        previous_in_table: LogicalRow | None = None
        for row in body:
            if not any(c.text.strip() for c in row) and not first_row:
                continue
            if _repeats_header(row, info.roles):
                continue  # the header row again, inside the table
            roles = info.roles
            split_area = split_year = False
            if first_row and info.continues and rows and rows[-1].page == info.page - 1:
                split_area, split_year = _join_split_labels(rows, row, roles)
            if (
                first_row and info.continues and rows
                and rows[-1].page == info.page - 1
                and _is_continuation(row, roles, rows)
            ):
                _join(rows[-1], row, roles, info.page)
                problems.append((
                    W_ROW_JOINED,
                    f"the first row of the table on page {info.page} continues the last row "
                    f"of page {info.page - 1} (a row split by the page break); joined",
                    info.page,
                ))
                previous_in_table = rows[-1]
                first_row = False
                continue
            logical = LogicalRow(page=info.page, table_key=info.key, roles=roles)
            for role in ("milestone", "effects", "malbild", "effektmal"):
                cell = _cell(row, roles, role)
                if cell is not None:
                    logical.parts[role] = [cell]
            carry_from = previous_in_table or (rows[-1] if first_row and info.continues and rows
                                               else None)
            area = _cell(row, roles, "area")
            if split_area or split_year:
                carry_from = rows[-1]
            if split_area and carry_from is not None:
                logical.area_text, logical.area_cell = carry_from.area_text, carry_from.area_cell
                logical.area_carried = True
            elif area is not None and area.text.strip():
                logical.area_text, logical.area_cell = " ".join(area.text.split()), area
            elif "area" in roles and carry_from is not None:
                # an area cell is only ever left empty under a merged cell or the label
                # of the rows above: the area goes on
                logical.area_text, logical.area_cell = carry_from.area_text, carry_from.area_cell
                logical.area_carried = True
            year = _cell(row, roles, "year")
            if split_year and carry_from is not None:
                logical.year_text, logical.year_cell = carry_from.year_text, carry_from.year_cell
                logical.year_carried = True
            elif year is not None and year.text.strip():
                logical.year_text, logical.year_cell = year.text, year
            elif year is not None and carry_from is not None and (
                year.spanned or (first_row and info.continues and _taller_than_row(year, row))
            ):
                logical.year_text, logical.year_cell = carry_from.year_text, carry_from.year_cell
                logical.year_carried = True
            rows.append(logical)
            previous_in_table = logical
            first_row = False
    return _drop_repeats(rows, problems), problems


def _drop_repeats(rows: list[LogicalRow], problems: list[Problem]) -> list[LogicalRow]:
    """A row with the area, milestone and effects of an earlier one was read twice."""
    seen: dict[tuple[str, str, str], LogicalRow] = {}
    kept: list[LogicalRow] = []
    for row in rows:
        milestone = compact(row.text("milestone"))
        if not milestone:
            kept.append(row)
            continue
        key = (compact(row.area_text), milestone, compact(row.text("effects")))
        if key in seen:
            problems.append((
                W_ROW_REPEATED,
                f"a milestone row on page {row.page} repeats the row on page "
                f"{seen[key].page} (same area, milestone and effects); read once",
                row.page,
            ))
            continue
        seen[key] = row
        kept.append(row)
    return kept


#: what to check, per column that came out empty on most rows
_ADVICE = {
    "year": "check the year column (rotated, stacked or merged year cells, or a header the "
            "reader did not recognise)",
    "area": "check the area column (merged or rotated area cells)",
    "effects": "check the effects column (its header, or effects in another column)",
}


def column_problems(rows: list[LogicalRow], tables_have: set[str]) -> list[Problem]:
    """Columns the table has that are empty on most of its rows, and columns missing."""
    problems: list[Problem] = []
    if not rows:
        return problems
    for role in ("year", "area", "effects"):
        if role not in tables_have:
            if role == "year":
                problems.append((
                    W_COLUMN_EMPTY,
                    f"no year column was recognised in the milestone table (page "
                    f"{rows[0].page}); every milestone is read without a year: "
                    + _ADVICE[role],
                    rows[0].page,
                ))
            continue
        empty = [r for r in rows if role in r.roles and not (
            r.year_text.strip() if role == "year"
            else r.area_text.strip() if role == "area" else r.text(role).strip()
        )]
        with_column = [r for r in rows if role in r.roles]
        if len(with_column) >= 3 and len(empty) > 0.5 * len(with_column):
            pages = sorted({r.page for r in empty})
            shown = ", ".join(map(str, pages[:8])) + (" …" if len(pages) > 8 else "")
            problems.append((
                W_COLUMN_EMPTY,
                f"the {role} column of the milestone table is empty on {len(empty)} of "
                f"{len(with_column)} rows (pages {shown}): " + _ADVICE[role],
                pages[0],
            ))
    return problems


def roles_present(rows: list[LogicalRow]) -> set[str]:
    return {role for r in rows for role in r.roles}
