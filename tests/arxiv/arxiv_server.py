"""A local stand-in for the arXiv API (`/api/query?id_list=...`), for tests.

Shaped on the API user's manual and a recorded real response: an Atom feed
with the opensearch counts, one entry per paper with a versioned `<id>`,
`<published>` (first version) and `<updated>`, a hard-wrapped and indented
title and summary, `arxiv:comment`, `arxiv:journal_ref`, `arxiv:doi`,
`arxiv:primary_category`, the alternate/pdf/doi links and the categories.

- A malformed id gets the error feed: one entry titled "Error" whose id is
  `http://arxiv.org/api/errors#incorrect_id_format_for_ID`, with HTTP 200 as
  the manual documents (`error_status=400` gives today's status).
- An id arXiv does not have gets an empty feed (totalResults 0), or with
  `old_not_found=True` the older shape: an entry with an id and nothing else.
- `style` picks where the arxiv namespace is declared: on the feed (the
  manual), on each element (the recording), or under another prefix.
- Faults for the next requests: "rate" (plain-text "Rate exceeded.", with
  `status` 429, 503 or even 200), "500", "503", "drop" (the connection closed
  without an answer), "slow" (answered after `delay` seconds), "slowloris"
  (a feed trickling in a byte every `delay` or 0.2 s), "huge" and
  "huge-chunked" (a gigabyte of feed, its length declared or not).
- A log of requests with start and end times and the largest number in flight.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape, quoteattr

from tests.local_server import LocalServer, misbehave

_NEW_ID = re.compile(r"^(\d{2})(\d{2})\.\d{4,5}(v\d+)?$")
_OLD_ID = re.compile(r"^[a-z][a-z\-]*(\.[A-Z]{2})?/\d{2}(\d{2})\d{3}(v\d+)?$")


@dataclass
class Paper:
    """One arXiv paper as the server knows it."""

    arxiv_id: str                      # without version
    title: str
    authors: list[str]
    published: str                     # first version, RFC 3339
    versions: int = 1
    updated: str = ""                  # the latest version's date
    summary: str = "We study a problem and report results."
    primary: str = "cs.CV"
    categories: list[str] = field(default_factory=list)
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None


@dataclass
class Fault:
    # "rate" | "500" | "503" | "drop" | "slow" | "slowloris" | "huge" | "huge-chunked"
    kind: str
    status: int = 429                  # for "rate"
    delay: float = 0.0                 # for "slow"; "slowloris": between bytes
    retry_after: str | None = None


@dataclass
class Logged:
    path: str
    params: dict[str, list[str]]
    user_agent: str
    started: float
    finished: float = 0.0
    status: int = 0


def _wrap(text: str, indent: str, width: int = 72) -> str:
    """Hard-wrap as arXiv does: lines of about `width`, each continued line indented."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return f"\n{indent}".join(escape(line) for line in lines)


def valid_id(text: str) -> bool:
    m = _NEW_ID.match(text) or _OLD_ID.match(text)
    return bool(m) and 1 <= int(m.group(2)) <= 12


class ArxivServer(LocalServer):
    """`with ArxivServer(papers) as server: ... server.url ...`"""

    def __init__(self, papers: list[Paper], style: str = "manual", error_status: int = 200,
                 old_not_found: bool = False) -> None:
        self.papers = {p.arxiv_id: p for p in papers}
        self.style = style
        self.error_status = error_status
        self.old_not_found = old_not_found
        self.faults: list[Fault] = []
        self._log: list[Logged] = []
        self.lock = threading.Lock()
        # The most requests at once that had not yet been answered: a request
        # counts from its arrival until its answer starts, so a client that
        # asks only after reading the last answer always measures 1 (a count
        # taken after the write would race with the client's next request).
        self.max_in_flight = 0
        super().__init__()

    def fail_next(self, *faults: Fault) -> None:
        with self.lock:
            self.faults.extend(faults)

    @property
    def log(self) -> list[Logged]:
        with self.lock:
            return list(self._log)

    # -- serving ------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        params = parse_qs(parts.query, keep_blank_values=True)
        entry = Logged(parts.path, params, handler.headers.get("User-Agent", ""),
                       time.monotonic())
        with self.lock:
            self._log.append(entry)
            waiting = sum(1 for e in self._log if not e.finished)
            self.max_in_flight = max(self.max_in_flight, waiting)
            fault = self.faults.pop(0) if self.faults else None
        try:
            if fault is not None and fault.kind == "drop":
                self._answered(entry, 0)
                handler.close_connection = True
                handler.connection.shutdown(2)
                return
            if fault is not None and fault.kind in ("slowloris", "huge", "huge-chunked"):
                self._answered(entry, 200)
                handler.close_connection = True
                misbehave(handler.wfile, fault.kind, start=b'<?xml version="1.0"?>\n<feed '
                          b'xmlns="http://www.w3.org/2005/Atom">\n',
                          content_type="application/atom+xml", interval=fault.delay or 0.2)
                return
            if fault is not None and fault.kind == "slow":
                time.sleep(fault.delay)
            if fault is not None and fault.kind == "rate":
                self._send(handler, entry, fault.status, b"Rate exceeded.", "text/plain",
                           fault.retry_after)
                return
            if fault is not None and fault.kind in ("500", "503"):
                self._send(handler, entry, int(fault.kind), b"<html>Service unavailable</html>",
                           "text/html", fault.retry_after)
                return
            if parts.path != "/api/query":
                self._send(handler, entry, 404, b"Not found", "text/plain")
                return
            status, body = self._answer(params)
            self._send(handler, entry, status, body.encode("utf-8"),
                       "application/atom+xml; charset=utf-8")
        finally:
            self._answered(entry, entry.status)

    def _answered(self, entry: Logged, status: int) -> None:
        """Mark `entry` answered (once), before a byte of the answer is sent."""
        with self.lock:
            if not entry.finished:
                entry.status, entry.finished = status, time.monotonic()

    def _send(self, handler: BaseHTTPRequestHandler, entry: Logged, status: int, body: bytes,
              ctype: str, retry_after: str | None = None) -> None:
        self._answered(entry, status)
        handler.send_response(status)
        handler.send_header("Content-Type", ctype)
        handler.send_header("Content-Length", str(len(body)))
        if retry_after:
            handler.send_header("Retry-After", retry_after)
        handler.end_headers()
        with contextlib.suppress(OSError):
            handler.wfile.write(body)

    def _answer(self, params: dict[str, list[str]]) -> tuple[int, str]:
        ids = [i for i in (params.get("id_list") or [""])[0].split(",") if i]
        query = f"search_query=&amp;id_list={escape(','.join(ids))}&amp;start=0&amp;max_results=10"
        for asked in ids:
            if not valid_id(asked):
                return self.error_status, self._feed(query, [self._error(asked)])
        entries = []
        for asked in ids:
            m = re.match(r"^(.*?)(?:v(\d+))?$", asked)
            base, version = (m.group(1), m.group(2)) if m else (asked, None)
            paper = self.papers.get(base)
            if paper is None or (version and int(version) > paper.versions):
                if self.old_not_found:
                    entries.append(f"  <entry>\n    <id>http://arxiv.org/abs/{escape(asked)}</id>"
                                   "\n    <title></title>\n  </entry>\n")
                continue
            entries.append(self._entry(paper, int(version) if version else paper.versions))
        return 200, self._feed(query, entries)

    def _ns(self) -> tuple[str, str]:
        """(feed-level declaration, per-element declaration, ) for the style."""
        if self.style == "recorded":
            return "", ' xmlns:arxiv="http://arxiv.org/schemas/atom"'
        if self.style == "prefix":
            return ' xmlns:ax="http://arxiv.org/schemas/atom"', ""
        return ' xmlns:arxiv="http://arxiv.org/schemas/atom"', ""

    def _feed(self, query: str, entries: list[str]) -> str:
        feed_ns, _ = self._ns()
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<feed xmlns="http://www.w3.org/2005/Atom"{feed_ns}>\n'
            f'  <link href="http://arxiv.org/api/query?{query}" rel="self" '
            'type="application/atom+xml"/>\n'
            f'  <title type="html">ArXiv Query: {query}</title>\n'
            '  <id>http://arxiv.org/api/Zq0s3sb1vQ1T2t3CqQ9k</id>\n'
            '  <updated>2026-11-30T00:00:00-05:00</updated>\n'
            '  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
            f'{len(entries)}</opensearch:totalResults>\n'
            '  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
            '0</opensearch:startIndex>\n'
            '  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
            '10</opensearch:itemsPerPage>\n'
            + "".join(entries) + "</feed>\n")

    def _error(self, asked: str) -> str:
        anchor = f"http://arxiv.org/api/errors#incorrect_id_format_for_{escape(asked)}"
        return (f"  <entry>\n    <id>{anchor}</id>\n    <title>Error</title>\n"
                f"    <summary>incorrect id format for {escape(asked)}</summary>\n"
                "    <updated>2026-11-30T00:00:00-05:00</updated>\n"
                f'    <link href="{anchor}" rel="alternate" type="text/html"/>\n'
                "    <author>\n      <name>arXiv api core</name>\n    </author>\n  </entry>\n")

    def _entry(self, paper: Paper, version: int) -> str:
        _, element_ns = self._ns()
        prefix = "ax" if self.style == "prefix" else "arxiv"
        vid = f"{paper.arxiv_id}v{version}"
        updated = paper.updated if version == paper.versions and paper.updated else \
            paper.published
        out = [
            "  <entry>\n",
            f"    <id>http://arxiv.org/abs/{vid}</id>\n",
            f"    <updated>{updated}</updated>\n",
            f"    <published>{paper.published}</published>\n",
            f"    <title>{_wrap(paper.title, '      ')}</title>\n",
            f"    <summary>\n      {_wrap(paper.summary, '      ', 78)}\n    </summary>\n",
        ]
        for name in paper.authors:
            out.append(f"    <author>\n      <name>{escape(name)}</name>\n    </author>\n")
        if paper.doi:
            out.append(f"    <{prefix}:doi{element_ns}>{escape(paper.doi)}</{prefix}:doi>\n")
            out.append(f'    <link title="doi" href={quoteattr("http://dx.doi.org/" + paper.doi)}'
                       ' rel="related"/>\n')
        if paper.comment:
            out.append(f"    <{prefix}:comment{element_ns}>{escape(paper.comment)}"
                       f"</{prefix}:comment>\n")
        if paper.journal_ref:
            out.append(f"    <{prefix}:journal_ref{element_ns}>{escape(paper.journal_ref)}"
                       f"</{prefix}:journal_ref>\n")
        out.append(f'    <link href="http://arxiv.org/abs/{vid}" rel="alternate" '
                   'type="text/html"/>\n')
        out.append(f'    <link title="pdf" href="http://arxiv.org/pdf/{vid}" rel="related" '
                   'type="application/pdf"/>\n')
        out.append(f'    <{prefix}:primary_category{element_ns} term="{paper.primary}" '
                   'scheme="http://arxiv.org/schemas/atom"/>\n')
        for term in paper.categories or [paper.primary]:
            out.append(f'    <category term="{term}" scheme="http://arxiv.org/schemas/atom"/>\n')
        out.append("  </entry>\n")
        return "".join(out)
