"""Decisions, deadlines and dated case documents, on the real corpus and on protocol-like
texts written for the test. Expected values were read off the corpus files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fhs_nlp.datamodel.records import Decision
from fhs_nlp.extract.decisions import extract_decisions
from fhs_nlp.ingest import read_document

TEXTS = Path(__file__).resolve().parents[1] / "corpus" / "texts"
HSN = "Hälso- och sjukvårdsnämnden"


def _read(doc_id: str):
    (path,) = TEXTS.glob(f"{doc_id}_*.txt")
    return read_document(path, doc_id)


@pytest.fixture(scope="module")
def extracted():
    return {d: (_read(d), *extract_decisions(_read(d))) for d in ("000", "001", "002", "003")}


def _key(r: Decision) -> tuple:
    return (r.decision_kind, r.date, r.body, r.paragraph, r.case_number)


def test_001_protocol_extract(extracted):
    doc, records, warnings = extracted["001"]
    assert [_key(r) for r in records] == [
        # the extract itself: PROTOKOLLSUTDRAG (line 11), Datum 2020-04-16 (line 13)
        ("document", "2020-04-16", "Regionfullmäktige", "§ 33", "2020-POL000027"),
        # decision point 1 under "§ 33" (line 34), Ärendenummer (line 37); the title line
        # (line 7, "fastställdes av Regionfullmäktige 16 april 2020", no §) is the same
        # decision and is merged into it: the mention with the § is kept
        ("decision", "2020-04-16", "Regionfullmäktige", "§ 33", "2020-POL000027"),
    ]
    assert [r.record_id for r in records] == ["001:decision:1", "001:decision:2"]
    assert records[0].text == "Protokollsutdrag"
    assert records[1].text == "fastställer Målbild och färdplan för framtidens hälsosystem"
    assert [(r.provenance.line_start, r.provenance.line_end) for r in records] == [
        (13, 13),
        (41, 41),
    ]
    assert {r.provenance.document_id for r in records} == {"001"}
    assert warnings == []


def test_001_one_record_per_mention_on_request(extracted):
    doc = extracted["001"][0]
    records, _ = extract_decisions(doc, merge_repeats=False)
    assert [
        (r.decision_kind, r.paragraph, r.case_number, r.provenance.line_start) for r in records
    ] == [
        ("decision", None, None, 7),  # a cited decision: no case number in its sentence
        ("document", "§ 33", "2020-POL000027", 13),
        ("decision", "§ 33", "2020-POL000027", 41),
    ]
    assert records[0].text == (
        "Målbild och färdplan för framtidens hälsosystem, med insatsområden och "
        "viljeriktningar, fastställdes"
    )
    assert {r.date for r in records} == {"2020-04-16"}


def test_003_decision_proposal(extracted):
    doc, records, warnings = extracted["003"]
    case = "2020-POL000027"
    assert [_key(r) for r in records] == [
        # Ordförandens förslag 1.-3.: proposals dated by "1. Beslutsförslag 2022-05-30"
        ("decision", "2022-05-30", HSN, None, case),
        ("decision", "2022-05-30", HSN, None, case),
        ("decision", "2022-05-30", HSN, None, case),
        ("deadline", "2022-09-15", HSN, None, case),
        # Sammanfattning: decisions the text cites; no case number in their sentences
        ("decision", "2020-04-16", "Regionfullmäktige", "§ 33", None),
        ("decision", "2021-12-21", HSN, "§ 155", None),
        # I ärendet finns följande dokument
        ("document", "2022-05-30", HSN, None, case),
    ]
    assert [r.record_id for r in records] == [f"003:decision:{n}" for n in range(1, 8)]
    assert [(r.provenance.line_start, r.provenance.line_end) for r in records] == [
        (22, 26), (28, 31), (33, 38), (38, 38), (41, 42), (42, 45), (48, 48)
    ]  # fmt: skip
    assert records[0].text == (
        "fastställer Förändrings- och genomförandeplan för Framtidens hälsosystem 2022-2025 "
        "som inriktning för hälso- och sjukvårdsnämndens fortsatta arbete för omställningen "
        "av hälso- och sjukvården"
    )
    assert records[1].text.startswith("De beslut som behövs kring åtgärder")
    assert records[2].text.startswith("översänder Förändrings- och genomförandeplan")
    assert records[4].text == "fastställde Målbild och färdplan för framtidens hälsosystem"
    assert records[6].text == "Beslutsförslag"
    # "antog i april 2020" (line 54), "i december 2021" (line 57) and "Samtidigt
    # fastslogs" (line 58) repeat the dated decisions: no warning
    assert warnings == []


def test_003_without_proposals(extracted):
    doc = extracted["003"][0]
    records, warnings = extract_decisions(doc, include_proposals=False)
    assert [(r.decision_kind, r.date) for r in records] == [
        ("deadline", "2022-09-15"),  # set by proposal point 3, kept
        ("decision", "2020-04-16"),
        ("decision", "2021-12-21"),
        ("document", "2022-05-30"),
    ]
    assert warnings == []


def test_003_paragraph_155_across_the_line_break(extracted):
    doc, records, _ = extracted["003"]
    (r,) = [r for r in records if r.paragraph == "§ 155"]
    assert (r.date, r.body) == ("2021-12-21", HSN)
    assert "§ \n155" in doc.text[r.provenance.char_start : r.provenance.char_end]
    assert r.text.startswith(
        "fastställde mål och strategi för Framtidens hälsosystem och beslöt att"
    )
    assert "\n" not in r.text and "  " not in r.text


def test_003_deadline(extracted):
    doc, records, _ = extracted["003"]
    (r,) = [r for r in records if r.decision_kind == "deadline"]
    assert (r.date, r.body) == ("2022-09-15", HSN)
    assert doc.text[r.provenance.char_start : r.provenance.char_end] == "senast 2022-09-15"
    assert r.text.endswith("med svar senast 2022-09-15")
    assert "sjukhusstyrelserna, sjukvårdsnämnderna, personalnämnden och servicenämnden" in r.text


def test_000_strategy_header_and_references(extracted):
    doc, records, warnings = extracted["000"]
    # "Ärendenummer: Ange ärendenummer" is a placeholder: no case number anywhere
    assert [_key(r) for r in records] == [
        ("decision", "2025-12-04", "Regionstyrelsen", None, None),  # Godkänt datum / Godkänd av
        ("decision", "2021-12-21", HSN, "§ 155", None),
        # as written in 000 ("§133"), although 001 gives the same decision as § 33
        ("decision", "2020-04-16", "Regionfullmäktige", "§ 133", None),
    ]
    # "Gäller fr.o.m. 2026-01-01" is when the strategy applies: no record
    assert "2026-01-01" not in {r.date for r in records}
    assert records[0].text == "godkänd: Strategi för Framtidens hälsosystem"
    assert (records[0].provenance.line_start, records[0].provenance.line_end) == (9, 11)
    assert records[1].text == "Mål och strategi för framtidens hälsosystem beslutades"
    assert records[2].text == "fastställda Målbild och färdplan mot Framtidens hälsosystem"
    r = records[2]
    assert "(2020-04-16 §133)" in doc.text[r.provenance.char_start : r.provenance.char_end]
    # "är beslutad av regionfullmäktige" (line 45) has no date; "(Beslut i
    # Regionfullmäktige april 2020)" (line 47) matches 2020-04-16 and is no warning
    assert [(w.code, w.provenance.line_start) for w in warnings] == [("W301", 45)]
    assert "Regionfullmäktige" in warnings[0].message
    assert "2020-04-16 § 133" in warnings[0].message


def test_002_has_only_an_undated_decision(extracted):
    _, records, warnings = extracted["002"]
    assert records == []
    assert [(w.code, w.provenance.line_end) for w in warnings] == [("W301", 1481)]
    assert "Regiondirektören" in warnings[0].message and "2021-01" in warnings[0].message


def test_same_decision_is_kept_per_document(extracted):
    rf = [
        r.record_id
        for d in ("001", "003")
        for r in extracted[d][1]
        if (r.decision_kind, r.date, r.paragraph) == ("decision", "2020-04-16", "§ 33")
    ]
    assert rf == ["001:decision:2", "003:decision:5"]


def test_provenance_points_at_the_source(extracted):
    for doc, records, warnings in extracted.values():
        for r in records:
            span = doc.text[r.provenance.char_start : r.provenance.char_end]
            assert r.provenance.document_id == doc.doc_id
            assert span.strip() == span and span
        for w in warnings:
            assert w.provenance is not None and w.provenance.document_id == doc.doc_id


# --------------------------------------------------------------------------- other texts

PROTOCOL = """Regionstyrelsen
PROTOKOLL
Sammanträdesdatum 2021-05-05

§ 12 Budget 2022
Dnr RS 2021/345

Regionstyrelsens beslut

Regionstyrelsen beslutar
att godkänna förslaget till budget för 2022, samt
att uppdra åt regiondirektören att redovisa arbetet senast 2021-12-31.

§ 13 Lokalförsörjningsplan
Diarienummer 1600845

Beslut
1. Regionstyrelsen antar lokalförsörjningsplanen.
2. Ärendet anses omedelbart justerat.

Sammanfattning
Planen antogs 2020-01-15 av regionstyrelsen. Servicenämnden godkände den 3 mars 2021 § 7 \
en ny modell för lokalhyror. Servicenämnden godkände modellen för lokalhyror \
(2021-03-03 § 7). Regionfullmäktige beslutade om detta under 2019.
"""


def _extract(tmp_path: Path, text: str, name: str = "prot.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return extract_decisions(read_document(path, "x"))


def test_a_protocol_with_att_points_and_several_paragraphs(tmp_path):
    records, warnings = _extract(tmp_path, PROTOCOL)
    rs = "Regionstyrelsen"
    assert [(*_key(r), r.text) for r in records] == [
        # the protocol of two cases: no one § or case number
        ("document", "2021-05-05", rs, None, None, "Protokoll"),
        ("decision", "2021-05-05", rs, "§ 12", "RS 2021/345",
         "godkänna förslaget till budget för 2022"),
        ("decision", "2021-05-05", rs, "§ 12", "RS 2021/345",
         "uppdra åt regiondirektören att redovisa arbetet senast 2021-12-31"),
        ("deadline", "2021-12-31", rs, "§ 12", "RS 2021/345",
         "uppdra åt regiondirektören att redovisa arbetet senast 2021-12-31"),
        ("decision", "2021-05-05", rs, "§ 13", "1600845", "antar lokalförsörjningsplanen"),
        ("decision", "2021-05-05", rs, "§ 13", "1600845", "Ärendet anses omedelbart justerat"),
        ("decision", "2020-01-15", rs, None, None, "Planen antogs"),
        # mentioned twice ("den 3 mars 2021 § 7" and "(2021-03-03 § 7)"): the first is kept
        ("decision", "2021-03-03", "Servicenämnden", "§ 7", None,
         "godkände en ny modell för lokalhyror"),
    ]  # fmt: skip
    assert [w.code for w in warnings] == ["W301"]
    assert "Regionfullmäktige" in warnings[0].message


def test_proposal_without_a_date_is_warned_not_dropped(tmp_path):
    text = (
        "Hälso- och sjukvårdsnämnden\n\nTJÄNSTESKRIVELSE\n\nDatum\n\n"
        "Ordförandens förslag\n1. Hälso- och sjukvårdsnämnden fastställer planen.\n"
        "2. Hälso- och sjukvårdsnämnden godkänner rapporten.\n\n"
        "Regionstyrelsen beslutade (§ 44) att anta planen.\n"
    )
    records, warnings = _extract(tmp_path, text)
    assert records == []
    assert [(w.code, w.provenance.line_start) for w in warnings] == [
        ("W301", 8),
        ("W301", 9),
        ("W301", 11),
    ]
    assert "fastställer planen" in warnings[0].message


def test_header_approval_without_a_date_is_warned(tmp_path):
    text = (
        "Regionstyrelsen\n\nRIKTLINJE\n\nGodkänt datum\tAnge datum\nGodkänd av\tRegionstyrelsen\n"
        "Gäller fr.o.m.\tAnge datum\n\nRiktlinje för lokaler\n\nText.\n"
    )
    records, warnings = _extract(tmp_path, text)
    assert records == []
    assert [(w.code, w.provenance.line_start) for w in warnings] == [("W301", 5)]


def test_gold_counting_reproduces_the_extraction_gold(extracted):
    """With the gold's counting (one record per mention, proposal points left out), the
    records are exactly eval/gold/extraction/decisions.jsonl (kind, date, body, §, case,
    line)."""
    gold_file = TEXTS.parents[1] / "eval" / "gold" / "extraction" / "decisions.jsonl"
    gold = [json.loads(line) for line in gold_file.read_text(encoding="utf-8").splitlines()]
    expected = sorted(
        (
            (
                g["doc"],
                g["decision_kind"],
                g["date"],
                g["body"],
                g["paragraph"],
                g["case_number"],
                g["line"],
            )
            for g in gold
        ),
        key=repr,
    )
    found = sorted(
        (
            (d, *_key(r), r.provenance.line_start)
            for d, (doc, _, _) in extracted.items()
            for r in extract_decisions(doc, include_proposals=False, merge_repeats=False)[0]
        ),
        key=repr,
    )
    assert found == expected
