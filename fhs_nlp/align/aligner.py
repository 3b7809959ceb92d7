"""Score a draft against the 7 insatsområden and their 18 viljeriktningar.

The stages, in order:

1. read the draft (PDF, DOCX, TXT, Markdown) and cut it into passages
   (:mod:`fhs_nlp.segment.passages`);
2. embed every passage once (cached by content hash) and give it a probability for
   each insatsområde and for "none of them" (:mod:`fhs_nlp.classify.classifier`);
3. search each passage's nearest reference records in the FAISS index of the strategy
   (:mod:`fhs_nlp.index.reference_index`, through :mod:`fhs_nlp.align.similarity`):
   viljeriktningar, milestones and their effects, fokusförflyttningar;
4. sum up per area (:mod:`fhs_nlp.align.areas`): a score from 0 to 100, coverage,
   evidence, viljeriktningar addressed and missing, milestones advanced, gaps.

Thresholds are :class:`fhs_nlp.settings.AlignSettings` (one place, checked when made).

What the area score means (also written into every report): the share of the draft's
text that is about the area, in per cent of its words (:mod:`fhs_nlp.align.doc_score`); it does
not grow with the length of the draft. Passages get a calibrated probability of "none"
from a relevance stage (:mod:`fhs_nlp.classify.abstain`), so text about other things is credited
to no area. ``scoring="v1"`` keeps the first aligner (one softmax over 7 areas + none,
area score = mean probability of the two strongest passages) for comparison.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from fhs_nlp.align.areas import area_result, gaps_of, passage_result, scoring_text, shift_results
from fhs_nlp.align.doc_score import DEFAULT_RULE, DocumentRule, score_meaning
from fhs_nlp.align.not_swedish import NOT_SWEDISH, mark_not_meaningful
from fhs_nlp.align.similarity import background, similarities, strategy_id
from fhs_nlp.classify.abstain import AbstainingClassifier, clean_text, load_or_train_abstaining
from fhs_nlp.classify.classifier import LABELS, PassageClassifier, load_or_train

# re-exported: the report is part of this API
from fhs_nlp.datamodel.alignment import (  # noqa: F401
    ALIGNMENT_SCHEMA_VERSION,
    AlignmentReport,
    AreaResult,
    DocumentInfo,
    Evidence,
    Gap,
    MilestoneAdvanced,
    PassageResult,
    ReferenceMatch,
    ShiftResult,
    ViljeriktningResult,
)
from fhs_nlp.datamodel.document import Document
from fhs_nlp.datamodel.vocabulary import AREAS
from fhs_nlp.embed.embedders import DEFAULT_EMBEDDER, Embedder, EmbeddingCache, load_embedder
from fhs_nlp.ingest import read_document
from fhs_nlp.segment.language import looks_swedish
from fhs_nlp.settings import DEFAULT_ALIGN, EMBEDDING_CACHE, AlignSettings

if TYPE_CHECKING:
    from fhs_nlp.index.reference_index import ReferenceIndex

__all__ = [
    "ALIGNMENT_SCHEMA_VERSION",
    "Aligner",
    "AlignmentReport",
    "align",
    "load_aligner",
    "load_passage_predictor",
]

#: The embedding cache (fhs_nlp.settings.EMBEDDING_CACHE).
DEFAULT_CACHE = EMBEDDING_CACHE

SCORE_MEANING_V1 = (
    "Area score (0-100): the average calibrated probability, in per cent, that the "
    "draft's two strongest passages are about the insatsområde. 100 = two passages "
    "unmistakably about it; 50 = one clear passage or two likely ones; an area scoring "
    "below {gap} is a gap, below {covered} it is weakly covered. Coverage: the share of "
    "the draft's words in passages whose most likely area it is."
)

Scoring = Literal["v2", "v1"]

# The thresholds under their old names (the defaults of AlignSettings, kept for callers).
COVERED = DEFAULT_ALIGN.covered
GAP = DEFAULT_ALIGN.gap
VILJERIKTNING_Z = DEFAULT_ALIGN.viljeriktning_z
MILESTONE_Z = DEFAULT_ALIGN.milestone_z
SHIFT_CUES_MIN = DEFAULT_ALIGN.shift_cues_min
SHIFT_Z = DEFAULT_ALIGN.shift_z
MIN_WORDS = DEFAULT_ALIGN.min_words
MIN_SCORED_WORDS = DEFAULT_ALIGN.min_scored_words


# --- the aligner --------------------------------------------------------------------------


@dataclass
class Aligner:
    """The loaded parts: embedder, reference index, classifier. Load once, align many."""

    embedder: Embedder
    index: ReferenceIndex
    classifier: PassageClassifier | AbstainingClassifier
    cache: EmbeddingCache | None
    background_mean: np.ndarray  # per index entry: mean similarity to corpus text
    background_std: np.ndarray
    scoring: Scoring = "v2"
    rule: DocumentRule = DEFAULT_RULE
    settings: AlignSettings = DEFAULT_ALIGN
    #: The document whose viljeriktningar are the reference (the newest strategy); found
    #: once from the index when the aligner is made (similarity.strategy_id).
    strategy: str = field(default="")

    def __post_init__(self) -> None:
        if not self.strategy:
            self.strategy = strategy_id(self.index.entries)

    @property
    def name(self) -> str:  # the eval harness's system name
        return "aligner" if self.scoring == "v2" else "aligner-v1"

    # -- the eval harness's predictor protocol --

    def fit(self, dev_passages: object = None) -> None:
        """Nothing to do: the classifier was trained on the corpus and the dev split."""

    def predict_document(self, text: str | Document) -> dict[str, set[str]]:
        """Areas (not gaps) and viljeriktningar the draft addresses."""
        doc = text if isinstance(text, Document) else _text_document(text)
        report = self.align_document(doc)
        return {
            "covered": {a.slug for a in report.areas if a.status != "gap"},
            "viljeriktningar_covered": {
                v.statement_id for a in report.areas for v in a.viljeriktningar if v.addressed
            },
        }

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        texts = [clean_text(t) for t in texts] if self.scoring == "v2" else list(texts)
        return self.classifier.predict_proba(texts, self.embedder, self.cache)

    def decide(self, probs: np.ndarray) -> np.ndarray:
        """Label indices for probability rows: the classifier's own rule where it has one
        (a threshold on P(none)), else the most likely label."""
        rule = getattr(self.classifier, "decide", None)
        return rule(probs) if callable(rule) else np.asarray(probs).argmax(axis=1)

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        if self.cache is not None:
            return self.cache.embed(self.embedder, list(texts), "query")
        return self.embedder.embed_queries(list(texts))

    def _z(self, sims: np.ndarray) -> np.ndarray:
        return (sims - self.background_mean) / self.background_std

    # -- document level --

    def align(
        self,
        path: Path | str,
        *,
        doc_id: str | None = None,
        on_progress: Callable[[str], None] | None = None,
    ) -> AlignmentReport:
        """Read and score one draft."""
        started = time.perf_counter()
        doc = read_document(Path(path), doc_id)
        return self.align_document(doc, started=started, on_progress=on_progress)

    def align_document(
        self,
        doc: Document,
        *,
        started: float | None = None,
        on_progress: Callable[[str], None] | None = None,
    ) -> AlignmentReport:
        timings: dict[str, float] = {}
        t0 = started if started is not None else time.perf_counter()
        mark = time.perf_counter()
        passages = self.scored_passages(doc)
        timings["read_and_split"] = time.perf_counter() - t0
        texts = [scoring_text(p) for p in passages]
        if on_progress:
            on_progress(f"embedding {len(texts)} passages")
        mark = time.perf_counter()
        vectors = self._embed(texts) if texts else np.zeros((0, self.embedder.dim), np.float32)
        timings["embed"] = time.perf_counter() - mark
        mark = time.perf_counter()
        probs = (self.classifier.proba_from_vectors(vectors, texts) if texts
                 else np.zeros((0, len(LABELS))))
        entries = self.index.entries
        sims = similarities(self.index, vectors, self.settings.search_k)
        z = self._z(sims) if len(texts) else sims
        timings["score"] = time.perf_counter() - mark
        words = [len(t.split()) for t in (p.text for p in passages)]
        total_words = sum(words)
        labels = self.decide(probs) if len(texts) else np.zeros(0, int)
        passage_results = [
            passage_result(p, probs[i], sims[i], entries, words[i], int(labels[i]))
            for i, p in enumerate(passages)
        ]
        warnings = list(doc.warnings)
        swedish = looks_swedish(doc.text[:20000])
        if swedish is False:
            warnings.append(NOT_SWEDISH)
        too_short = total_words < self.settings.min_words or len(passages) < 3
        if too_short:
            warnings.append(
                f"the draft is too short for a meaningful score ({total_words} words in "
                f"{len(passages)} passages; at least {self.settings.min_words} words are needed)"
            )
        areas = [
            area_result(self, k, passages, probs, z, entries, words, total_words)
            for k in range(len(AREAS))
        ]
        gaps = gaps_of(areas)
        if swedish is False:  # numbers kept, explanations say they mean nothing
            mark_not_meaningful(areas, gaps)
        shifts = shift_results(self, passages, sims, z, entries)
        timings["total"] = time.perf_counter() - t0
        return AlignmentReport(
            document=DocumentInfo(
                path=str(doc.source_path),
                document_id=doc.doc_id,
                content_hash=doc.content_hash,
                format=doc.source_format,
                pages=len(doc.pages) if doc.has_page_numbers else None,
                passages=len(passages),
                words=total_words,
            ),
            embedder=self.embedder.name,
            index=_index_summary(self.index),
            score_meaning=self.score_meaning(),
            thresholds={
                **self.area_thresholds(),
                "viljeriktning_z": self.settings.viljeriktning_z,
                **{f"passage:{LABELS[k]}": t for k, t in enumerate(self.classifier.thresholds)},
            },
            too_short=too_short,
            warnings=warnings,
            areas=areas,
            gaps=gaps,
            fokusforflyttningar=shifts,
            passages=passage_results,
            timings={k: round(v, 3) for k, v in timings.items()},
        )

    def scored_passages(self, doc: Document) -> list:
        """The passages that get a score, numbered without gaps (``--passage N``)."""
        from fhs_nlp.segment.passages import group_lists, split_passages

        passages = split_passages(doc)
        if self.scoring == "v1":
            return [p for p in passages if p.kind != "heading"]
        # reader units: a list with its heading or lead-in, no two-word fragments
        kept = [p for p in group_lists(passages, doc) if p.kind != "heading"
                and len(scoring_text(p).split()) >= self.settings.min_scored_words]
        return [replace(p, index=n) for n, p in enumerate(kept)]

    def passage_probabilities(self, doc: Document) -> tuple[list, np.ndarray, list[int]]:
        """Scored passages, their probabilities over LABELS and their word counts."""
        passages = self.scored_passages(doc)
        texts = [scoring_text(p) for p in passages]
        if not texts:
            return passages, np.zeros((0, len(LABELS))), []
        probs = self.classifier.proba_from_vectors(self._embed(texts), texts)
        return passages, probs, [len(p.text.split()) for p in passages]

    def score_meaning(self) -> str:
        if self.scoring == "v1":
            return SCORE_MEANING_V1.format(gap=f"{self.settings.gap:g}",
                                           covered=f"{self.settings.covered:g}")
        return score_meaning(self.rule)

    def area_thresholds(self) -> dict[str, float]:
        if self.scoring == "v1":
            return {"covered": self.settings.covered, "gap": self.settings.gap}
        return {"covered": self.rule.covered_share, "gap": self.rule.gap_share,
                **{f"rule:{k}": v for k, v in self.rule.as_dict().items()}}


def _index_summary(index: object) -> dict[str, object]:
    manifest = getattr(index, "manifest", {}) or {}
    keep = ("embedder", "dim", "n_entries", "index_type", "corpus_hash", "created")
    return {k: manifest[k] for k in keep if k in manifest}


# --- loading ----------------------------------------------------------------------------


_ALIGNERS: dict[tuple[str, str, str], Aligner] = {}


def load_aligner(
    model: str | None = None,
    index_dir: Path | None = None,
    *,
    cache_path: Path | None = DEFAULT_CACHE,
    on_progress: Callable[[str], None] | None = None,
    scoring: Scoring = "v2",
) -> Aligner:
    """Load the embedder, the reference index (built from the bundled corpus on first
    use) and the classifier (trained on first use); cached per process.

    ``scoring="v1"`` loads the first aligner (no relevance stage, top-2 area score),
    kept so the eval report can show what changed."""
    if scoring not in ("v1", "v2"):
        raise ValueError(f"scoring must be 'v2' or 'v1', not {scoring!r}")
    key = (model or DEFAULT_EMBEDDER, str(index_dir or ""), scoring)
    if key in _ALIGNERS:
        return _ALIGNERS[key]
    from fhs_nlp.index.reference_index import ensure_index, reference_records

    if on_progress:
        on_progress("loading the embedder")
    embedder = load_embedder(model)
    cache = EmbeddingCache(cache_path) if cache_path is not None else None
    if on_progress:
        on_progress("loading the reference index")
    index = ensure_index(embedder, index_dir)
    records = reference_records()
    if on_progress:
        on_progress("loading the classifier")
    classifier: PassageClassifier | AbstainingClassifier = (
        load_or_train_abstaining(embedder, records, cache) if scoring == "v2"
        else load_or_train(embedder, records, cache)
    )
    mean, std = _background(embedder, index, records, cache)
    aligner = Aligner(embedder, index, classifier, cache, mean, std, scoring)
    _ALIGNERS[key] = aligner
    return aligner


def _background(
    embedder: Embedder, index: ReferenceIndex, records: dict, cache: EmbeddingCache | None
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and spread of each reference's similarity to ordinary strategy text.

    E5 similarities are compressed (most pairs score 0.8-0.9) and some references are
    close to everything; a similarity is only telling relative to what that reference
    scores against text in general.
    """
    from fhs_nlp.classify.classifier import corpus_examples, dev_examples

    texts = [e.text for e in corpus_examples(records)] + [e.text for e in dev_examples()]
    vectors = cache.embed(embedder, texts, "query") if cache else embedder.embed_queries(texts)
    return background(vectors, index)


def align(
    path: Path | str, model: str | None = None, index_dir: Path | None = None
) -> AlignmentReport:
    """Score one draft: the library entry point behind `fhs-nlp align`."""
    return load_aligner(model, index_dir).align(path)


def load_passage_predictor(model: str | None = None, scoring: Scoring = "v2") -> Aligner:
    """The aligner as a predictor for the eval harness (``fit`` is a no-op: the classifier
    was trained on the corpus and the dev splits only)."""
    return load_aligner(model, scoring=scoring)


def _text_document(text: str) -> Document:
    from fhs_nlp.datamodel.document import PAGE_BREAK
    from fhs_nlp.ingest.document import build_document

    data = text.encode("utf-8")
    # Markdown headings ("# Titel") make the splitter use heading levels
    markdown = re.search(r"^#{1,6} \S", text, re.MULTILINE) is not None
    return build_document(
        "draft",
        Path("draft.md" if markdown else "draft.txt"),
        "text",
        text.split(PAGE_BREAK),
        data,
        has_page_numbers=False,
        separator=PAGE_BREAK,
    )
