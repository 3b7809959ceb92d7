"""The plan comparison as one self-contained HTML page: inline CSS, no scripts, no network.

Word-level differences show as ``<del>``/``<ins>``; the page has the same parts as the
terminal and Markdown views (:mod:`fhs_nlp.report.diff`), so a reviewer can send it on
and the reader sees exactly what the terminal showed.
"""

from __future__ import annotations

from collections.abc import Sequence

from jinja2 import Environment
from markupsafe import Markup, escape

from fhs_nlp.datamodel.plan_diff import (
    CHANGE_TYPES,
    EFFECT_CHANGE_TYPES,
    DiffOp,
    EffectChange,
    MilestoneChange,
    PlanDiff,
    WordDiff,
)
from fhs_nlp.datamodel.records import Milestone
from fhs_nlp.report.diff import (
    CHANGE_HEADS,
    CHANGE_LABELS,
    LISTED,
    clip,
    headline,
    identical_text,
    locations,
    side_names,
    tags_text,
    year_text,
)

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


def item_html(change: str, item: MilestoneChange) -> Markup:
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
        sides=side_names(report),
        identical=identical_text(report),
        change_types=CHANGE_TYPES,
        effects=", ".join(f"{report.summary.effects[c]} {c}" for c in EFFECT_CHANGE_TYPES),
        labels=CHANGE_LABELS,
        heads=CHANGE_HEADS,
        lists=[(c, items) for c, items in lists if items],
        item_html=item_html,
    )
