"""The two baselines every aligner is compared with: nearest viljeriktning, TF-IDF + logreg.

(a) embeds each passage and takes the area of the most similar viljeriktning (no
training: what the reference records alone give); (b) is a bag-of-words classifier
trained on the dev passages (what supervision alone gives, without an embedder). A
system that does not beat both is not worth its model. Both follow the
:class:`~fhs_nlp.evaluate.predictors.PassagePredictor` protocol.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from fhs_nlp.evaluate.document_rule import (
    DocumentPrediction,
    DocumentRule,
    apply_rule,
    document_from_passages,
    gap_f1,
    paragraphs,
)
from fhs_nlp.evaluate.gold import (
    AREA_SLUGS,
    LABELS,
    VILJERIKTNING_IDS,
    GoldDraft,
    GoldPassage,
)


class BasePredictor:
    """Shared draft handling: paragraphs, the rule and its tuning on dev drafts."""

    name = "base"
    document_rule = DocumentRule()

    def fit(self, dev_passages: Sequence[GoldPassage]) -> None:  # pragma: no cover
        return None

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def predict_document(self, text: str) -> DocumentPrediction:
        return document_from_passages(self, text, self.document_rule)

    def fit_documents(self, drafts: Sequence[tuple[GoldDraft, str]]) -> DocumentRule:
        """Pick the rule with the best gap F1 on the (dev) drafts; first best in grid order."""
        cached = []
        for _draft, text in drafts:
            chunks = paragraphs(text)
            probs = np.asarray(self.predict_proba(chunks))
            scorer = getattr(self, "viljeriktning_scores", None)
            scores = np.asarray(scorer(chunks)) if scorer is not None else None
            cached.append((probs, scores))
        best, best_f1 = DocumentRule(), -1.0
        for proba, k in itertools.product(DocumentRule.GRID_PROBA, DocumentRule.GRID_PARAGRAPHS):
            rule = DocumentRule(proba, k)
            preds = [apply_rule(p, s, rule) for p, s in cached]
            f1 = gap_f1(preds, [d for d, _ in drafts])
            if f1 > best_f1 + 1e-12:
                best, best_f1 = rule, f1
        self.document_rule = best
        return best

    def config(self) -> dict[str, Any]:
        return {"document_rule": {"min_proba": self.document_rule.min_proba,
                                  "min_paragraphs": self.document_rule.min_paragraphs}}


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class NearestViljeriktning(BasePredictor):
    """The area of the nearest of the 18 viljeriktningar, by cosine of E5 embeddings.

    Viljeriktningar are embedded as passages, texts as queries. For each text the
    per-area maximum cosine ``s_a`` is taken; the logits are ``[s_1 … s_7, t] / T``, so
    "none" wins exactly when every ``s_a`` is below the threshold ``t``. ``t`` is chosen
    on dev for accuracy (ties: macro-F1, then the lower ``t``), then ``T`` for the
    log-likelihood of the dev labels.
    """

    name = "nearest-viljeriktning"

    def __init__(self, viljeriktningar: dict[str, str], embedder: Any,
                 cache: Any | None = None) -> None:
        missing = [v for v in VILJERIKTNING_IDS if v not in viljeriktningar]
        if missing:
            raise ValueError(f"viljeriktningar missing: {', '.join(missing)}")
        self.embedder = embedder
        self.cache = cache
        self.vr_ids = list(VILJERIKTNING_IDS)
        self.vr_vectors = self._embed([viljeriktningar[v] for v in self.vr_ids], "passage")
        self.area_of = np.array([AREA_SLUGS.index(v.split("/")[0]) for v in self.vr_ids])
        self.threshold = 0.0
        self.temperature = 0.05

    def _embed(self, texts: Sequence[str], side: str) -> np.ndarray:
        if self.cache is not None:
            return self.cache.embed(self.embedder, list(texts), side=side)
        if side == "query":
            return np.asarray(self.embedder.embed_queries(list(texts)))
        return np.asarray(self.embedder.embed_passages(list(texts)))

    def viljeriktning_scores(self, texts: Sequence[str]) -> np.ndarray:
        if not len(texts):
            return np.zeros((0, len(self.vr_ids)))
        return self._embed(texts, "query") @ self.vr_vectors.T

    def area_scores(self, texts: Sequence[str]) -> np.ndarray:
        cos = self.viljeriktning_scores(texts)
        out = np.full((len(texts), len(AREA_SLUGS)), -1.0)
        for a in range(len(AREA_SLUGS)):
            out[:, a] = cos[:, self.area_of == a].max(axis=1)
        return out

    def _logits(self, scores: np.ndarray) -> np.ndarray:
        none = np.full((scores.shape[0], 1), self.threshold)
        return np.hstack([scores, none]) / self.temperature

    def fit(self, dev_passages: Sequence[GoldPassage]) -> None:
        from scipy.optimize import minimize_scalar

        from fhs_nlp.evaluate.metrics import macro_f1

        scores = self.area_scores([p.text for p in dev_passages])
        gold = [p.primary for p in dev_passages]
        y = np.array([LABELS.index(g) for g in gold])
        best = (-1.0, -1.0, 0.0)
        for t in np.unique(np.round(scores.max(axis=1), 4)):
            pred_idx = np.where(scores.max(axis=1) < t, len(AREA_SLUGS), scores.argmax(axis=1))
            pred = [LABELS[i] for i in pred_idx]
            acc = float(np.mean(pred_idx == y))
            key = (acc, macro_f1(gold, pred, LABELS), -float(t))
            if key > best:
                best = key
                self.threshold = float(t)

        def nll(log_t: float) -> float:
            self.temperature = float(np.exp(log_t))
            p = _softmax(self._logits(scores))
            return float(-np.mean(np.log(p[np.arange(len(y)), y] + 1e-12)))

        found = minimize_scalar(nll, bounds=(np.log(1e-3), np.log(1.0)), method="bounded")
        self.temperature = float(np.exp(found.x))

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        if not len(texts):
            return np.zeros((0, len(LABELS)))
        return _softmax(self._logits(self.area_scores(texts)))

    def config(self) -> dict[str, Any]:
        return {"embedder": self.embedder.name, "threshold": round(self.threshold, 4),
                "temperature": round(self.temperature, 5), **super().config()}


class TfidfLogReg(BasePredictor):
    """TF-IDF of word 1-2 grams and char_wb 3-5 grams, logistic regression, dev only.

    Fixed settings (nothing tuned): sublinear tf, C = 10, balanced class weights. Its
    viljeriktning scores (for drafts) are TF-IDF cosines with the 18 statements.
    """

    name = "tfidf-logreg"

    def __init__(self, viljeriktningar: dict[str, str] | None = None, c: float = 10.0) -> None:
        self.viljeriktningar = viljeriktningar
        self.c = c
        self.model: Any = None

    def fit(self, dev_passages: Sequence[GoldPassage]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion, make_pipeline

        features = FeatureUnion([
            ("word", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                     lowercase=True)),
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                     lowercase=True)),
        ])
        self.model = make_pipeline(
            features,
            LogisticRegression(C=self.c, max_iter=5000, class_weight="balanced"),
        )
        self.model.fit([p.text for p in dev_passages], [p.primary for p in dev_passages])
        self._vr_matrix = None
        if self.viljeriktningar:
            union = self.model.steps[0][1]
            self._vr_matrix = union.transform(
                [self.viljeriktningar[v] for v in VILJERIKTNING_IDS])

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        if self.model is None:
            raise RuntimeError("call fit() first")
        out = np.zeros((len(texts), len(LABELS)))
        if not len(texts):
            return out
        probs = self.model.predict_proba(list(texts))
        for j, label in enumerate(self.model.classes_):
            out[:, LABELS.index(label)] = probs[:, j]
        return out

    def viljeriktning_scores(self, texts: Sequence[str]) -> np.ndarray:
        from sklearn.preprocessing import normalize

        if self._vr_matrix is None:
            raise RuntimeError("no viljeriktningar given")
        x = normalize(self.model.steps[0][1].transform(list(texts)))
        v = normalize(self._vr_matrix)
        return np.asarray((x @ v.T).todense())

    def config(self) -> dict[str, Any]:
        return {"C": self.c, "class_weight": "balanced", "word_ngrams": [1, 2],
                "char_wb_ngrams": [3, 5], **super().config()}
