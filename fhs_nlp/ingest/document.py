"""Join the page texts a reader found into one :class:`~fhs_nlp.datamodel.document.Document`.

Every reader (PDF, DOCX, plain text) ends here, so page offsets are counted in one place
and the document text is joined the same way whatever the format. The document model
itself lives in :mod:`fhs_nlp.datamodel.document`: every later stage reads it.
"""

from __future__ import annotations

from pathlib import Path

from fhs_nlp.datamodel.document import PAGE_SEPARATOR, Document, Page, Table
from fhs_nlp.hashing import content_hash


def build_document(
    doc_id: str,
    source_path: Path,
    source_format: str,
    page_texts: list[str],
    data: bytes,
    *,
    tables: list[list[Table]] | None = None,
    furniture: list[list[str]] | None = None,
    landscape: list[bool] | None = None,
    has_page_numbers: bool = True,
    separator: str = PAGE_SEPARATOR,
) -> Document:
    """Join page texts into one :class:`Document` with page offsets.

    Text files pass ``separator=PAGE_BREAK`` so that the document text stays identical
    to the file and line numbers match what an editor shows.
    """
    pages: list[Page] = []
    parts: list[str] = []
    offset = 0
    for i, page_text in enumerate(page_texts):
        if i:
            parts.append(separator)
            offset += len(separator)
        pages.append(
            Page(
                number=i + 1,
                char_start=offset,
                text=page_text,
                tables=tables[i] if tables else [],
                furniture=furniture[i] if furniture else [],
                landscape=landscape[i] if landscape else False,
            )
        )
        parts.append(page_text)
        offset += len(page_text)
    return Document(
        doc_id=doc_id,
        source_path=source_path,
        source_format=source_format,
        text="".join(parts),
        pages=pages,
        content_hash=content_hash(data),
        has_page_numbers=has_page_numbers,
    )
