"""Merge the two labelling passes, report their agreement, and write the gold files.

Steps (each re-runnable):

1. ``python eval/gold/real/merge_passes.py collect LABEL_DIR`` reads
   ``LABEL_DIR/pass{1,2}/part*/labels.jsonl`` and ``doc_labels.jsonl``, writes both passes
   side by side to ``passes.jsonl`` / ``document_passes.jsonl`` and the disagreements to
   ``LABEL_DIR/adjudicate.jsonl`` for a third reading.
2. ``... decide LABEL_DIR`` takes ``LABEL_DIR/adjudicated.jsonl`` (the third reader's
   decisions on the disagreements), and writes ``passages.jsonl`` and ``documents.jsonl``
   with the final labels, the confidence lowered to ``low`` where the passes disagreed on
   the primary label, the dev/test split by document (see :func:`split_documents`), and
   ``agreement.json``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
AREAS = ("personcentrerat-arbetssatt", "halsoframjande-och-forebyggande-insatser", "nara-vard",
         "nivastrukturering-och-profilering", "medarbetare", "digitalisering",
         "fysisk-infrastruktur")
LABELS = (*AREAS, "none")
HARD = {"keyword_trap": "lexical_trap", "between_areas": "between_two",
        "none_vs_area": "none_vs_area"}


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def _write(path: Path, rows: list[dict]) -> None:
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    tmp.replace(path)


def kappa(a: list[str], b: list[str]) -> float:
    """Cohen's kappa of two label lists."""
    n = len(a)
    po = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    pe = sum(ca[k] * cb[k] for k in set(a) | set(b)) / (n * n)
    return (po - pe) / (1 - pe) if pe < 1 else 1.0


def collect(label_dir: Path) -> None:
    cands = {c["id"]: c for c in _jsonl(HERE / "candidates.jsonl")}
    passes: dict[int, dict[str, dict]] = {1: {}, 2: {}}
    docs: dict[int, dict[str, dict]] = {1: {}, 2: {}}
    for p in (1, 2):
        for part in sorted((label_dir / f"pass{p}").glob("part*")):
            if not (part / "labels.jsonl").exists():
                continue
            for row in _jsonl(part / "labels.jsonl"):
                passes[p][row["id"]] = row
            if (part / "doc_labels.jsonl").exists():
                for row in _jsonl(part / "doc_labels.jsonl"):
                    docs[p][row["doc"]] = row
    both = [i for i in cands if i in passes[1] and i in passes[2]]
    rows, disagree = [], []
    for i in both:
        a, b = passes[1][i], passes[2][i]
        rows.append({"id": i, "pass1": a, "pass2": b})
        if a["primary"] != b["primary"]:
            c = cands[i]
            disagree.append({"id": i, "source_file": c["doc"], "lines": [c["line_start"],
                             c["line_end"]], "text": c["text"],
                             "reading_a": {k: a[k] for k in ("primary", "secondary", "why")},
                             "reading_b": {k: b[k] for k in ("primary", "secondary", "why")}})
    _write(HERE / "passes.jsonl", rows)
    doc_rows = [{"doc": d, "pass1": docs[1][d], "pass2": docs[2][d]}
                for d in sorted(docs[1]) if d in docs[2]]
    _write(HERE / "document_passes.jsonl", doc_rows)
    doc_disagree = []
    for r in doc_rows:
        diff = {a: [r["pass1"]["labels"][a], r["pass2"]["labels"][a]] for a in AREAS
                if r["pass1"]["labels"][a] != r["pass2"]["labels"][a]}
        if diff:
            doc_disagree.append({"doc": r["doc"], "disagree": diff,
                                 "why_a": r["pass1"]["why"], "why_b": r["pass2"]["why"]})
    _write(label_dir / "adjudicate.jsonl", disagree)
    _write(label_dir / "adjudicate_documents.jsonl", doc_disagree)
    print(f"{len(both)} passages in both passes, {len(disagree)} primary disagreements; "
          f"{len(doc_rows)} documents, {len(doc_disagree)} with a disagreement")
    print(json.dumps(agreement(rows, doc_rows), indent=1))


def agreement(rows: list[dict], doc_rows: list[dict]) -> dict:
    a = [r["pass1"]["primary"] for r in rows]
    b = [r["pass2"]["primary"] for r in rows]
    none_a = ["none" if x == "none" else "area" for x in a]
    none_b = ["none" if x == "none" else "area" for x in b]
    both_area = [(x, y) for x, y in zip(a, b, strict=True) if x != "none" and y != "none"]
    da = [r["pass1"]["labels"][k] for r in doc_rows for k in AREAS]
    db = [r["pass2"]["labels"][k] for r in doc_rows for k in AREAS]
    gap_a = ["gap" if x == "none" else "not" for x in da]
    gap_b = ["gap" if x == "none" else "not" for x in db]
    return {
        "passages": len(rows),
        "primary_agreement": round(sum(x == y for x, y in zip(a, b, strict=True)) / len(a), 3),
        "primary_kappa": round(kappa(a, b), 3),
        "none_vs_area_kappa": round(kappa(none_a, none_b), 3),
        "area_agreement_where_both_chose_an_area": round(
            sum(x == y for x, y in both_area) / max(len(both_area), 1), 3),
        "documents": len(doc_rows),
        "document_area_labels_agreement": round(
            sum(x == y for x, y in zip(da, db, strict=True)) / max(len(da), 1), 3),
        "document_area_labels_kappa": round(kappa(da, db), 3) if da else None,
        "document_gap_kappa": round(kappa(gap_a, gap_b), 3) if da else None,
    }


def split_documents(docs: list[str], passages: list[dict], seed: int = 0) -> dict[str, str]:
    """Dev or test for each document: whole documents only. Documents of the region's own
    texts (the reference index is built from them) are always dev. Among the rest, the
    test split takes about 40 % of the documents, chosen (from 4,000 seeded draws) to hold
    at least 8 passages of every area where the real text allows, and as close to 40 % of
    each area's passages as possible."""
    import random

    rng = random.Random(seed)
    free = sorted({p["doc"] for p in passages if not p["index_source"]} | set(docs))
    forced_dev = {p["doc"] for p in passages if p["index_source"]}
    free = [d for d in free if d not in forced_dev]
    per_doc: dict[str, Counter] = {d: Counter() for d in free}
    for p in passages:
        if p["doc"] in per_doc:
            per_doc[p["doc"]][p["primary"]] += 1
    total = Counter()
    for c in per_doc.values():
        total.update(c)
    best, best_cost = None, float("inf")
    for _ in range(4000):
        test = {d for d in free if rng.random() < 0.4}
        got = Counter()
        for d in test:
            got.update(per_doc[d])
        cost = 0.0
        for lab in LABELS:
            want = 0.4 * total[lab]
            cost += abs(got[lab] - want) / max(want, 1)
            if got[lab] < min(8, total[lab] * 0.5):
                cost += 10 * (min(8, total[lab] * 0.5) - got[lab])
        n_docs = sum(1 for d in docs if d in test)
        cost += abs(n_docs - 0.4 * len(docs)) / 4
        if cost < best_cost:
            best, best_cost = test, cost
    assert best is not None
    out = {d: ("test" if d in best else "dev") for d in free}
    out.update({d: "dev" for d in forced_dev})
    return out


def decide(label_dir: Path, shared: Path) -> None:
    cands = {c["id"]: c for c in _jsonl(HERE / "candidates.jsonl")}
    rows = _jsonl(HERE / "passes.jsonl")
    adjudicated = {r["id"]: r for r in _jsonl(label_dir / "adjudicated.jsonl")}
    doc_rows = _jsonl(HERE / "document_passes.jsonl")
    doc_adj = {}
    if (label_dir / "adjudicated_documents.jsonl").exists():
        doc_adj = {r["doc"]: r for r in _jsonl(label_dir / "adjudicated_documents.jsonl")}
    out = []
    for r in rows:
        a, b = r["pass1"], r["pass2"]
        c = cands[r["id"]]
        if a["primary"] == b["primary"]:
            final = a
            secondary = sorted(set(a["secondary"]) & set(b["secondary"]))
            mentions = sorted((set(a["mentions"]) | set(b["mentions"]) |
                               (set(a["secondary"]) ^ set(b["secondary"]))) - set(secondary)
                              - {final["primary"]})
            order = {"high": 2, "medium": 1, "low": 0}
            conf = min(a["confidence"], b["confidence"], key=lambda x: order[x])
            why = a["why"]
            hard = a["hard_case"] or b["hard_case"]
        else:
            d = adjudicated[r["id"]]
            final = d
            secondary = sorted(set(d.get("secondary", [])) - {d["primary"]})
            mentions = sorted(set(d.get("mentions", [])) - set(secondary) - {d["primary"]})
            conf = "low"
            why = d["why"]
            hard = d.get("hard_case") or a["hard_case"] or b["hard_case"] or "none_vs_area" \
                if "none" in (a["primary"], b["primary"]) else (d.get("hard_case") or
                                                                "between_two")
        primary = final["primary"]
        if primary == "none":
            secondary = []
        out.append({
            "id": r["id"], "source": c["source"], "doc": c["doc"],
            "line_start": c["line_start"], "line_end": c["line_end"],
            "char_start": c["char_start"], "char_end": c["char_end"], "text": c["text"],
            "primary": primary, "secondary": secondary, "mentions": mentions,
            "confidence": conf, "hard_case": HARD.get(hard, hard) if hard else None,
            "why": why, "index_source": c["index_source"], "drawn_as": c["drawn_as"],
            "passes": [a["primary"], b["primary"]],
        })
    documents = [d.strip() for d in (HERE / "documents.txt").read_text().splitlines() if d.strip()]
    split = split_documents(documents, out)
    for p in out:
        p["split"] = split[p["doc"]]
    _write(HERE / "passages.jsonl", out)
    docs_out = []
    (HERE / "documents").mkdir(exist_ok=True)
    for r in doc_rows:
        la, lb = r["pass1"]["labels"], r["pass2"]["labels"]
        labels = {}
        for area in AREAS:
            labels[area] = la[area] if la[area] == lb[area] else doc_adj[r["doc"]]["labels"][area]
        src = shared / "realtext" / "g0v" / r["doc"]
        shutil.copyfile(src, HERE / "documents" / r["doc"])
        docs_out.append({"doc": r["doc"], "file": f"documents/{r['doc']}",
                         "sha1": hashlib.sha1(src.read_bytes()).hexdigest(),
                         "labels": labels, "split": split.get(r["doc"], "dev"),
                         "disagreed": sorted(a for a in AREAS if la[a] != lb[a]),
                         "why": doc_adj.get(r["doc"], {}).get("why") or r["pass1"]["why"]})
    _write(HERE / "documents.jsonl", docs_out)
    ag = agreement(rows, doc_rows)
    ag["adjudicated_passages"] = len(adjudicated)
    ag["adjudicated_documents"] = len(doc_adj)
    (HERE / "agreement.json").write_text(json.dumps(ag, indent=2) + "\n", encoding="utf-8")
    c = Counter((p["split"], p["primary"]) for p in out)
    for s in ("dev", "test"):
        print(s, {k: c[(s, k)] for k in LABELS}, sum(c[(s, k)] for k in LABELS))
    print("documents", Counter(d["split"] for d in docs_out))


if __name__ == "__main__":
    cmd, folder = sys.argv[1], Path(sys.argv[2])
    if cmd == "collect":
        collect(folder)
    else:
        decide(folder, Path(sys.argv[3]) if len(sys.argv) > 3 else HERE.parents[3] / "shared")
