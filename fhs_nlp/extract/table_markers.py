"""Clean the linear text of a milestone table: drop page furniture, read the rotated cells.

In the text a PDF reader gives, every page of Tabell 1 repeats its caption and header
row, page footers cut into rows, and the rotated area and year cells come out letter by
letter (``N / är / a / V / år / d``, ``2 / 0 / 2 / 3``). Before rows can be grouped
(:mod:`fhs_nlp.extract.milestone_table`), the furniture is removed, leaving a page-break
mark, and each run of fragments is replaced by the :class:`YearMarker` or
:class:`AreaMarker` it spells. A PDF read with real cells gives whole words ("2023",
"Digitalisering"), which become the same markers.
"""

from __future__ import annotations

import re

from fhs_nlp.datamodel.vocabulary import area_by_name
from fhs_nlp.extract.table_model import (
    AreaMarker,
    YearMarker,
)
from fhs_nlp.extract.text import starts_lower
from fhs_nlp.lines import Line

CAPTION_RE = re.compile(r"^\s*(Fortsättning\s+)?Tabell\s+\d+\s*[.:]", re.IGNORECASE)


_FOOTER_RES = (
    re.compile(r"^\d{1,3}\s*\(\d{1,3}\)$"),  # "10 (16)"
    re.compile(r"^Sida\s+\d+(\s*(av|\()\s*\d+\)?)?$", re.IGNORECASE),
    re.compile(r"^\d{4}-[A-ZÅÄÖ]{2,}\d{3,}(-\d+)*$"),  # case number "2023-POL000009-001"
    re.compile(r"^[-–—]$"),
)


_FRAGMENT_RE = re.compile(r"^[\wÅÄÖåäö().\s]{1,3}$")


FORTS_RE = re.compile(r"\(\s*forts\.?\s*\)\s*$", re.IGNORECASE)


_YEAR_LINE_RE = re.compile(r"^(20[2-4]\d)$")


_LAST_DIGIT_WITH_TEXT_RE = re.compile(r"^(\d)\s+(\S.*)$")


PAGE_BREAK_MARK = "PAGE_BREAK"


def strip_furniture(lines: list[Line]) -> list[Line | str]:
    """Drop captions, header rows and footers; leave a page-break mark where a page starts."""
    out: list[Line | str] = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        text = line.stripped
        if CAPTION_RE.match(line.text):
            out.append(PAGE_BREAK_MARK)
            i += 1
            # caption continuation lines: lowercase starts, or "2022 är klara, …"
            taken = 0
            while i < n and taken < 3:
                if lines[i].blank:
                    i += 1
                    continue
                nxt = lines[i].stripped
                if starts_lower(nxt) or re.match(r"^20\d\d\s+[a-zåäö]", nxt):
                    i += 1
                    taken += 1
                    continue
                break
            continue
        if text == "År" or (text.startswith("År ") and "ilstolpe" in text):
            j = _header_end(lines, i)
            if not out or out[-1] != PAGE_BREAK_MARK:
                out.append(PAGE_BREAK_MARK)
            i = j + 1
            continue
        if re.match(r"^Milstolpe\b", text) and "ffekt" in " ".join(
            ln.text for ln in lines[i : i + 3]
        ):
            j = _header_end(lines, i)
            if not out or out[-1] != PAGE_BREAK_MARK:
                out.append(PAGE_BREAK_MARK)
            i = j + 1
            continue
        if any(r.match(text) for r in _FOOTER_RES):
            i += 1
            continue
        if re.fullmatch(r"[•▪●◦■]", text):  # an empty bullet
            i += 1
            continue
        out.append(line)
        i += 1
    return out


def _header_end(lines: list[Line], i: int) -> int:
    """Last line of a header row starting at ``i`` ("År … Övergripande effektmål")."""
    for j in range(i, min(i + 24, len(lines))):
        if re.search(r"effektm[aå]l\s*$", lines[j].text.strip(), re.I):
            return j
    # no effektmål column: the header ends where the "Milstolpe …" paragraph ends
    j = i
    while j + 1 < len(lines) and not lines[j + 1].blank:
        j += 1
    return j


def find_markers(items: list[Line | str]) -> list[Line | str | YearMarker | AreaMarker]:
    """Replace runs of letter/digit fragments, and whole-word labels, by markers."""
    out: list[Line | str | YearMarker | AreaMarker] = []
    i = 0
    n = len(items)
    while i < n:
        item = items[i]
        if isinstance(item, str):
            out.append(item)
            i += 1
            continue
        whole = _whole_word_marker(item)
        if whole is not None:
            out.append(whole)
            i += 1
            continue
        if not item.blank and _is_fragment(item):
            run, rest, j = _collect_fragments(items, i)
            markers = _parse_fragment_run(run)
            if markers is not None:
                out.extend(markers)
                if rest is not None:
                    out.append(rest)
                i = j
                continue
        out.append(item)
        i += 1
    return out


def _is_fragment(line: Line) -> bool:
    return bool(_FRAGMENT_RE.match(line.text.strip())) and not line.text.strip().startswith("-")


def _collect_fragments(
    items: list[Line | str], i: int
) -> tuple[list[Line], Line | None, int]:
    """Collect a run of fragment lines from ``i``; blank lines inside the run are skipped.

    Returns the run, the remainder of a "3 Struktur …" line (the last year digit with
    the next cell's text on the same line) as a Line, and the index after the run.
    """
    run: list[Line] = []
    j = i
    while j < len(items):
        item = items[j]
        if isinstance(item, str):
            break
        if item.blank:
            j += 1
            continue
        if _is_fragment(item):
            run.append(item)
            j += 1
            continue
        match = _LAST_DIGIT_WITH_TEXT_RE.match(item.text.strip())
        digits = [ln for ln in run if ln.stripped.isdigit()]
        if match and len(digits) % 4 == 3 and run and run[-1].stripped.isdigit():
            lead = len(item.text) - len(item.text.lstrip())
            digit_line = Line(item.number, item.text[: lead + 1], item.start)
            rest_offset = item.text.index(match.group(2), lead + 1)
            rest = Line(item.number, item.text[rest_offset:], item.start + rest_offset)
            run.append(digit_line)
            return run, rest, j + 1
        break
    return run, None, j


def _parse_fragment_run(run: list[Line]) -> list[YearMarker | AreaMarker] | None:
    """Read a run of fragments as an area label and/or a year; None if it is neither."""
    groups: list[tuple[str, list[Line]]] = []
    for line in run:
        kind = "digit" if line.stripped.isdigit() else "alpha"
        if groups and groups[-1][0] == kind:
            groups[-1][1].append(line)
        else:
            groups.append((kind, [line]))
    markers: list[YearMarker | AreaMarker] = []
    for kind, lines in groups:
        if kind == "digit":
            digits = "".join(ln.stripped for ln in lines)
            year = read_year_digits(digits)
            if year is None:
                return None
            garbled = None if len(digits) == 4 else " ".join(digits)
            markers.append(YearMarker(year, lines, garbled))
        else:
            if len(lines) < 4:
                return None
            label = "".join(ln.text.replace("\t", "") for ln in lines)
            label = re.sub(r"\s+", " ", label).strip()
            continued = bool(FORTS_RE.search(label))
            name = FORTS_RE.sub("", label).strip()
            markers.append(AreaMarker(label, area_by_name(name), continued, lines))
    return markers


def read_year_digits(digits: str) -> int | None:
    """The year a letter-split year cell gives: "2023"; or a garbled cell such as "24".

    A cell that lost digits is read as 202d when what is left ("24", "224", "204") is a
    subsequence of "202d" ending in its last digit d; anything else is not a year.
    """
    if len(digits) == 4:
        return int(digits) if digits.startswith("20") else None
    if len(digits) in (2, 3) and digits[0] == "2":
        candidate = "202" + digits[-1]
        it = iter(candidate)
        if all(ch in it for ch in digits):
            return int(candidate)
    return None


def _whole_word_marker(line: Line) -> YearMarker | AreaMarker | None:
    text = line.stripped
    if not text:
        return None
    if _YEAR_LINE_RE.match(text):
        return YearMarker(int(text), [line])
    if not text[0].isupper():  # "medarbetare" in the effektmål column is no label
        return None
    continued = bool(FORTS_RE.search(text))
    area = area_by_name(FORTS_RE.sub("", text).strip())
    if area is not None:
        return AreaMarker(text, area, continued, [line])
    return None
