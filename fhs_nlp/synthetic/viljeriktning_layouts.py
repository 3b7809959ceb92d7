"""The viljeriktning table (group | Område | Viljeriktning) in several layouts.

000 and 001 give their viljeriktningar as a three-column table; other authors merge the
group cell, drop the header or write the bullets as separate paragraphs. A
:class:`VLayout` is one such choice, drawn with reportlab or written as Word, the way
:mod:`fhs_nlp.synthetic.layouts` does for the milestone table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape

from fhs_nlp.synthetic.drawing import register_fonts
from fhs_nlp.synthetic.layouts import Engine, convert_to_pdf, equal_runs, set_cell_text

#: (group, area, statements) rows, as extract_viljeriktningar gives them
VRow = tuple[str, str, list[str]]


@dataclass(frozen=True)
class VLayout:
    """One way of laying out the strategy's viljeriktning table."""

    name: str
    engine: Engine = "reportlab"
    #: the group cell merged over its areas' rows, or written on every row
    group: Literal["merged", "repeated"] = "merged"
    #: statements as "• " bullets, or as plain paragraphs of the cell
    bullets: bool = True
    header: Literal["plain", "worded"] = "plain"
    ruled: bool = True


VHEADERS = {
    "plain": ("Grupp", "Område", "Viljeriktning"),
    "worded": ("Insatsområdesgrupp", "Insatsområde", "Viljeriktningar"),
}


VSWEEP: tuple[VLayout, ...] = (
    VLayout("vrl-merged", "reportlab", group="merged", bullets=True),
    VLayout("vrl-paragraphs", "reportlab", group="repeated", bullets=False, header="worded"),
    VLayout("vdocx-merged", "docx", group="merged", bullets=False),
    VLayout("vdocx-bullets", "docx", group="repeated", bullets=True, header="worded"),
    VLayout("vlo-merged", "libreoffice", group="merged", bullets=False),
    VLayout("vlo-bullets", "libreoffice", group="merged", bullets=True, header="worded"),
)


def render_viljeriktningar(layout: VLayout, rows: Sequence[VRow], folder: Path) -> Path:
    """Draw the viljeriktning table in ``layout`` into ``folder``; the file to read."""
    folder.mkdir(parents=True, exist_ok=True)
    if layout.engine == "reportlab":
        return _viljeriktningar_reportlab(layout, rows, folder / f"{layout.name}.pdf")
    path = _viljeriktningar_word(layout, rows, folder / f"{layout.name}.docx")
    return path if layout.engine == "docx" else convert_to_pdf(path, folder)


def _viljeriktningar_reportlab(layout: VLayout, rows: Sequence[VRow], path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    regular, bold = register_fonts()
    body = ParagraphStyle("v-body", fontName=regular, fontSize=9, leading=11, spaceAfter=3)
    head = ParagraphStyle("v-head", parent=body, fontName=bold)
    bullet = ParagraphStyle("v-bullet", parent=body, leftIndent=9, firstLineIndent=-9)
    data: list[list[Any]] = [[Paragraph(escape(h), head) for h in VHEADERS[layout.header]]]
    for group, area, statements in rows:
        cells = [Paragraph(escape(f"• {s}" if layout.bullets else s),
                           bullet if layout.bullets else body) for s in statements]
        data.append([Paragraph(escape(group), body), Paragraph(escape(area), body), cells])
    commands: list[Any] = [("VALIGN", (0, 0), (-1, -1), "TOP")]
    if layout.ruled:
        commands.append(("GRID", (0, 0), (-1, -1), 0.6, "black"))
    if layout.group == "merged":
        for first, last in equal_runs([r[0] for r in rows]):
            for r in range(first + 1, last + 1):
                data[r + 1][0] = ""
            if last > first:
                commands.append(("SPAN", (0, first + 1), (0, last + 1)))
    table = Table(data, colWidths=[120, 120, 280], repeatRows=1)
    table.setStyle(TableStyle(commands))
    path.parent.mkdir(parents=True, exist_ok=True)
    SimpleDocTemplate(str(path), pagesize=A4, title=f"Viljeriktningar ({layout.name})").build(
        [Paragraph("Tabell 2. Insatsområden och viljeriktningar", body), table]
    )
    return path


def _viljeriktningar_word(layout: VLayout, rows: Sequence[VRow], path: Path) -> Path:
    import docx
    from docx.oxml.ns import qn

    document = docx.Document()
    document.add_paragraph("Tabell 2. Insatsområden och viljeriktningar")
    table = document.add_table(rows=len(rows) + 1, cols=3)
    if layout.ruled:
        table.style = "Table Grid"
    for c, text in enumerate(VHEADERS[layout.header]):
        set_cell_text(table.cell(0, c), [(text, True)])
    for r, (group, area, statements) in enumerate(rows, start=1):
        set_cell_text(table.cell(r, 0), [(group, False)])
        set_cell_text(table.cell(r, 1), [(area, False)])
        cell = table.cell(r, 2)
        for i, statement in enumerate(statements):
            paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            paragraph.add_run(statement)
            if layout.bullets:
                paragraph.style = document.styles["List Bullet"]
    if layout.group == "merged":
        for first, last in equal_runs([r[0] for r in rows]):
            if last > first:
                for r in range(first + 1, last + 1):
                    for p in table.cell(r + 1, 0)._tc.findall(qn("w:p")):
                        for run in p.findall(qn("w:r")):
                            p.remove(run)
                merged = table.cell(first + 1, 0).merge(table.cell(last + 1, 0))
                for p in merged._tc.findall(qn("w:p"))[1:]:
                    merged._tc.remove(p)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path
