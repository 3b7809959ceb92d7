"""The README's examples run as written.

Every command of the "Using it" block is run through the CLI in a scratch folder that
holds the files the examples name: the bundled example draft as utkast.pdf/.md/.docx,
plans/ and utkast/ folders, plan_2022.pdf and plan_2023.pdf drawn from the 2023–2026
plan's records (the second with one title reworded), and corpus/ (the repository's).
Only a line with a placeholder model path is left out. The Python example runs too.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fhs_nlp.cli.main import app

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLE = ROOT / "examples" / "verksamhetsplan_2027_vardcentralen_linneasand"
runner = CliRunner()


def _block(heading: str, language: str) -> str:
    section = README.split(f"## {heading}", 1)[1]
    match = re.search(rf"```{language}\n(.*?)```", section, re.S)
    assert match, f"no {language} block under '{heading}'"
    return match.group(1)


def _commands() -> list[str]:
    commands = []
    for line in _block("Using it", "bash").splitlines():
        for part in line.split(";"):
            words = shlex.split(part, comments=True)
            if words and words[0] == "fhs-nlp" and "/path/to" not in part:
                commands.append(" ".join(shlex.quote(w) for w in words))
    return commands


COMMANDS = _commands()


def test_the_readme_has_the_examples():
    assert len(COMMANDS) >= 15
    assert any("--passage" in c for c in COMMANDS)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, plan_extraction) -> Path:
    from fhs_nlp.synthetic import documents as synthetic
    from fhs_nlp.synthetic import sample_data

    folder = tmp_path_factory.mktemp("readme")
    for name, suffix in (("utkast", ".pdf"), ("utkast", ".md"), ("utkast", ".docx"),
                         ("verksamhetsplan", ".docx"), ("plan", ".pdf"),
                         ("stor_plan", ".pdf")):
        shutil.copyfile(EXAMPLE.with_suffix(suffix), folder / f"{name}{suffix}")
    (folder / "plans").mkdir()
    shutil.copyfile(EXAMPLE.with_suffix(".pdf"), folder / "plans" / "linneasand.pdf")
    (folder / "utkast").mkdir()
    shutil.copyfile(EXAMPLE.with_suffix(".docx"), folder / "utkast" / "linneasand.docx")
    (folder / "corpus").symlink_to(ROOT / "corpus", target_is_directory=True)
    malbilder = sample_data.malbilder_from_records(plan_extraction.malbilder)
    rows = sample_data.rows_from_records(plan_extraction.milestones)
    synthetic.render_milestone_table_pdf(folder / "plan_2022.pdf", rows, malbilder,
                                         synthetic.EFFEKTMAL)
    rows = sample_data.rows_from_records(plan_extraction.milestones)
    rows[0].title = rows[0].title + " och utvärderad"
    synthetic.render_milestone_table_pdf(folder / "plan_2023.pdf", rows, malbilder,
                                         synthetic.EFFEKTMAL)
    return folder


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_runs(command, workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    words = shlex.split(command)[1:]
    target = None
    if ">" in words:
        at = words.index(">")
        words, target = words[:at], words[at + 1]
    result = runner.invoke(app, words, catch_exceptions=False)
    assert result.exit_code == 0, f"{command}\n{result.output}"
    if target is not None:
        Path(target).write_text(result.stdout, encoding="utf-8")
        if target.endswith(".json"):
            assert json.loads(Path(target).read_text(encoding="utf-8"))["document"]
    if "--passage" in words:
        assert f"Passage {words[words.index('--passage') + 1]}" in result.output


def test_readme_python_example_runs(workdir, monkeypatch, capsys):
    monkeypatch.chdir(workdir)
    exec(compile(_block("Using it", "python"), "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "Nära vård" in printed and "covered" in printed
