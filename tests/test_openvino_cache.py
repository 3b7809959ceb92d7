"""OpenVINO's compiled-graph cache keeps only the running OpenVINO version's graphs.

OpenVINO never deletes a cached graph and each is as large as the model (225 MB): an
upgrade would leave the old ones behind for good."""

from __future__ import annotations

from fhs_nlp.embed.e5_openvino import compiled_cache


def test_other_versions_and_the_first_layouts_blobs_are_removed(tmp_path):
    root = tmp_path / "compiled"
    (root / "2025.1.0-17911").mkdir(parents=True)
    (root / "2025.1.0-17911" / "111.blob").write_bytes(b"old graph")
    (root / "15699204592693529723.blob").write_bytes(b"first layout")  # no version folder
    (root / "2026.0.0").mkdir()
    (root / "2026.0.0" / "222.blob").write_bytes(b"current graph")

    current = compiled_cache(tmp_path, "2026.0.0")

    assert current == root / "2026.0.0"
    assert sorted(p.name for p in root.iterdir()) == ["2026.0.0"]
    assert (current / "222.blob").read_bytes() == b"current graph"  # kept, not rebuilt


def test_a_first_use_makes_the_folder_and_odd_version_strings_stay_inside(tmp_path):
    current = compiled_cache(tmp_path, "2026.0.0-1234-abc/../x y")
    assert current.is_dir() and current.parent == tmp_path / "compiled"
    assert "/" not in current.name and " " not in current.name
    # a second process of the same version finds its graphs where it left them
    (current / "333.blob").write_bytes(b"graph")
    assert compiled_cache(tmp_path, "2026.0.0-1234-abc/../x y") == current
    assert (current / "333.blob").exists()
