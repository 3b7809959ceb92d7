"""The shared Swedish pipeline on the real corpus texts.

Expected values were read off the corpus files; spans are located with ``str.index`` on
a longer, unique piece of the source so that the test pins the exact offsets.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fhs_nlp.datamodel.entities import ENTITY_LABELS, Entity
from fhs_nlp.ingest import read_document
from fhs_nlp.segment import nlp as N
from fhs_nlp.segment.swedish_values import (
    canonical_body,
    normalise_text,
    parse_date,
    parse_decision_ref,
    parse_effect_tag,
    parse_year_range,
)

TEXTS = Path(__file__).resolve().parents[1] / "corpus" / "texts"


def _text(doc_id: str) -> str:
    (path,) = TEXTS.glob(f"{doc_id}_*.txt")
    return read_document(path, doc_id).text


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {d: _text(d) for d in ("000", "001", "002", "003")}


def _entity_at(text: str, context: str, surface: str) -> Entity:
    """The entity that spans ``surface`` where it stands inside ``context`` in ``text``."""
    start = text.index(context) + context.index(surface)
    end = start + len(surface)
    found = [e for e in N.find_entities(text) if (e.start, e.end) == (start, end)]
    assert found, f"no entity at {start}-{end} ({surface!r}); near: " + repr(
        [e for e in N.find_entities(text) if abs(e.start - start) < 40]
    )
    (entity,) = found
    assert entity.text == text[start:end] == surface
    return entity


# --------------------------------------------------------------------------- pipeline


def test_pipeline_is_built_once_with_the_rule_components():
    nlp = N.get_pipeline()
    assert N.get_pipeline() is nlp
    assert nlp.lang == "sv"
    assert nlp.pipe_names == [
        "lemmatizer",
        "fhs_lemma_case",
        "fhs_sentences",
        "entity_ruler",
        "fhs_entity_context",
    ]
    assert nlp.get_pipe("lemmatizer").mode == "lookup"


def test_lemmatizer_works_offline_from_the_lookup_table():
    # values as the spacy-lookups-data Swedish table gives them
    assert N.lemmas("insatserna") == ["insats"]
    assert N.lemmas("Insatserna") == ["insats"]  # capitalised: retried in lower case
    assert N.lemmas("milstolparna beslöt fastställdes invånarna") == [
        "milstolpe",
        "besluta",
        "fastställa",
        "invånare",
    ]
    # unknown words come back lower-cased; punctuation and spaces are left out
    assert N.lemmas("Regionfullmäktige, \n hälsosystemet.") == [
        "regionfullmäktige",
        "hälsosystemet",
    ]


# --------------------------------------------------------------------------- entities


def test_date_entities(texts):
    e = _entity_at(texts["001"], "Datum 2020-04-16", "2020-04-16")
    assert (e.label, e.norm) == ("DATE", "2020-04-16")
    e = _entity_at(texts["001"], "fastställdes av Regionfullmäktige 16 april 2020", "16 april 2020")
    assert (e.label, e.norm) == ("DATE", "2020-04-16")
    e = _entity_at(texts["003"], "i december 2021 Mål och strategi", "december 2021")
    assert (e.label, e.norm) == ("DATE", "2021-12")
    e = _entity_at(texts["003"], "senast 2022-09-15.", "2022-09-15")
    assert (e.label, e.norm) == ("DATE", "2022-09-15")
    e = _entity_at(texts["002"], "(Datum 220208)", "220208")  # YYMMDD only after "Datum"
    assert (e.label, e.norm) == ("DATE", "2022-02-08")


def test_year_entities(texts):
    e = _entity_at(texts["002"], "hälsosystem 2023–2026", "2023–2026")
    assert (e.label, e.norm) == ("YEAR", "2023-2026")
    e = _entity_at(texts["002"], "förstudie under 2021/22", "2021/22")
    assert (e.label, e.norm) == ("YEAR", "2021-2022")
    e = _entity_at(texts["003"], "sjukvårdsbudget 2023, med svar", "2023")
    assert (e.label, e.norm) == ("YEAR", "2023")
    e = _entity_at(texts["003"], "Framtidens hälsosystem 2022-2025 som inriktning", "2022-2025")
    assert (e.label, e.norm) == ("YEAR", "2022-2025")
    first_2023_26 = texts["002"].index("2023-26")
    e = _entity_at(texts["002"], texts["002"][first_2023_26 - 5 : first_2023_26 + 7], "2023-26")
    assert (e.label, e.norm) == ("YEAR", "2023-2026")
    # the year inside a case number or a date is not a YEAR of its own
    years = {e.text for e in N.find_entities(texts["001"]) if e.label == "YEAR"}
    assert years == set()


def test_decision_entities(texts):
    e = _entity_at(texts["003"], "fastställde 2021-12-21 § \n155\xa0mål", "2021-12-21 § \n155")
    assert (e.label, e.norm) == ("DECISION", "2021-12-21 § 155")
    e = _entity_at(texts["003"], "fastställde 2020-04-16\xa0§ 33 Målbild", "2020-04-16\xa0§ 33")
    assert (e.label, e.norm) == ("DECISION", "2020-04-16 § 33")
    e = _entity_at(texts["000"], "(2021-12-21 §155)", "2021-12-21 §155")
    assert (e.label, e.norm) == ("DECISION", "2021-12-21 § 155")
    e = _entity_at(texts["000"], "(2020-04-16 §133)", "2020-04-16 §133")
    assert (e.label, e.norm) == ("DECISION", "2020-04-16 § 133")
    e = _entity_at(texts["001"], "§ 33 Målbild och färdplan", "§ 33")
    assert (e.label, e.norm) == ("DECISION", "§ 33")


def test_case_number_entities(texts):
    e = _entity_at(texts["001"], "Ärendenummer: 2020-POL000027", "2020-POL000027")
    assert (e.label, e.norm) == ("CASE_NUMBER", "2020-POL000027")
    e = _entity_at(texts["002"], "2023-POL000009-001", "2023-POL000009-001")
    assert (e.label, e.norm) == ("CASE_NUMBER", "2023-POL000009-001")
    # a labelled diary number in another format
    (e,) = [x for x in N.find_entities("Dnr RS 2020/123 avser") if x.label == "CASE_NUMBER"]
    assert (e.text, e.start, e.end) == ("RS 2020/123", 4, 15)


def test_effect_tag_entities(texts):
    t = texts["002"]
    e = _entity_at(t, "arbetstider inom lika verksamheter (sys, \nvsh)", "(sys, \nvsh)")
    assert (e.label, e.norm) == ("EFFECT_TAG", "sys,vsh")
    e = _entity_at(
        t, "Till aktiv medskapare med fokus på hälsa (inv, sys, vsh))", "(inv, sys, vsh))"
    )
    assert e.norm == "inv,sys,vsh"
    tags = [x for x in N.find_entities(t) if x.label == "EFFECT_TAG"]
    assert {x.text for x in tags} >= {"(inv, sys,vsh)", "(sys vsh)", "(vsh, sys)", "(inv)"}
    assert sum(x.text == "(sys)" for x in tags) == t.count("(sys)")
    assert sum(x.text == "(inv)" for x in tags) == t.count("(inv)")
    # a stray ")" is kept only where it closes nothing
    (inner,) = [x for x in N.find_entities("Effekt (se tabell (inv))") if x.label == "EFFECT_TAG"]
    assert inner.text == "(inv)"


def test_area_entities(texts):
    e = _entity_at(
        texts["001"],
        "Processer och arbetsätt\tPersoncentrerat arbetsätt",
        "Personcentrerat arbetsätt",
    )
    assert (e.label, e.norm) == ("AREA", "Personcentrerat arbetssätt")
    e = _entity_at(
        texts["001"],
        "\tHälsöfrämjande och förebyggande insatser <ul",
        "Hälsöfrämjande och förebyggande insatser",
    )
    assert e.norm == "Hälsofrämjande och förebyggande insatser"
    e = _entity_at(
        texts["001"], "\tNivåstrukturering och profilering <ul", "Nivåstrukturering och profilering"
    )
    assert e.norm == "Nivåstrukturering och profilering"
    e = _entity_at(
        texts["000"], "Medarbetare, Digitalisering och Fysisk infrastruktur", "Medarbetare"
    )
    assert e.norm == "Medarbetare"
    e = _entity_at(
        texts["000"], "Medarbetare, Digitalisering och Fysisk infrastruktur", "Fysisk infrastruktur"
    )
    assert e.norm == "Fysisk infrastruktur"
    # across a line break, with an inflected last word
    e = _entity_at(
        texts["002"],
        "hälsofrämjande och \nförebyggande arbetet",
        "hälsofrämjande och \nförebyggande arbetet",
    )
    assert e.norm == "Hälsofrämjande och förebyggande insatser"
    nara = {x.text for x in N.find_entities(texts["002"]) if x.norm == "Nära vård"}
    assert {"God och Nära Vård", "Nära Vård", "nära vård"} <= nara
    # the everyday noun "medarbetare" is not the area
    assert not [
        x
        for x in N.find_entities("Bättre upplevelse för patienter och medarbetare")
        if x.label == "AREA"
    ]


def test_body_entities(texts):
    t = texts["003"]
    e = _entity_at(
        t, "inför hälso- och \nsjukvårdsnämndens förslag", "hälso- och \nsjukvårdsnämndens"
    )
    assert (e.label, e.norm) == ("BODY", "Hälso- och sjukvårdsnämnden")
    for word, norm in [
        ("sjukhusstyrelserna", "Sjukhusstyrelserna"),
        ("sjukvårdsnämnderna", "Sjukvårdsnämnderna"),
        ("personalnämnden", "Personalnämnden"),
        ("servicenämnden", "Servicenämnden"),
    ]:
        e = _entity_at(
            t, "sjukhusstyrelserna, sjukvårdsnämnderna, personalnämnden och \nservicenämnden", word
        )
        assert (e.label, e.norm) == ("BODY", norm)
    e = _entity_at(t, "Region Skånes fullmäktige antog", "Region Skånes fullmäktige")
    assert e.norm == "Regionfullmäktige"
    e = _entity_at(texts["001"], "Regionfullmäktiges beslut", "Regionfullmäktiges")
    assert e.norm == "Regionfullmäktige"
    e = _entity_at(texts["000"], "Godkänd av\tRegionstyrelsen", "Regionstyrelsen")
    assert e.norm == "Regionstyrelsen"
    e = _entity_at(texts["002"], "Enligt RD-beslut", "RD")  # split off by the tokenizer infix
    assert (e.label, e.norm) == ("BODY", "Regiondirektören")


def test_every_label_is_found_in_the_corpus(texts):
    labels = {e.label for t in texts.values() for e in N.find_entities(t)}
    assert labels == set(ENTITY_LABELS)


# --------------------------------------------------------------------------- sentences


def test_abbreviations_do_not_end_sentences(texts):
    sents = [s for _, _, s in N.sentences(texts["002"])]
    assert (
        "Öppen innovationsarena där aktörer i Skåne, såsom offentlig sektor, näringsliv, akademi, "
        "\ncivilsamhället, osv. samlas och agerar tillsammans för en bättre hälsa"
    ) in sents
    assert any(s.endswith("kunskapsstyrning inom resp. område.") for s in sents)
    assert "Ett stöd i \ndetta kan vara tydliga styrande principer, såsom t.ex.:" in sents
    text = (
        "Planen gäller fr.o.m. 2026-01-01 och t.o.m. 2026-12-31, bl.a. för t.ex. Region Skåne. "
        "Nästa mening nämner 16 april 2020 och § 33. Vi räknar upp a, b osv. Sista."
    )
    assert [s for _, _, s in N.sentences(text)] == [
        "Planen gäller fr.o.m. 2026-01-01 och t.o.m. 2026-12-31, bl.a. för t.ex. Region Skåne.",
        "Nästa mening nämner 16 april 2020 och § 33.",
        "Vi räknar upp a, b osv.",
        "Sista.",
    ]


def test_sentences_of_a_protocol_text(texts):
    t = texts["003"]
    spans = N.sentences(t)
    sents = [s for _, _, s in spans]
    # the "§ \n155" line break does not split; a list number does not end a sentence
    assert (
        "Regionfullmäktige fastställde 2020-04-16\xa0§ 33 Målbild och färdplan för \n"
        "framtidens\xa0hälsosystem."
    ) in sents
    (s155,) = [s for s in sents if "2021-12-21" in s]
    assert s155.startswith("Hälso- och sjukvårdsnämnden fastställde 2021-12-21 § \n155")
    assert s155.endswith("ska antas och revideras av hälso- och\xa0sjukvårdsnämnden.")
    assert "1. Beslutsförslag 2022-05-30" in sents
    assert "Ordförandens förslag" in sents and "Sammanfattning" in sents
    assert all(t[a:b] == s for a, b, s in spans)
    assert (
        '1. Regionfullmäktige fastställer "Målbild och färdplan för framtidens hälsosystem".'
        in [s for _, _, s in N.sentences(texts["001"])]
    )


def test_long_text_is_parsed_in_chunks_with_exact_offsets(texts):
    t = texts["002"]
    docs = N.parse(t)
    assert len(docs) > 1 and docs[0][0] == 0
    assert "".join(d.text for _, d in docs) == t
    assert all(t[a:b] == s for a, b, s in N.sentences(t))
    assert all(t[e.start : e.end] == e.text for e in N.find_entities(t))


def test_paragraphs(texts):
    t = texts["001"]
    paras = N.paragraphs(t)
    assert (
        t.index("PROTOKOLLSUTDRAG"),
        t.index("PROTOKOLLSUTDRAG") + len("PROTOKOLLSUTDRAG"),
    ) in paras
    start = t.index("Ärendenummer: 2020-POL000027")
    assert (start, start + len("Ärendenummer: 2020-POL000027")) in paras
    assert all(t[a:b].strip() == t[a:b] and t[a:b] for a, b in paras)
    assert N.paragraphs("a\nb\n\n  \nc\fd") == [(0, 3), (8, 9), (10, 11)]


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("tag", "targets"),
    [
        ("(inv)", ["inv"]),
        ("(sys, vsh)", ["sys", "vsh"]),
        ("(sys vsh)", ["sys", "vsh"]),
        ("(inv, sys,vsh)", ["inv", "sys", "vsh"]),
        ("(vsh, sys))", ["sys", "vsh"]),
        ("(sys, \nvsh, inv)", ["inv", "sys", "vsh"]),
        ("(SYS)", ["sys"]),
        ("(invånare)", []),
        ("", []),
    ],
)
def test_parse_effect_tag(tag, targets):
    assert parse_effect_tag(tag) == targets


def test_parsers():
    assert parse_date("16 april 2020") == "2020-04-16"
    assert parse_date("2020-02-30") is None
    assert parse_date("april 2020") is None
    assert parse_year_range("2023-26") == (2023, 2026)
    assert parse_year_range("2020-04") is None  # a year-month, not a range
    assert parse_decision_ref("2021-12-21 § \n155") == ("2021-12-21", "§ 155")
    assert parse_decision_ref("§33") == (None, "§ 33")
    assert canonical_body("hälso- och \nsjukvårdsnämndens") == "Hälso- och sjukvårdsnämnden"
    assert canonical_body("Primärvårdsnämndens") == "Primärvårdsnämnden"
    assert canonical_body("Region Skåne") is None
    assert normalise_text("helhets-\norienterad, IT-\nstöd och hälso-\noch  sjukvård") == (
        "helhets-orienterad, IT-stöd och hälso- och sjukvård"
    )
