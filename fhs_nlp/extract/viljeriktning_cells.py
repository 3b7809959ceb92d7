"""The viljeriktning table (group | Område | Viljeriktning) from real table cells.

Where the PDF or Word reader found the table's cells, the group, the area and the
statements need not be guessed from lines: a row's area is its Område cell, its group
the Grupp cell (merged over the group's rows, so empty or covered below its first row:
the group goes on), and its statements are the paragraphs of its Viljeriktning cell -
"• " bullets where the author used them, else the cell's paragraphs (Word paragraphs,
or PDF lines grouped by spacing and line ends). A row without an area continues the
area above (a row split by a page break). The linear-text reader in
:mod:`fhs_nlp.extract.viljeriktningar` stays for text files and HTML conversions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fhs_nlp.datamodel.document import Document, Table, TableCell
from fhs_nlp.datamodel.records import ExtractionWarning
from fhs_nlp.datamodel.vocabulary import area_by_name, group_by_name
from fhs_nlp.errors import W_AREA_CELL_UNKNOWN, W_VILJERIKTNING_TABLE_UNREAD
from fhs_nlp.extract.table_roles import compact
from fhs_nlp.extract.text import is_bullet, join_lines, strip_bullet
from fhs_nlp.lines import Line, split_lines

if TYPE_CHECKING:
    from fhs_nlp.extract.viljeriktningar import AreaRow

Roles = dict[str, int]


def header_roles(table: Table) -> tuple[int, Roles] | None:
    """(header row, role -> column) for a viljeriktning table: "Viljeriktning…" beside an
    "Område"/"Insatsområde" column, and optionally a "Grupp…" column."""
    for index, row in enumerate(table.rows[:2]):
        roles: Roles = {}
        for col, cell in enumerate(row):
            c = compact(cell.text)
            if c.startswith("viljeriktning"):
                roles.setdefault("statements", col)
            elif "grupp" in c:
                roles.setdefault("group", col)
            elif c.endswith(("område", "områden")) or c == "insatsområde":
                roles.setdefault("area", col)
        if "statements" in roles and "area" in roles:
            return index, roles
    return None


def _statements(cell: TableCell, source_format: str) -> list[str]:
    """The statements of a Viljeriktning cell, one per bullet or paragraph.

    Word gives its paragraphs exactly; in a PDF a statement whose last line is full
    runs on into the next one, so each paragraph is split again where a capitalised
    word starts a new statement (the rule that splits run-on bullets in 000)."""
    lines = [ln for ln in cell.text.split("\n") if ln.strip()]
    if any(is_bullet(ln) for ln in lines):
        out: list[list[str]] = []
        for line in lines:
            if is_bullet(line) or not out:
                out.append([strip_bullet(line)])
            else:
                out[-1].append(line)
        return [join_lines(parts) for parts in out if join_lines(parts)]
    paragraphs = cell.paragraphs if len(cell.paragraphs) > 1 else (cell.text,)
    joined = [join_lines([ln for ln in p.split("\n") if ln.strip()]) for p in paragraphs
              if p.strip()]
    if source_format == "docx":
        return joined
    from fhs_nlp.extract.viljeriktningar import split_html_bullets

    return [text for p in joined for text, _, _ in split_html_bullets(p, 0)]


def _locate(doc: Document, text: str, cursor: int) -> tuple[int, int, int]:
    """(start, end, new cursor) of ``text``'s first line where it stands from ``cursor``."""
    first = text.split("\n")[0].strip()[:60]
    at = doc.text.find(first, cursor) if first else -1
    if at < 0:
        return cursor, cursor, cursor
    return at, at + len(first), at + len(first)


def rows_from_cells(doc: Document) -> tuple[list[AreaRow], list[ExtractionWarning]] | None:
    """The table's rows as :class:`~fhs_nlp.extract.viljeriktningar.AreaRow` objects and
    warnings, or None where no page has a viljeriktning table."""
    from fhs_nlp.extract.viljeriktningar import AreaRow

    rows: list[AreaRow] = []
    warnings: list[ExtractionWarning] = []
    seen: set[str] = set()
    roles: Roles | None = None
    last_page = 0
    group: tuple[str, str] | None = None
    current: AreaRow | None = None
    cursor = 0
    for page in doc.pages:
        for t, table in enumerate(page.tables):
            found = header_roles(table)
            width = max((len(r) for r in table.rows), default=0)
            if found is not None:
                start, roles = found[0] + 1, found[1]
            elif roles is not None and t == 0 and last_page == page.number - 1 and width > max(
                roles.values()
            ):
                start = 0  # the table goes on from the page before, without its header
            else:
                continue
            last_page = page.number
            cursor = max(cursor, page.char_start)
            for row in table.rows[start:]:
                def cell(
                    role: str, row: list[TableCell] = row, roles: Roles = roles
                ) -> TableCell | None:
                    k = roles.get(role)
                    return row[k] if k is not None and k < len(row) else None

                group_cell = cell("group")
                if group_cell is not None and group_cell.text.strip():
                    text = " ".join(group_cell.text.split())
                    group = (group_by_name(text) or text, text)
                area_cell = cell("area")
                area_text = " ".join(area_cell.text.split()) if area_cell is not None else ""
                statements_cell = cell("statements")
                statements = (
                    _statements(statements_cell, doc.source_format)
                    if statements_cell is not None else []
                )
                if area_text:
                    area = area_by_name(area_text)
                    a_start, a_end, cursor = _locate(doc, area_text, cursor)
                    lines = split_lines(doc.text[a_start:a_end], doc.line_of(a_start), a_start)
                    if area is None:
                        warnings.append(ExtractionWarning(
                            code=W_AREA_CELL_UNKNOWN,
                            message=f"the Område cell '{area_text}' names no known "
                            "insatsområde; its viljeriktningar are not read",
                            provenance=doc.provenance(a_start, a_end),
                        ))
                        current = None
                        continue
                    current = AreaRow(area, area_text, group[0] if group else None,
                                      group[1] if group else None, lines or [Line(0, "", a_start)],
                                      [])
                    if area.slug not in seen:
                        rows.append(current)
                        seen.add(area.slug)
                elif current is None:
                    continue
                elif statements and current.bullets and statements[0][:1].islower():
                    # a row split by a page break: its first statement goes on
                    text, s_start, _ = current.bullets[-1]
                    tail = statements.pop(0)
                    t_start, _, cursor = _locate(doc, tail, cursor)
                    current.bullets[-1] = (f"{text} {tail}", s_start, t_start + len(tail))
                for statement in statements:
                    s_start, _, cursor = _locate(doc, statement, cursor)
                    current.bullets.append((statement, s_start, s_start + len(statement)))
    if roles is None:
        return None
    return rows, warnings


def unread_table_warning(doc: Document) -> ExtractionWarning:
    """W205: the document has a viljeriktning table header, and no row could be read."""
    page = next(
        (p for p in doc.pages if any(header_roles(t) is not None for t in p.tables)), None
    )
    where = f" on page {page.number}" if page is not None and doc.has_page_numbers else ""
    start = page.char_start if page is not None else 0
    return ExtractionWarning(
        code=W_VILJERIKTNING_TABLE_UNREAD,
        message=f"a viljeriktning table stands{where}, but none of its rows could be read "
        "(no Område cell names a known insatsområde?); check the table",
        provenance=doc.provenance(start, start + 1),
    )
