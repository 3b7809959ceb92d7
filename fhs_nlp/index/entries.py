"""What is indexed: the reference records of the strategy as :class:`IndexEntry` rows.

Its own module because this is where a change to *what the aligner compares drafts with*
is made (which texts, in which wording, in which order); the code hash of this module is
part of every index manifest, so an index built by other entry code is rebuilt.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from fhs_nlp.datamodel.records import (
    Fokusforflyttning,
    Insatsomrade,
    Malbild,
    Milestone,
    Record,
    Viljeriktning,
)
from fhs_nlp.datamodel.vocabulary import AREA_NAMES
from fhs_nlp.ingest.corpus import load_manifest

#: Bump when :func:`reference_entries` changes what is indexed; :func:`ensure_index`
#: then rebuilds indexes made by older versions.
ENTRIES_VERSION = "1"
#: The kinds of entries, in index order.
ENTRY_KINDS = ("insatsomrade", "viljeriktning", "malbild", "milestone", "effect",
               "fokusforflyttning")
_MAX_TEXT_WORDS = 120


@dataclass(frozen=True)
class IndexEntry:
    """One reference text in the index, with the record it comes from."""

    entry_id: int
    kind: str
    """insatsomrade | viljeriktning | malbild | milestone | effect | fokusforflyttning"""
    area: str | None
    """Canonical insatsområde; None for fokusförflyttningar (and unplaced milestones)."""
    record_id: str
    """The source record; for an effect, its milestone's record_id."""
    text: str
    """The text that was embedded."""
    label: str
    """A short human label: milestone title, viljeriktning text, "Målbild: Nära vård"…"""
    year: int | None
    """Target year of a milestone (and of its effects)."""
    document_id: str
    source: str
    """Where it stands, e.g. "002_…txt: lines 144-159"."""
    statement_id: str | None
    """Shared by all wordings of a viljeriktning ("nara-vard/2") or shift ("shift/3")."""

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> IndexEntry:
        return cls(**json.loads(line))


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-")
    return cut + "…"


def _truncate_words(text: str, limit: int = _MAX_TEXT_WORDS) -> str:
    """At most ``limit`` words, cut after the last full sentence that fits if any."""
    words = text.split()
    if len(words) <= limit:
        return " ".join(words)
    head = " ".join(words[:limit])
    ends = [m.end() for m in re.finditer(r"[.!?](?=\s|$)", head)]
    if ends and ends[-1] > len(head) // 2:
        return head[: ends[-1]]
    return head + " …"


def _document_order(records: Mapping[str, Sequence[Record]]) -> dict[str, int]:
    """Rank per document id: the newest document first (corpus manifest dates), then id."""
    dates = {entry.id: int((entry.date or "0").replace("-", "")) for entry in load_manifest()}
    ids = {r.provenance.document_id for rs in records.values() for r in rs}
    return {d: i for i, d in enumerate(sorted(ids, key=lambda d: (-dates.get(d, 0), d)))}


def _area_rank(area: str | None) -> int:
    return AREA_NAMES.index(area) if area in AREA_NAMES else len(AREA_NAMES)


def reference_entries(records: Mapping[str, Sequence[Record]]) -> list[IndexEntry]:
    """The texts to index, from extracted records keyed by kind (as
    :attr:`fhs_nlp.extract.pipeline.ExtractionResult.records` gives them).

    * each insatsområde once, "Insatsområde <name> (<group>)", from the newest document
      that lists it (the 2025 strategy);
    * each viljeriktning and each fokusförflyttning in every wording (2025 and 2020, same
      ``statement_id``); a wording identical to a newer one is left out;
    * each målbild's lead statement and each of its bullets (fragments of a målbild the
      extractor marked incomplete are left out);
    * each milestone as "title. description", cut after a sentence at 120 words;
    * each effect of a milestone, with the milestone's record_id, area and year.

    Entries come in the order of :data:`ENTRY_KINDS`, then insatsområde, then source order.
    """
    doc_rank = _document_order(records)

    def newest_first(rs: Sequence[Record]) -> list[Record]:
        return sorted(rs, key=lambda r: doc_rank.get(r.provenance.document_id, 0))

    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()

    def add(kind: str, record: Record, text: str, label: str, *, area: str | None,
            year: int | None = None, statement_id: str | None = None,
            record_id: str | None = None, source: str | None = None,
            group: str | None = None) -> None:
        text = " ".join(text.split())
        if not re.search(r"\w", text):
            return
        key = (kind, group or statement_id or record_id or record.record_id, text.lower())
        if key in seen:
            return
        seen.add(key)
        rows.append(
            dict(kind=kind, area=area, record_id=record_id or record.record_id, text=text,
                 label=label, year=year, document_id=record.provenance.document_id,
                 source=source or record.provenance.short(), statement_id=statement_id)
        )

    areas = [r for r in newest_first(records.get("insatsomrade", []))
             if isinstance(r, Insatsomrade)]
    for area in sorted(areas, key=lambda a: _area_rank(a.name)):
        add("insatsomrade", area, f"Insatsområde {area.name} ({area.group})", area.name,
            area=area.name, group=area.name)

    statements = [r for r in newest_first(records.get("viljeriktning", []))
                  if isinstance(r, Viljeriktning)]
    for v in sorted(statements, key=lambda v: (_area_rank(v.area), v.number)):
        add("viljeriktning", v, v.text, _shorten(v.text, 120), area=v.area,
            statement_id=v.statement_id)

    for m in sorted((r for r in records.get("malbild", []) if isinstance(r, Malbild)),
                    key=lambda m: _area_rank(m.area)):
        label = f"Målbild: {m.area}"
        add("malbild", m, m.statement, label, area=m.area)
        for bullet in m.bullets:
            if not m.complete and (bullet[:1].islower() or len(bullet.split()) < 3):
                continue  # a fragment of a garbled column
            add("malbild", m, bullet, label, area=m.area)

    milestones = [r for r in records.get("milestone", []) if isinstance(r, Milestone)]
    for ms in milestones:
        title = ms.title.strip()
        text = title if not ms.description.strip() else (
            f"{title} {ms.description}" if title.endswith((".", "!", "?", ":"))
            else f"{title}. {ms.description}"
        )
        add("milestone", ms, _truncate_words(text), _shorten(title, 120), area=ms.area,
            year=ms.year)
    for ms in milestones:
        for effect in ms.effects:
            add("effect", ms, effect.text, "Effekt: " + _shorten(effect.text, 100),
                area=ms.area, year=ms.year, source=effect.provenance.short())

    shifts = [r for r in newest_first(records.get("fokusforflyttning", []))
              if isinstance(r, Fokusforflyttning)]
    for s in sorted(shifts, key=lambda s: s.number):
        if s.from_focus and s.to_focus:
            label = _shorten(f"Från {s.from_focus} till {s.to_focus}", 120)
        else:
            label = _shorten(s.text, 120)
        add("fokusforflyttning", s, s.text, label, area=None, statement_id=s.statement_id)

    order = {kind: i for i, kind in enumerate(ENTRY_KINDS)}
    rows.sort(key=lambda row: order[row["kind"]])  # stable: keeps the order within a kind
    return [IndexEntry(entry_id=i, **row) for i, row in enumerate(rows)]
