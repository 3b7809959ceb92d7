"""Characters of plain text pages from pdfium, without pdfminer's per-character objects.

pdfminer interprets a page's content stream in Python and builds an ``LTChar`` per glyph;
on a 30-page draft of running text that is ~100k objects and most of the reading time.
pdfium (through pypdfium2, which pdfplumber itself depends on) parses the page in C, and
its text page gives each character's unicode, origin and text object (font, size,
matrix) for three C calls per character.

Only pages pdfium can vouch for are read here; :func:`plain_page_chars` returns None for
every other page, and the PDF reader then reads it through pdfplumber as before. A page
is plain when

* it has no path, shading or form objects (rules and boxes make tables; forms may hide
  anything), is not rotated, its media box is its crop box at the origin and its size is
  pdfplumber's;
* every text object is upright and unrotated with the same scale in x and y, filled
  (render mode 0, no invisible OCR layer), lies on the page, and has characters in the
  text page (pdfium drops text objects it takes for fake-bold copies: pdfminer keeps
  both and the reader dedupes them, so those pages go the old way); every character of
  an object is on the object's baseline (no rise, no vertical writing);
* every character maps to unicode without error, is not a control character or a
  surrogate, and has one advance width in its font; pdfium's mark for a hyphen that
  ends a line (it stands for "-" or U+00AD) is read as "-" only where no font of the
  page maps a glyph to U+00AD;
* pdfminer can read its fonts and no two of them share a base name.

The fields are those the line builder (:mod:`fhs_nlp.ingest.pdf_lines`) reads, built as
pdfminer builds them: x0 the origin, x1 the origin plus the advance width from the PDF's
own widths (pdfminer's font, :func:`page_fonts`), top/bottom from the baseline, the
descriptor's descent and the size (font size times the text matrix' scale), fontname
pdfminer's (with the subset prefix pdfium strips). A ligature glyph pdfium splits into
"f", "f" at one origin is one character "ff" again, as in pdfminer. pdfium places glyphs
by integer widths in thousandths of an em, so x0 drifts from pdfminer's by up to ~1 pt at
the end of a long line, while gaps between neighbours agree within ~0.02 pt and tops and
bottoms within 0.01 pt; ``tests/test_pdf_plain.py`` holds characters, documents,
passages and records of both readers equal on the corpus, the layout sweep and real
pages rendered by reportlab and LibreOffice.
"""

from __future__ import annotations

import ctypes
import re
import threading
import warnings
from collections.abc import Callable
from typing import Any

from fhs_nlp.ingest.pdf_lines import Char

_FILL = 0  # FPDF_TEXTRENDERMODE_FILL
_TEXT, _IMAGE = 1, 3  # FPDF_PAGEOBJ_TEXT, FPDF_PAGEOBJ_IMAGE
#: what pdfium's text page puts for "-" or U+00AD after a letter at the end of a line
#: (0x02 from FPDFText_GetUnicode, U+FFFE in FPDFText_GetText)
_HYPHEN_MARKS = (0x02, 0xFFFE)
_NOT_TEXT = (0xFFFE, 0xFFFF)
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
        self.origin = fn("FPDFText_GetCharOrigin", ctypes.c_int)
        self.is_hyphen = fn("FPDFText_IsHyphen", ctypes.c_int)


_LIB: _Lib | None = None
_LIB_ERROR: str | None = None


def _lib() -> _Lib:
    """The functions above, or an error (and one warning per process) where this
    pypdfium2 no longer has them: ``pypdfium2_raw.bindings`` is not a public API, so a
    new release may move it. Every page then goes the old way, correct but slower, and
    the user is told why and what to install."""
    global _LIB, _LIB_ERROR
    if _LIB is None:
        if _LIB_ERROR is not None:
            raise RuntimeError(_LIB_ERROR)
        try:
            _LIB = _Lib()
        except (ImportError, KeyError, AttributeError, OSError) as exc:
            from importlib.metadata import version

            _LIB_ERROR = (
                f"the fast PDF text path is off: pypdfium2 {version('pypdfium2')} does not "
                f"offer the pdfium functions it calls ({type(exc).__name__}: {exc}); every "
                "page is read by pdfplumber instead, with the same result, about twice as "
                "slowly. Install the supported version: pip install 'pypdfium2>=5,<6'")
            warnings.warn(_LIB_ERROR, RuntimeWarning, stacklevel=2)
            raise RuntimeError(_LIB_ERROR) from exc
    return _LIB


#: pdfium is not thread-safe and the web app reads drafts in a thread pool: every call
#: into it from this module holds this lock (reading the characters of a page is short)
_PDFIUM_LOCK = threading.RLock()


class PlainReader:
    """A PDF's bytes opened with pdfium, for :func:`plain_page_chars` page by page."""

    def __init__(self, data: bytes) -> None:
        import pypdfium2

        with _PDFIUM_LOCK:
            self._doc: Any = pypdfium2.PdfDocument(data)

    def __len__(self) -> int:
        return len(self._doc)

    def page_chars(self, index: int, plumber_page: Any) -> tuple[list[Char], int] | None:
        """:func:`plain_page_chars` of page ``index`` (0-based), sized and with the fonts
        of pdfplumber's page; None where the page is not plain."""
        width, height = float(plumber_page.width), float(plumber_page.height)
        with _PDFIUM_LOCK:
            page = self._doc[index]
            try:
                return plain_page_chars(page, width, height, lambda: page_fonts(plumber_page))
            finally:
                page.close()

    def close(self) -> None:
        with _PDFIUM_LOCK:
            self._doc.close()


def open_document(data: bytes) -> PlainReader | None:
    """The file's bytes opened with pdfium, or None where pdfium cannot open it (then every
    page is read the old way, and pdfplumber reports what is wrong with the file)."""
    try:
        return PlainReader(data)
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


def _font_info(obj: Any, fonts: dict[str, FontInfo],
               names: dict[int, str]) -> tuple[str, float, float, bool, Any] | None:
    """(pdfminer's font name, descent per point, size in points, has ligatures) of one
    text object."""
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
    if key not in names:
        buffer = ctypes.create_string_buffer(512)
        n = raw.FPDFFont_GetBaseFontName(font, buffer, len(buffer))
        if n <= 0 or n > len(buffer):
            return None
        names[key] = buffer.value.decode("utf-8", "replace")
    found = fonts.get(names[key])
    if found is None:
        return None  # pdfium and pdfminer do not name the font alike
    return found[0], found[1], float(size.value) * float(matrix.d), found[3], found[4]


#: per base font name: pdfminer's font name, descent per point, could it draw U+00AD,
#: has it ligature glyphs, advance width per point of each text it draws (None: two
#: glyphs draw the same text with different widths)
FontInfo = tuple[str, float, bool, bool, dict[str, float | None]]


def _advances(font: Any, values: Any) -> dict[str, float | None]:
    widths: dict[str, float | None] = {}
    for cid, text in values:
        width = float(font.char_width(cid))
        if widths.get(text, width) != width:
            widths[text] = None
        else:
            widths[text] = width
    return widths


def _pdfminer_fonts(plumber_page: Any) -> list[Any]:
    from pdfminer.pdftypes import resolve1

    resources = resolve1(plumber_page.page_obj.resources) or {}
    fonts = resolve1(resources.get("Font")) or {}
    manager = plumber_page.pdf.rsrcmgr  # parses each font once per document
    return [manager.get_font(getattr(ref, "objid", None), resolve1(ref)) for ref in fonts.values()]


def page_fonts(plumber_page: Any) -> dict[str, FontInfo] | None:
    """The page's fonts as pdfminer reads them, by base name without the subset prefix:
    (pdfminer's font name, its descent per point, could it draw a soft hyphen U+00AD,
    does a glyph stand for several characters: a ligature).

    pdfium keeps no subset prefix and takes the descent from the font program, where
    pdfminer takes the font descriptor's; the characters get pdfminer's name and descent,
    so their boxes and the reader's bold and dedupe tests come out as through pdfplumber.
    None where a font cannot be read or two fonts share a base name.
    """
    try:
        fonts: dict[str, FontInfo] = {}
        for font in _pdfminer_fonts(plumber_page):
            name = font.fontname
            if not isinstance(name, str):
                return None
            base = name.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", name) else name
            unicode_map = getattr(font, "unicode_map", None)
            if unicode_map is not None:
                pairs: Any = list(unicode_map.cid2unichr.items())
            else:
                pairs = list((getattr(font, "cid2unicode", None) or {}).items())
            values = [text for _, text in pairs]
            soft = not values or any("\xad" in v for v in values)  # no map: it might
            multi = any(len(v) > 1 for v in values)  # a ligature glyph read as "ff", "fi"
            entry = (name, float(font.get_descent()), soft, multi, _advances(font, pairs))
            if fonts.get(base, entry) != entry:
                return None  # two fonts, one base name
            fonts[base] = entry
        return fonts
    except Exception:  # a font pdfminer cannot read: the old path will say what is wrong
        return None


def plain_page_chars(
    page: Any, width: float, height: float,
    fonts: dict[str, FontInfo] | None | Callable[[], dict[str, FontInfo] | None],
) -> tuple[list[Char], int] | None:
    """The characters of a plain page (see the module docstring) and its number of
    images, or None: the page is then read through pdfplumber.

    ``fonts`` are the page's fonts as pdfminer reads them (:func:`page_fonts`), or a
    function giving them, called only once the page's objects pass (a page with tables
    costs no font reading here): names and descents come from there; a page whose fonts
    pdfminer could not read is refused.
    """
    hyphen: str | None = None
    if not _page_box_ok(page, width, height):
        return None
    found = _objects(page, width, height)
    if found is None:
        return None
    objects, n_images = found
    if callable(fonts):
        fonts = fonts()
    if fonts is None:
        return None
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
        ox, oy = ctypes.c_double(), ctypes.c_double()
        pox, poy = ctypes.pointer(ox), ctypes.pointer(oy)
        is_generated, map_error = lib.is_generated, lib.map_error
        text_object, origin = lib.text_object, lib.origin
        names: dict[int, str] = {}  # pdfium's font handles: base names
        # per text object: font name, size, top, bottom, baseline, has ligatures, advances
        info: dict[int, tuple[str, float, float, float, float, bool, Any]] = {}
        last: tuple[int | None, float] = (None, 0.0)  # the last character's object and x
        chars: list[Char] = []
        for i, ch in enumerate(text):
            code = ord(ch)
            if code in _HYPHEN_MARKS and lib.is_hyphen(tp, i):
                if hyphen is None:
                    hyphen = "" if any(entry[2] for entry in fonts.values()) else "-"
                if not hyphen:
                    return None  # "-" or a soft hyphen: pdfium no longer says which
                ch, code = hyphen, 0x2D
            if code <= 0x20:
                if is_generated(tp, i):
                    continue  # pdfium's own spaces and line breaks
                if code < 0x20:
                    return None  # control characters
            if 0xD800 <= code <= 0xDFFF or code in _NOT_TEXT or map_error(tp, i):
                return None
            address = text_object(tp, i)
            if not origin(tp, i, pox, poy):
                return None
            x = ox.value
            got = info.get(address)
            if got is None:
                if address not in objects:
                    return None
                font = _font_info(objects[address], fonts, names)
                if font is None or font[2] <= 0:
                    return None
                name, descent, size, ligatures, advances = font
                y0 = oy.value + descent * size  # pdfminer's box: baseline + descent
                got = info[address] = (name, size, height - (y0 + size), height - y0,
                                       oy.value, ligatures, advances)
            elif abs(oy.value - got[4]) > 1e-3:
                return None  # a rise or vertical writing inside one object
            if got[5] and address == last[0] and x == last[1]:
                # pdfium splits a ligature glyph into its characters, each at the
                # glyph's origin; pdfminer keeps one character with the text "ff"
                ch = chars[-1]["text"] + ch
                advance = got[6].get(ch)
                if advance is None:
                    return None
                chars[-1]["text"], chars[-1]["x1"] = ch, x + advance * got[1]
                continue
            advance = got[6].get(ch)
            if advance is None:
                return None  # no width for it in the font (or two): cannot place its end
            last = (address, x)
            chars.append({
                "text": ch, "x0": x, "x1": x + advance * got[1], "top": got[2],
                "bottom": got[3], "size": got[1], "fontname": got[0], "upright": True,
            })
        used = info
        if len(used) != len(objects):
            return None  # a text object without characters: pdfium dropped or merged it
        return chars, n_images
    finally:
        textpage.close()
