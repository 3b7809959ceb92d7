"""The trained-model cache shared by both passage classifiers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class _Model:
    training_hash: str


def test_cached_model_retrains_a_broken_or_stale_file(tmp_path):
    from fhs_nlp.classify.classifier import cached_model

    Model = _Model
    path = tmp_path / "m.pkl"
    path.write_bytes(b"not a pickle")
    calls = []

    def train():
        calls.append(1)
        return Model("k1")

    assert cached_model(path, "k1", Model, train).training_hash == "k1" and len(calls) == 1
    assert cached_model(path, "k1", Model, train).training_hash == "k1" and len(calls) == 1
    cached_model(path, "k2", Model, lambda: Model("k2"))  # other data: retrained
    assert cached_model(path, "k2", Model, train).training_hash == "k2" and len(calls) == 1
