"""Line-joining, tag parsing and paragraph-break rules (fhs_nlp.extract.text)."""

from fhs_nlp.extract.text import ends_paragraph, first_sentence_end, join_lines, parse_tags


def test_join_lines_keeps_hyphen_inside_compound():
    assert join_lines(["helhets-", "orienterad process"]) == "helhets-orienterad process"
    assert join_lines(["ett adekvat IT-", "stöd"]) == "ett adekvat IT-stöd"


def test_join_lines_keeps_suspended_compound_apart():
    assert join_lines(["hälso-", "och sjukvård"]) == "hälso- och sjukvård"


def test_join_lines_collapses_whitespace():
    assert join_lines(["  a  b ", "", " c"]) == "a b c"


def test_parse_tags_variants():
    assert parse_tags("Tryggare patient (inv) ") == ("Tryggare patient", ["inv"])
    assert parse_tags("Gemensamt lärande (sys vsh)") == ("Gemensamt lärande", ["sys", "vsh"])
    assert parse_tags("Bättre hälsa (inv, sys,vsh)")[1] == ["inv", "sys", "vsh"]
    assert parse_tags("Till aktiv medskapare (inv, sys, vsh))") == (
        "Till aktiv medskapare",
        ["inv", "sys", "vsh"],
    )
    assert parse_tags("Samverkan underlättas (vsh, sys)")[1] == ["sys", "vsh"]
    assert parse_tags("Effektiv resursanvändning") == ("Effektiv resursanvändning", [])


def test_parse_tags_in_the_middle_takes_the_union():
    text, targets = parse_tags("Bättre ansökningar (sys), och därmed förutsägbarhet (sys, vsh)")
    assert text == "Bättre ansökningar, och därmed förutsägbarhet"
    assert targets == ["sys", "vsh"]


def test_ends_paragraph_capital_after_short_line():
    assert ends_paragraph("Modell för invånarinvolvering ", "Finns en modell för att", 90)


def test_ends_paragraph_not_before_lowercase():
    assert not ends_paragraph("Process och struktur för regional nivåstrukturering testad, ",
                              "beslutad och etablerad.", 70)


def test_ends_paragraph_proper_noun_needs_room_on_the_line():
    long = "Enligt avtal om ansvarsfördelning och utveckling avseende hälso- och sjukvården i"
    assert not ends_paragraph(long, "Region Skåne och kommunerna", len(long))
    assert ends_paragraph("på lärdomar i hela hälsosystemet ", "Region Skånes ramverk", 62)


def test_first_sentence_end_skips_abbreviations():
    text = "Stöd, t.ex. Digital First. Nästa mening"
    assert text[: first_sentence_end(text)] == "Stöd, t.ex. Digital First."
