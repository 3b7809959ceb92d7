"""Benchmark: exact against approximate FAISS search, to place ``APPROXIMATE_FROM``.

For synthetic L2-normalised vectors (dimension 384, as multilingual-e5-small) at each
size, measures in the same run:

* exact search (``IndexFlatIP``, what the reference index uses while small);
* HNSW (``IndexHNSWFlat``, inner product; the settings of
  ``fhs_nlp.index.reference_index``) and, for comparison,
  IVF-Flat (nlist = 4·√n, at most n/39; nprobe 16);

with build time, the time for one batch of --queries queries (a 30-page draft gives
about 300 passages), single-query latency, recall@10 against exact search, and each
figure's ratio to exact search. Figures are medians of --repeat runs.

The vectors are clustered (a mixture of Gaussians, like sentence embeddings of one
domain), with the queries drawn from the same clusters; ``--uniform`` draws uniformly
on the sphere instead, the worst case for approximate search.

The script ends with the size from which approximation pays: the smallest size at which
exact search of one batch takes longer than --budget-ms (default 500 ms, a tenth of the
5 s target for aligning a 30-page draft) while HNSW keeps recall@10 of at least 0.95 and
answers at least 5x faster.

    python bench/bench_index.py [--sizes 1000 10000 100000] [--queries 300] [--repeat 3]
"""

from __future__ import annotations

import argparse
import math
import os
import time

os.environ.setdefault("OMP_WAIT_POLICY", "passive")

import faiss  # noqa: E402
import numpy as np  # noqa: E402
from _timing import median_time  # noqa: E402  (bench/ is on sys.path)

from fhs_nlp.index.reference_index import (  # noqa: E402
    APPROXIMATE_FROM,
    HNSW_EF_CONSTRUCTION,
    HNSW_EF_SEARCH,
    HNSW_M,
)

DIM = 384
K = 10


def normalise(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def synthetic(n: int, n_queries: int, *, uniform: bool, seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    if uniform:
        return (normalise(rng.standard_normal((n, DIM))),
                normalise(rng.standard_normal((n_queries, DIM))))
    n_clusters = max(8, int(math.sqrt(n)))
    centres = normalise(rng.standard_normal((n_clusters, DIM)))

    def draw(m: int) -> np.ndarray:
        which = rng.integers(0, n_clusters, m)
        return normalise(centres[which] + 0.06 * rng.standard_normal((m, DIM)))

    return draw(n), draw(n_queries)


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t)) / len(t) for f, t in zip(found, truth,
                                                                        strict=True)]))


def build_flat(xb: np.ndarray):
    index = faiss.IndexFlatIP(DIM)
    index.add(xb)
    return index


def build_hnsw(xb: np.ndarray):
    index = faiss.IndexHNSWFlat(DIM, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    index.hnsw.efSearch = HNSW_EF_SEARCH
    index.add(xb)
    return index


def build_ivf(xb: np.ndarray):
    # 4·√n lists, but no more than k-means can train well (39 points per list)
    nlist = max(1, min(int(4 * math.sqrt(len(xb))), len(xb) // 39))
    quantizer = faiss.IndexFlatIP(DIM)
    index = faiss.IndexIVFFlat(quantizer, DIM, nlist, faiss.METRIC_INNER_PRODUCT)
    index.train(xb[: min(len(xb), 64 * nlist)])
    index.add(xb)
    index.nprobe = min(16, nlist)
    return index


BUILDERS = {"exact (FlatIP)": build_flat, f"HNSW M={HNSW_M} ef={HNSW_EF_SEARCH}": build_hnsw,
            "IVF-Flat nprobe=16": build_ivf}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget-ms", type=float, default=500.0,
                        help="exact batch time above which approximation is worth it "
                        "(default: a tenth of the 5 s target for aligning a 30-page draft)")
    parser.add_argument("--uniform", action="store_true", help="uniform vectors (worst case)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    print(f"faiss {faiss.__version__}, numpy {np.__version__}, {faiss.omp_get_max_threads()} "
          f"threads, dim {DIM}, k {K}, {args.queries} queries per batch, "
          f"{'uniform' if args.uniform else 'clustered'} vectors, median of {args.repeat}")
    print(f"current threshold APPROXIMATE_FROM = {APPROXIMATE_FROM}\n")
    header = (f"{'size':>7}  {'index':<22} {'build s':>8} {'batch ms':>9} {'x exact':>8} "
              f"{'1 query ms':>10} {'x exact':>8} {'recall@10':>9}")
    print(header)
    print("-" * len(header))
    pays_from = None
    for n in args.sizes:
        xb, xq = synthetic(n, args.queries, uniform=args.uniform, seed=args.seed)
        rows = {}
        truth = None
        for name, builder in BUILDERS.items():
            started = time.perf_counter()
            index = builder(xb)
            build_s = time.perf_counter() - started
            batch = median_time(lambda index=index, xq=xq: index.search(xq, K), args.repeat)
            single = median_time(
                lambda index=index, xq=xq: [index.search(xq[i : i + 1], K) for i in range(20)],
                args.repeat,
            ) / 20
            _, found = index.search(xq, K)
            if truth is None:
                truth = found
            rows[name] = (build_s, batch, single, recall(found, truth))
        exact = rows["exact (FlatIP)"]
        for name, (build_s, batch, single, rec) in rows.items():
            print(f"{n:>7}  {name:<22} {build_s:>8.2f} {batch * 1000:>9.2f} "
                  f"{batch / exact[1]:>8.2f} {single * 1000:>10.3f} {single / exact[2]:>8.2f} "
                  f"{rec:>9.3f}")
        hnsw = rows[f"HNSW M={HNSW_M} ef={HNSW_EF_SEARCH}"]
        if (pays_from is None and exact[1] * 1000 > args.budget_ms and hnsw[3] >= 0.95
                and hnsw[1] * 5 <= exact[1]):
            pays_from = n
        print()
    if pays_from is None:
        print(f"Exact search stays within {args.budget_ms:.0f} ms per batch (or HNSW does not "
              "win clearly) at every size measured: keep exact search up to the largest size.")
    else:
        print(f"Approximation pays from about {pays_from} vectors: exact search of a batch "
              f"takes more than {args.budget_ms:.0f} ms there, and HNSW is at least 5x faster "
              "with recall@10 >= 0.95.")


if __name__ == "__main__":
    main()
