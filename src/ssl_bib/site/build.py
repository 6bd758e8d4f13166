"""Build the site's files from a catalog, in memory: the page (a Jinja2
template with autoescaping, so catalog text is always text), its stylesheet
and script under content-hashed names (a changed script is never served from
a stale cache), the search index embedded in the page, and the citations in
chunk files that the page loads only when a reader asks for one.

The output is a pure function of the catalog and the options: no dates, no
versions, fixed orders, so an unchanged catalog renders byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from ..exporting import FORMATS
from ..gcpause import paused_gc
from ..model import Catalog, Entry
from ..richtext import to_unicode
from ..select import entry_years, search_text
from .links import arxiv_url, doi_url, web_url
from .packing import packed

# Papers per citation file: a Cite click loads one file of about this many
# papers' citations (~250 KB); the bundled catalog fits in one.
CHUNK = 100
AUTHORS_SHOWN = 3
FORMAT_LABELS = {"bibtex": "BibTeX", "biblatex": "biblatex", "ris": "RIS", "csljson": "CSL-JSON"}
FORMAT_TYPES = {"bibtex": "application/x-bibtex", "biblatex": "application/x-bibtex",
                "ris": "application/x-research-info-systems",
                "csljson": "application/vnd.citationstyles.csl+json"}
# How the export writers join entries: the text of several entries is the
# texts of each, joined so. The page builds "Download these N" this way, and
# the tests hold the writers to it (csljson: one JSON array).
FORMAT_JOIN = {"bibtex": "\n", "biblatex": "\n", "ris": "\n", "csljson": "json"}


@dataclass(frozen=True)
class Link:
    """A link of a paper; `href` None when the catalog's URL was refused, and
    then `text` shows the URL as text."""

    label: str
    href: str | None
    text: str = ""


@dataclass
class PaperView:
    key: str
    title: str
    link: Link | None
    authors: list[str]
    venue: str | None
    venue_name: str | None
    year: int
    categories: list[str]
    links: list[Link]
    citable: bool
    primary_section: int


@dataclass
class SectionItem:
    paper: PaperView
    primary: bool  # False: a pointer to the paper's place in another year


@dataclass
class Section:
    year: int
    anchor: str
    items: list[SectionItem] = field(default_factory=list)


@dataclass
class Facet:
    value: str
    label: str
    count: int
    title: str | None = None


@dataclass
class SiteBuild:
    files: dict[str, bytes]
    # (entry, why it has no citation on the site): the command reports each.
    warnings: list[tuple[Entry, str]]


def build_site(catalog: Catalog, entries: Sequence[Entry], *, title: str,
               base_url: str | None = None,
               on_cited: Callable[[str], None] | None = None,
               uncitable: Mapping[str, str] | None = None) -> SiteBuild:
    """Every file of the site, by its path relative to the site's folder.
    `on_cited(key)` is called as each entry's citations are written (the
    long part, for a progress bar). `uncitable` maps the keys of entries
    that `ssl-bib export` refuses (a `check` error) to why: they get no
    citation, as a writer's refusal gives none."""
    entries = list(entries)
    citations, warnings = _citations(catalog, entries, on_cited, uncitable or {})
    files: dict[str, bytes] = {}
    chunk_names = []
    for start in range(0, len(entries), CHUNK):
        number = start // CHUNK
        payload = json.dumps([None if texts is None else packed(texts)
                              for texts in citations[start:start + CHUNK]],
                             ensure_ascii=False, separators=(",", ":"))
        payload = payload.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        name = _hashed("cite/", f"sslBibCite({number},{payload});\n".encode(), ".js", files)
        chunk_names.append(name)
    css = _hashed("assets/site-", _asset("site.css"), ".css", files)
    script = _hashed("assets/site-", _asset("site.js"), ".js", files)

    ids = _UiIds(entries)
    papers = [_paper(catalog, entry, citations[i] is not None) for i, entry in enumerate(entries)]
    index, facets = _index(catalog, entries, chunk_names)
    page = _environment().get_template("index.html.j2").render(
        title=title, canonical=base_url, css=css, script=script, ids=ids,
        papers=papers, sections=_sections(papers, entries, ids), venues=_venue_list(catalog),
        facets=facets, index=index, formats=index["formats"], total=len(entries),
        with_code=sum(1 for e in entries if e.code),
    )
    files["index.html"] = page.encode("utf-8")
    return SiteBuild(files=files, warnings=warnings)


def _citations(catalog: Catalog, entries: list[Entry],
               on_cited: Callable[[str], None] | None = None,
               uncitable: Mapping[str, str] | None = None,
               ) -> tuple[list[list[str] | None], list[tuple[Entry, str]]]:
    """Each entry's text in every format, exactly as `ssl-bib export -f FORMAT
    --key KEY` writes it (the same writers); None for an entry a writer refuses."""
    from ..codecs.fields import ExportError, check_unique_keys

    check_unique_keys(entries)  # a clash stops the build, as it stops an export
    writers = [fmt.writer() for fmt in FORMATS.values()]
    out: list[list[str] | None] = []
    warnings: list[tuple[Entry, str]] = []
    with paused_gc():
        for entry in entries:
            why = (uncitable or {}).get(entry.key)
            try:
                if why is not None:
                    raise ExportError(entry.key, None, why)
                out.append([write(catalog, [entry]) for write in writers])
            except ExportError as exc:
                out.append(None)
                what = f"field {exc.field}: " if exc.field else ""
                warnings.append((entry, f"no citation on the site: {what}{exc.message}"))
            if on_cited is not None:
                on_cited(entry.key)
    return out, warnings


def _paper(catalog: Catalog, entry: Entry, citable: bool) -> PaperView:
    links: list[Link] = []
    if entry.doi:
        links.append(Link("DOI", doi_url(entry.doi.strip())))
    if entry.arxiv:
        links.append(Link("arXiv", arxiv_url(entry.arxiv.strip())))
    for code in entry.code:
        label = f"Code: {code.label}" if code.label else "Code"
        links.append(Link(label, web_url(code.url.strip()), code.url))
    paper_link = None
    if entry.url:
        paper_link = Link("Paper", web_url(entry.url.strip()), entry.url)
    elif entry.doi or entry.arxiv:
        paper_link = links[0]
    authors = [f"{p.given} {p.family}" if p.given else p.family for p in entry.authors]
    return PaperView(
        key=entry.key, title=" ".join(to_unicode(entry.title).split()), link=paper_link,
        authors=authors,
        venue=entry.venue, venue_name=_venue_title(catalog, entry.venue or ""),
        year=entry.year, categories=list(entry.categories), links=links, citable=citable,
        primary_section=_primary_section(entry))


def _primary_section(entry: Entry) -> int:
    """The year section that holds the paper itself; other sections it is
    listed in hold a pointer to it (an id appears once on a page)."""
    sections = entry.listed_sections()
    return entry.year if entry.year in sections else max(sections)


def _sections(papers: list[PaperView], entries: list[Entry], ids: _UiIds) -> list[Section]:
    """One section per README year, newest first, papers in catalog order."""
    by_year: dict[int, Section] = {}
    for year in sorted({y for e in entries for y in e.listed_sections()}, reverse=True):
        by_year[year] = Section(year, ids.get(str(year)))
    for paper, entry in zip(papers, entries, strict=True):
        for year in dict.fromkeys(entry.listed_sections()):
            by_year[year].items.append(SectionItem(paper, year == paper.primary_section))
    return list(by_year.values())


def _venue_list(catalog: Catalog) -> list[tuple[str, str, str | None]]:
    """The list's venue list: (full name, abbreviation, link) of listed venues."""
    return [(v.name, v.key, web_url(v.url)) for v in catalog.venues.values() if v.listed]


def _index(catalog: Catalog, entries: list[Entry], chunks: list[str]
           ) -> tuple[dict[str, Any], dict[str, list[Facet]]]:
    """The data the script searches and filters: per paper its folded search
    text (select.search_text, the text `ssl-bib list --search` looks in), its
    years, venue and categories as facet numbers, and whether it has code."""
    used_venues = list(dict.fromkeys(e.venue for e in entries if e.venue))
    venue_keys = [k for k in catalog.venues if k in used_venues]
    venue_keys += [k for k in used_venues if k not in catalog.venues]
    used_categories = {c for e in entries for c in e.categories}
    categories = [c for c in catalog.categories if c in used_categories]
    categories += sorted(used_categories.difference(categories), key=str.casefold)
    years = sorted({y for e in entries for y in entry_years(e)}, reverse=True)

    venue_number = {k: i for i, k in enumerate(venue_keys)}
    category_number = {c: i for i, c in enumerate(categories)}
    papers = [[e.key, search_text(e, catalog), sorted(entry_years(e)),
               venue_number.get(e.venue or "", -1),
               sorted({category_number[c] for c in e.categories}), 1 if e.code else 0]
              for e in entries]

    def venue_names(key: str) -> list[str]:
        venue = catalog.venues.get(key)
        return [venue.name, *venue.aliases] if venue else []

    year_counts = Counter(y for e in entries for y in entry_years(e))
    venue_counts = Counter(e.venue for e in entries)
    category_counts = Counter(c for e in entries for c in set(e.categories))
    facets = {
        "year": [Facet(str(y), str(y), year_counts[y]) for y in years],
        "venue": [Facet(k, k, venue_counts[k], _venue_title(catalog, k)) for k in venue_keys],
        "category": [Facet(c, c, category_counts[c]) for c in categories],
    }
    index = {
        "papers": papers, "years": years, "chunks": chunks, "chunkSize": CHUNK,
        "venues": [[k, *venue_names(k)] for k in venue_keys], "categories": categories,
        "formats": [{"id": name, "label": FORMAT_LABELS[name], "file": fmt.filename,
                     "suffix": fmt.filename.removeprefix("references"),
                     "type": FORMAT_TYPES[name], "join": FORMAT_JOIN[name]}
                    for name, fmt in FORMATS.items()],
    }
    return index, facets


def _venue_title(catalog: Catalog, key: str) -> str | None:
    """A venue's full name, when it says more than its abbreviation."""
    venue = catalog.venues.get(key)
    return venue.name if venue and venue.name != key else None


class _UiIds:
    """The page's own element ids. A paper's id is its key, which may be any
    of [A-Za-z0-9_:.+/-]; an id of ours that some key already is (ignoring
    case) gets a "~", which no key holds."""

    def __init__(self, entries: list[Entry]) -> None:
        self._keys = {e.key.casefold() for e in entries}

    def get(self, name: str) -> str:
        return name + "~" if name.casefold() in self._keys else name


def _hashed(prefix: str, content: bytes, suffix: str, files: dict[str, bytes]) -> str:
    name = f"{prefix}{hashlib.sha256(content).hexdigest()[:10]}{suffix}"
    files[name] = content
    return name


def _asset(name: str) -> bytes:
    return (resources.files(__package__) / "assets" / name).read_bytes()


@lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2
    from jinja2.utils import htmlsafe_json_dumps

    env = jinja2.Environment(
        loader=jinja2.PackageLoader(__package__, "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined)
    # Escapes <, >, & and ' so the JSON can sit in a <script> element.
    env.filters["json"] = lambda value: htmlsafe_json_dumps(
        value, ensure_ascii=False, separators=(",", ":"))
    return env
