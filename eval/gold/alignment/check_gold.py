"""Validate the alignment gold set (passages.jsonl, drafts.jsonl, drafts/*.md).

Run from anywhere:  python eval/gold/alignment/check_gold.py
Exits non-zero and prints every problem if a check fails; prints summary counts otherwise.
"""
from __future__ import annotations

import collections
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

AREAS = {  # slug -> number of viljeriktningar (order as in the strategy, 000 lines 51-57)
    "personcentrerat-arbetssatt": 3,
    "halsoframjande-och-forebyggande-insatser": 2,
    "nara-vard": 3,
    "nivastrukturering-och-profilering": 3,
    "medarbetare": 2,
    "digitalisering": 2,
    "fysisk-infrastruktur": 3,
}
LABELS = set(AREAS) | {"none"}
VR_IDS = [f"{a}/{n}" for a, k in AREAS.items() for n in range(1, k + 1)]
STYLES = {"verksamhetsplan", "budget", "förslag", "regionplan", "uppföljning"}
HARD = {None, "lexical_trap", "cross_cutting", "between_two", "long"}
SPLITS = {"dev", "test"}

MIN_TOTAL, MIN_PER_AREA, MIN_NONE, MIN_HARD, MIN_DRAFTS = 230, 24, 35, 40, 6

errors: list[str] = []


def err(msg: str) -> None:
    errors.append(msg)


def words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def read_jsonl(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as e:
            err(f"{path.name}:{n}: invalid JSON ({e})")
    return rows


def balanced(dev: int, test: int, slack: int = 1) -> bool:
    return abs(dev - test) <= max(slack, round(0.1 * (dev + test)))


def check_passages() -> list[dict]:
    rows = read_jsonl(HERE / "passages.jsonl")
    keys = {"id", "text", "primary", "secondary", "split", "style", "hard_case",
            "viljeriktningar", "note"}
    ids = collections.Counter(r.get("id") for r in rows)
    for i, c in ids.items():
        if c > 1:
            err(f"passage id {i} occurs {c} times")
    texts = collections.Counter(r.get("text") for r in rows)
    for t, c in texts.items():
        if c > 1:
            err(f"duplicate passage text: {t[:60]}…")
    for r in rows:
        rid = r.get("id", "?")
        if set(r) != keys:
            err(f"{rid}: keys {sorted(set(r) ^ keys)} missing/unexpected")
            continue
        if not re.fullmatch(r"p\d{3}", r["id"]):
            err(f"{rid}: id format")
        if not isinstance(r["text"], str) or not r["text"].strip():
            err(f"{rid}: empty text")
        if r["primary"] not in LABELS:
            err(f"{rid}: bad primary {r['primary']}")
        if not isinstance(r["secondary"], list) or any(s not in AREAS for s in r["secondary"]):
            err(f"{rid}: bad secondary {r['secondary']}")
        if r["primary"] in r["secondary"] or len(set(r["secondary"])) != len(r["secondary"]):
            err(f"{rid}: secondary repeats primary or itself")
        if r["split"] not in SPLITS:
            err(f"{rid}: bad split")
        if r["style"] not in STYLES:
            err(f"{rid}: bad style {r['style']}")
        if r["hard_case"] not in HARD:
            err(f"{rid}: bad hard_case {r['hard_case']}")
        vr = r["viljeriktningar"]
        if not isinstance(vr, list) or any(v not in VR_IDS for v in vr) or len(set(vr)) != len(vr):
            err(f"{rid}: bad viljeriktningar {vr}")
            continue
        allowed = {r["primary"], *r["secondary"]}
        for v in vr:
            if v.split("/")[0] not in allowed:
                err(f"{rid}: viljeriktning {v} not in primary/secondary areas")
        if r["primary"] != "none" and not any(v.startswith(r["primary"] + "/") for v in vr):
            err(f"{rid}: no viljeriktning of its primary area")
        if r["primary"] == "none" and vr:
            err(f"{rid}: primary none but viljeriktningar given")
        if not isinstance(r["note"], str) or not r["note"].strip():
            err(f"{rid}: empty note")
        n = words(r["text"])
        if r["hard_case"] == "long" and not 150 <= n <= 250:
            err(f"{rid}: long passage has {n} words (want 150-250)")
        if r["hard_case"] != "long" and n > 210:
            err(f"{rid}: {n} words but not marked long")
        if r["hard_case"] == "cross_cutting" and not r["secondary"]:
            err(f"{rid}: cross_cutting without secondary")
        if r["hard_case"] == "between_two" and len(r["secondary"]) != 1:
            err(f"{rid}: between_two should have exactly one secondary")
        if r["hard_case"] == "between_two" and "Beslut" not in r["note"]:
            err(f"{rid}: between_two note must state the decision ('Beslut: …')")

    if len(rows) < MIN_TOTAL:
        err(f"only {len(rows)} passages (< {MIN_TOTAL})")
    prim = collections.Counter(r["primary"] for r in rows)
    for a in AREAS:
        if prim[a] < MIN_PER_AREA:
            err(f"{a}: {prim[a]} primary passages (< {MIN_PER_AREA})")
    if prim["none"] < MIN_NONE:
        err(f"none: {prim['none']} passages (< {MIN_NONE})")
    hard = [r for r in rows if r["hard_case"]]
    if len(hard) < MIN_HARD:
        err(f"only {len(hard)} hard cases (< {MIN_HARD})")
    for a in AREAS:
        if not any(r["primary"] == a or a in r["secondary"] for r in hard):
            err(f"area {a} not represented among hard cases")
    for t in HARD - {None}:
        if not any(r["hard_case"] == t for r in rows):
            err(f"no hard case of type {t}")
    # split balance
    by = collections.defaultdict(collections.Counter)
    for r in rows:
        by[("primary", r["primary"])][r["split"]] += 1
        by[("hard", r["hard_case"] or "-")][r["split"]] += 1
        by[("hard_any", r["hard_case"] is not None)][r["split"]] += 1
        by[("style", r["style"])][r["split"]] += 1
    for k, c in by.items():
        if k[0] != "style" and not balanced(c["dev"], c["test"]):
            err(f"split unbalanced for {k}: dev={c['dev']} test={c['test']}")
    return rows


def check_drafts() -> list[dict]:
    rows = read_jsonl(HERE / "drafts.jsonl")
    keys = {"id", "file", "title", "covered", "weak", "gaps", "viljeriktningar_covered",
            "viljeriktningar_gaps", "split", "note"}
    if len(rows) < MIN_DRAFTS:
        err(f"only {len(rows)} drafts (< {MIN_DRAFTS})")
    seen = set()
    for r in rows:
        rid = r.get("id", "?")
        if set(r) != keys:
            err(f"{rid}: keys {sorted(set(r) ^ keys)} missing/unexpected")
            continue
        if rid in seen:
            err(f"draft id {rid} repeated")
        seen.add(rid)
        path = HERE / r["file"]
        if not path.is_file():
            err(f"{rid}: file {r['file']} missing")
        else:
            md = path.read_text(encoding="utf-8")
            n = words(md)
            if not 400 <= n <= 900:
                err(f"{rid}: {n} words (want 400-900)")
            if not re.search(r"^#\s", md, re.M) or not re.search(r"^##\s", md, re.M):
                err(f"{rid}: missing Markdown headings")
            if not re.search(r"^\s*[-*]\s", md, re.M):
                err(f"{rid}: no bullet list")
            first = md.lstrip().splitlines()[0].lstrip("# ").strip()
            if first != r["title"]:
                err(f"{rid}: title {r['title']!r} differs from first heading {first!r}")
        parts = r["covered"] + r["weak"] + r["gaps"]
        if sorted(parts) != sorted(AREAS) or len(parts) != len(set(parts)):
            err(f"{rid}: covered/weak/gaps do not partition the 7 areas: {parts}")
        vparts = r["viljeriktningar_covered"] + r["viljeriktningar_gaps"]
        if sorted(vparts) != sorted(VR_IDS) or len(vparts) != len(set(vparts)):
            err(f"{rid}: viljeriktningar do not partition the 18 ids")
        for v in r["viljeriktningar_covered"]:
            if v.split("/")[0] in r["gaps"]:
                err(f"{rid}: {v} covered but its area is a gap")
        for a in r["covered"]:
            if not any(v.startswith(a + "/") for v in r["viljeriktningar_covered"]):
                err(f"{rid}: area {a} covered but none of its viljeriktningar")
        if r["split"] not in SPLITS:
            err(f"{rid}: bad split")
    sp = collections.Counter(r["split"] for r in rows)
    if sp["dev"] < 3 or sp["test"] < 3:
        err(f"drafts split dev={sp['dev']} test={sp['test']} (want >=3 each)")
    return rows


def main() -> int:
    passages = check_passages()
    drafts = check_drafts() if (HERE / "drafts.jsonl").exists() else []
    if not drafts:
        err("drafts.jsonl missing or empty")
    if errors:
        print("\n".join(f"ERROR {e}" for e in errors))
        return 1
    labels = [*AREAS, "none"]
    print(f"passages: {len(passages)}")
    print(f"{'primary':45} {'dev':>4} {'test':>4} {'all':>4}")
    for lab in labels:
        c = collections.Counter(r["split"] for r in passages if r["primary"] == lab)
        print(f"{lab:45} {c['dev']:>4} {c['test']:>4} {c['dev'] + c['test']:>4}")
    print("hard cases:")
    for t in ["lexical_trap", "cross_cutting", "between_two", "long"]:
        c = collections.Counter(r["split"] for r in passages if r["hard_case"] == t)
        prims = collections.Counter(r["primary"] for r in passages if r["hard_case"] == t)
        total = c["dev"] + c["test"]
        print(f"  {t:14} dev={c['dev']:>2} test={c['test']:>2} total={total:>2}  {dict(prims)}")
    print("styles:", dict(collections.Counter(r["style"] for r in passages)))
    print("drafts:")
    for d in drafts:
        print(f"  {d['id']} [{d['split']}] {d['title']}")
        print(f"     covered={d['covered']}\n     weak={d['weak']}\n     gaps={d['gaps']}")
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
