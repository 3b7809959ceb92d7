"""Alignment systems behind one small protocol, and the list of systems an evaluation runs.

A *passage predictor* has a ``name``, ``fit(dev_passages)`` (may do nothing) and
``predict_proba(texts)``, an ``(n, 8)`` array of probabilities in the fixed label order
:data:`~fhs_nlp.evaluate.gold.LABELS` (the 7 area slugs in vocabulary order, then
``"none"``). For whole drafts it may have ``predict_document(text)`` returning
``{"covered": set of slugs, "viljeriktningar_covered": set of ids}``; where it has none,
one is derived from the probabilities of the draft's paragraphs with a rule tuned on the
dev drafts (:mod:`~fhs_nlp.evaluate.document_rule`). The two baselines are in
:mod:`~fhs_nlp.evaluate.baselines`.

The systems an evaluation runs are listed in :data:`SYSTEMS`, each a factory that gets
a :class:`SystemContext` and returns a predictor, or ``None`` with a reason when it is
not available. The aligner (``fhs_nlp.align.aligner.load_passage_predictor``) is picked
up there as soon as it exists.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from fhs_nlp.evaluate.baselines import NearestViljeriktning, TfidfLogReg
from fhs_nlp.evaluate.gold import (
    GoldPassage,
)


@runtime_checkable
class PassagePredictor(Protocol):
    """What the alignment evaluator needs from a system."""

    name: str

    def fit(self, dev_passages: Sequence[GoldPassage]) -> None: ...

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray: ...


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
