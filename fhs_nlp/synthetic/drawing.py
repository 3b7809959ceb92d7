"""Fonts and the small reportlab drawing helpers the PDF layouts share.

A DejaVu font is registered so that å, ä and ö are real glyphs in the text layer;
rotated cells are drawn line by line, as Word and InDesign export them, so a reader sees
them letter by letter. reportlab is imported inside the functions (a development
dependency only).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
)


def register_fonts() -> tuple[str, str]:
    """Register DejaVu Sans (regular, bold) if present; fall back to Helvetica.

    DejaVu is preferred because it is embedded with a ToUnicode map, so å, ä, ö come back
    from the PDF exactly; Helvetica (WinAnsi) covers them too but is not embedded.
    """
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "FhsSans" in pdfmetrics.getRegisteredFontNames():
        return "FhsSans", "FhsSans-Bold"
    for folder in _FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont("FhsSans", str(regular)))
            pdfmetrics.registerFont(TTFont("FhsSans-Bold", str(bold)))
            addMapping("FhsSans", 0, 0, "FhsSans")
            addMapping("FhsSans", 1, 0, "FhsSans-Bold")
            addMapping("FhsSans", 0, 1, "FhsSans")
            addMapping("FhsSans", 1, 1, "FhsSans-Bold")
            return "FhsSans", "FhsSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def make_style(name: str, size: float, *, bold: bool = False, **kw: Any) -> Any:
    from reportlab.lib.styles import ParagraphStyle

    regular, bold_font = register_fonts()
    return ParagraphStyle(
        name, fontName=bold_font if bold else regular, fontSize=size, leading=size * 1.2, **kw
    )


def para(text: str, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(escape(text), style)


def stack_height(flowables: Sequence[Any], width: float) -> float:
    """Height of paragraphs stacked in a cell of ``width`` (spaceAfter included)."""
    total = 0.0
    for i, f in enumerate(flowables):
        _, h = f.wrap(width, 10_000)
        total += h
        if i < len(flowables) - 1:
            total += f.getSpaceAfter()
    return total


def draw_stack(canvas: Any, flowables: Sequence[Any], x: float, top: float, width: float) -> None:
    """Draw paragraphs top-down from ``top`` (PDF coordinates, y grows upwards)."""
    y = top
    for f in flowables:
        _, h = f.wrap(width, 10_000)
        f.drawOn(canvas, x, y - h)
        y -= h + f.getSpaceAfter()


def draw_rotated_lines(
    canvas: Any, lines: Sequence[str], x0: float, top: float, font: str, size: float
) -> None:
    """Draw ``lines`` rotated 90° counter-clockwise (reading bottom-to-top), first line
    leftmost, each ending ``top`` - padding: the way Word draws a "text direction" cell."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    leading = size * 1.2
    for i, line in enumerate(lines):
        baseline_x = x0 + size * 0.95 + i * leading
        width = stringWidth(line, font, size)
        canvas.saveState()
        canvas.translate(baseline_x, top - width)
        canvas.rotate(90)
        canvas.setFont(font, size)
        canvas.drawString(0, 0, line)
        canvas.restoreState()


def draw_footer(canvas: Any, page_w: float, left: str, right: str, font: str) -> None:
    canvas.setFont(font, 8)
    canvas.drawString(36, 22, left)
    canvas.drawRightString(page_w - 36, 22, right)
