"""The library's public API: every command's entry point importable from ``fhs_nlp``."""

import inspect
import subprocess
import sys

import pytest

import fhs_nlp

#: name -> the module it is defined in (what the name must be, not a copy of it)
PUBLIC = {
    "extract_paths": "fhs_nlp.extract.pipeline",
    "extract_document": "fhs_nlp.extract.pipeline",
    "load_aligner": "fhs_nlp.align.aligner",
    "diff_plans": "fhs_nlp.diff.plans",
    "run_batch": "fhs_nlp.batch.runner",
    "run_eval": "fhs_nlp.evaluate.run",
}


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_entry_point_is_importable_from_the_package(name):
    namespace: dict = {}
    exec(f"from fhs_nlp import {name}", namespace)
    value = namespace[name]
    assert callable(value)
    assert value.__module__ == PUBLIC[name]
    assert value is getattr(sys.modules[PUBLIC[name]], name)
    assert name in fhs_nlp.__all__
    assert inspect.getdoc(value), f"{name} has no docstring"


def test_align_is_the_stage_package_and_load_aligner_scores_a_draft():
    """``fhs_nlp.align`` names the align stage's package (a function of that name would be
    shadowed by it once the package is imported); drafts are scored through load_aligner."""
    import fhs_nlp.align.aligner

    assert fhs_nlp.align is sys.modules["fhs_nlp.align"]
    assert fhs_nlp.load_aligner is fhs_nlp.align.aligner.load_aligner
    assert callable(fhs_nlp.align.aligner.Aligner.align)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_function"):
        fhs_nlp.no_such_function  # noqa: B018


def test_importing_the_package_loads_no_model_library():
    """``import fhs_nlp`` must stay cheap: the entry points are imported on first use."""
    code = (
        "import sys, fhs_nlp\n"
        "heavy = [m for m in ('torch', 'spacy', 'sentence_transformers', 'faiss', 'sklearn',"
        " 'pdfplumber') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "", f"import fhs_nlp loaded {out}"
