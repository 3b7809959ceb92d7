"""The 7 insatsområden with their group and viljeriktningar, from a strategy's table.

The table (group | Område | Viljeriktning) reaches us in two shapes:

* through an HTML conversion: one line per area, cells separated by tabs, and all the
  area's viljeriktningar inside one ``<ul …>`` fragment with no punctuation between the
  bullets ("… vara medskapare Patienten ska mötas …");
* from a PDF or Word table: the group, the area and each bullet on lines of their own.

Run-on bullets are split where a word in lowercase is followed by a capitalised word
that starts a new statement. A capital can also start a proper noun mid-sentence
("samverkan med Region Skåne"), so no split is made after a word that cannot end a
statement (a preposition, conjunction or article) or before the second word of a known
name ("Region Skåne").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fhs_nlp.datamodel.document import Document
from fhs_nlp.datamodel.records import ExtractionWarning, Insatsomrade, Viljeriktning
from fhs_nlp.datamodel.vocabulary import AREAS, Area, area_by_name, group_by_name
from fhs_nlp.errors import (
    W_AREA_WITHOUT_VILJERIKTNINGAR,
    W_VILJERIKTNING_DIFFERS,
    W_VILJERIKTNINGAR_WITHOUT_AREA,
)
from fhs_nlp.extract.linking import link_statements
from fhs_nlp.extract.text import is_bullet, join_lines, strip_bullet
from fhs_nlp.extract.viljeriktning_cells import rows_from_cells, unread_table_warning
from fhs_nlp.lines import Line, split_lines

_UL_RE = re.compile(r"<ul\b[^>]*>", re.IGNORECASE)
_TAG_RE = re.compile(r"</?(?:ul|li|p|br)\b[^>]*>", re.IGNORECASE)
_LI_RE = re.compile(r"<li\b[^>]*>", re.IGNORECASE)

#: Words after which a statement cannot end, so a capital after them is a proper noun.
_NO_END_WORDS = frozenset(
    [
        "med",
        "i",
        "för",
        "och",
        "till",
        "av",
        "på",
        "inom",
        "från",
        "mellan",
        "hos",
        "att",
        "som",
        "en",
        "ett",
        "den",
        "det",
        "de",
        "vid",
        "om",
        "under",
        "över",
        "samt",
        "eller",
        "utifrån",
        "genom",
        "mot",
        "än",
        "där",
        "när",
        "så",
        "både",
    ]
)
#: Second words of names that start with a capital ("Region Skåne", "Nära Vård").
_NAME_CONTINUATIONS = frozenset({"Skåne", "Skånes", "Vård", "Sverige"})


@dataclass
class AreaRow:
    """One area of the table as found: names as written, bullets with their spans."""

    area: Area
    area_in_source: str
    group: str | None
    group_in_source: str | None
    lines: list[Line]
    bullets: list[tuple[str, int, int]]  # text, char start, char end


@dataclass
class ViljeriktningExtraction:
    areas: list[Insatsomrade]
    viljeriktningar: list[Viljeriktning]
    warnings: list[ExtractionWarning]


def extract_viljeriktningar(doc: Document) -> ViljeriktningExtraction:
    from_cells = rows_from_cells(doc)
    if from_cells is not None and from_cells[0]:
        rows, warnings = from_cells
    else:
        rows, warnings = _find_rows(doc, split_lines(doc.text))
        if from_cells is not None and not rows:
            warnings = [*from_cells[1], *warnings, unread_table_warning(doc)]
    areas: list[Insatsomrade] = []
    statements: list[Viljeriktning] = []
    for row in rows:
        ids = []
        for n, (text, start, end) in enumerate(row.bullets, start=1):
            record_id = f"{doc.doc_id}:viljeriktning:{row.area.slug}/{n}"
            ids.append(record_id)
            statements.append(
                Viljeriktning(
                    record_id=record_id,
                    provenance=doc.provenance(start, end),
                    area=row.area.name,
                    number=n,
                    text=text,
                    statement_id=f"{row.area.slug}/{n}",
                )
            )
        if not row.bullets:
            warnings.append(
                ExtractionWarning(
                    code=W_AREA_WITHOUT_VILJERIKTNINGAR,
                    message=f"insatsområde '{row.area_in_source}' has no viljeriktningar "
                    "that could be read",
                    provenance=doc.provenance(row.lines[0].start, row.lines[-1].end),
                )
            )
        group = row.group or row.area.group
        areas.append(
            Insatsomrade(
                record_id=f"{doc.doc_id}:insatsomrade:{row.area.slug}",
                provenance=doc.provenance(row.lines[0].start, row.lines[-1].end),
                name=row.area.name,
                name_in_source=row.area_in_source,
                group=group,
                group_in_source=row.group_in_source or "",
                viljeriktningar=ids,
            )
        )
    return ViljeriktningExtraction(areas, statements, warnings)


def link_versions(statements: list[Viljeriktning]) -> list[ExtractionWarning]:
    """Link the wordings of the same statement across documents (in place)."""
    return link_statements(
        statements, text_of=lambda s: s.text, min_similarity=60, code=W_VILJERIKTNING_DIFFERS,
        what="viljeriktning",
    )


# --- finding the table -------------------------------------------------------------------


def _find_rows(doc: Document, lines: list[Line]) -> tuple[list[AreaRow], list[ExtractionWarning]]:
    rows: list[AreaRow] = []
    warnings: list[ExtractionWarning] = []
    group: tuple[str, str] | None = None
    current: AreaRow | None = None
    seen: set[str] = set()
    i = 0
    while i < len(lines):
        line = lines[i]
        if _UL_RE.search(line.text) or _LI_RE.search(line.text):
            row, group = _read_html_row(line, group)
            if row is not None and row.area.slug not in seen:
                rows.append(row)
                seen.add(row.area.slug)
                current = None
            elif row is None:
                warnings.append(
                    ExtractionWarning(
                        code=W_VILJERIKTNINGAR_WITHOUT_AREA,
                        message="a list that looks like viljeriktningar has no insatsområde "
                        "name before it",
                        provenance=doc.provenance(line.start, line.end),
                    )
                )
            i += 1
            continue
        text, span = _name_at(lines, i)
        group_name = group_by_name(text) if text else None
        if group_name is not None and len(text) < 40:
            group = (group_name, text)
            i += span
            continue
        area = area_by_name(text) if text and len(text) < 60 else None
        if area is not None and _bullets_follow(lines, i + span):
            current = AreaRow(
                area,
                text,
                group[0] if group else None,
                group[1] if group else None,
                lines[i : i + span],
                [],
            )
            if area.slug not in seen:
                rows.append(current)
                seen.add(area.slug)
            i += span
            continue
        if current is not None and is_bullet(line.text):
            i = _read_bullet_lines(lines, i, current)
            continue
        if current is not None and text and not is_bullet(line.text):
            current = None
        i += 1
    return rows, warnings


def _name_at(lines: list[Line], i: int) -> tuple[str, int]:
    """The group or area name starting at line ``i``, which a narrow table column may
    have wrapped over up to three lines ("Hälsofrämjande och / förebyggande insatser");
    returns the text and how many lines it takes (1 where no name matches)."""
    text = lines[i].stripped
    if not text or is_bullet(text):
        return text, 1
    joined = text
    for span in range(2, 4):
        j = i + span - 1
        if j >= len(lines) or lines[j].blank or is_bullet(lines[j].text):
            break
        joined = f"{joined} {lines[j].stripped}"
        if area_by_name(joined) or group_by_name(joined):
            return joined, span
    return text, 1


def _bullets_follow(lines: list[Line], i: int) -> bool:
    """Does a bullet list start within the next few lines (blank lines skipped)?"""
    for line in lines[i : i + 4]:
        if line.blank:
            continue
        return is_bullet(line.text)
    return False


def _read_bullet_lines(lines: list[Line], i: int, row: AreaRow) -> int:
    """Read one bullet starting at ``lines[i]`` with its wrapped continuation lines."""
    first = lines[i]
    parts = [strip_bullet(first.text)]
    last = first
    j = i + 1
    while j < len(lines) and not lines[j].blank and not is_bullet(lines[j].text):
        if area_by_name(lines[j].stripped) or group_by_name(lines[j].stripped):
            break
        parts.append(lines[j].text)
        last = lines[j]
        j += 1
    offset = first.text.index(parts[0][:1]) if parts[0] else 0
    row.bullets.append((join_lines(parts), first.start + offset, last.end))
    row.lines.append(last)
    return j


def _read_html_row(
    line: Line, group: tuple[str, str] | None
) -> tuple[AreaRow | None, tuple[str, str] | None]:
    """Read "group<TAB>area<TAB><ul …> bullets" (group and tabs optional)."""
    match = _UL_RE.search(line.text) or _LI_RE.search(line.text)
    assert match is not None
    head = line.text[: match.start()]
    cells = [c.strip() for c in re.split(r"\t+", head) if c.strip()]
    area: Area | None = None
    area_in_source = ""
    for cell in cells:
        found = area_by_name(cell)
        if found is not None:
            area, area_in_source = found, cell
        elif group_by_name(cell) is not None:
            group = (group_by_name(cell) or cell, cell)
    if area is None:  # "Processer och arbetsätt\tPersoncentrerat arbetsätt <ul" has no tab
        for cell in cells:
            for candidate in AREAS:
                for name in (candidate.name, *candidate.variants):
                    if cell.lower().endswith(name.lower()):
                        area, area_in_source = candidate, cell[-len(name) :]
                        rest = cell[: -len(name)].strip()
                        if rest and group_by_name(rest):
                            group = (group_by_name(rest) or rest, rest)
    if area is None:
        return None, group
    body_start = match.end()
    bullets = split_html_bullets(line.text, body_start)
    row = AreaRow(
        area=area,
        area_in_source=area_in_source,
        group=group[0] if group else None,
        group_in_source=group[1] if group else None,
        lines=[line],
        bullets=[(text, line.start + s, line.start + e) for text, s, e in bullets],
    )
    return row, group


def split_html_bullets(text: str, start: int) -> list[tuple[str, int, int]]:
    """Bullets of an HTML list fragment, as (text, start, end) offsets into ``text``."""
    body = text[start:]
    if _LI_RE.search(body):
        out = []
        for m in re.finditer(r"<li\b[^>]*>(.*?)(?=<li\b|</ul>|$)", body, re.I | re.S):
            raw = _TAG_RE.sub("", m.group(1))
            clean = " ".join(raw.split())
            if clean:
                s = start + m.start(1) + (len(m.group(1)) - len(m.group(1).lstrip()))
                out.append((clean, s, s + len(m.group(1).strip())))
        return out
    body_clean = _TAG_RE.sub(lambda m: " " * len(m.group(0)), body)
    tokens = [(m.group(0), m.start(), m.end()) for m in re.finditer(r"\S+", body_clean)]
    bullets: list[list[tuple[str, int, int]]] = []
    for k, token in enumerate(tokens):
        if not bullets or _starts_statement(tokens, k):
            bullets.append([token])
        else:
            bullets[-1].append(token)
    out = []
    for group in bullets:
        s, e = start + group[0][1], start + group[-1][2]
        out.append((" ".join(t[0] for t in group), s, e))
    return out


def _starts_statement(tokens: list[tuple[str, int, int]], k: int) -> bool:
    word = tokens[k][0]
    prev = tokens[k - 1][0]
    if not word[:1].isupper() or not prev[-1:].isalpha():
        return False
    if not prev[-1].islower():
        return False  # after an acronym ("FHS Region") the capital may be part of a name
    if prev.lower() in _NO_END_WORDS:
        return False
    return not (word in _NAME_CONTINUATIONS and prev[:1].isupper())
