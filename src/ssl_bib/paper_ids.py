"""What a user may type to name a paper for `ssl-bib add`, read into one typed
identifier, or refused with the forms that would have been understood.

`identifiers` finds identifiers in the links of a catalog; this module is the
stricter front door for one identifier typed on a command line: it must name
exactly one paper, and it must say which service can describe it. A typo is
caught here, before any request (an arXiv id with month 34 cannot exist, so
arXiv is never asked about it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, unquote, urlsplit

from .errors import UsageError
from .identifiers import ids_from_url, read_doi, strip_arxiv_version
from .lazy_re import compiled

Kind = Literal["doi", "arxiv", "pii", "ieee", "mdpi", "pmlr", "openreview"]

EXPECTED = (
    "expected a DOI (10.1109/CVPR52688.2022.01553, doi:..., https://doi.org/...), an arXiv "
    "id (2111.06377, 2111.06377v3, arXiv:2111.06377, hep-ex/0307015) or an "
    "arxiv.org/abs|pdf|html link, or a paper link of link.springer.com, sciencedirect.com "
    "(pii), ieeexplore.ieee.org (document), mdpi.com, openreview.net or proceedings.mlr.press"
)

_ARXIV_PREFIX_RE = compiled(r"^arxiv:\s*", re.IGNORECASE)
_ARXIV_NEW_RE = compiled(r"^(?P<yy>\d{2})(?P<mm>\d{2})\.(?P<num>\d{4,5})(?:v(?P<v>\d+))?$")
_ARXIV_OLD_RE = compiled(
    r"^(?P<archive>[a-z][a-z\-]*(?:\.[A-Z]{2})?)/(?P<yy>\d{2})(?P<mm>\d{2})(?P<num>\d{3})"
    r"(?:v(?P<v>\d+))?$")
# Publishers whose paths carry the DOI after /doi/ (Wiley, ACM, SAGE, T&F, IOP...).
_DOI_PATH_RE = compiled(r"/doi/(?:abs/|full/|pdf/|epdf/|book/)?(10\.\d{4,9}/.+?)/?$")
_MDPI_PATH_RE = compiled(
    r"^/(?P<issn>\d{4}-\d{3}[\dX])/(?P<volume>\d+)/(?P<issue>\d+)/(?P<article>\d+)"
    r"(?:/(?:htm|pdf|xml|s\d+))?/?$", re.IGNORECASE)
# The paper page (.html) and its PDF (vNNN/NAME/NAME.pdf, or vNNN/NAME.pdf).
_PMLR_PATH_RE = compiled(
    r"^/(?P<volume>v\d+)/(?P<name>[A-Za-z0-9_\-]+)(?:\.html|\.pdf|/(?P=name)\.pdf)?/?$")
_PUBMED_RE = compiled(r"^(pmid:\s*\d+|\d{6,9})$", re.IGNORECASE)


class BadId(UsageError, ValueError):
    """Text that names no paper in a form `ssl-bib add` reads."""

    def __init__(self, text: str, why: str) -> None:
        self.text, self.why = text, why
        super().__init__(f"{text!r}: {why}; {EXPECTED}")


@dataclass(frozen=True)
class PaperId:
    """One paper's identifier: its kind, its value in the catalog's form, and
    the text the user gave (kept as the entry's link when it was a link)."""

    kind: Kind
    value: str
    text: str
    # the MDPI link's parts: ISSN, volume, issue, article number
    parts: tuple[str, ...] = ()

    @property
    def link(self) -> str | None:
        """The user's text when it was a link to the paper's page."""
        return self.text if self.text.lower().startswith(("http://", "https://")) else None

    def describe(self) -> str:
        label = {"doi": "DOI", "arxiv": "arXiv", "pii": "ScienceDirect PII",
                 "ieee": "IEEE Xplore document", "mdpi": "MDPI article", "pmlr": "PMLR paper",
                 "openreview": "OpenReview paper"}[self.kind]
        return f"{label} {self.value}"


def arxiv_problem(value: str) -> str | None:
    """Why `value` (no prefix) is not an arXiv id, or None when it is one.
    New-style ids exist from 0704 (4 digits to 1412, 5 digits from 1501);
    old-style ids from 9108 to 0703."""
    m = _ARXIV_NEW_RE.match(value)
    if m:
        yymm = int(m["yy"] + m["mm"])
        if not 1 <= int(m["mm"]) <= 12:
            return f"month {m['mm']} does not exist"
        if yymm < 704:
            return "new-style arXiv ids start in April 2007 (0704)"
        if len(m["num"]) == 4 and yymm > 1412:
            return "arXiv ids from 2015 on have five digits after the dot"
        if len(m["num"]) == 5 and yymm < 1501:
            return "arXiv ids before 2015 have four digits after the dot"
        return None
    m = _ARXIV_OLD_RE.match(value)
    if m:
        if not 1 <= int(m["mm"]) <= 12:
            return f"month {m['mm']} does not exist"
        yymm = int(m["yy"] + m["mm"])
        if 704 <= yymm < 9108:
            return "old-style arXiv ids (archive/YYMMNNN) ran from 1991 to March 2007"
        return None
    return "not an arXiv id"


def _arxiv(value: str, text: str) -> PaperId:
    problem = arxiv_problem(value)
    if problem:
        raise BadId(text, problem)
    return PaperId("arxiv", value, text)


def parse(text: str) -> PaperId:
    """Read one identifier as a user types it. Raises BadId."""
    raw = text.strip()
    if not raw:
        raise BadId(text, "empty")
    if _ARXIV_PREFIX_RE.match(raw):
        return _arxiv(_ARXIV_PREFIX_RE.sub("", raw), text)
    if _ARXIV_NEW_RE.match(raw) or _ARXIV_OLD_RE.match(raw):
        return _arxiv(raw, text)
    if re.match(r"^\d{4}\.\d+(v\d+)?$", raw):
        raise BadId(text, "not an arXiv id (YYMM.NNNNN, four or five digits after the dot)")
    if _PUBMED_RE.match(raw):
        raise BadId(text, "PubMed ids are not supported (there are no recorded PubMed "
                          "responses to test them against); give the paper's DOI")
    if raw.lower().startswith(("http://", "https://")):
        return _from_link(raw, text)
    if raw.lower().startswith(("doi.org/", "dx.doi.org/", "www.doi.org/")):
        return _from_link("https://" + raw, text)
    doi, arxiv = read_doi(raw)
    if arxiv:
        return _arxiv(strip_arxiv_version(arxiv), text)   # arXiv's DataCite DOI
    if doi:
        return PaperId("doi", doi, text)
    if raw.lower().startswith("10."):
        raise BadId(text, "not a DOI (10.NNNN/suffix, no spaces)")
    raise BadId(text, "not an identifier")


def _from_link(url: str, text: str) -> PaperId:
    try:
        parts = urlsplit(url)
    except ValueError:
        raise BadId(text, "not a valid link") from None
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = unquote(parts.path)
    if host in ("pubmed.ncbi.nlm.nih.gov", "ncbi.nlm.nih.gov"):
        raise BadId(text, "PubMed links are not supported (there are no recorded PubMed "
                          "responses to test them against); give the paper's DOI")
    if host in ("arxiv.org", "export.arxiv.org"):
        m = re.match(r"^/(?:abs|pdf|html)/(.+?)(?:\.pdf)?/?$", path)
        if not m:
            raise BadId(text, "an arXiv link names a paper as arxiv.org/abs/ID, /pdf/ID or "
                              "/html/ID")
        return _arxiv(m.group(1), text)
    if host.endswith("mdpi.com"):
        m = _MDPI_PATH_RE.match(path)
        if not m:
            raise BadId(text, "an MDPI article link is mdpi.com/ISSN/VOLUME/ISSUE/ARTICLE")
        return PaperId("mdpi", f"{m['issn'].upper()}/{m['volume']}/{m['issue']}/{m['article']}",
                       text, (m["issn"].upper(), m["volume"], m["issue"], m["article"]))
    if host == "openreview.net":
        forum = parse_qs(parts.query).get("id")
        if not forum or not re.fullmatch(r"[A-Za-z0-9_\-]+", forum[0]):
            raise BadId(text, "an OpenReview link names a paper as openreview.net/forum?id=ID")
        return PaperId("openreview", forum[0], text)
    if host == "proceedings.mlr.press":
        m = _PMLR_PATH_RE.match(path)
        if not m:
            raise BadId(text, "a PMLR paper link is proceedings.mlr.press/vNNN/NAME.html")
        return PaperId("pmlr", f"{m['volume']}/{m['name']}", text)
    found = ids_from_url(url)
    if found.doi:
        doi, arxiv = read_doi(found.doi)
        if arxiv:
            return _arxiv(strip_arxiv_version(arxiv), text)
        if doi:
            return PaperId("doi", doi, text)
    if found.pii:
        return PaperId("pii", found.pii, text)
    if found.ieee:
        return PaperId("ieee", found.ieee, text)
    m = _DOI_PATH_RE.search(path)
    if m:
        doi, arxiv = read_doi(m.group(1))
        if doi:
            return PaperId("doi", doi, text)
    if host in ("doi.org", "dx.doi.org", "link.springer.com", "sciencedirect.com",
                "ieeexplore.ieee.org"):
        raise BadId(text, f"this {host} link carries no paper identifier")
    raise BadId(text, f"a link to {host or '?'} carries no identifier ssl-bib can read")
