"""``fhs-nlp serve``'s API with FastAPI's test client: good, bad, huge and concurrent
uploads; token, origin and path checks; history; escaping of text from a draft.

The tests that score a draft share the session's warm aligner (``warm_aligner``); the
others never load a model.
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from fhs_nlp.cli.main import app as cli_app
from fhs_nlp.ingest.limits import Limits
from fhs_nlp.serve import ServeSettings, create_app
from fhs_nlp.serve.settings import UnsafeBindError
from fhs_nlp.serve.sniff import safe_name, sniff

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_PDF = ROOT / "examples" / "verksamhetsplan_2027_vardcentralen_linneasand.pdf"
EXAMPLE_DOCX = EXAMPLE_PDF.with_suffix(".docx")
EXAMPLE_MD = EXAMPLE_PDF.with_suffix(".md")


def _client(tmp_path: Path, **settings) -> TestClient:
    settings.setdefault("warm_up", False)
    return TestClient(create_app(ServeSettings(data_dir=tmp_path, **settings)))


def _wait(client: TestClient, job_id: str, seconds: float = 600) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish: {job}")


def _cli_error(path: Path) -> str:
    result = CliRunner().invoke(cli_app, ["align", str(path)])
    assert result.exit_code == 1
    line = " ".join(result.output.split())
    return line.removeprefix("error: ")


# --- without a model ----------------------------------------------------------------------


def test_pages_and_openapi_render_without_a_model(tmp_path):
    client = _client(tmp_path)
    for url in ("/", "/compare", "/docs", "/strategy/source/002?start=10&end=12"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "script-src 'self'" in response.headers["content-security-policy"]
    schema = client.get("/openapi.json").json()
    for path in ("/api/align", "/api/jobs/{job_id}", "/api/runs/{run_id}/report",
                 "/api/runs/{run_id}/passages/{number}", "/api/diff",
                 "/api/runs/{run_id}/download/{fmt}"):
        assert path in schema["paths"], path
    assert "AlignmentReport" in schema["components"]["schemas"]
    assert "/api/align" in client.get("/docs").text
    assert client.get("/strategy/source/../../etc?start=1").status_code == 404
    assert client.get("/strategy/source/999").status_code == 404


def test_the_strategy_page_lists_every_area_with_sources(tmp_path):
    client = _client(tmp_path)
    page = client.get("/strategy").text
    from fhs_nlp.datamodel.vocabulary import AREAS

    for area in AREAS:
        assert f'id="{area.slug}"' in page
    assert page.count('class="src"') > 80  # viljeriktningar, målbilder, milestones
    assert "Målbild" in page and "2024" in page
    # every milestone shows its title (the 2023–2026 plan's first one, for instance)
    assert re.search(r"<summary>\S[^<]+ <span class=\"meta\"><a class=\"src\"", page)
    assert "<summary> <span" not in page
    data = client.get("/api/strategy").json()
    assert len(data["areas"]) == 7
    assert sum(len(a["viljeriktningar"]) for a in data["areas"]) == 18
    assert sum(len(v) for a in data["areas"] for v in a["milestones"].values()) >= 60
    link = re.search(r'href="(/strategy/source/[^"]+)"', page).group(1).replace("&amp;", "&")
    source = client.get(link)
    assert source.status_code == 200 and 'class="hit"' in source.text


def test_a_corrupt_pdf_gets_the_cli_message_and_the_server_goes_on(tmp_path):
    broken = tmp_path / "trasig plan.pdf"
    broken.write_bytes(EXAMPLE_PDF.read_bytes()[:3000])
    client = _client(tmp_path / "data")
    response = client.post("/api/align", files={"file": (broken.name, broken.read_bytes())})
    assert response.status_code == 202
    job = _wait(client, response.json()["id"], 60)
    assert job["state"] == "failed" and job["error"]["code"] == "E104"
    cli = _cli_error(broken)
    assert job["error"]["message"] == cli.replace(str(broken), broken.name)
    assert client.get("/api/health").status_code == 200
    assert client.get("/api/runs").json() == []  # nothing half-written in the history
    assert not any((tmp_path / "data" / "uploads").iterdir())  # the upload is not kept


def test_type_is_checked_by_content_not_name(tmp_path):
    client = _client(tmp_path)
    program = b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 4
    response = client.post("/api/align", files={"file": ("utkast.txt", program)})
    assert response.status_code == 415
    error = response.json()["error"]
    assert error["code"] == "E103" and error["message"].startswith("[E103] utkast.txt: ")
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("bilder/a.txt", "x")
    response = client.post("/api/align", files={"file": ("plan.zip", zipped.getvalue())})
    assert response.status_code == 415 and "not a Word document" in response.text
    # a Word file called .pdf is read as Word; Markdown called .pdf as Markdown
    assert sniff(EXAMPLE_DOCX.read_bytes(), "plan.pdf") == "docx"
    assert sniff(EXAMPLE_MD.read_bytes(), "plan.pdf") == "md"
    assert sniff(EXAMPLE_PDF.read_bytes(), "plan.docx") == "pdf"
    assert sniff(b"\xff\xfe\x00garbage\x00", "plan.pdf") == "pdf"  # the reader says E104
    assert safe_name("../../etc/Plan för 2027.PDF", "pdf") == "Plan för 2027.pdf"
    assert safe_name("<script>.docx", "docx") == "script.docx"


def test_huge_uploads_are_refused_with_the_limit_named(tmp_path):
    client = _client(tmp_path, max_upload_mb=0.05)
    big = b"a " * 200_000  # 400 KB of text
    response = client.post("/api/align", files={"file": ("stor.txt", big)})
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "E810" and "0.05 MB" in error["message"]
    assert "--max-upload-mb" in error["message"]
    # a page limit, checked from the PDF's page tree before it is laid out
    client = _client(tmp_path / "pages", limits=Limits(max_pages=2))
    job = client.post("/api/align", files={"file": ("plan.pdf", EXAMPLE_PDF.read_bytes())})
    done = _wait(client, job.json()["id"], 60)
    assert done["error"]["code"] == "E801" and "limit of 2" in done["error"]["message"]


def test_binding_elsewhere_needs_a_token_and_every_request_carries_it(tmp_path):
    with pytest.raises(UnsafeBindError, match="--token"):
        ServeSettings(data_dir=tmp_path, host="0.0.0.0")
    result = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0", "--data",
                                          str(tmp_path)])
    assert result.exit_code == 2 and "--token" in result.output
    ServeSettings(data_dir=tmp_path, host="::1")  # loopback is fine without
    client = _client(tmp_path, host="0.0.0.0", token="hemlig")
    assert client.get("/").status_code == 401
    assert client.get("/api/runs").json()["error"]["code"] == "E811"
    assert client.get("/api/runs", headers={"Authorization": "Bearer fel"}).status_code == 401
    assert client.get("/api/runs", headers={"Authorization": "Bearer hemlig"}).status_code == 200
    first = client.get("/?token=hemlig")
    assert first.status_code == 200 and "fhs_nlp_token" in first.headers["set-cookie"]
    assert client.get("/compare").status_code == 200  # the cookie carries it now


def test_requests_from_other_sites_cannot_change_anything(tmp_path):
    client = _client(tmp_path)
    response = client.post("/api/align", headers={"Origin": "https://elak.example"},
                           files={"file": ("a.txt", b"text")})
    assert response.status_code == 403
    response = client.post("/runs/20260101T000000-00000000/delete",
                           headers={"Origin": "http://evil.test"})
    assert response.status_code == 403


def test_history_ids_cannot_name_paths(tmp_path):
    client = _client(tmp_path)
    for bad in ("..%2F..%2Fetc", "20260101T000000-0000000g", "x"):
        assert client.get(f"/api/runs/{bad}").status_code == 404
        assert client.delete(f"/api/runs/{bad}").status_code == 404
    assert client.get("/runs/nope").status_code == 404
    assert client.get("/api/jobs/nope").status_code == 404


# --- with the model -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def scored(tmp_path_factory, warm_aligner):
    """One app; the example PDF and DOCX uploaded at the same time, both scored."""
    client = _client(tmp_path_factory.mktemp("serve"))
    results: dict[str, dict] = {}

    def upload(path: Path) -> None:
        response = client.post("/api/align", files={"file": (path.name, path.read_bytes())})
        assert response.status_code == 202, response.text
        results[path.suffix] = _wait(client, response.json()["id"])

    threads = [threading.Thread(target=upload, args=(p,)) for p in (EXAMPLE_PDF, EXAMPLE_DOCX)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return client, results


@pytest.mark.slow
def test_two_uploads_at_once_both_finish_as_the_library_scores_them(scored, warm_aligner):
    client, results = scored
    assert {j["state"] for j in results.values()} == {"done"}, results
    for suffix, path in ((".pdf", EXAMPLE_PDF), (".docx", EXAMPLE_DOCX)):
        report = client.get(f"/api/runs/{results[suffix]['run_id']}/report").json()
        direct = warm_aligner.align(path)
        assert [a["score"] for a in report["areas"]] == [a.score for a in direct.areas]
        assert report["document"]["path"] == path.name
    runs = client.get("/api/runs").json()
    assert sorted(r["files"][0] for r in runs) == sorted([EXAMPLE_PDF.name, EXAMPLE_DOCX.name])


@pytest.mark.slow
def test_report_page_shows_gaps_evidence_and_passages(scored):
    client, results = scored
    run_id = results[".pdf"]["run_id"]
    page = client.get(f"/runs/{run_id}").text
    assert 'data-slug="nivastrukturering-och-profilering" data-status="gap"' in page
    assert 'data-slug="fysisk-infrastruktur" data-status="gap"' in page
    assert 'data-slug="nara-vard" data-status="covered"' in page
    assert re.search(r'#\d+</a> · p\. [1-4] · p = 0\.\d\d', page)  # evidence with its page
    assert "<svg" in page and "Fokusförflyttningar" in page
    report = client.get(f"/api/runs/{run_id}/report").json()
    number = report["areas"][0]["evidence"][0]["passage"]
    passage = client.get(f"/api/runs/{run_id}/passages/{number}").json()
    assert set(passage["probabilities"]) >= {"nara-vard", "none"} and passage["nearest"]
    assert f'id="passage-{number}"' in page
    assert client.get(f"/api/runs/{run_id}/passages/99999").status_code == 404


@pytest.mark.slow
def test_downloads_are_the_cli_renderings(scored):
    from fhs_nlp.datamodel.alignment import AlignmentReport
    from fhs_nlp.report.alignment import render_html, render_markdown

    client, results = scored
    run_id = results[".pdf"]["run_id"]
    report = AlignmentReport.model_validate(client.get(f"/api/runs/{run_id}/report").json())
    got = client.get(f"/api/runs/{run_id}/download/json")
    assert "attachment" in got.headers["content-disposition"]
    assert json.loads(got.text)["areas"][0]["area"] == report.areas[0].area
    assert client.get(f"/api/runs/{run_id}/download/md").text == render_markdown(report)
    html = client.get(f"/api/runs/{run_id}/download/html")
    assert html.text == render_html(report) and "<script" not in html.text
    assert client.get(f"/api/runs/{run_id}/download/exe").status_code == 422


@pytest.mark.slow
def test_side_by_side_and_delete(scored):
    client, results = scored
    a, b = results[".pdf"]["run_id"], results[".docx"]["run_id"]
    page = client.get(f"/compare?a={a}&b={b}").text
    assert 'id="side-table"' in page and page.count("<tr>") >= 8
    assert client.delete(f"/api/runs/{b}").status_code == 204
    assert client.get(f"/api/runs/{b}").status_code == 404
    assert [r["id"] for r in client.get("/api/runs").json()] == [a]


@pytest.mark.slow
def test_nothing_from_a_draft_is_rendered_unescaped(tmp_path, warm_aligner):
    client = _client(tmp_path)
    hostile = EXAMPLE_MD.read_text("utf-8").replace(
        "Vårdcentralen Linnéasand", "<script>alert('x')</script><img src=x onerror=alert(1)>",
        3)
    response = client.post("/api/align", files={
        "file": ("<b>utkast</b>.md", hostile.encode("utf-8"))})
    job = _wait(client, response.json()["id"])
    assert job["state"] == "done", job
    for url in (f"/runs/{job['run_id']}", "/", f"/api/runs/{job['run_id']}/download/html"):
        text = client.get(url).text
        assert "<script>alert" not in text and "<img src=x" not in text, url
    assert "&lt;script&gt;alert" in client.get(f"/runs/{job['run_id']}").text


@pytest.fixture(scope="module")
def two_plans(tmp_path_factory, plan_extraction):
    """Two versions of the plan's first area (Personcentrerat arbetssätt) as Tabell 1
    PDFs: in the later one a milestone is reworded and one moved a year."""
    from fhs_nlp.synthetic import documents as synthetic
    from fhs_nlp.synthetic import sample_data

    folder = tmp_path_factory.mktemp("plans")
    first = [m for m in plan_extraction.milestones if m.area == "Personcentrerat arbetssätt"]
    malbilder = sample_data.malbilder_from_records(plan_extraction.malbilder)

    def draw(name, rows):
        return synthetic.render_milestone_table_pdf(folder / name, rows, malbilder,
                                                    synthetic.EFFEKTMAL)

    old = draw("plan_2023.pdf", sample_data.rows_from_records(first))
    rows = sample_data.rows_from_records(first)
    rows[0].title = rows[0].title + " och utvärderad"
    rows[1].year = (rows[1].year or 2023) + 1
    return old, draw("plan_2024.pdf", rows)


@pytest.mark.slow
def test_plan_versions_are_compared_as_the_diff_command_does(tmp_path, two_plans):
    from fhs_nlp.diff.plans import diff_plans

    client = _client(tmp_path)
    old, new = two_plans
    response = client.post("/api/diff", files={"old": (old.name, old.read_bytes()),
                                                "new": (new.name, new.read_bytes())})
    assert response.status_code == 202, response.text
    job = _wait(client, response.json()["id"], 300)
    assert job["state"] == "done", job
    got = client.get(f"/api/runs/{job['run_id']}/diff").json()
    direct = diff_plans(old, new)
    assert got["summary"]["counts"] == direct.summary.counts
    assert got["summary"]["counts"]["reworded"] >= 1
    assert got["summary"]["counts"]["moved_year"] == 1
    assert (got["old"]["path"], got["new"]["path"]) == (old.name, new.name)
    page = client.get(f"/runs/{job['run_id']}").text
    assert 'data-change="moved_year"' in page and "<ins>" in page
    md = client.get(f"/api/runs/{job['run_id']}/download/md")
    assert md.status_code == 200 and "plan_2023__plan_2024.diff.md" in \
        md.headers["content-disposition"]
    # a text without a milestone table: the diff command's E701, naming the file
    response = client.post("/api/diff", files={"old": (old.name, old.read_bytes()),
                                                "new": ("anteckning.txt", b"Bara text.\n")})
    job = _wait(client, response.json()["id"], 300)
    assert job["state"] == "failed" and job["error"]["code"] in ("E701", "E107")
    assert "anteckning.txt" in job["error"]["message"]
