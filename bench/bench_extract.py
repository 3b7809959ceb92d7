"""Benchmark: extract the whole corpus, texts and generated PDFs.

Prints pages per second for the full fhs-nlp extraction of the PDFs (read_pdf with
rotated text, furniture and tables, then every extraction stage) next to bare
pdfplumber ``extract_text`` on the same PDFs, measured in the same run, and the
throughput on the corpus texts. A second set of PDFs is the layout sweep
(fhs_nlp.synthetic.layouts: Tabell 1 in ruled, merged, split and borderless layouts, drawn by
reportlab and by LibreOffice where it is installed). Then reading alone (``read_pdf``)
with the running-text path against the same reader forced through pdfplumber's char
objects on every page, next to bare pypdfium2 and pdfplumber on the same PDFs. Figures
are medians of --repeat runs.

    python bench/bench_extract.py [--repeat 3] [--no-layouts]
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


def fhs_read(pdfs: list[Path], *, running_text_path: bool = True) -> None:
    from fhs_nlp.ingest import pdf as pdf_module

    original = pdf_module._running_text_chars
    if not running_text_path:
        pdf_module._running_text_chars = lambda page: None  # type: ignore[assignment]
    try:
        for path in pdfs:
            pdf_module.read_pdf(path, path.stem)
    finally:
        pdf_module._running_text_chars = original  # type: ignore[assignment]


def fhs_extract(pdfs: list[Path]) -> None:
    for path in pdfs:
        extract_document(read_document(path, path.stem))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-layouts", action="store_true", help="skip the layout sweep")
    args = parser.parse_args()
    extract_document(read_document(TEXTS[3], "003"))  # load the spaCy pipeline once
    with tempfile.TemporaryDirectory() as tmp:
        pdfs = make_pdfs(Path(tmp))
        pages = 0
        for path in pdfs:
            with pdfplumber.open(path) as pdf:
                pages += len(pdf.pages)
        baseline = median_time(lambda: bare_pdfplumber(pdfs), args.repeat)
        ours = median_time(lambda: fhs_extract(pdfs), args.repeat)
        sweep = [] if args.no_layouts else make_layout_pdfs(Path(tmp) / "layouts")
        sweep_pages = 0
        for path in sweep:
            with pdfplumber.open(path) as pdf:
                sweep_pages += len(pdf.pages)
        if sweep:
            sweep_base = median_time(lambda: bare_pdfplumber(sweep), args.repeat)
            sweep_ours = median_time(lambda: fhs_extract(sweep), args.repeat)
        reads: dict[str, list[float]] = {"fast": [], "plumber": [], "pdfium": [], "bare": []}
        prose = pdfs[2:]  # the running-text PDFs
        prose_pages = 0
        for path in prose:
            with pdfplumber.open(path) as pdf:
                prose_pages += len(pdf.pages)
        for _ in range(args.repeat):  # interleaved: the machine is shared
            reads["fast"].append(median_time(lambda: fhs_read(prose), 1))
            reads["plumber"].append(median_time(
                lambda: fhs_read(prose, running_text_path=False), 1))
            reads["pdfium"].append(median_time(lambda: bare_pypdfium2(prose), 1))
            reads["bare"].append(median_time(lambda: bare_pdfplumber(prose), 1))
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
    import statistics

    med = {k: statistics.median(v) for k, v in reads.items()}
    print(f"Reading the running-text PDFs: {len(prose)} files, {prose_pages} pages")
    for key, label in (("fast", "read_pdf (running-text path)"),
                       ("plumber", "read_pdf via pdfplumber chars"),
                       ("bare", "bare pdfplumber extract_text"),
                       ("pdfium", "bare pypdfium2 get_text_range")):
        print(f"  {label:33s} {med[key]:6.2f} s  {prose_pages / med[key]:7.1f} pages/s")
    ratio = med["plumber"] / med["fast"]
    print(f"  ratio pdfplumber-chars path / running-text path: {ratio:5.2f}x")
    print(f"Texts: {len(TEXTS)} files, {text_lines} lines")
    print(
        f"  fhs-nlp extract:                    {text_time:6.2f} s  "
        f"{text_lines / text_time:7.0f} lines/s"
    )


if __name__ == "__main__":
    main()
