"""PDF files: text per page in reading order, tables as cells, page furniture set aside.

pdfplumber gives characters with positions; this module builds the text from them
itself rather than calling ``extract_text``, because three things in the strategy
documents need more than plain extraction:

* **Rotated cells.** The area and year cells of Tabell 1 are rotated 90°; read naively
  they come out one letter per line. Characters that are not upright are grouped by
  their direction (from the character matrix: reading bottom-to-top for text rotated
  counter-clockwise, top-to-bottom for clockwise), into lines across the reading
  direction, and joined into words again.
* **Tables.** Ruled tables are found with pdfplumber's ``find_tables`` (lines strategy;
  the text strategy only for tables ruled with horizontal lines alone). Each cell's text
  is built from the characters inside it and stored in :attr:`Page.tables`; in the page
  text the table is written row by row, cell by cell, one blank line between cells and
  between rows, so that no table text is duplicated and none is lost.
* **Page furniture.** Running headers and footers (lines that repeat in the top or bottom
  margin of many pages once digits are ignored), page numbers ("10 (16)", "Sida 3 av
  16", "3") and continuation captions ("Fortsättning Tabell 1. …") above a table are
  removed from the text and kept in :attr:`Page.furniture`.

Reading speed: a page of plain running text (no graphics, no rotated text) gets its
characters from pdfium (:mod:`.pdf_plain`), three C calls per character, instead of
pdfminer's interpreter; every other page, and a page that may carry a borderless
milestone table, is read through pdfplumber.

Bad files raise an :class:`~fhs_nlp.errors.InputError` saying what is wrong and what to
do: not a PDF or damaged, password-protected, scanned without a text layer, or empty.
"""

from __future__ import annotations

import statistics
import unicodedata
from pathlib import Path
from typing import Any

from fhs_nlp.datamodel.document import Document, Table, TableCell
from fhs_nlp.errors import (
    CorruptDocumentError,
    EmptyDocumentError,
    EncryptedDocumentError,
    NoTextLayerError,
)
from fhs_nlp.ingest.document import build_document
from fhs_nlp.ingest.pdf_furniture import find_furniture, page_text
from fhs_nlp.ingest.pdf_lines import Char, RawPage, line_gaps, rotated_lines, upright_lines
from fhs_nlp.ingest.pdf_plain import open_document
from fhs_nlp.ingest.pdf_tables import (
    FoundTable,
    borderless_tables,
    cell_lines,
    cell_paragraphs,
    cell_text,
    center_in,
    covered_from_above,
    find_tables,
)

# --- pages -------------------------------------------------------------------------------


def _may_repeat(chars: list[Char], tolerance: float) -> list[bool]:
    """Per character: does another with the same text lie in its cell of the
    ``tolerance`` grid or a neighbouring one? Only those can be duplicates (or make one),
    and in running text there are few; numpy finds them without a loop per character."""
    import numpy as np

    n = len(chars)
    texts = np.array([c.get("text") or "" for c in chars])
    tid = np.unique(texts, return_inverse=True)[1].astype(np.int64)
    gx = np.floor_divide(np.fromiter((c["x0"] for c in chars), dtype=float, count=n),
                         tolerance).astype(np.int64)
    gy = np.floor_divide(np.fromiter((c["top"] for c in chars), dtype=float, count=n),
                         tolerance).astype(np.int64)
    gx -= gx.min() - 1  # a free row and column on every side: neighbours stay in range
    gy -= gy.min() - 1
    width, height = int(gx.max()) + 2, int(gy.max()) + 2
    uniq, where, counts = np.unique((tid * width + gx) * height + gy, return_inverse=True,
                                    return_counts=True)
    near_any = counts > 1
    last = len(uniq) - 1
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            if dx or dy:  # (np.isin would build a table as large as the code range)
                near = uniq + dx * height + dy
                near_any |= uniq[np.minimum(np.searchsorted(uniq, near), last)] == near
    hit = near_any[where]
    return hit.tolist()


def _dedupe(chars: list[Char], tolerance: float = 1.0) -> list[Char]:
    """Drop characters drawn twice at (almost) the same place, as fake-bold text is.

    Does what pdfplumber's ``dedupe_chars`` does, in linear time: that one sorts and
    clusters per glyph and was most of the reading time on table pages. Characters with
    no same-text neighbour (:func:`_may_repeat`) are kept without the search.
    """
    kept: list[Char] = []
    if not chars:
        return kept
    seen: dict[tuple[str, bool, int, int], list[Char]] = {}
    for char, may_repeat in zip(chars, _may_repeat(chars, tolerance), strict=True):
        text = char.get("text") or ""
        if not text:
            continue
        if not may_repeat:
            kept.append(char)
            continue
        gx, gy = int(char["x0"] // tolerance), int(char["top"] // tolerance)
        upright = bool(char.get("upright", True))
        duplicate = False
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for other in seen.get((text, upright, gx + dx, gy + dy), ()):
                    if (
                        abs(other["x0"] - char["x0"]) <= tolerance
                        and abs(other["top"] - char["top"]) <= tolerance
                        and other.get("fontname") == char.get("fontname")
                        and other.get("size") == char.get("size")
                    ):
                        duplicate = True
        if not duplicate:
            seen.setdefault((text, upright, gx, gy), []).append(char)
            kept.append(char)
    return kept


def _running_text_chars(page: Any) -> tuple[list[Char], int] | None:
    """The characters of a page without ruling lines, straight from pdfminer's layout.

    pdfplumber's ``page.chars`` turns every layout object of the page into a dict of some
    twenty resolved attributes; on a page of running text that conversion is most of the
    reading time. A page whose only graphics are horizontal lines, fewer than three of
    them wider than 30 % of the page (a rule under the running header), can hold no
    table :func:`find_tables` would find: the lines strategy needs vertical edges to
    make cells, the horizontal-rules one three wide rules. So its characters are all it
    needs: they are built here from the same pdfminer ``LTChar`` objects with the fields
    this module reads, computed as pdfplumber computes them. Returns None for any other
    page: it is read through pdfplumber's objects and its table finder, as before.
    """
    from pdfminer.layout import LTChar, LTContainer, LTCurve, LTImage, LTLine

    height = page.height
    mb_x0, mb_top = page.mediabox[:2]
    norm = page.pdf.unicode_norm
    chars: list[Char] = []
    n_images = 0
    wide_rules = 0
    stack = [iter(page.layout._objs)]
    while stack:
        obj = next(stack[-1], None)
        if obj is None:
            stack.pop()
        elif isinstance(obj, LTChar):
            text = obj.get_text()
            fontname = obj.fontname
            if isinstance(fontname, bytes):  # pragma: no cover - rare byte-encoded names
                return None
            chars.append({
                "text": unicodedata.normalize(norm, text) if norm is not None else text,
                "x0": obj.x0 + mb_x0, "x1": obj.x1 + mb_x0,
                "top": (height - obj.y1) + mb_top, "bottom": (height - obj.y0) + mb_top,
                "size": obj.size, "fontname": fontname, "upright": obj.upright,
                "matrix": obj.matrix,
            })
        elif isinstance(obj, LTLine) and obj.y0 == obj.y1:
            wide_rules += obj.x1 - obj.x0 > 0.3 * page.width
            if wide_rules >= 3:
                return None
        elif isinstance(obj, LTCurve):  # rectangles, vertical lines, curves
            return None
        elif isinstance(obj, LTImage):
            n_images += 1
        elif isinstance(obj, LTContainer):
            stack.append(iter(obj._objs))
    return chars, n_images


def _plain_chars(page: Any, plain: Any) -> tuple[list[Char], int] | None:
    """The page's characters from pdfium where :mod:`.pdf_plain` vouches for the page;
    None sends it the old way, which also reports what is wrong with a damaged page."""
    if plain is None:
        return None
    reader, index = plain
    try:
        return reader.page_chars(index, page)
    except Exception:  # pdfium could not read it: pdfplumber will, or will say why
        return None


def _page_objects(
    page: Any, state: dict[str, Any] | None = None, plain: Any = None
) -> tuple[list[Char], int, list[FoundTable]]:
    """The library calls for one page; anything they raise means a damaged file.

    ``plain`` is the file opened with pdfium and the page's index: a page without
    graphics is read from it unless a borderless milestone table may be on it (a
    "Milstolpe" header, or one running on from the page before), whose finder reads
    pdfplumber's words.
    """
    got = _plain_chars(page, plain)
    if got is not None and (state or {}).get("borderless") is None:
        chars = _dedupe(got[0])
        text = "".join(c["text"] for c in chars if not c["text"].isspace()).lower()
        if "milstol" not in text:
            if state is not None:  # no table runs on to the next page
                state.pop("borderless", None)
            return chars, got[1], []
    fast = _running_text_chars(page)
    if fast is not None:  # no ruled table possible; a borderless one still is
        chars = _dedupe(fast[0])
        return chars, fast[1], borderless_tables(page, chars, state)
    chars = _dedupe(page.chars)
    return chars, len(page.images), find_tables(page, chars, state) if chars else []


def _read_page(number: int, page: Any, path: Path, state: dict[str, Any] | None = None,
               plain: Any = None) -> RawPage:
    try:
        chars, n_images, found = _page_objects(page, state, plain)
    except Exception as exc:  # pdfminer raises many unrelated types on damaged streams
        raise CorruptDocumentError(
            f"is corrupt: page {number} cannot be read ({type(exc).__name__}: {exc}); "
            "open it in a PDF viewer and save or print it to a new PDF, then try again",
            path,
        ) from exc
    visible = [c for c in chars if not (c.get("text") or "").isspace()]
    outside: list[Char] = [] if found else list(chars)
    for char in chars if found else ():
        for table in found:
            if center_in(char, table.bbox):
                for r, row in enumerate(table.cells):
                    hit = next(
                        (k for k, cell in enumerate(row) if cell and center_in(char, cell)), None
                    )
                    if hit is not None:
                        table.chars_by_cell.setdefault((r, hit), []).append(char)
                        break
                else:
                    outside.append(char)
                break
        else:
            outside.append(char)
    upright = [c for c in outside if c.get("upright", True)]
    rotated = [c for c in outside if not c.get("upright", True)]
    lines = upright_lines(upright, split_gap=4.0) + rotated_lines(rotated)
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    lines_by_cell = {
        (t, key): cell_lines(cell_chars)
        for t, table in enumerate(found)
        for key, cell_chars in table.chars_by_cell.items()
    }
    gaps = line_gaps(lines)
    for cl, is_rotated in lines_by_cell.values():
        if not is_rotated:
            gaps += line_gaps(cl)
    # the spacing of lines inside a paragraph: the lower quartile, since in a page of
    # one- and two-line paragraphs the median is already the gap between paragraphs
    positive = sorted(g for g in gaps if g > 0)
    if len(positive) >= 4:
        normal_gap = statistics.quantiles(positive, n=4)[0]
    else:
        normal_gap = positive[0] if positive else 0.0
    tables: list[Table] = []
    for t, table in enumerate(found):
        rows: list[list[TableCell]] = []
        for r, row in enumerate(table.cells):
            cells = []
            for k, bbox in enumerate(row):
                cl, is_rotated = lines_by_cell.get((t, (r, k)), ([], False))
                text = cell_text(cl, is_rotated, normal_gap)
                heading = 0
                while heading < len(cl) and cl[heading].bold and not is_rotated:
                    heading += 1
                cells.append(TableCell(text, bbox, is_rotated, bold_lines=heading,
                                       spanned=bbox is None and covered_from_above(table, r, k),
                                       paragraphs=cell_paragraphs(cl, is_rotated, normal_gap)))
            rows.append(cells)
        tables.append(Table(number, rows, table.bbox))
    return RawPage(
        number,
        float(page.width),
        float(page.height),
        lines,
        tables,
        [t.bbox[1] for t in found],
        len(visible),
        n_images,
        normal_gap,
    )


# --- opening the file --------------------------------------------------------------------


def _check_encryption(path: Path, data: bytes) -> None:
    """Refuse files that need a password; files with only an owner password are fine."""
    if b"/Encrypt" not in data:
        return
    import pypdf

    try:
        reader = pypdf.PdfReader(path)
        if not reader.is_encrypted:
            return
        if reader.decrypt("") != pypdf.PasswordType.NOT_DECRYPTED:
            return
    except Exception:  # pypdf cannot judge it (e.g. unsupported cipher): let pdfminer try
        return
    raise EncryptedDocumentError(
        "is password-protected; remove the password (or export an unprotected copy) and try again",
        path,
    )


def _open_error(exc: Exception, path: Path, data: bytes) -> Exception:
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    causes = [exc, *exc.args, exc.__cause__, exc.__context__]
    if any(isinstance(c, PDFPasswordIncorrect) for c in causes):
        return EncryptedDocumentError(
            "is password-protected; remove the password (or export an unprotected copy) "
            "and try again",
            path,
        )
    if b"%%EOF" not in data[-2048:]:
        return CorruptDocumentError(
            "is truncated or corrupt: the PDF ends before its end-of-file marker (an "
            "interrupted download or copy?); download or export it again",
            path,
        )
    return CorruptDocumentError(
        f"is corrupt and cannot be opened as a PDF ({type(exc).__name__}); open it in a PDF "
        "viewer and save or print it to a new PDF, then try again",
        path,
    )


def read_pdf(path: Path, doc_id: str, *, plain_pages: bool = True) -> Document:
    """Read a PDF into a :class:`Document`: page texts, tables, furniture, landscape flags.

    With ``plain_pages`` (the default) pages without graphics are read through pdfium
    (:mod:`.pdf_plain`), about twice as fast on prose and to the same Document; False reads every
    page through pdfplumber (the reference the tests and benchmarks compare against).

    Raises :class:`CorruptDocumentError`, :class:`EncryptedDocumentError`,
    :class:`NoTextLayerError` or :class:`EmptyDocumentError` for files that cannot be used.
    """
    import pdfplumber

    path = Path(path)
    data = path.read_bytes()
    if b"%PDF-" not in data[:1024]:
        what = "an empty file" if not data.strip() else "a file that does not start with %PDF"
        raise CorruptDocumentError(
            f"is not a PDF ({what}); check that it is the right file and that its "
            "extension matches its type",
            path,
        )
    _check_encryption(path, data)
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:
        raise _open_error(exc, path, data) from exc
    raw: list[RawPage] = []
    with pdf:
        try:
            pages = list(pdf.pages)
        except Exception as exc:
            raise _open_error(exc, path, data) from exc
        if not pages:
            raise CorruptDocumentError(
                "has no readable pages (the file is probably truncated or corrupt); "
                "download or export it again",
                path,
            )
        state: dict[str, Any] = {}  # what one page's tables tell the next
        fast = open_document(data) if plain_pages and len(pages) else None
        try:
            if fast is not None and len(fast) != len(pages):
                fast.close()
                fast = None  # the two libraries disagree on the pages: trust neither fast
            for number, page in enumerate(pages, start=1):
                plain = (fast, number - 1) if fast is not None else None
                raw.append(_read_page(number, page, path, state, plain))
                page.close()  # frees the parsed layout: large files stay small in memory
        finally:
            if fast is not None:
                fast.close()
    if not any(p.n_chars for p in raw):
        if any(p.n_images for p in raw):
            raise NoTextLayerError(
                "has no text layer: its pages are images (a scan); run OCR on it first, "
                "e.g. `ocrmypdf in.pdf out.pdf`, and read the result",
                path,
            )
        raise EmptyDocumentError("contains no text: every page is blank", path)
    drops = find_furniture(raw)
    texts = [page_text(p, d) for p, d in zip(raw, drops, strict=True)]
    furniture = [[p.lines[i].text for i in sorted(d)] for p, d in zip(raw, drops, strict=True)]
    document = build_document(
        doc_id,
        path,
        "pdf",
        texts,
        data,
        tables=[p.tables for p in raw],
        furniture=furniture,
        landscape=[p.width > p.height for p in raw],
    )
    scanned = [p.number for p in raw if not p.n_chars and p.n_images]
    if scanned:
        document.warnings.append(
            "pages " + ", ".join(map(str, scanned)) + " are images without a text layer; "
            "their text is missing (run OCR, e.g. `ocrmypdf`, to include it)"
        )
    if b"%%EOF" not in data[-2048:]:
        document.warnings.append(
            "the file has no end-of-file marker and may be truncated; some text may be missing"
        )
    return document
