"""PDF page furniture: running headers and footers, page numbers and continuation
captions, found across pages and kept out of the running text (in :attr:`Page.furniture`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

from fhs_nlp.datamodel.document import Table
from fhs_nlp.ingest.pdf_lines import Line, RawPage, paragraph_break
from fhs_nlp.ingest.pdf_tables import linearise

#: Share of the page height that counts as top / bottom margin for headers and footers.
MARGIN_SHARE = 0.10

_PAGE_NUMBER_RES = (
    re.compile(r"^\d{1,4}$"),
    re.compile(r"^\d{1,4}\s*\(\s*\d{1,4}\s*\)$"),  # 10 (16)
    re.compile(r"^\d{1,4}\s*(/|av|of)\s*\d{1,4}$", re.IGNORECASE),  # 3/16, 3 av 16
    re.compile(r"^(sida|page|sid\.|s\.)\s*\d{1,4}(\s*(av|of|/|\()\s*\d{1,4}\)?)?$", re.I),
    re.compile(r"^[-–—]\s*\d{1,4}\s*[-–—]$"),  # - 3 -
)

_CONTINUED_CAPTION_RE = re.compile(r"^(fortsättning|forts\.?)\s+(av\s+)?tabell\s+\d+", re.I)

# --- furniture ---------------------------------------------------------------------------


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", text)).strip().lower()


def _is_page_number(text: str) -> bool:
    return any(rx.match(text.strip()) for rx in _PAGE_NUMBER_RES)


def _blocks(page: RawPage) -> list[list[int]]:
    """Paragraphs of the lines outside tables, as lists of line indexes."""
    blocks: list[list[int]] = []
    for i, line in enumerate(page.lines):
        if (
            i
            and not paragraph_break(page.lines[i - 1], line, page.normal_gap)
            and not any(page.lines[i - 1].bottom <= top <= line.top for top in page.table_tops)
        ):
            blocks[-1].append(i)
        else:
            blocks.append([i])
    return blocks


def _margins(page: RawPage) -> tuple[float, float]:
    """Where the top margin ends and the bottom margin starts.

    The top margin reaches down to a table that starts high on the page, so that a
    caption repeated above the table counts as a running header.
    """
    top_limit = page.height * MARGIN_SHARE
    if page.table_tops and min(page.table_tops) < page.height * 0.3:
        top_limit = max(top_limit, min(page.table_tops))
    return top_limit + 1, page.height * (1 - MARGIN_SHARE)


def _margin_blocks(page: RawPage) -> list[tuple[str, list[int]]]:
    """Paragraphs that lie wholly in the top or bottom margin: where headers and footers
    are. A paragraph of body text that merely starts or ends there is not one of them."""
    top_limit, bottom_limit = _margins(page)
    out = []
    for block in _blocks(page):
        lines = [page.lines[i] for i in block]
        if all(ln.bottom <= top_limit for ln in lines):
            out.append(("top", block))
        elif all(ln.top >= bottom_limit for ln in lines):
            out.append(("bottom", block))
    return out


def find_furniture(pages: list[RawPage]) -> list[set[int]]:
    """Per page, the indexes of lines that are headers, footers or page numbers.

    In a paragraph wholly inside the top or bottom margin, a line is furniture if it is a
    page number, or if it recurs (digits ignored) in the margins of at least 30 % of the
    pages (and two) - unless it continues a paragraph whose first line is content. A
    paragraph in the top margin that starts "Fortsättning Tabell N" is furniture whole.
    Page numbers standing alone anywhere in the margins are furniture too.
    """
    margin_blocks = [_margin_blocks(p) for p in pages]
    seen: Counter[str] = Counter()
    for page, blocks in zip(pages, margin_blocks, strict=True):
        seen.update({_normalise(page.lines[i].text) for _, block in blocks for i in block})
    threshold = max(2, math.ceil(0.3 * len(pages)))
    result: list[set[int]] = []
    for page, blocks in zip(pages, margin_blocks, strict=True):
        drop: set[int] = set()
        top_limit, bottom_limit = _margins(page)
        for i, line in enumerate(page.lines):
            if (line.bottom <= top_limit or line.top >= bottom_limit) and _is_page_number(
                line.text
            ):
                drop.add(i)
        for zone, block in blocks:
            first = page.lines[block[0]].text
            if zone == "top" and _CONTINUED_CAPTION_RE.match(first):
                drop.update(block)
                continue
            content_started = False
            for i in block:
                text = page.lines[i].text
                if _is_page_number(text) or (
                    seen[_normalise(text)] >= threshold and not content_started
                ):
                    drop.add(i)
                elif i == block[0]:
                    content_started = True
        result.append(drop)
    return result


def page_text(page: RawPage, drop: set[int]) -> str:
    """Lines outside tables and the linearised tables, top to bottom."""
    items: list[tuple[float, int, Any]] = []
    for i, line in enumerate(page.lines):
        if i not in drop:
            items.append((line.top, 0, line))
    for top, table in zip(page.table_tops, page.tables, strict=True):
        items.append((top, 1, table))
    items.sort(key=lambda item: (item[0], item[1]))
    parts: list[str] = []
    previous: Any = None
    for _, _, item in items:
        if isinstance(item, Table):
            text = linearise(item)
            if not text:
                continue
            sep = "\n\n"
        else:
            text = item.text
            if not isinstance(previous, Line):
                sep = "\n\n"
            elif not item.rotated and not previous.rotated and item.top < previous.bottom:
                sep = " "  # the next piece of a line cut at a wide gap (a tab stop)
            elif paragraph_break(previous, item, page.normal_gap):
                sep = "\n\n"
            else:
                sep = "\n"
        if parts:
            parts.append(sep)
        parts.append(text)
        previous = item
    return "".join(parts)
