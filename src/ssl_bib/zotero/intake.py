"""Whether a Zotero item can become a catalog entry, and if not, why not.

A group filled by people holds more than papers (books, theses, web pages,
standalone notes) and papers with gaps (no title, a date such as "in press"
or "n.d."). An item that cannot become an entry is named by its Zotero key
with the reason, once, and the rest is pulled. (A value an entry cannot
hold, such as a DOI "n/a", is refused by mapping and said by the planner.)
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from ..model import plausible_year
from .dates import year_month
from .mapping import entry_type_of_item

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
