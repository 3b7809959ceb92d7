"""The fixed vocabulary of FHS: the 7 insatsområden, their groups, the 5 effektmål.

These names are domain facts (decided by Regionfullmäktige in 2020), not something to
learn from text. Sources spell them in many ways (``arbetsätt``, ``Hälsöfrämjande``,
``Nära Vård``, letter-split rotated cells), so matching goes through
:func:`normalise_name`, which folds case, the ``ö``/``o`` typo and spacing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    """One insatsområde."""

    name: str
    slug: str
    group: str
    variants: tuple[str, ...] = ()


GROUPS: dict[str, tuple[str, ...]] = {
    # canonical (2025) group name -> other names used in the sources
    "Processer och arbetssätt": ("Processer och arbetsätt",),
    "Organisation och styrning": (),
    "Möjliggörare": ("Förutsättningar",),
}

AREAS: tuple[Area, ...] = (
    Area(
        "Personcentrerat arbetssätt",
        "personcentrerat-arbetssatt",
        "Processer och arbetssätt",
        ("Personcentrerat arbetsätt", "Personcentrerade arbetssätt", "Personcentrering"),
    ),
    Area(
        "Hälsofrämjande och förebyggande insatser",
        "halsoframjande-och-forebyggande-insatser",
        "Processer och arbetssätt",
        ("Hälsöfrämjande och förebyggande insatser", "Hälsofrämjande och förebyggande arbete"),
    ),
    Area("Nära vård", "nara-vard", "Organisation och styrning", ("God och nära vård",)),
    Area(
        "Nivåstrukturering och profilering",
        "nivastrukturering-och-profilering",
        "Organisation och styrning",
        ("Nivåstrukturering",),
    ),
    Area("Medarbetare", "medarbetare", "Möjliggörare"),
    Area("Digitalisering", "digitalisering", "Möjliggörare"),
    Area("Fysisk infrastruktur", "fysisk-infrastruktur", "Möjliggörare"),
)

AREA_NAMES: tuple[str, ...] = tuple(a.name for a in AREAS)

#: The 5 övergripande effektmål, in the order the implementation plan lists them.
EFFEKTMAL: tuple[str, ...] = (
    "Bättre befolkningshälsa",
    "Bättre upplevelse för patienter och medarbetare",
    "Bättre kvalitet",
    "Ökad tillgänglighet",
    "Effektiva processer",
)


def normalise_name(text: str) -> str:
    """Fold a name for matching: case, accents kept except the ö/o typo, no spaces.

    >>> normalise_name("Hälsöfrämjande och  förebyggande insatser")
    'halsoframjandeochforebyggandeinsatser'
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("ö", "o").replace("ä", "a").replace("å", "a")
    return re.sub(r"[^a-z0-9]", "", text)


_AREA_KEYS: dict[str, Area] = {}
for _area in AREAS:
    for _name in (_area.name, *_area.variants):
        _AREA_KEYS[normalise_name(_name)] = _area
# "arbetsätt" (one s) is a common misspelling of "arbetssätt"
for _key, _area in list(_AREA_KEYS.items()):
    _AREA_KEYS.setdefault(_key.replace("arbetssatt", "arbetsatt"), _area)

_GROUP_KEYS: dict[str, str] = {}
for _group, _variants in GROUPS.items():
    for _name in (_group, *_variants):
        _GROUP_KEYS[normalise_name(_name)] = _group


def area_by_name(text: str) -> Area | None:
    """The area a name refers to, in any known spelling; None if it names no area."""
    return _AREA_KEYS.get(normalise_name(text))


def area_by_slug(slug: str) -> Area:
    for area in AREAS:
        if area.slug == slug:
            return area
    raise KeyError(f"unknown insatsområde '{slug}'; known: {', '.join(a.slug for a in AREAS)}")


def group_by_name(text: str) -> str | None:
    """The canonical group a name refers to ("Förutsättningar" -> "Möjliggörare")."""
    return _GROUP_KEYS.get(normalise_name(text))


def effektmal_by_name(text: str) -> str | None:
    """The canonical effektmål for a spelling such as 'Bättre befolknings hälsa'."""
    key = normalise_name(text)
    for name in EFFEKTMAL:
        if normalise_name(name) == key:
            return name
    return None


#: Words (prefixes, lower case) that show a draft works in the direction of each
#: fokusförflyttning. The shifts are abstract ("från organisation till helhet"), and
#: embedding similarity alone hardly separates them (see models/README.md), so the
#: aligner also looks for the concrete practices each shift stands for in the strategy.
SHIFT_CUES: dict[str, tuple[str, ...]] = {
    "shift/1": ("medskap", "delaktig", "egenvård", "patientkontrakt", "delat beslutsfattande",
                "gemensam planering", "inflytande", "egna mål", "vad som är viktigt för"),
    "shift/2": ("hälsofrämj", "förebygg", "levnadsvan", "hälsosamtal", "prevention",
                "friskfaktor", "hälsoundersök", "fysisk aktivitet", "tobak"),
    "shift/3": ("samverk", "sammanhåll", "kontinuitet", "fast vårdkontakt", "fast läkarkontakt",
                "organisationsgräns", "samordnad individuell plan", "helhet"),
    "shift/4": ("hembesök", "mobil", "i hemmet", "digital", "video", "distans", "1177",
                "uppsökande", "nära hemmet"),
    "shift/5": ("långsiktig", "helhetssyn", "ersättningsmodell", "kvalitetsindikator",
                "incitament", "värdebaserad", "styrsignal"),
}
