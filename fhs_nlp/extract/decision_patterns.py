"""The Swedish words and patterns that mark decisions in protocol and strategy texts.

Verb forms ("beslutade", "fastställs"), header field labels ("Sammanträdesdatum",
"Dnr"), section headings ("Regionstyrelsens beslut") and list items ("1.", "att …"):
the decision readers (:mod:`fhs_nlp.extract.decisions` and the ``decision_*`` modules)
share one vocabulary, kept here so a new wording is added in one place.
"""

from __future__ import annotations

import re

VERB_FORMS = {
    # besluta
    "beslutade", "beslutar", "beslutat", "beslutit", "beslutades", "beslutats", "beslöt",
    "beslöts", "beslutad", "beslutads",
    # fastställa
    "fastställde", "fastställer", "fastställt", "fastställdes", "fastställts", "fastställd",
    "fastställda",
    # fastslå
    "fastslog", "fastslogs", "fastslår", "fastslagit", "fastslagits", "fastslagen",
    "fastslaget", "fastslagna",
    # anta
    "antog", "antogs", "antar", "antagit", "antagits", "antagen", "antaget", "antagna",
    # godkänna
    "godkände", "godkändes", "godkänner", "godkänt", "godkänts", "godkänd", "godkända",
    # bifalla, avslå, uppdra
    "biföll", "bifölls", "bifaller", "avslog", "avslogs", "avslår", "uppdrog", "uppdrogs",
    "uppdrar",
}  # fmt: skip


PARTICIPLES = {
    "beslutad", "beslutat", "beslutade", "fastställd", "fastställt", "fastställda",
    "fastslagen", "fastslaget", "fastslagna", "antagen", "antaget", "antagna", "godkänd",
    "godkänt", "godkända",
}  # fmt: skip


AUXILIARIES = {"är", "var", "blev", "blivit", "har", "hade", "vara", "varit", "bli"}


VERB_RE = re.compile(
    r"(?<![\wåäöÅÄÖ-])(" + "|".join(sorted(VERB_FORMS, key=len, reverse=True)) + r")(?![\wåäö])",
    re.IGNORECASE,
)


#: The noun: "beslut", "beslutet", and compounds "RD-beslut", "nämndbeslut".
NOUN_RE = re.compile(r"(?<![\wåäö])[\wåäöÅÄÖ-]*?beslut(?:et)?(?![\wåäö])", re.IGNORECASE)


DECISION_LEMMAS = {
    "besluta", "fastställa", "fastslå", "anta", "godkänna", "bifalla", "avslå", "uppdra",
    "beslut", "beslutet", "besluten",
}  # fmt: skip


STOP = {
    "och", "eller", "samt", "för", "med", "till", "från", "som", "att", "den", "det", "de",
    "en", "ett", "av", "på", "i", "om", "mot", "vid", "under", "inom", "utan", "genom",
    "dess", "sin", "sina", "sitt", "denna", "detta", "dessa", "vara", "ska", "skall",
}  # fmt: skip


NOT_AGENT_BEFORE = re.compile(r"(?:\b(?:till|enligt|från|inför|åt|hos|än)\s+)$", re.IGNORECASE)


DEADLINE_BEFORE = re.compile(
    r"(?:\bsenast(?:\s+den)?|\bsenast\s+till\s+och\s+med|\bt\.o\.m\.|\btill\s+och\s+med)\s*$",
    re.IGNORECASE,
)


#: Sentence adverbs: "Samtidigt fastslogs att …" has no object before the verb.
ADVERBS = {
    "samtidigt", "därefter", "sedan", "då", "därför", "också", "även", "vidare", "dessutom",
    "slutligen", "härmed", "därmed", "nu", "tidigare", "senare",
}  # fmt: skip


SAME_TIME = re.compile(
    r"^(?:samtidigt|vid\s+samma\s+(?:tillfälle|sammanträde|möte)|samma\s+dag)\b",
    re.IGNORECASE,
)


# header fields ------------------------------------------------------------------------
DATE_FIELDS = ("sammanträdesdatum", "datum")


APPROVAL_FIELDS = {
    "godkänt datum": "godkänd",
    "godkänd datum": "godkänd",
    "beslutsdatum": "beslutad",
    "beslutat datum": "beslutad",
    "fastställt datum": "fastställd",
}


APPROVER_FIELDS = ("godkänd av", "beslutad av", "fastställd av", "beslutande")


VALIDITY_FIELDS = ("gäller fr.o.m.", "gäller från och med", "gäller från", "giltig fr.o.m.",
                    "gäller t.o.m.", "gäller till och med", "giltig t.o.m.")  # fmt: skip


CASE_LABEL_RE = re.compile(
    r"(?:ärendenummer|ärendenr|ärende\s+nr|diarienummer|diarienr|dnr)\.?\s*:?\s*$",
    re.IGNORECASE,
)


KNOWN_FIELDS = (
    *DATE_FIELDS, *APPROVAL_FIELDS, *APPROVER_FIELDS, *VALIDITY_FIELDS,
    "ärendenummer", "diarienummer", "dnr",
)  # fmt: skip


#: Labels recognised only as cells of a tab-separated header table.
TABLE_FIELDS = (*KNOWN_FIELDS, "version", "skapad av", "gäller för", "process")


HEADER_LINES = 60


# sections ------------------------------------------------------------------------------
_OWNER = r"(?P<owner>[A-ZÅÄÖa-zåäö][\wåäöÅÄÖ-]*(?:\s+[\wåäöÅÄÖ-]+){0,5}?)"


DECISION_HEADING = re.compile(r"^(?:" + _OWNER + r"s\s+)?beslut(?:\s*[,:;(–-].*)?$", re.IGNORECASE)


PROPOSAL_HEADING = re.compile(
    r"^(?:" + _OWNER + r"s\s+)?(?:förslag(?:\s+till\s+beslut)?|beslutsförslag)\s*:?$",
    re.IGNORECASE,
)


VERB_HEADING = re.compile(
    r"^(?P<owner>.{3,60}?)\s+(?P<verb>beslutar|beslutade|beslöt|föreslår|föreslog)"
    r"(?:\s+att)?\s*:?$",
    re.IGNORECASE,
)


NUMBER_ITEM = re.compile(r"^\s*(?P<n>\d{1,2})[.)]\s+")


ATT_ITEM = re.compile(r"^\s*att\s+", re.IGNORECASE)


PARAGRAPH_LINE = re.compile(r"^\s*§\s*(?P<n>\d{1,4}[a-z]?)\b")


DOC_LISTING = re.compile(
    r"^\s*(?:\d{1,2}[.)]\s*)?(?P<name>[A-ZÅÄÖ][\wåäö ,./()-]{2,80}?)\s*,?\s+"
    r"(?:daterad\s+|dat\.\s*)?(?P<date>(?:19|20)\d\d-\d\d-\d\d)\s*\.?\s*$"
)
