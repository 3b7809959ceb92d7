"""Benchmark: `fhs-nlp batch` on generated drafts of 10-30 pages, with 1 and 2 jobs.

The drafts are random mixes of the gold passages (eval/gold/alignment/passages.jsonl)
and the bundled example plan: each paragraph joins 2-5 sentences drawn from them, so
that, as in real plans, almost no passage is already in the embedding cache. Three in
four are rendered as PDF (fhs_nlp.synthetic.documents.render_text_pdf), every fourth as DOCX
with a page break about every 420 words.

Each run starts from its own copy of a fresh embedding cache that holds only what
loading the aligner embeds (the strategy corpus and the classifier's examples, as on
any machine after the first `fhs-nlp align`): no draft text is cached, whatever ran
on this machine before, and the 2-job run does not profit from the 1-job run.
Reported: wall time (worker start-up included), documents and pages per minute,
seconds per document inside the workers, peak memory (RSS) per worker process, and the
projection for a region's yearly volume (about 1,000 plans of 20 pages) on this
machine.

    python bench/bench_batch.py            # 50 drafts, 1 and 2 jobs (about 20 minutes)
    python bench/bench_batch.py --n 10     # a smaller set
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


def run(drafts: Path, out: Path, jobs: int, cache: Path) -> dict:
    from fhs_nlp.batch.runner import run_batch

    started = time.perf_counter()
    first: list[float] = []
    result = run_batch([drafts], out, jobs=jobs, cache_path=cache, timeout=900,
                       on_result=lambda o: first.append(time.perf_counter() - started)
                       if not first else None)
    wall = time.perf_counter() - started
    rows = result.rows
    return {
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
    base = work / "base-cache.sqlite"
    base.unlink(missing_ok=True)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; "
                    "from fhs_nlp.align.aligner import load_aligner; "
                    "load_aligner(cache_path=Path(sys.argv[1]))", str(base)],
                   check=True, cwd=ROOT)
    print(f"Fresh embedding cache with the corpus built in {time.perf_counter() - t:.0f} s")

    results = []
    for jobs in args.jobs:
        cache = work / f"cache-j{jobs}.sqlite"
        shutil.copyfile(base, cache)
        out = work / f"out-j{jobs}"
        shutil.rmtree(out, ignore_errors=True)
        print(f"Running with --jobs {jobs} …", flush=True)
        results.append(run(drafts, out, jobs, cache))

    print()
    print(f"{'jobs':>4} {'wall s':>8} {'docs/min':>9} {'pages/min':>10} {'s/doc':>7} "
          f"{'first doc s':>12} {'peak RSS MB per worker':>24}  failed")
    for r in results:
        rss = ", ".join(f"{v:.0f}" for v in r["peak_rss_mb"].values())
        per_doc = sum(r["doc_seconds"]) / max(1, len(r["doc_seconds"]))
        first = f"{r['first_result']:.1f}" if r["first_result"] is not None else "–"
        print(f"{r['jobs']:>4} {r['wall']:>8.1f} {60 * r['docs'] / r['wall']:>9.2f} "
              f"{60 * r['pages'] / r['wall']:>10.1f} {per_doc:>7.2f} {first:>12} "
              f"{rss:>24}  {len(r['failed'])}")
    r0 = results[0]
    print(f"\nCorpus: {r0['docs']} documents, {r0['pages']} pages, {r0['words']} words, "
          f"{r0['passages']} passages ({r0['passages'] / max(1, r0['pages']):.1f} per page)")
    print("s/doc: time inside a worker per document (read, align, write reports); wall "
          "time includes starting the workers and loading the model (serially, once each).")
    for r in results:
        for path, reason in r["failed"]:
            print(f"  failed with --jobs {r['jobs']}: {path}: {reason}")
    if len(results) > 1:
        a, b = results[0]["scores"], results[1]["scores"]
        diff = max((abs(a[d][s] - b[d].get(s, float("nan"))) for d in a if d in b
                    for s in a[d]), default=0.0)
        print(f"Largest score difference between --jobs {results[0]['jobs']} and "
              f"{results[1]['jobs']}: {diff:.3g} (scores are rounded to 0.1)")
        print(f"Speed-up --jobs {results[1]['jobs']} over {results[0]['jobs']}: "
              f"{results[0]['wall'] / results[1]['wall']:.2f}x")

    total_pages = YEARLY_PLANS * YEARLY_PAGES
    print(f"\nProjection: {YEARLY_PLANS} plans of {YEARLY_PAGES} pages ({total_pages} pages) "
          "on this machine, from the measured pages per minute:")
    for r in results:
        minutes = total_pages / (60 * r["pages"] / r["wall"])
        print(f"  --jobs {r['jobs']}: {minutes:6.0f} min = {minutes / 60:4.1f} h")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"Drafts and outputs kept in {work}")


if __name__ == "__main__":
    main()
