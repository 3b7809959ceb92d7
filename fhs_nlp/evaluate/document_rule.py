"""From passage probabilities to a whole draft: which areas and viljeriktningar it covers.

A draft covers an area when enough of its paragraphs are confidently about it; the
threshold and the count are a :class:`DocumentRule`, tuned on the dev drafts only
(``evaluate.fit_documents``), and scored as gap F1: how well the areas a draft does
*not* cover are found, which is what a reviewer acts on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from fhs_nlp.evaluate.gold import (
    AREA_SLUGS,
    VILJERIKTNING_IDS,
    GoldDraft,
)

DocumentPrediction = dict[str, set[str]]


_BULLET = re.compile(r"^\s*(?:[•▪–\-*]|\d+[.)])\s+")


def paragraphs(text: str, min_words: int = 6) -> list[str]:
    """Split a read document into paragraphs for passage-level prediction.

    Works on PDF text (wrapped lines, no blank lines between paragraphs) and on Word or
    Markdown text (one paragraph per line): a paragraph ends at a blank line, before a
    bullet, or after a line clearly shorter than the document's full line width. Pieces
    shorter than ``min_words`` words (headings, short bullets) are put in front of the
    next piece, so a heading travels with the text it introduces.
    """
    lines = [line.strip() for line in text.splitlines()]
    widths = [len(line) for line in lines if line]
    full = float(np.percentile(widths, 90)) if widths else 0.0
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            blocks.append(" ".join(current))
            current.clear()

    for line in lines:
        if not line:
            flush()
            continue
        if _BULLET.match(line):
            flush()
        current.append(line)
        if len(line) < 0.75 * full:
            flush()
    flush()
    merged: list[str] = []
    carry = ""
    for block in blocks:
        block = f"{carry} {block}".strip() if carry else block
        if len(block.split()) < min_words:
            carry = block
        else:
            merged.append(block)
            carry = ""
    if carry:
        if merged:
            merged[-1] = f"{merged[-1]} {carry}"
        else:
            merged.append(carry)
    return merged


@dataclass(frozen=True)
class DocumentRule:
    """When a draft counts as covering an area, from its paragraphs' probabilities.

    An area is covered when at least ``min_paragraphs`` paragraphs give it a probability
    of at least ``min_proba``. Each such paragraph covers the area's viljeriktning it
    scores highest (where the predictor scores viljeriktningar; else all of the area's).
    """

    min_proba: float = 0.5
    min_paragraphs: int = 1

    GRID_PROBA = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
    GRID_PARAGRAPHS = (1, 2, 3)


def document_from_passages(predictor: Any, text: str,
                           rule: DocumentRule | None = None) -> DocumentPrediction:
    """The default ``predict_document``: see :class:`DocumentRule`."""
    rule = rule or DocumentRule()
    chunks = paragraphs(text)
    if not chunks:
        return {"covered": set(), "viljeriktningar_covered": set()}
    probs = np.asarray(predictor.predict_proba(chunks))
    vr_scores = None
    if hasattr(predictor, "viljeriktning_scores"):
        vr_scores = np.asarray(predictor.viljeriktning_scores(chunks))
    return apply_rule(probs, vr_scores, rule)


def apply_rule(probs: np.ndarray, vr_scores: np.ndarray | None,
                rule: DocumentRule) -> DocumentPrediction:
    covered: set[str] = set()
    vr_covered: set[str] = set()
    for a, slug in enumerate(AREA_SLUGS):
        hits = np.flatnonzero(probs[:, a] >= rule.min_proba)
        if len(hits) < rule.min_paragraphs:
            continue
        covered.add(slug)
        own = [i for i, vid in enumerate(VILJERIKTNING_IDS) if vid.startswith(slug + "/")]
        if vr_scores is None:
            vr_covered.update(VILJERIKTNING_IDS[i] for i in own)
            continue
        for h in hits:
            best = own[int(np.argmax(vr_scores[h, own]))]
            vr_covered.add(VILJERIKTNING_IDS[best])
    return {"covered": covered, "viljeriktningar_covered": vr_covered}


def gap_f1(predicted: Sequence[DocumentPrediction], drafts: Sequence[GoldDraft]) -> float:
    """Pooled F1 of area-gap detection (weak counts as covered): the tuning objective."""
    tp = n_pred = n_gold = 0
    for pred, draft in zip(predicted, drafts, strict=True):
        pred_gaps = set(AREA_SLUGS) - set(pred["covered"])
        tp += len(pred_gaps & draft.gaps)
        n_pred += len(pred_gaps)
        n_gold += len(draft.gaps)
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0
