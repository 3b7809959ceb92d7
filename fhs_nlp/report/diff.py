"""Show a :class:`~fhs_nlp.datamodel.plan_diff.PlanDiff`: terminal, Markdown, JSON.

Every view has the same parts: the two versions, the counts per change type and per
insatsområde, then one list per change type with where each milestone stands in each
version. Word-level differences read ``[-removed-] {+added+}`` in the terminal and in
Markdown, ``<del>``/``<ins>`` in HTML. The HTML report is one self-contained file
(inline CSS, no scripts, no network; :mod:`~fhs_nlp.report.diff_html`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from fhs_nlp.datamodel.plan_diff import (
    CHANGE_TYPES,
    EFFECT_CHANGE_TYPES,
    ChangeType,
    DiffOp,
    EffectChange,
    MilestoneChange,
    PlanDiff,
    PlanSide,
)
from fhs_nlp.datamodel.records import Effect, Provenance
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


def side_names(report: PlanDiff) -> tuple[str, str]:
    def side(s: PlanSide) -> str:
        pages = f"{s.pages} pages, " if s.source_format != "text" else ""
        return f"{s.path} ({s.source_format}, {pages}{s.milestones} milestones)"

    return side(report.old), side(report.new)


def identical_text(report: PlanDiff) -> str:
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
    old, new = side_names(report)
    console.print(Text.assemble(("old: ", "bold"), old))
    console.print(Text.assemble(("new: ", "bold"), new))
    if report.identical:
        console.print(Text(identical_text(report), style="bold green"))
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
    old, new = (md_text(side) for side in side_names(report))
    s = report.summary
    out = ["# Plan diff", "", f"- **old:** {old}", f"- **new:** {new}", "",
           f"*fhs-nlp {report.software_version}, schema {report.schema_version}; matched when "
           f"similarity ≥ {report.settings.min_similarity} "
           f"({report.settings.title_weight} · title + {report.settings.description_weight} · "
           f"description, rapidfuzz {report.settings.scorer}); "
           f"{report.timings['total_seconds']:.2f} s.*", ""]
    if report.identical:
        return "\n".join([*out, identical_text(report)]) + "\n"
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
