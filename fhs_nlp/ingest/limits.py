"""Limits on one document, so that no input can make a command run away.

Every path a document takes (``align``, ``extract``, ``diff``, ``batch``) reads it
through :func:`fhs_nlp.ingest.read_document`, which applies a :class:`Limits`:

* **pages** (E801, ``--max-pages``): a PDF's page count is taken from its page tree
  before a single page is laid out, so a 1,500-page file is refused in a second; text
  without pages counts :data:`WORDS_PER_PAGE` words a page.
* **characters** (E807, ``--max-chars``): the extracted text of the whole document.
* **DOCX parts** (E808, ``--max-docx-mb``): a .docx is a zip of XML parts; the size each
  part unpacks to is read from the zip directory *before* anything is parsed (a 700 KB
  file can hold 200 MB of XML). The zip reader stops at the declared size, so a directory
  that lies makes the part fail its checksum instead of growing. Parts that declare a
  DTD or entities are refused (E809): Word never writes them, and entity expansion is
  how XML bombs work. python-docx's own parser is set to resolve no entities, load no
  DTD, use no network and refuse huge text nodes.
* **time** (E802, ``--timeout``): :func:`time_limit` stops a command working on one
  document after so many seconds (``batch`` kills the worker instead).

The defaults are far above what a real plan needs: the 2023–2026 implementation plan
has 49 pages and 120,000 characters; a 300-page plan passes every limit with room.
"""

from __future__ import annotations

import math
import signal
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fhs_nlp.errors import (
    CorruptDocumentError,
    DocumentTimeoutError,
    DocumentTooLargeError,
    DocxPartTooLargeError,
    TooMuchTextError,
    UnsafeXmlError,
)
from fhs_nlp.settings import DEFAULT_MAX_CHARS, DEFAULT_MAX_DOCX_MB, DEFAULT_MAX_PAGES

#: Text without real pages (plain text, Word without page breaks) counts this many
#: words as one page.
WORDS_PER_PAGE = 500
#: XML parts of a .docx package (the only parts that are parsed).
_XML_SUFFIXES = (".xml", ".rels")
_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")


@dataclass(frozen=True)
class Limits:
    """The limits a document must keep; one object for every command."""

    max_pages: int = DEFAULT_MAX_PAGES
    max_chars: int = DEFAULT_MAX_CHARS
    max_docx_mb: float = DEFAULT_MAX_DOCX_MB
    timeout: float = 900.0

    def __post_init__(self) -> None:
        if self.max_pages < 1:
            raise ValueError(f"max_pages must be at least 1, got {self.max_pages}")
        if self.max_chars < 1:
            raise ValueError(f"max_chars must be at least 1, got {self.max_chars}")
        if not self.max_docx_mb > 0:
            raise ValueError(f"max_docx_mb must be positive, got {self.max_docx_mb}")
        if not self.timeout > 0:
            raise ValueError(f"timeout must be a positive number of seconds, got {self.timeout}")

    @property
    def max_docx_bytes(self) -> int:
        return int(self.max_docx_mb * 1024 * 1024)


DEFAULT_LIMITS = Limits()


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def too_many_pages(pages: int, limits: Limits, path: Path | str | None = None, *,
                   estimated: bool = False) -> DocumentTooLargeError:
    what = f"about {pages} pages ({WORDS_PER_PAGE} words a page)" if estimated else \
        f"{pages} pages"
    return DocumentTooLargeError(
        f"has {what}, more than the limit of {limits.max_pages}; split it, or raise "
        "--max-pages", path)


def pdf_page_count(path: Path) -> int | None:
    """Page count from the PDF's page tree, without reading the pages; None if unknown."""
    import logging

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # the reader reports damage itself
    try:
        from pypdf import PdfReader

        return len(PdfReader(str(path)).pages)
    except Exception:  # damaged or encrypted: the reader will say what is wrong
        return None


def check_pdf(path: Path, limits: Limits) -> None:
    pages = pdf_page_count(path)
    if pages is not None and pages > limits.max_pages:
        raise too_many_pages(pages, limits, path)


def check_docx(path: Path, limits: Limits) -> None:
    """Refuse a .docx whose XML parts unpack too large or declare a DTD, before parsing.

    A file that is not a zip is left for the reader, which says what it is instead.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return
    with archive:
        parts = [i for i in archive.infolist() if i.filename.lower().endswith(_XML_SUFFIXES)]
        for info in parts:
            if info.file_size > limits.max_docx_bytes:
                raise DocxPartTooLargeError(
                    f"its part {info.filename} unpacks to {_mb(info.file_size)} "
                    f"({_mb(info.compress_size)} packed), more than the limit of "
                    f"{limits.max_docx_mb:g} MB per part; a Word document of a few hundred "
                    "pages needs a few MB. Open it in Word and save it again, or raise "
                    "--max-docx-mb", path)
        total = sum(i.file_size for i in parts)
        if total > 4 * limits.max_docx_bytes:
            raise DocxPartTooLargeError(
                f"its XML parts unpack to {_mb(total)} together, more than the limit of "
                f"{4 * limits.max_docx_mb:g} MB (4 × --max-docx-mb); raise --max-docx-mb",
                path)
        for info in parts:
            _refuse_dtd(archive, info, path)


def _refuse_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> None:
    """Stream one part (bounded by its checked size) and refuse DTDs and entities."""
    tail = b""
    try:
        with archive.open(info) as handle:
            while block := handle.read(1 << 20):
                window = tail + block
                if any(marker in window for marker in _DTD_MARKERS):
                    raise UnsafeXmlError(
                        f"its part {info.filename} declares a DTD or entities, which Word "
                        "never writes (and which XML entity-expansion attacks use); it is "
                        "not parsed. Open the file in Word and save it as .docx again", path)
                tail = block[-16:]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise CorruptDocumentError(
            f"is corrupt: its part {info.filename} cannot be unpacked ({exc}); open it in "
            "Word and save as .docx again", path) from exc


def check_text_file(path: Path, limits: Limits) -> None:
    """A text file with more bytes than four times ``max_chars`` cannot fit: refuse it
    unread (UTF-8 needs at most four bytes a character)."""
    size = path.stat().st_size
    if size > 4 * limits.max_chars:
        raise TooMuchTextError(
            f"is a text file of {_mb(size)}, more than the limit of {limits.max_chars:,} "
            "characters can take; split it, or raise --max-chars", path)


def check_document(doc: Any, limits: Limits) -> None:
    """Pages and characters of a read :class:`~fhs_nlp.datamodel.document.Document`."""
    if doc.has_page_numbers and len(doc.pages) > limits.max_pages:
        raise too_many_pages(len(doc.pages), limits, doc.source_path)
    if len(doc.text) > limits.max_chars:
        raise TooMuchTextError(
            f"has {len(doc.text):,} characters of text, more than the limit of "
            f"{limits.max_chars:,}; split it, or raise --max-chars", doc.source_path)
    if not doc.has_page_numbers:
        estimate = math.ceil(len(doc.text.split()) / WORDS_PER_PAGE)
        if estimate > limits.max_pages:
            raise too_many_pages(estimate, limits, doc.source_path, estimated=True)


def harden_docx_parser() -> None:
    """Make python-docx parse with entities unresolved, no DTD, no network, no huge
    text nodes (its parser already resolves no entities; the rest is said here)."""
    from docx.oxml import parser
    from lxml import etree

    global _HARDENED
    if _HARDENED:
        return
    hardened = etree.XMLParser(remove_blank_text=True, resolve_entities=False,
                               load_dtd=False, dtd_validation=False, no_network=True,
                               huge_tree=False)
    hardened.set_element_class_lookup(parser.element_class_lookup)
    parser.oxml_parser = hardened  # parse_xml reads the module's parser at each call
    _HARDENED = True


_HARDENED = False


class _Expired(BaseException):
    """The alarm, raised where the code happens to be: a BaseException, so that the
    readers' ``except Exception`` (which turn library errors into "corrupt file")
    cannot mistake it for a problem of the file."""


@contextmanager
def time_limit(seconds: float, path: Path | str | None = None) -> Iterator[None]:
    """Raise :class:`DocumentTimeoutError` in this thread after ``seconds``.

    A real-time timer (SIGALRM) on the main thread of a POSIX process: Python code is
    interrupted between bytecodes, native code (PDF layout, the embedder) when it
    returns. Elsewhere (Windows, other threads) there is no limit.
    """
    usable = (hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def expired(signum: int, frame: Any) -> None:
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired:
        raise DocumentTimeoutError(
            f"took longer than the time limit of {seconds:g} s and was stopped; raise "
            "--timeout to give it more time", path) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        # a handler set outside Python reads as None: put the default back then
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
