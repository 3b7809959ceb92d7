"""Gold loaders: the committed annotations under ``eval/gold/``, read and validated.

Every line is checked when it is read: a line that is not JSON, lacks a field, has a
value of the wrong type or a label outside the vocabulary raises :class:`GoldDataError`
naming the file and the line, and saying what is allowed. Extra fields (``notes``,
``caption_lines`` …) are kept but never compared.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fhs_nlp import settings
from fhs_nlp.datamodel.vocabulary import AREA_NAMES, AREAS, EFFEKTMAL, GROUPS
from fhs_nlp.errors import GoldDataError
from fhs_nlp.hashing import sha256_file
from fhs_nlp.report.output import KIND_FILES

#: The gold folder (``eval/gold`` of the checkout, or the copy in an installed package).
GOLD_DIR = settings.GOLD_DIR

AREA_SLUGS: tuple[str, ...] = tuple(a.slug for a in AREAS)
#: The fixed label order of every probability matrix: the 7 areas, then "none".
LABELS: tuple[str, ...] = (*AREA_SLUGS, "none")
#: Viljeriktningar per area in the strategy (000 lines 51-57), in order.
VILJERIKTNINGAR_PER_AREA: dict[str, int] = dict(zip(AREA_SLUGS, (3, 2, 3, 3, 2, 2, 3),
                                                    strict=True))
VILJERIKTNING_IDS: tuple[str, ...] = tuple(
    f"{slug}/{n}" for slug, k in VILJERIKTNINGAR_PER_AREA.items() for n in range(1, k + 1)
)
HARD_CASES = ("lexical_trap", "cross_cutting", "between_two", "long", "none_vs_area")
SPLITS = ("dev", "test")
EFFECT_TARGETS = ("inv", "sys", "vsh")
DECISION_KINDS = ("decision", "deadline", "document")
SHIFT_TERMS = ("fokusförflyttning", "perspektivskifte")


# --- field checks ---------------------------------------------------------------------

Check = Callable[[Any], str | None]


def of_type(*types: type, nullable: bool = False) -> Check:
    names = " or ".join(t.__name__ for t in types) + (" or null" if nullable else "")

    def check(value: Any) -> str | None:
        if value is None and nullable:
            return None
        if isinstance(value, bool) and bool not in types:
            return f"must be {names}, not {value!r}"
        return None if isinstance(value, types) else f"must be {names}, not {value!r}"

    return check


def one_of(choices: tuple[str, ...] | list[str], nullable: bool = False) -> Check:
    def check(value: Any) -> str | None:
        if value is None and nullable:
            return None
        if value in choices:
            return None
        return f"unknown label {value!r}; valid: {', '.join(map(str, choices))}"

    return check


def each_of(choices: tuple[str, ...]) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, list):
            return f"must be a list, not {value!r}"
        bad = [v for v in value if v not in choices]
        if bad:
            return f"unknown label(s) {', '.join(map(repr, bad))}; valid: {', '.join(choices)}"
        return None

    return check


def _str_list(value: Any) -> str | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return None
    return f"must be a list of strings, not {value!r}"


def _effects(value: Any) -> str | None:
    if not isinstance(value, list):
        return f"must be a list of {{text, targets}}, not {value!r}"
    for i, effect in enumerate(value, 1):
        if not isinstance(effect, dict) or not isinstance(effect.get("text"), str):
            return f"effect {i} must be an object with a 'text' string"
        problem = each_of(EFFECT_TARGETS)(effect.get("targets"))
        if problem:
            return f"effect {i} targets: {problem}"
    return None


_STR, _INT = of_type(str), of_type(int)
_OPT_STR, _OPT_INT = of_type(str, nullable=True), of_type(int, nullable=True)
_AREA = one_of(AREA_NAMES)

#: Required fields of each extraction gold file, with their checks.
EXTRACTION_FIELDS: dict[str, dict[str, Check]] = {
    "milestone": {
        "doc": _STR, "line_start": _INT, "line_end": _INT, "area": one_of(AREA_NAMES, True),
        "year": _OPT_INT, "title": _STR, "description": _STR, "effects": _effects,
        "rewords_2022": of_type(bool), "previous_wording": _OPT_STR,
    },
    "viljeriktning": {
        "doc": _STR, "area": _AREA, "number": _INT, "text": _STR,
        "statement_id": one_of(VILJERIKTNING_IDS), "line": _INT,
    },
    "insatsomrade": {
        "doc": _STR, "name": _AREA, "name_in_source": _STR,
        "group": one_of(tuple(GROUPS)), "group_in_source": _STR, "line": _INT,
    },
    "fokusforflyttning": {
        "doc": _STR, "number": _INT, "term": one_of(SHIFT_TERMS), "text": _STR,
        "from_focus": _OPT_STR, "to_focus": _OPT_STR, "statement_id": _STR,
        "line_start": _INT, "line_end": _INT,
    },
    "malbild": {
        "doc": _STR, "area": _AREA, "statement": _STR, "bullets": _str_list,
        "complete": of_type(bool), "line_start": _INT, "line_end": _INT,
    },
    "effektmal": {
        "doc": _STR, "number": _INT, "name": one_of(EFFEKTMAL), "name_in_source": _STR,
        "line_start": _INT, "line_end": _INT,
    },
    "decision": {
        "doc": _STR, "decision_kind": one_of(DECISION_KINDS), "date": _STR,
        "body": _OPT_STR, "paragraph": _OPT_STR, "case_number": _OPT_STR, "text": _STR,
        "line": _INT,
    },
}

PASSAGE_FIELDS: dict[str, Check] = {
    "id": _STR, "text": _STR, "primary": one_of(LABELS), "secondary": each_of(AREA_SLUGS),
    "split": one_of(SPLITS), "style": _STR, "hard_case": one_of(HARD_CASES, nullable=True),
    "viljeriktningar": each_of(VILJERIKTNING_IDS),
}

DRAFT_FIELDS: dict[str, Check] = {
    "id": _STR, "file": _STR, "title": _STR, "covered": each_of(AREA_SLUGS),
    "weak": each_of(AREA_SLUGS), "gaps": each_of(AREA_SLUGS),
    "viljeriktningar_covered": each_of(VILJERIKTNING_IDS),
    "viljeriktningar_gaps": each_of(VILJERIKTNING_IDS), "split": one_of(SPLITS),
}


def read_jsonl(path: Path, fields: dict[str, Check]) -> list[tuple[int, dict[str, Any]]]:
    """Rows of a JSONL file with their 1-based line numbers, every field checked.

    Blank lines are skipped. Raises :class:`GoldDataError` at the first bad line.
    """
    path = Path(path)
    if not path.exists():
        raise GoldDataError("is missing; the gold set must be complete (see eval/README.md)",
                            path)
    rows: list[tuple[int, dict[str, Any]]] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldDataError(f"malformed line, not JSON ({exc.msg} at column {exc.colno})",
                                path, n) from exc
        if not isinstance(row, dict):
            raise GoldDataError("malformed line: expected a JSON object", path, n)
        missing = [k for k in fields if k not in row]
        if missing:
            raise GoldDataError(f"missing field(s): {', '.join(missing)}", path, n)
        for key, check in fields.items():
            problem = check(row[key])
            if problem:
                raise GoldDataError(f"field '{key}': {problem}", path, n)
        rows.append((n, row))
    return rows


# --- extraction gold ------------------------------------------------------------------


@dataclass(frozen=True)
class GoldRecord:
    """One gold record: its kind, document, source lines and fields."""

    kind: str
    doc: str
    line_start: int
    line_end: int
    fields: dict[str, Any]
    #: Where the annotation itself stands: ``milestones.jsonl:12``.
    gold_line: str

    def where(self) -> str:
        if self.line_start == self.line_end:
            return f"{self.doc}:{self.line_start}"
        return f"{self.doc}:{self.line_start}-{self.line_end}"


def load_extraction_gold(gold_dir: Path = GOLD_DIR) -> dict[str, list[GoldRecord]]:
    """Every record of ``<gold_dir>/extraction/*.jsonl``, by kind (:data:`KIND_FILES`)."""
    folder = Path(gold_dir) / "extraction"
    gold: dict[str, list[GoldRecord]] = {}
    for kind, stem in KIND_FILES.items():
        path = folder / f"{stem}.jsonl"
        records = []
        for n, row in read_jsonl(path, EXTRACTION_FIELDS[kind]):
            start: int = row["line_start"] if "line_start" in row else row["line"]
            end: int = row.get("line_end", start)
            if end < start:
                raise GoldDataError(f"line_end {end} is before line_start {start}", path, n)
            records.append(GoldRecord(kind, row["doc"], start, end, row, f"{path.name}:{n}"))
        gold[kind] = records
    return gold


# --- alignment gold -------------------------------------------------------------------


@dataclass(frozen=True)
class GoldPassage:
    id: str
    text: str
    primary: str
    secondary: tuple[str, ...]
    split: str
    style: str
    hard_case: str | None
    viljeriktningar: tuple[str, ...]


@dataclass(frozen=True)
class GoldDraft:
    id: str
    path: Path
    title: str
    covered: frozenset[str]
    weak: frozenset[str]
    gaps: frozenset[str]
    viljeriktningar_covered: frozenset[str]
    viljeriktningar_gaps: frozenset[str]
    split: str


@dataclass
class AlignmentGold:
    passages: list[GoldPassage]
    drafts: list[GoldDraft] = field(default_factory=list)

    def split(self, name: str) -> list[GoldPassage]:
        return [p for p in self.passages if p.split == name]

    def draft_split(self, name: str) -> list[GoldDraft]:
        return [d for d in self.drafts if d.split == name]


def load_alignment_gold(gold_dir: Path = GOLD_DIR) -> AlignmentGold:
    """Passages and drafts of ``<gold_dir>/alignment``, with their partitions checked."""
    folder = Path(gold_dir) / "alignment"
    passages_path = folder / "passages.jsonl"
    passages: list[GoldPassage] = []
    seen: dict[str, int] = {}
    for n, row in read_jsonl(passages_path, PASSAGE_FIELDS):
        if row["id"] in seen:
            raise GoldDataError(f"duplicate id {row['id']!r} (first on line {seen[row['id']]})",
                                passages_path, n)
        seen[row["id"]] = n
        passages.append(GoldPassage(
            id=row["id"], text=row["text"], primary=row["primary"],
            secondary=tuple(row["secondary"]), split=row["split"], style=row["style"],
            hard_case=row["hard_case"], viljeriktningar=tuple(row["viljeriktningar"]),
        ))
    drafts_path = folder / "drafts.jsonl"
    drafts: list[GoldDraft] = []
    for n, row in read_jsonl(drafts_path, DRAFT_FIELDS):
        areas = [*row["covered"], *row["weak"], *row["gaps"]]
        if sorted(areas) != sorted(AREA_SLUGS):
            raise GoldDataError("covered, weak and gaps must partition the 7 area slugs",
                                drafts_path, n)
        ids = [*row["viljeriktningar_covered"], *row["viljeriktningar_gaps"]]
        if sorted(ids) != sorted(VILJERIKTNING_IDS):
            raise GoldDataError("viljeriktningar_covered and viljeriktningar_gaps must "
                                "partition the 18 viljeriktning ids", drafts_path, n)
        path = folder / row["file"]
        if not path.exists():
            raise GoldDataError(f"draft file {row['file']!r} does not exist", drafts_path, n)
        drafts.append(GoldDraft(
            id=row["id"], path=path, title=row["title"], covered=frozenset(row["covered"]),
            weak=frozenset(row["weak"]), gaps=frozenset(row["gaps"]),
            viljeriktningar_covered=frozenset(row["viljeriktningar_covered"]),
            viljeriktningar_gaps=frozenset(row["viljeriktningar_gaps"]), split=row["split"],
        ))
    return AlignmentGold(passages, drafts)


def gold_version(gold_dir: Path = GOLD_DIR) -> dict[str, Any]:
    """A hash over every gold data file (JSONL and drafts; READMEs and scripts excluded)."""
    root = Path(gold_dir)
    files = sorted(
        p for p in root.rglob("*")
        if p.is_file() and (p.suffix == ".jsonl" or (p.suffix == ".md" and p.name != "README.md"))
    )
    per_file = {
        p.relative_to(root).as_posix(): sha256_file(p)
        for p in files
    }
    total = hashlib.sha256(
        "".join(f"{name}\x00{digest}\n" for name, digest in per_file.items()).encode()
    ).hexdigest()
    return {"hash": f"sha256:{total[:16]}", "files": {k: v[:16] for k, v in per_file.items()}}
