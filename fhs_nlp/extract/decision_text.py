"""Decisions read from running text: "Regionfullmäktige fastställde 2020-04-16 § 33 …".

Outside the decision sections, a decision is a sentence with a deciding body and a verb
of deciding ("beslutade", "har fastställts"); the date comes from the sentence, else
from a time hint ("i december 2021"), else from the sentence before ("Samtidigt …").
A mention without any date is kept as vague: :mod:`fhs_nlp.extract.decisions` matches it
to a dated one or reports it as W301.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhs_nlp.datamodel.entities import Entity
from fhs_nlp.extract.decision_context import (
    DecisionContext,
    Mention,
    clean_text,
    cut_spans,
    is_genitive,
    split_words,
)
from fhs_nlp.extract.decision_patterns import (
    ADVERBS,
    AUXILIARIES,
    NOT_AGENT_BEFORE,
    NOUN_RE,
    PARTICIPLES,
    SAME_TIME,
    VERB_RE,
)
from fhs_nlp.extract.decision_sections import (
    deadline_span,
    is_deadline,
)
from fhs_nlp.segment import nlp as N
from fhs_nlp.segment.swedish_values import parse_decision_ref


def _agent(
    ctx: DecisionContext, bodies: list[Entity], anchor: int, sent_start: int
) -> str | None:
    """The body nearest ``anchor`` that can be the one deciding."""
    candidates = []
    for e in bodies:
        before = ctx.doc.text[max(sent_start, e.start - 12) : e.start]
        after = ctx.doc.text[e.end : e.end + 12]
        if not re.match(r"\s*-?\s*beslut", after, re.I) and (
            NOT_AGENT_BEFORE.search(before) or is_genitive(e)
        ):
            continue  # "till X", "enligt Xs förslag" - but "enligt RD-beslut", "Xs beslut"
        candidates.append(e)
    if not candidates:
        return None
    best = min(candidates, key=lambda e: (min(abs(e.start - anchor), abs(e.end - anchor)), e.start))
    return best.norm


def _clause(
    ctx: DecisionContext,
    s_start: int,
    s_end: int,
    trigger: re.Match | None,
    refs: list[tuple[int, int]],
    bodies: list[Entity],
) -> str:
    """What the sentence says was decided, as a short clause without the date reference.

    Active verb or attributive participle: the verb and what follows ("fastställde
    Målbild och färdplan …"), up to a later date reference or bracket. Passive verb or
    "är beslutad": what precedes it ("Mål och strategi … beslutades"), unless that is
    only an adverb ("Samtidigt fastslogs att …").
    """
    text = ctx.doc.text
    if trigger is None:
        return clean_text(cut_spans(text[s_start:s_end], refs, s_start))
    t_start, t_end = s_start + trigger.start(), s_start + trigger.end()
    form = trigger.group(0).lower()
    before_words = [w.lower() for w in split_words(text[s_start:t_start])][-3:]
    passive = form.endswith("s") and not form.endswith("ss")
    predicative = form in PARTICIPLES and bool(set(before_words) & AUXILIARIES)
    if passive or predicative:
        pre = cut_spans(text[s_start:t_end], refs, s_start)
        pre = re.sub(r"^\s*(?:\d{1,2}[.)]|[•\-–])\s+", "", pre)
        words = [w.lower() for w in split_words(pre)]
        if len(words) >= 2 and words[0] not in ADVERBS and not SAME_TIME.match(pre.strip()):
            return clean_text(pre)
    # skip what stands right after the verb: date references, the agent ("av X")
    pos = t_end
    spans = sorted([*refs, *((e.start, e.end) for e in bodies)])
    while True:
        m = re.match(r"\s*(?:(?:av|den)\s+)?", text[pos:s_end])
        nxt = pos + (m.end() if m else 0)
        hit = next((b for a, b in spans if a == nxt), None)
        if hit is None:
            break
        pos = hit
    # the object ends at a later date reference or an opening bracket
    stop = s_end
    later = [a for a, _ in refs if a >= pos]
    if later:
        stop = min(later)
    bracket = text.find("(", pos, stop)
    if bracket >= 0 and split_words(text[pos:bracket]):
        stop = bracket
    return clean_text(text[t_start:t_end] + " " + cut_spans(text[pos:stop], refs, pos))


def text_mentions(ctx: DecisionContext) -> tuple[list[Mention], list[Mention]]:
    """Dated mentions (decisions, deadlines) and undated ones in running text."""
    dated: list[Mention] = []
    vague: list[Mention] = []
    prev_time: tuple[int, int | None] | None = None
    for s_start, s_end, stext in N.sentences(ctx.doc.text):
        if ctx.is_consumed(s_start, s_end):
            prev_time = None
            continue
        ents = ctx.ents(s_start, s_end)
        bodies = [e for e in ents if e.label == "BODY"]
        refs = [e for e in ents if e.label == "DECISION"]
        dates = [e for e in ents if e.label == "DATE" and len(e.norm or "") == 10]
        deadline_dates = [e for e in dates if is_deadline(ctx, e, s_start)]
        decision_dates = [e for e in dates if e not in deadline_dates]
        dated_refs = [e for e in refs if parse_decision_ref(e.text)[0]] + decision_dates
        verbs = list(VERB_RE.finditer(stext))
        triggers = verbs or list(NOUN_RE.finditer(stext))
        time = _time_hint(ents)
        if time is None and SAME_TIME.match(stext):
            time = prev_time
        prev_time = time or (_date_time(parse_decision_ref(dated_refs[0].text)[0]
                                        or dated_refs[0].norm) if dated_refs else None)  # fmt: skip
        # deadlines: "senast 2022-09-15", in any sentence
        for e in deadline_dates:
            body = _agent(ctx, bodies, e.start, s_start) or ctx.header.body
            dl_text = re.sub(r"^\s*(?:\d{1,2}[.)]|[•\-–])\s+", "", stext)
            dated.append(
                Mention("deadline", e.norm, body, None, clean_text(dl_text), *deadline_span(ctx, e))
            )
        # decision-like: a decision word with a body or a "§", or a verb with a full date;
        # a dated "§" reference ("(2020-04-16 §133)") is one even without a verb
        para_refs = [e for e in refs if parse_decision_ref(e.text)[0]]
        decision_like = bool(triggers) and bool(bodies or refs or (verbs and dated_refs))
        if not (decision_like or para_refs):
            continue
        remove = [(e.start, e.end) for e in (*refs, *decision_dates)]
        if dated_refs:
            for ref in sorted(dated_refs, key=lambda e: e.start):
                date, para = parse_decision_ref(ref.text)
                trig = min(triggers, key=_distance_to(ref.start - s_start), default=None)
                anchor = s_start + trig.start() if trig else ref.start
                body = _agent(ctx, bodies, anchor, s_start)
                text = _clause(ctx, s_start, s_end, trig, remove, bodies)
                cited = Mention("decision", date or ref.norm, body, para, text, s_start, s_end)
                cited.own_case = False
                cited.case = next((e.norm for e in ents if e.label == "CASE_NUMBER"), None)
                dated.append(cited)
            continue
        trig = triggers[0]
        body = _agent(ctx, bodies, s_start + trig.start(), s_start)
        para = next((parse_decision_ref(e.text)[1] for e in refs), None)
        if body is None and para is None:
            continue
        text = _clause(ctx, s_start, s_end, trig, remove, bodies)
        vague.append(
            Mention(
                "decision", None, body, para, text, s_start, s_end, time_hint=time, evidence=stext
            )  # fmt: skip
        )
    return dated, vague


def _time_hint(ents: list[Entity]) -> tuple[int, int | None] | None:
    for e in ents:
        if e.label == "DATE" and e.norm and len(e.norm) == 7:
            return int(e.norm[:4]), int(e.norm[5:])
    for e in ents:
        if e.label == "YEAR" and e.norm and "-" not in e.norm:
            return int(e.norm), None
    return None


def _date_time(iso: str | None) -> tuple[int, int | None] | None:
    return (int(iso[:4]), int(iso[5:7])) if iso else None


def _distance_to(position: int) -> Callable[[re.Match[str]], int]:
    """Sort key: how far a trigger word starts from ``position`` (in sentence offsets)."""

    def distance(trigger: re.Match[str]) -> int:
        return abs(trigger.start() - position)

    return distance
