"""The summary of a batch: ``summary.csv``, ``summary.parquet`` and ``overview.html``.

Apart from the runner because it only reads finished rows: the same writers serve a run
that ended, one that was interrupted, and the rows earlier runs left in the folder.
"""

from __future__ import annotations

import html
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fhs_nlp._version import __version__
from fhs_nlp.batch.rows import BATCH_SCHEMA_VERSION, COLUMNS, BatchResult
from fhs_nlp.datamodel.vocabulary import AREAS
from fhs_nlp.fileio import atomic_write_bytes, atomic_write_text


def write_summary(result: BatchResult) -> list[Path]:
    """``summary.csv``, ``summary.parquet`` and ``overview.html`` for ``result.rows`` and
    ``result.earlier_rows``."""
    rows = [r.columns() for r in [*result.rows, *result.earlier_rows]]
    csv_path, parquet_path, html_path = result.summary_paths
    atomic_write_text(csv_path, render_csv(rows))
    atomic_write_bytes(parquet_path, render_parquet(rows, _stamp(result)))
    atomic_write_text(html_path, render_overview(result))
    return [csv_path, parquet_path, html_path]


def _stamp(result: BatchResult) -> dict[str, Any]:
    return {
        "schema_version": BATCH_SCHEMA_VERSION,
        "software_version": __version__,
        "settings": {**result.settings.results_key(), "timeout": result.settings.timeout,
                     "max_pages": result.settings.max_pages, "jobs": result.settings.jobs},
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(result.seconds, 3),
        "interrupted": result.interrupted,
    }


def render_csv(rows: list[dict[str, Any]]) -> str:
    """UTF-8 CSV; booleans as true/false, missing values empty."""
    import csv

    def cell(value: Any) -> Any:
        if isinstance(value, bool):
            return "true" if value else "false"
        return "" if value is None else value

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([name for name, _ in COLUMNS])
    for row in rows:
        writer.writerow([cell(row[name]) for name, _ in COLUMNS])
    return buffer.getvalue()


def render_parquet(rows: list[dict[str, Any]], stamp: dict[str, Any]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
    schema = pa.schema([pa.field(name, types[kind]) for name, kind in COLUMNS],
                       metadata={"fhs_nlp": json.dumps(stamp, ensure_ascii=False)})
    table = pa.Table.from_pylist(rows, schema=schema)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


#: The area score (per cent of the text) at which a heatmap cell takes its full colour:
#: a plan that spends a third of its text on one of seven areas is about it through and
#: through.
_FULL_COLOUR = 30.0


def _cell_colour(score: float) -> tuple[str, str]:
    """Background from white (0) to dark green (_FULL_COLOUR and up), readable text colour."""
    low, high = (247, 252, 245), (0, 90, 50)
    t = max(0.0, min(1.0, score / _FULL_COLOUR))
    rgb = tuple(round(a + (b - a) * t) for a, b in zip(low, high, strict=True))
    return "#{:02x}{:02x}{:02x}".format(*rgb), "#fff" if t > 0.55 else "#111"


_CSS = """body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}.meta{color:#666;font-size:.9em}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ddd;padding:.3em .5em}
th{background:#f6f8fa;font-size:.85em;vertical-align:bottom;max-width:9em}
td.s{text-align:center;min-width:3.2em;font-variant-numeric:tabular-nums}
td.gap{box-shadow:inset 0 0 0 2px #cf222e}td.gap span{color:#cf222e;font-weight:600}
td.failed{color:#cf222e}td.num{text-align:right}tr.foot td{background:#f6f8fa;font-weight:600}
.legend span{display:inline-block;width:3em;text-align:center;padding:.2em 0;font-size:.8em}"""


def render_overview(result: BatchResult) -> str:
    """One self-contained HTML page (inline CSS, no scripts): documents × insatsområden."""
    from fhs_nlp.align.doc_score import DEFAULT_RULE

    esc = html.escape
    all_rows = [*result.rows, *result.earlier_rows]
    ok_rows = [r for r in all_rows if r.status == "ok"]
    n_failed = len(all_rows) - len(ok_rows)
    stopped = f" (interrupted: {result.pending} not done yet)" if result.interrupted else ""
    out = ["<!DOCTYPE html>", '<html lang="sv"><head><meta charset="utf-8">',
           "<title>Batch overview: Framtidens hälsosystem</title>",
           f"<style>{_CSS}</style></head><body>",
           "<h1>Alignment with Framtidens hälsosystem: batch overview</h1>",
           f'<p class="meta">{len(all_rows)} documents: {len(ok_rows)} ok, {n_failed} '
           f"failed{stopped}"
           + (f" ({len(result.earlier_rows)} of them from earlier runs, not among this "
              "run's inputs)" if result.earlier_rows else "") + ". "
           f"Model {esc(result.settings.model or _default_model())}, "
           f"fhs-nlp {esc(__version__)}, "
           f"written {datetime.now(UTC).isoformat(timespec='seconds')}.</p>",
           f'<p class="meta">Cell colour: the area score, the share of the draft\'s text '
           f"that is about the insatsområde (per cent of its words; full colour from "
           f"{_FULL_COLOUR:g} %). A red frame and “gap” mark an area the draft leaves out "
           f"(no passage clearly about it); {DEFAULT_RULE.covered_share:g} % or more in at "
           f"least {DEFAULT_RULE.covered_passages} passages is covered. Click a document "
           f"for its report.</p>",
           '<p class="legend">' + "".join(
               '<span style="background:{};color:{}">{}</span>'.format(*_cell_colour(s), s)
               for s in range(0, int(_FULL_COLOUR) + 1, int(_FULL_COLOUR) // 5)) + "</p>",
           "<table><tr><th>document</th><th>pages</th><th>words</th>"]
    out += [f"<th>{esc(a.name)}</th>" for a in AREAS]
    out.append("<th>viljeriktningar not addressed</th><th>status</th></tr>")
    for row in all_rows:
        name = esc(Path(row.path).name)
        link = f'<a href="{esc(quote(row.report))}">{name}</a>' if row.report else name
        cells = [f'<td title="{esc(row.path)}">{link}</td>',
                 f'<td class="num">{row.pages if row.pages is not None else ""}</td>',
                 f'<td class="num">{row.words if row.words is not None else ""}</td>']
        if row.status == "ok":
            for area in AREAS:
                score = row.scores.get(area.slug, 0.0)
                background, colour = _cell_colour(score)
                gap = row.gaps.get(area.slug, False)
                mark = " <span>gap</span>" if gap else ""
                cells.append(f'<td class="s{" gap" if gap else ""}" style="background:'
                             f'{background};color:{colour}" title="{esc(area.name)}: '
                             f'{score:.1f}">{score:.0f}{mark}</td>')
            cells.append(f'<td class="num">{row.viljeriktning_gaps}</td><td>ok</td>')
        else:
            cells.append(f'<td class="failed" colspan="{len(AREAS)}">{esc(row.error_code or "")}'
                         f" {esc(row.reason or '')}</td><td></td><td class=\"failed\">failed</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    if ok_rows:
        foot = ['<tr class="foot"><td>mean score · documents with a gap</td><td></td><td></td>']
        for area in AREAS:
            mean = sum(r.scores.get(area.slug, 0.0) for r in ok_rows) / len(ok_rows)
            gaps = sum(r.gaps.get(area.slug, False) for r in ok_rows)
            foot.append(f'<td class="s">{mean:.0f} · {gaps}</td>')
        foot.append("<td></td><td></td></tr>")
        out.append("".join(foot))
    out.append("</table></body></html>")
    return "\n".join(out) + "\n"


def _default_model() -> str:
    from fhs_nlp.embed.embedders import DEFAULT_EMBEDDER

    return DEFAULT_EMBEDDER
