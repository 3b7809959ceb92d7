"""Show a :class:`~fhs_nlp.diff.plans.PlanDiff`: terminal, Markdown, HTML, JSON.

Every view has the same parts: the two versions, the counts per change type and per
insatsområde, then one list per change type with where each milestone stands in each
version. Word-level differences read ``[-removed-] {+added+}`` in the terminal and in
Markdown, ``<del>``/``<ins>`` in HTML. The HTML report is one self-contained file
(inline CSS, no scripts, no network).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from jinja2 import Environment
from markupsafe import Markup, escape
from rich.console import Console
from rich.table import Table
from rich.text import Text

from fhs_nlp.datamodel.records import Effect, Milestone, Provenance
from fhs_nlp.diff.plans import (
    CHANGE_TYPES,
    EFFECT_CHANGE_TYPES,
    ChangeType,
    DiffOp,
    EffectChange,
    MilestoneChange,
    PlanDiff,
    PlanSide,
    WordDiff,
)
from fhs_nlp.report.markdown_text import md_text

CHANGE_LABELS = {
    "unchanged": "unchanged",
    "reworded": "reworded",
    "moved_year": "moved to another year",
    "moved_area": "moved to another insatsområde",
    "effects_changed": "effects changed",
    "added": "added",
    "removed": "removed",
}
#: Short column heads for the per-area table.
CHANGE_HEADS = {
    "unchanged": "unch.", "reworded": "reworded", "moved_year": "year", "moved_area": "area",
    "effects_changed": "effects", "added": "added", "removed": "removed",
}
#: The lists shown after the summary, in this order (unchanged milestones are not listed).
LISTED: tuple[ChangeType, ...] = (
    "reworded", "moved_year", "moved_area", "effects_changed", "added", "removed"
)


# --- small text helpers, shared by terminal and Markdown --------------------------------


def where(provenance: Provenance) -> str:
    """'p. 12' for a paged document, 'line 144' for plain text."""
    if provenance.page is not None:
        return f"p. {provenance.page}"
    return f"line {provenance.line_start}"


def year_text(year: int | None) -> str:
    return str(year) if year is not None else "no year"


def tags_text(effect: Effect) -> str:
    return f"({', '.join(effect.targets)})" if effect.targets else "(no tag)"


def diff_text(ops: Sequence[DiffOp]) -> str:
    """``[-removed-] {+added+}`` notation, as git's --word-diff=plain writes it."""
    parts = []
    for op in ops:
        if op.op == "equal":
            parts.append(op.text)
        elif op.op == "delete":
            parts.append(f"[-{op.text}-]")
        else:
            parts.append(f"{{+{op.text}+}}")
    return " ".join(parts)


def locations(change: MilestoneChange) -> str:
    parts = []
    if change.old is not None:
        parts.append(f"old {where(change.old.provenance)}")
    if change.new is not None:
        parts.append(f"new {where(change.new.provenance)}")
    return " → ".join(parts)


def headline(change: MilestoneChange) -> str:
    """What the list for each change type says after the title."""
    m = change.current
    return f"{year_text(m.year)}, {m.area or 'no area'}"


def effect_line(e: EffectChange, *, mark: bool = True) -> str:
    """One effect change; ``mark`` puts +, - or ~ in front (the terminal's view)."""
    if e.changes == ["added"] and e.new is not None:
        line = f"added: {e.new.text} {tags_text(e.new)}"
    elif e.changes == ["removed"] and e.old is not None:
        line = f"removed: {e.old.text} {tags_text(e.old)}"
    else:
        assert e.old is not None and e.new is not None
        text = diff_text(e.text_diff.ops) if e.text_diff else e.new.text
        tags = (f" {tags_text(e.old)} → {tags_text(e.new)}" if "retagged" in e.changes
                else f" {tags_text(e.new)}")
        line = f"{' and '.join(e.changes)}: {text}{tags}"
    if not mark:
        return line
    return {"added": "+ ", "removed": "- "}.get(e.changes[0], "~ ") + line


def clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _sides(report: PlanDiff) -> tuple[str, str]:
    def side(s: PlanSide) -> str:
        pages = f"{s.pages} pages, " if s.source_format != "text" else ""
        return f"{s.path} ({s.source_format}, {pages}{s.milestones} milestones)"

    return side(report.old), side(report.new)


def _identical_text(report: PlanDiff) -> str:
    same = " (the same file content)" if report.same_content else ""
    return (f"The two versions are identical{same}: {report.summary.milestones_new} "
            "milestones, none changed, added or removed.")


# --- terminal ---------------------------------------------------------------------------


def _diff_rich(ops: Sequence[DiffOp]) -> Text:
    text = Text()
    for k, op in enumerate(ops):
        if k:
            text.append(" ")
        if op.op == "equal":
            text.append(op.text)
        elif op.op == "delete":
            text.append(f"[-{op.text}-]", style="bold red")
        else:
            text.append(f"{{+{op.text}+}}", style="bold green")
    return text


def render_terminal(report: PlanDiff, console: Console) -> None:
    old, new = _sides(report)
    console.print(Text.assemble(("old: ", "bold"), old))
    console.print(Text.assemble(("new: ", "bold"), new))
    if report.identical:
        console.print(Text(_identical_text(report), style="bold green"))
        return
    summary = report.summary
    table = Table(title="Milestones by change", title_justify="left")
    table.add_column("change")
    table.add_column("milestones", justify="right")
    for change in CHANGE_TYPES:
        table.add_row(CHANGE_LABELS[change], str(summary.counts[change]))
    console.print(table)
    effects = ", ".join(f"{summary.effects[c]} {c}" for c in EFFECT_CHANGE_TYPES)
    console.print(f"Effects of matched milestones: {effects}")
    areas = Table(title="Per insatsområde (the area each milestone is in now)",
                  title_justify="left")
    areas.add_column("insatsområde")
    for change in CHANGE_TYPES:
        areas.add_column(CHANGE_HEADS[change], justify="right")
    for area, counts in summary.per_area.items():
        areas.add_row(area, *(str(counts[c]) if counts[c] else "·" for c in CHANGE_TYPES))
    console.print(areas)
    for change in LISTED:
        items = report.of_type(change)
        if not items:
            continue
        console.print(Text(f"{CHANGE_LABELS[change].capitalize()} ({len(items)})", style="bold"))
        for item in items:
            _print_item(console, change, item)


def _print_item(console: Console, change: str, item: MilestoneChange) -> None:
    m = item.current
    line = Text("  • ")
    line.append(m.title, style="bold")
    if change == "moved_year" and item.old is not None:
        line.append(f": {year_text(item.old.year)} → {year_text(m.year)} ({m.area})")
    elif change == "moved_area" and item.old is not None:
        line.append(f": {item.old.area} → {m.area} ({year_text(m.year)})")
    else:
        line.append(f" ({headline(item)})")
    line.append(f"  {locations(item)}", style="dim")
    console.print(line)
    if change in ("added", "removed") and m.description:
        console.print(Text(f"      {clip(m.description, 110)}", style="dim"))
    if change == "reworded":
        for d in (item.title_diff, item.description_diff):
            if d is not None:
                console.print(Text(f"      {d.field}: ").append_text(_diff_rich(d.ops)))
        if item.matched_on == "previous_wording" and item.old is not None:
            console.print(Text("      matched on its earlier wording "
                               f"(“{item.new.previous_wording if item.new else ''}”)",
                               style="dim"))
    if change == "effects_changed":
        for e in item.effect_changes:
            style = {"+": "green", "-": "red"}.get(effect_line(e)[0], "yellow")
            if e.text_diff is not None:
                text = Text(f"      ~ {' and '.join(e.changes)}: ", style=style)
                text.append_text(_diff_rich(e.text_diff.ops))
                assert e.old is not None and e.new is not None
                tags = (f" {tags_text(e.old)} → {tags_text(e.new)}" if "retagged" in e.changes
                        else f" {tags_text(e.new)}")
                text.append(tags)
                console.print(text)
            else:
                console.print(Text("      " + effect_line(e), style=style))


# --- JSON -------------------------------------------------------------------------------


def render_json(report: PlanDiff) -> str:
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


# --- Markdown ---------------------------------------------------------------------------


def _cell(text: str) -> str:
    return md_text(text)


def _md_diff(ops: Sequence[DiffOp]) -> str:
    """``[-removed-] {+added+}`` with the words made literal Markdown."""
    parts = []
    for op in ops:
        text = md_text(op.text)
        if op.op == "equal":
            parts.append(text)
        elif op.op == "delete":
            # not a link: no "(" or "[" follows, and no text can define a reference
            parts.append(f"[-{text}-]")
        else:
            parts.append(f"{{+{text}+}}")
    return " ".join(parts)


def _md_effect_line(e: EffectChange) -> str:
    if e.changes == ["added"] and e.new is not None:
        return f"added: {md_text(e.new.text)} {tags_text(e.new)}"
    if e.changes == ["removed"] and e.old is not None:
        return f"removed: {md_text(e.old.text)} {tags_text(e.old)}"
    assert e.old is not None and e.new is not None
    text = _md_diff(e.text_diff.ops) if e.text_diff else md_text(e.new.text)
    tags = (f" {tags_text(e.old)} → {tags_text(e.new)}" if "retagged" in e.changes
            else f" {tags_text(e.new)}")
    return f"{' and '.join(e.changes)}: {text}{tags}"


def render_markdown(report: PlanDiff) -> str:
    """The diff as Markdown; every text from the plans goes through
    :func:`~fhs_nlp.report.markdown_text.md_text`: no raw HTML or Markdown passes."""
    old, new = (md_text(side) for side in _sides(report))
    s = report.summary
    out = ["# Plan diff", "", f"- **old:** {old}", f"- **new:** {new}", "",
           f"*fhs-nlp {report.software_version}, schema {report.schema_version}; matched when "
           f"similarity ≥ {report.settings.min_similarity} "
           f"({report.settings.title_weight} · title + {report.settings.description_weight} · "
           f"description, rapidfuzz {report.settings.scorer}); "
           f"{report.timings['total_seconds']:.2f} s.*", ""]
    if report.identical:
        return "\n".join([*out, _identical_text(report)]) + "\n"
    out += ["| change | milestones |", "|---|---:|"]
    out += [f"| {CHANGE_LABELS[c]} | {s.counts[c]} |" for c in CHANGE_TYPES]
    out += ["", "Effects of matched milestones: "
            + ", ".join(f"{s.effects[c]} {c}" for c in EFFECT_CHANGE_TYPES) + ".", "",
            "## Per insatsområde", "", "By the area each milestone is in now (the old area "
            "for a removed one).", "",
            "| insatsområde | " + " | ".join(CHANGE_HEADS[c] for c in CHANGE_TYPES) + " |",
            "|---|" + "---:|" * len(CHANGE_TYPES)]
    for area, counts in s.per_area.items():
        out.append(f"| {_cell(area)} | " + " | ".join(str(counts[c]) for c in CHANGE_TYPES)
                   + " |")
    for change in LISTED:
        items = report.of_type(change)
        if not items:
            continue
        out += ["", f"## {CHANGE_LABELS[change].capitalize()} ({len(items)})", ""]
        for item in items:
            out += _markdown_item(change, item)
    return "\n".join(out) + "\n"


def _markdown_item(change: str, item: MilestoneChange) -> list[str]:
    m = item.current
    if change == "moved_year" and item.old is not None:
        what = f"{year_text(item.old.year)} → {year_text(m.year)} ({m.area})"
    elif change == "moved_area" and item.old is not None:
        what = f"{item.old.area} → {m.area} ({year_text(m.year)})"
    else:
        what = headline(item)
    lines = [f"- **{md_text(m.title)}**: {md_text(what)} — {locations(item)}"]
    if change == "reworded":
        for d in (item.title_diff, item.description_diff):
            if d is not None:
                lines.append(f"  - {d.field}: {_md_diff(d.ops)}")
        if item.matched_on == "previous_wording" and item.new is not None:
            lines.append("  - matched on its earlier wording "
                         f"“{md_text(item.new.previous_wording or '')}”")
    if change == "effects_changed":
        lines += [f"  - {_md_effect_line(e)}" for e in item.effect_changes]
    if change in ("added", "removed"):
        if m.description:
            lines.append(f"  - description: {md_text(clip(m.description, 300))}")
        lines += [f"  - effect: {md_text(e.text)} {tags_text(e)}" for e in m.effects]
    return lines


# --- HTML -------------------------------------------------------------------------------

_HTML = """<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8">
<title>Plan diff: {{ report.old.path }} → {{ report.new.path }}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;
 margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.5em} h2{margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.8em 0}
td,th{padding:.3em .6em;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
td.n{text-align:right} .zero{color:#bbb}
del{background:#ffebe9;color:#82071e;text-decoration:line-through}
ins{background:#dafbe1;color:#116329;text-decoration:none}
.meta{color:#666;font-size:.9em} .ok{color:#1a7f37;font-weight:600}
li{margin:.3em 0} .field{color:#666;font-size:.9em}
</style></head><body>
<h1>Plan diff</h1>
<p><b>old:</b> {{ sides[0] }}<br><b>new:</b> {{ sides[1] }}</p>
<p class="meta">fhs-nlp {{ report.software_version }}, schema {{ report.schema_version }},
{{ report.created }}. Milestones matched one to one when similarity ≥
{{ report.settings.min_similarity }} ({{ report.settings.title_weight }} · title +
{{ report.settings.description_weight }} · description, rapidfuzz {{ report.settings.scorer }}).
{{ '%.2f'|format(report.timings.total_seconds) }} s.</p>
{% if report.identical %}<p class="ok">{{ identical }}</p>{% else %}
<table><tr><th>change</th><th>milestones</th></tr>
{% for c in change_types %}<tr><td>{{ labels[c] }}</td><td class="n">{{ s.counts[c] }}</td></tr>
{% endfor %}</table>
<p>Effects of matched milestones: {{ effects }}.</p>
<h2>Per insatsområde</h2>
<p class="meta">By the area each milestone is in now (the old area for a removed one).</p>
<table><tr><th>insatsområde</th>{% for c in change_types %}<th>{{ heads[c] }}</th>{% endfor %}</tr>
{% for area, counts in s.per_area.items() %}<tr><td>{{ area }}</td>
{%- for c in change_types %}<td class="n{{ '' if counts[c] else ' zero' }}">{{ counts[c] }}</td>
{%- endfor %}</tr>
{% endfor %}</table>
{% for change, items in lists %}
<h2 id="{{ change }}">{{ labels[change]|capitalize }} ({{ items|length }})</h2>
<ul>{% for item in items %}<li>{{ item_html(change, item) }}</li>
{% endfor %}</ul>
{% endfor %}{% endif %}
</body></html>
"""


def diff_html(ops: Sequence[DiffOp]) -> Markup:
    parts = []
    for op in ops:
        if op.op == "equal":
            parts.append(escape(op.text))
        elif op.op == "delete":
            parts.append(Markup("<del>%s</del>") % op.text)
        else:
            parts.append(Markup("<ins>%s</ins>") % op.text)
    return Markup(" ").join(parts)


def _where_html(item: MilestoneChange) -> Markup:
    return Markup('<span class="meta">%s</span>') % locations(item)


def _item_html(change: str, item: MilestoneChange) -> Markup:
    m: Milestone = item.current
    if change == "moved_year" and item.old is not None:
        what = f"{year_text(item.old.year)} → {year_text(m.year)} ({m.area})"
    elif change == "moved_area" and item.old is not None:
        what = f"{item.old.area} → {m.area} ({year_text(m.year)})"
    else:
        what = headline(item)
    html = Markup("<b>%s</b>: %s — ") % (m.title, what) + _where_html(item)
    details: list[Markup] = []
    if change == "reworded":
        for d in (item.title_diff, item.description_diff):
            if d is not None:
                details.append(_field_html(d))
        if item.matched_on == "previous_wording" and item.new is not None:
            details.append(Markup("matched on its earlier wording “%s”")
                           % (item.new.previous_wording or ""))
    if change == "effects_changed":
        for e in item.effect_changes:
            details.append(_effect_html(e))
    if change in ("added", "removed"):
        if m.description:
            details.append(Markup('<span class="field">description:</span> %s')
                           % clip(m.description, 300))
        details += [Markup('<span class="field">effect:</span> %s %s') % (e.text, tags_text(e))
                    for e in m.effects]
    if details:
        html += Markup("<ul>") + Markup("").join(
            Markup("<li>%s</li>") % d for d in details) + Markup("</ul>")
    return html


def _field_html(d: WordDiff) -> Markup:
    return Markup('<span class="field">%s:</span> ') % d.field + diff_html(d.ops)


def _effect_html(e: EffectChange) -> Markup:
    if e.changes == ["added"] and e.new is not None:
        return Markup("added: <ins>%s</ins> %s") % (e.new.text, tags_text(e.new))
    if e.changes == ["removed"] and e.old is not None:
        return Markup("removed: <del>%s</del> %s") % (e.old.text, tags_text(e.old))
    assert e.old is not None and e.new is not None
    text = diff_html(e.text_diff.ops) if e.text_diff else escape(e.new.text)
    tags = (f"{tags_text(e.old)} → {tags_text(e.new)}" if "retagged" in e.changes
            else tags_text(e.new))
    return Markup("%s: ") % " and ".join(e.changes) + text + Markup(" %s") % tags


def render_html(report: PlanDiff) -> str:
    env = Environment(autoescape=True)
    lists = [(c, report.of_type(c)) for c in LISTED]
    return env.from_string(_HTML).render(
        report=report,
        s=report.summary,
        sides=_sides(report),
        identical=_identical_text(report),
        change_types=CHANGE_TYPES,
        effects=", ".join(f"{report.summary.effects[c]} {c}" for c in EFFECT_CHANGE_TYPES),
        labels=CHANGE_LABELS,
        heads=CHANGE_HEADS,
        lists=[(c, items) for c, items in lists if items],
        item_html=_item_html,
    )
