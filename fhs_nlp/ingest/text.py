"""Plain text and Markdown: read as they are, artefacts included.

Text files carry no pages, except where the extractor that made them wrote form feeds
between pages; those are honoured. Everything else (letter-split rotated cells, HTML
list fragments, footers inside table rows) is left for the extractors to cope with.
"""

from __future__ import annotations

from pathlib import Path

from fhs_nlp.datamodel.document import PAGE_BREAK, Document
from fhs_nlp.errors import CorruptDocumentError, EmptyDocumentError
from fhs_nlp.ingest.document import build_document


def read_text(path: Path, doc_id: str) -> Document:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:  # pragma: no cover - cp1252 maps almost all bytes
            raise CorruptDocumentError(
                "is neither UTF-8 nor Windows-1252 text; save it as UTF-8 and try again", path
            ) from exc
    if "\x00" in text:
        raise CorruptDocumentError(
            "contains NUL bytes, so it is not a text file; check that it has the right "
            "extension",
            path,
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise EmptyDocumentError("is empty: there is no text to extract", path)
    pages = text.split(PAGE_BREAK)
    return build_document(
        doc_id,
        path,
        "text",
        pages,
        data,
        has_page_numbers=len(pages) > 1,
        separator=PAGE_BREAK,
    )
