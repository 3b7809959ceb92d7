"""Show an :class:`~fhs_nlp.align.aligner.AlignmentReport`: terminal, Markdown, HTML, JSON.

The terminal view is what a strategist reads first: one line per insatsområde with its
score bar and status, then the gaps, then the evidence. The HTML report is one
self-contained file (inline CSS and SVG, no scripts, no network) that opens offline:
a bar chart of the area scores, then every area with its evidence passages
highlighted in the text of the draft.
"""

from __future__ import annotations

import html
import json

from jinja2 import Environment
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from fhs_nlp.align.not_swedish import is_not_swedish
from fhs_nlp.datamodel.alignment import AlignmentReport, PassageResult
from fhs_nlp.report.markdown_text import md_text

STATUS_STYLE = {"covered": "green", "weak": "yellow", "gap": "red"}
STATUS_TEXT = {"covered": "covered", "weak": "weak", "gap": "GAP"}
AREA_COLOURS = ["#1b6ca8", "#2a9d8f", "#e9c46a", "#f4a261", "#8e6c8a", "#e76f51", "#6a994e"]


def _where(page: int | None, line: int) -> str:
    return f"p. {page}" if page else f"line {line}"


def _bar(score: float, width: int = 20) -> str:
    filled = round(score / 100 * width)
    return "█" * filled + "·" * (width - filled)


def render_terminal(report: AlignmentReport, console: Console) -> None:
    doc = report.document
    pages = f", {doc.pages} pages" if doc.pages else ""
    console.print(f"[bold]{escape(doc.path)}[/]  ({doc.words} words, {doc.passages} passages"
                  f"{pages})")
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    table = Table(title="Alignment with Framtidens hälsosystem", title_justify="left")
    table.add_column("insatsområde")
    table.add_column("score", justify="right")
    table.add_column("")
    table.add_column("status")
    table.add_column("coverage", justify="right")
    table.add_column("viljeriktningar", justify="right")
    for area in report.areas:
        addressed = sum(v.addressed for v in area.viljeriktningar)
        table.add_row(
            area.area,
            f"{area.score:.0f}",
            _bar(area.score),
            f"[{STATUS_STYLE[area.status]}]{STATUS_TEXT[area.status]}[/]",
            f"{area.coverage:.0%}",
            f"{addressed}/{len(area.viljeriktningar)}",
        )
    console.print(table)
    covered = [a for a in report.areas if a.status != "gap" and a.evidence]
    if covered:
        console.print("[bold]Strongest evidence[/]")
        for area in covered:
            e = area.evidence[0]
            console.print(f"  • {escape(area.area)} — {_where(e.page, e.line_start)}, "
                          f"passage {e.passage}: “{escape(_clip(e.text, 70))}”")
    gaps = [g for g in report.gaps if g.level == "insatsomrade"]
    vr_gaps = [g for g in report.gaps if g.level == "viljeriktning"]
    if gaps and is_not_swedish(report):
        console.print("[bold red]Gaps: not meaningful, the draft is not in Swedish[/]")
    elif gaps:
        console.print("[bold red]Gaps: insatsområden the draft leaves out[/]")
        for gap in gaps:
            console.print(f"  • {escape(gap.area)} — {escape(gap.explanation)}")
    if vr_gaps:
        console.print("[bold yellow]Viljeriktningar not addressed in the areas it covers[/]")
        for gap in vr_gaps:
            console.print(f"  • [{escape(gap.area)}] {escape(_clip(gap.text, 90))}")
    advanced = [(a.area, m) for a in report.areas for m in a.milestones]
    if advanced:
        console.print("[bold]Milestones the draft advances[/]")
        for area_name, m in advanced[:10]:
            year = m.year or "no year"
            console.print(f"  • {escape(_clip(m.title, 80))} ({year}, {escape(area_name)}) — "
                          f"{_where(m.page, 0) if m.page else 'passage ' + str(m.passage)}")
    shifts = [s for s in report.fokusforflyttningar if s.reflected]
    if shifts:
        console.print("[bold]Fokusförflyttningar the draft reflects[/]")
        for s in shifts:
            console.print(f"  • {escape(_clip(s.text, 90))}")
    console.print(f"[dim]{escape(report.score_meaning)}[/]")
    console.print("[dim]Details: --format html|md|json, or --passage N for one passage (N as "
                  "in “passage N” above, #N in the HTML report).[/]")


def render_passage(report: AlignmentReport, index: int, console: Console) -> None:
    """Everything about one passage: its text, all probabilities, nearest references."""
    passage = _passage(report, index)
    console.print(f"[bold]Passage {passage.index}[/] ({passage.kind}, "
                  f"{_where(passage.page, passage.line_start)}, {passage.words} words)")
    if passage.heading:
        console.print(f"under heading: {escape(passage.heading)}")
    console.print(escape(passage.text))
    table = Table(title="Probabilities", title_justify="left")
    table.add_column("label")
    table.add_column("p", justify="right")
    for label, p in sorted(passage.probabilities.items(), key=lambda kv: -kv[1]):
        table.add_row(label, f"{p:.3f}")
    console.print(table)
    near = Table(title="Nearest reference records", title_justify="left")
    near.add_column("similarity", justify="right")
    near.add_column("kind")
    near.add_column("area")
    near.add_column("text")
    near.add_column("source")
    for m in passage.nearest:
        near.add_row(f"{m.similarity:.3f}", m.kind, m.area or "", escape(_clip(m.label, 70)),
                     escape(m.source))
    console.print(near)


def _passage(report: AlignmentReport, index: int) -> PassageResult:
    for passage in report.passages:
        if passage.index == index:
            return passage
    numbers = [p.index for p in report.passages]
    near = sorted(numbers, key=lambda n: (abs(n - index), n))[:2]
    shown = ", ".join(map(str, numbers[:30])) + ("…" if len(numbers) > 30 else "")
    raise KeyError(f"no passage {index}: headings are not scored, so the numbers have "
                   f"gaps; the nearest are {' and '.join(map(str, sorted(near)))} "
                   f"(all: {shown}); the report shows each passage's number")


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def render_json(report: AlignmentReport) -> str:
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def render_markdown(report: AlignmentReport) -> str:
    """The report as Markdown; every text from the draft (and the reference) goes
    through :func:`~fhs_nlp.report.markdown_text.md_text`: no raw HTML or Markdown passes."""
    m_ = md_text
    doc = report.document
    out = [f"# Alignment of {m_(doc.path)} with Framtidens hälsosystem", ""]
    out.append(f"{doc.words} words, {doc.passages} passages"
               + (f", {doc.pages} pages" if doc.pages else "")
               + f". Embedder: {m_(report.embedder)}. fhs-nlp {m_(report.software_version)}.")
    out.append("")
    for warning in report.warnings:
        out.append(f"> **Warning:** {m_(warning)}")
    if report.warnings:
        out.append("")
    out += ["| insatsområde | score | status | coverage | viljeriktningar | explanation |",
            "|---|---:|---|---:|---:|---|"]
    for a in report.areas:
        addressed = sum(v.addressed for v in a.viljeriktningar)
        out.append(f"| {m_(a.area)} | {a.score:.0f} | {a.status} | {a.coverage:.0%} | "
                   f"{addressed}/{len(a.viljeriktningar)} | {m_(a.explanation)} |")
    heading = ("## Gaps (not meaningful: the draft is not in Swedish)"
               if is_not_swedish(report) else "## Gaps")
    out += ["", f"*{m_(report.score_meaning)}*", "", heading, ""]
    if not report.gaps:
        out.append("None.")
    for g in report.gaps:
        label = m_(g.area) if g.level == "insatsomrade" else f"{m_(g.area)}: “{m_(g.text)}”"
        out.append(f"- **{g.level}** {label} — {m_(g.explanation)}")
    for a in report.areas:
        out += ["", f"## {m_(a.area)} — {a.score:.0f} ({a.status})", "", m_(a.explanation), ""]
        for e in a.evidence:
            out.append(f"- {_where(e.page, e.line_start)}, passage {e.passage}, "
                       f"p = {e.probability:.2f}: "
                       f"“{m_(_clip(e.text, 240))}” ({m_(e.why)})")
        out.append("")
        for v in a.viljeriktningar:
            mark = "✓" if v.addressed else "✗"
            out.append(f"- {mark} {m_(v.text)} — {m_(v.explanation)}")
        if a.milestones:
            out.append("")
            out.append("Milestones advanced:")
            for m in a.milestones:
                out.append(f"- {m_(m.title)} ({m.year or 'no year'}) — "
                           f"{_where(m.page, 0) if m.page else 'passage ' + str(m.passage)}")
    out += ["", "## Fokusförflyttningar", ""]
    for s in report.fokusforflyttningar:
        out.append(f"- {'✓' if s.reflected else '✗'} {m_(s.text)}")
    return "\n".join(out) + "\n"


_HTML = """<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8">
<title>Alignment: {{ doc.path|e }}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.5em} h2{margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.8em 0} td,th{padding:.3em .6em;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
.covered{color:#1a7f37;font-weight:600}.weak{color:#9a6700;font-weight:600}.gap{color:#cf222e;font-weight:600}
.warn{background:#fff8c5;padding:.5em;border-left:4px solid #d4a72c}
.passage{margin:.4em 0;padding:.4em .7em;border-left:4px solid #ccc;background:#fafafa}
.passage.evidence{background:#fffbe6}
mark{background:#ffe58f}
.meta{color:#666;font-size:.9em}
</style></head><body>
<h1>Alignment with Framtidens hälsosystem</h1>
<p class="meta">{{ doc.path|e }} — {{ doc.words }} words, {{ doc.passages }} passages{% if doc.pages %}, {{ doc.pages }} pages{% endif %}. Embedder {{ report.embedder|e }}, fhs-nlp {{ report.software_version }}.</p>
{% for w in report.warnings %}<p class="warn">⚠ {{ w|e }}</p>{% endfor %}
{{ chart|safe }}
<p class="meta">{{ report.score_meaning|e }}</p>
<table><tr><th>insatsområde</th><th>score</th><th>status</th><th>coverage</th><th>viljeriktningar</th><th>explanation</th></tr>
{% for a in report.areas %}<tr><td><a href="#{{ a.slug }}">{{ a.area|e }}</a></td><td>{{ '%.0f'|format(a.score) }}</td><td class="{{ a.status }}">{{ a.status }}</td><td>{{ '%.0f'|format(a.coverage*100) }}%</td><td>{{ a.viljeriktningar|selectattr('addressed')|list|length }}/{{ a.viljeriktningar|length }}</td><td>{{ a.explanation|e }}</td></tr>
{% endfor %}</table>
<h2>Gaps{% if not_swedish %} (not meaningful: the draft is not in Swedish){% endif %}</h2>
{% if not report.gaps %}<p>None.</p>{% endif %}<ul>
{% for g in report.gaps %}<li><b>{{ g.area|e }}</b>{% if g.level == 'viljeriktning' %}: “{{ g.text|e }}”{% endif %} — {{ g.explanation|e }}</li>{% endfor %}</ul>
{% for a in report.areas %}
<h2 id="{{ a.slug }}">{{ a.area|e }} — {{ '%.0f'|format(a.score) }} <span class="{{ a.status }}">{{ a.status }}</span></h2>
<p>{{ a.explanation|e }}</p>
{% for e in a.evidence %}<div class="passage evidence"><span class="meta">{% if e.page %}p. {{ e.page }}{% else %}line {{ e.line_start }}{% endif %} · p = {{ '%.2f'|format(e.probability) }} · {{ e.why|e }}</span><br><mark>{{ e.text|e }}</mark></div>{% endfor %}
<table>{% for v in a.viljeriktningar %}<tr><td>{{ '✓' if v.addressed else '✗' }}</td><td>{{ v.text|e }}</td><td class="meta">{{ v.explanation|e }}</td></tr>{% endfor %}</table>
{% if a.milestones %}<p><b>Milestones advanced</b></p><ul>{% for m in a.milestones %}<li>{{ m.title|e }} ({{ m.year or 'no year' }}){% if m.page %} — p. {{ m.page }}{% endif %}</li>{% endfor %}</ul>{% endif %}
{% endfor %}
<h2>Fokusförflyttningar</h2><ul>{% for s in report.fokusforflyttningar %}<li>{{ '✓' if s.reflected else '✗' }} {{ s.text|e }}</li>{% endfor %}</ul>
<h2>The draft, passage by passage</h2>
{% for p in report.passages %}<div class="passage{% if p.index in evidence %} evidence{% endif %}" style="border-left-color:{{ colour[p.label] }}"><span class="meta">#{{ p.index }} · {% if p.page %}p. {{ p.page }}{% else %}line {{ p.line_start }}{% endif %} · {{ p.label }} ({{ '%.2f'|format(p.probabilities[p.label]) }})</span><br>{% if p.index in evidence %}<mark>{{ p.text|e }}</mark>{% else %}{{ p.text|e }}{% endif %}</div>
{% endfor %}
</body></html>
"""


def _chart(report: AlignmentReport) -> str:
    """A horizontal bar chart of the area scores as inline SVG, with the thresholds."""
    row, label_w, bar_w = 26, 300, 420
    height = row * len(report.areas) + 46
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 60}" '
             f'height="{height}" role="img" aria-label="Area scores">']
    for i, a in enumerate(report.areas):
        y = 26 + i * row
        colour = {"covered": "#2da44e", "weak": "#d4a72c", "gap": "#cf222e"}[a.status]
        width = max(1.0, a.score / 100 * bar_w)
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" '
                     f'font-size="13">{html.escape(a.area)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{width:.1f}" height="18" '
                     f'fill="{colour}"/>')
        parts.append(f'<text x="{label_w + width + 6:.1f}" y="{y + 14}" font-size="12">'
                     f'{a.score:.0f}</text>')
    for name, value in (("gap", report.thresholds.get("gap", 0)),
                        ("covered", report.thresholds.get("covered", 0))):
        x = label_w + value / 100 * bar_w
        parts.append(f'<line x1="{x:.1f}" y1="18" x2="{x:.1f}" y2="{height - 15}" '
                     'stroke="#888" stroke-dasharray="4 3"/>')
        parts.append(f'<text x="{x:.1f}" y="12" text-anchor="middle" font-size="11" '
                     f'fill="#666">{name} {value:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(report: AlignmentReport) -> str:
    env = Environment(autoescape=False)
    colour = {a.slug: AREA_COLOURS[i] for i, a in enumerate(report.areas)}
    colour["none"] = "#cccccc"
    evidence = {e.passage for a in report.areas if a.status != "gap" for e in a.evidence}
    return env.from_string(_HTML).render(
        report=report, doc=report.document, chart=_chart(report), colour=colour,
        evidence=evidence, not_swedish=is_not_swedish(report),
    )
