"""Would passages written in the register of government pages teach the classifier the
area boundaries? Grouped 5-fold cross-validation on the dev split only (the committed
folds, by document; the test split is never read), with the written passages added to
the training folds at each weight, with and without their "none" passages.

Prints, per variant, (accuracy incl. none, none recall, accuracy on area passages,
number of area passages) for the real dev passages, the regeringen.se ones among them
("gov") and the written-for-purpose dev passages.

    python models/training/experiments/government_register_cv.py \
        models/training/experiments/written_government.jsonl 0.5,1,2,3,5

Result and decision: models/README.md ("Passages written in the register of government
pages").
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "passive")

import numpy as np  # noqa: E402

from fhs_nlp.align.aligner import DEFAULT_CACHE  # noqa: E402
from fhs_nlp.classify import abstain as A  # noqa: E402
from fhs_nlp.classify.classifier import LABELS, NONE, Example, embed_texts  # noqa: E402
from fhs_nlp.embed.embedders import EmbeddingCache, load_embedder  # noqa: E402
from fhs_nlp.index.reference_index import reference_records  # noqa: E402

Figures = tuple[float, float, float, int]


def figures(pred: np.ndarray, truth: np.ndarray) -> Figures:
    """Accuracy incl. none, none recall, accuracy on area passages, area passages."""
    is_none = truth == NONE
    return (round(float((pred == truth).mean()), 3),
            round(float((pred[is_none] == NONE).mean()), 3),
            round(float((pred[~is_none] == truth[~is_none]).mean()), 3), int((~is_none).sum()))


def cross_validate(items: list, embedder, cache) -> dict[str, object]:
    """The production recipe of :func:`~fhs_nlp.classify.abstain.train_abstaining`
    (out-of-fold raw probabilities, calibration, none threshold), scored per group."""
    texts = [it.example.text for it in items]
    labels = np.array([it.example.label for it in items])
    vectors = embed_texts(embedder, texts, cache)
    is_anchor = np.array([it.group.startswith("corpus:") for it in items])
    anchors, anchor_labels = vectors[is_anchor], labels[is_anchor]
    idx, rel, areas = A.out_of_fold(items, vectors, anchors, anchor_labels)
    platt, temperature = A._fit_calibration(rel, areas, labels[idx])
    probs = A._combine(rel, areas, platt, temperature)
    threshold = A._fit_none_threshold(probs, labels[idx])
    pred, truth = A.decide(probs, threshold), labels[idx]
    source = {json.loads(line)["id"]: json.loads(line)["source"]
              for line in A.REAL_GOLD.read_text(encoding="utf-8").splitlines()}
    real = np.array([items[i].group.startswith("real:") for i in idx])
    gov = np.array([real[k] and source[items[i].example.source] == "realtext"
                    for k, i in enumerate(idx)])
    out: dict[str, object] = {name: figures(pred[m], truth[m])
                              for name, m in (("real", real), ("gov", gov), ("written", ~real))}
    out["none_threshold"] = threshold
    return out


def main(paths: str, weights: str) -> None:
    embedder = load_embedder("e5")
    cache = EmbeddingCache(DEFAULT_CACHE)
    base = A.training_set(reference_records())
    rows = [json.loads(line) for path in paths.split(",") if path
            for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    print("written passages:", len(rows))
    variants: list[tuple[str, float | None, bool]] = [("baseline", None, False)]
    for w in (float(x) for x in weights.split(",")):
        variants += [(f"areas+none w{w}", w, True), (f"areas only w{w}", w, False)]
    for name, weight, with_none in variants:
        items = list(base)
        if weight is not None:
            for r in rows:
                label = LABELS.index(r["primary"])
                if label == NONE and not with_none:
                    continue
                example = Example(A.clean_text(r["text"]), label, weight, r["id"])
                items.append(A.Labelled(example, f"government:{r['id']}"))
        started = time.perf_counter()
        m = cross_validate(items, embedder, cache)
        print(f"{name:18s} real {m['real']} gov {m['gov']} written {m['written']} "
              f"threshold {m['none_threshold']} ({time.perf_counter() - started:.0f} s)",
              flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "1")
