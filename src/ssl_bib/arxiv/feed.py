"""The arXiv API's Atom feed -> one record per paper, read with feedparser.

The feed has traps (the API user's manual documents the first ones):
- an error (a malformed id) is a feed with one entry titled "Error" whose id
  is an `.../api/errors#...` URL, sent with HTTP 200 (the API of today sends
  400 with the same body);
- throttling is no feed at all: a plain-text "Rate exceeded." body;
- an id not known to arXiv is an empty feed (older servers sent an entry with
  nothing but an id);
- entry ids carry a version suffix (`http://arxiv.org/abs/1911.12281v2`);
- titles and summaries are hard-wrapped with indentation;
- `arxiv:doi` and `arxiv:journal_ref` point to the published version, when the
  authors gave one; `arxiv:doi` may list several DOIs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..crossref.fields import clean_text
from ..errors import SslBibError
from ..identifiers import normalize_doi, strip_arxiv_version
from ..lazy_re import compiled

ARXIV_NS = "http://arxiv.org/schemas/atom"
_ID_RE = compiled(r"^https?://(?:export\.)?arxiv\.org/abs/(?P<id>.+?)(?:v(?P<v>\d+))?/?$")
_ERROR_ID_RE = compiled(r"/api/errors\b")


class FeedProblem(SslBibError):
    """An answer that holds no record. `kind` says what to do about it:
    "throttled" (wait and ask again), "error" (arXiv refused the question:
    its message is the summary), "not-atom" (something else answered)."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind
        super().__init__(message)


@dataclass(frozen=True)
class ArxivRecord:
    """One arXiv paper as the API describes it."""

    arxiv_id: str                       # without version: "1911.12281", "hep-ex/0307015"
    version: int | None
    title: str                          # unwrapped, cleaned
    authors: tuple[str, ...]            # display names as arXiv gives them
    year: int | None                    # of the first version (<published>)
    month: int | None
    primary_class: str | None = None
    doi: str | None = None              # the published version's DOI, bare
    journal_ref: str | None = None
    comment: str | None = None
    summary: str = ""
    categories: tuple[str, ...] = field(default=())


def is_throttled(body: bytes) -> bool:
    """arXiv's throttling answer: a short plain-text "Rate exceeded." body,
    whatever the HTTP status (429, 503, even 200)."""
    return body.lstrip()[:40].lower().startswith(b"rate exceeded")


def _feedparser() -> Any:
    import feedparser
    import feedparser.mixin

    # Read the arXiv extension elements as `arxiv_*` whatever prefix a
    # response declares for them (the manual's parsing example does the same).
    feedparser.mixin._FeedParserMixin.namespaces.setdefault(ARXIV_NS, "arxiv")
    return feedparser


def parse(body: bytes, asked: str) -> ArxivRecord | None:
    """The record for arXiv id `asked` in an API answer; None when arXiv does
    not know the id. Raises FeedProblem for an answer that is no such feed."""
    if is_throttled(body):
        raise FeedProblem("throttled", "arXiv is throttling requests (\"Rate exceeded.\")")
    feed = _feedparser().parse(body)
    version = str(feed.get("version") or "")
    if not version.startswith("atom") and not feed.entries:
        snippet = " ".join(body[:80].decode("utf-8", "replace").split())
        raise FeedProblem("not-atom", f"the answer is no Atom feed ({snippet!r})")
    for entry in feed.entries:
        entry_id = str(entry.get("id") or "")
        title = clean_text(entry.get("title"))
        if _ERROR_ID_RE.search(entry_id) or (title == "Error" and "arxiv api" in
                                              str(entry.get("author") or "").lower()):
            message = clean_text(entry.get("summary")) or "arXiv reported an error"
            raise FeedProblem("error", message)
    wanted = strip_arxiv_version(asked).lower()
    for entry in feed.entries:
        m = _ID_RE.match(str(entry.get("id") or "").strip())
        if not m or m["id"].lower() != wanted:
            continue
        title = clean_text(entry.get("title"))
        if not title and not entry.get("published"):
            return None          # the old API's "no such paper": an id and nothing else
        return _record(entry, m["id"], int(m["v"]) if m["v"] else None, title)
    return None


def _record(entry: Any, arxiv_id: str, version: int | None, title: str) -> ArxivRecord:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    year, month = (stamp.tm_year, stamp.tm_mon) if stamp else (None, None)
    authors = tuple(name for name in (clean_text(a.get("name")) for a in
                                      entry.get("authors") or []) if name)
    primary = entry.get("arxiv_primary_category")
    primary_class = str(primary.get("term")) if isinstance(primary, dict) and \
        primary.get("term") else None
    categories = tuple(str(t.get("term")) for t in entry.get("tags") or [] if t.get("term"))
    return ArxivRecord(
        arxiv_id=arxiv_id, version=version, title=title, authors=authors, year=year,
        month=month, primary_class=primary_class, doi=_doi(entry),
        journal_ref=clean_text(entry.get("arxiv_journal_ref")) or None,
        comment=clean_text(entry.get("arxiv_comment")) or None,
        summary=clean_text(entry.get("summary")), categories=categories)


def _doi(entry: Any) -> str | None:
    """The first DOI of `arxiv:doi` (a space-separated list at times), else
    of the entry's `<link title="doi">`."""
    texts = str(entry.get("arxiv_doi") or "").split()
    texts += [str(link.get("href") or "") for link in entry.get("links") or []
              if link.get("title") == "doi"]
    for text in texts:
        doi = normalize_doi(text)
        if doi and not doi.casefold().startswith("10.48550/"):
            return doi
    return None
