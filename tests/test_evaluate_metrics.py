"""Metric and matching code of the eval harness, on toy data computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from fhs_nlp.evaluate.matching import assign, normalise_ws, similarity
from fhs_nlp.evaluate.metrics import (
    PRF,
    accuracy,
    confusion_matrix,
    expected_calibration_error,
    macro_f1,
    per_label_prf,
    prf_from_sets,
)


def test_prf_from_counts():
    # 3 right of 4 predicted, 6 in the gold: P = 3/4 = 0.75, R = 3/6 = 0.5,
    # F1 = 2 * 0.75 * 0.5 / (0.75 + 0.5) = 0.75 / 1.25 = 0.6
    prf = PRF(tp=3, n_pred=4, n_gold=6)
    assert prf.precision == pytest.approx(0.75)
    assert prf.recall == pytest.approx(0.5)
    assert prf.f1 == pytest.approx(0.6)


def test_prf_zero_denominators_are_zero():
    assert PRF(0, 0, 5).precision == 0.0
    assert PRF(0, 3, 0).recall == 0.0
    assert PRF(0, 0, 0).f1 == 0.0


def test_prf_from_sets():
    # predicted {a, b, c}, gold {b, c, d, e}: tp 2, P = 2/3, R = 2/4, F1 = 2*(2/3)(1/2)/(7/6) = 4/7
    prf = prf_from_sets({"a", "b", "c"}, {"b", "c", "d", "e"})
    assert (prf.tp, prf.n_pred, prf.n_gold) == (2, 3, 4)
    assert prf.f1 == pytest.approx(4 / 7)


GOLD = ["a", "a", "a", "b", "b", "c"]
PRED = ["a", "a", "b", "b", "c", "c"]


def test_accuracy_and_per_label():
    # right at positions 0, 1, 3, 5: 4 of 6
    assert accuracy(GOLD, PRED) == pytest.approx(4 / 6)
    scores = per_label_prf(GOLD, PRED, ["a", "b", "c"])
    # a: tp 2, predicted 2, gold 3 -> P 1, R 2/3, F1 0.8
    assert scores["a"].f1 == pytest.approx(0.8)
    # b: tp 1, predicted 2, gold 2 -> P 1/2, R 1/2, F1 0.5
    assert scores["b"].f1 == pytest.approx(0.5)
    # c: tp 1, predicted 2, gold 1 -> P 1/2, R 1, F1 2/3
    assert scores["c"].f1 == pytest.approx(2 / 3)


def test_macro_f1_counts_labels_never_seen_as_zero():
    # (0.8 + 0.5 + 2/3) / 3 = 0.65556; with a fourth label d (no gold, no prediction): / 4
    assert macro_f1(GOLD, PRED, ["a", "b", "c"]) == pytest.approx((0.8 + 0.5 + 2 / 3) / 3)
    assert macro_f1(GOLD, PRED, ["a", "b", "c", "d"]) == pytest.approx((0.8 + 0.5 + 2 / 3) / 4)


def test_confusion_matrix_rows_are_gold():
    assert confusion_matrix(GOLD, PRED, ["a", "b", "c"]) == [
        [2, 1, 0],  # gold a: 2 as a, 1 as b
        [0, 1, 1],  # gold b: 1 as b, 1 as c
        [0, 0, 1],  # gold c
    ]


def test_expected_calibration_error_by_hand():
    # bin (0.5, 0.6]: confidences 0.55, 0.55, one right -> |0.5 - 0.55| = 0.05, weight 2/5
    # bin (0.8, 0.9]: 0.85, 0.85, 0.85, all right     -> |1.0 - 0.85| = 0.15, weight 3/5
    # ECE = 0.4 * 0.05 + 0.6 * 0.15 = 0.02 + 0.09 = 0.11
    conf = [0.55, 0.55, 0.85, 0.85, 0.85]
    correct = [True, False, True, True, True]
    assert expected_calibration_error(conf, correct) == pytest.approx(0.11)


def test_expected_calibration_error_edges():
    # confidence 1.0 and always right: no gap
    assert expected_calibration_error([1.0, 1.0], [True, True]) == pytest.approx(0.0)
    # 0.2 falls in the bin (0.1, 0.2], not (0.2, 0.3]: one item, wrong -> |0 - 0.2| = 0.2
    assert expected_calibration_error([0.2], [False]) == pytest.approx(0.2)
    assert expected_calibration_error([], []) == 0.0
    # confidence 0.0 lands in the first bin; never right: |0 - 0| = 0
    assert expected_calibration_error(np.array([0.0]), np.array([False])) == 0.0


def test_normalise_ws_only_touches_whitespace():
    assert normalise_ws("  Nära\n vård\t och  ") == "Nära vård och"
    assert normalise_ws(None) is None
    # case and punctuation count
    assert similarity("Nära vård.", "nära vård") < 100


def test_assign_is_one_to_one_and_maximises_the_sum():
    gold = ["abc", "abd"]
    pred = ["abd", "abc", "zzz"]

    def score(g: str, p: str) -> float:
        return sum(x == y for x, y in zip(g, p, strict=False)) * 10.0

    # gold abc-pred abc (30) + gold abd-pred abd (30) = 60 beats any other pairing;
    # zzz matches nothing
    pairs = assign(gold, pred, score, min_score=15)
    assert sorted((g, p) for g, p, _ in pairs) == [(0, 1), (1, 0)]


def test_assign_drops_pairs_below_the_minimum():
    # greedy would pair both; the minimum leaves only the exact one
    pairs = assign(["Modell för invånarinvolvering", "Helt annat"],
                   ["Modell för invånarinvolvering"],
                   similarity, min_score=60)
    assert [(g, p) for g, p, _ in pairs] == [(0, 0)]
    assert assign([], ["x"], similarity, 60) == []
