"""The layout sweep: Tabell 1 drawn in every layout of fhs_nlp.synthetic.layouts.SWEEP, read back.

Prints, per layout, recall, precision, year, area, description and effects accuracy of
the milestones read from the file against those the text path reads from corpus 002,
and the warning-level codes the reader gave.

    python bench/sweep_layouts.py [--only rl-,lo-] [--keep DIR]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from fhs_nlp.extract.milestones import extract_milestones
from fhs_nlp.ingest import read_document
from fhs_nlp.synthetic import layout_scoring, layouts, sample_data

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "corpus" / "texts" / "002_31beb24573b96ab1.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated name prefixes")
    parser.add_argument("--keep", type=Path, default=None, help="folder to keep the files in")
    args = parser.parse_args()
    expected = extract_milestones(read_document(PLAN, "002")).milestones
    rows = sample_data.rows_from_records(expected)
    prefixes = [p for p in args.only.split(",") if p]
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        for layout in layouts.SWEEP:
            if prefixes and not any(layout.name.startswith(p) for p in prefixes):
                continue
            if layout.engine == "libreoffice" and layouts.soffice() is None:
                print(f"{layout.name:18s} skipped: LibreOffice (soffice) is not installed")
                continue
            path = layouts.render(layout, rows, folder)
            started = time.perf_counter()
            doc = read_document(path, layout.name)
            found = extract_milestones(doc)
            seconds = time.perf_counter() - started
            result = layout_scoring.score(found.milestones, expected, found.warnings)
            print(f"{layout.name:18s} {len(doc.pages):3d} p {seconds:5.2f} s  {result.line()}")


if __name__ == "__main__":
    main()
