"""Alignment evaluator: passages and whole drafts against the gold, per system and split.

Passages: accuracy (predicted label = primary), lenient accuracy (= primary or one of the
secondary areas), macro-F1 over the 8 labels, per-label precision/recall/F1, the confusion
matrix (rows gold, columns predicted), the expected calibration error of the top
probability (10 equal-width bins) and accuracy per hard-case type.

Drafts: a *gap* is an area the draft does nothing for. Gold gaps are the areas in
``gaps``; **weak areas count as covered** (the draft touches them, so calling them a gap
is a false alarm). The system's gaps are the areas it does not report as covered.
Precision, recall and F1 are pooled over the drafts of a split. A second reading,
``gaps_excluding_weak``, leaves weak areas out of the count altogether. Viljeriktning gaps
are scored the same way over the 18 ids.

Dev and test are reported separately; only dev is given to ``fit`` and to the draft-rule
tuning.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fhs_nlp.evaluate.document_rule import DocumentPrediction, document_from_passages
from fhs_nlp.evaluate.gold import (
    AREA_SLUGS,
    HARD_CASES,
    LABELS,
    SPLITS,
    VILJERIKTNING_IDS,
    AlignmentGold,
    GoldDraft,
    GoldPassage,
)
from fhs_nlp.evaluate.metrics import (
    PRF,
    accuracy,
    confusion_matrix,
    expected_calibration_error,
    macro_f1,
    per_label_prf,
    reliability_bins,
)

N_BINS = 10


@dataclass
class PassageSplit:
    n: int
    accuracy: float
    #: Accuracy on the passages whose gold label is an area (not "none").
    area_accuracy: float
    lenient_accuracy: float
    macro_f1: float
    ece: float
    per_label: dict[str, PRF]
    confusion: list[list[int]]
    reliability: list[dict[str, Any]]
    hard_cases: dict[str, dict[str, float | int]]
    errors: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n, "accuracy": round(self.accuracy, 4),
            "area_accuracy": round(self.area_accuracy, 4),
            "lenient_accuracy": round(self.lenient_accuracy, 4),
            "macro_f1": round(self.macro_f1, 4), "ece": round(self.ece, 4),
            "per_label": {k: v.as_dict() for k, v in self.per_label.items()},
            "confusion": {"labels": list(LABELS), "rows_gold_cols_predicted": self.confusion},
            "reliability": self.reliability, "hard_cases": self.hard_cases,
            "errors": self.errors,
        }


@dataclass
class DraftSplit:
    gaps: PRF
    gaps_excluding_weak: PRF
    viljeriktning_gaps: PRF
    drafts: list[dict[str, Any]]
    #: Areas labelled strong (covered) that the system flagged as gaps: the worst error.
    strong_as_gap: int = 0
    n_strong: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"gaps": self.gaps.as_dict(), "strong_as_gap": self.strong_as_gap,
                "n_strong": self.n_strong,
                "gaps_excluding_weak": self.gaps_excluding_weak.as_dict(),
                "viljeriktning_gaps": self.viljeriktning_gaps.as_dict(),
                "drafts": self.drafts}


@dataclass
class SystemResult:
    name: str
    status: str  # "ok" | "skipped"
    reason: str | None = None
    config: dict[str, Any] = field(default_factory=dict)
    passages: dict[str, PassageSplit] = field(default_factory=dict)
    drafts: dict[str, DraftSplit] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "status": self.status, "reason": self.reason,
            "config": self.config, "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
            "passages": {k: v.as_dict() for k, v in self.passages.items()},
            "drafts": {k: v.as_dict() for k, v in self.drafts.items()},
        }


def passage_metrics(passages: Sequence[GoldPassage], probs: np.ndarray,
                    decided: np.ndarray | None = None) -> PassageSplit:
    """Every passage metric of one split from an ``(n, 8)`` probability array.

    ``decided``: label indices where the system has its own decision rule (the aligner
    says "none" from a threshold on P(none), not from the argmax); else the argmax. The
    confidence whose calibration is measured is the probability of the decided label.
    """
    probs = np.asarray(probs, dtype=float)
    if probs.shape != (len(passages), len(LABELS)):
        raise ValueError(f"predict_proba returned shape {probs.shape}; expected "
                         f"({len(passages)}, {len(LABELS)}) in the order {', '.join(LABELS)}")
    chosen = probs.argmax(axis=1) if decided is None else np.asarray(decided, dtype=int)
    pred = [LABELS[i] for i in chosen]
    gold = [p.primary for p in passages]
    conf = probs[np.arange(len(chosen)), chosen] if len(chosen) else np.zeros(0)
    correct = np.array([g == p for g, p in zip(gold, pred, strict=True)])
    lenient = [p == x.primary or p in x.secondary for p, x in zip(pred, passages, strict=True)]
    hard: dict[str, dict[str, float | int]] = {}
    for kind in (*HARD_CASES, None):
        idx = [i for i, p in enumerate(passages) if p.hard_case == kind]
        if idx:
            n_ok = int(correct[idx].sum())
            hard[kind or "ordinary"] = {"n": len(idx), "correct": n_ok,
                                        "accuracy": round(n_ok / len(idx), 4)}
    errors = [
        {"id": x.id, "gold": x.primary, "secondary": list(x.secondary), "predicted": p,
         "confidence": round(float(c), 3), "hard_case": x.hard_case,
         "text": x.text if len(x.text) <= 200 else x.text[:197] + "…"}
        for x, p, c in zip(passages, pred, conf, strict=True) if p != x.primary
    ]
    about_area = [i for i, g in enumerate(gold) if g != "none"]
    return PassageSplit(
        n=len(passages), accuracy=accuracy(gold, pred),
        area_accuracy=float(correct[about_area].mean()) if about_area else 0.0,
        lenient_accuracy=float(np.mean(lenient)) if lenient else 0.0,
        macro_f1=macro_f1(gold, pred, LABELS),
        ece=expected_calibration_error(conf, correct, N_BINS),
        per_label=per_label_prf(gold, pred, LABELS),
        confusion=confusion_matrix(gold, pred, LABELS),
        reliability=reliability_bins(conf, correct, N_BINS),
        hard_cases=hard, errors=errors,
    )


def draft_metrics(drafts: Sequence[GoldDraft],
                  predictions: Sequence[DocumentPrediction]) -> DraftSplit:
    """Gap detection over the drafts of one split (see the module docstring)."""
    tp = n_pred = n_gold = 0
    s_tp = s_pred = s_gold = 0
    v_tp = v_pred = v_gold = 0
    strong_as_gap = n_strong = 0
    rows = []
    for draft, pred in zip(drafts, predictions, strict=True):
        covered = set(pred.get("covered", set()))
        pred_gaps = set(AREA_SLUGS) - covered
        strong_as_gap += len(pred_gaps & draft.covered)
        n_strong += len(draft.covered)
        tp += len(pred_gaps & draft.gaps)
        n_pred += len(pred_gaps)
        n_gold += len(draft.gaps)
        scored = pred_gaps - draft.weak
        s_tp += len(scored & draft.gaps)
        s_pred += len(scored)
        s_gold += len(draft.gaps)
        vr_gaps = set(VILJERIKTNING_IDS) - set(pred.get("viljeriktningar_covered", set()))
        v_tp += len(vr_gaps & draft.viljeriktningar_gaps)
        v_pred += len(vr_gaps)
        v_gold += len(draft.viljeriktningar_gaps)
        rows.append({
            "id": draft.id, "title": draft.title,
            "gold_gaps": sorted(draft.gaps), "gold_weak": sorted(draft.weak),
            "predicted_gaps": sorted(pred_gaps),
            "missed_gaps": sorted(draft.gaps - pred_gaps),
            "strong_as_gap": sorted(pred_gaps & draft.covered),
            "false_gaps": sorted(pred_gaps - draft.gaps),
            "viljeriktning_gaps": {"tp": len(vr_gaps & draft.viljeriktningar_gaps),
                                   "predicted": len(vr_gaps),
                                   "gold": len(draft.viljeriktningar_gaps)},
        })
    return DraftSplit(PRF(tp, n_pred, n_gold), PRF(s_tp, s_pred, s_gold),
                      PRF(v_tp, v_pred, v_gold), rows, strong_as_gap, n_strong)


def evaluate_system(predictor: Any, gold: AlignmentGold,
                    draft_texts: dict[str, str]) -> SystemResult:
    """Fit on dev, then score passages and drafts of every split."""
    result = SystemResult(name=predictor.name, status="ok")
    started = time.perf_counter()
    predictor.fit(gold.split("dev"))
    result.seconds["fit"] = time.perf_counter() - started
    started = time.perf_counter()
    decide = getattr(predictor, "decide", None)
    for split in SPLITS:
        passages = gold.split(split)
        probs = np.asarray(predictor.predict_proba([p.text for p in passages]))
        result.passages[split] = passage_metrics(
            passages, probs, decide(probs) if callable(decide) else None)
    result.seconds["passages"] = time.perf_counter() - started
    started = time.perf_counter()
    if hasattr(predictor, "fit_documents"):
        dev = [(d, draft_texts[d.id]) for d in gold.draft_split("dev") if d.id in draft_texts]
        predictor.fit_documents(dev)
    for split in SPLITS:
        drafts = [d for d in gold.draft_split(split) if d.id in draft_texts]
        preds = [
            predictor.predict_document(draft_texts[d.id]) if hasattr(predictor,
                                                                     "predict_document")
            else document_from_passages(predictor, draft_texts[d.id])
            for d in drafts
        ]
        result.drafts[split] = draft_metrics(drafts, preds)
    result.seconds["drafts"] = time.perf_counter() - started
    config = getattr(predictor, "config", None)
    result.config = config() if callable(config) else {}
    return result
