"""Benchmark: extract the whole corpus, texts and generated PDFs; read PDFs fast.

Prints pages per second for the full fhs-nlp extraction of the PDFs (read_pdf with
rotated text, furniture and tables, then every extraction stage) next to bare
pdfplumber ``extract_text`` on the same PDFs, measured in the same run, and the
throughput on the corpus texts. A second set of PDFs is the layout sweep
(fhs_nlp.synthetic.layouts: Tabell 1 in ruled, merged, split and borderless layouts, drawn by
reportlab and by LibreOffice where it is installed).

Then reading alone, in interleaved rounds (the machine is shared): ``read_pdf`` with plain
pages through pdfium (fhs_nlp.ingest.pdf_plain), the same reader with every page through
pdfplumber (``plain_pages=False``, the old path), bare pdfplumber ``extract_text`` and bare
pypdfium2 ``get_text_range``, on the 29-page draft of bench_align.py, the corpus prose
and the table PDFs; and read_and_split (read_document + split_passages) of the draft.
With ``--before DIR`` (a checkout of an earlier version, e.g. ``git worktree add
/tmp/before main``) the draft's read_and_split also runs with that version's code, in a
worker process, in the same rounds. Figures are medians of --repeat runs; ratios are
against the new reader in the same run.

    python bench/bench_extract.py [--repeat 3] [--no-layouts] [--reading-only]
                                  [--before /tmp/before]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "passive")

import pdfplumber  # noqa: E402
from _timing import median_time  # noqa: E402  (bench/ is on sys.path)

from fhs_nlp.extract.milestones import extract_milestones  # noqa: E402
from fhs_nlp.extract.pipeline import extract_document, extract_paths  # noqa: E402
from fhs_nlp.extract.viljeriktningar import extract_viljeriktningar  # noqa: E402
from fhs_nlp.ingest import read_document  # noqa: E402
from fhs_nlp.synthetic import documents as synthetic  # noqa: E402
from fhs_nlp.synthetic import layouts, sample_data

ROOT = Path(__file__).resolve().parent.parent
TEXTS = sorted((ROOT / "corpus" / "texts").glob("*.txt"))


def make_pdfs(folder: Path) -> list[Path]:
    """The corpus as PDFs with the real layout: Tabell 1, the viljeriktning table, prose."""
    plan = extract_milestones(read_document(TEXTS[2], "002"))
    strategy = extract_viljeriktningar(read_document(TEXTS[0], "000"))
    pdfs = [
        synthetic.render_milestone_table_pdf(
            folder / "002_plan.pdf",
            sample_data.rows_from_records(plan.milestones),
            sample_data.malbilder_from_records(plan.malbilder),
            synthetic.EFFEKTMAL,
        ),
        synthetic.render_viljeriktning_table_pdf(
            folder / "000_viljeriktningar.pdf",
            [
                (a.group, a.name, [v.text for v in strategy.viljeriktningar if v.area == a.name])
                for a in strategy.areas
            ],
        ),
    ]
    for path in (TEXTS[0], TEXTS[1], TEXTS[3]):
        paragraphs = [
            p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()
        ]
        pdfs.append(synthetic.render_text_pdf(folder / f"{path.stem}.pdf", paragraphs))
    return pdfs


def make_layout_pdfs(folder: Path) -> list[Path]:
    """The PDFs of the layout sweep (Word read as Word is left out: it is no PDF)."""
    plan = extract_milestones(read_document(TEXTS[2], "002"))
    rows = sample_data.rows_from_records(plan.milestones)
    return [
        layouts.render(layout, rows, folder)
        for layout in layouts.SWEEP
        if layout.engine == "reportlab" or (layout.engine == "libreoffice" and layouts.soffice())
    ]


def bare_pdfplumber(pdfs: list[Path]) -> None:
    for path in pdfs:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()


def bare_pypdfium2(pdfs: list[Path]) -> None:
    import pypdfium2

    for path in pdfs:
        doc = pypdfium2.PdfDocument(path)
        for page in doc:
            page.get_textpage().get_text_range()
        doc.close()


def fhs_read(pdfs: list[Path], *, plain_pages: bool = True) -> None:
    from fhs_nlp.ingest.pdf import read_pdf

    for path in pdfs:
        read_pdf(path, path.stem, plain_pages=plain_pages)


def read_and_split(path: Path, *, plain_pages: bool = True) -> int:
    from fhs_nlp.ingest.pdf import read_pdf
    from fhs_nlp.segment.passages import split_passages

    return len(split_passages(read_pdf(path, path.stem, plain_pages=plain_pages)))


#: run in a worker with an earlier version's code first on sys.path: one warm-up, then
#: one timed read_and_split per line read from stdin
_BEFORE_WORKER = """
import sys, time
from pathlib import Path
from fhs_nlp.ingest import read_document
from fhs_nlp.segment.passages import split_passages
path = Path(sys.argv[1])
print(len(split_passages(read_document(path))), flush=True)
for _ in sys.stdin:
    started = time.perf_counter()
    split_passages(read_document(path))
    print(time.perf_counter() - started, flush=True)
"""


def count_pages(pdfs: list[Path]) -> int:
    total = 0
    for path in pdfs:
        with pdfplumber.open(path) as pdf:
            total += len(pdf.pages)
    return total


def reading(sets: dict[str, list[Path]], draft: Path, repeat: int, before: Path | None) -> None:
    """Interleaved rounds of every reader on every set, then medians and ratios."""
    import statistics
    import subprocess
    import sys

    readers = {
        "read_pdf, plain pages via pdfium": lambda pdfs: fhs_read(pdfs),
        "read_pdf, all via pdfplumber (old)": lambda pdfs: fhs_read(pdfs, plain_pages=False),
        "bare pdfplumber extract_text": bare_pdfplumber,
        "bare pypdfium2 get_text_range": bare_pypdfium2,
    }
    times: dict[tuple[str, str], list[float]] = {}
    splits: dict[str, list[float]] = {"new": [], "old": [], "before": []}
    worker = None
    if before is not None:
        env = dict(os.environ, PYTHONPATH=str(before))
        worker = subprocess.Popen([sys.executable, "-c", _BEFORE_WORKER, str(draft)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                  env=env, cwd=str(before))
        assert worker.stdin is not None and worker.stdout is not None
        n_before = int(worker.stdout.readline())
    n_new = read_and_split(draft)
    for _ in range(repeat):  # interleaved: the machine is shared
        for name, pdfs in sets.items():
            for label, fn in readers.items():
                took = median_time(lambda fn=fn, pdfs=pdfs: fn(pdfs), 1)  # type: ignore[misc]
                times.setdefault((name, label), []).append(took)
        splits["new"].append(median_time(lambda: read_and_split(draft), 1))
        splits["old"].append(median_time(lambda: read_and_split(draft, plain_pages=False), 1))
        if worker is not None:
            worker.stdin.write("\n")
            worker.stdin.flush()
            splits["before"].append(float(worker.stdout.readline()))
    if worker is not None:
        worker.stdin.close()
        worker.wait()
    print(f"Reading PDFs (median of {repeat} interleaved rounds; ratio: time / new reader's)")
    for name, pdfs in sets.items():
        pages = count_pages(pdfs)
        new = statistics.median(times[(name, next(iter(readers)))])
        print(f"  {name}: {len(pdfs)} files, {pages} pages")
        for label in readers:
            t = statistics.median(times[(name, label)])
            print(f"    {label:36s} {t:6.2f} s  {pages / t:7.1f} pages/s  {t / new:5.2f}x")
    print(f"read_and_split of the draft ({count_pages([draft])} pages, {n_new} passages):")
    med = {k: statistics.median(v) for k, v in splits.items() if v}
    print(f"    new (plain pages via pdfium)         {med['new']:6.2f} s")
    print(f"    old path in this version             {med['old']:6.2f} s  "
          f"{med['old'] / med['new']:5.2f}x")
    if "before" in med:
        print(f"    before ({before}; {n_before} passages) {med['before']:6.2f} s  "
              f"{med['before'] / med['new']:5.2f}x")


def fhs_extract(pdfs: list[Path]) -> None:
    for path in pdfs:
        extract_document(read_document(path, path.stem))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-layouts", action="store_true", help="skip the layout sweep")
    parser.add_argument("--reading-only", action="store_true",
                        help="only the reading figures (no extraction, no texts)")
    parser.add_argument("--before", type=Path, default=None,
                        help="a checkout of an earlier version: its read_and_split of the draft "
                             "in the same rounds")
    args = parser.parse_args()
    if not args.reading_only:
        extract_document(read_document(TEXTS[3], "003"))  # load the spaCy pipeline once
    with tempfile.TemporaryDirectory() as tmp:
        pdfs = make_pdfs(Path(tmp))
        pages = count_pages(pdfs)
        if not args.reading_only:
            baseline = median_time(lambda: bare_pdfplumber(pdfs), args.repeat)
            ours = median_time(lambda: fhs_extract(pdfs), args.repeat)
        sweep = [] if args.no_layouts else make_layout_pdfs(Path(tmp) / "layouts")
        sweep_pages = count_pages(sweep)
        if sweep and not args.reading_only:
            sweep_base = median_time(lambda: bare_pdfplumber(sweep), args.repeat)
            sweep_ours = median_time(lambda: fhs_extract(sweep), args.repeat)
        from bench_align import make_draft

        draft = make_draft(Path(tmp) / "utkast_b.pdf", 2)
        sets = {"draft (bench_align make_draft)": [draft], "corpus prose": pdfs[2:],
                "corpus tables": pdfs[:2]}
        if sweep:
            sets["layout sweep"] = sweep
        reading(sets, draft, args.repeat, args.before)
        if args.reading_only:
            return
    text_time = median_time(lambda: extract_paths(TEXTS), args.repeat)
    text_lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in TEXTS)
    print(f"PDFs: {len(pdfs)} files, {pages} pages (median of {args.repeat} runs)")
    print(
        f"  pdfplumber extract_text (baseline): {baseline:6.2f} s  {pages / baseline:7.1f} pages/s"
    )
    print(f"  fhs-nlp read + extract:             {ours:6.2f} s  {pages / ours:7.1f} pages/s")
    print(f"  ratio fhs-nlp / baseline time:      {ours / baseline:6.2f}x")
    if sweep:
        print(f"Layout sweep PDFs: {len(sweep)} files, {sweep_pages} pages")
        print(f"  pdfplumber extract_text (baseline): {sweep_base:6.2f} s  "
              f"{sweep_pages / sweep_base:7.1f} pages/s")
        print(f"  fhs-nlp read + extract:             {sweep_ours:6.2f} s  "
              f"{sweep_pages / sweep_ours:7.1f} pages/s")
        print(f"  ratio fhs-nlp / baseline time:      {sweep_ours / sweep_base:6.2f}x")
    print(f"Texts: {len(TEXTS)} files, {text_lines} lines")
    print(
        f"  fhs-nlp extract:                    {text_time:6.2f} s  "
        f"{text_lines / text_time:7.0f} lines/s"
    )


if __name__ == "__main__":
    main()
