"""Add papers to a loaded catalog: resolve, refuse duplicates, choose the
venue and the key, append. Nothing here writes the file; the caller saves
when `Outcome.ok` (or with --keep-going, whatever was added).

Duplicates are found the way `import` finds them (dedup.find_same: the same
DOI, arXiv id or link with a similar title, or the same folded title,
alt_titles included), then near-identical titles (dedup.find_probable),
which are refused unless forced. A paper whose published version arXiv
names is refused with that version offered: the catalog lists the published
paper, with the preprint's arXiv id kept on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..dedup import Index, find_probable, find_same
from ..identifiers import doi_key, ids_from_url, invalid_identifiers
from ..keys import KeyPool
from ..merge import same
from ..model import Catalog, CodeLink, Entry, Venue
from ..paper_ids import PaperId
from ..store import LoadedCatalog
from ..toml_render import toml_key
from . import venues
from .drafts import provenance_label
from .sources import AddError, Found, ServiceDown, Sources


@dataclass
class Request:
    """What the user asked besides the identifiers (already validated)."""

    categories: list[str] = field(default_factory=list)
    code: list[CodeLink] = field(default_factory=list)
    venue: str | None = None             # a catalog venue key
    section: int | None = None
    key: str | None = None
    link: str | None = None              # the paper's page, for PMLR / OpenReview papers
    arxiv: str | None = None             # the preprint's arXiv id, kept on a DOI's entry
    force: bool = False
    # the user's options as typed, repeated in commands we suggest
    options_text: str = ""


@dataclass
class Added:
    paper: PaperId
    entry: Entry
    new_venue: Venue | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Failed:
    paper: PaperId
    message: str
    code: int = 1
    notes: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    added: list[Added] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)
    stopped: str | None = None           # a service could not be reached
    interrupted: bool = False            # Ctrl-C: the run ended where it was

    @property
    def ok(self) -> bool:
        return not self.failed and self.stopped is None and not self.interrupted


class AlreadyIn(AddError):
    """The paper is in the catalog."""


class Adder:
    def __init__(self, catalog: Catalog, sources: Sources, request: Request) -> None:
        self.catalog = catalog
        self.sources = sources
        self.request = request
        self.index = Index(catalog.entries)
        self.keys = KeyPool(catalog.taken_keys(), catalog.settings.key_format)

    def run(self, papers: list[PaperId]) -> Outcome:
        """Every paper in turn; a service out of reach, or Ctrl-C, stops the run."""
        outcome = Outcome()
        for paper in papers:
            notes: list[str] = []
            try:
                outcome.added.append(self.one(paper, notes))
            except ServiceDown as exc:
                outcome.stopped = str(exc)
                break
            except AddError as exc:
                outcome.failed.append(Failed(paper, str(exc), exc.exit_code, notes))
            except KeyboardInterrupt:
                # Ctrl-C, most often while arXiv's pace or a backoff waits:
                # every wait ends now and nothing more is sent.
                self.sources.cancel()
                outcome.interrupted = True
                break
        return outcome

    def one(self, paper: PaperId, notes: list[str]) -> Added:
        holder = self._holder_of(paper)
        if holder is not None:
            raise AlreadyIn(f"already in the catalog as {holder.key}")
        found = self.sources.resolve(paper)
        notes.extend(found.notes)
        entry = found.entry
        for name, value, what in list(invalid_identifiers(entry)):
            # A service's text that fails the catalog's test (a DOI with TeX
            # in it) is never written: exporters write identifiers as they are.
            # The DOI asked for (read strictly) stands in for a refused one.
            kept = paper.value if name == "doi" and paper.kind == "doi" else None
            setattr(entry, name, kept)
            if kept is None:
                entry.provenance.pop(name, None)
            notes.append(f"{name}: {found.source} has {value[:80]!r}, which is not {what}; "
                         + (f"kept {kept}, the DOI asked for" if kept else "left out"))
        self._apply_request(entry)
        self._refuse_duplicates(found, notes)
        venue, new = self._venue(found)
        entry.venue = venue.key
        if found.source == "arxiv" and venue.kind != "preprint":
            # Published elsewhere (--venue): arXiv is not that version's publisher.
            entry.publisher = None
            entry.provenance.pop("publisher", None)
        if self.request.venue is None:
            entry.provenance["venue"] = provenance_label(found.source, self.sources.today)
        if entry.container_title and same("container_title", entry.container_title,
                                          venue.name):
            entry.container_title = None
            entry.provenance.pop("container_title", None)
        if new is not None:
            self.catalog.venues[new.key] = new
        if entry.entry_type == self.catalog.entry_type(replace(entry, entry_type=None)):
            entry.entry_type = None
        key = self.request.key or self.keys.assign(entry)
        self.keys.add(key)
        entry.key = key
        self.catalog.entries.append(entry)
        self.index.add(entry)
        return Added(paper, entry, new, notes)

    # -- steps --------------------------------------------------------------------

    def _holder_of(self, paper: PaperId) -> Entry | None:
        """The entry that already carries an identifier no service can check
        against a title (PMLR, OpenReview, PII, IEEE document number)."""
        if paper.kind not in ("pmlr", "openreview", "pii", "ieee"):
            return None
        for entry in self.catalog.entries:
            if str(getattr(entry, paper.kind) or "").casefold() == paper.value.casefold():
                return entry
        return None

    def _apply_request(self, entry: Entry) -> None:
        request = self.request
        entry.categories = list(request.categories)
        entry.code = list(request.code)
        if request.section is not None and request.section != entry.year:
            entry.sections = [request.section]
        if request.link:
            entry.url = request.link
            entry.provenance.pop("url", None)
            for name, value in ids_from_url(request.link).as_dict().items():
                if not getattr(entry, name):
                    setattr(entry, name, value)
        if request.arxiv and not entry.arxiv:
            entry.arxiv = request.arxiv

    def _refuse_duplicates(self, found: Found, notes: list[str]) -> None:
        entry = found.entry
        match = find_same(self.index, entry)
        if match.entry is not None:
            raise AlreadyIn(f"already in the catalog as {match.entry.key}")
        if match.several:
            keys = ", ".join(sorted(e.key for e in match.several))
            raise AddError(f"{entry.title[:80]!r} matches several entries ({keys}): not added")
        for other in match.other_titles:
            notes.append(f"entry {other.key} carries the same DOI, arXiv id or link, but its "
                         f"title {other.title[:80]!r} differs: taken as another paper")
        published = found.published
        if published is not None:
            holders = self.index.by_doi.get(doi_key(published.doi), {})
            if holders:
                holder = next(iter(holders.values()))
                raise AlreadyIn(f"already in the catalog as {holder.key} (its published "
                                f"version, DOI {published.doi})")
        problems = []
        near = find_probable(self.index, entry.title)
        if near is not None:
            if self.request.force:
                notes.append(f"added although it looks like entry {near.key} "
                             f"{near.title!r} (--force)")
            else:
                problems.append(f"probable duplicate: {entry.title!r} looks like entry "
                                f"{near.key} {near.title!r}")
        if published is not None and not self.request.force:
            suggestion = " ".join(p for p in ("ssl-bib add", published.doi, "--arxiv",
                                              entry.arxiv or "", self.request.options_text)
                                  if p)
            problems.append(f"published as DOI {published.doi} ({published.describe()}): "
                            f"add that instead with `{suggestion}`")
        if problems:
            raise AddError("; ".join(problems) + "; not added (give --force to add it anyway)")

    def _venue(self, found: Found) -> tuple[Venue, Venue | None]:
        """The entry's venue, and the venue when it is new to the catalog."""
        if self.request.venue is not None:
            return self.catalog.venues[self.request.venue], None
        if found.clues is None:                      # an arXiv record
            venue = venues.preprint_venue(self.catalog)
        else:
            try:
                known = venues.match(self.catalog, found.clues)
            except venues.AmbiguousVenue as exc:
                raise AddError(f"its venue could be any of {exc}: name one with --venue") \
                    from None
            venue = known or venues.new_venue(self.catalog, found.clues)
        new = venue if venue.key not in self.catalog.venues else None
        return venue, new


# -- where the added blocks are -------------------------------------------------------

def block_at(text: str, header: str) -> tuple[int, str]:
    """(1-based line, the table's text) of the TOML table starting with the
    line `header` (up to the next table or blank line); (0, "") if absent."""
    lines = text.splitlines()
    try:
        start = lines.index(header)
    except ValueError:
        return 0, ""
    end = start + 1
    while end < len(lines) and lines[end].strip() and not lines[end].startswith("["):
        end += 1
    return start + 1, "\n".join(lines[start:end]) + "\n"


def entry_block(text: str, key: str) -> tuple[int, str]:
    """The `[[entries]]` table whose key is `key`: its line and its text."""
    m = re.search(rf'^\[\[entries\]\]\nkey = {re.escape(_quoted(key))}\n', text, re.MULTILINE)
    if m is None:
        return 0, ""
    line = text.count("\n", 0, m.start()) + 1
    lines = text.splitlines()
    end = line
    while end < len(lines) and lines[end].strip() and not lines[end].startswith("[["):
        end += 1
    return line, "\n".join(lines[line - 1:end]) + "\n"


def venue_block(text: str, key: str) -> tuple[int, str]:
    return block_at(text, f"[venues.{toml_key(key)}]")


def _quoted(key: str) -> str:
    from ..toml_render import toml_string

    return toml_string(key)


def check_added(loaded: LoadedCatalog, outcome: Outcome) -> list[str]:
    """Errors `check` would report on the added entries: a safety net, the
    adder should never produce them."""
    from ..validate import check

    keys = {a.entry.key for a in outcome.added}
    return [p.format() for p in check(loaded) if p.severity == "error" and p.key in keys]
