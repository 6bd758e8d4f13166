"""Is an entry ready to cite? What `ssl-bib check --strict` adds to `check`.

`check` finds what is wrong; this finds what is missing for an author to cite
the entry without looking anything up: who wrote it, a link that will still
lead to it in ten years, nothing left unsettled, and a venue named in full.
A list's maintainer can gate a pull request on it in CI.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .identifiers import ids_from_url
from .model import Catalog, Entry, Venue
from .problems import Problem
from .store import LoadedCatalog
from .textnorm import normalize_title

# Proceedings sites whose paper pages are permanent though they carry no DOI
# (NeurIPS, CVF open access, ACL Anthology, AAAI's OJS, PMLR is in ids_from_url).
STABLE_HOSTS = frozenset({"proceedings.neurips.cc", "papers.nips.cc", "openaccess.thecvf.com",
                          "aclanthology.org", "ojs.aaai.org"})


def stable_link(entry: Entry) -> bool:
    """A DOI, an arXiv id, or a link that identifies the paper for good."""
    if entry.doi or entry.arxiv or entry.pii or entry.ieee or entry.pmlr or entry.openreview:
        return True
    if not entry.url:
        return False
    if ids_from_url(entry.url).as_dict():
        return True
    host = (urlsplit(entry.url).hostname or "").removeprefix("www.")
    return host in STABLE_HOSTS


def venue_lacks_full_name(venue: Venue) -> str | None:
    """Why the venue's name is no full name, or None."""
    from .validate import PROCEEDINGS_SERIES

    name = venue.name.strip()
    if not name:
        return f"venue {venue.key} has no name"
    if not any(c.islower() for c in name):
        return f"venue {venue.key} is named only by its abbreviation {name!r}"
    if normalize_title(name) in {normalize_title(s) for s in PROCEEDINGS_SERIES}:
        return f"venue {venue.key} is the proceedings series {name!r}, not the venue"
    return None


def lacks(catalog: Catalog, entry: Entry) -> list[str]:
    """What the entry lacks to be ready to cite; empty when it is ready."""
    out = []
    if not entry.authors:
        out.append("no authors")
    if not stable_link(entry):
        out.append("no DOI, no arXiv id and no stable URL")
    if entry.doubts:
        count = len(entry.doubts)
        out.append(f"{count} unresolved doubt{'s' * (count != 1)} (the 'unverified' warnings)")
    venue = catalog.venues.get(entry.venue) if entry.venue else None
    if entry.venue is None:
        out.append("no venue")
    elif venue is not None:
        why = venue_lacks_full_name(venue)
        if why:
            out.append(why)
    return out


def not_ready(loaded: LoadedCatalog) -> list[Problem]:
    """One error per entry that is not ready to cite, naming what it lacks."""
    catalog = loaded.catalog
    out = []
    for entry in catalog.entries:
        missing = lacks(catalog, entry)
        if missing:
            out.append(Problem(loaded.name, loaded.line_of(entry), "error",
                               "not ready to cite: " + "; ".join(missing), key=entry.key))
    return out
