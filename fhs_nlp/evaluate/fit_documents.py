"""Fit the document rule (:class:`fhs_nlp.align.doc_score.DocumentRule`) on dev documents only.

The rule's numbers decide when an area is a gap, weak or covered. They are chosen here by
a grid search over the dev documents of both gold sets (the real-text documents and the
written-for-purpose drafts); the test documents are never read. The objective, in order:

1. no area the gold calls strong (covered) is flagged as a gap;
2. at least :data:`MIN_GAP_RECALL` of the absent areas (gold ``none``) flagged as gaps;
3. as few weak areas flagged as gaps as possible (gap precision);
4. the most areas with the right one of covered / weak / gap, then more gaps found.

Run ``python -m fhs_nlp.evaluate.fit_documents`` and copy the printed rule into
:data:`fhs_nlp.align.doc_score.DEFAULT_RULE` with the figures it printed.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from fhs_nlp.align.doc_score import DocumentRule, area_score
from fhs_nlp.evaluate.gold import AREA_SLUGS, GoldDraft, load_alignment_gold
from fhs_nlp.evaluate.real_gold import load_real_gold

#: The share of absent areas a rule must flag on dev to be considered (the issue's bar is
#: 0.85 on test; dev asks a little more to leave room).
MIN_GAP_RECALL = 0.9
GRID = {
    "gap_probability": (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
    "min_passages": (1, 2),
    "gap_share": (0.0, 0.25, 0.5, 1.0, 2.0),
    "covered_share": (2.0, 5.0, 10.0, 15.0, 25.0),
    "covered_passages": (1, 2, 3),
}


@dataclass
class Scored:
    draft: GoldDraft
    probs: np.ndarray
    words: list[int]


@dataclass(frozen=True)
class Fit:
    rule: DocumentRule
    strong_as_gap: int
    gaps_found: int
    absent: int
    weak_as_gap: int
    status_correct: int
    areas: int

    def key(self) -> tuple[int, bool, int, int, int]:
        enough = self.gaps_found >= MIN_GAP_RECALL * self.absent
        return (-self.strong_as_gap, enough, -self.weak_as_gap, self.status_correct,
                self.gaps_found)


def evaluate_rule(rule: DocumentRule, scored: list[Scored], thresholds: list[float],
                  show: bool = False) -> Fit:
    strong_as_gap = gaps_found = absent = weak_as_gap = correct = areas = 0
    for s in scored:
        for k, slug in enumerate(AREA_SLUGS):
            status = area_score(s.probs[:, k] if len(s.probs) else np.zeros(0), s.words,
                                thresholds[k], rule).status
            gold = ("covered" if slug in s.draft.covered else
                    "weak" if slug in s.draft.weak else "gap")
            areas += 1
            correct += status == gold
            if show and status != gold:
                print(f"  {s.draft.id[:50]:50s} {slug[:14]:14s} gold {gold:7s} got {status}")
            if status == "gap":
                strong_as_gap += gold == "covered"
                weak_as_gap += gold == "weak"
                gaps_found += gold == "gap"
            absent += gold == "gap"
    return Fit(rule, strong_as_gap, gaps_found, absent, weak_as_gap, correct, areas)


def fit_rule(aligner: object, drafts: list[GoldDraft]) -> tuple[Fit, Fit]:
    """The best rule on ``drafts`` and, for comparison, the default rule's figures."""
    from fhs_nlp.ingest import read_document

    scored = []
    for d in drafts:
        doc = read_document(d.path, d.id)
        _, probs, words = aligner.passage_probabilities(doc)  # type: ignore[attr-defined]
        scored.append(Scored(d, probs, words))
    thresholds = list(aligner.classifier.thresholds)  # type: ignore[attr-defined]
    best: Fit | None = None
    for values in itertools.product(*GRID.values()):
        params = dict(zip(GRID, values, strict=True))
        if params["gap_share"] > params["covered_share"]:
            continue
        fit = evaluate_rule(DocumentRule(**params), scored, thresholds)  # type: ignore[arg-type]
        if best is None or fit.key() > best.key():
            best = fit
    assert best is not None
    return best, evaluate_rule(DocumentRule(), scored, thresholds)


def dev_drafts() -> list[GoldDraft]:
    real = load_real_gold().draft_split("dev")
    written = load_alignment_gold().draft_split("dev")
    return [*real, *written]


def main() -> None:
    import os

    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    from fhs_nlp.align.aligner import load_aligner

    aligner = load_aligner()
    best, default = fit_rule(aligner, dev_drafts())
    print("thresholds", aligner.classifier.thresholds)
    scored = []
    from fhs_nlp.ingest import read_document
    for d in dev_drafts():
        _, probs, words = aligner.passage_probabilities(read_document(d.path, d.id))
        scored.append(Scored(d, probs, words))
    evaluate_rule(best.rule, scored, list(aligner.classifier.thresholds), show=True)
    for name, fit in (("default", default), ("best", best)):
        print(f"{name}: {fit.rule}\n  strong flagged as gap {fit.strong_as_gap}; absent "
              f"flagged {fit.gaps_found}/{fit.absent}; weak flagged {fit.weak_as_gap}; "
              f"status right {fit.status_correct}/{fit.areas}")


if __name__ == "__main__":
    main()
