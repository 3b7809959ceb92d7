"""Milestones of Tabell 1 in the 2023-2026 plan (002), read from the text as it is.

Expected values come from reading the source lines named in each test.
"""

from __future__ import annotations

import pytest


def _by_title(result, start: str):
    found = [m for m in result.milestones if m.title.startswith(start)]
    assert len(found) == 1, f"{len(found)} milestones titled {start!r}"
    return found[0]


def _effects(milestone):
    return [(e.text, e.targets) for e in milestone.effects]


def test_first_row_has_no_year_and_no_area_label(plan_extraction):
    """Lines 144-159: the table's first row; page 1 has no rotated area label."""
    m = _by_title(plan_extraction, "Modell för invånarinvolvering")
    assert m.year is None
    assert m.area == "Personcentrerat arbetssätt"
    assert m.area_evidence == "order"
    assert m.description == (
        "Finns en modell för att arbeta med invånarinvolvering i hela hälsosystemet"
    )
    assert _effects(m) == [
        (
            "Ökad möjlighet till påverkan av hälso- och sjukvårdens utveckling för att mer "
            "resillient hälso och sjukvårdssystem",
            ["inv"],
        ),
        ("Invånarens perspektiv inhämtas på alla nivåer", ["sys"]),
        ("Beslut som fattas utgår i större utsträckning från invånarnas behov", ["sys"]),
        ("Undvika att fastna i organisationens behov.", ["sys"]),
    ]
    assert (m.provenance.line_start, m.provenance.line_end) == (144, 159)


def test_year_cell_belongs_to_the_row_whose_milestone_cell_follows(plan_extraction):
    """Lines 177-189: a year cell stands between "Stödstruktur för invånarinvolvering"
    and a paragraph that shares a line with its last digit. That paragraph wraps at the
    milestone column's width (about 90 characters on this page, against about 60 in
    the effects column), so it is a milestone of its own, with the year; the row above
    has neither year nor effects."""
    above = _by_title(plan_extraction, "Stödstruktur för invånarinvolvering")
    assert above.year is None
    assert above.effects == []
    assert above.description.startswith("För att möjliggöra invånarinvolvering på alla nivåer")
    assert above.description.endswith("samverkan över organisationsgränser en nödvändighet.")
    m = _by_title(plan_extraction, "Struktur för invånarinvolvering implementerad")
    assert m.year == 2023
    assert m.title == (
        "Struktur för invånarinvolvering implementerad i alla regionens förvaltningar som "
        "möjliggör involvering på alla nivåer – från patientmöte till verksamhetsutveckling "
        "och policyarbete"
    )
    assert (m.description, m.effects) == ("", [])
    assert (m.provenance.line_start, m.provenance.line_end) == (182, 189)


def test_paragraph_too_wide_for_the_milestone_column_is_an_effect(plan_extraction):
    """Lines 1922-1929: after a title-only cell, a paragraph that wraps at the effects
    column's width (page of Medarbetare) is an effect, not a description."""
    m = _by_title(plan_extraction, "Regiongemensamma kompetensmodeller med tillhörande")
    assert m.description == ""
    assert [e.text for e in m.effects] == [
        "Utvecklade kompetens- och utvecklingsvägar i organisationen för att säkra en hållbar "
        "kompetensförsörjning",
        "Behålla och attrahera medarbetare",
    ]


def test_reworded_2022_milestone(plan_extraction):
    """Lines 197-215."""
    m = _by_title(plan_extraction, "Struktur för att implementera")
    assert m.title == (
        "Struktur för att implementera, följa upp och agera på personcentrerade sammanhållna "
        "vårdförlopp etablerad"
    )
    assert m.rewords_2022
    assert m.previous_wording == (
        "Personcentrerade och sammanhållna vårdförlopp integrerade i den kliniska vardagen"
    )
    assert m.description == (
        "Personcentrerade och sammanhållna vårdförlopp baseras på bästa tillgängliga kunskap "
        "och är ett av de kunskapsstöd som utarbetas inom det nationella "
        "kunskapsstyrningssystemet."
    )
    assert m.year == 2023
    assert _effects(m)[1] == (
        "Patienter upplever en mer välorganiserad och helhets-orienterad process utan onödig "
        "väntetid",
        ["inv"],
    )
    assert len(m.effects) == 4


def test_reworded_milestone_whose_old_wording_runs_into_the_description(plan_extraction):
    """Lines 391-397: the 2022 wording ends at its first sentence."""
    m = _by_title(plan_extraction, "Utifrån ett gemensamt formulerat syfte")
    assert m.previous_wording == (
        "Gemensam handlingsplan utifrån ett gemensamt formulerat syfte med primärprevention."
    )
    assert m.description.startswith("Utifrån ett gemensamt syfte med primärprevention formuleras")
    assert m.area == "Hälsofrämjande och förebyggande insatser"


def test_garbled_year_cell(plan_extraction):
    """Lines 255-256 hold only '2' and ' 4': read as 2024, with a warning."""
    m = _by_title(plan_extraction, "Uppnådd samsyn kring personcentrerad vård")
    assert m.year == 2024
    assert m.title == "Uppnådd samsyn kring personcentrerad vård i Vårdsamverkan."
    assert m.description.endswith("Ur Handlingsplanen för God och Nära Vård, Vårdsamverkan.")
    assert _effects(m) == [
        (
            "Ökade förutsättningar för patientens delaktighet i planering och genomförande av "
            "insatser",
            ["inv"],
        ),
        ("Förbättrad samverkan utifrån patientens behov", ["inv", "sys"]),
    ]
    codes = [(w.code, w.provenance.line_start) for w in plan_extraction.warnings]
    assert ("W107", 255) in codes


def test_page_without_area_label_takes_the_area_of_its_malbild(plan_extraction):
    """Lines 318-323: page 2 has no label; its målbild is Hälsofrämjande's. The row has
    no year, and its only effect shares a line with the målbild."""
    m = _by_title(plan_extraction, "Lokalt programområde (LPO) levnadsvanor")
    assert m.area == "Hälsofrämjande och förebyggande insatser"
    assert m.area_evidence == "malbild"
    assert m.year is None
    assert _effects(m) == [("Kunskapsstöd inom levnadsvanor", ["sys", "vsh"])]
    assert m.description == (
        "Inom ramen för kunskapsstyrning. Stödjer processer kring arbete med levnadsvanor med "
        "kunskap och utvärderingsinsatser. Arbetet är en del av en strategiskt viktig satsning "
        "på prevention och hälsa"
    )


def test_row_cut_by_page_footer(plan_extraction):
    """Lines 1198-1210: the footer '10 (16)' and the case number follow the row."""
    m = _by_title(plan_extraction, "Primärvården är navet")
    assert m.area == "Nära vård"
    assert m.year == 2025
    assert m.provenance.line_end == 1204
    assert _effects(m) == [
        (
            "Ett hälsosystem med en tillräckligt resurssatt primärvård, som kan stå för en hög "
            "tillgänglighet och koordinera insatser för och tillsammans med individen, ofta i "
            "teamsamverkan med övriga instanser.",
            [],
        )
    ]
    everything = " ".join(
        [
            x.title + x.description + " ".join(e.text for e in x.effects)
            for x in plan_extraction.milestones
        ]
    )
    assert "10 (16)" not in everything
    assert "2023-POL000009-001" not in everything
    assert "Fortsättning Tabell" not in everything


def test_milestone_without_timetable(plan_extraction):
    """Lines 2324-2346: 'SDV införs enligt plan' has no year ('saknas tidplan')."""
    m = _by_title(plan_extraction, "SDV införs enligt plan")
    assert m.year is None
    assert m.area == "Digitalisering"
    assert m.description.endswith("placering i planen är osäker och kan ändras.")
    assert _effects(m)[-1] == (
        "Minskad dubbeldokumentation och ökad kvalitet på informationen",
        ["sys", "vsh"],
    )


def test_year_on_the_same_line_as_the_title(plan_extraction):
    """Line 2714: '6 Skånestandard för lokaler'."""
    m = _by_title(plan_extraction, "Skånestandard för lokaler")
    assert (m.year, m.area) == (2026, "Fysisk infrastruktur")
    assert m.description == "Har vi en skånestandard för vårdens lokaler"
    assert _effects(m) == [
        (
            "Till styrning och uppföljning där helhetssyn på individen, kvalitet och ekonomisk "
            "långsiktighet premieras.",
            ["inv", "sys", "vsh"],
        )
    ]


def test_tags_split_over_lines_and_doubled_parenthesis(plan_extraction):
    ai = _by_title(plan_extraction, "AI kompetenscentrum etablerat")  # lines 2218-2220
    assert [e.targets for e in ai.effects] == [["inv", "sys", "vsh"]] * 3
    model = _by_title(plan_extraction, "Modell för Intressentanalys etablerad")  # line 2547
    assert _effects(model) == [("Till aktiv medskapare med fokus på hälsa", ["inv", "sys", "vsh"])]


def test_effects_without_blank_line_between_them(plan_extraction):
    """Lines 1021-1024: two tagged effects on consecutive lines."""
    m = _by_title(plan_extraction, "Uppnått målet med läkarmedverkan")
    assert [e.text for e in m.effects][1:] == [
        "Ger bättre förutsättningar för kontinuitet och kvalitet.",
        "Fast läkarkontakt och fast vårdkontakt",
    ]


@pytest.mark.parametrize(
    ("area", "first_title"),
    [
        (
            "Nära vård",
            "Lokala Programområden (LPO) och ett Lokalt Primärvårdsråd (LPR) är inrättade",
        ),
        (
            "Nivåstrukturering och profilering",
            "Process och struktur för regional nivåstrukturering framtagen",
        ),
        ("Medarbetare", "Genomförandeplan för skapandet av ledarskapsakademin är beslutad"),
        (
            "Digitalisering",
            "Gemensam digital servicenivå för hela organisationen i mötet med invånarna",
        ),
        (
            "Fysisk infrastruktur",
            "Regionala strategiska ställningstaganden för en förbättrad planerings- och "
            "byggprocess",
        ),
    ],
)
def test_first_milestone_of_each_labelled_area(plan_extraction, area, first_title):
    first = next(m for m in plan_extraction.milestones if m.area == area)
    assert first.title == first_title
    assert first.year == 2022
    assert first.area_evidence == "label"


def test_every_milestone_has_area_title_and_provenance(plan_extraction, corpus_docs):
    doc = corpus_docs["002"]
    for m in plan_extraction.milestones:
        assert m.area is not None
        assert m.title
        span = doc.text[m.provenance.char_start : m.provenance.char_end]
        assert m.title.split()[0] in span
        for effect in m.effects:
            assert m.provenance.char_start <= effect.provenance.char_start
            assert effect.provenance.char_end <= m.provenance.char_end


def test_malbilder_one_per_area(plan_extraction):
    malbilder = {m.area: m for m in plan_extraction.malbilder}
    assert len(malbilder) == 7
    personcentrerat = malbilder["Personcentrerat arbetssätt"]
    assert not personcentrerat.complete  # lines 166-173 lost parts of the column
    assert personcentrerat.statement == (
        "Personen i sin livssituation är den viktigaste aktören i hälsosystemet."
    )
    medarbetare = malbilder["Medarbetare"]  # lines 1506-1525
    assert medarbetare.complete
    assert medarbetare.statement == (
        "Styrning, ledarskap, kultur och arbetssätt präglas av mod, tillit, utveckling och lärande"
    )
    assert medarbetare.bullets == [
        "Medarbetare har de bästa förutsättningarna att utföra sitt uppdrag tillsammans med "
        "invånaren.",
        "Chefer skapar förutsättningar och stödjer medarbetare att ta ansvar i sitt uppdrag.",
        "Alla beslutsnivåer stödjer aktivt att chefer och medarbetare kan, vill och har mod att "
        "hjälpa invånaren.",
        "Kompetensförsörjning och verksamhetsutveckling går hand i hand",
    ]
    nivastrukturering = malbilder["Nivåstrukturering och profilering"]  # lines 1295-1331
    assert nivastrukturering.bullets[-1] == (
        "Tillsammans med näringslivet drivs tjänst-, produkt- och teknikutveckling som främjar "
        "invånarens hälsa"
    )


def test_five_effektmal(plan_extraction):
    assert [(e.number, e.name) for e in plan_extraction.effektmal] == [
        (1, "Bättre befolkningshälsa"),
        (2, "Bättre upplevelse för patienter och medarbetare"),
        (3, "Bättre kvalitet"),
        (4, "Ökad tillgänglighet"),
        (5, "Effektiva processer"),
    ]
    assert plan_extraction.effektmal[0].name_in_source == "Bättre befolknings hälsa"


def test_no_effektmal_or_malbild_text_leaks_into_milestones(plan_extraction):
    for m in plan_extraction.milestones:
        for effect in m.effects:
            assert effect.text not in {
                "Bättre kvalitet",
                "Ökad tillgänglighet",
                "Effektiva processer",
                "Bättre befolknings hälsa",
            }
            assert "Invånare har en ljus" not in effect.text
