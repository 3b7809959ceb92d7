"""Which insatsområde is a passage about? A calibrated classifier over embeddings and words.

Training material, all of it Swedish and all of it labelled by the sources themselves:

* the corpus: every milestone (title and description) and every one of its effects
  belongs to the insatsområde of its table page; every viljeriktning and every målbild
  statement and bullet to its area;
* the dev split of the alignment gold set (``eval/gold/alignment/passages.jsonl``):
  passages written like real verksamhetsplaner, including text about none of the areas
  (budget, environment, drug logistics …), weighted higher because drafts read like
  them. The test split is never read here.

Two logistic regressions are blended: one on the embedder's vectors (meaning), one on
word and character n-grams (the domain's vocabulary, compounds included). Out-of-fold
predictions on the dev split fit a temperature (so that a probability of 0.8 is right
about 80 % of the time) and a threshold per area (the probability above which a passage
counts as evidence for that area).

The fitted model is cached under ``models/cache/`` keyed by the embedder and a hash of
the training data, so it is trained once per machine (a few seconds).
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion

from fhs_nlp.datamodel.records import Malbild, Milestone, Record, Viljeriktning
from fhs_nlp.datamodel.vocabulary import AREAS
from fhs_nlp.embed.embedders import Embedder, EmbeddingCache
from fhs_nlp.settings import DATA_ROOT, GOLD_DIR, MODEL_CACHE_DIR

T = TypeVar("T")

#: Label order of every probability matrix: the 7 area slugs in roadmap order, then none.
LABELS: tuple[str, ...] = (*(a.slug for a in AREAS), "none")
NONE = len(LABELS) - 1

#: Where the training data is read from (the checkout, or the data in an installed package).
ROOT = DATA_ROOT
GOLD_PASSAGES = GOLD_DIR / "alignment" / "passages.jsonl"
#: Trained classifiers (written on first use; see fhs_nlp.settings for where).
MODEL_CACHE = MODEL_CACHE_DIR

#: Weight of a dev passage against a corpus example (drafts read like the dev passages).
DEV_WEIGHT = 3.0
#: Share of the embedding model in the blend (chosen by cross-validation on dev: 0.85
#: gave macro-F1 0.81 against 0.77 at 0.5 and 0.79 for embeddings alone).
EMBEDDING_SHARE = 0.85
MODEL_VERSION = "1"


@dataclass
class Example:
    text: str
    label: int
    weight: float = 1.0
    source: str = ""


@dataclass
class PassageClassifier:
    """Probabilities over :data:`LABELS` for passages of text."""

    embedder_name: str
    embedding_model: LogisticRegression
    ngram_vectoriser: FeatureUnion
    ngram_model: LogisticRegression
    temperature: float = 1.0
    thresholds: list[float] = field(default_factory=lambda: [0.5] * len(LABELS))
    training_hash: str = ""
    dev_cv: dict[str, float] = field(default_factory=dict)

    def predict_proba(self, texts: Sequence[str], embedder: Embedder,
                      cache: EmbeddingCache | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        vectors = embed_texts(embedder, texts, cache)
        return self.proba_from_vectors(vectors, list(texts))

    def proba_from_vectors(self, vectors: np.ndarray, texts: list[str]) -> np.ndarray:
        p_embed = self.embedding_model.predict_proba(vectors)
        p_ngram = self.ngram_model.predict_proba(self.ngram_vectoriser.transform(texts))
        blended = EMBEDDING_SHARE * p_embed + (1 - EMBEDDING_SHARE) * p_ngram
        return temper(blended, self.temperature)


def embed_texts(
    embedder: Embedder, texts: Sequence[str], cache: EmbeddingCache | None
) -> np.ndarray:
    # E5 wants "query: " for symmetric tasks such as classification
    if cache is not None:
        return cache.embed(embedder, list(texts), "query")
    return embedder.embed_queries(list(texts))


def temper(probs: np.ndarray, temperature: float) -> np.ndarray:
    logits = np.log(np.clip(probs, 1e-9, 1.0)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    out = np.exp(logits)
    return out / out.sum(axis=1, keepdims=True)


def _ngrams() -> FeatureUnion:
    return FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)),
        ]
    )


# --- training data ------------------------------------------------------------------------


def corpus_examples(records: dict[str, list[Record]]) -> list[Example]:
    """Labelled examples the strategy documents themselves provide."""
    slug = {a.name: a.slug for a in AREAS}
    out: list[Example] = []
    milestones = [m for m in records.get("milestone", []) if isinstance(m, Milestone)]
    for m in milestones:
        if m.area not in slug:
            continue
        label = LABELS.index(slug[m.area])
        out.append(Example(f"{m.title}. {m.description}".strip(), label, source=m.record_id))
        for effect in m.effects:
            out.append(Example(effect.text, label, source=m.record_id))
    for v in records.get("viljeriktning", []):
        if isinstance(v, Viljeriktning):
            out.append(Example(v.text, LABELS.index(slug[v.area]), source=v.record_id))
    for mb in records.get("malbild", []):
        if not isinstance(mb, Malbild):
            continue
        label = LABELS.index(slug[mb.area])
        out.append(Example(mb.statement, label, source=mb.record_id))
        for bullet in mb.bullets:
            out.append(Example(bullet, label, source=mb.record_id))
    return out


def dev_rows(path: Path) -> list[dict]:
    """The labelled dev-split rows of a gold passage file (never the test split); none
    where the file is missing."""
    if not path.exists():
        return []
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip())
    return [r for r in rows if r.get("split") == "dev" and r.get("primary") in LABELS]


def dev_examples(path: Path = GOLD_PASSAGES) -> list[Example]:
    """The dev split of the alignment gold set (never the test split)."""
    return [Example(r["text"], LABELS.index(r["primary"]), DEV_WEIGHT, r["id"])
            for r in dev_rows(path)]


def _hash(embedder_name: str, examples: list[Example]) -> str:
    h = hashlib.sha256(f"{MODEL_VERSION}\x00{embedder_name}".encode())
    for ex in examples:
        h.update(f"\x00{ex.label}\x00{ex.weight}\x00{ex.text}".encode())
    return h.hexdigest()[:16]


# --- fitting ----------------------------------------------------------------------------


def _fit(vectors: np.ndarray, texts: list[str], labels: np.ndarray, weights: np.ndarray
         ) -> tuple[LogisticRegression, FeatureUnion, LogisticRegression]:
    embedding_model = LogisticRegression(C=4.0, max_iter=3000)
    embedding_model.fit(vectors, labels, sample_weight=weights)
    vectoriser = _ngrams()
    ngram_model = LogisticRegression(C=10.0, max_iter=3000)
    ngram_model.fit(vectoriser.fit_transform(texts), labels, sample_weight=weights)
    return embedding_model, vectoriser, ngram_model


def train_classifier(embedder: Embedder, records: dict[str, list[Record]],
                     cache: EmbeddingCache | None = None) -> PassageClassifier:
    """Fit the classifier, its temperature and per-area thresholds (dev CV only)."""
    corpus = corpus_examples(records)
    dev = dev_examples()
    examples = corpus + dev
    texts = [e.text for e in examples]
    labels = np.array([e.label for e in examples])
    weights = np.array([e.weight for e in examples])
    vectors = embed_texts(embedder, texts, cache)
    dev_cv: dict[str, float] = {}
    temperature = 1.0
    thresholds = [0.5] * len(LABELS)
    if len(dev) >= 20 and len(set(e.label for e in dev)) == len(LABELS):
        oof = _out_of_fold(vectors, texts, labels, weights, n_corpus=len(corpus))
        dev_labels = labels[len(corpus):]
        temperature = fit_temperature(oof, dev_labels)
        tempered = temper(oof, temperature)
        thresholds = fit_thresholds(tempered, dev_labels)
        predicted = tempered.argmax(axis=1)
        dev_cv = {
            "accuracy": float((predicted == dev_labels).mean()),
            "temperature": temperature,
            "n_dev": float(len(dev)),
            "n_corpus": float(len(corpus)),
        }
    embedding_model, vectoriser, ngram_model = _fit(vectors, texts, labels, weights)
    return PassageClassifier(
        embedder_name=embedder.name,
        embedding_model=embedding_model,
        ngram_vectoriser=vectoriser,
        ngram_model=ngram_model,
        temperature=temperature,
        thresholds=thresholds,
        training_hash=_hash(embedder.name, examples),
        dev_cv=dev_cv,
    )


def _out_of_fold(vectors: np.ndarray, texts: list[str], labels: np.ndarray,
                 weights: np.ndarray, n_corpus: int) -> np.ndarray:
    """Probabilities for each dev passage from a model that did not see it (5 folds)."""
    dev_idx = np.arange(n_corpus, len(texts))
    out = np.zeros((len(dev_idx), len(LABELS)))
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    for train, held in folds.split(dev_idx, labels[dev_idx]):
        fit_idx = np.concatenate([np.arange(n_corpus), dev_idx[train]])
        emb, vec, ngr = _fit(vectors[fit_idx], [texts[i] for i in fit_idx], labels[fit_idx],
                             weights[fit_idx])
        held_idx = dev_idx[held]
        p = EMBEDDING_SHARE * emb.predict_proba(vectors[held_idx]) + (
            1 - EMBEDDING_SHARE
        ) * ngr.predict_proba(vec.transform([texts[i] for i in held_idx]))
        out[held] = p
    return out


def fit_temperature(probs: np.ndarray, labels: np.ndarray) -> float:
    """The temperature that minimises the negative log-likelihood (grid search)."""
    best, best_nll = 1.0, float("inf")
    for t in np.linspace(0.3, 3.0, 28):
        p = temper(probs, float(t))
        nll = -np.log(np.clip(p[np.arange(len(labels)), labels], 1e-9, 1)).mean()
        if nll < best_nll:
            best, best_nll = float(t), nll
    return best


def fit_thresholds(probs: np.ndarray, labels: np.ndarray,
                    grid: np.ndarray | None = None) -> list[float]:
    """Per label, the probability threshold with the best one-vs-rest F1 on dev, from
    ``grid`` (default 0.1 to 0.8 in steps of 0.05)."""
    out = []
    for k in range(len(LABELS)):
        truth = labels == k
        best, best_f1 = 0.5, -1.0
        for t in np.linspace(0.1, 0.8, 15) if grid is None else grid:
            pred = probs[:, k] >= t
            tp = float((pred & truth).sum())
            f1 = 2 * tp / max(pred.sum() + truth.sum(), 1)
            if f1 > best_f1 + 1e-9:
                best, best_f1 = float(t), f1
        out.append(round(best, 3))
    return out


def load_or_train(embedder: Embedder, records: dict[str, list[Record]],
                  cache: EmbeddingCache | None = None,
                  cache_dir: Path = MODEL_CACHE) -> PassageClassifier:
    """The classifier for this embedder and training data, trained once and cached."""
    examples = corpus_examples(records) + dev_examples()
    key = _hash(embedder.name, examples)
    return cached_model(cache_dir / f"classifier-{key}.pkl", key, PassageClassifier,
                        lambda: train_classifier(embedder, records, cache))


def cached_model(path: Path, key: str, kind: type[T], train: Callable[[], T]) -> T:
    """The model pickled at ``path`` if it is a ``kind`` trained on data hashing to
    ``key``; else ``train()``, written there atomically. A stale or broken file is
    simply retrained."""
    if path.exists():
        try:
            with path.open("rb") as handle:
                model = pickle.load(handle)
            if isinstance(model, kind) and getattr(model, "training_hash", None) == key:
                return model
        except Exception:  # a stale or broken cache file is simply retrained
            pass
    model = train()
    from fhs_nlp.report.output import atomic_write_bytes

    atomic_write_bytes(path, pickle.dumps(model))
    return model
