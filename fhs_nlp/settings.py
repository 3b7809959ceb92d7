"""Where fhs-nlp finds its files, and the settings of align, batch and diff: one place.

**Paths.** Every module that needs the corpus, the gold data, the training data, the
models folder or a cache asks here instead of counting ``parent`` steps from its own
``__file__``, so moving a module never moves what it reads. There are two homes:

* the *data* fhs-nlp reads and never writes (``corpus/``, ``eval/gold/``,
  ``models/training/``, ``eval/reports/``): in a checkout the repository itself; in an
  installed package (a wheel) the copy shipped inside it, ``fhs_nlp/_data`` (setup.py
  copies it there when the wheel is built);
* the *work* folder it writes (the reference index, trained classifiers, the converted
  embedder, the embedding cache): in a checkout the repository (``models/``,
  ``.fhs-cache/``, kept out of git); in an installed package the user's cache folder
  (``platformdirs.user_cache_dir("fhs-nlp")``, e.g. ``~/.cache/fhs-nlp``), since
  site-packages may be read-only and is shared. ``FHS_NLP_HOME`` overrides it.

**Settings.** :class:`AlignSettings`, :class:`BatchSettings` and :class:`DiffSettings` are
frozen pydantic models: they check themselves when made (a wrong value fails at once,
naming the field) and hold every default of their stage, so a threshold is changed here
and nowhere else.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# --- paths ----------------------------------------------------------------------------------

#: The ``fhs_nlp`` package folder.
PACKAGE_DIR = Path(__file__).resolve().parent
#: The folder above the package: the checkout when run from one, else site-packages.
REPO_ROOT = PACKAGE_DIR.parent
#: True when the package runs from a checkout (an editable install or ``python -m``).
IN_CHECKOUT = (REPO_ROOT / "pyproject.toml").is_file() and (REPO_ROOT / "corpus").is_dir()
#: The data shipped inside a wheel (the same layout as the checkout: corpus/, eval/, models/).
BUNDLED_DATA = PACKAGE_DIR / "_data"
#: Where the read-only data lives: the checkout, or the copy inside the installed package.
DATA_ROOT = REPO_ROOT if IN_CHECKOUT else BUNDLED_DATA


def _work_root() -> Path:
    home = os.environ.get("FHS_NLP_HOME")
    if home:
        return Path(home).expanduser().resolve()
    if IN_CHECKOUT:
        return REPO_ROOT
    import platformdirs

    return Path(platformdirs.user_cache_dir("fhs-nlp", appauthor=False))


#: Where fhs-nlp writes what it builds on first use (index, classifiers, caches).
WORK_ROOT = _work_root()

#: The bundled strategy documents and their manifest.
CORPUS_DIR = DATA_ROOT / "corpus"
#: The gold data of the eval harness (and the dev split the classifiers train on).
GOLD_DIR = DATA_ROOT / "eval" / "gold"
#: The committed eval report (``fhs-nlp eval --check`` compares against it).
COMMITTED_REPORTS_DIR = DATA_ROOT / "eval" / "reports"
#: Hand-labelled training data of the relevance stage.
TRAINING_DIR = DATA_ROOT / "models" / "training"
#: Built on first use: reference indexes (one folder per embedder).
INDEX_ROOT = WORK_ROOT / "models" / "index"
#: Built on first use: trained classifiers.
MODEL_CACHE_DIR = WORK_ROOT / "models" / "cache"
#: Built on first use: embedders converted from an installed package's weights.
EMBEDDERS_DIR = WORK_ROOT / "models" / "embedders"
#: Caches of the eval harness and of embeddings.
CACHE_DIR = WORK_ROOT / ".fhs-cache"
#: The embedding cache shared by align, batch, index and eval.
EMBEDDING_CACHE = CACHE_DIR / "embeddings.sqlite"


# --- align ------------------------------------------------------------------------------------


class AlignSettings(BaseModel):
    """Thresholds of the aligner (:mod:`fhs_nlp.align.aligner`); checked when made."""

    model_config = ConfigDict(frozen=True)

    covered: float = Field(default=80.0, ge=0, le=100, description=(
        "First aligner (scoring='v1'): area score from which an area is covered; chosen on "
        "the dev drafts of the written-for-purpose gold set (d01, d04, d06)"))
    gap: float = Field(default=40.0, ge=0, le=100, description=(
        "First aligner (scoring='v1'): area score below which an area is a gap"))
    viljeriktning_z: float = Field(default=0.75, description=(
        "A viljeriktning is addressed when its area is not a gap and a passage that counts "
        "as evidence for the area has at least this standardised similarity (z-score "
        "against the corpus background) to the statement; chosen on the dev drafts and the "
        "bundled example (F1 0.79 on their 72 statement labels)"))
    milestone_z: float = Field(default=2.5, description=(
        "z-score above which a passage about the area advances a milestone"))
    shift_cues_min: int = Field(default=3, ge=0, description=(
        "A fokusförflyttning is reflected when the draft uses at least this many of its "
        "practices (vocabulary.SHIFT_CUES) and a passage is at z >= shift_z, or when a "
        "passage is at z >= 2 * shift_z"))
    shift_z: float = 1.0
    min_words: int = Field(default=150, ge=0, description=(
        "A draft shorter than this is scored, but the report says the score means little"))
    min_scored_words: int = Field(default=5, ge=1, description=(
        "A passage of fewer words is not scored alone (a list item's two words mean "
        "nothing without their heading)"))
    search_k: int = Field(default=1024, ge=1, description=(
        "Reference entries fetched from the FAISS index per passage. At least the size of "
        "the bundled index (about 400 entries), so on the exact (flat) index every score "
        "the aligner uses is exact; on an approximate (HNSW) index of other regions' "
        "strategies the entries beyond the k nearest count as not close"))

    @model_validator(mode="after")
    def _gap_below_covered(self) -> AlignSettings:
        if self.gap > self.covered:
            raise ValueError(f"gap ({self.gap}) must not be above covered ({self.covered})")
        return self


DEFAULT_ALIGN = AlignSettings()


# --- batch ------------------------------------------------------------------------------------

#: Largest document accepted by every command (the defaults of
#: :class:`fhs_nlp.ingest.limits.Limits`, which checks them while reading).
DEFAULT_MAX_PAGES = 500
DEFAULT_MAX_CHARS = 5_000_000
DEFAULT_MAX_DOCX_MB = 64.0


class BatchSettings(BaseModel):
    """The options of a batch run (:mod:`fhs_nlp.batch.runner`); checks itself. Only some
    of them change the results (:meth:`results_key`)."""

    model_config = ConfigDict(frozen=True)

    jobs: int = Field(default=1, description="worker processes")
    extract: bool = False
    model: str | None = None
    index_dir: Path | None = None
    timeout: float = Field(default=300.0, description="seconds per document")
    max_pages: int = DEFAULT_MAX_PAGES
    max_chars: int = DEFAULT_MAX_CHARS
    max_docx_mb: float = DEFAULT_MAX_DOCX_MB

    @field_validator("jobs")
    @classmethod
    def _jobs(cls, value: int) -> int:
        if value < 1:
            raise ValueError(f"jobs must be at least 1, got {value}")
        return value

    @field_validator("timeout")
    @classmethod
    def _timeout(cls, value: float) -> float:
        if not value > 0:
            raise ValueError(f"timeout must be a positive number of seconds, got {value}")
        return value

    @field_validator("max_pages")
    @classmethod
    def _max_pages(cls, value: int) -> int:
        if value < 1:
            raise ValueError(f"max_pages must be at least 1, got {value}")
        return value

    def results_key(self) -> dict[str, Any]:
        """What the outputs depend on besides the file: a change re-processes everything."""
        from fhs_nlp._version import __version__
        from fhs_nlp.datamodel.alignment import ALIGNMENT_SCHEMA_VERSION
        from fhs_nlp.embed.embedders import DEFAULT_EMBEDDER

        return {
            "model": self.model or DEFAULT_EMBEDDER,
            "index": str(Path(self.index_dir).resolve()) if self.index_dir else "default",
            "extract": self.extract,
            "software_version": __version__,
            "alignment_schema": ALIGNMENT_SCHEMA_VERSION,
        }

    def settings_hash(self) -> str:
        text = json.dumps(self.results_key(), sort_keys=True)
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:16]


# --- diff -------------------------------------------------------------------------------------


class DiffSettings(BaseModel):
    """How milestones and effects are matched (:mod:`fhs_nlp.diff.plans`); checked when made."""

    model_config = ConfigDict(frozen=True)

    min_similarity: float = Field(
        default=0.5, ge=0, le=1, description="Pairs of milestones below this are never matched"
    )
    title_weight: float = Field(default=0.7, ge=0, le=1)
    description_weight: float = Field(default=0.3, ge=0, le=1)
    effect_min_similarity: float = Field(
        default=0.6, ge=0, le=1, description="Pairs of effects below this are never matched"
    )
    same_area_bonus: float = Field(default=0.02, ge=0, le=0.1,
                                   description="Tie-breaker in the assignment only")
    same_year_bonus: float = Field(default=0.01, ge=0, le=0.1,
                                   description="Tie-breaker in the assignment only")
    scorer: Literal["token_sort_ratio"] = "token_sort_ratio"

    @model_validator(mode="after")
    def _weights_sum_to_one(self) -> DiffSettings:
        if abs(self.title_weight + self.description_weight - 1) > 1e-9:
            raise ValueError(
                f"title_weight + description_weight must be 1, not "
                f"{self.title_weight} + {self.description_weight}"
            )
        return self
