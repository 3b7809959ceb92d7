"""The self-contained ``report.html``: the Markdown sections, with confusion matrices drawn in.

One file with its images inlined (base64 PNG), so it can be mailed or attached to a
ticket and still show everything; matplotlib draws the matrices off-screen.
"""

from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING

from fhs_nlp.evaluate.gold import LABELS
from fhs_nlp.evaluate.report_markdown import report_sections, short_label

if TYPE_CHECKING:
    from fhs_nlp.evaluate.run import EvalResult


def confusion_png(matrix: list[list[int]], title: str) -> str:
    """The confusion matrix as a PNG data URI (matplotlib, Agg, no timestamp metadata)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    data = np.array(matrix)
    labels = [short_label(lab) for lab in LABELS]
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
        for title, body, figures in report_sections(result)
    ]
    template = Environment(autoescape=True).from_string(_HTML)
    return template.render(sections=sections)
