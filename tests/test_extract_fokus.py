"""Fokusförflyttningar (000, lines 71-101) and perspektivskiften (001, lines 58-105)."""

from fhs_nlp.extract.fokus import extract_fokusforflyttningar, link_shifts


def test_five_shifts_in_the_strategy(corpus_docs):
    records, warnings = extract_fokusforflyttningar(corpus_docs["000"])
    assert warnings == []
    assert [r.term for r in records] == ["fokusförflyttning"] * 5
    # from/to: the slide captions under shifts 2-4 (lines 80/82, 88/90, 97/99); shifts 1
    # and 5 have none, so their opening clause "från X till Y" gives them
    assert [(r.from_focus, r.to_focus) for r in records] == [
        ("invånare som passiv mottagare", "aktiv medskapare"),
        ("fokus på sjukdom", "fokus på hälsa"),
        ("fokus på sjukvårdens organisation",
         "fokus på individens behov på vägen genom hälsosystemet"),
        ("fokus på platser eller lokaler",
         "fokus till att möta invånaren på flera olika sätt efter behov"),
        (
            "styrsignaler som premierar kortsiktiga organisatoriska och ekonomiska resultat",
            "styrning och uppföljning där helhetssyn på individen, kvalitet och ekonomisk "
            "långsiktighet premieras",
        ),
    ]
    # the fifth has no list marker in the source; the first starts after "- "
    assert [r.provenance.line_start for r in records] == [71, 76, 84, 93, 101]
    assert records[0].text.startswith("Fokus flyttas från invånare som passiv mottagare")
    assert records[0].text.endswith("utifrån varje individs behov och förutsättningar.")


def test_five_perspektivskiften_in_the_2020_decision(corpus_docs):
    records, warnings = extract_fokusforflyttningar(corpus_docs["001"])
    assert warnings == []
    assert [r.term for r in records] == ["perspektivskifte"] * 5
    assert records[2].text.startswith("Fokus flyttas från sjukvårdens organisation")  # "- 3.** "
    # captions wrapped over three lines (109-115) are joined
    assert (records[4].from_focus, records[4].to_focus) == (
        "fokus på kortsiktiga organisatoriska eller ekonomiska resultat",
        "en helhetssyn där egna initiativ och lärande premieras",
    )
    assert records[0].from_focus == "patient/mottagare"


def test_shifts_linked_by_position(corpus_docs):
    records = [
        *extract_fokusforflyttningar(corpus_docs["000"])[0],
        *extract_fokusforflyttningar(corpus_docs["001"])[0],
    ]
    assert link_shifts(records) == []
    first = records[0]
    assert first.statement_id == "shift/1"
    assert first.other_versions == ["001:fokusforflyttning:1"]
