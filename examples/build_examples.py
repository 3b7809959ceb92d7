"""Regenerate the bundled example draft (PDF and DOCX) from its Markdown source.

    python examples/build_examples.py                 # writes next to the source
    python examples/build_examples.py --out-dir DIR   # writes elsewhere (tests use this)

The Markdown is deliberately simple: ``#``/``##``/``###`` headings, paragraphs
separated by blank lines, and ``- `` bullets. The PDF is laid out here with reportlab
(multi-page A4, running header, "Sida n av N" footer, real headings and bullets);
``fhs_nlp.synthetic.documents.render_text_pdf`` would flatten headings and bullets into plain
paragraphs. The DOCX goes through ``fhs_nlp.synthetic.documents.render_docx``.

Output is deterministic: reportlab runs in invariant mode (fixed dates and document
id), and the Word file gets fixed core properties and fixed zip timestamps, so running
the script again without changing the Markdown leaves git clean.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from fhs_nlp.synthetic.drawing import register_fonts

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "verksamhetsplan_2027_vardcentralen_linneasand.md"

TITLE = "Verksamhetsplan 2027 – Vårdcentralen Linnéasand"
AUTHOR = "Vårdcentralen Linnéasand (fiktiv exempelenhet, fhs-nlp)"
SUBJECT = "Exempel på verksamhetsplan för fhs-nlp align"
RUNNING_HEADER = "Vårdcentralen Linnéasand · Verksamhetsplan 2027"
#: Fixed timestamp for every piece of metadata the libraries would otherwise set to now.
FIXED_TIME = dt.datetime(2026, 11, 20, 9, 0, 0, tzinfo=dt.UTC)

Block = tuple[str, Any]  # ("heading", (text, level)) | ("paragraph", text) | ("bullet", text)

# --- Markdown -------------------------------------------------------------------------


def parse_markdown(text: str) -> list[Block]:
    """Blocks from the example's Markdown subset.

    ``#`` gives heading level 1, ``##`` level 2 and so on; consecutive non-blank lines
    form one paragraph (or continue the current bullet); ``- `` starts a bullet.
    """
    blocks: list[Block] = []
    buffer: list[str] = []
    kind = ""

    def flush() -> None:
        nonlocal buffer, kind
        if buffer:
            blocks.append((kind, " ".join(buffer)))
        buffer, kind = [], ""

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        heading = re.match(r"^(#{1,6})\s+(.*)$", line)
        if heading:
            flush()
            blocks.append(("heading", (heading.group(2).strip(), len(heading.group(1)))))
        elif line.startswith("- "):
            flush()
            kind, buffer = "bullet", [line[2:].strip()]
        else:
            if not buffer:
                kind = "paragraph"
            buffer.append(line)
    flush()
    return blocks


# --- PDF ------------------------------------------------------------------------------


def render_pdf(path: Path, blocks: list[Block]) -> Path:
    """Lay the blocks out on A4 pages with headings, bullets, header and page numbers."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    regular, bold = register_fonts()
    grey = HexColor("#555555")
    accent = HexColor("#1F4E79")
    styles = {
        1: ParagraphStyle(
            "h1", fontName=bold, fontSize=16, leading=20, spaceAfter=8, textColor=accent
        ),
        2: ParagraphStyle(
            "h2",
            fontName=bold,
            fontSize=13,
            leading=16,
            spaceBefore=10,
            spaceAfter=4,
            textColor=accent,
            keepWithNext=1,
        ),
        3: ParagraphStyle(
            "h3",
            fontName=bold,
            fontSize=11,
            leading=14,
            spaceBefore=8,
            spaceAfter=3,
            keepWithNext=1,
        ),
    }
    body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13, spaceAfter=4.5)
    meta = ParagraphStyle(
        "meta", parent=body, fontSize=9, leading=12, textColor=grey, spaceAfter=10
    )
    bullet = ParagraphStyle(
        "bullet", parent=body, leftIndent=16, bulletIndent=4, spaceAfter=2.5, bulletFontName=regular
    )

    def story() -> list[Any]:
        flowables: list[Any] = []
        after_title = False
        for kind, content in blocks:
            if kind == "heading":
                text, level = content
                flowables.append(Paragraph(escape(text), styles[min(level, 3)]))
                after_title = level == 1
                continue
            style = meta if after_title and kind == "paragraph" else body
            after_title = False
            if kind == "bullet":
                flowables.append(Paragraph(escape(content), bullet, bulletText="•"))
            else:
                flowables.append(Paragraph(escape(content), style))
        return flowables

    def build(target: Any, total: int | None) -> int:
        seen = [0]

        def on_page(canvas: Any, doc: Any) -> None:
            seen[0] = doc.page
            canvas.saveState()
            canvas.setFont(regular, 8)
            canvas.setFillColor(grey)
            canvas.drawString(60, A4[1] - 40, RUNNING_HEADER)
            canvas.drawRightString(A4[0] - 60, A4[1] - 40, "Region Skåne")
            canvas.setLineWidth(0.4)
            canvas.setStrokeColor(grey)
            canvas.line(60, A4[1] - 45, A4[0] - 60, A4[1] - 45)
            where = f"Sida {doc.page} av {total}" if total else f"Sida {doc.page}"
            canvas.drawRightString(A4[0] - 60, 32, where)
            canvas.restoreState()

        doc = SimpleDocTemplate(
            target,
            pagesize=A4,
            leftMargin=60,
            rightMargin=60,
            topMargin=60,
            bottomMargin=52,
            title=TITLE,
            author=AUTHOR,
            subject=SUBJECT,
            creator="fhs-nlp examples/build_examples.py",
            invariant=1,
        )
        doc.build(story(), onFirstPage=on_page, onLaterPages=on_page)
        return seen[0]

    total = build(io.BytesIO(), None)  # first pass counts the pages for "av N"
    path.parent.mkdir(parents=True, exist_ok=True)
    build(str(path), total)
    return path


# --- DOCX -----------------------------------------------------------------------------


def render_word(path: Path, blocks: list[Block]) -> Path:
    """Write the DOCX with fhs_nlp.synthetic.documents.render_docx, then pin its metadata and zip
    timestamps so the bytes only change when the Markdown does."""
    import docx

    from fhs_nlp.synthetic.documents import render_docx

    # "#" is the document title (Word's Title style, level 0); "##" -> Heading 1, ...
    word_blocks = [
        ("heading", (content[0], content[1] - 1)) if kind == "heading" else (kind, content)
        for kind, content in blocks
    ]
    render_docx(path, word_blocks)

    document = docx.Document(str(path))
    props = document.core_properties
    props.title = TITLE
    props.author = AUTHOR
    props.subject = SUBJECT
    props.comments = "Genererad från verksamhetsplan_2027_vardcentralen_linneasand.md"
    props.last_modified_by = AUTHOR
    props.revision = 1
    naive = FIXED_TIME.replace(tzinfo=None)
    props.created = naive
    props.modified = naive
    buffer = io.BytesIO()
    document.save(buffer)

    stamp = (FIXED_TIME.year, FIXED_TIME.month, FIXED_TIME.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(item.filename))
    path.write_bytes(out.getvalue())
    return path


# --- entry point ----------------------------------------------------------------------


def build(source: Path = SOURCE, out_dir: Path | None = None) -> tuple[Path, Path]:
    """Render ``source`` to ``<stem>.pdf`` and ``<stem>.docx`` in ``out_dir`` (default:
    next to the source). Returns (pdf, docx)."""
    source = Path(source)
    out_dir = Path(out_dir) if out_dir is not None else source.parent
    blocks = parse_markdown(source.read_text("utf-8"))
    pdf = render_pdf(out_dir / f"{source.stem}.pdf", blocks)
    word = render_word(out_dir / f"{source.stem}.docx", blocks)
    return pdf, word


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE, help="Markdown source")
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=None,
        help="where to write the PDF and DOCX (default: next to the source)",
    )
    args = parser.parse_args(argv)
    for path in build(args.source, args.out_dir):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
