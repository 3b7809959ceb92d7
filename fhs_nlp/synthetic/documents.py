"""Realistic synthetic input files: the PDFs and Word files fhs-nlp must read.

The real strategy documents are only available to us as extracted text, so the readers
are tested (and benchmarked) on files generated here that reproduce what makes the
real ones hard: a landscape, ruled milestone table (Tabell 1 of the implementation plan)
with the area and year cells rotated 90°, a caption, header row and footers repeated on
every page, cells spanning rows; a viljeriktning table with bullet lists; plain prose
with running headers; and the broken files users send (password-protected, scanned,
truncated, renamed).

This module renders the documents; what they say is in
:mod:`~fhs_nlp.synthetic.sample_data`, the fonts and drawing helpers in
:mod:`~fhs_nlp.synthetic.drawing`, the broken files in
:mod:`~fhs_nlp.synthetic.broken_files`, and the many table layouts of the layout sweep in
:mod:`~fhs_nlp.synthetic.layouts`.

reportlab and python-docx are imported inside the functions: reportlab is only a
development dependency, and importing this module must not need it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from fhs_nlp.synthetic.drawing import (
    draw_footer,
    draw_rotated_lines,
    draw_stack,
    make_style,
    para,
    register_fonts,
    stack_height,
)
from fhs_nlp.synthetic.sample_data import MilestoneRowSpec

#: Caption of Tabell 1 in the 2023 implementation plan; continuation pages prefix
#: "Fortsättning ".
MILESTONE_CAPTION = (
    "Tabell 1. Beskrivning av varje milstolpe och önskade effekter för invånarna, "
    "systemet och/eller verksamheter av varje milstolpe på kort- och långsikt."
)
#: Header row of Tabell 1; the narrow first column (the rotated area) has no header.
MILESTONE_HEADERS = (
    "",
    "År",
    "Milstolpe",
    "Effekter av uppnådd milstolpe på kort sikt för invånarna (inv), systemet (sys), "
    "verksamheter (vsh)",
    "Målbilder per insatsområde som beskriver långsiktiga önskade effekter",
    "Övergripande effektmål",
)
#: The 5 övergripande effektmål as the plan lists them.
EFFEKTMAL = [
    "Bättre befolkningshälsa",
    "Bättre upplevelse för patienter och medarbetare",
    "Bättre kvalitet",
    "Ökad tillgänglighet",
    "Effektiva processer",
]
DEFAULT_CASE_NUMBER = "2023-POL000009-001"


# --- Tabell 1: the milestone table ----------------------------------------------------

_PAD = 3.0
_COL_WIDTHS = (30.0, 24.0, 250.0, 210.0, 160.0, 96.0)


@dataclass
class _PlannedRow:
    spec: MilestoneRowSpec
    height: float


@dataclass
class _PlannedPage:
    area: str
    continued: bool
    rows: list[_PlannedRow]


def _milestone_cell_flowables(row: MilestoneRowSpec) -> tuple[list[Any], list[Any]]:
    body = make_style("ms-body", 8)
    effect = make_style("ms-effect", 8, spaceAfter=5)
    title = f"<b>{escape(row.title)}</b>"
    parts = [title]
    if row.previous_wording:
        parts.append(escape(f"Omformulering av milstolpe 2022: {row.previous_wording}"))
    if row.description:
        parts.append(escape(row.description))
    from reportlab.platypus import Paragraph

    milestone = [Paragraph("<br/>".join(parts), body)]
    effects = [para(text, effect) for text in row.effect_lines()]
    return milestone, effects


def _malbild_flowables(malbild: tuple[str, list[str]] | None) -> list[Any]:
    if malbild is None:
        return []
    statement, bullets = malbild
    out = [para(statement, make_style("mb-statement", 8, spaceAfter=5))]
    bullet_style = make_style("mb-bullet", 8, leftIndent=8, firstLineIndent=-8)
    out += [para(f"• {b}", bullet_style) for b in bullets]
    return out


def render_milestone_table_pdf(
    path: Path | str,
    rows: Sequence[MilestoneRowSpec],
    malbilder: dict[str, tuple[str, list[str]]],
    effektmal: Sequence[str],
    *,
    case_number: str = DEFAULT_CASE_NUMBER,
    rows_per_page: int = 4,
) -> Path:
    """Draw a landscape, ruled Tabell 1 like the 2023 implementation plan's.

    Each page: the caption ("Tabell 1. …" on page 1, "Fortsättning Tabell 1. …" after),
    the header row, then up to ``rows_per_page`` rows of one area. The area label is one
    cell rotated 90° spanning the page's rows ("<Area> (forts)" on continuation pages);
    the year cell is rotated too; the målbild and effektmål cells span the page's rows.
    Footers: the case number (left) and "<n> (<total>)" (right). A new page starts when
    the area changes or the next row would not fit. Returns ``path``.
    """
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    if rows_per_page < 1:
        raise ValueError("rows_per_page must be at least 1")
    path = Path(path)
    regular, bold = register_fonts()
    page_w, page_h = landscape(A4)
    left = 36.0
    table_w = sum(_COL_WIDTHS)
    xs = [left]
    for w in _COL_WIDTHS:
        xs.append(xs[-1] + w)
    caption_style = make_style("caption", 9)
    header_style = make_style("header", 8, bold=True)
    header_cells = [para(h, header_style) if h else None for h in MILESTONE_HEADERS]
    header_h = (
        max(stack_height([c], _COL_WIDTHS[i] - 2 * _PAD) for i, c in enumerate(header_cells) if c)
        + 2 * _PAD
    )
    effektmal_flow = [para(name, make_style("em", 8, spaceAfter=5)) for name in effektmal]

    def caption(continued: bool) -> Any:
        return para(("Fortsättning " if continued else "") + MILESTONE_CAPTION, caption_style)

    caption_h = stack_height([caption(True)], table_w)
    table_top = page_h - 30 - caption_h - 6
    avail = table_top - header_h - 40  # footer zone below

    def row_height(spec: MilestoneRowSpec) -> float:
        milestone, effects = _milestone_cell_flowables(spec)
        h = max(
            stack_height(milestone, _COL_WIDTHS[2] - 2 * _PAD),
            stack_height(effects, _COL_WIDTHS[3] - 2 * _PAD) if effects else 0.0,
            stringWidth(str(spec.year), regular, 8) if spec.year else 0.0,
        )
        return h + 2 * _PAD

    # plan pages: group rows by area, split when full
    pages: list[_PlannedPage] = []
    for spec in rows:
        h = row_height(spec)
        if h > avail:
            raise ValueError(f"row '{spec.title[:40]}' is too tall for one page")
        current = pages[-1] if pages else None
        if (
            current is None
            or current.area != spec.area
            or len(current.rows) >= rows_per_page
            or sum(r.height for r in current.rows) + h > avail
        ):
            continued = current is not None and current.area == spec.area
            current = _PlannedPage(spec.area, continued, [])
            pages.append(current)
        current.rows.append(_PlannedRow(spec, h))

    path.parent.mkdir(parents=True, exist_ok=True)
    canvas = Canvas(str(path), pagesize=(page_w, page_h))
    canvas.setTitle("Genomförandeplan Framtidens hälsosystem – Tabell 1 (syntetisk)")
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        # caption
        cap = caption(number > 1)
        draw_stack(canvas, [cap], left, page_h - 30, table_w)
        # the spanning cells decide the minimum height of the page's rows
        label = page.area + (" (forts)" if page.continued else "")
        malbild_flow = _malbild_flowables(malbilder.get(page.area))
        span_need = (
            max(
                stack_height(malbild_flow, _COL_WIDTHS[4] - 2 * _PAD) if malbild_flow else 0.0,
                stack_height(effektmal_flow, _COL_WIDTHS[5] - 2 * _PAD) if effektmal_flow else 0.0,
            )
            + 2 * _PAD
        )
        heights = [r.height for r in page.rows]
        if sum(heights) < span_need:
            heights[-1] += span_need - sum(heights)
        while len(simpleSplit(label, bold, 9, sum(heights) - 2 * _PAD)) > 2:
            heights[-1] += 10
        if sum(heights) > avail + 30:
            raise ValueError(f"the målbild of '{page.area}' does not fit on one page")
        # header row
        y = table_top
        for i, cell in enumerate(header_cells):
            if cell is not None:
                draw_stack(canvas, [cell], xs[i] + _PAD, y - _PAD, _COL_WIDTHS[i] - 2 * _PAD)
        header_bottom = y - header_h
        # body rows
        y = header_bottom
        row_bottoms = []
        for planned, h in zip(page.rows, heights, strict=True):
            spec = planned.spec
            milestone, effects = _milestone_cell_flowables(spec)
            if spec.year is not None:
                draw_rotated_lines(canvas, [str(spec.year)], xs[1] + 4, y - _PAD, regular, 8)
            draw_stack(canvas, milestone, xs[2] + _PAD, y - _PAD, _COL_WIDTHS[2] - 2 * _PAD)
            draw_stack(canvas, effects, xs[3] + _PAD, y - _PAD, _COL_WIDTHS[3] - 2 * _PAD)
            y -= h
            row_bottoms.append(y)
        table_bottom = y
        # spanning cells: area label (rotated), målbild, effektmål
        label_lines = simpleSplit(label, bold, 9, header_bottom - table_bottom - 2 * _PAD)
        draw_rotated_lines(canvas, label_lines, xs[0] + 2, header_bottom - _PAD, bold, 9)
        draw_stack(
            canvas, malbild_flow, xs[4] + _PAD, header_bottom - _PAD, _COL_WIDTHS[4] - 2 * _PAD
        )
        draw_stack(
            canvas, effektmal_flow, xs[5] + _PAD, header_bottom - _PAD, _COL_WIDTHS[5] - 2 * _PAD
        )
        # grid: outer frame, header line, row lines only across År..Effekter
        canvas.setLineWidth(0.6)
        canvas.line(xs[0], table_top, xs[-1], table_top)
        canvas.line(xs[0], header_bottom, xs[-1], header_bottom)
        for bottom in row_bottoms[:-1]:
            canvas.line(xs[1], bottom, xs[4], bottom)
        canvas.line(xs[0], table_bottom, xs[-1], table_bottom)
        for x in xs:
            canvas.line(x, table_top, x, table_bottom)
        draw_footer(canvas, page_w, case_number, f"{number} ({total})", regular)
        canvas.showPage()
    canvas.save()
    return path


# --- viljeriktning table ---------------------------------------------------------------


def render_viljeriktning_table_pdf(
    path: Path | str, areas: Sequence[tuple[str, str, list[str]]]
) -> Path:
    """Draw the färdplan's table of (group | Område | Viljeriktning) on a portrait page.

    The group cell is written once per group and spans that group's rows; each
    viljeriktning is a "• …" line of its own, as in the source before HTML conversion
    flattened it. Returns ``path``.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = make_style("vr-body", 9)
    bold = make_style("vr-bold", 9, bold=True)
    bullet = make_style("vr-bullet", 9, leftIndent=9, firstLineIndent=-9)
    data: list[list[Any]] = [
        [para("Grupp", bold), para("Område", bold), para("Viljeriktning", bold)]
    ]
    spans: list[tuple[str, tuple[int, int], tuple[int, int]]] = []
    previous_group = None
    group_start = 1
    for i, (group, area, directions) in enumerate(areas, start=1):
        if group != previous_group:
            if previous_group is not None and i - 1 > group_start:
                spans.append(("SPAN", (0, group_start), (0, i - 1)))
            group_start = i
            group_cell: Any = para(group, body)
            previous_group = group
        else:
            group_cell = ""
        data.append([group_cell, para(area, body), [para(f"• {d}", bullet) for d in directions]])
    if previous_group is not None and len(areas) > group_start:
        spans.append(("SPAN", (0, group_start), (0, len(areas))))
    table = Table(data, colWidths=[130, 130, 250], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, "black"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                *spans,
            ]
        )
    )
    doc = SimpleDocTemplate(str(path), pagesize=A4, title="Viljeriktningar (syntetisk)")
    doc.build([table])
    return path


# --- prose --------------------------------------------------------------------------------


def render_text_pdf(
    path: Path | str,
    paragraphs: Sequence[str],
    *,
    title: str | None = None,
    header: str = "Region Skåne – Framtidens hälsosystem",
) -> Path:
    """Write prose over as many portrait pages as it needs, with a running header and a
    "Sida n av N" footer on every page: the shape of drafts and verksamhetsplaner.

    Returns ``path``.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    regular, _ = register_fonts()
    body = make_style("prose", 10, spaceAfter=8)

    def build(total: int | None) -> int:
        # a fresh story per pass: platypus splits paragraphs in place while laying out
        story = []
        if title:
            story.append(para(title, make_style("prose-title", 16, bold=True, spaceAfter=12)))
        story += [para(p, body) for p in paragraphs]
        pages_seen = [0]

        def on_page(canvas: Any, doc: Any) -> None:
            pages_seen[0] = doc.page
            canvas.saveState()
            canvas.setFont(regular, 8)
            canvas.drawString(56, A4[1] - 36, header)
            where = f"Sida {doc.page} av {total}" if total else f"Sida {doc.page}"
            canvas.drawRightString(A4[0] - 56, 30, where)
            canvas.restoreState()

        doc = SimpleDocTemplate(
            str(path),
            pagesize=A4,
            leftMargin=56,
            rightMargin=56,
            topMargin=60,
            bottomMargin=60,
            title=title or "Text (syntetisk)",
        )
        doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
        return pages_seen[0]

    total = build(None)  # first pass counts the pages for "av N"
    build(total)
    return path


# --- Word ---------------------------------------------------------------------------------


def render_docx(path: Path | str, blocks: Sequence[tuple[str, Any]]) -> Path:
    """Write a Word file from ("heading"|"paragraph"|"bullet"|"table"|"page_break", content)
    blocks, like a unit's verksamhetsplan.

    heading: text, or (text, level); paragraph/bullet: text; table: rows of cell texts
    (first row is the header); page_break: content ignored. Returns ``path``.
    """
    import docx

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = docx.Document()
    for kind, content in blocks:
        if kind == "heading":
            text, level = (content, 1) if isinstance(content, str) else content
            document.add_heading(text, level=level)
        elif kind == "paragraph":
            document.add_paragraph(content)
        elif kind == "bullet":
            document.add_paragraph(content, style="List Bullet")
        elif kind == "table":
            rows = list(content)
            n_cols = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=n_cols)
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
        elif kind == "page_break":
            document.add_page_break()
        else:
            raise ValueError(
                f"unknown block kind '{kind}'; use heading, paragraph, bullet, table or page_break"
            )
    document.save(str(path))
    return path
