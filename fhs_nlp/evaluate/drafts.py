"""The gold mini-drafts as the files users send: Markdown rendered to PDF and DOCX.

The drafts of the alignment gold set are committed as Markdown
(``eval/gold/alignment/drafts/*.md``) so they stay reviewable; the document-level
evaluation reads them the way a user's draft is read, as a PDF through
:func:`fhs_nlp.ingest.read_document`. :func:`render_drafts` turns each ``.md`` into a
``.pdf`` (:func:`fhs_nlp.synthetic.documents.render_text_pdf`) and a ``.docx``
(:func:`fhs_nlp.synthetic.documents.render_docx`: headings, paragraphs, bullets, tables) in a cache
folder keyed by the Markdown's content hash, so unchanged drafts are rendered once.
Where the PDF cannot be made (reportlab, a development dependency, is missing) the
Markdown itself is read instead and the reason is kept.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fhs_nlp.fileio import atomic_write_with

Block = tuple[str, Any]

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")


def strip_inline(text: str) -> str:
    """Remove Markdown emphasis (``**bold**``, ``*italic*``, ``_x_``) and code ticks."""
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"(?<!\w)\*(.+?)\*(?!\w)", r"\1", text)
    text = re.sub(r"(?<!\w)_(.+?)_(?!\w)", r"\1", text)
    return text.replace("`", "").strip()


def markdown_blocks(markdown: str) -> list[Block]:
    """Parse the small Markdown the drafts use into ``render_docx`` blocks.

    Headings (``#``…), paragraphs (consecutive lines joined), ``-`` bullets (a wrapped
    bullet continues on the next indented line) and pipe tables.
    """
    blocks: list[Block] = []
    para: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        if para:
            blocks.append(("paragraph", strip_inline(" ".join(para))))
            para.clear()
        if table:
            blocks.append(("table", [list(r) for r in table]))
            table.clear()

    for raw in markdown.splitlines():
        line = raw.rstrip()
        if not line.strip():
            flush()
            continue
        if line.lstrip().startswith("|"):
            if para:
                flush()
            if not _TABLE_RULE.match(line.strip()):
                table.append([strip_inline(c) for c in line.strip().strip("|").split("|")])
            continue
        if table:
            flush()
        heading = _HEADING.match(line)
        if heading:
            flush()
            blocks.append(("heading", (strip_inline(heading.group(2)), len(heading.group(1)))))
            continue
        bullet = _BULLET.match(line)
        if bullet:
            flush()
            blocks.append(("bullet", strip_inline(bullet.group(1))))
            continue
        if blocks and blocks[-1][0] == "bullet" and raw.startswith((" ", "\t")) and not para:
            blocks[-1] = ("bullet", f"{blocks[-1][1]} {strip_inline(line)}")
            continue
        para.append(line.strip())
    flush()
    return blocks


def blocks_to_paragraphs(blocks: list[Block]) -> tuple[str | None, list[str]]:
    """The title (first level-1 heading) and the prose paragraphs for a PDF."""
    title: str | None = None
    paragraphs: list[str] = []
    for kind, content in blocks:
        if kind == "heading":
            text, level = content
            if level == 1 and title is None:
                title = text
            else:
                paragraphs.append(text)
        elif kind == "bullet":
            paragraphs.append(f"• {content}")
        elif kind == "table":
            paragraphs.extend(" | ".join(c for c in row if c) for row in content)
        elif kind == "paragraph":
            paragraphs.append(content)
    return title, paragraphs


@dataclass(frozen=True)
class RenderedDraft:
    """One draft: its Markdown source and the files made from it."""

    source: Path
    pdf: Path | None
    docx: Path | None
    #: Why a file could not be made, or None.
    problem: str | None = None

    @property
    def readable(self) -> Path:
        """The file the evaluation reads: the PDF, else the DOCX, else the Markdown."""
        return self.pdf or self.docx or self.source


#: Bump when the rendering changes, so cached files are made again.
RENDER_VERSION = "1"


def render_draft(source: Path, out_dir: Path) -> RenderedDraft:
    """Render one Markdown draft to ``<out_dir>/<hash>/<stem>.pdf`` and ``.docx``."""
    from fhs_nlp.synthetic.documents import render_docx, render_text_pdf

    markdown = source.read_text(encoding="utf-8")
    digest = hashlib.sha256(f"{RENDER_VERSION}\x00{markdown}".encode()).hexdigest()[:16]
    folder = Path(out_dir) / digest
    pdf, docx = folder / f"{source.stem}.pdf", folder / f"{source.stem}.docx"
    blocks = markdown_blocks(markdown)
    problems: list[str] = []
    if not docx.exists():
        try:
            _render_atomically(docx, lambda p: render_docx(p, blocks))
        except Exception as exc:  # python-docx failures of any kind: fall back, say why
            problems.append(f"DOCX not rendered ({exc.__class__.__name__}: {exc})")
    if not pdf.exists():
        title, paragraphs = blocks_to_paragraphs(blocks)
        try:
            _render_atomically(
                pdf, lambda p: render_text_pdf(p, paragraphs, title=title)
            )
        except ImportError as exc:
            problems.append(f"PDF not rendered: {exc.name or exc} is not installed "
                            "(pip install reportlab)")
        except Exception as exc:  # reportlab failures of any kind: fall back, say why
            problems.append(f"PDF not rendered ({exc.__class__.__name__}: {exc})")
    return RenderedDraft(
        source=source,
        pdf=pdf if pdf.exists() else None,
        docx=docx if docx.exists() else None,
        problem="; ".join(problems) or None,
    )


def _render_atomically(target: Path, render: Any) -> None:
    """Render to a temporary name, then rename: a cache never holds half a file."""
    atomic_write_with(target, render)


def render_drafts(sources: list[Path], out_dir: Path) -> list[RenderedDraft]:
    """Render every draft (see :func:`render_draft`), in the order given."""
    return [render_draft(Path(s), out_dir) for s in sources]
