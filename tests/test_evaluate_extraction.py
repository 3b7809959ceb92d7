"""Extraction evaluator: toy records with hand-computed results, and quality guards."""

from __future__ import annotations

import pytest

from fhs_nlp.datamodel.records import Effect, Milestone, Provenance, Viljeriktning
from fhs_nlp.evaluate.extraction import evaluate_extraction
from fhs_nlp.evaluate.gold import GoldRecord
from fhs_nlp.evaluate.predictions import from_records


def _prov(line: int, end: int | None = None) -> Provenance:
    return Provenance(document_id="002", source_file="002.txt", line_start=line,
                      line_end=end or line, char_start=0, char_end=1)


def _gold_milestone(line: int, title: str, effects: list[tuple[str, list[str]]],
                    **fields) -> GoldRecord:
    row = {"doc": "002", "line_start": line, "line_end": line + 5, "area": "Nära vård",
           "year": 2024, "title": title, "description": "", "rewords_2022": False,
           "previous_wording": None, "notes": "ignored",
           "effects": [{"text": t, "targets": tg} for t, tg in effects], **fields}
    return GoldRecord("milestone", "002", line, line + 5, row, f"milestones.jsonl:{line}")


def _milestone(line: int, title: str, effects: list[tuple[str, list[str]]],
               **fields) -> Milestone:
    values = {"area": "Nära vård", "year": 2024, "description": "", **fields}
    return Milestone(
        record_id=f"002:milestone:{line}", provenance=_prov(line, line + 5),
        area_evidence="label", title=title,
        effects=[Effect(text=t, targets=tg, provenance=_prov(line + 2)) for t, tg in effects],
        **values,
    )


def test_extraction_toy_milestones_by_hand():
    gold = {"milestone": [
        _gold_milestone(10, "Primärvården är navet", [("Bättre kontinuitet", ["inv"]),
                                                      ("Färre akutbesök", ["sys"])]),
        _gold_milestone(30, "Mobila team i hela Skåne", [("Vård i hemmet", ["inv", "sys"])]),
        _gold_milestone(50, "Helt annan milstolpe om lokaler", []),
    ]}
    predicted = from_records({"milestone": [
        # matches row 10; year wrong; one effect right, one with wrong tags, one extra
        _milestone(10, "Primärvården  är\nnavet", [("Bättre kontinuitet", ["inv"]),
                                                   ("Färre akutbesök", ["inv"]),
                                                   ("Något annat helt och hållet", [])],
                   year=2023),
        # matches row 30 near-exactly (one letter differs); its effect is missing
        _milestone(30, "Mobila team i hela Skånes", []),
        # matches nothing
        _milestone(90, "Digital första linje", []),
    ]})
    result = evaluate_extraction(gold, predicted)
    ms = result.kinds["milestone"]
    # 2 of 3 predicted match, 2 of 3 gold found: P = R = F1 = 2/3
    assert (ms.prf.tp, ms.prf.n_pred, ms.prf.n_gold) == (2, 3, 3)
    assert ms.prf.f1 == pytest.approx(2 / 3)
    # year: row 10 wrong, row 30 right -> 1/2; title exact: row 10 right after whitespace
    # normalisation, row 30 wrong -> 1/2; title near (>= 90): both -> 2/2
    assert (ms.fields["year"].correct, ms.fields["year"].total) == (1, 2)
    assert ms.fields["title"].correct == 1
    assert ms.fields["title (near)"].correct == 2
    # effects: gold 3, predicted 3, paired 2 (both in row 10): P = R = 2/3;
    # tags agree on 1 of the 2 pairs
    assert (result.effects.tp, result.effects.n_pred, result.effects.n_gold) == (2, 3, 3)
    assert result.effect_fields["targets"].correct == 1
    problems = sorted((m.problem, m.field or "") for m in result.mismatches)
    assert problems == sorted([
        ("missing", ""), ("spurious", ""), ("field", "year"), ("field", "title"),
        ("effect field", "effect targets"), ("effect spurious", "effect"),
        ("effect missing", "effect"),
    ])
    year = next(m for m in result.mismatches if m.field == "year")
    assert (year.expected, year.found) == (2024, 2023)
    assert year.gold_at == "002:10-15 (milestones.jsonl:10)"
    assert year.found_at == "002.txt: lines 10-15"


def test_extraction_predictions_of_other_documents_are_set_aside():
    gold_row = {"doc": "000", "area": "Nära vård", "number": 1, "text": "En mer nära vård",
                "statement_id": "nara-vard/1", "line": 53}
    gold = {"viljeriktning": [GoldRecord("viljeriktning", "000", 53, 53, gold_row, "v:1")]}
    record = Viljeriktning(record_id="x", provenance=_prov(53).model_copy(
        update={"document_id": "utkast"}), area="Nära vård", number=1,
        text="En mer nära vård", statement_id="nara-vard/1")
    result = evaluate_extraction(gold, from_records({"viljeriktning": [record]}))
    assert result.kinds["viljeriktning"].prf.n_pred == 0
    assert result.set_aside == {"viljeriktning: document utkast not in the gold": 1}


# --- quality guards on the bundled corpus: thresholds just under the measured values ------
# Measured 2026-11 (eval/reports/metrics.json): every kind except fokusforflyttning fields
# at 1.0. Never lower a threshold to make a test pass: fix the extractor or the gold.


@pytest.fixture(scope="module")
def corpus_eval():
    from fhs_nlp.evaluate import run_eval

    return run_eval("extraction", None)


@pytest.mark.parametrize(("metric", "threshold"), [
    ("extraction.milestone.f1", 0.99),
    ("extraction.viljeriktning.f1", 0.99),
    ("extraction.effects.f1", 0.99),
    ("extraction.milestone.area.accuracy", 0.98),
    ("extraction.milestone.year.accuracy", 0.98),
    ("extraction.milestone.title.accuracy", 0.98),
    ("extraction.milestone.description.accuracy", 0.98),
    ("extraction.effects.targets.accuracy", 0.98),
])
def test_extraction_quality_guard(corpus_eval, metric, threshold):
    assert corpus_eval.headline[metric] >= threshold, (
        f"{metric} fell to {corpus_eval.headline[metric]:.4f} (guard {threshold}); see the "
        "mismatches in the report: fhs-nlp eval --suite extraction"
    )
