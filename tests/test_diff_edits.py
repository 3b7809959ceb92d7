"""Edits in one cell of the 2023–2026 plan's text change that milestone only.

The text path of the milestone table tells the milestone column from the effects column
by how wide their lines are. An edit made as text (a title made longer on its line, a
word dropped, a title broken over two lines, markup-like text) must not move that
judgement for the other rows: ``fhs-nlp diff`` of the edited plan against the original
reports the edited milestone and nothing else.

The sweep edits every title that stands on one line in the plan, in each way; it reads
the original once and each edited version through the same extraction as ``diff``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fhs_nlp.cli.main import app
from fhs_nlp.datamodel.document import PAGE_BREAK
from fhs_nlp.datamodel.plan_diff import MilestoneChange
from fhs_nlp.diff.plans import DiffSettings, diff_milestones
from fhs_nlp.extract.milestones import extract_milestones
from fhs_nlp.ingest.document import build_document

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "corpus" / "texts" / "002_31beb24573b96ab1.txt"
TEXT = PLAN.read_text(encoding="utf-8")
LINES = TEXT.split("\n")
TITLE = "Handlingsplan för informationsdriven vård framtagen"
LONGER = ("Handlingsplan för en ny och bättre samordnad AI-stödd informationsdriven vård "
          "framtagen")
INSERTED = ("en", "ny", "och", "bättre", "samordnad", "AI-stödd")
runner = CliRunner()


def _milestones(text: str):
    pages = text.split(PAGE_BREAK)
    doc = build_document("002", PLAN, "text", pages, text.encode("utf-8"),
                         has_page_numbers=len(pages) > 1, separator=PAGE_BREAK)
    return extract_milestones(doc).milestones


ORIGINAL = _milestones(TEXT)


def _changes(text: str) -> list[MilestoneChange]:
    changes = diff_milestones(ORIGINAL, _milestones(text), DiffSettings())
    return [c for c in changes if c.changes != ["unchanged"]]


# --- the case of the issue ----------------------------------------------------------------


def test_longer_title_is_one_change(tmp_path):
    old, new = tmp_path / "plan_2023.txt", tmp_path / "plan_2024.txt"
    old.write_text(TEXT, encoding="utf-8")
    new.write_text(TEXT.replace(TITLE, LONGER), encoding="utf-8")
    result = runner.invoke(app, ["diff", str(old), str(new), "--format", "json",
                                 "--out", str(tmp_path / "d.json")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    import json

    report = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    changed = [m for m in report["milestones"] if m["changes"] != ["unchanged"]]
    assert len(changed) == 1, [(m["changes"], (m["new"] or m["old"])["title"]) for m in changed]
    (change,) = changed
    assert change["changes"] == ["reworded"]
    assert change["old"]["title"] == TITLE and change["new"]["title"] == LONGER
    assert change["description_diff"] is None and change["effect_changes"] == []
    assert report["summary"]["counts"]["reworded"] == 1
    assert sum(report["summary"]["effects"].values()) == 0


def test_longer_title_together_with_a_moved_year():
    # "Samlad plan för olika former av vård i hemmet framtagen" stands after the
    # letter-split year 2 0 2 3; make it 2024
    moved = TEXT.replace(TITLE, LONGER).replace(
        "\n3 Samlad plan för olika former av vård i hemmet framtagen",
        "\n4 Samlad plan för olika former av vård i hemmet framtagen", 1)
    assert moved.count("\n4 Samlad plan") == 1
    changes = _changes(moved)
    got = sorted((c.changes, c.current.title) for c in changes)
    assert got == sorted([(["reworded"], LONGER),
                          (["moved_year"], "Samlad plan för olika former av vård i hemmet "
                                           "framtagen")])


# --- the sweep: every one-line title, edited in every way --------------------------------


def _one_line_titles() -> list[tuple[int, str]]:
    """(line index, title) of each milestone whose title is one line of the text."""
    found = []
    for m in ORIGINAL:
        for i, line in enumerate(LINES):
            if " ".join(line.split()) == m.title:
                found.append((i, m.title))
                break
    return found


TITLES = _one_line_titles()


def _edit(kind: str, title: str) -> str | None:
    words = title.split()
    if kind == "longer":
        return " ".join([*words[:1], *INSERTED, *words[1:]])
    if kind == "shorter":
        return " ".join(words[:-2] + words[-1:]) if len(words) > 3 else None
    if kind == "markup":
        return " ".join(words[:1] + ["<b>[utkast]</b>", "*ny*"] + words[1:])
    if kind == "wrapped":  # broken over two lines before a word in lower case
        k = len(words) // 2
        if len(words) < 4 or not re.match(r"[a-zåäö]", words[k]):
            return None
        return " ".join(words[:k]) + "\n" + " ".join(words[k:])
    raise ValueError(kind)


#: Known limit of reading text without layout: this title stands at the top of its page
#: without a year, and its description starts with the acronym "SDV,"; a title made as
#: long as the column reads as the first line of running text then.
KNOWN = {("longer", "SDV införs enligt plan")}

CASES = [pytest.param(kind, i, title, id=f"{kind}-{title[:30]}",
                      marks=[pytest.mark.xfail(strict=True, reason=(
                          "known limit (KNOWN): a title lengthened to the column width, "
                          "at the top of its page without a year, reads as running text"))]
                      if (kind, title) in KNOWN else [])
         for kind in ("longer", "shorter", "markup", "wrapped")
         for i, title in TITLES if _edit(kind, title) is not None]


def test_the_sweep_covers_the_plan():
    assert len(TITLES) >= 30  # most titles of the 70 milestones stand on one line
    assert len(CASES) >= 90


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "line", "title"), CASES)
def test_an_edit_in_one_cell_changes_that_milestone_only(kind, line, title):
    edited = list(LINES)
    trail = LINES[line][len(LINES[line].rstrip()):]
    new_title = _edit(kind, title)
    assert new_title is not None
    edited[line] = new_title + trail
    changes = _changes("\n".join(edited))
    others = [(c.changes, c.current.title) for c in changes
              if not ((c.old and c.old.title == title) or (c.new and c.new.title == title)
                      or (c.new and c.new.title == " ".join(new_title.split())))]
    assert others == [], f"the edit of '{title}' changed other milestones"
    if kind == "wrapped":
        # a title broken over two lines reads as the same title, or at most as itself
        # reworded; never as more than one change
        assert len(changes) <= 1
    else:
        assert [c.changes for c in changes] == [["reworded"]]
        (change,) = changes
        assert change.title_diff is not None and change.description_diff is None
        assert change.effect_changes == []
