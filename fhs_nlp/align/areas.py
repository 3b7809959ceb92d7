"""The per-area part of an alignment: area results, viljeriktningar, milestones, shifts, gaps.

:meth:`fhs_nlp.align.aligner.Aligner.align_document` embeds and classifies the passages
and finds their similarities through the index; this module turns those matrices into the
report's findings and the words that explain them. It is apart from the aligner because
it is where a change to *what counts as addressed, advanced or a gap* is made, while the
aligner is where the stages are loaded and run. Thresholds come from the aligner's
:class:`~fhs_nlp.settings.AlignSettings`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

import numpy as np

from fhs_nlp.align.doc_score import area_score
from fhs_nlp.classify.classifier import LABELS
from fhs_nlp.datamodel.alignment import (
    AreaResult,
    Evidence,
    Gap,
    MilestoneAdvanced,
    PassageResult,
    ReferenceMatch,
    ShiftResult,
    ViljeriktningResult,
)
from fhs_nlp.datamodel.vocabulary import AREAS, SHIFT_CUES

if TYPE_CHECKING:
    from fhs_nlp.align.aligner import Aligner


def area_result(
    aligner: Aligner,
    k: int,
    passages: list,
    probs: np.ndarray,
    z: np.ndarray,
    entries: list,
    words: list[int],
    total_words: int,
) -> AreaResult:
    """Area ``k``: its score and status, evidence, viljeriktningar, milestones advanced."""
    settings = aligner.settings
    area = AREAS[k]
    p = probs[:, k] if len(passages) else np.zeros(0)
    best = aligner.decide(probs) if len(passages) else np.zeros(0, int)
    coverage = (
        sum(w for w, b in zip(words, best, strict=True) if b == k) / total_words
        if total_words
        else 0.0
    )
    threshold = aligner.classifier.thresholds[k]
    status: Literal["covered", "weak", "gap"]
    if aligner.scoring == "v1":
        top = np.sort(p)[::-1][:2] if len(p) else np.zeros(0)
        score = round(100.0 * float(np.pad(top, (0, 2 - len(top))).mean()), 1)
        status = ("covered" if score >= settings.covered
                  else "gap" if score < settings.gap else "weak")
    else:
        scored = area_score(p, words, threshold, aligner.rule)
        score, status = scored.score, scored.status
    order = [int(i) for i in np.argsort(-p)] if len(p) else []
    evidence_idx = [i for i in order if p[i] >= threshold][:3] or order[:1]
    evidence = [
        Evidence(
            passage=passages[i].index,
            page=passages[i].page,
            line_start=passages[i].line_start,
            probability=round(float(p[i]), 3),
            text=passages[i].text,
            why=_why(i, k, z, entries, passages),
        )
        for i in evidence_idx
        if p[i] > 0.05
    ]
    statements = [
        (j, e)
        for j, e in enumerate(entries)
        if e.kind == "viljeriktning"
        and e.area == area.name
        and e.document_id == aligner.strategy
    ]
    vr_results = []
    # a passage labelled with the area, or above its evidence threshold
    evidence_mask = (p >= threshold) | (best == k) if len(p) else np.zeros(0, bool)
    for j, entry in statements:
        candidates = np.where(evidence_mask)[0]
        i = int(candidates[np.argmax(z[candidates, j])]) if len(candidates) else None
        value = float(z[i, j]) if i is not None else float("-inf")
        addressed = status != "gap" and value >= settings.viljeriktning_z
        where = (
            (f"p. {passages[i].page}" if passages[i].page else f"line {passages[i].line_start}")
            if i is not None
            else ""
        )
        if addressed:
            explanation = (
                f"addressed at {where}: the passage is about {area.name} and "
                f"close to the statement (z {value:.1f} ≥ {settings.viljeriktning_z})"
            )
        elif status == "gap":
            explanation = f"not addressed: the draft leaves {area.name} out"
        elif i is None:
            explanation = f"not addressed: no passage counts as evidence for {area.name}"
        else:
            explanation = (
                f"not addressed: the passages about {area.name} say other "
                f"things (closest at {where}, z {value:.1f} < {settings.viljeriktning_z})"
            )
        vr_results.append(
            ViljeriktningResult(
                statement_id=entry.statement_id or "",
                text=entry.text,
                addressed=addressed,
                score=round(value, 3) if i is not None else 0.0,
                passage=passages[i].index if i is not None else None,
                page=passages[i].page if i is not None else None,
                explanation=explanation,
            )
        )
    milestones = _milestones(aligner, k, passages, p, z, entries) if status != "gap" else []
    explanation = _area_explanation(area.name, status, score, coverage, evidence, vr_results)
    return AreaResult(
        area=area.name,
        slug=area.slug,
        group=area.group,
        score=score,
        coverage=round(coverage, 3),
        status=status,
        explanation=explanation,
        evidence=evidence,
        viljeriktningar=vr_results,
        milestones=milestones,
    )

def _milestones(
    aligner: Aligner, k: int, passages: list, p: np.ndarray, z: np.ndarray, entries: list
) -> list[MilestoneAdvanced]:
    """Milestones of the area whose text (or an effect's) a passage about it echoes."""
    area = AREAS[k].name
    threshold = aligner.classifier.thresholds[k]
    best: dict[str, MilestoneAdvanced] = {}
    for j, entry in enumerate(entries):
        if entry.kind not in ("milestone", "effect") or entry.area != area:
            continue
        close = (p >= threshold) & (z[:, j] >= aligner.settings.milestone_z)
        for i in np.where(close)[0] if len(p) else []:
            sim = float(z[i, j])
            current = best.get(entry.record_id)
            if current is None or sim > current.similarity:
                title = (
                    entry.label
                    if entry.kind == "milestone"
                    else _milestone_title(entries, entry.record_id)
                )
                best[entry.record_id] = MilestoneAdvanced(
                    record_id=entry.record_id,
                    title=title,
                    year=entry.year,
                    area=area,
                    similarity=round(sim, 2),
                    passage=passages[i].index,
                    page=passages[i].page,
                )
    return sorted(best.values(), key=lambda m: -m.similarity)[:8]


def shift_results(
    aligner: Aligner, passages: list, sims: np.ndarray, z: np.ndarray, entries: list
) -> list[ShiftResult]:
    """Each fokusförflyttning of the reference strategy: reflected in the draft or not."""
    settings = aligner.settings
    results = []
    strategy = aligner.strategy
    text = " ".join(p.text for p in passages).lower()
    for j, entry in enumerate(entries):
        if entry.kind != "fokusforflyttning" or entry.document_id != strategy:
            continue
        i = int(np.argmax(z[:, j])) if len(passages) else None
        value = float(z[i, j]) if i is not None else 0.0
        cues = [c for c in SHIFT_CUES.get(entry.statement_id or "", ()) if c in text]
        reflected = ((len(cues) >= settings.shift_cues_min and value >= settings.shift_z)
                     or value >= 2 * settings.shift_z)
        results.append(
            ShiftResult(
                statement_id=entry.statement_id or "",
                text=entry.label,
                reflected=reflected,
                similarity=round(float(sims[i, j]), 3) if i is not None else 0.0,
                passage=passages[i].index if i is not None else None,
                page=passages[i].page if i is not None else None,
                cues=cues,
            )
        )
    return results


def scoring_text(passage) -> str:
    """A list item is scored with its heading: "- Öka andelen…" alone says little."""
    if passage.kind in ("list_item", "list") and passage.heading:
        return f"{passage.heading}: {passage.text}"
    return passage.text


def _milestone_title(entries: list, record_id: str) -> str:
    for entry in entries:
        if entry.kind == "milestone" and entry.record_id == record_id:
            return entry.label
    return record_id


def passage_result(
    passage, probs: np.ndarray, sims: np.ndarray, entries: list, words: int, label: int
) -> PassageResult:
    nearest_idx = np.argsort(-sims)[:5]
    return PassageResult(
        index=passage.index,
        text=passage.text,
        kind=passage.kind,
        heading=passage.heading,
        page=passage.page,
        line_start=passage.line_start,
        line_end=passage.line_end,
        char_start=passage.char_start,
        char_end=passage.char_end,
        words=words,
        probabilities={LABELS[k]: round(float(probs[k]), 4) for k in range(len(LABELS))},
        label=LABELS[label],
        nearest=[
            ReferenceMatch(
                kind=entries[j].kind,
                label=entries[j].label,
                area=entries[j].area,
                year=entries[j].year,
                statement_id=entries[j].statement_id,
                record_id=entries[j].record_id,
                source=entries[j].source,
                similarity=round(float(sims[j]), 3),
            )
            for j in nearest_idx
        ],
    )


def _why(i: int, k: int, z: np.ndarray, entries: list, passages: list) -> str:
    """The reference text of the area that this passage is closest to, and its words."""
    area = AREAS[k].name
    candidates = [j for j, e in enumerate(entries) if e.area == area]
    if not candidates:
        return ""
    j = max(candidates, key=lambda c: z[i, c])
    entry = entries[j]
    kinds = {
        "viljeriktning": "viljeriktning",
        "milestone": "milestone",
        "effect": "effect of",
        "malbild": "målbild",
        "insatsomrade": "area",
    }
    shared = _shared_words(passages[i].text, entry.text)
    words = f"; shared words: {', '.join(shared)}" if shared else ""
    return f"close to {kinds.get(entry.kind, entry.kind)} “{_short(entry.label)}”{words}"


def _shared_words(a: str, b: str) -> list[str]:
    def stems(text: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for word in re.findall(r"[a-zåäöéü]{5,}", text.lower()):
            out.setdefault(word[:6], word)
        return out

    left, right = stems(a), stems(b)
    return [left[s] for s in left if s in right][:4]


def _short(text: str, n: int = 70) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _area_explanation(
    name: str,
    status: str,
    score: float,
    coverage: float,
    evidence: list[Evidence],
    vrs: list[ViljeriktningResult],
) -> str:
    addressed = sum(v.addressed for v in vrs)
    where = ""
    if evidence:
        e = evidence[0]
        where = f"p. {e.page}" if e.page else f"line {e.line_start}"
    if status == "gap":
        if evidence and evidence[0].probability >= 0.5:
            return (
                f"Gap: only a sliver of the draft is about {name} ({score:.1f} % of the "
                f"text; strongest passage at {where}, probability "
                f"{evidence[0].probability:.2f})."
            )
        if evidence:
            return (
                f"Gap: no passage is likely about {name}; the closest ({where}) has "
                f"probability {evidence[0].probability:.2f}."
            )
        return f"Gap: nothing in the draft is about {name}."
    head = "Covered" if status == "covered" else "Weak"
    return (
        f"{head}: {score:.1f} % of the text is about it, strongest evidence at {where}; "
        f"{addressed} of {len(vrs)} viljeriktningar addressed."
    )


def gaps_of(areas: list[AreaResult]) -> list[Gap]:
    gaps = []
    for area in areas:
        if area.status == "gap":
            gaps.append(
                Gap(
                    level="insatsomrade",
                    area=area.area,
                    text=area.area,
                    explanation=area.explanation,
                )
            )
            continue
        for v in area.viljeriktningar:
            if not v.addressed:
                gaps.append(
                    Gap(
                        level="viljeriktning",
                        area=area.area,
                        statement_id=v.statement_id,
                        text=v.text,
                        explanation=f"The draft covers {area.area} "
                        f"({area.status}) but not this viljeriktning.",
                    )
                )
    return gaps
