"""Document-level area scores: the share of the text, not growing with length."""

from __future__ import annotations

import numpy as np
import pytest

from fhs_nlp.align.doc_score import DocumentRule, area_score, score_meaning


def test_doc_score_share_of_words_in_credited_passages():
    # 4 passages of 100, 50, 25, 25 words; only the first two reach the 0.5 threshold:
    # (100 + 50) / 200 = 0.75 -> 75 %
    p = np.array([0.9, 0.6, 0.4, 0.1])
    s = area_score(p, [100, 50, 25, 25], 0.5, DocumentRule(gap_probability=0.5))
    assert s.score == pytest.approx(75.0)
    assert s.credited == [0, 1]
    assert s.status == "covered"


def test_doc_score_does_not_grow_with_length():
    p = np.array([0.95, 0.2, 0.1, 0.3])
    words = [40, 60, 80, 20]
    short = area_score(p, words, 0.5)
    long = area_score(np.tile(p, 25), words * 25, 0.5)  # the same plan 25 times over
    assert long.score == pytest.approx(short.score)


def test_doc_score_one_passing_paragraph_in_a_long_plan_is_not_covered():
    # a 400-passage plan with one clear paragraph about the area
    p = np.full(400, 0.05)
    p[17] = 0.9
    s = area_score(p, [60] * 400, 0.5, DocumentRule(gap_probability=0.6, covered_share=5.0))
    assert s.status == "weak"
    assert s.score < 1.0


def test_doc_score_no_passage_about_the_area_is_a_gap_however_long():
    p = np.full(1000, 0.45)  # many near misses never add up to coverage
    s = area_score(p, [50] * 1000, 0.5)
    assert s.status == "gap" and s.score == 0.0


def test_doc_score_gap_share_and_min_passages():
    p = np.array([0.9] + [0.0] * 99)
    rule = DocumentRule(gap_probability=0.6, min_passages=1, gap_share=2.0, covered_share=5.0)
    assert area_score(p, [10] * 100, 0.5, rule).status == "gap"  # 0.9 % < 2 %
    assert area_score(p, [10] * 100, 0.5, DocumentRule(min_passages=2)).status == "gap"
    assert area_score(p, [10] * 100, 0.5, DocumentRule()).status == "weak"


def test_doc_score_empty_document_is_all_gap():
    assert area_score(np.zeros(0), [], 0.5).status == "gap"


def test_doc_score_rule_checks_itself():
    with pytest.raises(ValueError, match="gap_probability"):
        DocumentRule(gap_probability=0.0)
    with pytest.raises(ValueError, match="covered_share"):
        DocumentRule(gap_share=10.0, covered_share=5.0)
    with pytest.raises(ValueError, match="at least 1"):
        DocumentRule(min_passages=0)


def test_doc_score_meaning_names_the_numbers():
    text = score_meaning(DocumentRule(covered_share=8.0, covered_passages=3))
    assert "does not grow with the length" in text
    assert "no passage is clearly about it" in text and "8 %" in text and "3 passages" in text
