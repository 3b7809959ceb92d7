"""Cutting drafts into passages: Markdown, DOCX, PDF and text, headings, lists, windows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fhs_nlp.datamodel.passages import Passage
from fhs_nlp.ingest import read_document
from fhs_nlp.segment.passages import split_passages
from fhs_nlp.segment.sentence_windows import sentence_spans

ROOT = Path(__file__).resolve().parent.parent
GOLD_DRAFTS = sorted((ROOT / "eval" / "gold" / "alignment" / "drafts").glob("*.md"))

#: Twelve distinct sentences of 9-13 words: 130 words, above max_words (120).
LONG_SENTENCES = [
    "Vårdcentralen ska under året stärka samverkan med kommunens hemsjukvård kring de äldre.",
    "Alla patienter över 75 år erbjuds en fast läkarkontakt och en samordnad plan.",
    "Distriktssköterskan följer upp patienten inom tre dagar efter utskrivning från sjukhuset.",
    "Hälsosamtal erbjuds till alla som fyller fyrtio, femtio och sextio år.",
    "Levnadsvanor som tobak, alkohol och fysisk aktivitet tas upp vid varje årskontroll.",
    "Patientrådet granskar kallelser och informationsblad och lämnar förslag till förbättringar.",
    "Den digitala kontakten via 1177 utvecklas för enklare frågor och receptförnyelse.",
    "Medarbetarna får utbildning i personcentrerat arbetssätt under vårens planeringsdagar.",
    "Väntetiden till en medicinsk bedömning ska vara högst tre dagar för alla.",
    "Uppföljningen sker i tertialrapporterna med mått på kontinuitet och tillgänglighet.",
    "Lokalerna på Kvarnbygatan byggs om så att fler team kan arbeta tillsammans.",
    "Vi redovisar resultaten öppet för invånarna på vårdcentralens webbplats varje kvartal.",
]
LONG_PARAGRAPH = " ".join(LONG_SENTENCES)


def _squash(text: str) -> str:
    """Letters and digits only, lower case: compares texts across markers and wrapping."""
    return re.sub(r"[\W_]+", "", text.lower())


def assert_spans_point_at_text(doc, passages: list[Passage]) -> None:
    for p in passages:
        span = doc.text[p.char_start : p.char_end]
        assert _squash(p.text) in _squash(span), (p, span)
        assert p.line_start == doc.line_of(p.char_start)
        assert p.line_end == doc.line_of(p.char_end - 1)
        assert p.page == doc.page_of(p.char_start)
    assert [p.index for p in passages] == list(range(len(passages)))
    assert all(p.char_start < p.char_end for p in passages)


def assert_windows(windows: list[Passage], window_words: int = 90,
                   overlap_words: int = 0) -> None:
    """Windows of whole sentences that together hold every sentence: by default each
    sentence in exactly one window (each token is embedded once); with
    ``overlap_words``, consecutive windows share about that many words."""
    assert len(windows) >= 2
    for w in windows:
        assert w.n_words <= window_words
    for a, b in zip(windows, windows[1:], strict=False):
        assert b.char_end > a.char_end, "each window must move on"
        shared = [s for s in LONG_SENTENCES if s in a.text and s in b.text]
        shared_words = sum(len(s.split()) for s in shared)
        if overlap_words:
            assert b.char_start < a.char_end, "consecutive windows must overlap"
            assert overlap_words / 3 <= shared_words <= overlap_words * 5 / 3, (
                shared_words, a.text, b.text)
        else:
            assert b.char_start >= a.char_end, "windows must not overlap"
            assert shared_words == 0, (a.text, b.text)
    # together the windows hold every sentence
    for sentence in LONG_SENTENCES:
        held = sum(sentence in w.text for w in windows)
        assert held >= 1 if overlap_words else held == 1, sentence


# --------------------------------------------------------------------------- Markdown


def test_passages_markdown_gold_draft_headings_lists_tables():
    doc = read_document(GOLD_DRAFTS[0])  # d01_vardcentral_kvarnby.md
    passages = split_passages(doc)
    assert_spans_point_at_text(doc, passages)
    by_text = {p.text: p for p in passages}
    title = passages[0]
    assert (title.kind, title.text, title.heading) == (
        "heading", "Verksamhetsplan 2027 – Vårdcentralen Kvarnby", None)
    # "## 2. …" under "# …": the #'s are stripped, the parent heading is its context
    section = by_text["2. Vårdcentralen som första kontakt"]
    assert section.kind == "heading" and section.heading == title.text
    # a list item: marker and **bold** gone, the section heading as context
    item = next(p for p in passages if p.text.startswith("Telefon och kontakt samma dag."))
    assert item.kind == "list_item" and item.heading == section.text
    assert "**" not in item.text and not item.text.startswith("-")
    # lower-case list items that end with commas are still list items, not paragraphs
    assert by_text["gemensamma ronder varannan vecka med kommunens sjuksköterskor,"].kind == (
        "list_item")
    # the italic line under the title is a paragraph, not a heading
    assert by_text[
        "Primärvården Skåne, område Malmö Öster. Fastställd av verksamhetschef 2026-12-10."
    ].kind == "paragraph"
    # a pipe table: one paragraph per row, the rule row dropped
    assert by_text["Kontakt samma dag | 89 % | 95 %"].kind == "paragraph"
    assert not any(set(p.text) <= set("|-: ") for p in passages)
    assert all(p.page is None for p in passages)  # a text file has no pages
    kinds = [p.kind for p in passages]
    assert kinds.count("heading") == 8 and kinds.count("list_item") == 12


def test_passages_markdown_long_paragraph_windows(tmp_path):
    path = tmp_path / "utkast.md"
    path.write_text(
        "# Verksamhetsplan\n\n## Nära vård\n\n" + LONG_PARAGRAPH + "\n\n- En kort punkt.\n",
        encoding="utf-8",
    )
    doc = read_document(path)
    passages = split_passages(doc)
    assert_spans_point_at_text(doc, passages)
    windows = [p for p in passages if p.kind == "window"]
    assert_windows(windows)
    assert all(w.heading == "Nära vård" for w in windows)
    # each window is whole sentences: it starts and ends at a sentence boundary
    for w in windows:
        assert any(w.text.startswith(s) for s in LONG_SENTENCES)
        assert any(w.text.endswith(s) for s in LONG_SENTENCES)
    assert passages[-1].kind == "list_item" and passages[-1].text == "En kort punkt."
    # windows that share words on request
    with_overlap = split_passages(doc, overlap_words=30)
    assert_spans_point_at_text(doc, with_overlap)
    overlapping = [p for p in with_overlap if p.kind == "window"]
    assert_windows(overlapping, overlap_words=30)
    assert len(overlapping) >= len(windows)


def test_passages_window_sizes_follow_the_options(tmp_path):
    path = tmp_path / "utkast.txt"
    path.write_text(LONG_PARAGRAPH + "\n", encoding="utf-8")
    doc = read_document(path)
    assert [p.kind for p in split_passages(doc, max_words=200)] == ["paragraph"]
    small = split_passages(doc, max_words=40, window_words=30, overlap_words=10)
    assert all(p.kind == "window" and p.n_words <= 30 for p in small)
    assert len(small) > len(split_passages(doc))
    with pytest.raises(ValueError, match="window_words"):
        split_passages(doc, max_words=50, window_words=90)
    with pytest.raises(ValueError, match="overlap_words"):
        split_passages(doc, overlap_words=90)


def test_passages_run_on_text_without_sentences_is_windowed(tmp_path):
    path = tmp_path / "tabell.txt"
    words = " ".join(f"ord{i}" for i in range(400))  # no full stop at all
    path.write_text(words + "\n", encoding="utf-8")
    doc = read_document(path)
    windows = split_passages(doc)
    assert len(windows) >= 5 and all(w.kind == "window" for w in windows)
    assert all(w.n_words <= 90 for w in windows)
    # cut every 90 words, none lost and none embedded twice
    assert all(b.char_start >= a.char_end for a, b in zip(windows, windows[1:], strict=False))
    assert " ".join(w.text for w in windows) == words
    overlapping = split_passages(doc, overlap_words=30)
    assert all(b.char_start < a.char_end
               for a, b in zip(overlapping, overlapping[1:], strict=False))
    for cut in (windows, overlapping):
        assert cut[0].text.startswith("ord0 ") and cut[-1].text.endswith("ord399")


# --------------------------------------------------------------------------- DOCX


def test_passages_docx_headings_bullets_table_pages(tmp_path):
    from fhs_nlp.synthetic.documents import render_docx

    path = render_docx(
        tmp_path / "plan.docx",
        [
            ("heading", "Verksamhetsplan 2027"),
            ("paragraph", "Vi ska stärka primärvården som första kontakt för invånarna."),
            ("heading", ("1. Nära vård", 2)),
            ("bullet", "Fast läkarkontakt för alla över 75 år"),
            ("bullet", "Hembesök hos de mest sköra"),
            ("table", [["Mått", "Mål 2027"], ["Kontakt samma dag", "95 %"]]),
            ("page_break", None),
            ("heading", ("2. Uppföljning", 2)),
            ("paragraph", LONG_PARAGRAPH),
        ],
    )
    doc = read_document(path)
    passages = split_passages(doc)
    assert_spans_point_at_text(doc, passages)
    got = [(p.kind, p.text, p.page) for p in passages if p.kind != "window"]
    assert got == [
        ("heading", "Verksamhetsplan 2027", 1),
        ("paragraph", "Vi ska stärka primärvården som första kontakt för invånarna.", 1),
        ("heading", "1. Nära vård", 1),
        ("list_item", "Fast läkarkontakt för alla över 75 år", 1),
        ("list_item", "Hembesök hos de mest sköra", 1),
        ("paragraph", "Mått | Mål 2027", 1),  # a table row, not a heading
        ("paragraph", "Kontakt samma dag | 95 %", 1),
        ("heading", "2. Uppföljning", 2),
    ]
    assert passages[3].heading == "1. Nära vård"
    windows = [p for p in passages if p.kind == "window"]
    assert_windows(windows)
    assert all(w.page == 2 and w.heading == "2. Uppföljning" for w in windows)


# --------------------------------------------------------------------------- PDF


@pytest.fixture(scope="module")
def pdf_draft(tmp_path_factory):
    from fhs_nlp.synthetic.documents import render_text_pdf

    filler = [
        f"Stycke {i}: Verksamheten fortsätter att utveckla arbetet med kvalitet och "
        "patientsäkerhet i alla delar av vårdkedjan, i nära dialog med medarbetarna och "
        "med de invånare som berörs av förändringarna under planperioden." for i in range(30)
    ]
    path = tmp_path_factory.mktemp("pdf") / "plan.pdf"
    return render_text_pdf(
        path,
        [
            "1. Inledning",
            "Vårdcentralen har drygt 11 500 listade invånare. Planen beskriver hur vi möter "
            "deras behov under 2027.",
            "2. Första kontakten",
            "• Telefonkön bemannas av erfarna sjuksköterskor som kan bedöma och avsluta "
            "ärenden direkt, så att fler får hjälp samma dag.",
            "• Drop-in för akuta besvär vardagar klockan 8–10.",
            *filler,
            "3. Samverkan",
            LONG_PARAGRAPH,
        ],
        title="Verksamhetsplan 2027",
    )


def test_passages_pdf_headings_list_items_windows_pages(pdf_draft):
    doc = read_document(pdf_draft)
    assert len(doc.pages) >= 2
    passages = split_passages(doc)
    assert_spans_point_at_text(doc, passages)
    by_text = {p.text: p for p in passages}
    for heading in ("Verksamhetsplan 2027", "1. Inledning", "2. Första kontakten",
                    "3. Samverkan"):
        assert by_text[heading].kind == "heading", heading
    item = next(p for p in passages if p.text.startswith("Telefonkön bemannas"))
    assert item.kind == "list_item" and item.heading == "2. Första kontakten"
    assert item.text.endswith("så att fler får hjälp samma dag.")  # wrapped lines joined
    assert item.line_end > item.line_start
    assert by_text["Drop-in för akuta besvär vardagar klockan 8–10."].kind == "list_item"
    # page numbers: every passage's text is on the page it names
    for p in passages:
        page = doc.pages[p.page - 1]
        assert page.char_start <= p.char_start <= page.char_end
        assert _squash(p.text)[:30] in _squash(page.text + doc.text[page.char_end:])
    assert passages[-1].page == len(doc.pages)
    windows = [p for p in passages if p.kind == "window"]
    assert_windows(windows)
    assert all(w.heading == "3. Samverkan" for w in windows)


# --------------------------------------------------------------------------- text files


def test_passages_text_page_break_and_paragraph_across_pages(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(
        "Inledning\n\nVi ska arbeta med nära vård och\n\fstärka primärvården i hela "
        "regionen.\n\nNästa stycke börjar här.\n\f\n---\n\n…\n",
        encoding="utf-8",
    )
    doc = read_document(path)
    passages = split_passages(doc)
    assert_spans_point_at_text(doc, passages)
    assert [(p.kind, p.text, p.page) for p in passages] == [
        ("heading", "Inledning", 1),
        # cut by the page break mid-sentence, joined back
        ("paragraph", "Vi ska arbeta med nära vård och stärka primärvården i hela regionen.", 1),
        ("paragraph", "Nästa stycke börjar här.", 2),
    ]  # "---" and "…" (punctuation only) are no passages


def test_passages_numbered_list_stays_a_list(tmp_path):
    path = tmp_path / "lista.txt"
    path.write_text(
        "Under året ska vi:\n\n1. Stärka primärvården\n2. Utveckla hembesöken\n\n"
        "a) fler hembesök\nb) färre akutbesök\n",
        encoding="utf-8",
    )
    passages = split_passages(read_document(path))
    assert [(p.kind, p.text) for p in passages] == [
        ("paragraph", "Under året ska vi:"),
        ("list_item", "Stärka primärvården"),
        ("list_item", "Utveckla hembesöken"),
        ("list_item", "fler hembesök"),
        ("list_item", "färre akutbesök"),
    ]


def test_passages_pdf_like_text_without_blank_lines(tmp_path):
    """A PDF reader may leave no blank line between paragraphs: a short line after a full
    stop is a heading, and a typed line break after a full stop starts a new paragraph."""
    wrapped = (
        "Vårdcentralen Kvarnby har drygt 11 500 listade invånare. Listan har blivit äldre\n"
        "de senaste åren, och andelen med två eller fler kroniska sjukdomar har ökat från\n"
        "14 till 18 procent sedan 2023.\n"
        "Planen har tagits fram på två planeringsdagar med alla medarbetare och har stämts\n"
        "av med vårt patientråd.\n"
        "2. Samverkan kring de mest sköra\n"
        "Vårdcentralen ska vara navet för de patienter som har insatser från flera håll.\n"
    )
    path = tmp_path / "utdrag.txt"
    path.write_text(wrapped, encoding="utf-8")
    passages = split_passages(read_document(path))
    assert [p.kind for p in passages] == ["paragraph", "paragraph", "heading", "paragraph"]
    assert passages[1].text.startswith("Planen har tagits fram")
    assert passages[2].text == "2. Samverkan kring de mest sköra"
    assert passages[3].heading == passages[2].text


def test_passages_corpus_documents(corpus_docs):
    for doc in corpus_docs.values():
        passages = split_passages(doc)
        assert passages, doc.doc_id
        assert_spans_point_at_text(doc, passages)
        assert all(p.n_words <= 120 or p.kind != "paragraph" for p in passages)


def test_passages_of_a_30_page_draft_cover_every_page(tmp_path):
    """Speed is measured in bench/bench_passages.py; here, that a long draft is cut whole."""
    paragraphs = []
    for draft in GOLD_DRAFTS:
        paragraphs.append(draft.read_text(encoding="utf-8"))
    page = "\n\n".join(paragraphs)[:3000]
    text = "\f".join([page] * 30 + ["Sista sidan.\n\n" + LONG_PARAGRAPH * 3])
    path = tmp_path / "trettio.md"
    path.write_text(text, encoding="utf-8")
    doc = read_document(path)
    assert len(doc.pages) == 31
    passages = split_passages(doc)
    assert {p.page for p in passages} == set(range(1, 32))
    assert_spans_point_at_text(doc, passages)


# --------------------------------------------------------------------------- sentences


def test_passages_sentence_spans_swedish_abbreviations():
    text = ("Vi erbjuder bl.a. hälsosamtal, t.ex. om tobak. Mottagningen öppnar kl. 8 och "
            "stänger kl. 17. Se s. 12 i bilagan! Nästa steg?\nJa, A. Svensson leder det.")
    got = [text[a:b] for a, b in sentence_spans(text)]
    assert got == [
        "Vi erbjuder bl.a. hälsosamtal, t.ex. om tobak.",
        "Mottagningen öppnar kl. 8 och stänger kl. 17.",
        "Se s. 12 i bilagan!",
        "Nästa steg?",
        "Ja, A. Svensson leder det.",
    ]


def test_passages_regex_sentences_agree_with_spacy_on_gold_drafts():
    """The regex splitter finds the sentence boundaries the spaCy pipeline finds, on the
    paragraphs of the gold drafts, without loading spaCy."""
    from fhs_nlp.segment.nlp import sentences

    same = total = 0
    for draft in GOLD_DRAFTS:
        for p in split_passages(read_document(draft)):
            if p.kind not in ("paragraph", "list_item") or "|" in p.text:
                continue
            total += 1
            same += sentence_spans(p.text) == [(a, b) for a, b, _ in sentences(p.text)]
    assert total > 100
    assert same / total >= 0.97, f"{same}/{total}"


def test_passages_spacy_splitter_option_gives_windows_too(tmp_path):
    path = tmp_path / "utkast.txt"
    path.write_text(LONG_PARAGRAPH + "\n", encoding="utf-8")
    doc = read_document(path)
    regex = split_passages(doc)
    spacy_based = split_passages(doc, sentence_splitter="spacy")
    assert [(p.char_start, p.char_end) for p in spacy_based] == [
        (p.char_start, p.char_end) for p in regex
    ]
