"""The item types, fields and creator types the local server accepts.

Written by hand from Zotero's schema (version 41) for the types a lab's group
holds: papers of every kind the catalog reads, and the books, theses,
reports, web pages, notes and attachments that sit beside them. Kept apart
from ssl_bib.zotero.schema (the mapping's own, smaller table), so that each
checks the other in the tests. An item of another type is refused with 400,
as api.zotero.org refuses an unknown type.
"""

from __future__ import annotations

from ...lazy_re import compiled

_COMMON = {"title", "abstractNote", "date", "shortTitle", "language", "url", "accessDate",
           "archive", "archiveLocation", "libraryCatalog", "callNumber", "rights", "extra"}
_BOOKISH = {"series", "seriesNumber", "volume", "numberOfVolumes", "edition", "place",
            "publisher", "ISBN", "citationKey", "originalDate", "originalPublisher",
            "originalPlace", "format", "DOI", "ISSN"}

FIELDS: dict[str, set[str]] = {
    "journalArticle": _COMMON | {
        "publicationTitle", "publisher", "place", "volume", "issue", "section", "partNumber",
        "partTitle", "pages", "series", "seriesTitle", "seriesText", "journalAbbreviation",
        "DOI", "citationKey", "PMID", "PMCID", "ISSN"},
    "conferencePaper": _COMMON | {
        "proceedingsTitle", "conferenceName", "publisher", "place", "eventPlace", "volume",
        "issue", "numberOfVolumes", "pages", "series", "seriesNumber", "DOI", "ISBN",
        "citationKey", "ISSN"},
    "preprint": _COMMON | {
        "genre", "repository", "archiveID", "place", "series", "seriesNumber", "DOI",
        "citationKey"},
    "bookSection": _COMMON | _BOOKISH | {"bookTitle", "pages"},
    "book": _COMMON | _BOOKISH | {"numPages"},
    "thesis": _COMMON | {"thesisType", "university", "place", "series", "seriesNumber",
                         "numPages", "DOI", "ISBN", "citationKey", "ISSN"},
    "report": _COMMON | {"reportNumber", "reportType", "institution", "place", "seriesTitle",
                         "seriesNumber", "pages", "DOI", "ISBN", "citationKey", "ISSN"},
    "manuscript": _COMMON | {"manuscriptType", "institution", "place", "numPages", "number",
                             "DOI", "citationKey"},
    "webpage": {"title", "abstractNote", "websiteTitle", "websiteType", "date", "publisher",
                "place", "DOI", "citationKey", "url", "accessDate", "shortTitle", "language",
                "rights", "extra"},
    "attachment": {"title", "accessDate", "url"},
    "note": set(),
}
_EDITED = {"author", "contributor", "editor", "translator"}
CREATOR_TYPES: dict[str, set[str]] = {
    "journalArticle": _EDITED | {"reviewedAuthor"},
    "conferencePaper": _EDITED | {"seriesEditor"},
    "preprint": _EDITED | {"reviewedAuthor"},
    "bookSection": _EDITED | {"bookAuthor", "seriesEditor"},
    "book": _EDITED | {"seriesEditor"},
    "thesis": {"author", "contributor"},
    "report": _EDITED | {"seriesEditor"},
    "manuscript": {"author", "contributor", "translator"},
    "webpage": {"author", "contributor", "translator"},
    "attachment": set(),
    "note": set(),
}
# JSON properties of every item, beside its type's fields.
PROPERTIES = {"key", "version", "itemType", "creators", "tags", "collections", "relations",
              "dateAdded", "dateModified", "deleted", "parentItem"}
# Properties of notes and attachments only (an attachment's `mtime` is a number).
CHILD_PROPERTIES: dict[str, set[str]] = {
    "note": {"note"},
    "attachment": {"note", "linkMode", "contentType", "charset", "filename", "md5", "mtime",
                   "path"},
}
KEY_RE = compiled(r"^[23456789ABCDEFGHIJKLMNPQRSTUVWXYZ]{8}$")
ALPHABET = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
MAX_WRITE = 50  # objects per write, keys per itemKey= read
