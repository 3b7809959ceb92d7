"""The broken files users send: password-protected, scanned, truncated, empty, renamed.

Each must end in a clear error naming the file (E104-E107), never a library traceback;
these generators give the tests and benchmarks such files without keeping binaries in
git.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fhs_nlp.synthetic.drawing import register_fonts


def _one_page_pdf(lines: Sequence[str], **canvas_kw: Any) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    regular, _ = register_fonts()
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, **canvas_kw)
    canvas.setFont(regular, 11)
    for i, line in enumerate(lines):
        canvas.drawString(72, A4[1] - 90 - i * 16, line)
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def make_encrypted_pdf(
    path: Path | str, *, user_password: str = "hemligt", owner_password: str = "ägare"
) -> Path:
    """A password-protected PDF. With ``user_password=""`` it only has an owner password
    (restricts printing/copying) and opens without asking: such files must be read."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    path = Path(path)
    encryption = StandardEncryption(
        user_password, ownerPassword=owner_password, canPrint=0, canCopy=0, strength=128
    )
    path.write_bytes(
        _one_page_pdf(
            ["Verksamhetsplan 2024 för Vårdcentralen Östra Sorgenfri", "Nära vård för alla."],
            encrypt=encryption,
        )
    )
    return path


def make_scanned_pdf(path: Path | str) -> Path:
    """A PDF whose only page is a picture of text: what a scanner produces without OCR."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    path = Path(path)
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(["Verksamhetsplan 2024", "Vårdcentralen Åby – nära vård"]):
        draw.text((120, 150 + i * 60), line, fill=0)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    buf.seek(0)
    canvas = Canvas(str(path), pagesize=A4)
    canvas.drawImage(ImageReader(buf), 0, 0, width=A4[0], height=A4[1])
    canvas.showPage()
    canvas.save()
    return path


def make_corrupt_pdf(path: Path | str) -> Path:
    """A PDF cut off after its header: what an interrupted download leaves behind."""
    path = Path(path)
    data = _one_page_pdf(["Genomförandeplan för Framtidens hälsosystem"])
    path.write_bytes(data[:120])
    return path


def make_empty_pdf(path: Path | str) -> Path:
    """A valid PDF with one blank page: nothing to read, no image either."""
    path = Path(path)
    path.write_bytes(_one_page_pdf([]))
    return path


def make_fake_docx(path: Path | str) -> Path:
    """Plain text saved with a .docx extension: a file renamed instead of converted."""
    path = Path(path)
    path.write_text("Verksamhetsplan 2024\nDetta är ingen Word-fil, bara text.\n", "utf-8")
    return path
