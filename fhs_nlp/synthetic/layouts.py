"""Tabell 1 in many layouts: the milestone table as other people's Word and PDF files lay it out.

The readers must not depend on the one layout
:func:`fhs_nlp.synthetic.documents.render_milestone_table_pdf` draws. A :class:`Layout` is a
handful of independent choices a document author makes (year cell rotated, upright, stacked
or merged over rows; area cell merged over its rows or repeated on every row; a header row
that wraps or is worded differently; ruled or borderless; landscape or portrait; rows
allowed to break across pages; one table per area or one for all), and :func:`render` draws
the same milestones in that layout with one of three engines:

* ``reportlab``: a PDF drawn with reportlab's platypus tables;
* ``docx``: a Word file written with python-docx (``w:vMerge`` for merged cells,
  ``w:textDirection`` for rotated ones), read as Word;
* ``libreoffice``: that Word file converted to PDF by ``soffice --headless``, the way
  most real PDFs of the plan are made.

:func:`score` compares what a reader got with what the text path got, field by field.
reportlab and python-docx are imported inside the functions (reportlab is a development
dependency).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape

from fhs_nlp.synthetic.documents import MILESTONE_CAPTION
from fhs_nlp.synthetic.drawing import register_fonts
from fhs_nlp.synthetic.sample_data import MilestoneRowSpec

Engine = Literal["reportlab", "docx", "libreoffice"]
YearStyle = Literal["rotated", "upright", "stacked", "merged"]
AreaStyle = Literal["merged", "repeated"]
HeaderStyle = Literal["plain", "wrapped", "worded"]

#: Header texts per style: (area, year, milestone, effects). "wrapped" is what a narrow
#: year column does to "År 2023-26"; "worded" is another author's wording.
HEADERS: dict[str, tuple[str, str, str, str]] = {
    "plain": (
        "",
        "År",
        "Milstolpe",
        "Effekter av uppnådd milstolpe på kort sikt för invånarna (inv), systemet (sys), "
        "verksamheter (vsh)",
    ),
    "wrapped": ("Insats-\nområde", "År\n20\n23\n-2\n6", "Milstol-\npe", "Effekter på\nkort sikt"),
    "worded": ("Insatsområde", "Årtal", "Milstolpar 2023–2026", "Effekter…"),
}


@dataclass(frozen=True)
class Layout:
    """One way of laying out Tabell 1; every field is independent of the others."""

    name: str
    engine: Engine = "reportlab"
    year: YearStyle = "upright"
    area: AreaStyle = "merged"
    header: HeaderStyle = "plain"
    ruled: bool = True
    landscape: bool = True
    #: rows may break across a page (Word's default); otherwise a row moves whole
    split_rows: bool = False
    tables: Literal["per_area", "one"] = "per_area"
    #: the header row is repeated at the top of every page the table runs over
    repeat_header: bool = True

    @property
    def family(self) -> str:
        return self.name.split("-")[0]


#: The sweep: each family varies a few choices against the others; names are
#: "<family>-<variant>". Families: rl (reportlab), docx (Word read as Word), lo
#: (Word converted by LibreOffice).
SWEEP: tuple[Layout, ...] = (
    Layout("rl-rotated", "reportlab", year="rotated", area="merged", tables="per_area"),
    Layout("rl-onetable", "reportlab", year="upright", area="merged", tables="one",
           landscape=False, header="wrapped"),
    Layout("rl-repeated", "reportlab", year="stacked", area="repeated", tables="one",
           header="worded"),
    Layout("rl-mergedyear", "reportlab", year="merged", area="merged", tables="one"),
    # (reportlab's splitInRow draws a stray header row at the split: Word's row splits
    # are swept through LibreOffice instead)
    Layout("rl-noheader", "reportlab", year="upright", area="repeated", tables="one",
           landscape=False, repeat_header=False),
    Layout("rl-borderless", "reportlab", year="upright", area="repeated", tables="one",
           ruled=False),
    Layout("docx-onetable", "docx", year="upright", area="merged", tables="one"),
    Layout("docx-mergedyear", "docx", year="merged", area="repeated", tables="per_area",
           header="worded"),
    Layout("lo-onetable", "libreoffice", year="upright", area="merged", tables="one",
           split_rows=True, repeat_header=False),
    Layout("lo-rotated", "libreoffice", year="rotated", area="merged", tables="per_area",
           header="wrapped", split_rows=True),
    Layout("lo-mergedyear", "libreoffice", year="merged", area="repeated", tables="one",
           landscape=False, split_rows=True, header="worded"),
    Layout("lo-borderless", "libreoffice", year="upright", area="repeated", tables="one",
           ruled=False, split_rows=False),
)


def soffice() -> str | None:
    """The LibreOffice binary, or None where it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _year_text(year: int | None) -> str:
    return "" if year is None else str(year)


def equal_runs(values: Sequence[Any]) -> list[tuple[int, int]]:
    """(first, last) index of each run of equal, non-empty consecutive values."""
    out: list[tuple[int, int]] = []
    for i, value in enumerate(values):
        if out and value and values[out[-1][0]] == value and out[-1][1] == i - 1:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


def _groups(rows: Sequence[MilestoneRowSpec], layout: Layout) -> list[list[MilestoneRowSpec]]:
    if layout.tables == "one":
        return [list(rows)]
    groups: list[list[MilestoneRowSpec]] = []
    for row in rows:
        if groups and groups[-1][-1].area == row.area:
            groups[-1].append(row)
        else:
            groups.append([row])
    return groups


def render(layout: Layout, rows: Sequence[MilestoneRowSpec], folder: Path) -> Path:
    """Draw ``rows`` in ``layout`` into ``folder``; returns the file to read.

    Raises RuntimeError for the ``libreoffice`` engine where soffice is missing.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if layout.engine == "reportlab":
        return render_reportlab(layout, rows, folder / f"{layout.name}.pdf")
    docx_path = render_word(layout, rows, folder / f"{layout.name}.docx")
    if layout.engine == "docx":
        return docx_path
    return convert_to_pdf(docx_path, folder)


# --- reportlab ---------------------------------------------------------------------------


def _rotated_flowable(text: str, font: str, size: float) -> Any:
    """A cell text rotated 90° counter-clockwise, as Word's "text direction" draws it."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Flowable

    class Rotated(Flowable):
        def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
            return size * 1.2, stringWidth(text, font, size) + 2

        def draw(self) -> None:
            canvas = self.canv
            canvas.saveState()
            canvas.translate(size * 0.95, 1)
            canvas.rotate(90)
            canvas.setFont(font, size)
            canvas.drawString(0, 0, text)
            canvas.restoreState()

    return Rotated()


def render_reportlab(layout: Layout, rows: Sequence[MilestoneRowSpec], path: Path) -> Path:
    from reportlab.lib.pagesizes import A4, landscape, portrait
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    regular, bold = register_fonts()
    size = 8.0
    body = ParagraphStyle("lay-body", fontName=regular, fontSize=size, leading=size * 1.2)
    title = ParagraphStyle("lay-title", parent=body, fontName=bold)
    effect = ParagraphStyle("lay-effect", parent=body, spaceAfter=4)
    head = ParagraphStyle("lay-head", parent=body, fontName=bold)
    caption = ParagraphStyle("lay-caption", parent=body, fontSize=9, leading=11, spaceAfter=6)
    page = landscape(A4) if layout.landscape else portrait(A4)
    usable = page[0] - 72
    year_w = 26.0 if layout.header == "wrapped" or layout.year != "upright" else 34.0
    area_w = 62.0
    rest = usable - area_w - year_w
    widths = [area_w, year_w, rest * 0.55, rest * 0.45]

    def para(text: str, style: Any) -> Any:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    def year_cell(year: int | None) -> Any:
        text = _year_text(year)
        if not text:
            return ""
        if layout.year == "rotated":
            return _rotated_flowable(text, regular, size)
        if layout.year == "stacked":
            return para(f"{text[:2]}\n{text[2:]}", body)
        return para(text, body)

    story: list[Any] = [para(MILESTONE_CAPTION, caption)]
    for group in _groups(rows, layout):
        data: list[list[Any]] = [[para(h, head) if h else "" for h in HEADERS[layout.header]]]
        for spec in group:
            milestone = [para(spec.title, title)]
            if spec.previous_wording:
                milestone.append(para(f"Omformulering av milstolpe 2022: {spec.previous_wording}",
                                      body))
            if spec.description:
                milestone.append(para(spec.description, body))
            effects = [para(line, effect) for line in spec.effect_lines()] or ""
            data.append([para(spec.area, body), year_cell(spec.year), milestone, effects])
        commands: list[Any] = [("VALIGN", (0, 0), (-1, -1), "TOP")]
        if layout.ruled:
            commands.append(("GRID", (0, 0), (-1, -1), 0.5, "black"))
        else:
            commands += [("LEFTPADDING", (0, 0), (-1, -1), 3),
                         ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]
        # platypus cannot break a table inside a spanned cell: spans are cut where a
        # page will end, and the label is written again below the cut, as in 002
        chunks = _page_chunks(Table(data, colWidths=widths), page[1] - 76 - 30)
        merged_cols = [c for c, on in ((0, layout.area == "merged"), (1, layout.year == "merged"))
                       if on]
        for col in merged_cols:
            values = [(s.area if col == 0 else s.year) for s in group]
            keyed = [(chunks[i], v) if v else None for i, v in enumerate(values)]
            for first, last in equal_runs(keyed):
                for r in range(first + 1, last + 1):
                    data[r + 1][col] = ""
                if last > first:
                    commands.append(("SPAN", (col, first + 1), (col, last + 1)))
        table = Table(
            data,
            colWidths=widths,
            repeatRows=1 if layout.repeat_header else 0,
            splitInRow=1 if layout.split_rows else 0,
            splitByRow=1,
        )
        table.setStyle(TableStyle(commands))
        story += [table, Spacer(1, 12)]

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7)
        canvas.drawString(36, 20, "2023-POL000009-001")
        canvas.drawRightString(page[0] - 36, 20, f"{doc.page}")
        canvas.restoreState()

    path.parent.mkdir(parents=True, exist_ok=True)
    doc = SimpleDocTemplate(str(path), pagesize=page, leftMargin=36, rightMargin=36,
                            topMargin=36, bottomMargin=40, title=f"Tabell 1 ({layout.name})")
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return path


def _page_chunks(table: Any, page_height: float) -> list[int]:
    """For each body row, the number of the page-sized chunk it falls in (rows of at
    most 85 % of a page: the page breaks then fall between chunks)."""
    table.wrap(10_000, 10_000)
    heights = table._rowHeights[1:]
    header = table._rowHeights[0]
    out: list[int] = []
    chunk, used = 0, header
    for h in heights:
        if used + h > 0.85 * page_height and used > header:
            chunk, used = chunk + 1, header
        used += h
        out.append(chunk)
    return out


# --- Word ---------------------------------------------------------------------------------


def set_cell_text(cell: Any, paragraphs: Sequence[tuple[str, bool]]) -> None:
    """Replace the cell's content by paragraphs of (text, bold)."""
    first = True
    for text, is_bold in paragraphs:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        for i, piece in enumerate(text.split("\n")):
            run = paragraph.add_run(piece)
            run.bold = is_bold
            if i < len(text.split("\n")) - 1:
                run.add_break()


def cell_property(cell: Any, tag: str, **attrs: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tc_pr = cell._tc.get_or_add_tcPr()
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(key), value)
    tc_pr.append(element)


def render_word(layout: Layout, rows: Sequence[MilestoneRowSpec], path: Path) -> Path:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(8)
    normal.paragraph_format.space_after = Pt(2)
    section = document.sections[0]
    width_cm = 29.7 if layout.landscape else 21.0
    if layout.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.5))
    footer = section.footer.paragraphs[0]
    footer.text = "2023-POL000009-001"
    usable = width_cm - 3.0
    year_w = 1.0 if layout.header == "wrapped" or layout.year != "upright" else 1.3
    area_w = 2.4
    rest = usable - area_w - year_w
    widths = [Cm(area_w), Cm(year_w), Cm(rest * 0.55), Cm(rest * 0.45)]
    document.add_paragraph(MILESTONE_CAPTION)
    for group in _groups(rows, layout):
        table = document.add_table(rows=len(group) + 1, cols=4)
        if layout.ruled:
            table.style = "Table Grid"
        table.autofit = False
        for c, column in enumerate(table.columns):
            column.width = widths[c]
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row.cells):
                cell.width = widths[c]
            if r == 0 or not layout.split_rows:
                tr_pr = row._tr.get_or_add_trPr()
                if r == 0 and layout.repeat_header:
                    tr_pr.append(OxmlElement("w:tblHeader"))
                if not layout.split_rows:
                    tr_pr.append(OxmlElement("w:cantSplit"))
        for c, text in enumerate(HEADERS[layout.header]):
            set_cell_text(table.cell(0, c), [(text, True)])
        for r, spec in enumerate(group, start=1):
            set_cell_text(table.cell(r, 0), [(spec.area, False)])
            year = _year_text(spec.year)
            if layout.year == "stacked" and year:
                year = f"{year[:2]}\n{year[2:]}"
            set_cell_text(table.cell(r, 1), [(year, False)])
            if layout.year == "rotated":
                cell_property(table.cell(r, 1), "w:textDirection", **{"w:val": "btLr"})
            milestone = [(spec.title, True)]
            if spec.previous_wording:
                milestone.append((f"Omformulering av milstolpe 2022: {spec.previous_wording}",
                                  False))
            if spec.description:
                milestone.append((spec.description, False))
            set_cell_text(table.cell(r, 2), milestone)
            set_cell_text(table.cell(r, 3), [(line, False) for line in spec.effect_lines()])
        merges = []
        if layout.area == "merged":
            merges.append((0, equal_runs([s.area for s in group])))
        if layout.year == "merged":
            merges.append((1, equal_runs([s.year for s in group])))
        for col, runs in merges:
            for first, last in runs:
                if last > first:
                    for r in range(first + 1, last + 1):
                        for p in table.cell(r + 1, col)._tc.findall(qn("w:p")):
                            for run in p.findall(qn("w:r")):
                                p.remove(run)
                    top = table.cell(first + 1, col)
                    text = top.text
                    merged = top.merge(table.cell(last + 1, col))
                    # python-docx's merge joins the paragraphs of every merged cell:
                    # keep the top cell's text only
                    for p in merged._tc.findall(qn("w:p"))[1:]:
                        merged._tc.remove(p)
                    if merged.text != text:
                        merged.paragraphs[0].text = text
        document.add_paragraph("")
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def convert_to_pdf(docx_path: Path, folder: Path) -> Path:
    """``soffice --headless --convert-to pdf``, with a private profile so that parallel
    runs do not share (and lock) one LibreOffice user profile."""
    binary = soffice()
    if binary is None:
        raise RuntimeError("LibreOffice (soffice) is not installed; `make setup` installs it")
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            [binary, f"-env:UserInstallation=file://{profile}", "--headless",
             "--convert-to", "pdf", "--outdir", str(folder), str(docx_path)],
            check=True, capture_output=True, timeout=240,
        )
    pdf = folder / (docx_path.stem + ".pdf")
    if not pdf.exists():
        raise RuntimeError(f"LibreOffice did not write {pdf}")
    return pdf


# --- scoring ------------------------------------------------------------------------------


def variant(layout: Layout, **changes: Any) -> Layout:
    """A copy of ``layout`` with some choices changed (and a name saying so)."""
    suffix = "+".join(f"{k}={v}" for k, v in changes.items())
    return replace(layout, name=f"{layout.name}+{suffix}", **changes)
