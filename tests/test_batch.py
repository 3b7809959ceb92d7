"""`fhs-nlp batch`: a folder of good and broken drafts, re-runs, interrupts, time limits.

The good drafts are short (the example plan as Markdown; gold passages as PDF and DOCX)
so that each batch takes seconds once its worker has loaded the model (5-10 s per
worker process). Broken files come from :mod:`fhs_nlp.synthetic.documents`.
"""

from __future__ import annotations

import csv
import json
import shutil
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from typer.testing import CliRunner

from fhs_nlp.batch.runner import (
    COLUMNS,
    STATE_FILE,
    BatchInterrupted,
    BatchSettings,
    BatchState,
    SummaryRow,
    collect_inputs,
    run_batch,
)
from fhs_nlp.cli.main import app
from fhs_nlp.datamodel.vocabulary import AREAS

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_MD = ROOT / "examples" / "verksamhetsplan_2027_vardcentralen_linneasand.md"
GOLD = ROOT / "eval" / "gold" / "alignment" / "passages.jsonl"
SLUGS = [a.slug for a in AREAS]
MAX_PAGES = 5
runner = CliRunner()


def _gold(*areas: str, n: int = 6) -> list[str]:
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]
    return [r["text"] for area in areas for r in rows if r["primary"] == area][:n * len(areas)]


def _make_plans(folder: Path) -> dict[str, Path]:
    from fhs_nlp.synthetic.broken_files import (
        make_corrupt_pdf,
        make_encrypted_pdf,
        make_fake_docx,
        make_scanned_pdf,
    )
    from fhs_nlp.synthetic.documents import render_docx, render_text_pdf

    folder.mkdir(parents=True)
    files = {
        "example": folder / "linneasand.md",
        "pdf": folder / "hälsa_och_nära_vård.pdf",
        "docx": folder / "digitalisering.docx",
        "large": folder / "stor.pdf",
        "corrupt": folder / "trasig.pdf",
        "encrypted": folder / "låst.pdf",
        "fake": folder / "falsk.docx",
        "scanned": folder / "skannad.pdf",
    }
    shutil.copyfile(EXAMPLE_MD, files["example"])
    render_text_pdf(files["pdf"], _gold("nara-vard", "halsoframjande-och-forebyggande-insatser"),
                    title="Verksamhetsplan 2026 för Vårdcentralen Åby")
    render_docx(files["docx"], [("heading", "Verksamhetsplan Digitalisering och medarbetare"),
                                *(("paragraph", t) for t in _gold("digitalisering",
                                                                 "medarbetare"))])
    render_text_pdf(files["large"], _gold(*SLUGS, n=12) * 2, title="En mycket lång plan")
    make_corrupt_pdf(files["corrupt"])
    make_encrypted_pdf(files["encrypted"])
    make_fake_docx(files["fake"])
    make_scanned_pdf(files["scanned"])
    return files


@pytest.fixture(scope="module")
def plans(tmp_path_factory) -> dict[str, Path]:
    files = _make_plans(tmp_path_factory.mktemp("batch") / "plans")
    extra = files["example"].parent.parent / "extra" / "budget.xlsx"
    extra.parent.mkdir()
    extra.write_bytes(b"PK\x03\x04 not really a spreadsheet")
    files["unsupported"] = extra
    return files


@pytest.fixture(scope="module")
def first_batch(plans):
    folder = plans["example"].parent
    out = folder.parent / "out"
    return run_batch([folder, plans["unsupported"]], out, max_pages=MAX_PAGES)


def _rows(result) -> dict[str, SummaryRow]:
    return {Path(r.path).name: r for r in result.rows}


def _csv(out: Path) -> list[dict[str, str]]:
    with open(out / "summary.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_batch_summary_records_good_and_broken_files(first_batch):
    rows = _rows(first_batch)
    assert len(rows) == 9
    expected_failures = {
        "stor.pdf": "E801", "trasig.pdf": "E104", "låst.pdf": "E105", "falsk.docx": "E104",
        "skannad.pdf": "E106", "budget.xlsx": "E103",
    }
    for name, code in expected_failures.items():
        assert rows[name].status == "failed", name
        assert rows[name].error_code == code, (name, rows[name].reason)
        assert rows[name].reason
    assert "more than the limit of 5" in rows["stor.pdf"].reason
    assert "password" in rows["låst.pdf"].reason
    for name in ("linneasand.md", "hälsa_och_nära_vård.pdf", "digitalisering.docx"):
        row = rows[name]
        assert row.status == "ok" and row.reason is None, (name, row.reason)
        assert set(row.scores) == set(SLUGS) and set(row.gaps) == set(SLUGS)
        assert all(0 <= s <= 100 for s in row.scores.values())
        report = json.loads((first_batch.out_dir / row.report).with_suffix(".json")
                            .read_text(encoding="utf-8"))
        statuses = {a["slug"]: a["status"] for a in report["areas"]}
        assert all(row.gaps[s] == (statuses[s] == "gap") for s in SLUGS)
        assert row.viljeriktning_gaps is not None and row.words > 150
        assert (first_batch.out_dir / row.report).exists()
    example = rows["linneasand.md"]
    assert not example.gaps["nara-vard"] and example.gaps["nivastrukturering-och-profilering"]
    assert rows["hälsa_och_nära_vård.pdf"].pages >= 1
    assert not first_batch.ok and len(first_batch.failed) == 6
    assert first_batch.skipped == 0 and len(first_batch.processed) == 9


def test_batch_summary_csv_and_parquet_hold_the_same_rows(first_batch):
    import pyarrow.parquet as pq

    out = first_batch.out_dir
    rows = _csv(out)
    assert [name for name, _ in COLUMNS] == list(rows[0])
    assert "score:nara-vard" in rows[0] and "gap:nara-vard" in rows[0]
    by_name = {Path(r["path"]).name: r for r in rows}
    assert by_name["låst.pdf"]["status"] == "failed"  # å kept in UTF-8
    assert by_name["linneasand.md"]["gap:nivastrukturering-och-profilering"] == "true"
    table = pq.read_table(out / "summary.parquet").to_pylist()
    assert len(table) == len(rows) == 9
    for parquet_row, csv_row in zip(table, rows, strict=True):
        assert parquet_row["document_id"] == csv_row["document_id"]
        if parquet_row["status"] == "ok":
            score = float(csv_row["score:nara-vard"])
            assert parquet_row["score:nara-vard"] == pytest.approx(score)
            assert isinstance(parquet_row["gap:nara-vard"], bool)


def test_batch_writes_reports_and_a_self_contained_overview(first_batch):
    out = first_batch.out_dir
    for row in first_batch.rows:
        folder = out / "docs" / row.document_id
        if row.status == "ok":
            report = json.loads((folder / "alignment.json").read_text(encoding="utf-8"))
            assert report["document"]["document_id"] == row.document_id
            assert (folder / "alignment.md").read_text(encoding="utf-8").startswith("# ")
            assert (folder / "alignment.html").exists()
    overview = (out / "overview.html").read_text(encoding="utf-8")
    assert "<script" not in overview and "<link" not in overview and "http" not in overview
    assert "<style>" in overview and 'class="s gap"' in overview
    assert "låst.pdf" in overview and "Nivåstrukturering och profilering" in overview
    for row in first_batch.rows:
        if row.report:
            assert f'href="{quote(row.report)}"' in overview
    assert not list(out.rglob("*.tmp"))
    assert len((out / STATE_FILE).read_text(encoding="utf-8").splitlines()) == 9


def test_batch_jobs_2_gives_the_same_summary(first_batch, plans):
    folder = plans["example"].parent
    result = run_batch([folder, plans["unsupported"]], folder.parent / "out-jobs2", jobs=2,
                       max_pages=MAX_PAGES)
    # workers load the model one after the other: with drafts this short the first one
    # may do them all before the second is ready
    assert 1 <= len(result.worker_peak_rss_mb()) <= 2
    one, two = _rows(first_batch), _rows(result)
    assert one.keys() == two.keys()
    for name, row in one.items():
        other = two[name]
        assert (row.status, row.error_code, row.pages, row.words, row.passages) == (
            other.status, other.error_code, other.pages, other.words, other.passages), name
        assert row.gaps == other.gaps and row.viljeriktning_gaps == other.viljeriktning_gaps
        for slug, score in row.scores.items():
            assert other.scores[slug] == pytest.approx(score, abs=1e-6), (name, slug)


def test_batch_rerun_skips_unchanged_and_redoes_a_changed_file(first_batch, plans):
    folder = plans["example"].parent
    inputs = [folder, plans["unsupported"]]
    again = run_batch(inputs, first_batch.out_dir, max_pages=MAX_PAGES)
    assert again.skipped == 9 and again.processed == []
    assert [r.columns() for r in again.rows] == [r.columns() for r in first_batch.rows]
    original = plans["example"].read_text(encoding="utf-8")
    try:
        plans["example"].write_text(original + "\n\nVi inför digitala vårdmöten för alla "
                                    "listade patienter under 2027.\n", encoding="utf-8")
        changed = run_batch(inputs, first_batch.out_dir, max_pages=MAX_PAGES)
    finally:
        plans["example"].write_text(original, encoding="utf-8")
    assert [Path(o.row.path).name for o in changed.processed] == ["linneasand.md"]
    assert changed.skipped == 8 and len(changed.rows) == 9
    new = _rows(changed)["linneasand.md"]
    assert new.content_hash != _rows(first_batch)["linneasand.md"].content_hash
    assert len(_csv(first_batch.out_dir)) == 9


def test_batch_resumes_after_an_interrupt(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    for i, areas in enumerate([("nara-vard", "medarbetare"), ("digitalisering", "nara-vard"),
                               ("personcentrerat-arbetssatt", "fysisk-infrastruktur")]):
        (folder / f"plan_{i}.md").write_text("\n\n".join(_gold(*areas, n=4)) + "\n",
                                             encoding="utf-8")
    out = tmp_path / "out"
    seen = []

    def stop_after_first(outcome):
        seen.append(outcome)
        raise KeyboardInterrupt

    with pytest.raises(BatchInterrupted) as caught:
        run_batch([folder], out, on_result=stop_after_first)
    partial = caught.value.result
    assert partial.interrupted and len(partial.rows) == 1 and partial.pending == 2
    assert len(_csv(out)) == 1
    assert len((out / STATE_FILE).read_text(encoding="utf-8").splitlines()) == 1
    assert not list(out.rglob("*.tmp"))

    resumed = run_batch([folder], out)
    assert resumed.skipped == 1
    assert sorted(Path(o.row.path).name for o in resumed.processed) == ["plan_1.md", "plan_2.md"]
    assert [r.status for r in resumed.rows] == ["ok", "ok", "ok"]
    assert len(_csv(out)) == 3 and resumed.ok


def test_batch_time_limit_stops_a_document_and_goes_on(tmp_path):
    from fhs_nlp.align.aligner import DEFAULT_CACHE
    from fhs_nlp.synthetic.documents import render_text_pdf

    folder = tmp_path / "plans"
    nonce = uuid.uuid4().hex[:8]  # new text: nothing in the embedding cache
    slow = [f"{t} Diarienummer {nonce}-{i}." for i, t in enumerate(_gold(*SLUGS, n=10))]
    render_text_pdf(folder / "a_lång.pdf", slow)
    (folder / "b_kort.md").write_text("\n\n".join(_gold("nara-vard", n=8)) + "\n",
                                      encoding="utf-8")
    cache = tmp_path / "cache.sqlite"  # a copy: the nonce texts stay out of the shared cache
    if DEFAULT_CACHE.exists():
        shutil.copyfile(DEFAULT_CACHE, cache)
    result = run_batch([folder], tmp_path / "out", timeout=1.0, cache_path=cache)
    rows = _rows(result)
    assert rows["a_lång.pdf"].status == "failed"
    assert rows["a_lång.pdf"].error_code == "E802"
    assert "time limit of 1 s" in rows["a_lång.pdf"].reason
    assert rows["b_kort.md"].status == "ok"  # done by the replacement pool
    assert not list((tmp_path / "out").rglob("*.tmp"))
    again = run_batch([folder], tmp_path / "out", timeout=1.0, cache_path=cache)
    assert again.skipped == 2  # same limit: the timeout is not retried


def test_batch_state_retries_limit_failures_only_with_a_larger_limit(tmp_path):
    settings = BatchSettings(timeout=10, max_pages=5)
    state = BatchState(tmp_path / STATE_FILE)
    for doc_id, code in (("slow", "E802"), ("big", "E801"), ("bad", "E104")):
        state.append(SummaryRow(path=f"{doc_id}.pdf", document_id=doc_id, content_hash="h",
                                status="failed", reason="x", error_code=code), settings)
    with open(tmp_path / STATE_FILE, "a", encoding="utf-8") as handle:
        handle.write('{"document_id": "torn", "content_ha')  # a hard kill mid-line
    state = BatchState(tmp_path / STATE_FILE)
    assert set(state.entries) == {"slow", "big", "bad"}
    assert state.reusable("slow", "h", settings, tmp_path) is not None
    assert state.reusable("slow", "h", BatchSettings(timeout=60, max_pages=5), tmp_path) is None
    assert state.reusable("big", "h", BatchSettings(timeout=10, max_pages=50), tmp_path) is None
    assert state.reusable("bad", "h", BatchSettings(timeout=60, max_pages=50),
                          tmp_path) is not None
    assert state.reusable("bad", "other hash", settings, tmp_path) is None
    assert state.reusable("bad", "h", BatchSettings(timeout=10, max_pages=5, extract=True),
                          tmp_path) is None


def test_batch_collects_folders_and_globs_without_the_output_folder(tmp_path):
    (tmp_path / "plans" / "sub").mkdir(parents=True)
    (tmp_path / "plans" / "a.pdf").write_bytes(b"%PDF-")
    (tmp_path / "plans" / "sub" / "b.md").write_text("text", encoding="utf-8")
    (tmp_path / "plans" / "out").mkdir()
    (tmp_path / "plans" / "out" / "alignment.md").write_text("old output", encoding="utf-8")
    files, errors = collect_inputs([str(tmp_path / "plans" / "**" / "*.md"),
                                    tmp_path / "plans", str(tmp_path / "x" / "*.pdf")],
                                   exclude=tmp_path / "plans" / "out")
    assert sorted(f.name for f in files) == ["a.pdf", "b.md"]
    assert len(errors) == 1 and "matches no files" in str(errors[0])


def test_cli_batch_reports_failures_and_skips_on_rerun(tmp_path):
    from fhs_nlp.synthetic.broken_files import make_corrupt_pdf

    folder = tmp_path / "plans"
    folder.mkdir()
    shutil.copyfile(EXAMPLE_MD, folder / "linneasand.md")
    make_corrupt_pdf(folder / "trasig.pdf")
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(folder), "--out", str(out), "--extract"])
    assert result.exit_code == 1, result.output
    assert "trasig.pdf" in result.output and "1 input(s) failed" in result.output
    assert "2 document(s) processed (1 ok, 1 failed)" in result.output
    assert (out / "overview.html").exists() and len(_csv(out)) == 2
    row = next(r for r in _csv(out) if r["status"] == "ok")
    assert row["extract_status"] in ("success", "partial")
    assert (out / "docs" / row["document_id"] / "extract" / "manifest.json").exists()
    again = runner.invoke(app, ["batch", str(folder / "*.md"), "--out", str(out), "--extract"])
    assert again.exit_code == 0, again.output
    assert "1 skipped as unchanged" in again.output
    bad = runner.invoke(app, ["batch", str(folder), "--out", str(out), "--jobs", "0"])
    assert bad.exit_code == 2
