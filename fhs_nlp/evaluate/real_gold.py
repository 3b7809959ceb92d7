"""The real-text gold set (``eval/gold/real/``): real Swedish passages and documents.

Read into the same :class:`~fhs_nlp.evaluate.gold.AlignmentGold` as the written-for-
purpose set, so every system and metric runs on both unchanged:

* a passage keeps its ``primary``, ``secondary``, ``hard_case`` and ``split``; its
  ``style`` is where it comes from (``realtext`` or ``corpus``). Passages of the region's
  own documents (``index_source``: the reference index is built from them) are in dev.
* a document's labels map to the draft fields: ``strong`` → ``covered``, ``weak`` →
  ``weak``, ``none`` → ``gaps``. The real documents have no viljeriktning labels, so
  those sets are empty and the viljeriktning gap figures are not reported for them.

Every line is validated like the other gold files; a passage whose text is not the exact
substring of its document at its character span is an error (the gold must be checkable).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fhs_nlp.evaluate.gold import (
    AREA_SLUGS,
    GOLD_DIR,
    HARD_CASES,
    LABELS,
    SPLITS,
    AlignmentGold,
    Check,
    GoldDataError,
    GoldDraft,
    GoldPassage,
    each_of,
    of_type,
    one_of,
    read_jsonl,
)

DOC_LABELS = ("strong", "weak", "none")
CONFIDENCE = ("high", "medium", "low")


def _doc_labels(value: Any) -> str | None:
    if not isinstance(value, dict) or sorted(value) != sorted(AREA_SLUGS):
        return f"must map each of the 7 area slugs to one of {', '.join(DOC_LABELS)}"
    bad = [k for k, v in value.items() if v not in DOC_LABELS]
    return f"{bad[0]}: must be one of {', '.join(DOC_LABELS)}" if bad else None


REAL_PASSAGE_FIELDS: dict[str, Check] = {
    "id": of_type(str), "source": one_of(("realtext", "corpus")), "doc": of_type(str),
    "line_start": of_type(int), "line_end": of_type(int), "char_start": of_type(int),
    "char_end": of_type(int), "text": of_type(str), "primary": one_of(LABELS),
    "secondary": each_of(AREA_SLUGS), "mentions": each_of(AREA_SLUGS),
    "confidence": one_of(CONFIDENCE), "hard_case": one_of(HARD_CASES, nullable=True),
    "why": of_type(str), "index_source": of_type(bool), "split": one_of(SPLITS),
}
REAL_DOCUMENT_FIELDS: dict[str, Check] = {
    "doc": of_type(str), "file": of_type(str), "labels": _doc_labels, "split": one_of(SPLITS),
}


def load_real_gold(gold_dir: Path = GOLD_DIR, sources: dict[str, Path] | None = None
                   ) -> AlignmentGold:
    """Passages and documents of ``<gold_dir>/real``; raises :class:`GoldDataError`.

    ``sources`` maps a passage's ``source`` to the folder of its original files, to
    check every span against them; documents are always checked against their copies
    in ``real/documents/``.
    """
    folder = Path(gold_dir) / "real"
    path = folder / "passages.jsonl"
    passages: list[GoldPassage] = []
    seen: dict[str, int] = {}
    docs_path = folder / "documents.jsonl"
    doc_rows = read_jsonl(docs_path, REAL_DOCUMENT_FIELDS)
    copies = {row["doc"]: folder / row["file"] for _, row in doc_rows}
    for n, row in read_jsonl(path, REAL_PASSAGE_FIELDS):
        if row["id"] in seen:
            raise GoldDataError(f"duplicate id {row['id']!r} (first on line {seen[row['id']]})",
                                path, n)
        seen[row["id"]] = n
        if row["index_source"] and row["split"] != "dev":
            raise GoldDataError("a passage of a document the reference index is built from "
                                "must be in dev", path, n)
        if row["primary"] == "none" and row["secondary"]:
            raise GoldDataError("a 'none' passage has no secondary areas", path, n)
        source = copies.get(row["doc"])
        if source is None and sources and row["source"] in sources:
            source = sources[row["source"]] / row["doc"]
        if source is not None and source.exists():
            text = source.read_text(encoding="utf-8")
            if text[row["char_start"]:row["char_end"]] != row["text"]:
                raise GoldDataError(f"text is not the substring {row['char_start']}:"
                                    f"{row['char_end']} of {source.name}", path, n)
        passages.append(GoldPassage(
            id=row["id"], text=row["text"], primary=row["primary"],
            secondary=tuple(row["secondary"]), split=row["split"], style=row["source"],
            hard_case=row["hard_case"], viljeriktningar=(),
        ))
    drafts: list[GoldDraft] = []
    doc_split = {}
    for n, row in doc_rows:
        file = folder / row["file"]
        if not file.exists():
            raise GoldDataError(f"document file {row['file']!r} does not exist", docs_path, n)
        labels = row["labels"]
        drafts.append(GoldDraft(
            id=row["doc"], path=file, title=row["doc"],
            covered=frozenset(a for a, v in labels.items() if v == "strong"),
            weak=frozenset(a for a, v in labels.items() if v == "weak"),
            gaps=frozenset(a for a, v in labels.items() if v == "none"),
            viljeriktningar_covered=frozenset(), viljeriktningar_gaps=frozenset(),
            split=row["split"],
        ))
        doc_split[row["doc"]] = row["split"]
    for p_row in read_jsonl(path, REAL_PASSAGE_FIELDS):
        _, row = p_row
        if doc_split.get(row["doc"], row["split"]) != row["split"]:
            raise GoldDataError(f"passage {row['id']} is in {row['split']} but its document "
                                f"is in {doc_split[row['doc']]}: split by document", path,
                                p_row[0])
    return AlignmentGold(passages, drafts)
