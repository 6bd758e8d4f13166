"""The one pass every reader's records go through: values made the catalog's way.

Readers map their format's fields and nothing more; what is the same in every
format is done here, once, so that a DOI, a link or a page range read from
BibTeX, RIS, CSL-JSON or a README comes out alike:

- a DOI through `read_doi`: a doi.org link or `doi:` prefix taken off, and
  arXiv's DataCite DOI (10.48550/arXiv.ID) read as the arXiv id it names
  (the catalog keeps arXiv papers by id; Crossref does not know those DOIs);
- an arXiv id without its `arXiv:` prefix;
- the identifiers a link carries (DOI, arXiv, PII, IEEE, PMLR, OpenReview),
  where the record has none of its own;
- page ranges as the catalog writes them ("101-110");
- whitespace collapsed in every text value, nameless authors dropped;
- what the catalog cannot hold (a DOI with TeX in it, a link that is no
  http(s) URL, an old key that is no key) reported with the record's line
  and left out, the record kept.
"""

from __future__ import annotations

import re

from ..identifiers import ids_from_url, invalid_identifiers, is_url, read_doi
from ..lazy_re import compiled
from ..model import STRING_FIELDS
from .read_result import ReadResult, Record, normalize_pages

# What a citation key (and so an old key) may hold.
KEY_RE = compiled(r"[A-Za-z0-9_:\-]+")
_ARXIV_PREFIX_RE = compiled(r"^arxiv:\s*", re.IGNORECASE)
# Identifier fields: their whitespace is never collapsed (a space inside is an error).
_IDENTIFIERS = frozenset({"doi", "arxiv", "arxiv_class", "pii", "ieee", "pmlr", "openreview",
                          "issn", "isbn", "url", "zotero_key"})


def normalize(result: ReadResult, file: str) -> None:
    """Normalise every record of `result` in place, reporting into it."""
    for record in result.records:
        _normalize(record, file, result)


def _normalize(record: Record, file: str, out: ReadResult) -> None:
    entry = record.entry
    entry.title = " ".join(entry.title.split())
    for name in STRING_FIELDS - _IDENTIFIERS:
        value = getattr(entry, name)
        if isinstance(value, str):
            setattr(entry, name, " ".join(value.split()) or None)
    for name in _IDENTIFIERS:
        value = getattr(entry, name)
        if isinstance(value, str):
            setattr(entry, name, value.strip() or None)
    entry.authors = [p for p in entry.authors if p.family or p.given]

    def left_out(what: str, value: str, should_be: str = "an http(s) URL") -> None:
        out.warn(file, record.line, f"{_label(record)}: {what} {value!r} is not {should_be}: "
                 "left out")

    if entry.doi:
        doi, arxiv = read_doi(entry.doi)
        if doi is None and arxiv is None:
            left_out("doi", entry.doi, "a DOI")
        entry.doi = doi
        entry.arxiv = entry.arxiv or arxiv
    if entry.arxiv:
        entry.arxiv = _ARXIV_PREFIX_RE.sub("", entry.arxiv)
    if entry.url and not is_url(entry.url):
        left_out("link", entry.url)
        entry.url = None
    if entry.url:
        # The identifiers a link carries, as the catalog keeps them.
        for name, value in ids_from_url(entry.url).as_dict().items():
            if not getattr(entry, name):
                setattr(entry, name, value)
    for link in [c for c in entry.code if not is_url(c.url)]:
        left_out("code link", link.url)
        entry.code.remove(link)
    for name, value, should_be in list(invalid_identifiers(entry)):
        left_out(name, value, should_be)
        setattr(entry, name, None)
    if entry.pages:
        entry.pages = normalize_pages(entry.pages)
    _aliases(record, file, out)


def _aliases(record: Record, file: str, out: ReadResult) -> None:
    entry = record.entry
    kept = []
    for alias in entry.key_aliases:
        if KEY_RE.fullmatch(alias):
            kept.append(alias)
        else:
            out.warn(file, record.line, f"{_label(record)}: old key {alias!r} is not a "
                     "citation key (letters, digits and _:-): left out")
    entry.key_aliases = list(dict.fromkeys(kept))


def _label(record: Record) -> str:
    if record.source_id:
        return f"record {record.source_id!r}"
    return repr(record.entry.title[:60])

