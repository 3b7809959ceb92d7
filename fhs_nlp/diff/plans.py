"""Compare two versions of an implementation plan, milestone by milestone.

``diff_plans(old, new)`` reads both versions (PDF, DOCX or text: whatever
:func:`~fhs_nlp.extract.milestones.extract_milestones` reads), matches their milestones
one to one, and returns a :class:`~fhs_nlp.datamodel.plan_diff.PlanDiff`: for every
milestone what happened to it between the versions, with the records of both sides (and
so their provenance), and a summary per change type and per insatsområde.
:mod:`fhs_nlp.report.diff` shows it.

Matching. The similarity of an old milestone *o* and a new one *n* is

    title(o, n) = max(token_sort_ratio(o.title, n.title),
                      token_sort_ratio(o.title, n.previous_wording))      # if n has one
    sim(o, n)   = 0.7 · title + 0.3 · token_sort_ratio(o.description, n.description)
                  (title alone where either description is empty)

with rapidfuzz's ``token_sort_ratio`` on lower-cased, punctuation-free words, scaled to
0..1. The ``previous_wording`` term matches a milestone of the 2023 plan marked
"Omformulering av milstolpe 2022: …" to its 2022 wording. Pairs below
``min_similarity`` (0.5) are never matched; among the others one-to-one pairs are chosen
to maximise the total similarity (``scipy.optimize.linear_sum_assignment``), where a
same area adds 0.02 and a same year 0.01 to break ties between near-duplicates (the
plan has two milestones on "Process och struktur för regional nivåstrukturering").
On the 70 milestones of the 2023-2026 plan the largest similarity between two
*different* milestones is 0.77 and 98% of such pairs score below 0.5; a title with two
of three words replaced still scores 0.55 with its description unchanged.

Effects of a matched pair are matched the same way on their text (threshold 0.6);
unmatched ones are added or removed, matched ones may be reworded or retagged.
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import numpy as np
from rapidfuzz import fuzz, process, utils
from scipy.optimize import linear_sum_assignment

from fhs_nlp.datamodel.document import Document
from fhs_nlp.datamodel.plan_diff import (
    CHANGE_TYPES,
    EFFECT_CHANGE_TYPES,
    ChangeType,
    DiffOp,
    DiffSummary,
    EffectChange,
    EffectChangeType,
    MilestoneChange,
    PlanDiff,
    PlanSide,
    WordDiff,
)
from fhs_nlp.datamodel.records import Effect, Milestone
from fhs_nlp.datamodel.vocabulary import AREA_NAMES
from fhs_nlp.errors import InputError, NoMilestoneTableError  # noqa: F401 (re-exported)
from fhs_nlp.ingest import read_document
from fhs_nlp.settings import DiffSettings  # re-exported: part of this module's API

# --- the public functions ------------------------------------------------------------


def diff_plans(
    old: Path | str | Document,
    new: Path | str | Document,
    settings: DiffSettings | None = None,
) -> PlanDiff:
    """Compare two versions of a plan; raise :class:`InputError` for unusable input.

    A file that cannot be read raises the reader's error; one without a milestone
    table raises :class:`NoMilestoneTableError`. The same file twice is read once.
    """
    from fhs_nlp.extract.milestones import extract_milestones

    settings = settings or DiffSettings()
    started = time.perf_counter()
    sides: list[tuple[PlanSide, list[Milestone]]] = []
    same_path = (
        not isinstance(old, Document)
        and not isinstance(new, Document)
        and Path(old).resolve() == Path(new).resolve()
    )
    for source in (old, new) if not same_path else (old,):
        t0 = time.perf_counter()
        doc = source if isinstance(source, Document) else read_document(Path(source))
        extraction = extract_milestones(doc)
        if not extraction.milestones:
            raise NoMilestoneTableError(
                "holds no milestone table (no rows under År | Milstolpe | Effekter were "
                "found); diff compares two versions of an implementation plan "
                "(genomförandeplan) with its Tabell 1",
                doc.source_path,
            )
        side = PlanSide(
            path=str(doc.source_path),
            document_id=doc.doc_id,
            source_format=doc.source_format,
            pages=len(doc.pages),
            content_hash=doc.content_hash,
            milestones=len(extraction.milestones),
            extraction_warnings=sum(1 for w in extraction.warnings if w.level == "warning"),
            seconds=round(time.perf_counter() - t0, 3),
        )
        sides.append((side, extraction.milestones))
    if same_path:
        sides.append(sides[0])
    (old_side, old_ms), (new_side, new_ms) = sides
    t0 = time.perf_counter()
    changes = diff_milestones(old_ms, new_ms, settings)
    match_seconds = time.perf_counter() - t0
    summary = summarise(changes, len(old_ms), len(new_ms))
    return PlanDiff(
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        settings=settings,
        old=old_side,
        new=new_side,
        same_content=old_side.content_hash == new_side.content_hash,
        identical=summary.counts["unchanged"] == len(changes),
        summary=summary,
        milestones=changes,
        timings={
            "old_seconds": old_side.seconds,
            "new_seconds": 0.0 if same_path else new_side.seconds,
            "match_seconds": round(match_seconds, 3),
            "total_seconds": round(time.perf_counter() - started, 3),
        },
    )


def diff_milestones(
    old: Sequence[Milestone], new: Sequence[Milestone], settings: DiffSettings | None = None
) -> list[MilestoneChange]:
    """Match two lists of milestones and say what changed, in reading order.

    The order follows the new version; a removed milestone stands after the milestone
    that preceded it in the old version.
    """
    settings = settings or DiffSettings()
    pairs = match_milestones(old, new, settings)
    new_to_old = {j: (i, sim, via) for i, j, sim, via in pairs}
    matched_old = {i for i, _, _, _ in pairs}
    removed = [i for i in range(len(old)) if i not in matched_old]
    out: list[MilestoneChange] = []
    emitted: set[int] = set()

    def emit_removed_before(limit: int) -> None:
        for i in removed:
            if i < limit and i not in emitted:
                emitted.add(i)
                out.append(MilestoneChange(changes=["removed"], old=old[i]))

    for j, milestone in enumerate(new):
        if j in new_to_old:
            i, sim, via = new_to_old[j]
            emit_removed_before(i)
            out.append(_compare(old[i], milestone, sim, via, settings))
        else:
            out.append(MilestoneChange(changes=["added"], new=milestone))
    emit_removed_before(len(old))
    return out


def match_milestones(
    old: Sequence[Milestone], new: Sequence[Milestone], settings: DiffSettings | None = None
) -> list[tuple[int, int, float, Literal["title", "previous_wording"]]]:
    """One-to-one pairs (old index, new index, similarity, what the old title matched)."""
    settings = settings or DiffSettings()
    if not old or not new:
        return []
    titles = _scores([m.title for m in old], [m.title for m in new])
    previous = _scores([m.title for m in old], [m.previous_wording or "" for m in new])
    previous[:, [not m.previous_wording for m in new]] = 0.0
    via_previous = previous > titles
    title = np.maximum(titles, previous)
    descriptions = _scores([m.description for m in old], [m.description for m in new])
    has_old = np.array([bool(m.description.strip()) for m in old])
    has_new = np.array([bool(m.description.strip()) for m in new])
    both = has_old[:, None] & has_new[None, :]
    sim = np.where(
        both,
        settings.title_weight * title + settings.description_weight * descriptions,
        title,
    )
    same_area = np.array([[o.area == n.area for n in new] for o in old])
    same_year = np.array([[o.year == n.year for n in new] for o in old])
    eligible = sim >= settings.min_similarity
    weight = np.where(
        eligible,
        sim + settings.same_area_bonus * same_area + settings.same_year_bonus * same_year,
        0.0,
    )
    rows, cols = linear_sum_assignment(weight, maximize=True)
    return [
        (int(i), int(j), round(float(sim[i, j]), 3),
         "previous_wording" if via_previous[i, j] else "title")
        for i, j in zip(rows, cols, strict=True)
        if eligible[i, j]
    ]


def word_diff(old: str, new: str) -> list[DiffOp]:
    """The word-level difference of two texts: runs of equal, deleted and inserted words.

    Words are split on white space (punctuation stays on its word), as ``git diff
    --word-diff`` does; a replaced run gives a delete followed by an insert.
    """
    a, b = old.split(), new.split()
    ops: list[DiffOp] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append(DiffOp(op="equal", text=" ".join(a[i1:i2])))
            continue
        if i2 > i1:
            ops.append(DiffOp(op="delete", text=" ".join(a[i1:i2])))
        if j2 > j1:
            ops.append(DiffOp(op="insert", text=" ".join(b[j1:j2])))
    return ops


def summarise(changes: Sequence[MilestoneChange], n_old: int, n_new: int) -> DiffSummary:
    counts: dict[str, int] = {change: 0 for change in CHANGE_TYPES}
    effects: dict[str, int] = {change: 0 for change in EFFECT_CHANGE_TYPES}
    per_area: dict[str, dict[str, int]] = {}
    for m in changes:
        area = m.area or "(no area)"
        row = per_area.setdefault(area, {change: 0 for change in CHANGE_TYPES})
        for change in m.changes:
            counts[change] += 1
            row[change] += 1
        for e in m.effect_changes:
            for effect_change in e.changes:
                effects[effect_change] += 1
    order = {name: i for i, name in enumerate(AREA_NAMES)}
    per_area = dict(sorted(per_area.items(), key=lambda kv: order.get(kv[0], len(order))))
    return DiffSummary(
        counts=counts,
        effects=effects,
        per_area=per_area,
        milestones_old=n_old,
        milestones_new=n_new,
        matched=sum(1 for m in changes if m.old is not None and m.new is not None),
    )


# --- helpers ---------------------------------------------------------------------------


def _scores(a: Sequence[str], b: Sequence[str]) -> np.ndarray:
    """token_sort_ratio of every pair, 0..1; empty texts score 0 against anything."""
    matrix = process.cdist(a, b, scorer=fuzz.token_sort_ratio, processor=utils.default_process,
                           dtype=np.float32)
    return np.asarray(matrix, dtype=float) / 100.0


def _same_text(a: str, b: str) -> bool:
    return a.split() == b.split()


def _text_diff(field: Literal["title", "description", "effect"], old: str,
               new: str) -> WordDiff | None:
    if _same_text(old, new):
        return None
    return WordDiff(field=field, old=old, new=new, ops=word_diff(old, new))


def _compare(old: Milestone, new: Milestone, sim: float,
             via: Literal["title", "previous_wording"], settings: DiffSettings) -> MilestoneChange:
    title_diff = _text_diff("title", old.title, new.title)
    description_diff = _text_diff("description", old.description, new.description)
    effect_changes = _effect_changes(old.effects, new.effects, settings)
    changes: list[ChangeType] = []
    if title_diff or description_diff:
        changes.append("reworded")
    if old.year != new.year:
        changes.append("moved_year")
    if old.area != new.area:
        changes.append("moved_area")
    if effect_changes:
        changes.append("effects_changed")
    return MilestoneChange(
        changes=changes or ["unchanged"],
        old=old,
        new=new,
        similarity=sim,
        matched_on=via,
        title_diff=title_diff,
        description_diff=description_diff,
        effect_changes=effect_changes,
    )


def _effect_changes(old: Sequence[Effect], new: Sequence[Effect],
                    settings: DiffSettings) -> list[EffectChange]:
    """Effects matched one to one on their text; the ones that differ, in new order."""
    pairs: dict[int, tuple[int, float]] = {}
    if old and new:
        sim = _scores([e.text for e in old], [e.text for e in new])
        eligible = sim >= settings.effect_min_similarity
        rows, cols = linear_sum_assignment(np.where(eligible, sim, 0.0), maximize=True)
        pairs = {int(j): (int(i), round(float(sim[i, j]), 3))
                 for i, j in zip(rows, cols, strict=True) if eligible[i, j]}
    matched_old = {i for i, _ in pairs.values()}
    out: list[EffectChange] = []
    for j, effect in enumerate(new):
        if j not in pairs:
            out.append(EffectChange(changes=["added"], new=effect))
            continue
        i, similarity = pairs[j]
        kinds: list[EffectChangeType] = []
        text_diff = _text_diff("effect", old[i].text, effect.text)
        if text_diff:
            kinds.append("reworded")
        if sorted(old[i].targets) != sorted(effect.targets):
            kinds.append("retagged")
        if kinds:
            out.append(EffectChange(changes=kinds, old=old[i], new=effect,
                                    similarity=similarity, text_diff=text_diff))
    out.extend(EffectChange(changes=["removed"], old=old[i])
               for i in range(len(old)) if i not in matched_old)
    return out
