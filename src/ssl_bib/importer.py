"""Bring papers from other files into the catalog without duplicates or loss.

parse (a codec per format) -> match each record to the catalog (DOI, arXiv
id, normalised title incl. alt_titles, exact URL; then a fuzzy title check)
-> merge.fill() for matches, a new entry with a key by the catalog's rule for
the rest. Probable duplicates (near-identical titles) are reported with both
entries and not added. The caller decides whether to write.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .codecs.awesome_md import split_name_abbr
from .codecs.read_result import OnProgress, ReadResult, Record
from .dedup import Index, find_probable, find_same
from .gcpause import paused_gc
from .identifiers import doi_key, ids_from_url, invalid_identifiers, is_url
from .keys import KeyPool
from .list_entries import split_categories
from .merge import MERGEABLE, Conflict, fill
from .model import FIRST_YEAR, Catalog, Entry, EntryType, Venue, VenueKind, plausible_year
from .problems import InputError, Problem
from .textnorm import normalize_title

Format = Literal["bibtex", "biblatex", "ris", "csljson", "markdown"]
FORMATS: tuple[str, ...] = ("bibtex", "biblatex", "ris", "csljson", "markdown")
OnDuplicate = Literal["merge", "skip", "add"]

_EXTENSIONS: dict[str, Format] = {
    ".bib": "bibtex", ".bibtex": "bibtex", ".biblatex": "biblatex", ".ris": "ris",
    ".json": "csljson", ".csljson": "csljson", ".md": "markdown", ".markdown": "markdown",
}


def detect_format(path: Path, text: str) -> Format:
    """The format from the extension, checked against the content; the content
    decides when the extension says nothing or the text plainly starts as
    another format.

    Only the start of a file is conclusive: a README may quote a BibTeX
    citation in a code block (the SaeedShurrab list does), so an `@article{`
    line further down does not make it BibTeX while it has headings or tables.
    """
    body = text.lstrip("\ufeff \t\r\n")
    by_extension = _EXTENSIONS.get(path.suffix.lower())
    strong: Format | None = None
    if re.match(r"\[\s*[{\]]|\{\s*[\"}]", body):  # a JSON array or object, not "[![badge]"
        strong = "csljson"
    elif body.startswith("@"):
        strong = "bibtex"
    elif body.startswith("TY  - "):
        strong = "ris"
    weak: dict[Format, bool] = {
        # `[ \t]`, not `\s`: at the start of each of 20,000 blank lines, `\s*`
        # would scan every blank line after it (16 s).
        "markdown": bool(re.search(r"^[ \t]*+(?:#{1,6}\s|\|.*\|)", text[:20000],
                                   re.MULTILINE)),
        "bibtex": bool(re.search(r"^[ \t]*+@[A-Za-z]++\s*+[{(]", text[:5000], re.MULTILINE)),
        "ris": bool(re.search(r"^TY  - ", text[:5000], re.MULTILINE)),
    }

    def refined(fmt: Format) -> Format:
        return "biblatex" if fmt == "bibtex" and by_extension == "biblatex" else fmt

    if strong is not None:
        return refined(strong)
    if by_extension is not None and weak.get("bibtex" if by_extension == "biblatex"
                                             else by_extension):
        return by_extension
    for fmt, seen in weak.items():
        if seen:
            return refined(fmt)
    if by_extension is not None:
        return by_extension
    raise InputError(str(path), 0, "cannot tell the format from the name or the content; "
                     "give --format")


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


def parse(text: str, file: str, fmt: Format,
          progress: OnProgress | None = None) -> ReadResult:
    """Text in a format -> records and problems. `progress`, if given, is
    called with the number of characters read so far (READMEs, read in a
    moment, report nothing)."""
    if fmt in ("bibtex", "biblatex"):
        from .codecs import bibtex_read

        return bibtex_read.read(text, file, progress)
    if fmt == "ris":
        from .codecs import ris_read

        return ris_read.read(text, file, progress)
    if fmt == "csljson":
        from .codecs import csljson_read

        return csljson_read.read(text, file, progress)
    return read_markdown(text, file)


def read_markdown(text: str, file: str) -> ReadResult:
    """An awesome-list README (tables and/or bullets) -> records, one per paper."""
    from .codecs import awesome_bullets, awesome_md
    from .list_entries import from_list

    tables = awesome_md.read(text, file)
    bullets = awesome_bullets.read(text, file)
    parsed = awesome_md.ParsedList(
        venues=tables.venues,
        rows=sorted([*tables.rows, *bullets.rows], key=lambda r: r.line),
        problems=sorted([*tables.problems, *bullets.problems], key=lambda p: p.line))
    for number, row in enumerate(parsed.rows, start=1):
        row.number = number
    listed = from_list(parsed)
    out = ReadResult(problems=parsed.problems, venues=listed.venues,
                     categories=listed.categories)
    for entry in listed.entries:
        rows = listed.rows[entry.key]
        if len(rows) > 1:
            out.warn(file, rows[1].line, f"{entry.title[:60]!r} is listed again "
                     f"(first at line {rows[0].line}): one entry, listed under "
                     f"{', '.join(str(s) for s in entry.listed_sections())}")
        entry.key = ""
        out.records.append(Record(entry=entry, line=rows[0].line, from_readme=True))
    return out


@dataclass
class Outcome:
    added: list[Entry] = field(default_factory=list)
    merged: list[tuple[Entry, list[str]]] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

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
_YEAR_SUFFIX_RE = re.compile(r"(?<!\s)\s*+(?:[-'’]\s*+\d{2}|[-'’]?\s*+(?:19|20)\d{2})$")


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
        from .codecs.awesome_md import guess_venue_kind

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
            known = set(self.catalog.categories) | {c for c in result.categories if "/" not in c}
            incoming.categories = list(dict.fromkeys(
                part for c in incoming.categories for part in split_categories(c, known)))
        self._drop_invalid(record, file)
        if incoming.url and not record.from_readme:
            # The identifiers a link carries, as the catalog keeps them (the
            # README reader does the same for its rows).
            for name, value in ids_from_url(incoming.url).as_dict().items():
                if not getattr(incoming, name):
                    setattr(incoming, name, value)
        norm = normalize_title(incoming.title)
        match = self._match(record, norm, file)
        if match is False:
            self.outcome.skipped += 1
            return
        if match is not None and self.on_duplicate != "add":
            if self.on_duplicate == "skip":
                self.outcome.skipped += 1
                return
            self._merge(match, record, result, source)
            return
        if match is None and self.on_duplicate != "add":
            near = find_probable(self.index, incoming.title, norm)
            if near is not None:
                self.outcome.problems.append(Problem(
                    file, record.line, "warning",
                    f"probable duplicate, not added: {incoming.title!r} looks like entry "
                    f"{near.key} {near.title!r} (give --on-duplicate add to add it anyway)"))
                self.outcome.skipped += 1
                return
        self._add(record, result, source, file)

    def _drop_invalid(self, record: Record, file: str) -> None:
        """Values the catalog could not hold (a URL that is not http(s), an arXiv
        id that is none) are reported and left out, not written."""
        entry = record.entry

        def drop(what: str, value: str, should_be: str = "an http(s) URL") -> None:
            self.outcome.problems.append(Problem(
                file, record.line, "warning",
                f"{entry.title[:60]!r}: {what} {value!r} is not {should_be}: left out"))

        if entry.url and not is_url(entry.url):
            drop("link", entry.url)
            entry.url = None
        for link in [c for c in entry.code if not is_url(c.url)]:
            drop("code link", link.url)
            entry.code.remove(link)
        for name, value, should_be in list(invalid_identifiers(entry)):
            drop(name, value, should_be)
            setattr(entry, name, None)

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

    def _merge(self, target: Entry, record: Record, result: ReadResult, source: str) -> None:
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
        _drop_corrected(target, incoming)
        merged = fill(target, incoming, source)
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
        entry.provenance = {"entry": source}
        self.catalog.entries.append(entry)
        self.index.add(entry)
        self.outcome.added.append(entry)

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


def _drop_corrected(target: Entry, incoming: dict[str, Any]) -> None:
    """Leave out what a correction of the entry replaced: the list's README
    imported again must not bring back a wrong DOI, a wrong year section or a
    broken link that curation fixed, nor report them as conflicts again."""
    for fix in target.corrections:
        name, was = fix.field, fix.was
        value = incoming.get(name)
        if name in ("year", "sections"):
            wrong = {int(y) for y in re.findall(r"\d{4}", was)} - \
                {int(y) for y in re.findall(r"\d{4}", fix.now)}
            if incoming.get("year") in wrong:
                incoming.pop("year")
            if incoming.get("sections"):
                incoming["sections"] = [y for y in incoming["sections"] if y not in wrong]
        elif name == "code" and value:
            incoming["code"] = [c for c in value if c.url != was]
        elif value is not None and not isinstance(value, list) and (
                str(value) == was or (name == "doi" and doi_key(str(value)) == doi_key(was))):
            incoming.pop(name)


# (label, total, in percent) -> the callback a stage reports progress to.
StageStart = Callable[[str, int, bool], OnProgress]


def import_texts(catalog: Catalog, inputs: list[tuple[str, str, Format]],
                 on_duplicate: OnDuplicate = "merge", keep_keys: bool = False,
                 bootstrap: bool = False, stages: StageStart | None = None) -> Outcome:
    """Import (file name, text, format) inputs into `catalog`, in place.
    `stages` (progress.Stages.start) shows each file's reading and importing."""
    importer = Importer(catalog, on_duplicate, keep_keys, bootstrap)
    for file, text, fmt in inputs:
        reading = stages(f"reading {file}", len(text), True) if stages else None
        result = parse(text, file, fmt, reading)
        importing = stages(f"importing {file}", len(result.records), False) if stages else None
        importer.run(result, file, importing)
    return importer.outcome
