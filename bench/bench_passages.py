"""Benchmark: cutting a 30-page draft into passages, against reading it.

``split_passages`` runs on every draft ``align``, ``batch`` and ``diff`` read, so it must
stay a small share of the time it takes to read the file at all. The same 30-page
Markdown draft (the written-for-purpose gold drafts, repeated) is read and cut in
interleaved rounds; the script prints the median of each and their ratio.

    python bench/bench_passages.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fhs_nlp.ingest import read_document  # noqa: E402
from fhs_nlp.segment.passages import split_passages  # noqa: E402

DRAFTS = sorted((ROOT / "eval" / "gold" / "alignment" / "drafts").glob("*.md"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    page = "\n\n".join(d.read_text(encoding="utf-8") for d in DRAFTS)[:3000]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "trettio.md"
        path.write_text("\f".join([page] * 30), encoding="utf-8")
        doc = read_document(path)
        split_passages(doc)  # warm the regexes
        read_times, split_times = [], []
        n = 0
        for _ in range(args.rounds):
            started = time.perf_counter()
            doc = read_document(path)
            read_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            n = len(split_passages(doc))
            split_times.append(time.perf_counter() - started)
    read_s, split_s = statistics.median(read_times), statistics.median(split_times)
    print(f"30-page draft, {n} passages, median of {args.rounds} interleaved rounds")
    print(f"  read_document   {read_s * 1000:8.1f} ms (baseline)")
    print(f"  split_passages  {split_s * 1000:8.1f} ms   ratio {split_s / read_s:.2f}x reading")


if __name__ == "__main__":
    main()
