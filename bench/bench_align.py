"""Benchmark: align a generated 30-page draft, cold and warm, against the bare embedder.

* cold: a fresh process that loads the embedder, the reference index (already built)
  and the classifier, reads the PDF and scores it (end to end, as `fhs-nlp align`);
* warm: the same process aligning a second, different 30-page draft (model loaded);
  the embedding cache is switched off for both, so every passage is embedded;
* baseline: the bare embedder on the same passages, measured in the same run.

Prints seconds, passages per second, peak memory (RSS), and ratios. Target on the
2-core machine: under 5 s warm and 15 s cold.

    python bench/bench_align.py
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "passive")

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "eval" / "gold" / "alignment" / "passages.jsonl"
EXAMPLE = ROOT / "examples" / "verksamhetsplan_2027_vardcentralen_linneasand.md"

CHILD = r"""
import json, os, resource, sys, time
os.environ.setdefault("OMP_WAIT_POLICY", "passive")
started = time.perf_counter()
from fhs_nlp.align import load_aligner
aligner = load_aligner()
aligner.cache = None  # measure embedding, not the cache: every passage is embedded
loaded = time.perf_counter()
report = aligner.align(sys.argv[1])
cold = time.perf_counter()
second = aligner.align(sys.argv[2])
warm = time.perf_counter()
from fhs_nlp.passages import split_passages
from fhs_nlp.ingest import read_document
texts = [p.text for p in split_passages(read_document(sys.argv[2])) if p.kind != "heading"]
t = time.perf_counter()
aligner.embedder.embed_queries(texts)
bare = time.perf_counter() - t
print(json.dumps({
    "load": loaded - started, "cold": cold - started, "warm": warm - cold,
    "passages": second.document.passages, "pages": second.document.pages,
    "bare_embed": bare, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "timings": second.timings,
}))
"""


def make_draft(path: Path, seed: int, pages: int = 30) -> Path:
    """A draft of about ``pages`` pages from the gold passages and the example plan."""
    from fhs_nlp.synthetic import render_text_pdf

    texts = [json.loads(line)["text"] for line in GOLD.read_text(encoding="utf-8").splitlines()]
    texts += [
        p.strip()
        for p in EXAMPLE.read_text(encoding="utf-8").split("\n\n")
        if p.strip() and not p.startswith("#")
    ]
    rng = random.Random(seed)
    paragraphs: list[str] = []
    while sum(len(p.split()) for p in paragraphs) < pages * 500:
        # a unique opening makes every passage new text: no cache can help
        paragraphs.append(f"Punkt {seed}.{len(paragraphs) + 1}: {rng.choice(texts)}")
    return render_text_pdf(path, paragraphs, title=f"Verksamhetsplan {seed}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        first = make_draft(Path(tmp) / "utkast_a.pdf", 1)
        second = make_draft(Path(tmp) / "utkast_b.pdf", 2)
        # make sure the index and classifier exist (built once per machine, not measured)
        subprocess.run(
            [sys.executable, "-c", "from fhs_nlp.align import load_aligner; load_aligner()"],
            check=True,
            cwd=ROOT,
        )
        env = dict(os.environ, OMP_WAIT_POLICY="passive")
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(first), str(second), "cache"],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
        )
        m = json.loads(out.stdout.strip().splitlines()[-1])
    n = m["passages"]
    print(f"Draft: {m['pages']} pages, {n} passages")
    print(
        f"  cold end to end (new process, load + read + score): {m['cold']:6.2f} s "
        f"(of which loading {m['load']:.2f} s)"
    )
    print(
        f"  warm end to end (model loaded, new draft):         {m['warm']:6.2f} s  "
        f"{n / m['warm']:6.1f} passages/s"
    )
    print(
        f"  bare embedder on the same passages (baseline):     {m['bare_embed']:6.2f} s  "
        f"{n / m['bare_embed']:6.1f} passages/s"
    )
    print(
        f"  ratio warm / bare embedder:                         {m['warm'] / m['bare_embed']:6.2f}x"
    )
    print(f"  peak memory (RSS):                                  {m['peak_rss_mb']:6.0f} MB")
    print(f"  stage timings (warm): {m['timings']}")
    print("  targets: warm < 5 s, cold < 15 s")


if __name__ == "__main__":
    main()
