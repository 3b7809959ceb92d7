"""The body of the evaluation report, as Markdown: one section per suite, figures per section.

``report.md`` is what a reviewer reads and what the committed report shows in git
diffs, so every figure is a table cell with a stable format, systems trained on the dev
split are labelled as such, and the alignment sections compare the aligner with the
baselines on the same passages. The HTML report (:mod:`fhs_nlp.evaluate.report_html`)
renders these same sections.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from fhs_nlp.evaluate.gold import LABELS
from fhs_nlp.report.output import KIND_FILES

if TYPE_CHECKING:
    from fhs_nlp.evaluate.run import AlignmentEval, EvalResult


def _pct(value: float) -> str:
    return f"{100 * value:.1f}"


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, list) else str(value)
    text = " ".join(text.split())
    if len(text) > 160:
        text = text[:157] + "…"
    return text.replace("|", "\\|")


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


Figure = tuple[str, list[list[int]]]


Section = tuple[str, list[str], list[Figure]]


def report_sections(result: EvalResult) -> list[Section]:
    """The report as (title, Markdown lines, confusion matrices) sections, shared by the
    Markdown and the HTML writer (only the HTML draws the matrices as figures)."""
    m = result.metrics
    stamp = m["stamp"]
    sections: list[Section] = []
    intro = [
        f"Command: `{stamp['command']}`  ",
        f"fhs-nlp {stamp['software_version']} · record schema {stamp['schema_version']} · "
        f"gold {stamp['gold_version']['hash']} · {stamp['created']} · "
        f"{stamp['timings_seconds'].get('total', 0):.1f} s",
    ]
    sections.append(("", intro, []))
    rows = [[k, f"{v:.4f}"] for k, v in m["headline"].items()]
    sections.append(("Headline figures", _table(["metric", "value"], rows), []))
    ex = result.extraction
    if ex is not None:
        lines = [
            "Predicted and gold records of the same document are paired one to one "
            "(Hungarian assignment; minimum similarity "
            f"{ex.as_dict()['min_match']:.0f} of 100, decisions 50). Texts are compared after "
            "whitespace normalisation only; *near* = normalised similarity ≥ 90.", "",
        ]
        lines += _table(
            ["kind", "gold", "predicted", "matched", "precision", "recall", "F1", "matched on"],
            [[f"{KIND_NAMES[k]} ({k})", r.prf.n_gold, r.prf.n_pred, r.prf.tp,
              _pct(r.prf.precision),
              _pct(r.prf.recall), _pct(r.prf.f1), r.how] for k, r in ex.kinds.items()],
        )
        sections.append(("Extraction: records per kind", lines, []))
        for kind, r in ex.kinds.items():
            rows = [[name, t.correct, t.total, _pct(t.accuracy)] for name, t in r.fields.items()]
            lines = _table(["field", "correct", "of matched", "accuracy %"], rows)
            if kind == "milestone":
                e = ex.effects
                lines += ["", f"Effects (paired within matched milestones, minimum similarity "
                              f"60): gold {e.n_gold}, predicted {e.n_pred}, matched {e.tp}; "
                              f"precision {_pct(e.precision)}, recall {_pct(e.recall)}, "
                              f"F1 {_pct(e.f1)}.", ""]
                lines += _table(["effect field", "correct", "of matched", "accuracy %"],
                                [[n, t.correct, t.total, _pct(t.accuracy)]
                                 for n, t in ex.effect_fields.items()])
            title = f"Extraction: {kind} fields ({KIND_FILES[kind]}.jsonl)"
            sections.append((title, lines, []))
        if ex.set_aside:
            sections.append(("Extraction: predictions set aside",
                             _table(["reason", "records"],
                                    [[k, v] for k, v in ex.set_aside.items()]), []))
    if result.real is not None:
        sections += _real_sections(result.real)
    al = result.alignment
    if al is not None:
        sections += _alignment_sections(al)
    if ex is not None:
        rows = [[x.kind, x.problem, x.field, x.gold_at, x.found_at, x.expected, x.found]
                for x in ex.mismatches]
        lines = (_table(["kind", "problem", "field", "gold (doc:lines, annotation)", "found at",
                         "expected", "found"], rows)
                 if rows else ["No mismatches."])
        sections.append((f"Extraction mismatches ({len(rows)})", lines, []))
    for title, suite in (("Real text", result.real), ("Alignment", al)):
        if suite is None:
            continue
        for system in suite.ok_systems():
            errs = system.passages["test"].errors
            rows = [[e["id"], e["gold"], e["predicted"], f"{e['confidence']:.2f}",
                     e["hard_case"], e["text"]] for e in errs]
            sections.append((f"{title} errors on test: {system.name} ({len(rows)})",
                             _table(["passage", "gold", "predicted", "p", "hard case",
                                     "text"], rows) if rows else ["No errors."], []))
    return sections


def _real_sections(al: AlignmentEval) -> list[Section]:
    """The real-text suite: the figures issue 8 asks for, every system in one table."""
    ok = al.ok_systems()
    lines = [
        "Real Swedish text (`eval/gold/real/`): regeringen.se pages and Region Skåne's own "
        "texts, labelled in two independent passes and adjudicated "
        "(`eval/gold/real/agreement.json`). Split by document; only dev is used for "
        "fitting and tuning. **Rows marked dev (training set) are training-set figures** "
        "(TF-IDF and the aligner are trained on this dev split; the first aligner never "
        "saw real text): compare systems on test. "
        "Area accuracy: accuracy on the passages that are about an area.", "",
    ]
    rows = []
    for s in ok:
        for split in ("test", "dev"):
            p = s.passages[split]
            none = p.per_label["none"]
            rows.append([s.name, _split_label(s.name, split, TRAINED_ON_REAL_DEV), p.n,
                         _pct(p.accuracy), _pct(p.area_accuracy), _pct(none.precision),
                         _pct(none.recall), _pct(p.macro_f1), f"{p.ece:.3f}"])
    lines += _table(["system", "split", "passages", "accuracy %", "area accuracy %",
                     "none P %", "none R %", "macro-F1 %", "ECE"], rows)
    for s in al.systems:
        if s.status != "ok":
            lines += ["", f"**{s.name}: not evaluated** – {s.reason}."]
    sections: list[Section] = [("Real text: passages", lines, [])]
    lines = []
    for s in ok:
        p = s.passages["test"]
        lines += [f"**{s.name}** (test)", ""]
        lines += _table(["label", "gold", "predicted", "precision %", "recall %", "F1 %"],
                        [[lab, r.n_gold, r.n_pred, _pct(r.precision), _pct(r.recall),
                          _pct(r.f1)] for lab, r in p.per_label.items()])
        lines += ["", "Hard cases: " + ", ".join(
            f"{k} {v['correct']}/{v['n']}" for k, v in p.hard_cases.items()), ""]
    sections.append(("Real text: per label on test", lines, []))
    lines = [
        "A gap is an area a document does nothing for (gold `none`). Weak areas count as "
        "covered when scoring gap precision. *Strong flagged as gap*: areas the document "
        "commits to that the system calls a gap (must be 0).", "",
    ]
    rows = []
    for s in ok:
        for split in ("test", "dev"):
            d = s.drafts[split]
            rows.append([s.name, split, len(d.drafts), d.gaps.n_gold, _pct(d.gaps.precision),
                         _pct(d.gaps.recall), f"{d.strong_as_gap} of {d.n_strong}"])
    lines += _table(["system", "split", "documents", "absent areas", "gap P %",
                     "gap R % (absent flagged)", "strong flagged as gap"], rows)
    for s in ok:
        rows = [[r["id"][:60], ", ".join(map(short_label, r["missed_gaps"])) or "–",
                 ", ".join(map(short_label, r["false_gaps"])) or "–",
                 ", ".join(map(short_label, r["strong_as_gap"])) or "–"]
                for r in s.drafts["test"].drafts]
        lines += ["", f"**{s.name}** per test document:", "",
                  *_table(["document", "missed gaps", "false gaps", "strong as gap"], rows)]
    sections.append(("Real text: documents (gaps)", lines, []))
    return sections


#: Systems fitted or tuned on the dev split: their dev rows are training-set figures.
TRAINED_ON_DEV = frozenset({"tfidf-logreg", "aligner", "aligner-v1"})


#: On the real-text suite: the first aligner was never trained on real text.
TRAINED_ON_REAL_DEV = frozenset({"tfidf-logreg", "aligner"})


def _split_label(system: str, split: str, trained: frozenset[str] = TRAINED_ON_DEV) -> str:
    return "dev (training set)" if split == "dev" and system in trained else split


def _alignment_sections(al: AlignmentEval) -> list[Section]:
    sections: list[Section] = []
    ok = al.ok_systems()
    lines = [
        "Labels: the 7 area slugs and `none`. Only dev is used for fitting and tuning; "
        "systems trained on dev (the TF-IDF model; the aligner's classifier) show "
        "training-set figures on dev, so compare systems on test. ECE: 10 equal-width bins "
        "on the top probability. Lenient accuracy also accepts a secondary area.", "",
    ]
    rows = []
    for s in ok:
        for split in ("dev", "test"):
            p = s.passages[split]
            rows.append([s.name, _split_label(s.name, split), p.n, _pct(p.accuracy),
                         _pct(p.lenient_accuracy),
                         _pct(p.macro_f1), f"{p.ece:.3f}"])
    lines += _table(["system", "split", "passages", "accuracy %", "lenient %", "macro-F1 %",
                     "ECE"], rows)
    skipped = [s for s in al.systems if s.status != "ok"]
    for s in skipped:
        lines += ["", f"**{s.name}: not evaluated** – {s.reason}."]
    compared = _compare_lines(al)
    if compared:
        lines += ["", *compared]
    sections.append(("Alignment: passages", lines, []))
    for s in ok:
        lines = []
        for split in ("dev", "test"):
            p = s.passages[split]
            lines += [f"**{split}**", ""]
            lines += _table(["label", "gold", "predicted", "precision %", "recall %", "F1 %"],
                            [[lab, r.n_gold, r.n_pred, _pct(r.precision), _pct(r.recall),
                              _pct(r.f1)] for lab, r in p.per_label.items()])
            lines += ["", "Hard cases: " + ", ".join(
                f"{k} {v['correct']}/{v['n']}" for k, v in p.hard_cases.items()), ""]
        lines += [f"Config: `{json.dumps(s.config, ensure_ascii=False)}`"]
        sections.append((f"Alignment: {s.name} per label", lines, []))
    for s in ok:
        lines = ["Rows: gold label; columns: predicted label.", ""]
        figures: list[Figure] = []
        for split in ("dev", "test"):
            header = ["gold \\ predicted", *[short_label(lab) for lab in LABELS]]
            rows = [[short_label(LABELS[i]), *row]
                    for i, row in enumerate(s.passages[split].confusion)]
            lines += [f"**{split}**", "", *_table(header, rows), ""]
            figures.append((f"{s.name}, {split}", s.passages[split].confusion))
        sections.append((f"Alignment: {s.name} confusion matrix", lines, figures))
    lines = [
        "A gap is an area the draft does nothing for (gold: `gaps`). **Weak areas count as "
        "covered**: reporting a weak area as a gap is a false alarm. *Excluding weak* leaves "
        "weak areas out of the count. Counts are pooled over the drafts of a split. Drafts "
        "are read from PDFs rendered from `eval/gold/alignment/drafts/*.md`.", "",
    ]
    rows = []
    for s in ok:
        for split in ("dev", "test"):
            d = s.drafts[split]
            rows.append([s.name, _split_label(s.name, split), len(d.drafts),
                         _pct(d.gaps.precision),
                         _pct(d.gaps.recall), _pct(d.gaps.f1),
                         _pct(d.gaps_excluding_weak.precision),
                         _pct(d.gaps_excluding_weak.recall),
                         _pct(d.viljeriktning_gaps.precision),
                         _pct(d.viljeriktning_gaps.recall)])
    lines += _table(["system", "split", "drafts", "gap P %", "gap R %", "gap F1 %",
                     "excl. weak P %", "excl. weak R %", "viljeriktning gap P %",
                     "viljeriktning gap R %"], rows)
    for s in ok:
        rows = [[r["id"], ", ".join(map(short_label, r["gold_gaps"])),
                 ", ".join(map(short_label, r["missed_gaps"])) or "–",
                 ", ".join(map(short_label, r["false_gaps"])) or "–",
                 ", ".join(map(short_label, r["gold_weak"])) or "–"]
                for split in ("dev", "test") for r in s.drafts[split].drafts]
        lines += ["", f"**{s.name}** per draft:", "",
                  *_table(["draft", "gold gaps", "missed gaps", "false gaps", "gold weak"],
                          rows)]
    read = ", ".join(f"{d.id} ({d.file})" + (f" – {d.problem}" if d.problem else "")
                     for d in al.drafts_read)
    lines += ["", f"Drafts read: {read}."]
    sections.append(("Alignment: drafts (document-level gaps)", lines, []))
    return sections


def _compare_lines(al: AlignmentEval) -> list[str]:
    from fhs_nlp.evaluate.run import compare_systems

    compared = compare_systems(al.systems)
    if not compared:
        return []
    rows = [[k, f"{v['accuracy']:+.4f}", f"{v['macro_f1']:+.4f}", f"{v['ece']:+.4f}",
             f"{v['gap_f1']:+.4f}"] for k, v in compared.items()]
    return ["Differences on test:", "", *_table(["systems", "accuracy", "macro-F1", "ECE",
                                                 "gap F1"], rows)]


_SHORT = {
    "personcentrerat-arbetssatt": "personcentrerat",
    "halsoframjande-och-forebyggande-insatser": "hälsofrämjande",
    "nara-vard": "nära vård",
    "nivastrukturering-och-profilering": "nivåstrukturering",
    "medarbetare": "medarbetare",
    "digitalisering": "digitalisering",
    "fysisk-infrastruktur": "fysisk infra.",
    "none": "none",
}


def short_label(label: str) -> str:
    return _SHORT.get(label, label)


def render_markdown(result: EvalResult) -> str:
    lines = ["# fhs-nlp evaluation report", ""]
    for title, body, _figures in report_sections(result):
        if title:
            lines += [f"## {title}", ""]
        lines += [*body, ""]
    return "\n".join(lines).rstrip() + "\n"


#: What each record kind is called in Swedish, for the report tables.
KIND_NAMES = {"insatsomrade": "insatsområde", "viljeriktning": "viljeriktning",
              "fokusforflyttning": "fokusförflyttning", "milestone": "milstolpe",
              "malbild": "målbild", "effektmal": "effektmål", "decision": "beslut"}
