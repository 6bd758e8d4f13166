"""Identifiers: DOI, arXiv, PII, IEEE, PMLR, OpenReview. Parse, validate, and
find them in the links papers are listed with.

DOIs are stored bare ("10.1007/..."), compared case-insensitively.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

# Crossref's recommended pattern for modern DOIs, anchored.
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
# New-style (2007+) arXiv ids with optional version, and old-style "math.GT/0309136".
ARXIV_NEW_RE = re.compile(r"^\d{4}\.\d{4,5}(v\d+)?$")
ARXIV_OLD_RE = re.compile(r"^[a-z\-]+(\.[A-Z]{2})?/\d{7}(v\d+)?$")
PII_RE = re.compile(r"^[SB]\d{4}-?\d{3}[\dX]\(?\d{2}\)?\d{5}-?[\dX]$|^[SB]\d{15}[\dX]$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def is_doi(text: str) -> bool:
    return bool(DOI_RE.match(text))


def is_arxiv(text: str) -> bool:
    return bool(ARXIV_NEW_RE.match(text) or ARXIV_OLD_RE.match(text))


def is_url(text: str) -> bool:
    return bool(URL_RE.match(text))


def normalize_doi(text: str) -> str | None:
    """A bare DOI from a DOI, a doi: URI or a doi.org link; None if it is none."""
    value = unquote(text.strip())
    value = re.sub(r"^(https?://)?(dx\.)?doi\.org/", "", value, flags=re.IGNORECASE)
    value = re.sub(r"^doi:\s*", "", value, flags=re.IGNORECASE)
    value = value.rstrip(".,;")
    return value if is_doi(value) else None


def doi_key(doi: str) -> str:
    """The form DOIs are compared in: DOIs are case-insensitive by definition."""
    return doi.casefold()


def arxiv_doi(arxiv_id: str) -> str:
    """arXiv's DataCite DOI for an id (without its version)."""
    return f"10.48550/arXiv.{strip_arxiv_version(arxiv_id)}"


_ARXIV_DOI_RE = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)


def read_doi(text: str) -> tuple[str | None, str | None]:
    """(doi, arxiv) from a DOI field as sources write it: a bare DOI or a DOI
    link; arXiv's DataCite DOIs name an arXiv id, not a DOI the catalog keeps.
    (None, None) when the text is no DOI."""
    doi = normalize_doi(text)
    if doi is None:
        return None, None
    arxiv = _ARXIV_DOI_RE.match(doi)
    if arxiv:
        return None, arxiv.group(1)
    return doi, None


def pii_key(value: str) -> str:
    """The form PIIs are compared in: "S1361-8415(20)30110-9" is S1361841520301109."""
    return "".join(ch for ch in value.upper() if ch.isalnum())


def strip_arxiv_version(arxiv_id: str) -> str:
    return re.sub(r"v\d+$", "", arxiv_id)


@dataclass
class LinkIds:
    """The identifiers found in one link. Empty fields were not there."""

    doi: str | None = None
    arxiv: str | None = None
    pii: str | None = None
    ieee: str | None = None
    pmlr: str | None = None
    openreview: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v}


_SPRINGER_RE = re.compile(r"^/(?:chapter|article)/(10\.\d{4,9}/.+?)/?$")
_ARXIV_PATH_RE = re.compile(r"^/(?:abs|pdf)/(.+?)(?:\.pdf)?/?$")
_PII_PATH_RE = re.compile(r"^/science/article/(?:abs/)?pii/([A-Z0-9]+)/?$", re.IGNORECASE)
_IEEE_PATH_RE = re.compile(r"^/(?:abstract/)?document/(\d+)/?$")
_PMLR_PATH_RE = re.compile(r"^/(v\d+/[^/]+?)(?:\.html|\.pdf)?/?$")


def ids_from_url(url: str) -> LinkIds:
    """Find the identifiers a paper link carries (design.md lists the forms)."""
    ids = LinkIds()
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ids
    host = parts.netloc.lower().removeprefix("www.")
    path = unquote(parts.path)
    if host in ("doi.org", "dx.doi.org"):
        ids.doi = normalize_doi(path.lstrip("/"))
    elif host == "link.springer.com":
        m = _SPRINGER_RE.match(path)
        if m:
            ids.doi = normalize_doi(m.group(1))
    elif host in ("arxiv.org", "export.arxiv.org"):
        m = _ARXIV_PATH_RE.match(path)
        if m and is_arxiv(m.group(1)):
            ids.arxiv = m.group(1)
    elif host == "sciencedirect.com":
        m = _PII_PATH_RE.match(path)
        if m:
            ids.pii = m.group(1).upper()
    elif host == "ieeexplore.ieee.org":
        m = _IEEE_PATH_RE.match(path)
        if m:
            ids.ieee = m.group(1)
    elif host == "proceedings.mlr.press":
        m = _PMLR_PATH_RE.match(path)
        if m:
            ids.pmlr = m.group(1)
    elif host == "openreview.net":
        forum = parse_qs(parts.query).get("id")
        if forum:
            ids.openreview = forum[0]
    elif host.endswith("doi.org"):
        ids.doi = normalize_doi(path.lstrip("/"))
    return ids
