"""Bring papers from other files into the catalog without duplicates or loss.

read (codecs.registry: a reader per format, then one normalisation pass) ->
match each record to the catalog (DOI, arXiv id, normalised title incl.
alt_titles, exact URL; then a fuzzy title check) -> merge.fill() for matches,
a new entry with a key by the catalog's rule for the rest. Probable
duplicates (near-identical titles) are reported with both entries and not
added. An input in which no record is found is an error of its own. The
caller decides whether to write.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .codecs import registry
from .codecs.read_result import OnProgress, ReadResult, Record
from .codecs.readme.venues import guess_venue_kind, split_name_abbr
from .dedup import Index, find_probable, find_same
from .gcpause import paused_gc
from .keys import KeyPool
from .lazy_re import compiled
from .merge import MERGEABLE, Conflict, drop_corrected, fill
from .model import FIRST_YEAR, Catalog, Entry, EntryType, Venue, VenueKind, plausible_year
from .problems import InputError, Problem
from .records import FACTORY, DataMethods
from .textnorm import normalize_title

OnDuplicate = Literal["merge", "skip", "add"]


def read_text(path: Path) -> str:
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), 0, "no such file") from None
    except OSError as exc:
        raise InputError(str(path), 0, f"cannot read: {exc.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(str(path), line, "not UTF-8 text") from None


@dataclass(init=False, repr=False, eq=False)
class Outcome(DataMethods):
    added: list[Entry] = field(default_factory=list)
    merged: list[tuple[Entry, list[str]]] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Inputs in which no record was found: (file, the format it was read as).
    empty: list[tuple[str, str]] = field(default_factory=list)

    def __init__(self, added: list[Entry] = FACTORY,
                 merged: list[tuple[Entry, list[str]]] = FACTORY, unchanged: int = 0,
                 skipped: int = 0, conflicts: list[Conflict] = FACTORY,
                 problems: list[Problem] = FACTORY,
                 empty: list[tuple[str, str]] = FACTORY) -> None:
        self.added = [] if added is FACTORY else added
        self.merged = [] if merged is FACTORY else merged
        self.unchanged = unchanged
        self.skipped = skipped
        self.conflicts = [] if conflicts is FACTORY else conflicts
        self.problems = [] if problems is FACTORY else problems
        self.empty = [] if empty is FACTORY else empty

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems) + len(self.empty)

    def drop(self, key: str) -> None:
        """Forget an added or merged entry that was not kept after all."""
        self.added = [e for e in self.added if e.key != key]
        self.merged = [(e, f) for e, f in self.merged if e.key != key]
        self.skipped += 1

    def summary(self) -> str:
        return (f"added {len(self.added)}, merged {len(self.merged)}, "
                f"unchanged {self.unchanged}, conflicts {len(self.conflicts)}, "
                f"skipped {self.skipped}")


# An edition's year after a venue's name or abbreviation: "MICCAI 2020",
# "AAAI-20", "ECML PKDD 2021", "ICCV'21". It starts only where a run of spaces
# starts, and takes the run whole: tried at every space of a long run, `\s*`
# rescanned the rest of the run from each (20 KB of spaces: over 10 minutes).
_YEAR_SUFFIX_RE = compiled(r"(?<!\s)\s*+(?:[-'’]\s*+\d{2}|[-'’]?\s*+(?:19|20)\d{2})$")


class VenueMap:
    """Venue names and abbreviations as inputs write them -> catalog venue keys."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.names: dict[str, str] = {}
        for venue in catalog.venues.values():
            self.learn(venue)

    def learn(self, venue: Venue) -> None:
        for name in (venue.key, venue.name, *venue.aliases):
            self.names.setdefault(normalize_title(name), venue.key)

    def resolve(self, name: str | None, kind: EntryType | None, arxiv: bool) -> str | None:
        if not name:
            if kind == "preprint" or (arxiv and kind is None):
                return self.names.get("arxiv")
            return None
        parts = split_name_abbr(name)
        # "Machine Learning for Healthcare Conference (MLHC 2020)": the full
        # name, then the abbreviation, each also without the edition's year.
        candidates = [name, parts[1], parts[0]] if parts else [name]
        for candidate in candidates:
            for text in (candidate, _YEAR_SUFFIX_RE.sub("", candidate)):
                key = self.names.get(normalize_title(text)) if text else None
                if key is not None:
                    return key
        return None

    def add(self, name: str, kind: EntryType | None, listed: bool) -> str:
        parts = split_name_abbr(name)
        full, key = parts if parts else (name, name)
        venue_kind: VenueKind = {"article": "journal", "inproceedings": "conference",
                                 "preprint": "preprint"}.get(kind or "", "") or \
            guess_venue_kind(key, full)  # type: ignore[assignment]
        venue = Venue(key=key, name=full, kind=venue_kind, listed=listed)
        self.catalog.venues[key] = venue
        self.learn(venue)
        return key


class Importer:
    """One import run into one catalog (any number of input files)."""

    def __init__(self, catalog: Catalog, on_duplicate: OnDuplicate = "merge",
                 keep_keys: bool = False, bootstrap: bool = False) -> None:
        self.catalog = catalog
        self.on_duplicate = on_duplicate
        self.keep_keys = keep_keys
        self.bootstrap = bootstrap
        self.index = Index(catalog.entries)
        self.venues = VenueMap(catalog)
        self.keys = KeyPool(catalog.taken_keys(), catalog.settings.key_format)
        self.outcome = Outcome()

    def run(self, result: ReadResult, file: str, progress: OnProgress | None = None) -> None:
        """Import the records of one file; `progress` is called with the
        number of records done."""
        with paused_gc():
            self._run(result, file, progress)

    def _run(self, result: ReadResult, file: str, progress: OnProgress | None) -> None:
        self.outcome.problems.extend(result.problems)
        if self.bootstrap:
            for venue in result.venues.values():
                if venue.listed and venue.key not in self.catalog.venues:
                    self.catalog.venues[venue.key] = venue
                    self.venues.learn(venue)
            for category in result.categories:
                if category not in self.catalog.categories:
                    self.catalog.categories.append(category)
        for done, record in enumerate(result.records, start=1):
            self._one(record, result, file)
            if progress is not None:
                progress(done)

    # -- one record ---------------------------------------------------------

    def _one(self, record: Record, result: ReadResult, file: str) -> None:
        source = f"{file}:{record.line}" + (f" ({record.source_id})" if record.source_id else "")
        incoming = record.entry
        if record.from_readme and any("/" in c for c in incoming.categories):
            # "MAE/Contrastive" is two of the catalog's categories even when the
            # README never uses them alone.
            from .codecs.readme.entries import split_categories

            known = set(self.catalog.categories) | {c for c in result.categories if "/" not in c}
            incoming.categories = list(dict.fromkeys(
                part for c in incoming.categories for part in split_categories(c, known)))
        if self.on_duplicate == "add":
            # Asked to add every record: no matching, no probable duplicates.
            self._add(record, result, source, file)
            return
        norm = normalize_title(incoming.title)
        match = self._match(record, norm, file)
        if match is False:
            self.outcome.skipped += 1
            return
        if match is not None:
            if self.on_duplicate == "skip":
                self.outcome.skipped += 1
                return
            self._merge(match, record, result, source, file)
            return
        if match is None:
            near = find_probable(self.index, incoming.title, norm)
            if near is not None:
                self.outcome.problems.append(Problem(
                    file, record.line, "warning",
                    f"probable duplicate, not added: {incoming.title!r} looks like entry "
                    f"{near.key} {near.title!r} (give --on-duplicate add to add it anyway)"))
                self.outcome.skipped += 1
                return
        self._add(record, result, source, file)

    def _match(self, record: Record, norm: str, file: str) -> Entry | None | Literal[False]:
        """The entry this record is, None for a new paper, False when unsure."""
        entry = record.entry
        same = find_same(self.index, entry, norm)
        for other in same.other_titles:
            self.outcome.problems.append(Problem(
                file, record.line, "warning",
                f"{entry.title[:60]!r} shares a DOI, arXiv id or link with entry "
                f"{other.key} {other.title[:60]!r}, whose title differs: "
                "taken as a different paper"))
        if same.several:
            keys = ", ".join(sorted(e.key for e in same.several))
            self.outcome.problems.append(Problem(
                file, record.line, "warning",
                f"{entry.title[:60]!r} matches several entries ({keys}): not imported"))
            return False
        return same.entry

    def _incoming(self, record: Record, markdown: bool) -> dict[str, Any]:
        entry = record.entry
        values: dict[str, Any] = {name: getattr(entry, name) for name in MERGEABLE}
        values.pop("entry_type", None)
        # A note annotates the incoming record (where its values were seen, a
        # reader's remark), not the paper: merged into an entry the catalog
        # already has, it would ship as bibliography text (BibTeX note, RIS N1).
        # New entries keep theirs; code links in a note were already parsed out.
        values.pop("note", None)
        values["venue"] = None
        values["container_title"] = entry.container_title
        if markdown:
            values["venue"] = entry.venue
            values["sections"] = entry.listed_sections()
            values.pop("year", None)  # the README's year is a section, merged as one
            return values
        values.pop("sections", None)
        if not entry.year:
            values.pop("year", None)
        # Only a venue the input names: "it is a preprint" says nothing about
        # where a paper already in the catalog was published.
        key = self.venues.resolve(record.venue_name, record.kind, bool(entry.arxiv)) \
            if record.venue_name else None
        values["venue"] = key
        if record.venue_name and not self._names_venue(key, record.venue_name):
            values["container_title"] = values["container_title"] or record.venue_name
        return values

    def _names_venue(self, key: str | None, name: str) -> bool:
        if key is None:
            return False
        venue = self.catalog.venues[key]
        norm = normalize_title(name)
        return norm in {normalize_title(n) for n in (venue.key, venue.name, *venue.aliases)}

    def _merge(self, target: Entry, record: Record, result: ReadResult, source: str,
               file: str) -> None:
        markdown = record.from_readme
        incoming = self._incoming(record, markdown)
        if incoming.get("container_title") and self._names_venue(target.venue,
                                                                 incoming["container_title"]):
            # Only the venue's own name again: the entry has it through its venue.
            incoming.pop("container_title")
        if record.kind == "preprint" and self.catalog.entry_type(target) != "preprint":
            # The preprint's repository ("arXiv") is not the publisher of the
            # version the entry lists; its authors, ids and title still apply.
            incoming.pop("publisher", None)
        if markdown and incoming.get("venue"):
            name = str(incoming["venue"])
            key = self.venues.resolve(name, None, False)
            if key is None and not target.venue:
                key = self._ensure_venue(name, result)
            # Unknown and the entry has a venue: a conflict, shown as the README wrote it.
            incoming["venue"] = key or name
        drop_corrected(target, incoming)
        merged = fill(target, incoming, source)
        if self._adopt_aliases(target, record.entry.key_aliases, file, record.line):
            merged.filled.append("key_aliases")
        self._ensure_categories(target.categories)
        self.outcome.conflicts.extend(merged.conflicts)
        if merged.filled:
            self.outcome.merged.append((target, merged.filled))
            self.index.add(target)
        else:
            self.outcome.unchanged += 1

    def _add(self, record: Record, result: ReadResult, source: str, file: str) -> None:
        entry = record.entry
        if not entry.year:
            self.outcome.problems.append(Problem(
                file, record.line, "error",
                f"{entry.title[:60]!r} is not in the catalog and has no year: not added"))
            return
        this_year = dt.date.today().year
        if not plausible_year(entry.year, this_year):
            self.outcome.problems.append(Problem(
                file, record.line, "error",
                f"{entry.title[:60]!r}: year {entry.year} is outside {FIRST_YEAR}.."
                f"{this_year + 1}: not added"))
            return
        markdown = record.from_readme
        if markdown and entry.venue:
            entry.venue = self._ensure_venue(entry.venue, result)
        elif not markdown:
            key = self.venues.resolve(record.venue_name, record.kind, bool(entry.arxiv))
            if key is None and record.venue_name:
                key = self.venues.add(record.venue_name, record.kind, listed=False)
            entry.venue = key
            if record.venue_name and not self._names_venue(key, record.venue_name):
                entry.container_title = entry.container_title or record.venue_name
            if record.kind and record.kind != self.catalog.entry_type(entry):
                entry.entry_type = record.kind
        self._ensure_categories(entry.categories)
        key = record.source_id if self.keep_keys else None
        if not key or not re.fullmatch(r"[A-Za-z0-9_:\-]+", key) or key in self.keys:
            key = self.keys.assign(entry)
        self.keys.add(key)
        entry.key = key
        aliases, entry.key_aliases = entry.key_aliases, []
        self._adopt_aliases(entry, aliases, file, record.line)
        entry.provenance = {"entry": source}
        self.catalog.entries.append(entry)
        self.index.add(entry)
        self.outcome.added.append(entry)

    def _adopt_aliases(self, entry: Entry, aliases: list[str], file: str, line: int) -> bool:
        """Take the record's old keys (biblatex `ids`) as the entry's
        key_aliases, those that no entry uses yet; whether any was new."""
        added = False
        for alias in aliases:
            if alias in entry.key_aliases or alias == entry.key:
                continue
            if alias in self.keys:
                self.outcome.problems.append(Problem(
                    file, line, "warning", f"{entry.title[:60]!r}: old key {alias!r} (ids) "
                    "is already a key or old key in the catalog: not taken"))
                continue
            self.keys.add(alias)
            entry.key_aliases.append(alias)
            added = True
        return added

    def _ensure_venue(self, name: str, result: ReadResult) -> str:
        """A README's venue abbreviation -> a catalog venue key, adding the
        venue (from the README's venue list when it has it) when new."""
        key = self.venues.resolve(name, None, False)
        if key is not None:
            return key
        venue = result.venues.get(name)
        if venue is None:
            return self.venues.add(name, None, listed=False)
        self.catalog.venues[venue.key] = venue
        self.venues.learn(venue)
        return venue.key

    def _ensure_categories(self, categories: list[str]) -> None:
        for category in categories:
            if category not in self.catalog.categories:
                self.catalog.categories.append(category)


# (label, total, in percent) -> the callback a stage reports progress to.
StageStart = Callable[[str, int, bool], OnProgress]


def import_texts(catalog: Catalog, inputs: list[tuple[str, str, str]],
                 on_duplicate: OnDuplicate = "merge", keep_keys: bool = False,
                 bootstrap: bool = False, stages: StageStart | None = None) -> Outcome:
    """Import (file name, text, format name) inputs into `catalog`, in place.
    An input in which no record is found goes into `Outcome.empty`.
    `stages` (progress.Stages.start) shows each file's reading and importing."""
    importer = Importer(catalog, on_duplicate, keep_keys, bootstrap)
    for file, text, fmt in inputs:
        reading = stages(f"reading {file}", len(text), True) if stages else None
        result = registry.read(text, file, fmt, reading)
        if not result.records:
            importer.outcome.problems.extend(result.problems)
            importer.outcome.empty.append((file, fmt))
            continue
        importing = stages(f"importing {file}", len(result.records), False) if stages else None
        importer.run(result, file, importing)
    return importer.outcome
