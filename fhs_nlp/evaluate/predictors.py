"""Alignment systems behind one small protocol, and the two baselines.

A *passage predictor* has a ``name``, ``fit(dev_passages)`` (may do nothing) and
``predict_proba(texts)``, an ``(n, 8)`` array of probabilities in the fixed label order
:data:`~fhs_nlp.evaluate.gold.LABELS` (the 7 area slugs in vocabulary order, then
``"none"``). For whole drafts it may have ``predict_document(text)`` returning
``{"covered": set of slugs, "viljeriktningar_covered": set of ids}``; where it has none,
:func:`document_from_passages` derives one from the probabilities of the draft's
paragraphs, with a rule (:class:`DocumentRule`) tuned on the dev drafts.

The systems an evaluation runs are listed in :data:`SYSTEMS`, each a factory that gets
a :class:`SystemContext` and returns a predictor, or ``None`` with a reason when it is
not available. The aligner (``fhs_nlp.align.aligner.load_passage_predictor``) is picked up there
as soon as it exists.
"""

from __future__ import annotations

import importlib
import inspect
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from fhs_nlp.evaluate.gold import (
    AREA_SLUGS,
    LABELS,
    VILJERIKTNING_IDS,
    GoldDraft,
    GoldPassage,
)

DocumentPrediction = dict[str, set[str]]


@runtime_checkable
class PassagePredictor(Protocol):
    """What the alignment evaluator needs from a system."""

    name: str

    def fit(self, dev_passages: Sequence[GoldPassage]) -> None: ...

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray: ...


# --- drafts: paragraphs and the default document rule ------------------------------------

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
    return _apply_rule(probs, vr_scores, rule)


def _apply_rule(probs: np.ndarray, vr_scores: np.ndarray | None,
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
            preds = [_apply_rule(p, s, rule) for p, s in cached]
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


# --- baseline (a): nearest viljeriktning by cosine ----------------------------------------


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


# --- baseline (b): TF-IDF + logistic regression ------------------------------------------


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


# --- the systems of an evaluation run ----------------------------------------------------


@dataclass
class SystemContext:
    """What a system factory may use."""

    viljeriktningar: dict[str, str]
    model: str | None = None
    cache_dir: Path | None = None
    _cache: Any = field(default=None, repr=False)

    def embedding_cache(self) -> Any:
        if self._cache is None and self.cache_dir is not None:
            from fhs_nlp.embed.embedders import EmbeddingCache

            self._cache = EmbeddingCache(Path(self.cache_dir) / "embeddings.sqlite")
        return self._cache

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None


class Unavailable(Exception):
    """A system that cannot run here; the message says why (shown in the report)."""


Factory = Callable[[SystemContext], Any]


def _nearest(ctx: SystemContext) -> NearestViljeriktning:
    from fhs_nlp.embed.embedders import load_embedder

    return NearestViljeriktning(ctx.viljeriktningar, load_embedder(ctx.model),
                                ctx.embedding_cache())


def _tfidf(ctx: SystemContext) -> TfidfLogReg:
    return TfidfLogReg(ctx.viljeriktningar)


def _aligner(ctx: SystemContext) -> Any:
    """The project's aligner, once ``fhs_nlp.align.aligner.load_passage_predictor`` exists."""
    try:
        align = importlib.import_module("fhs_nlp.align.aligner")
    except ImportError as exc:
        raise Unavailable(f"fhs_nlp.align.aligner does not exist yet ({exc})") from exc
    loader = getattr(align, "load_passage_predictor", None)
    if loader is None:
        raise Unavailable("fhs_nlp.align.aligner has no load_passage_predictor() yet")
    takes_model = "model" in inspect.signature(loader).parameters
    try:
        predictor = loader(model=ctx.model) if takes_model else loader()
    except ImportError as exc:  # a module the aligner needs is not there yet
        raise Unavailable(f"fhs_nlp.align.aligner cannot be loaded yet ({exc})") from exc
    if not isinstance(predictor, PassagePredictor):
        raise Unavailable("fhs_nlp.align.aligner.load_passage_predictor() returned an object "
                          "without name, fit() and predict_proba()")
    return predictor


def _aligner_v1(ctx: SystemContext) -> Any:
    """The first aligner (no relevance stage, top-2 area score), for comparison."""
    from fhs_nlp.align.aligner import load_passage_predictor

    return load_passage_predictor(model=ctx.model, scoring="v1")


#: Every alignment system, in report order. The baselines come first; a new system is
#: one more line here.
SYSTEMS: dict[str, Factory] = {
    "nearest-viljeriktning": _nearest,
    "tfidf-logreg": _tfidf,
    "aligner-v1": _aligner_v1,
    "aligner": _aligner,
}
BASELINES = ("nearest-viljeriktning", "tfidf-logreg")
