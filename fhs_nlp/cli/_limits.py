"""The limit options every command that reads documents shares (see fhs_nlp.ingest.limits)."""

from __future__ import annotations

from typing import Annotated

import typer

from fhs_nlp.ingest.limits import DEFAULT_LIMITS, Limits

MaxPages = Annotated[int, typer.Option(
    "--max-pages", min=1, help="Refuse a document with more pages (E801); text without "
    "pages counts 500 words a page")]
MaxChars = Annotated[int, typer.Option(
    "--max-chars", min=1, help="Refuse a document with more characters of text (E807)")]
MaxDocxMb = Annotated[float, typer.Option(
    "--max-docx-mb", min=0.001, help="Refuse a .docx with a part that unpacks to more "
    "megabytes (E808); checked before parsing")]
Timeout = Annotated[float, typer.Option(
    "--timeout", min=0.001, help="Seconds allowed for reading and processing one "
    "document; over it, the command stops with E802 (model loading does not count)")]

DEFAULT_MAX_PAGES = DEFAULT_LIMITS.max_pages
DEFAULT_MAX_CHARS = DEFAULT_LIMITS.max_chars
DEFAULT_MAX_DOCX_MB = DEFAULT_LIMITS.max_docx_mb
DEFAULT_TIMEOUT = DEFAULT_LIMITS.timeout


def limits(max_pages: int, max_chars: int, max_docx_mb: float, timeout: float) -> Limits:
    return Limits(max_pages=max_pages, max_chars=max_chars, max_docx_mb=max_docx_mb,
                  timeout=timeout)
