"""Characters of plain text pages from pdfium, without pdfminer's per-character objects.

pdfminer interprets a page's content stream in Python and builds an ``LTChar`` per glyph;
on a 30-page draft of running text that is ~100k objects and most of the reading time.
pdfium (through pypdfium2, which pdfplumber itself depends on) parses the page in C, and
its text page gives each character's unicode, its loose box (origin to advance width),
its origin and its text object (font, size, matrix) for a few C calls per character.

Only pages pdfium can vouch for are read here; :func:`plain_page_chars` returns None for
every other page, and the PDF reader then reads it through pdfplumber as before. A page
is plain when

* it has no path, shading or form objects (rules and boxes make tables; forms may hide
  anything), is not rotated and its media box is its crop box at the origin;
* every text object is upright and unrotated with the same scale in x and y, filled
  (render mode 0, no invisible OCR layer), lies on the page, and has characters in the
  text page (pdfium drops text objects it takes for fake-bold copies: pdfminer keeps
  both and the reader dedupes them, so those pages go the old way);
* every character maps to unicode without error, is not a control character or a
  surrogate, and is not pdfium's marker for a hyphen at the end of a line (``\\x02``:
  pdfminer gives the glyph's own character);
* its characters' base fonts have distinct names (pdfium strips the subset prefix
  ``ABCDEF+`` pdfplumber keeps; the reader compares font names to dedupe glyphs drawn
  twice, so two subsets of one font must not merge).

The fields are those the line builder (:mod:`fhs_nlp.ingest.pdf_lines`) reads: text,
x0/x1 (the loose box: origin to advance width), top/bottom (the baseline, the font's
descent and size, as pdfminer builds its box), size (font size times the text matrix'
scale), fontname, upright. pdfium keeps glyph widths as integers in thousandths of an
em, so positions differ from pdfminer's by up to ~1 pt at the end of a long line, and
top/bottom by a few thousandths (an integer descent); gaps between neighbouring
characters, the heights of lines and the gaps between them, which the reader decides on,
agree to a few thousandths. ``tests/test_pdf_plain.py`` holds the documents and passages
of both readers equal on the corpus, the layout sweep and generated prose.
"""

from __future__ import annotations

import ctypes
from typing import Any

from fhs_nlp.ingest.pdf_lines import Char

_FILL = 0  # FPDF_TEXTRENDERMODE_FILL
_TEXT, _IMAGE = 1, 3  # FPDF_PAGEOBJ_TEXT, FPDF_PAGEOBJ_IMAGE
_HYPHEN_MARK = 0x02  # what pdfium's text page puts for a hyphen that ends a line
_BOX_TOLERANCE = 1.0  # points a text object may reach past the page edge


class _Lib:
    """pdfium's functions this module calls per character, declared with a plain return
    type (a text object as an address) and no argument types: ctypes then passes the
    arguments as they are, half the cost of a call through pypdfium2's declarations."""

    def __init__(self) -> None:
        import pypdfium2.raw as raw
        from pypdfium2_raw.bindings import _libs

        lib = _libs["pdfium"]

        def fn(name: str, restype: Any) -> Any:
            f = lib[name]  # a fresh function object: pypdfium2's own stay as they are
            f.restype = restype
            return f

        self.raw = raw
        self.is_generated = fn("FPDFText_IsGenerated", ctypes.c_int)
        self.map_error = fn("FPDFText_HasUnicodeMapError", ctypes.c_int)
        self.text_object = fn("FPDFText_GetTextObject", ctypes.c_void_p)
        self.loose_box = fn("FPDFText_GetLooseCharBox", ctypes.c_int)
        self.origin = fn("FPDFText_GetCharOrigin", ctypes.c_int)


_LIB: _Lib | None = None


def _lib() -> _Lib:
    global _LIB
    if _LIB is None:
        _LIB = _Lib()
    return _LIB


def open_document(data: bytes) -> Any | None:
    """The file's bytes opened with pdfium, or None where pdfium cannot open it (then every page
    is read the old way, and pdfplumber reports what is wrong with the file)."""
    try:
        import pypdfium2

        return pypdfium2.PdfDocument(data)
    except Exception:  # pdfium's own errors: not ours to report
        return None


def _page_box_ok(page: Any, width: float, height: float) -> bool:
    if page.get_rotation() != 0:
        return False
    media = tuple(page.get_mediabox())
    if tuple(page.get_cropbox()) != media or media[0] != 0 or media[1] != 0:
        return False
    return abs(media[2] - width) < 1e-3 and abs(media[3] - height) < 1e-3  # pdfium: floats


def _objects(page: Any, width: float, height: float) -> tuple[dict[int, Any], int] | None:
    """The page's text objects by address and its number of images; None where the page
    holds anything else or a text object the fast reader cannot vouch for."""
    raw = _lib().raw
    handle = page.raw
    texts: dict[int, Any] = {}
    n_images = 0
    matrix = raw.FS_MATRIX()
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for k in range(raw.FPDFPage_CountObjects(handle)):
        obj = raw.FPDFPage_GetObject(handle, k)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == _IMAGE:
            n_images += 1
            continue
        if kind != _TEXT:
            return None  # paths (rules, cell borders), shadings, forms, unknown
        if raw.FPDFTextObj_GetTextRenderMode(obj) != _FILL:
            return None
        if not raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix)):
            return None
        if matrix.b != 0 or matrix.c != 0 or matrix.a <= 0 or matrix.a != matrix.d:
            return None
        if not raw.FPDFPageObj_GetBounds(obj, ctypes.byref(left), ctypes.byref(bottom),
                                         ctypes.byref(right), ctypes.byref(top)):
            return None
        if (left.value < -_BOX_TOLERANCE or bottom.value < -_BOX_TOLERANCE
                or right.value > width + _BOX_TOLERANCE or top.value > height + _BOX_TOLERANCE):
            return None
        texts[ctypes.cast(obj, ctypes.c_void_p).value or 0] = obj
    return texts, n_images


def _font_info(obj: Any, fonts: dict[int, tuple[str, float]]) -> tuple[str, float, float] | None:
    """(base font name, descent per point, size in points) of one text object."""
    raw = _lib().raw
    size = ctypes.c_float()
    matrix = raw.FS_MATRIX()
    if not raw.FPDFTextObj_GetFontSize(obj, ctypes.byref(size)):
        return None
    if not raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix)):
        return None
    font = raw.FPDFTextObj_GetFont(obj)
    if not font:
        return None
    key = ctypes.cast(font, ctypes.c_void_p).value or 0
    if key not in fonts:
        buffer = ctypes.create_string_buffer(512)
        n = raw.FPDFFont_GetBaseFontName(font, buffer, len(buffer))
        descent = ctypes.c_float()
        if n <= 0 or n > len(buffer) or not raw.FPDFFont_GetDescent(
            font, ctypes.c_float(1.0), ctypes.byref(descent)
        ):
            return None
        name = buffer.value.decode("utf-8", "replace")
        if any(other == name for other, _ in fonts.values()):
            return None  # two fonts, one name without the subset prefix
        fonts[key] = (name, min(descent.value, -descent.value))  # pdfminer: descent <= 0
    name, descent = fonts[key]
    return name, descent, float(size.value) * float(matrix.d)


def plain_page_chars(page: Any, width: float, height: float) -> tuple[list[Char], int] | None:
    """The characters of a plain page (see the module docstring) and its number of
    images, or None: the page is then read through pdfplumber."""
    if not _page_box_ok(page, width, height):
        return None
    found = _objects(page, width, height)
    if found is None:
        return None
    objects, n_images = found
    lib = _lib()
    textpage = page.get_textpage()
    try:
        tp = ctypes.cast(textpage.raw, ctypes.c_void_p)
        n = lib.raw.FPDFText_CountChars(textpage.raw)
        if n < 0:
            return None
        text = textpage.get_text_range(0, n) if n else ""
        if len(text) != n:
            return None  # characters outside the BMP: indexes no longer line up
        rect = lib.raw.FS_RECTF()
        prect = ctypes.pointer(rect)
        ox, oy = ctypes.c_double(), ctypes.c_double()
        pox, poy = ctypes.pointer(ox), ctypes.pointer(oy)
        is_generated, map_error = lib.is_generated, lib.map_error
        text_object, loose_box, origin = lib.text_object, lib.loose_box, lib.origin
        fonts: dict[int, tuple[str, float]] = {}
        # per text object: font name, size, top, bottom, and its loose box's bottom
        # (baseline + descent: the same for every character on one baseline)
        info: dict[int, tuple[str, float, float, float, float]] = {}
        chars: list[Char] = []
        for i, ch in enumerate(text):
            code = ord(ch)
            if code == _HYPHEN_MARK:
                return None
            if code <= 0x20:
                if is_generated(tp, i):
                    continue  # pdfium's own spaces and line breaks
                if code < 0x20:
                    return None  # control characters
            if 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF) or map_error(tp, i):
                return None
            address = text_object(tp, i)
            if not loose_box(tp, i, prect):
                return None
            got = info.get(address)  # type: ignore[arg-type]
            if got is None:
                if address not in objects or not origin(tp, i, pox, poy):
                    return None
                font = _font_info(objects[address], fonts)
                if font is None or font[2] <= 0:
                    return None
                name, descent, size = font
                y0 = oy.value + descent * size  # pdfminer's box: baseline + descent
                got = info[address] = (name, size, height - (y0 + size), height - y0,
                                       rect.bottom)
            elif rect.bottom != got[4]:
                return None  # a rise or vertical writing inside one object
            chars.append({
                "text": ch, "x0": rect.left, "x1": rect.right, "top": got[2], "bottom": got[3],
                "size": got[1], "fontname": got[0], "upright": True,
            })
        used = info
        if len(used) != len(objects):
            return None  # a text object without characters: pdfium dropped or merged it
        return chars, n_images
    finally:
        textpage.close()
