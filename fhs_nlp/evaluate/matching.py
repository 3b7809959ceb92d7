"""One-to-one matching of predicted and gold items by similarity (Hungarian assignment).

Texts are compared after whitespace normalisation only (runs of spaces, tabs and line
breaks become one space; the ends are stripped): case, punctuation and spelling count.
Similarity is rapidfuzz's normalised Indel similarity, ``fuzz.ratio``, from 0 to 100.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np
from rapidfuzz import fuzz
from scipy.optimize import linear_sum_assignment

G = TypeVar("G")
P = TypeVar("P")

#: Near-exact: normalised similarity of at least this much.
NEAR_EXACT = 90.0


def normalise_ws(text: str | None) -> str | None:
    return None if text is None else " ".join(str(text).split())


def similarity(a: str | None, b: str | None) -> float:
    """0-100 similarity of two texts after whitespace normalisation (None = empty)."""
    return float(fuzz.ratio(normalise_ws(a) or "", normalise_ws(b) or ""))


def assign(
    gold: Sequence[G],
    predicted: Sequence[P],
    score: Callable[[G, P], float],
    min_score: float,
) -> list[tuple[int, int, float]]:
    """Pairs ``(gold index, predicted index, score)`` maximising the summed score.

    Each item is used at most once; pairs scoring below ``min_score`` are dropped
    (both items then count as unmatched). A pair's score may carry a tiny tie-breaker
    (e.g. line distance), so equal texts in different places pair up by position.
    """
    if not gold or not predicted:
        return []
    scores = np.array([[score(g, p) for p in predicted] for g in gold], dtype=float)
    rows, cols = linear_sum_assignment(scores, maximize=True)
    return [(int(r), int(c), float(scores[r, c])) for r, c in zip(rows, cols, strict=True)
            if scores[r, c] >= min_score]
