"""What an upload is, told by its bytes rather than its name, and where to keep it.

A browser sends whatever name the file had: ``plan.pdf`` may be a Word file, a
renamed program, or nothing at all. The readers of :mod:`fhs_nlp.ingest` go by suffix,
so the upload is stored under its own name with the suffix its *content* calls for.
Content that is none of PDF, DOCX or UTF-8 text is refused here (E103), unless its
name claims PDF or DOCX: then the reader says what is wrong with it, with the same
message the command line gives for that file (a damaged PDF is E104, not E103).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Literal

from fhs_nlp.errors import UnsupportedFormatError

Kind = Literal["pdf", "docx", "md", "txt"]
SUFFIX: dict[str, str] = {"pdf": ".pdf", "docx": ".docx", "md": ".md", "txt": ".txt"}
_MARKDOWN = re.compile(rb"^#{1,6} \S", re.MULTILINE)


def sniff(data: bytes, name: str) -> Kind:
    """The kind of document ``data`` is; raise :class:`UnsupportedFormatError` if none."""
    claimed = Path(name).suffix.lower()
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            pass
        if claimed == ".docx":
            return "docx"  # a damaged Word file: the reader says how
        raise UnsupportedFormatError(
            "is a zip archive but not a Word document (.docx); upload the draft itself "
            "as PDF, DOCX, TXT or Markdown", name)
    if b"\x00" not in data[:8192]:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:  # text, whatever the name says
            return "md" if claimed in (".md", ".markdown") or _MARKDOWN.search(data[:20000]) \
                else "txt"
    if claimed in (".pdf", ".docx"):
        return "pdf" if claimed == ".pdf" else "docx"  # damaged: the reader says how
    raise UnsupportedFormatError(
        "is not a PDF, Word (.docx) or UTF-8 text file (checked by its content, not its "
        "name); save the draft as PDF, DOCX, TXT or Markdown and upload it again", name)


def safe_name(name: str, kind: Kind) -> str:
    """A file name to store the upload under: the user's base name without folders or
    odd characters (å ä ö kept), ending in the suffix of its kind."""
    base = Path(name.replace("\\", "/")).name
    stem = Path(base).stem if Path(base).suffix.lower() in (*SUFFIX.values(), ".markdown") \
        else base
    stem = unicodedata.normalize("NFC", stem)
    stem = re.sub(r"[^\w.\- ]+", "_", stem).strip(" ._")[:120] or "draft"
    return stem + SUFFIX[kind]
