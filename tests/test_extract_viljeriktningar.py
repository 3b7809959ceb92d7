"""Insatsområden and viljeriktningar of the 2025 strategy (000) and 2020 decision (001).

The expected texts are the bullets of the source's <ul> fragments, split by hand while
reading 000 lines 51-57 and 001 lines 24-30: word for word, typos included.
"""

from __future__ import annotations

import pytest

from fhs_nlp.datamodel.document import Document
from fhs_nlp.extract.viljeriktningar import extract_viljeriktningar, link_versions

STRATEGY_2025 = {
    "Personcentrerat arbetssätt": [
        "Hälso- och sjukvård ska utgå från individens behov och möjliggöra för patienter att "
        "vara medskapare",
        "Patienten ska mötas utifrån ett helhetsperspektiv med samordning i alla insatser och "
        "initiativ",
        "Metoder ska vara evidensbaserade utifrån tydliga prioriteringar och förbättras "
        "kontinuerligt",
    ],
    "Hälsofrämjande och förebyggande insatser": [
        "Strukturella förutsättningar för jämlika och långsiktigt hälsöfrämjande och "
        "förebyggande insatser ska finnas",
        "Insatser ska göras tillsammans med invånare och relevanta samhällsaktörer och skapa "
        "förutsättningar för förbättrade livsvillkor och levnadsvanor",
    ],
    "Nära vård": [
        "En mer nära vård utifrån invånarnas behov",
        "Primärvården ska ha en tydlig roll som första vårdnivån för invånarna och vara navet i "
        "samordningen med andra relevanta aktörer",
        "Invånarnas olika behov av kontinuitet och tillgänglighet ska mötas på mest effektiva "
        "sätt",
    ],
    "Nivåstrukturering och profilering": [
        "Region Skåne ska skapa förutsättningar för att bedriva regional och nationell "
        "högspecialiserad vård",
        "Profilering och koncentration ska ske utifrån en effektiv, jämlik och säker vård med "
        "goda medicinska resultat",
        "Hälso- och sjukvårdsstrukturen ska ge goda förutsättningar för högkvalitativ forskning "
        "och utbildning",
    ],
    "Medarbetare": [
        "Region Skåne ska arbeta aktivt för att behålla, utveckla och attrahera medarbetare",
        "Det ska vara attraktivt att vara chef med goda förutsättningar för ett utvecklande och "
        "nära ledarskap",
    ],
    "Digitalisering": [
        "Verktyg som ökar kvalitet, tillgänglighet, jämlikhet, delaktighet och självständighet "
        "för invånaren ska användas",
        "Digitala tjänster och verktyg ska ge stöd till medarbetare att stärka kvalitet, "
        "säkerhet och effektiva arbetssätt",
    ],
    "Fysisk infrastruktur": [
        "Investeringar ska ske med utgångspunkt i framtida behov och arbetssätt",
        "Planering av lokaler och miljöer ska utgå ifrån patientsäkerhet, flödeseffektivitet "
        "samt kunskap och utveckling",
        "Vårdmiljöerna ska vara hälsbara och bidra till en positiv patientupplevelse och god "
        "arbetsmiljö",
    ],
}

# The 2020 wording differs in a few words: "Hälsa- och", "vårdnivå", "arbetsätt", "hållbara".
DECISION_2020 = {area: list(texts) for area, texts in STRATEGY_2025.items()}
DECISION_2020["Personcentrerat arbetssätt"][0] = DECISION_2020["Personcentrerat arbetssätt"][
    0
].replace("Hälso- och", "Hälsa- och")
DECISION_2020["Nära vård"][1] = DECISION_2020["Nära vård"][1].replace("vårdnivån", "vårdnivå")
DECISION_2020["Nivåstrukturering och profilering"][2] = (
    "Hälsa- och sjukvårdsstrukturen ska ge goda förutsättningar för högkvalitativ forskning "
    "och utbildning"
)
DECISION_2020["Digitalisering"][1] = DECISION_2020["Digitalisering"][1].replace(
    "arbetssätt", "arbetsätt"
)
DECISION_2020["Fysisk infrastruktur"][0] = (
    "Investeringar ska ske med utgångspunkt i framtida behov och arbetsätt"
)
DECISION_2020["Fysisk infrastruktur"][2] = DECISION_2020["Fysisk infrastruktur"][2].replace(
    "hälsbara", "hållbara"
)


def _by_area(result):
    found: dict[str, list[str]] = {}
    for statement in result.viljeriktningar:
        found.setdefault(statement.area, []).append(statement.text)
    return found


@pytest.mark.parametrize(("doc_id", "expected"), [("000", STRATEGY_2025), ("001", DECISION_2020)])
def test_viljeriktningar_word_for_word(corpus_docs, doc_id, expected):
    result = extract_viljeriktningar(corpus_docs[doc_id])
    assert _by_area(result) == expected
    assert len(result.viljeriktningar) == 18
    assert result.warnings == []


@pytest.mark.parametrize("doc_id", ["000", "001"])
def test_viljeriktning_spans_point_at_the_source(corpus_docs, doc_id):
    doc: Document = corpus_docs[doc_id]
    for statement in extract_viljeriktningar(doc).viljeriktningar:
        p = statement.provenance
        assert doc.text[p.char_start : p.char_end] == statement.text
        assert p.line_start == p.line_end  # one table line per area


def test_groups_and_spellings_2020(corpus_docs):
    areas = extract_viljeriktningar(corpus_docs["001"]).areas
    assert [a.name for a in areas] == list(STRATEGY_2025)
    by_name = {a.name: a for a in areas}
    assert by_name["Personcentrerat arbetssätt"].name_in_source == "Personcentrerat arbetsätt"
    assert by_name["Personcentrerat arbetssätt"].group_in_source == "Processer och arbetsätt"
    assert by_name["Medarbetare"].group == "Möjliggörare"
    assert by_name["Medarbetare"].group_in_source == "Förutsättningar"
    assert by_name["Hälsofrämjande och förebyggande insatser"].name_in_source == (
        "Hälsöfrämjande och förebyggande insatser"
    )
    assert by_name["Nära vård"].provenance.line_start == 26


def test_groups_2025(corpus_docs):
    areas = extract_viljeriktningar(corpus_docs["000"]).areas
    groups = [(a.name, a.group) for a in areas]
    assert groups == [
        ("Personcentrerat arbetssätt", "Processer och arbetssätt"),
        ("Hälsofrämjande och förebyggande insatser", "Processer och arbetssätt"),
        ("Nära vård", "Organisation och styrning"),
        ("Nivåstrukturering och profilering", "Organisation och styrning"),
        ("Medarbetare", "Möjliggörare"),
        ("Digitalisering", "Möjliggörare"),
        ("Fysisk infrastruktur", "Möjliggörare"),
    ]
    assert [len(a.viljeriktningar) for a in areas] == [3, 2, 3, 3, 2, 2, 3]


def test_versions_are_linked_across_documents(corpus_docs):
    statements = [
        *extract_viljeriktningar(corpus_docs["000"]).viljeriktningar,
        *extract_viljeriktningar(corpus_docs["001"]).viljeriktningar,
    ]
    assert link_versions(statements) == []
    by_record = {s.record_id: s for s in statements}
    nara = by_record["000:viljeriktning:nara-vard/2"]
    assert nara.other_versions == ["001:viljeriktning:nara-vard/2"]
    assert "vårdnivå " in by_record[nara.other_versions[0]].text


def test_run_on_bullets_keep_proper_nouns_together():
    """'med Region Skåne' must not start a new statement; 'aktörer Invånarna' must."""
    from fhs_nlp.extract.viljeriktningar import split_html_bullets

    line = ('<ul> Vården ska samverka med Region Skåne och kommunerna i alla frågor '
            'Invånarna ska mötas av Nära Vård överallt')
    texts = [t for t, _, _ in split_html_bullets(line, 4)]
    assert texts == [
        "Vården ska samverka med Region Skåne och kommunerna i alla frågor",
        "Invånarna ska mötas av Nära Vård överallt",
    ]


def test_bullet_list_table_from_a_pdf_or_word_file(tmp_path):
    """The same table as separate lines: group, area, then one bullet per line."""
    from fhs_nlp.ingest import read_document

    text = (
        "Område\tViljeriktning\n\nOrganisation och styrning\n\nNära vård\n\n"
        "• En mer nära vård utifrån invånarnas behov\n"
        "• Primärvården ska ha en tydlig roll som första vårdnivån för invånarna och vara\n"
        "navet i samordningen med andra relevanta aktörer\n\n"
        "Möjliggörare\n\nDigitalisering\n\n"
        "• Verktyg som ökar kvalitet ska användas\n\n"
        "Nästa stycke är vanlig text.\n"
    )
    path = tmp_path / "tabell.txt"
    path.write_text(text, encoding="utf-8")
    result = extract_viljeriktningar(read_document(path))
    assert _by_area(result) == {
        "Nära vård": [
            "En mer nära vård utifrån invånarnas behov",
            "Primärvården ska ha en tydlig roll som första vårdnivån för invånarna och vara "
            "navet i samordningen med andra relevanta aktörer",
        ],
        "Digitalisering": ["Verktyg som ökar kvalitet ska användas"],
    }
    assert [a.group for a in result.areas] == ["Organisation och styrning", "Möjliggörare"]
