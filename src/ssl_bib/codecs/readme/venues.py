"""Venues as awesome lists name them: "Full Name (ABBR)", and what kind of
venue a name is. Used by the README reader and by import, which maps the
venue names of every format onto the catalog's venues."""

from __future__ import annotations

import re

from ...lazy_re import compiled
from ...model import VenueKind

_CONFERENCE_WORDS_RE = compiled(
    r"\b(conference|symposium|proceedings|congress|meeting)\b", re.IGNORECASE)
_WORKSHOP_RE = compiled(r"\bworkshop\b", re.IGNORECASE)
# Acronyms of conferences whose names carry none of the words above.
_CONFERENCE_ACRONYMS = frozenset({
    "CVPR", "ICCV", "ECCV", "ICML", "ICLR", "NIPS", "NEURIPS", "MICCAI", "ISBI", "IPMI", "MIDL",
    "AAAI", "IJCAI", "ICASSP", "WACV", "BMVC", "KDD", "PMLR", "ML4H", "MLHC",
})
_PREPRINT_RE = compiled(r"^(arxiv|biorxiv|medrxiv)$", re.IGNORECASE)

# Full names of venues awesome lists use without listing them (facts, not guesses).
KNOWN_UNLISTED_VENUES: dict[str, tuple[str, str]] = {
    "arxiv": ("arXiv", "preprint"),
    "tpami": ("IEEE Transactions on Pattern Analysis and Machine Intelligence", "journal"),
    "biorxiv": ("bioRxiv", "preprint"),
    "medrxiv": ("medRxiv", "preprint"),
}


def guess_venue_kind(key: str, name: str) -> VenueKind:
    """journal unless the name or acronym says conference, workshop or preprint."""
    if _PREPRINT_RE.match(key) or _PREPRINT_RE.match(name):
        return "preprint"
    if _WORKSHOP_RE.search(name):
        return "workshop"
    if _CONFERENCE_WORDS_RE.search(name) or key.upper() in _CONFERENCE_ACRONYMS:
        return "conference"
    return "journal"


def split_name_abbr(text: str) -> tuple[str, str] | None:
    """("Medical Image Analysis", "MedIA") from "Medical Image Analysis
    (MedIA)": the last parenthesised part, when it ends the text and holds
    no parenthesis; None otherwise. Scanned from the end, in linear time."""
    body = text.rstrip()
    if not body.endswith(")"):
        return None
    start = body.rfind("(", 0, len(body) - 1)
    abbr = body[start + 1:-1]
    if start < 0 or ")" in abbr or not abbr.strip():
        return None
    return body[:start].strip(), abbr.strip()
