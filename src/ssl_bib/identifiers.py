"""Identifiers: DOI, arXiv, PII, IEEE, PMLR, OpenReview, ISSN, ISBN. Parse,
validate, and find them in the links papers are listed with.

DOIs are stored bare ("10.1007/..."), compared case-insensitively.

Every identifier is validated strictly, here and only here, wherever it enters
(import, Crossref, Zotero) or leaves (check, export): exporters write DOIs,
arXiv ids and their classes as they are (BibTeX styles print them through
`\\url`, `\\doi` or as plain text), so a value that could carry TeX
(`10.1234/\\input{...}`) must never get that far.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .lazy_re import compiled
from .records import DataMethods

# "10." + a registrant code (digits, subdivisions allowed: 10.1000.10) + "/" +
# a suffix. The DOI Handbook allows any printable character in the suffix; we
# refuse whitespace and the characters TeX acts on wherever a style prints the
# DOI as text: backslash and braces. "^^" is refused too: TeX reads "^^5c" as a
# backslash. What is left (`%`, `#`, `_`, `&`, `~`, `<`, `>`...) occurs in
# real DOIs and is inert inside `\url`/`\doi`, where the styles put a DOI.
DOI_RE = compiled(r"10\.\d{4,9}(?:\.\d+)*+/[^\s\\{}]++")
# New-style (2007+) arXiv ids with optional version, and old-style "math.GT/0309136".
ARXIV_NEW_RE = compiled(r"^\d{4}\.\d{4,5}(v\d+)?$")
ARXIV_OLD_RE = compiled(r"^[a-z\-]+(\.[A-Z]{2})?/\d{7}(v\d+)?$")
# An arXiv subject class: cs.CV, eess.IV, q-bio.QM, physics.med-ph, astro-ph.
ARXIV_CLASS_RE = compiled(r"[a-z]++(?:-[a-z]++)*+(?:\.[A-Za-z]++(?:-[a-z]++)*+)?+")
PII_RE = compiled(r"^[SB]\d{4}-?\d{3}[\dX]\(?\d{2}\)?\d{5}-?[\dX]$|^[SB]\d{15}[\dX]$")
IEEE_RE = compiled(r"\d{1,12}")
PMLR_RE = compiled(r"v\d{1,4}/[A-Za-z0-9_.-]{1,100}")
OPENREVIEW_RE = compiled(r"[A-Za-z0-9_-]{1,64}")
ISSN_RE = compiled(r"\d{4}-?\d{3}[\dXx]")
_ISBN_RE = compiled(r"\d{9}[\dXx]|\d{13}")
URL_RE = compiled(r"^https?://[^\s/$.?#][^\s]*+$", re.IGNORECASE)


def is_doi(text: str) -> bool:
    return bool(DOI_RE.fullmatch(text)) and text.isprintable() and "^^" not in text


def is_arxiv(text: str) -> bool:
    return bool(ARXIV_NEW_RE.match(text) or ARXIV_OLD_RE.match(text))


def is_arxiv_class(text: str) -> bool:
    return bool(ARXIV_CLASS_RE.fullmatch(text))


def is_pii(text: str) -> bool:
    return bool(PII_RE.match(text))


def is_issn(text: str) -> bool:
    return bool(ISSN_RE.fullmatch(text))


def is_isbn(text: str) -> bool:
    """ISBN-10 or ISBN-13, hyphens and spaces between the digits allowed."""
    return bool(_ISBN_RE.fullmatch(text.replace("-", "").replace(" ", ""))) and \
        text[:1].isdigit()


def is_url(text: str) -> bool:
    return bool(URL_RE.match(text))


# Every identifier field of an entry: its test, and what it should be.
IDENTIFIER_FIELDS: dict[str, tuple[Callable[[str], bool], str]] = {
    "doi": (is_doi, "a DOI (10.NNNN/... with no whitespace, backslash, braces or ^^)"),
    "arxiv": (is_arxiv, "an arXiv id (2203.05573, math.GT/0309136)"),
    "arxiv_class": (is_arxiv_class, "an arXiv subject class (cs.CV)"),
    "pii": (is_pii, "a ScienceDirect PII (S0031320321000133)"),
    "ieee": (lambda v: bool(IEEE_RE.fullmatch(v)), "an IEEE Xplore document number"),
    "pmlr": (lambda v: bool(PMLR_RE.fullmatch(v)), "a PMLR paper id (v158/truong21a)"),
    "openreview": (lambda v: bool(OPENREVIEW_RE.fullmatch(v)), "an OpenReview forum id"),
    "issn": (is_issn, "an ISSN (1361-8415)"),
    "isbn": (is_isbn, "an ISBN (978-3-030-32247-2)"),
}


def invalid_identifiers(values: Any) -> Iterable[tuple[str, str, str]]:
    """(field, value, what it should be) for each identifier that fails its
    test; `values` is an Entry or a field name -> value mapping."""
    for name, (test, what) in IDENTIFIER_FIELDS.items():
        value = values.get(name) if isinstance(values, dict) else getattr(values, name, None)
        if value is not None and value != "" and not (isinstance(value, str) and test(value)):
            yield name, str(value), what


# What RFC 3986 allows in a URL as it is: unreserved and reserved characters.
# `%` (a percent-encoding) and `#` (the fragment) are handled apart.
_URL_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                       "-._~:/?[]@!$&'()*+,;=")
_HEX = frozenset("0123456789abcdefABCDEF")
# A URL encode_url leaves as it is: allowed characters and percent-encodings
# only, and at most one `#`.
_AS_IS_URL_RE = compiled(r"(?:[A-Za-z0-9\-._~:/?\[\]@!$&'()*+,;=]++|%[0-9A-Fa-f]{2})*+"
                           r"(?:#(?:[A-Za-z0-9\-._~:/?\[\]@!$&'()*+,;=]++|%[0-9A-Fa-f]{2})*+)?")


def encode_url(url: str, *, ascii_only: bool = True) -> str:
    r"""The URL with every character RFC 3986 does not allow as it is
    percent-encoded: spaces, backslash, braces, `^ | < > "` and the backtick,
    a `%` that starts no percent-encoding, every `#` after the first, and (with
    `ascii_only`) non-ASCII characters, as UTF-8. It names the same resource,
    and nothing in it is live in TeX where `\url` reads it: no backslash, no
    braces, no `^^`. Exporters call this; the catalog keeps the URL as written."""
    if _AS_IS_URL_RE.fullmatch(url):
        return url  # the usual link: nothing to encode (a loop per character is slow)
    return _encode_each(url, ascii_only)


def _encode_each(url: str, ascii_only: bool) -> str:
    """encode_url, character by character."""
    out: list[str] = []
    seen_fragment = False
    for i, ch in enumerate(url):
        escape = ch == "%" and url[i + 1:i + 2] in _HEX and url[i + 2:i + 3] in _HEX
        if ch in _URL_CHARS or escape:
            out.append(ch)
        elif ch == "#" and not seen_fragment:
            seen_fragment = True
            out.append(ch)
        elif not ascii_only and not ch.isascii() and ch.isprintable():
            out.append(ch)
        else:
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass")))
    return "".join(out)


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


_ARXIV_DOI_RE = compiled(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)


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


@dataclass(init=False, repr=False, eq=False)
class LinkIds(DataMethods):
    """The identifiers found in one link. Empty fields were not there."""

    doi: str | None = None
    arxiv: str | None = None
    pii: str | None = None
    ieee: str | None = None
    pmlr: str | None = None
    openreview: str | None = None

    def __init__(self, doi: str | None = None, arxiv: str | None = None,
                 pii: str | None = None, ieee: str | None = None, pmlr: str | None = None,
                 openreview: str | None = None) -> None:
        self.doi = doi
        self.arxiv = arxiv
        self.pii = pii
        self.ieee = ieee
        self.pmlr = pmlr
        self.openreview = openreview

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v}


_SPRINGER_RE = compiled(r"^/(?:chapter|article)/(10\.\d{4,9}/.+?)/?$")
_ARXIV_PATH_RE = compiled(r"^/(?:abs|pdf)/(.+?)(?:\.pdf)?/?$")
_PII_PATH_RE = compiled(r"^/science/article/(?:abs/)?pii/([A-Z0-9]+)/?$", re.IGNORECASE)
_IEEE_PATH_RE = compiled(r"^/(?:abstract/)?document/(\d+)/?$")
_PMLR_PATH_RE = compiled(r"^/(v\d+/[^/]+?)(?:\.html|\.pdf)?/?$")


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
