"""Whether a Zotero item can become a catalog entry, and what of it cannot.

A group filled by people holds more than papers (books, theses, web pages,
standalone notes) and papers with gaps (no title, a date such as "in press"
or "n.d."). An item that cannot become an entry is named by its Zotero key
with the reason, once, and the rest is pulled. A value the catalog cannot
hold (a DOI that is none, a link that is not http(s), an arXiv id that is
none) is left out of the entry and said; it stays in Zotero as it is.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from ..identifiers import normalize_doi
from ..model import plausible_year
from .dates import year_month
from .mapping import entry_type_of_item, unusable

_HELD = "journal articles, conference papers, book sections and preprints"
_NAMES = {"note": "a standalone note", "attachment": "a standalone attachment",
          "annotation": "an annotation"}


def unpullable(data: dict[str, Any], fields: dict[str, Any] | None) -> str:
    """Why the item cannot become an entry ("" when it can); `fields` is
    what mapping read from it (None when it read nothing)."""
    itype = str(data.get("itemType") or "")
    if entry_type_of_item(data) is None:
        what = _NAMES.get(itype, f"a {itype}" if itype else "an item of no type")
        return f"{what}; the catalog holds {_HELD}"
    if not " ".join(str(data.get("title") or "").split()):
        return "it has no title"
    date = " ".join(str(data.get("date") or "").split())
    if not date:
        return "it has no date"
    year, _month = year_month(date)
    if year is None:
        return f"its date {date!r} names no year"
    if not plausible_year(year, _dt.date.today().year):
        return f"its date {date!r} gives the year {year}, which is not plausible"
    if fields is None:
        return "it could not be read"
    return ""


def left_out(data: dict[str, Any]) -> list[str]:
    """The item's values an entry cannot hold (mapping leaves them out, and
    Zotero keeps them): one line each, for the report."""
    said = []
    for name, field, what in (("doi", "DOI", "is not a DOI"),
                              ("url", "url", "is not an http(s) URL")):
        value = str(data.get(field) or "").strip()
        if value and unusable(name, normalize_doi(value) or value if name == "doi" else value):
            said.append(f"{field} {value!r} {what}")
    archive = str(data.get("archiveID") or "")
    if archive.startswith("arXiv:") and unusable("arxiv", archive[6:].strip()):
        said.append(f"archiveID {archive!r} names no arXiv id")
    return said
