"""Extraction evaluator: predicted records against the gold, kind by kind.

For each record kind, predicted and gold records of the same document are paired one to
one (Hungarian assignment on a kind-specific similarity, see :data:`KINDS`); a pair below
the kind's minimum similarity is no match. Unpaired gold records are misses, unpaired
predictions are spurious: precision, recall and F1 per kind follow. On the pairs, every
field of :data:`KINDS` is compared (text after whitespace normalisation only; "near" =
normalised similarity ≥ 90), and for milestones the effects of each pair are matched the
same way (effect P/R/F1, effect text and target-tag accuracy). Every disagreement is
listed with what the gold expects, what was found and where both stand.

Predictions for documents the gold does not cover are set aside and counted, not scored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from rapidfuzz import fuzz

from fhs_nlp.evaluate.gold import GoldRecord
from fhs_nlp.evaluate.matching import NEAR_EXACT, assign, normalise_ws, similarity
from fhs_nlp.evaluate.metrics import PRF
from fhs_nlp.evaluate.predictions import Predicted
from fhs_nlp.report.output import KIND_FILES

Compare = Literal["exact", "near", "line_start", "line_end", "line_within"]
#: Minimum similarity (0-100) for a predicted record to count as the gold record's match.
MIN_MATCH = 60.0
#: Minimum similarity for two effect texts of matched milestones to be the same effect.
MIN_EFFECT_MATCH = 60.0


@dataclass(frozen=True)
class FieldCheck:
    """One compared field: its label in reports, the field name and how it is compared."""

    label: str
    key: str
    compare: Compare = "exact"


Score = Callable[[GoldRecord, Predicted], float]


@dataclass(frozen=True)
class KindSpec:
    score: Score
    fields: tuple[FieldCheck, ...]
    min_match: float = MIN_MATCH
    #: The field shown to name a record in mismatch lists.
    label_key: str = "text"
    how: str = ""


def _tiebreak(g: GoldRecord, p: Predicted) -> float:
    """A tiny line-distance term: equal texts pair up by position, nothing else changes."""
    return -1e-6 * abs(g.line_start - p.line_start)


def _text_score(key: str) -> Score:
    return lambda g, p: similarity(g.fields[key], p.fields.get(key)) + _tiebreak(g, p)


def _milestone_score(g: GoldRecord, p: Predicted) -> float:
    title = similarity(g.fields["title"], p.fields.get("title"))
    whole = similarity(f"{g.fields['title']} {g.fields['description']}",
                       f"{p.fields.get('title', '')} {p.fields.get('description', '')}")
    return max(title, whole) + _tiebreak(g, p)


def _malbild_score(g: GoldRecord, p: Predicted) -> float:
    text = similarity(g.fields["statement"], p.fields.get("statement"))
    same_area = 100.0 if g.fields["area"] == p.fields.get("area") else 0.0
    return max(text, (same_area + text) / 2) + _tiebreak(g, p)


def _effektmal_score(g: GoldRecord, p: Predicted) -> float:
    return max(similarity(g.fields["name"], p.fields.get("name")),
               similarity(g.fields["name_in_source"], p.fields.get("name_in_source"))
               ) + _tiebreak(g, p)


def _decision_score(g: GoldRecord, p: Predicted) -> float:
    date = 100.0 if g.fields["date"] == p.fields.get("date") else 0.0
    lines = max(0.0, 100.0 - 10.0 * abs(g.line_start - p.line_start))
    text = float(fuzz.token_set_ratio(normalise_ws(g.fields["text"]) or "",
                                      normalise_ws(p.fields.get("text")) or ""))
    return 0.4 * date + 0.3 * lines + 0.3 * text + _tiebreak(g, p)


_LINE = FieldCheck("line", "line_start", "line_start")
#: For gold that gives one line (where the item is stated): inside the predicted span.
_LINE_WITHIN = FieldCheck("line", "line", "line_within")

#: How each kind is matched and which fields are compared.
KINDS: dict[str, KindSpec] = {
    "milestone": KindSpec(
        _milestone_score,
        (
            FieldCheck("area", "area"), FieldCheck("year", "year"),
            FieldCheck("title", "title"), FieldCheck("title (near)", "title", "near"),
            FieldCheck("description", "description"),
            FieldCheck("description (near)", "description", "near"),
            FieldCheck("previous_wording", "previous_wording"),
            FieldCheck("rewords_2022", "rewords_2022"),
            FieldCheck("line_start", "line_start", "line_start"),
            FieldCheck("line_end", "line_end", "line_end"),
        ),
        label_key="title",
        how="max(similarity of titles, of title + description)",
    ),
    "viljeriktning": KindSpec(
        _text_score("text"),
        (FieldCheck("text", "text"), FieldCheck("text (near)", "text", "near"),
         FieldCheck("area", "area"), FieldCheck("number", "number"),
         FieldCheck("statement_id", "statement_id"), _LINE_WITHIN),
        how="similarity of texts",
    ),
    "insatsomrade": KindSpec(
        _text_score("name"),
        (FieldCheck("name", "name"), FieldCheck("name_in_source", "name_in_source"),
         FieldCheck("group", "group"), FieldCheck("group_in_source", "group_in_source"),
         _LINE_WITHIN),
        label_key="name",
        how="similarity of canonical names",
    ),
    "fokusforflyttning": KindSpec(
        _text_score("text"),
        (FieldCheck("number", "number"), FieldCheck("term", "term"),
         FieldCheck("text", "text"), FieldCheck("text (near)", "text", "near"),
         FieldCheck("from_focus", "from_focus"), FieldCheck("to_focus", "to_focus"),
         FieldCheck("statement_id", "statement_id"), _LINE),
        how="similarity of texts",
    ),
    "malbild": KindSpec(
        _malbild_score,
        (FieldCheck("area", "area"), FieldCheck("statement", "statement"),
         FieldCheck("statement (near)", "statement", "near"),
         FieldCheck("bullets", "bullets"), FieldCheck("complete", "complete"), _LINE),
        label_key="area",
        how="max(similarity of statements, mean of same-area (0/100) and that similarity)",
    ),
    "effektmal": KindSpec(
        _effektmal_score,
        (FieldCheck("number", "number"), FieldCheck("name", "name"),
         FieldCheck("name_in_source", "name_in_source"), _LINE),
        label_key="name",
        how="max(similarity of canonical names, of names in source)",
    ),
    "decision": KindSpec(
        _decision_score,
        (FieldCheck("decision_kind", "decision_kind"), FieldCheck("date", "date"),
         FieldCheck("body", "body"), FieldCheck("paragraph", "paragraph"),
         FieldCheck("case_number", "case_number"), _LINE_WITHIN),
        min_match=50.0,
        how="0.4·same date (0/100) + 0.3·line closeness (100 − 10/line) + "
            "0.3·token-set similarity of texts (gold texts are short paraphrases)",
    ),
}


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return normalise_ws(value)
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value


def _values(check: FieldCheck, g: GoldRecord, p: Predicted) -> tuple[Any, Any]:
    if check.compare == "line_start":
        return g.line_start, p.line_start
    if check.compare == "line_end":
        return g.line_end, p.line_end
    if check.compare == "line_within":
        return g.line_start, f"{p.line_start}-{p.line_end}"
    return g.fields.get(check.key), p.fields.get(check.key)


def field_agrees(check: FieldCheck, expected: Any, found: Any) -> bool:
    if check.compare == "line_within":
        first, _, last = str(found).partition("-")
        return int(first) <= int(expected) <= int(last)
    if check.compare == "near":
        if expected is None or found is None:
            return expected is None and found is None
        return similarity(expected, found) >= NEAR_EXACT
    return bool(_norm(expected) == _norm(found))


@dataclass
class FieldTally:
    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"correct": self.correct, "total": self.total,
                "accuracy": round(self.accuracy, 4)}


@dataclass
class Mismatch:
    """One disagreement between the gold and the prediction."""

    kind: str
    problem: str  # missing | spurious | field | effect missing | effect spurious | effect field
    field: str | None
    doc: str
    gold_at: str | None
    found_at: str | None
    expected: Any
    found: Any
    record: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class KindResult:
    prf: PRF
    fields: dict[str, FieldTally]
    how: str

    def as_dict(self) -> dict[str, Any]:
        return {**self.prf.as_dict(), "match": self.how,
                "fields": {k: v.as_dict() for k, v in self.fields.items()}}


@dataclass
class ExtractionEval:
    kinds: dict[str, KindResult]
    effects: PRF
    effect_fields: dict[str, FieldTally]
    mismatches: list[Mismatch]
    set_aside: dict[str, int] = field(default_factory=dict)
    documents: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "min_match": MIN_MATCH,
            "min_effect_match": MIN_EFFECT_MATCH,
            "near_exact": NEAR_EXACT,
            "kinds": {k: v.as_dict() for k, v in self.kinds.items()},
            "effects": {**self.effects.as_dict(),
                        "fields": {k: v.as_dict() for k, v in self.effect_fields.items()}},
            "set_aside": self.set_aside,
            "mismatches": [m.as_dict() for m in self.mismatches],
        }


def _label(record: dict[str, Any], key: str) -> str:
    text = str(record.get(key) or record.get("text") or "")
    return text if len(text) <= 90 else text[:87] + "…"


def _gold_at(g: GoldRecord) -> str:
    return f"{g.where()} ({g.gold_line})"


def evaluate_extraction(
    gold: dict[str, list[GoldRecord]], predicted: dict[str, list[Predicted]]
) -> ExtractionEval:
    """Compare predicted records with the gold; see the module docstring."""
    documents = sorted({g.doc for records in gold.values() for g in records})
    set_aside: dict[str, int] = {}
    kinds: dict[str, KindResult] = {}
    mismatches: list[Mismatch] = []
    effects_tp = effects_pred = effects_gold = 0
    effect_fields = {"text": FieldTally(), "text (near)": FieldTally(), "targets": FieldTally()}
    for kind in KIND_FILES:
        spec = KINDS[kind]
        gold_k = gold.get(kind, [])
        pred_k = []
        for p in predicted.get(kind, []):
            if p.doc in documents:
                pred_k.append(p)
            else:
                key = f"{kind}: document {p.doc} not in the gold"
                set_aside[key] = set_aside.get(key, 0) + 1
        tallies = {check.label: FieldTally() for check in spec.fields}
        tp = 0
        for doc in documents:
            g_doc = [g for g in gold_k if g.doc == doc]
            p_doc = [p for p in pred_k if p.doc == doc]
            pairs = assign(g_doc, p_doc, spec.score, spec.min_match)
            tp += len(pairs)
            g_used = {gi for gi, _, _ in pairs}
            p_used = {pi for _, pi, _ in pairs}
            for gi, g in enumerate(g_doc):
                if gi not in g_used:
                    mismatches.append(Mismatch(kind, "missing", None, doc, _gold_at(g), None,
                                               _label(g.fields, spec.label_key), None,
                                               _label(g.fields, spec.label_key)))
            for pi, p in enumerate(p_doc):
                if pi not in p_used:
                    mismatches.append(Mismatch(kind, "spurious", None, doc, None, p.where(),
                                               None, _label(p.fields, spec.label_key),
                                               _label(p.fields, spec.label_key)))
            for gi, pi, _ in sorted(pairs):
                g, p = g_doc[gi], p_doc[pi]
                name = _label(g.fields, spec.label_key)
                for check in spec.fields:
                    expected, found = _values(check, g, p)
                    tally = tallies[check.label]
                    tally.total += 1
                    if field_agrees(check, expected, found):
                        tally.correct += 1
                    elif check.compare != "near":  # the exact check already lists it
                        mismatches.append(Mismatch(kind, "field", check.label, doc, _gold_at(g),
                                                   p.where(), expected, found, name))
                if kind == "milestone":
                    effects_tp += _match_effects(g, p, effect_fields, mismatches)
        kinds[kind] = KindResult(PRF(tp, len(pred_k), len(gold_k)), tallies, spec.how)
    for g in gold.get("milestone", []):
        effects_gold += len(g.fields["effects"])
    for p in predicted.get("milestone", []):
        if p.doc in documents:
            effects_pred += len(p.fields.get("effects") or [])
    return ExtractionEval(kinds, PRF(effects_tp, effects_pred, effects_gold), effect_fields,
                          mismatches, set_aside, documents)


def _match_effects(g: GoldRecord, p: Predicted, tallies: dict[str, FieldTally],
                   mismatches: list[Mismatch]) -> int:
    """Pair the effects of a matched milestone pair; tally text and target agreement.

    Returns the number of paired effects. (Effects of unmatched milestones count in the
    effect precision and recall; the milestone's own mismatch line stands for them.)
    """
    g_eff = g.fields["effects"]
    p_eff = p.fields.get("effects") or []
    pairs = assign(g_eff, p_eff, lambda a, b: similarity(a["text"], b["text"]),
                   MIN_EFFECT_MATCH)
    title = _label(g.fields, "title")
    for gi, pi, _ in pairs:
        ge, pe = g_eff[gi], p_eff[pi]
        for label, agrees, exp, got in (
            ("text", normalise_ws(ge["text"]) == normalise_ws(pe["text"]), ge["text"],
             pe["text"]),
            ("text (near)", similarity(ge["text"], pe["text"]) >= NEAR_EXACT, None, None),
            ("targets", sorted(ge["targets"]) == sorted(pe.get("targets") or []),
             sorted(ge["targets"]), sorted(pe.get("targets") or [])),
        ):
            tallies[label].total += 1
            if agrees:
                tallies[label].correct += 1
            elif label != "text (near)":
                mismatches.append(Mismatch(
                    "milestone", "effect field", f"effect {label}", g.doc, _gold_at(g),
                    _effect_where(pe, p), exp, got, f"{title} / effect {gi + 1}"))
    used_g = {gi for gi, _, _ in pairs}
    used_p = {pi for _, pi, _ in pairs}
    for gi, ge in enumerate(g_eff):
        if gi not in used_g:
            mismatches.append(Mismatch("milestone", "effect missing", "effect", g.doc,
                                       _gold_at(g), p.where(), ge["text"], None, title))
    for pi, pe in enumerate(p_eff):
        if pi not in used_p:
            mismatches.append(Mismatch("milestone", "effect spurious", "effect", g.doc,
                                       _gold_at(g), _effect_where(pe, p), None, pe["text"],
                                       title))
    return len(pairs)


def _effect_where(effect: dict[str, Any], p: Predicted) -> str:
    prov = effect.get("provenance")
    if not prov:
        return p.where()
    if prov["line_start"] == prov["line_end"]:
        return f"{prov['source_file']}: line {prov['line_start']}"
    return f"{prov['source_file']}: lines {prov['line_start']}-{prov['line_end']}"
