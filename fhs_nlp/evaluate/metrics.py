"""Metric functions on plain data: counts, labels, probabilities. No I/O, no models.

Conventions: a ratio with a zero denominator is 0.0 (precision with no predictions,
recall with no gold items), the way scikit-learn's ``zero_division=0`` reports it; F1 is
0.0 when precision and recall are both 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 from true positives and the two totals."""

    tp: int
    n_pred: int
    n_gold: int

    @property
    def precision(self) -> float:
        return self.tp / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {**asdict(self), "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


def prf_from_sets(predicted: set[str] | frozenset[str], gold: set[str] | frozenset[str]) -> PRF:
    return PRF(len(set(predicted) & set(gold)), len(predicted), len(gold))


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold) if gold else 0.0


def per_label_prf(gold: Sequence[str], predicted: Sequence[str],
                  labels: Sequence[str]) -> dict[str, PRF]:
    """One-vs-rest counts per label."""
    out = {}
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, predicted, strict=True))
        out[label] = PRF(tp, sum(p == label for p in predicted), sum(g == label for g in gold))
    return out


def macro_f1(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> float:
    """Unweighted mean of the per-label F1 over ``labels`` (absent labels count as 0)."""
    scores = per_label_prf(gold, predicted, labels)
    return float(np.mean([s.f1 for s in scores.values()])) if labels else 0.0


def confusion_matrix(gold: Sequence[str], predicted: Sequence[str],
                     labels: Sequence[str]) -> list[list[int]]:
    """Rows = gold label, columns = predicted label, in ``labels`` order."""
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, predicted, strict=True):
        matrix[index[g]][index[p]] += 1
    return matrix


def expected_calibration_error(confidence: Sequence[float] | np.ndarray,
                               correct: Sequence[bool] | np.ndarray,
                               n_bins: int = 10) -> float:
    """ECE of the top-label confidence: sum over equal-width bins of
    ``n_bin / n * |accuracy_bin - mean confidence_bin|``.

    Bins are ``[0, 0.1], (0.1, 0.2], …, (0.9, 1.0]`` for 10 bins (a confidence of exactly
    0.2 falls in the second bin).
    """
    conf = np.asarray(confidence, dtype=float)
    hit = np.asarray(correct, dtype=float)
    if conf.size == 0:
        return 0.0
    bins = np.clip(np.ceil(conf * n_bins).astype(int) - 1, 0, n_bins - 1)
    total = 0.0
    for b in range(n_bins):
        mask = bins == b
        if mask.any():
            total += mask.sum() / conf.size * abs(hit[mask].mean() - conf[mask].mean())
    return float(total)


def reliability_bins(confidence: np.ndarray, correct: np.ndarray,
                     n_bins: int = 10) -> list[dict[str, object]]:
    """Per-bin counts, mean confidence and accuracy (the table behind the ECE)."""
    conf = np.asarray(confidence, dtype=float)
    hit = np.asarray(correct, dtype=float)
    bins = np.clip(np.ceil(conf * n_bins).astype(int) - 1, 0, n_bins - 1)
    rows = []
    for b in range(n_bins):
        mask = bins == b
        n = int(mask.sum())
        rows.append({
            "bin": f"({b / n_bins:.1f}, {(b + 1) / n_bins:.1f}]",
            "n": n,
            "confidence": round(float(conf[mask].mean()), 4) if n else 0.0,
            "accuracy": round(float(hit[mask].mean()), 4) if n else 0.0,
        })
    return rows


def mean(values: Sequence[float]) -> float:
    return float(np.mean(values)) if len(values) else 0.0
