"""Milestones, målbilder and effektmål from the milestone table of an implementation plan.

:mod:`fhs_nlp.extract.milestone_table` cuts the table into pages and rows; this module
reads each row into a :class:`~fhs_nlp.datamodel.records.Milestone` (title, 2022 wording,
description, effects with their inv/sys/vsh targets), decides each page's insatsområde,
and reads the målbild and effektmål columns.

Which area a page belongs to is decided on evidence, strongest first: its own rotated
area label; the målbild it shows (the målbild repeats on every page of an area, so an
unlabelled page whose målbild matches a labelled page's belongs to that area); the
fixed order of the areas in the roadmap (an unlabelled page before the first labelled
"Hälsofrämjande" page can only be "Personcentrerat arbetssätt"); and finally the area of
the page before. Every inference short of a label is reported as a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from fhs_nlp.datamodel.document import Document
from fhs_nlp.datamodel.records import Effect, Effektmal, ExtractionWarning, Malbild, Milestone
from fhs_nlp.datamodel.vocabulary import AREA_NAMES, EFFEKTMAL, normalise_name
from fhs_nlp.errors import (
    INFO_CODES,
    W_AREA_INFERRED,
    W_MALBILD_GARBLED,
    W_MILESTONE_WITHOUT_EFFECTS,
    W_MILESTONE_WITHOUT_TITLE,
    W_MILESTONE_WITHOUT_YEAR,
)
from fhs_nlp.extract.milestone_cells import pages_from_cells
from fhs_nlp.extract.milestone_table import bullet_blocks, segment_table
from fhs_nlp.extract.table_checks import unread_table_warnings
from fhs_nlp.extract.table_model import Block, Row, TablePage
from fhs_nlp.extract.text import (
    TAG_RE,
    ends_paragraph,
    first_sentence_end,
    is_bullet,
    join_lines,
    normalise_space,
    parse_tags,
    starts_upper,
    strip_bullet,
)
from fhs_nlp.lines import Line, split_lines

_REWORDING_RE = re.compile(r"^\s*Omformulering av milstolpe\s+(20\d\d)\s*:\s*", re.IGNORECASE)


@dataclass
class MilestoneExtraction:
    milestones: list[Milestone]
    malbilder: list[Malbild]
    effektmal: list[Effektmal]
    warnings: list[ExtractionWarning]


def extract_milestones(doc: Document) -> MilestoneExtraction:
    """Read the milestone table of ``doc``; an empty result if the document has none."""
    pages = pages_from_cells(doc)
    if pages is None:
        table = segment_table(split_lines(doc.text))
        if table is None:
            return MilestoneExtraction([], [], [], unread_table_warnings(doc))
        pages = table.pages
    warnings: list[ExtractionWarning] = []
    for page in pages:
        for code, message, where in page.problems:
            warnings.append(_warning(doc, code, message, where))
    areas = _assign_areas(doc, pages, warnings)
    milestones: list[Milestone] = []
    for page in pages:
        for row in page.rows:
            milestone = _read_row(doc, row, areas[page.index], len(milestones) + 1, warnings)
            if milestone is not None:
                milestones.append(milestone)
    if not milestones:
        warnings += unread_table_warnings(doc)
    malbilder = _read_malbilder(doc, pages, areas, warnings)
    effektmal = _read_effektmal(doc, pages)
    return MilestoneExtraction(milestones, malbilder, effektmal, warnings)


# --- areas ------------------------------------------------------------------------


def _malbild_key(page: TablePage) -> str | None:
    if not page.malbild:
        return None
    return normalise_name(join_lines(page.malbild[0].texts))[:80] or None


def _assign_areas(
    doc: Document, pages: list[TablePage], warnings: list[ExtractionWarning]
) -> dict[int, tuple[str | None, str]]:
    """Decide each page's area: (canonical name or None, evidence)."""
    result: dict[int, tuple[str | None, str]] = {}
    by_malbild: dict[str, str] = {}
    for page in pages:
        marker = page.area_marker
        if marker is not None and marker.area is not None:
            result[page.index] = (marker.area.name, "label")
            key = _malbild_key(page)
            if key:
                by_malbild.setdefault(key, marker.area.name)
    for page in pages:
        if page.index in result:
            continue
        key = _malbild_key(page)
        if key and key in by_malbild:
            result[page.index] = (by_malbild[key], "malbild")
    for page in pages:
        if page.index in result:
            continue
        area = _area_from_order(page.index, pages, result)
        if area is not None:
            result[page.index] = (area, "order")
    previous: tuple[str | None, str] = (None, "none")
    for page in pages:
        if page.index in result:
            previous = result[page.index]
            continue
        if previous[0] is not None:
            result[page.index] = (previous[0], "continued")
        else:
            result[page.index] = (None, "none")
    for page in pages:
        area, evidence = result[page.index]
        if evidence == "label":
            continue
        where = page.rows[0].blocks[0].lines[:1] if page.rows else []
        if area is None:
            message = "table page has no area label and its area could not be inferred"
        else:
            reason = {
                "malbild": "its målbild matches the labelled pages of that area",
                "order": "the areas of the pages around it leave only this one in the "
                "roadmap's order",
                "continued": "it follows a page of that area",
            }[evidence]
            message = f"table page has no area label; assigned '{area}' because {reason}"
        warnings.append(_warning(doc, W_AREA_INFERRED, message, where))
    return result


def _area_from_order(
    index: int, pages: list[TablePage], known: dict[int, tuple[str | None, str]]
) -> str | None:
    """The one area that the roadmap order allows between the known pages around ``index``."""
    order = list(AREA_NAMES)
    before = [known[p.index][0] for p in pages[:index] if p.index in known]
    after = [known[p.index][0] for p in pages[index + 1 :] if p.index in known]
    low = order.index(before[-1]) if before and before[-1] in order else -1
    high = order.index(after[0]) if after and after[0] in order else len(order)
    # pages of the same area may surround this one: then it is that area
    if before and after and before[-1] == after[0]:
        return before[-1]
    candidates = order[low + 1 : high]
    if len(candidates) == 1:
        return candidates[0]
    return None


# --- rows -------------------------------------------------------------------------


def _read_row(
    doc: Document,
    row: Row,
    area: tuple[str | None, str],
    number: int,
    warnings: list[ExtractionWarning],
) -> Milestone | None:
    title_block, *rest = row.blocks
    title, previous, description_lines, title_only = _split_title_block(
        title_block, row.title_lines
    )
    blocks = list(rest)
    widths = row.widths
    description_parts = [description_lines] if description_lines else []
    if row.from_cells:
        pass  # the cells say which text is description and which is effects
    elif title_only and blocks and not blocks[0].has_tag():
        column = widths.column_of(blocks[0]) if widths is not None else None
        if column == "milestone" or (column is None and len(blocks) >= 2):
            description_parts.append(blocks.pop(0).texts)
    # more paragraphs of the milestone cell: list items after "…:", and paragraphs that
    # only fit the milestone column
    while not row.from_cells and blocks and description_parts and not blocks[0].has_tag():
        block = blocks[0]
        list_item = is_bullet(block.first.text) and (
            any(is_bullet(t) for t in description_parts[-1])
            or description_parts[-1][-1].rstrip().endswith(":")
        )
        in_column = widths is not None and widths.column_of(block) == "milestone"
        if not (list_item or in_column):
            break
        description_parts.append(blocks.pop(0).texts)
    effects = [e for block in blocks for e in _read_effects(doc, block)]
    description = " ".join(join_lines(part) for part in description_parts)
    first_lines = row.year_lines if row.year_before_title and row.year_lines else []
    first_line = (first_lines or title_block.lines)[0]
    last_line = row.blocks[-1].last
    provenance = doc.provenance(first_line.start, last_line.end)
    record_id = f"{doc.doc_id}:milestone:{number}"
    if not title:
        warnings.append(_warning(doc, W_MILESTONE_WITHOUT_TITLE, "milestone row without a title",
                                 title_block.lines))
        return None
    if row.year is None:
        warnings.append(
            _warning(doc, W_MILESTONE_WITHOUT_YEAR,
                     f"milestone '{title[:60]}' has no year in the source",
                     title_block.lines[:1])
        )
    if not effects:
        warnings.append(
            _warning(doc, W_MILESTONE_WITHOUT_EFFECTS,
                     f"milestone '{title[:60]}' has no effects in the source",
                     title_block.lines[:1])
        )
    return Milestone(
        record_id=record_id,
        provenance=provenance,
        area=area[0],
        area_evidence=area[1],  # type: ignore[arg-type]
        year=row.year,
        title=title,
        description=description,
        effects=effects,
        rewords_2022=previous is not None,
        previous_wording=previous,
    )


def _split_title_block(
    block: Block, bold_lines: int = 0
) -> tuple[str, str | None, list[str], bool]:
    """Split a milestone cell into title, 2022 wording and description lines.

    The title is the first line(s) up to the first hard line break or, where the title
    runs straight into the description, up to the end of its first sentence. A line
    "Omformulering av milstolpe 2022: …" after it gives the earlier wording, read the same
    way. Returns (title, previous wording or None, description lines, title_only).
    """
    texts = [ln.text for ln in block.lines]
    width = block.width
    if 0 < bold_lines < len(texts) or bold_lines == len(texts) > 0:
        # the reader saw which lines are bold: that is the title, no guessing
        title, rest = join_lines(texts[:bold_lines]), texts[bold_lines:]
    else:
        title, rest = _take_heading(texts, width)
    previous = None
    if rest and _REWORDING_RE.match(rest[0]):
        first = _REWORDING_RE.sub("", rest[0])
        previous, rest = _take_heading([first, *rest[1:]], width)
    return title, previous, rest, not rest


def _take_heading(texts: list[str], width: int) -> tuple[str, list[str]]:
    """The heading at the start of ``texts`` and the lines after it."""
    end = len(texts)
    for i in range(len(texts) - 1):
        if ends_paragraph(texts[i], texts[i + 1], width):
            end = i + 1
            break
    heading = join_lines(texts[:end])
    rest = texts[end:]
    cut = first_sentence_end(heading)
    if cut is not None and cut < len(heading):
        remainder = heading[cut:].strip()
        heading = heading[:cut].strip()
        rest = [remainder, *rest] if remainder else rest
    return heading.strip(), rest


def _read_effects(doc: Document, block: Block) -> list[Effect]:
    """Read one paragraph of the effects column into one or more effects.

    A paragraph holds one effect, except where a line ends with a target tag and the
    next line starts a new sentence or bullet: the source lost the blank line there.
    """
    groups: list[list[Line]] = [[]]
    for i, line in enumerate(block.lines):
        groups[-1].append(line)
        nxt = block.lines[i + 1].stripped if i + 1 < len(block.lines) else ""
        ends_with_tag = bool(re.search(TAG_RE.pattern + r"[\s.)]*$", line.text, re.I))
        if nxt and ends_with_tag and starts_upper(nxt) and not is_bullet(nxt):
            groups.append([])
    effects = []
    for group in groups:
        if not group:
            continue
        texts = [ln.text for ln in group]
        if is_bullet(texts[0]):  # the effect's own bullet; list items inside it stay
            texts[0] = strip_bullet(texts[0])
        raw = join_lines(texts)
        raw = re.sub(r"\s[•▪]\s", " ", raw)
        text, targets = parse_tags(raw)
        if not text:
            continue
        effects.append(
            Effect(text=text, targets=targets,
                   provenance=doc.provenance(group[0].start, group[-1].end))
        )
    return effects


# --- målbild and effektmål -------------------------------------------------------------


def _read_malbilder(
    doc: Document,
    pages: list[TablePage],
    areas: dict[int, tuple[str | None, str]],
    warnings: list[ExtractionWarning],
) -> list[Malbild]:
    """One målbild per area: its first complete occurrence, else its first one."""
    chosen: dict[str, Malbild] = {}
    for page in pages:
        area = areas[page.index][0]
        if area is None or not page.malbild:
            continue
        malbild = _read_malbild(doc, page, area)
        if area not in chosen or (malbild.complete and not chosen[area].complete):
            chosen[area] = malbild
    for area, malbild in chosen.items():
        if not malbild.complete:
            warnings.append(
                ExtractionWarning(
                    code=W_MALBILD_GARBLED,
                    message=f"the målbild of '{area}' is garbled in the source: fragments "
                    "of its lines are missing",
                    provenance=malbild.provenance,
                )
            )
    ordered = [chosen[name] for name in AREA_NAMES if name in chosen]
    for i, malbild in enumerate(ordered, start=1):
        malbild.record_id = f"{doc.doc_id}:malbild:{i}"
    return ordered


def _read_malbild(doc: Document, page: TablePage, area: str) -> Malbild:
    lead, *bullets = bullet_blocks(page.malbild)
    lines = lead.lines
    # a garbled column: after a sentence end, lines start in lowercase mid-sentence;
    # a line indented by a space starts a new fragment, others continue the last one
    statement_lines: list[str] = []
    fragments: list[list[str]] = []
    for line in lines:
        if fragments or (
            statement_lines
            and statement_lines[-1].rstrip().endswith(".")
            and line.stripped[:1].islower()
        ):
            if not fragments or line.text.startswith((" ", "\t")):
                fragments.append([line.text])
            else:
                fragments[-1].append(line.text)
        else:
            statement_lines.append(line.text)
    complete = not fragments
    bullet_texts = [join_lines([strip_bullet(b.texts[0]), *b.texts[1:]]) for b in bullets]
    if fragments:
        bullet_texts = [join_lines(f) for f in fragments] + bullet_texts
    first = page.malbild[0].first
    last = page.malbild[-1].last
    return Malbild(
        record_id="",
        provenance=doc.provenance(first.start, last.end),
        area=area,
        statement=join_lines(statement_lines),
        bullets=bullet_texts,
        complete=complete,
    )


def _read_effektmal(doc: Document, pages: list[TablePage]) -> list[Effektmal]:
    seen: dict[str, Effektmal] = {}
    for page in pages:
        for name, text, lines in page.effektmal:
            if name in seen:
                continue
            seen[name] = Effektmal(
                record_id=f"{doc.doc_id}:effektmal:{EFFEKTMAL.index(name) + 1}",
                provenance=doc.provenance(lines[0].start, lines[-1].end),
                number=EFFEKTMAL.index(name) + 1,
                name=name,
                name_in_source=normalise_space(text),
            )
    return [seen[name] for name in EFFEKTMAL if name in seen]




def _warning(doc: Document, code: str, message: str, lines: list[Line]) -> ExtractionWarning:
    provenance = doc.provenance(lines[0].start, lines[-1].end) if lines else None
    level: Literal["info", "warning"] = "info" if code in INFO_CODES else "warning"
    return ExtractionWarning(code=code, level=level, message=message, provenance=provenance)
