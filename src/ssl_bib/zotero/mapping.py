"""Catalog entry <-> Zotero item JSON (the `data` object of API v3).

journal -> journalArticle, conference/workshop -> conferencePaper, preprint ->
preprint. Authors are `author` creators, categories are tags, each README year
section is a collection, the citation key is `citationKey`. What no field of
the item type holds (code links, other identifiers, alternative titles...)
travels in `extra` lines (see extra.py), so everything the catalog holds
survives a push and a pull: `item_fields(build_item(e)) == entry_fields(e)`.

Building an item starts from the remote item, so what Zotero users put there
that the catalog does not hold (notes in extra, other tags, editors, other
collections, dates added) is kept."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ..identifiers import IDENTIFIER_FIELDS, invalid_identifiers, is_url, normalize_doi
from ..merge import MERGEABLE
from ..model import Catalog, CodeLink, Entry, EntryType, Person
from . import extra, venues
from .dates import year_month
from .schema import ITEM_FIELDS, ITEM_PROPERTIES
from .venues import ABBREV_SLOT, VENUE_SLOT, ItemVenue

# The catalog fields a sync compares and merges.
SYNC_FIELDS: tuple[str, ...] = MERGEABLE

# The item type an entry becomes in Zotero ...
ITEM_TYPE: dict[EntryType, str] = {
    "article": "journalArticle", "inproceedings": "conferencePaper", "preprint": "preprint",
}
# ... and the entry type of each item type the catalog holds: a book section
# (Zotero's Springer translator saves LNCS papers, MICCAI's among them, so) is
# a paper in proceedings.
ENTRY_TYPE: dict[str, EntryType] = {**{v: k for k, v in ITEM_TYPE.items()},
                                    "bookSection": "inproceedings"}

# Catalog field -> Zotero field, used when the item type has that field.
NATIVE: dict[str, str] = {
    "title": "title", "abstract": "abstractNote", "url": "url", "doi": "DOI",
    "series": "series", "volume": "volume", "issue": "issue", "pages": "pages",
    "publisher": "publisher", "issn": "ISSN", "isbn": "ISBN",
}
# Single-valued catalog fields that always travel in extra.
EXTRA_SCALARS = ("arxiv_class", "pii", "ieee", "pmlr", "openreview", "article_number", "note")



@dataclass
class MapContext:
    """What mapping needs besides the entry: venues, and the year collections."""

    catalog: Catalog
    collection_keys: dict[int, str] = field(default_factory=dict)  # year -> collection key

    def year_of(self) -> dict[str, int]:
        return {k: y for y, k in self.collection_keys.items()}

    # Memoised: a sync maps thousands of items against a few dozen venues.
    _found: dict[str, str | None] = field(default_factory=dict, repr=False)
    _resolved: dict[ItemVenue, str | None] = field(default_factory=dict, repr=False)

    def find_venue(self, text: str | None) -> str | None:
        """The catalog venue a venue string names: by key, then by key, name
        or alias compared as titles are."""
        if not text:
            return None
        if text not in self._found:
            self._found[text] = venues.by_name(self.catalog, text)
        return self._found[text]

    def venue_of(self, clue: ItemVenue) -> str | None:
        """The catalog venue an item names (venues.resolve)."""
        if clue not in self._resolved:
            self._resolved[clue] = venues.resolve(self.catalog, clue)
        return self._resolved[clue]

    def forget(self) -> None:
        """Forget what was found: the catalog's venues changed."""
        self._found.clear()
        self._resolved.clear()


def item_type(entry: Entry, catalog: Catalog) -> str:
    return ITEM_TYPE[catalog.entry_type(entry)]


def entry_fields(entry: Entry) -> dict[str, Any]:
    """The entry's syncable fields; lists copied (their items are immutable)."""
    out: dict[str, Any] = {}
    for name in SYNC_FIELDS:
        value = getattr(entry, name)
        out[name] = list(value) if isinstance(value, list) else value
    return out


def _blank(name: str) -> Any:
    return [] if name in ("categories", "alt_titles", "sections", "authors", "code") else None


def _arxiv_of(data: dict[str, Any], itype: str, values: dict[str, list[str]],
              found: str | None) -> str | None:
    """A preprint's archive ID, else Zotero's "arXiv: id" line in extra, else
    the id in an old arXiv "journal article"'s publication title, else what
    the other fields gave (`found`)."""
    archive_id = str(data.get("archiveID") or "") if itype == "preprint" else ""
    if archive_id.startswith("arXiv:"):
        return archive_id.removeprefix("arXiv:").strip()
    if values.get(extra.ARXIV_LINE):
        return values[extra.ARXIV_LINE][0]
    if venues.is_legacy_arxiv(data):
        legacy = venues.LEGACY_ARXIV_RE.fullmatch(str(data["publicationTitle"]))
        return legacy.group("id") if legacy else None
    return found


def item_fields(data: dict[str, Any], ctx: MapContext,
                refused: list[tuple[str, str, str]] | None = None) -> dict[str, Any] | None:
    """The catalog fields an item holds; None for items the catalog cannot hold
    (other item types, notes, attachments, no year). An identifier that fails
    its test (a DOI with TeX in it) is left out, and listed in `refused` as
    (field, value, what it should be)."""
    itype = data.get("itemType", "")
    mapped = entry_type_of_item(data)
    if itype not in ITEM_FIELDS or mapped is None:
        return None
    out: dict[str, Any] = {name: _blank(name) for name in SYNC_FIELDS}
    year, month = year_month(str(data.get("date") or ""))
    if year is None:
        return None
    out["year"], out["month"] = year, month
    ours, _ = extra.split(str(data.get("extra") or ""))
    values: dict[str, list[str]] = {}
    for name, value in ours:
        values.setdefault(name, []).append(value)
    allowed = ITEM_FIELDS[itype]
    for cat, zot in NATIVE.items():
        if zot in allowed and data.get(zot):
            out[cat] = str(data[zot])
        elif cat != "title" and values.get(cat.replace("_", "-")):
            out[cat] = values[cat.replace("_", "-")][0]
    for cat in EXTRA_SCALARS:
        if values.get(cat.replace("_", "-")):
            out[cat] = values[cat.replace("_", "-")][0]
    out["title"] = str(data.get("title") or "")
    if out["doi"]:  # stored bare, as the catalog keeps DOIs
        out["doi"] = normalize_doi(out["doi"]) or out["doi"]
    out["alt_titles"] = values.get("alt-title", [])
    out["code"] = [_code(v) for v in values.get("code", [])]
    out["arxiv"] = _arxiv_of(data, itype, values, out["arxiv"])
    for name, value, what in list(invalid_identifiers(out)):
        out[name] = None
        if refused is not None:
            refused.append((name, value, what))
    if out["url"] and not is_url(out["url"]):  # "www.example.org": check would refuse it
        if refused is not None:
            refused.append(("url", out["url"], "an http(s) URL"))
        out["url"] = None
    out["code"] = [c for c in out["code"] if is_url(c.url)]
    _venue_from_item(data, itype, values, ctx, out)
    out["authors"] = _authors(data.get("creators") or [], values.get("orcid", []))
    cats = {c.casefold(): c for c in ctx.catalog.categories}
    for tag in manual_tags(data):
        category = cats.get(tag.casefold())
        if category and category not in out["categories"]:
            out["categories"].append(category)
    out["sections"] = _sections(data, values.get("sections", []), year, ctx)
    probe = Entry(key="", title="", year=year, venue=out["venue"], arxiv=out["arxiv"])
    out["entry_type"] = None if ctx.catalog.entry_type(probe) == mapped else mapped
    return out


def entry_type_of_item(data: dict[str, Any]) -> EntryType | None:
    """What an item is for the catalog; None for types it does not hold."""
    if venues.is_legacy_arxiv(data):
        return "preprint"
    return ENTRY_TYPE.get(str(data.get("itemType") or ""))


def manual_tags(data: dict[str, Any]) -> list[str]:
    """The tags people gave an item. Automatic ones (type 1: a publisher's
    keywords, MeSH headings a translator added) are no categories."""
    return [str(t.get("tag", "")) for t in data.get("tags") or []
            if t.get("type", 0) != 1 and str(t.get("tag", "")).strip()]


def citation_key(data: dict[str, Any]) -> str:
    """The item's citation key: Zotero's own field, else the `Citation Key:`
    line Better BibTeX pins keys with in `extra` (before Zotero 7 had the field)."""
    key = str(data.get("citationKey") or "").strip()
    if key:
        return key
    for line in str(data.get("extra") or "").splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip().casefold() == "citation key":
            return value.strip()
    return ""


def key_aliases(data: dict[str, Any]) -> list[str]:
    """The entry's old keys (`key_aliases`), from our extra lines."""
    ours, _ = extra.split(str(data.get("extra") or ""))
    return list(dict.fromkeys(value for name, value in ours if name == "key-alias" and value))


def explicit_venue(data: dict[str, Any]) -> str:
    """The venue key our `ssl-bib-venue` extra line gives, if any."""
    ours, _ = extra.split(str(data.get("extra") or ""))
    return next((value for name, value in ours if name == "venue"), "")


def _code(value: str) -> CodeLink:
    url, _, label = value.partition(" ")
    return CodeLink(label=label.strip(), url=url)


def _venue_from_item(data: dict[str, Any], itype: str, values: dict[str, list[str]],
                     ctx: MapContext, out: dict[str, Any]) -> None:
    slot = str(data.get(VENUE_SLOT[itype]) or "")
    # Only a venue this catalog has: an unknown key would fail `check`. A pull
    # first gives the catalog the venues its new items need (venues.derive).
    clue = venues.item_venue(data, (values.get("venue") or [""])[0])
    venue = ctx.venue_of(clue) if clue is not None else None
    out["venue"] = venue
    known = ctx.catalog.venues.get(venue) if venue else None
    name: str | None = known.name if known else venue
    if values.get("container-title"):
        out["container_title"] = values["container-title"][0]
    elif slot and slot != name and not venues.is_legacy_arxiv(data):
        out["container_title"] = slot


def _authors(creators: list[dict[str, Any]], orcids: list[str]) -> list[Person]:
    people: list[Person] = []
    for c in creators:
        if c.get("creatorType") != "author":
            continue
        if c.get("name"):
            # A single-field creator (fieldMode 1): an organisation, kept whole.
            people.append(Person.organisation(str(c["name"])))
        else:
            people.append(Person.named(str(c.get("lastName") or ""),
                                       str(c.get("firstName") or "")))
    for line in orcids:
        index, _, orcid = line.partition(" ")
        if index.isdigit() and 0 < int(index) <= len(people):
            p = people[int(index) - 1]
            people[int(index) - 1] = replace(p, orcid=orcid.strip() or None)
    return people


def _sections(data: dict[str, Any], listed: list[str], year: int,
              ctx: MapContext) -> list[int]:
    """README years from the year collections; the order from our extra line
    when it names the same years (the order is the catalog's, not Zotero's)."""
    year_of = ctx.year_of()
    years = [year_of[k] for k in data.get("collections") or [] if k in year_of]
    wanted = [int(v) for v in ",".join(listed).split(",") if v.strip().isdigit()]
    if not years and not ctx.collection_keys:
        years = wanted  # no collections known yet: trust the extra line
    same_years = bool(wanted) and set(wanted) == set(years)
    result = wanted if same_years else sorted(set(years), reverse=True)
    return [] if result in ([year], []) else result


def build_item(entry: Entry, ctx: MapContext, remote: dict[str, Any] | None) -> dict[str, Any]:
    """The item JSON for an entry: the remote item (if any) with every field
    the catalog owns set from the entry. `key`/`version` are the caller's."""
    catalog = ctx.catalog
    itype = item_type(entry, catalog)
    if remote is not None and remote.get("itemType") in ITEM_FIELDS and \
            entry_type_of_item(remote) == catalog.entry_type(entry):
        itype = str(remote["itemType"])  # a book section stays one
    allowed = ITEM_FIELDS[itype]
    data: dict[str, Any] = {}
    if remote is not None:
        data = dict(remote)  # nested values are replaced, never changed in place
        if data.get("itemType") != itype:
            data = {k: v for k, v in data.items() if k in ITEM_PROPERTIES or k in allowed}
    data["itemType"] = itype
    ours: list[tuple[str, str]] = []
    for cat, zot in NATIVE.items():
        value = getattr(entry, cat)
        current = str(data.get(zot) or "")
        if cat == "doi" and value and normalize_doi(current) == value:
            continue  # "https://doi.org/10...." as Zotero has it: the same DOI
        if zot in allowed and _refused(cat, current):
            pass  # Zotero's own text, which the catalog refused: left as it is
        elif zot in allowed:
            data[zot] = value or ""
        elif value:
            ours.append((cat.replace("_", "-"), str(value)))
    data["citationKey"] = entry.key
    old_date = year_month(str(data.get("date") or ""))
    if old_date != (entry.year, entry.month):
        data["date"] = f"{entry.year}-{entry.month:02d}" if entry.month else str(entry.year)
    _venue_to_item(entry, ctx, itype, data, ours)
    if itype == "preprint":
        data["archiveID"] = f"arXiv:{entry.arxiv}" if entry.arxiv else ""
    elif entry.arxiv:
        ours.append((extra.ARXIV_LINE, entry.arxiv))
    ours.extend(("key-alias", k) for k in entry.key_aliases)
    ours.extend(("alt-title", t) for t in entry.alt_titles)
    if entry.sections:
        ours.append(("sections", ", ".join(str(s) for s in entry.sections)))
    for name in EXTRA_SCALARS:
        if getattr(entry, name):
            ours.append((name.replace("_", "-"), str(getattr(entry, name))))
    ours.extend(("code", f"{c.url} {c.label}".strip()) for c in entry.code)
    ours.extend(("orcid", f"{i} {p.orcid}") for i, p in enumerate(entry.authors, 1) if p.orcid)
    _, foreign = extra.split(str(data.get("extra") or ""))
    data["extra"] = extra.join(ours, foreign)
    data["creators"] = _creators(entry.authors, data.get("creators") or [])
    data["tags"] = _tags(entry.categories, data.get("tags") or [], catalog)
    data["collections"] = _collections(entry, data.get("collections") or [], ctx)
    data.setdefault("relations", {})
    return data


def _refused(name: str, value: Any) -> bool:
    """Whether a Zotero identifier field holds a value item_fields refuses."""
    if name == "url" and value:
        return not is_url(str(value))
    if name not in IDENTIFIER_FIELDS or not value:
        return False
    text = str(value)
    if name == "doi":
        text = normalize_doi(text) or text
    return any(True for _ in invalid_identifiers({name: text}))


def _venue_to_item(entry: Entry, ctx: MapContext, itype: str, data: dict[str, Any],
                   ours: list[tuple[str, str]]) -> None:
    venue = ctx.catalog.venues.get(entry.venue) if entry.venue else None
    name = venue.name if venue else entry.venue
    legacy = venues.is_legacy_arxiv(data) and ctx.catalog.entry_type(entry) == "preprint"
    if not (legacy and not entry.container_title):
        data[VENUE_SLOT[itype]] = entry.container_title or name or ""
    # An entry without a venue clears Zotero's venue key only when the catalog
    # knows that venue (the entry dropped it). One the catalog lacks, as in a
    # catalog started from the group, is Zotero's own data: it stays. An
    # abbreviation that already names the entry's venue stays as Zotero has it.
    if legacy:
        pass  # "arXiv:2002.05709 [cs]" says it all
    elif itype in ABBREV_SLOT and entry.venue and _abbrev_names(data, itype, ctx) == entry.venue:
        pass  # "MICCAI 2018", "Med. Image Anal.": Zotero's own spelling of our venue
    elif itype in ABBREV_SLOT:
        current = str(data.get(ABBREV_SLOT[itype]) or "")
        if entry.venue or ctx.find_venue(current) is not None:
            data[ABBREV_SLOT[itype]] = entry.venue or ""
    elif entry.venue:
        ours.append(("venue", entry.venue))
    else:
        theirs, _ = extra.split(str(data.get("extra") or ""))
        unknown = [v for n, v in theirs if n == "venue" and ctx.find_venue(v) is None]
        if unknown:
            ours.append(("venue", unknown[0]))
    if entry.container_title and entry.container_title == name:
        # Written explicitly: the slot alone would read back as "no container title".
        ours.append(("container-title", entry.container_title))


def _abbrev_names(data: dict[str, Any], itype: str, ctx: MapContext) -> str | None:
    """The catalog venue the item's abbreviation slot alone names."""
    text = str(data.get(ABBREV_SLOT[itype]) or "")
    clue = venues.item_venue({"itemType": itype, ABBREV_SLOT[itype]: text}) if text else None
    return ctx.venue_of(clue) if clue is not None else None


def _creators(authors: list[Person], remote: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if _authors(remote, []) == [replace(p, orcid=None) for p in authors]:
        return remote  # unchanged: keep Zotero's own form of them
    out: list[dict[str, Any]] = []
    for p in authors:
        if p.given and not p.literal:
            # Zotero has no suffix field: it rides in the first name ("John, Jr."),
            # which is where Zotero's own importers put it and where it is read back.
            given = f"{p.given}, {p.suffix}" if p.suffix else p.given
            out.append({"creatorType": "author", "firstName": given, "lastName": p.family})
        else:
            out.append({"creatorType": "author", "name": p.family})
    out.extend(c for c in remote if c.get("creatorType") != "author")
    return out


def _tags(categories: list[str], remote: list[dict[str, Any]],
          catalog: Catalog) -> list[dict[str, Any]]:
    folded = {c.casefold() for c in catalog.categories} | {c.casefold() for c in categories}
    # Automatic tags are never categories (manual_tags): they stay as they are.
    others = [t for t in remote
              if t.get("type", 0) == 1 or str(t.get("tag", "")).casefold() not in folded]
    # A tag stays as people spelled it ("contrastive" is category Contrastive).
    kept = {str(t.get("tag", "")).casefold(): t for t in remote if t.get("type", 0) != 1}
    return [kept.get(c.casefold(), {"tag": c}) for c in categories] + others


def _collections(entry: Entry, remote: list[str], ctx: MapContext) -> list[str]:
    year_of = ctx.year_of()
    keys = [ctx.collection_keys[y] for y in entry.listed_sections() if y in ctx.collection_keys]
    return keys + [k for k in remote if k not in year_of and k not in keys]
