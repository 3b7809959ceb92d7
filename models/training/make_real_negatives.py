"""Write ``real_negatives.jsonl``: real Swedish text about none of the 7 insatsområden.

The passage classifier needs to see what real text that is *not* about the strategy looks
like, or it credits every passage to the least unlike area. These are the reader units
(paragraphs, a heading or lead-in with its list; at least 12 words) of the regeringen.se
pages of ``shared/realtext`` in the group ``other`` (justice, tax, defence, foreign
affairs, schools, transport, environment …: zero health-care words by the selection in
that folder's README). Pages of the real-text gold set are used only when their document
is in the dev split, and then only their units that are not gold passages, so no test
document and no evaluated passage is ever trained on.

Run: python models/training/make_real_negatives.py /path/to/shared
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def main(shared: Path) -> None:
    spec = importlib.util.spec_from_file_location("mc", ROOT / "eval/gold/real/make_candidates.py")
    assert spec and spec.loader
    mc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mc)
    gold = [json.loads(line) for line in
            (ROOT / "eval/gold/real/passages.jsonl").open(encoding="utf-8")]
    split = {g["doc"]: g["split"] for g in gold}
    gold_spans = {(g["doc"], g["char_start"]) for g in gold}
    rows = []
    for line in (shared / "realtext" / "manifest.jsonl").open(encoding="utf-8"):
        m = json.loads(line)
        if m["group"] != "other" or split.get(m["file"], "dev") != "dev":
            continue
        text = (shared / "realtext" / "g0v" / m["file"]).read_text(encoding="utf-8")
        for u in mc.units(text):
            if (m["file"], u["char_start"]) in gold_spans:
                continue
            rows.append({"doc": m["file"], "source_path": m["source_path"], "blob": m["blob"],
                         "line_start": u["line_start"], "line_end": u["line_end"],
                         "text": u["text"]})
    with (HERE / "real_negatives.jsonl").open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(len(rows), "units from", len({r["doc"] for r in rows}), "pages")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared")
