"""The strategy a draft is scored against, laid out for the strategy page.

Per insatsområde (in the färdplan's order): its group, its viljeriktningar (from the
newest strategy document), its målbild and its milestones grouped by year, each with
where it stands in which corpus document, so a reviewer can open the source lines.
Built from :func:`fhs_nlp.index.reference_index.reference_records`, the records the
index is made of, once per process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from types import SimpleNamespace

from fhs_nlp.datamodel.records import (
    Fokusforflyttning,
    Malbild,
    Milestone,
    Provenance,
    Viljeriktning,
)
from fhs_nlp.datamodel.vocabulary import AREAS


@dataclass
class Item:
    text: str
    provenance: Provenance
    detail: list[str] = field(default_factory=list)
    statement_id: str = ""

    @property
    def where(self) -> str:
        p = self.provenance
        page = f"p. {p.page}, " if p.page else ""
        lines = (f"line {p.line_start}" if p.line_end <= p.line_start
                 else f"lines {p.line_start}–{p.line_end}")
        return f"{p.document_id}, {page}{lines}"


@dataclass
class AreaView:
    name: str
    slug: str
    group: str
    viljeriktningar: list[Item]
    malbild: Item | None
    milestones: dict[str, list[Item]]  # year (or "no year") -> milestones


@dataclass
class StrategyView:
    areas: list[AreaView]
    fokusforflyttningar: list[Item]
    documents: dict[str, str]  # corpus id -> title


_VIEW: StrategyView | None = None
_LOCK = threading.Lock()


def strategy_view() -> StrategyView:
    global _VIEW
    with _LOCK:
        if _VIEW is None:
            _VIEW = _build()
        return _VIEW


def _build() -> StrategyView:
    from fhs_nlp.align.similarity import strategy_id
    from fhs_nlp.index.reference_index import reference_records

    records = reference_records()
    all_vrs = [r for r in records.get("viljeriktning", []) if isinstance(r, Viljeriktning)]
    malbilder = [r for r in records.get("malbild", []) if isinstance(r, Malbild)]
    all_milestones = [r for r in records.get("milestone", []) if isinstance(r, Milestone)]
    all_shifts = [r for r in records.get("fokusforflyttning", [])
                  if isinstance(r, Fokusforflyttning)]
    # the reference document by the aligner's own rule (the newest strategy)
    documents: list = [SimpleNamespace(kind="viljeriktning", document_id=d)
                       for d in {r.provenance.document_id for r in all_vrs}]
    strategy = strategy_id(documents)
    areas = []
    for area in AREAS:
        vrs = sorted((r for r in all_vrs
                      if r.area == area.name and r.provenance.document_id == strategy),
                     key=lambda r: r.number)
        malbild = next((r for r in malbilder if r.area == area.name), None)
        by_year: dict[str, list[Item]] = {}
        milestones = [m for m in all_milestones if m.area == area.name]
        for m in sorted(milestones, key=lambda m: (m.year is None, m.year or 0)):
            effects = [f"{e.text} ({', '.join(e.targets) or 'no tag'})" for e in m.effects]
            by_year.setdefault(str(m.year) if m.year else "no year", []).append(
                Item(m.title, m.provenance, [m.description, *effects] if m.description
                     else effects))
        areas.append(AreaView(
            name=area.name, slug=area.slug, group=area.group,
            viljeriktningar=[Item(v.text, v.provenance, statement_id=v.statement_id)
                             for v in vrs],
            malbild=Item(malbild.statement, malbild.provenance, list(malbild.bullets))
            if malbild else None,
            milestones=by_year,
        ))
    shifts = sorted((r for r in all_shifts if r.provenance.document_id == strategy),
                    key=lambda r: r.number)
    return StrategyView(areas=areas,
                        fokusforflyttningar=[Item(s.text, s.provenance,
                                                  statement_id=s.statement_id)
                                             for s in shifts],
                        documents=corpus_titles())


def corpus_titles() -> dict[str, str]:
    from fhs_nlp.ingest.corpus import load_manifest

    return {entry.id: entry.title for entry in load_manifest()}


def source_lines(document_id: str) -> tuple[str, list[str]] | None:
    """The title and lines of one bundled corpus document; None for an unknown id (only
    the files the manifest lists can be opened)."""
    from fhs_nlp.ingest.corpus import load_manifest

    for entry in load_manifest():
        if entry.id == document_id:
            return entry.title, entry.path.read_text("utf-8").splitlines()
    return None
