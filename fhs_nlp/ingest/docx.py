"""Word files (.docx): headings, paragraphs, list items and tables in document order.

The body is walked element by element (python-docx's ``paragraphs`` and ``tables``
lists would lose where each table stands). Headings become lines of their own, list
items are prefixed "- ", and tables are written row by row, cell by cell, one blank line
between cells and between rows, exactly as the PDF reader writes them; the cells are
also kept in :attr:`Page.tables`.

A .docx has no pages of its own. Where Word recorded page breaks (an explicit
``<w:br w:type="page"/>``, a paragraph that starts a page, or the
``<w:lastRenderedPageBreak/>`` Word writes where it last laid out a page) the text is
split there and page numbers are reported; otherwise the document is one page and
provenance gives lines only. The running header and footer are kept in
:attr:`Page.furniture`, never in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fhs_nlp.datamodel.document import Document, Table, TableCell
from fhs_nlp.errors import CorruptDocumentError, EmptyDocumentError, EncryptedDocumentError
from fhs_nlp.ingest.document import build_document

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_PAGE_BREAK = "\f"

_HEADING_PREFIXES = ("heading", "title", "subtitle", "rubrik", "underrubrik")
_LIST_PREFIXES = ("list", "liststycke", "punktlista", "numrerad lista")


@dataclass
class _Block:
    kind: str  # "heading" | "paragraph" | "bullet" | "table"
    text: str
    table: Table | None = None


@dataclass
class _Page:
    blocks: list[_Block] = field(default_factory=list)

    def has_content(self) -> bool:
        return any(b.text.strip() for b in self.blocks)


def _not_docx_reason(data: bytes) -> str:
    """Say what a file that is not a .docx seems to be, for the error message."""
    if data.startswith(b"%PDF"):
        return "it is a PDF file (rename it to .pdf, or convert it)"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "it is an old Word 97-2003 (.doc) file or another Office binary file"
    if data.startswith(b"{\\rtf"):
        return "it is an RTF file"
    if not data.strip():
        return "the file is empty"
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return "its content is not a Word package (not a zip file)"
    return "it is plain text with a .docx extension"


def _style_name(paragraph: Any) -> str:
    try:
        style = paragraph.style
    except Exception:  # a style id the styles part does not define
        return ""
    return (style.name or "").lower() if style is not None else ""


def _outline_level(p: Any) -> int | None:
    p_pr = p.find(f"{_W}pPr")
    level = p_pr.find(f"{_W}outlineLvl") if p_pr is not None else None
    if level is None:
        return None
    try:
        return int(level.get(f"{_W}val"))
    except (TypeError, ValueError):
        return None


def _paragraph_kind(paragraph: Any) -> str:
    p = paragraph._p
    name = _style_name(paragraph)
    level = _outline_level(p)
    if name.startswith(_HEADING_PREFIXES) or (level is not None and level < 9):
        return "heading"
    p_pr = p.find(f"{_W}pPr")
    if (p_pr is not None and p_pr.find(f"{_W}numPr") is not None) or name.startswith(
        _LIST_PREFIXES
    ):
        return "bullet"
    return "paragraph"


def _paragraph_text(p: Any, *, breaks: bool) -> str:
    """The paragraph's text; page breaks as form feeds when ``breaks`` is set."""
    parts: list[str] = []
    p_pr = p.find(f"{_W}pPr")
    if breaks and p_pr is not None:
        before = p_pr.find(f"{_W}pageBreakBefore")
        if before is not None and before.get(f"{_W}val", "true") not in ("0", "false"):
            parts.append(_PAGE_BREAK)
    # a text box is stored twice (mc:Choice and the mc:Fallback for old readers)
    fallback = {el for fb in p.iter(f"{_MC}Fallback") for el in fb.iter()}
    for el in p.iter(
        f"{_W}t",
        f"{_W}tab",
        f"{_W}br",
        f"{_W}cr",
        f"{_W}lastRenderedPageBreak",
        f"{_W}noBreakHyphen",
    ):
        if fallback and el in fallback:
            continue
        tag = el.tag[len(_W) :]
        if tag == "t":
            parts.append(el.text or "")
        elif tag == "tab":
            parts.append(" ")
        elif tag == "noBreakHyphen":
            parts.append("-")
        elif tag == "br" and el.get(f"{_W}type") == "page" or tag == "lastRenderedPageBreak":
            parts.append(_PAGE_BREAK if breaks else "")
        elif tag in ("br", "cr"):
            parts.append("\n")
    text = re.sub(r"[^\S\n\f]+", " ", "".join(parts))  # spaces, tabs, no-break spaces
    return "\n".join(line.strip(" ") for line in text.split("\n")).strip("\n ")


def _blocks_text(blocks: list[_Block], *, cell: bool = False) -> str:
    """Blocks joined: list items one per line, other blocks apart by a blank line.

    Inside a table cell every paragraph is one line, so that a blank line always means
    "next cell".
    """
    parts: list[str] = []
    previous: _Block | None = None
    for block in blocks:
        if not block.text.strip():
            continue
        if previous is not None:
            together = cell or (previous.kind == "bullet" and block.kind == "bullet")
            parts.append("\n" if together else "\n\n")
        # a table nested in a cell is flattened to lines, keeping blank lines for cells
        parts.append(block.text.replace("\n\n", "\n") if cell else block.text)
        previous = block
    return "".join(parts)


def _run_bold(run: Any) -> bool:
    r_pr = run.find(f"{_W}rPr")
    b = r_pr.find(f"{_W}b") if r_pr is not None else None
    return b is not None and b.get(f"{_W}val", "true") not in ("0", "false")


def _bold_lines(tc: Any) -> int:
    """How many of a cell's first lines are bold (direct run formatting): its title."""
    lines = 0
    for p in tc.iterchildren(f"{_W}p"):
        runs = [r for r in p.iter(f"{_W}r") if "".join(t.text or "" for t in r.iter(f"{_W}t"))]
        if not runs:
            continue
        if not all(_run_bold(r) for r in runs):
            break
        lines += 1 + sum(1 for r in runs for br in r.iter(f"{_W}br")
                         if br.get(f"{_W}type") in (None, "textWrapping"))
    return lines


def _linearise(rows: list[list[TableCell]]) -> str:
    out = []
    for row in rows:
        texts = [c.text for c in row if c.text.strip()]
        if texts:
            out.append("\n\n".join(texts))
    return "\n\n".join(out)


class _Reader:
    """Walks the body of one document into pages of blocks."""

    def __init__(self, document: Any) -> None:
        from docx.table import _Cell
        from docx.text.paragraph import Paragraph

        self._document = document
        self._paragraph_cls = Paragraph
        self._cell_cls = _Cell
        self.pages: list[_Page] = [_Page()]

    def _new_page(self) -> None:
        # Word writes a lastRenderedPageBreak right after an explicit break: a page
        # without content yet is not ended again
        if self.pages[-1].has_content():
            self.pages.append(_Page())

    def _paragraph_block(self, p: Any, parent: Any, *, breaks: bool) -> list[str | _Block]:
        """The paragraph as a block, with page-break markers where it is split."""
        paragraph = self._paragraph_cls(p, parent)
        kind = _paragraph_kind(paragraph)
        text = _paragraph_text(p, breaks=breaks)
        out: list[str | _Block] = []
        for i, piece in enumerate(text.split(_PAGE_BREAK)):
            if i:
                out.append(_PAGE_BREAK)
            piece = piece.strip()
            if piece:
                out.append(_Block(kind, "- " + piece if kind == "bullet" else piece))
        return out

    def _table(self, tbl: Any, parent: Any) -> Table:
        """A table, grid-aligned: a merged cell is followed by empty cells for the grid
        columns it spans, a vertically merged cell is empty below its first row."""
        rows: list[list[TableCell]] = []
        for tr in tbl.iterchildren(f"{_W}tr"):
            cells: list[TableCell] = []
            for tc in tr.iterchildren(f"{_W}tc"):
                tc_pr = tc.find(f"{_W}tcPr")
                span, continued = 1, False
                if tc_pr is not None:
                    grid_span = tc_pr.find(f"{_W}gridSpan")
                    if grid_span is not None:
                        try:
                            span = max(1, int(grid_span.get(f"{_W}val", "1")))
                        except ValueError:
                            span = 1
                    v_merge = tc_pr.find(f"{_W}vMerge")
                    continued = v_merge is not None and v_merge.get(f"{_W}val") != "restart"
                text = ""
                paragraphs: tuple[str, ...] = ()
                if not continued:
                    cell = self._cell_cls(tc, parent)
                    blocks = [
                        b for b in self._walk(tc, cell, breaks=False) if isinstance(b, _Block)
                    ]
                    text = _blocks_text(blocks, cell=True)
                    paragraphs = tuple(b.text for b in blocks if b.text.strip())
                cells.append(TableCell(text, spanned=continued, paragraphs=paragraphs,
                                       bold_lines=0 if continued else _bold_lines(tc)))
                cells.extend(TableCell("") for _ in range(span - 1))
            rows.append(cells)
        return Table(0, rows)  # the page is set once pages are known

    def _walk(self, container: Any, parent: Any, *, breaks: bool) -> list[str | _Block]:
        """Blocks of a body, cell or content control, in order, with page-break markers
        (only when ``breaks``: a table is not split across pages)."""
        out: list[str | _Block] = []
        for child in container.iterchildren():
            tag = child.tag
            if tag == f"{_W}p":
                out += self._paragraph_block(child, parent, breaks=breaks)
            elif tag == f"{_W}tbl":
                table = self._table(child, parent)
                out.append(_Block("table", _linearise(table.rows), table))
            elif tag == f"{_W}sdt":
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    out += self._walk(content, parent, breaks=breaks)
        return out

    def read_body(self) -> None:
        for item in self._walk(self._document.element.body, self._document, breaks=True):
            if isinstance(item, _Block):
                self.pages[-1].blocks.append(item)
            else:
                self._new_page()


def _furniture_lines(document: Any) -> list[str]:
    """Text of the running headers and footers, each line once."""
    lines: list[str] = []
    for section in document.sections:
        for part in (section.header, section.footer):
            try:
                if part.is_linked_to_previous:
                    continue
                paragraphs = part.paragraphs
            except Exception:  # a damaged header part must not stop the body being read
                continue
            for paragraph in paragraphs:
                text = " ".join(paragraph.text.split())
                if text and text not in lines:
                    lines.append(text)
    return lines


def _landscape(document: Any) -> bool:
    """True when every section is laid out landscape (pages are not mapped to sections)."""
    try:
        sections = list(document.sections)
        return bool(sections) and all(
            s.page_width is not None and s.page_height is not None and s.page_width > s.page_height
            for s in sections
        )
    except Exception:  # odd section properties must not stop the text being read
        return False


def read_docx(path: Path, doc_id: str) -> Document:
    """Read a .docx into a :class:`Document`.

    Raises :class:`CorruptDocumentError` for files that are not Word documents,
    :class:`EncryptedDocumentError` for password-protected ones and
    :class:`EmptyDocumentError` when there is no text.
    """
    import zipfile

    import docx

    path = Path(path)
    data = path.read_bytes()
    if data.startswith(b"\xd0\xcf\x11\xe0") and "EncryptedPackage".encode("utf-16-le") in data:
        raise EncryptedDocumentError(
            "is password-protected; remove the password (or export an unprotected copy) "
            "and try again",
            path,
        )
    if not data.startswith(b"PK\x03\x04"):
        raise CorruptDocumentError(
            f"is not a Word document (.docx): {_not_docx_reason(data)}; open it in Word and "
            "save as .docx",
            path,
        )
    try:
        document = docx.Document(str(path))
    except zipfile.BadZipFile as exc:
        raise CorruptDocumentError(
            "is corrupt: the .docx package cannot be unpacked (a truncated copy?); open it "
            "in Word and save as .docx again",
            path,
        ) from exc
    except Exception as exc:  # python-docx: PackageNotFoundError, KeyError, ValueError ...
        raise CorruptDocumentError(
            "is not a Word document (.docx): it is a zip package without a Word document "
            f"in it ({type(exc).__name__}); open it in Word and save as .docx",
            path,
        ) from exc
    reader = _Reader(document)
    reader.read_body()
    pages = [p for p in reader.pages if p.has_content()]
    if not pages:
        raise EmptyDocumentError("contains no text: the document body is empty", path)
    furniture = _furniture_lines(document)
    tables: list[list[Table]] = []
    for number, page in enumerate(pages, start=1):
        page_tables = [b.table for b in page.blocks if b.table is not None]
        for table in page_tables:
            table.page = number
        tables.append(page_tables)
    return build_document(
        doc_id,
        path,
        "docx",
        [_blocks_text(p.blocks) for p in pages],
        data,
        tables=tables,
        furniture=[list(furniture) for _ in pages],
        landscape=[_landscape(document)] * len(pages),
        has_page_numbers=len(pages) > 1,
    )
