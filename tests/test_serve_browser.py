"""``fhs-nlp serve`` end to end in a real headless Chromium (Debian's chromium and
chromium-driver, installed by ``make setup``; driven with Selenium).

A strategist's session: upload the example PDF and DOCX, wait for the reports, read the
gap areas and the evidence, open a passage, download the JSON, put the two drafts side
by side, compare two plan versions, upload a corrupt PDF and read its message. Every
step leaves a screenshot in ``out/test-serve/`` (1366×768, a common laptop screen).
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_PDF = ROOT / "examples" / "verksamhetsplan_2027_vardcentralen_linneasand.pdf"
EXAMPLE_DOCX = EXAMPLE_PDF.with_suffix(".docx")
SHOTS = ROOT / "out" / "test-serve"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
WIDTH, HEIGHT = 1366, 768

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(not (CHROMIUM and DRIVER),
                       reason="needs Debian's chromium and chromium-driver: make setup "
                       "installs them (apt-get install chromium chromium-driver)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on a real socket (uvicorn in a thread); the tests that score a draft ask
    for the session's warm aligner, which the app then finds loaded."""
    import uvicorn

    from fhs_nlp.serve import ServeSettings, create_app

    port = _free_port()
    settings = ServeSettings(data_dir=tmp_path_factory.mktemp("serve-data"), port=port,
                             warm_up=False)  # the warm_aligner fixture loads it once
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                            log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.1)
    assert srv.started, "the server did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={WIDTH},{HEIGHT}", "--lang=sv-SE"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads), "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": str(downloads)})
    driver.set_window_size(WIDTH, HEIGHT)
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def _shot(driver, name: str, full: bool = False) -> Path:
    """A screenshot of the window (1366×768), or of the whole page's height."""
    path = SHOTS / f"{name}.png"
    if full:
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(WIDTH, min(height + 140, 6000))
        driver.save_screenshot(str(path))
        driver.set_window_size(WIDTH, HEIGHT)
    else:
        driver.save_screenshot(str(path))
    return path


def _wait(driver, condition, seconds: float = 600):
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # the page may be replaced while the condition looks at it (the report loads)
    return WebDriverWait(driver, seconds, poll_frequency=0.3, ignored_exceptions=(
        StaleElementReferenceException, NoSuchElementException)).until(condition)


def _upload(driver, base: str, path: Path) -> str:
    """Score ``path`` from the start page; return the run's URL."""
    from selenium.webdriver.common.by import By

    driver.get(base + "/")
    driver.find_element(By.ID, "file").send_keys(str(path))
    driver.find_element(By.CSS_SELECTOR, "#align-form button[type=submit]").click()
    _wait(driver, lambda d: "/runs/" in d.current_url or
          d.find_element(By.ID, "message").is_displayed())
    assert "/runs/" in driver.current_url, driver.find_element(By.ID, "message").text
    _wait(driver, lambda d: d.find_element(By.ID, "areas"), 30)
    return driver.current_url


def _statuses(driver) -> dict[str, str]:
    from selenium.webdriver.common.by import By

    return {row.get_attribute("data-slug"): row.get_attribute("data-status")
            for row in driver.find_elements(By.CSS_SELECTOR, "#areas tbody tr")}


def test_a_strategist_scores_reads_downloads_and_compares(server, browser, downloads,
                                                          warm_aligner):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver = browser
    driver.get(server + "/")
    assert "Score a draft" in driver.title
    _shot(driver, "01-start")

    # the PDF: progress, then the report with its gaps and evidence
    pdf_url = _upload(driver, server, EXAMPLE_PDF)
    status = _statuses(driver)
    assert status["nivastrukturering-och-profilering"] == "gap"
    assert status["fysisk-infrastruktur"] == "gap"
    assert status["nara-vard"] == "covered"
    gaps = driver.find_element(By.CSS_SELECTOR, "ul.gap-areas").text
    assert "Nivåstrukturering och profilering" in gaps and "Fysisk infrastruktur" in gaps
    evidence = driver.find_elements(By.CSS_SELECTOR, "#area-nara-vard .passage.evidence")
    assert evidence and " · p. " in evidence[0].text
    _shot(driver, "02-report")
    _shot(driver, "02-report-full", full=True)

    # open a passage from its evidence link: its scores and nearest records show
    link = driver.find_element(By.CSS_SELECTOR, "#area-nara-vard a.open-passage")
    number = link.get_attribute("data-passage")
    link.click()
    passage = driver.find_element(By.ID, f"passage-{number}")
    _wait(driver, lambda d: passage.get_attribute("open") is not None, 10)
    probs = passage.find_element(By.CSS_SELECTOR, "table.probs")
    nearest = passage.find_element(By.CSS_SELECTOR, "table.nearest")
    assert probs.is_displayed() and "Nära vård" in probs.text
    assert len(nearest.find_elements(By.CSS_SELECTOR, "tbody tr")) == 5
    _shot(driver, "03-passage")

    # download the JSON
    driver.find_element(By.ID, "download-json").click()
    target = downloads / f"{EXAMPLE_PDF.stem}.alignment.json"
    _wait(driver, lambda d: target.exists() and target.stat().st_size > 1000, 30)
    report = json.loads(target.read_text("utf-8"))
    assert {g["area"] for g in report["gaps"] if g["level"] == "insatsomrade"} >= {
        "Nivåstrukturering och profilering", "Fysisk infrastruktur"}

    # the DOCX, then both drafts side by side
    docx_url = _upload(driver, server, EXAMPLE_DOCX)
    assert _statuses(driver)["fysisk-infrastruktur"] == "gap"
    driver.get(server + "/compare")
    Select(driver.find_element(By.ID, "a")).select_by_value(pdf_url.rsplit("/", 1)[1])
    Select(driver.find_element(By.ID, "b")).select_by_value(docx_url.rsplit("/", 1)[1])
    driver.find_element(By.CSS_SELECTOR, "#side-form button").click()
    table = _wait(driver, lambda d: d.find_element(By.ID, "side-table"), 30)
    assert len(table.find_elements(By.CSS_SELECTOR, "tbody tr")) == 7
    _shot(driver, "04-side-by-side")

    # the history lists both; the start page reads well with them
    driver.get(server + "/")
    rows = driver.find_elements(By.CSS_SELECTOR, "table.history tbody tr")
    assert len(rows) == 2
    _shot(driver, "05-history")


def test_two_plan_versions_are_compared(server, browser, tmp_path, plan_extraction):
    from selenium.webdriver.common.by import By

    from fhs_nlp.synthetic import documents as synthetic
    from fhs_nlp.synthetic import sample_data

    first = [m for m in plan_extraction.milestones if m.area == "Personcentrerat arbetssätt"]
    malbilder = sample_data.malbilder_from_records(plan_extraction.malbilder)
    old = synthetic.render_milestone_table_pdf(
        tmp_path / "genomforandeplan_2023.pdf", sample_data.rows_from_records(first), malbilder,
        synthetic.EFFEKTMAL)
    rows = sample_data.rows_from_records(first)
    rows[0].title = rows[0].title + " och utvärderad"
    rows[1].year = (rows[1].year or 2023) + 1
    new = synthetic.render_milestone_table_pdf(
        tmp_path / "genomforandeplan_2024.pdf", rows, malbilder, synthetic.EFFEKTMAL)

    driver = browser
    driver.get(server + "/compare")
    driver.find_element(By.ID, "old").send_keys(str(old))
    driver.find_element(By.ID, "new").send_keys(str(new))
    driver.find_element(By.CSS_SELECTOR, "#diff-form button[type=submit]").click()
    _wait(driver, lambda d: "/runs/" in d.current_url or
          d.find_element(By.ID, "message").is_displayed(), 300)
    assert "/runs/" in driver.current_url, driver.find_element(By.ID, "message").text
    counts = {row.get_attribute("data-change"): row.text.split()[-1] for row in
              driver.find_elements(By.CSS_SELECTOR, "#diff-counts tbody tr")}
    assert counts["moved_year"] == "1" and int(counts["reworded"]) >= 1
    assert driver.find_elements(By.CSS_SELECTOR, "ul.changes ins")
    _shot(driver, "06-plan-diff")


def test_a_corrupt_pdf_shows_its_message_and_the_server_goes_on(server, browser, tmp_path):
    from selenium.webdriver.common.by import By

    broken = tmp_path / "trasig_verksamhetsplan.pdf"
    broken.write_bytes(EXAMPLE_PDF.read_bytes()[:3000])
    driver = browser
    driver.get(server + "/")
    driver.find_element(By.ID, "file").send_keys(str(broken))
    driver.find_element(By.CSS_SELECTOR, "#align-form button[type=submit]").click()
    message = driver.find_element(By.ID, "message")
    _wait(driver, lambda d: message.is_displayed(), 120)
    assert message.text.startswith("[E104] trasig_verksamhetsplan.pdf: ")
    assert "truncated or corrupt" in message.text
    _shot(driver, "07-corrupt-pdf")
    driver.get(server + "/strategy")  # still serving
    assert len(driver.find_elements(By.CSS_SELECTOR, "section.area")) == 7
    _shot(driver, "08-strategy")
