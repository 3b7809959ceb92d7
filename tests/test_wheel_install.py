"""A normal (non-editable) install works away from the checkout.

Review bug: an installed fhs-nlp looked for ``corpus/``, ``eval/gold/`` and ``models/``
next to site-packages and found nothing. The wheel now carries the data it reads
(``fhs_nlp/_data``, copied in by setup.py) and builds its index and caches in the
user's cache folder (``FHS_NLP_HOME`` here, so the test writes nothing outside tmp).

The test builds a wheel from a copy of the checkout, installs it with ``--no-deps`` into a
fresh virtual environment that borrows the test environment's packages through a
``.pth`` line (so torch is not installed again; a directory named in a .pth file does not
run that directory's own .pth files, so the checkout's editable install stays out of
sight), and runs ``fhs-nlp align examples/...pdf`` from a folder that is not the checkout.
Slow: it loads the model; where the checkout already built its index, classifier and
converted embedder, copies of them are used so the first-use builds are not repeated.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from fhs_nlp import settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "verksamhetsplan_2027_vardcentralen_linneasand.pdf"


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _source_copy(target: Path) -> Path:
    """The checkout's files (tracked and new, not ignored): what a clone would hold."""
    listed = _run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT).stdout
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def _seed_home(home: Path) -> None:
    """Copies of what the checkout built on first use, where it has them."""
    for name in ("models/index", "models/cache", "models/embedders"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, home / name, symlinks=True)
    cache = ROOT / ".fhs-cache" / "embeddings.sqlite"
    if cache.is_file():
        (home / ".fhs-cache").mkdir(parents=True)
        shutil.copy2(cache, home / ".fhs-cache" / "embeddings.sqlite")


@pytest.mark.slow
def test_wheel_install_runs_align_from_another_folder(tmp_path):
    source = _source_copy(tmp_path / "src")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
          "-w", str(tmp_path / "dist"), str(source)])
    wheel = next((tmp_path / "dist").glob("fhs_nlp-*.whl"))

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    purelib = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                         "['purelib'])"]).stdout.strip())
    (purelib / "borrowed-test-env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)])

    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "examples").mkdir(parents=True)
    shutil.copy2(EXAMPLE, elsewhere / "examples" / EXAMPLE.name)
    home = tmp_path / "home"
    _seed_home(home)
    env = {**os.environ, "FHS_NLP_HOME": str(home), "HF_HUB_OFFLINE": "1",
           "OMP_WAIT_POLICY": "passive", "PYTHONPATH": ""}

    where = json.loads(_run([str(python), "-c", (
        "import json, fhs_nlp, fhs_nlp.settings as s; print(json.dumps({'package': "
        "fhs_nlp.__file__, 'checkout': s.IN_CHECKOUT, 'corpus': str(s.CORPUS_DIR), "
        "'gold': str(s.GOLD_DIR), 'index': str(s.INDEX_ROOT)}))")], cwd=elsewhere,
        env=env).stdout)
    assert Path(where["package"]).is_relative_to(venv), where  # the wheel, not the checkout
    assert where["checkout"] is False
    assert Path(where["corpus"], "manifest.json").is_file()
    assert Path(where["gold"], "alignment", "passages.jsonl").is_file()
    assert Path(where["index"]).is_relative_to(home)

    done = _run([str(venv / "bin" / "fhs-nlp"), "align", f"examples/{EXAMPLE.name}",
                 "--format", "json", "--out", "report.json"], cwd=elsewhere, env=env)
    report = json.loads((elsewhere / "report.json").read_text(encoding="utf-8"))
    assert len(report["areas"]) == 7 and report["document"]["passages"] > 10, done.stdout
    assert sum(len(a["viljeriktningar"]) for a in report["areas"]) == 18
    assert list(home.glob("models/index/*/manifest.json"))  # built or kept in the home
    assert not (source / "fhs_nlp" / "_data").exists()  # the build left the source alone


def test_settings_outside_a_checkout_use_the_bundled_data_and_the_user_cache(tmp_path):
    """The same decision without building a wheel: a package folder with no checkout
    around it reads ``_data`` and writes to platformdirs' user cache folder."""
    package = tmp_path / "site" / "fhs_nlp"
    package.mkdir(parents=True)
    shutil.copy2(Path(settings.__file__), package / "settings.py")
    (package / "__init__.py").write_text("")
    env = {k: v for k, v in os.environ.items() if k != "FHS_NLP_HOME"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg")
    out = json.loads(_run([sys.executable, "-c", (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import fhs_nlp.settings as s; "
        "print(json.dumps([s.IN_CHECKOUT, str(s.CORPUS_DIR), str(s.EMBEDDING_CACHE)]))"),
        str(tmp_path / "site")], env=env, cwd=tmp_path).stdout)
    assert out == [False, str(package / "_data" / "corpus"),
                   str(tmp_path / "xdg" / "fhs-nlp" / ".fhs-cache" / "embeddings.sqlite")]
