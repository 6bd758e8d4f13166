"""The part of the Zotero schema the mapping uses: three item types, their
fields, and the key alphabet. Written by hand from Zotero's schema (version
41): only item types the catalog maps to are listed (a book section is a
paper in proceedings: Zotero saves Springer's LNCS chapters so)."""

from __future__ import annotations

import secrets

ITEM_FIELDS: dict[str, frozenset[str]] = {
    "journalArticle": frozenset({
        "title", "abstractNote", "publicationTitle", "publisher", "place", "date", "volume",
        "issue", "section", "partNumber", "partTitle", "pages", "series", "seriesTitle",
        "seriesText", "journalAbbreviation", "DOI", "citationKey", "url", "accessDate", "PMID",
        "PMCID", "ISSN", "archive", "archiveLocation", "shortTitle", "language",
        "libraryCatalog", "callNumber", "rights", "extra",
    }),
    "conferencePaper": frozenset({
        "title", "abstractNote", "proceedingsTitle", "conferenceName", "publisher", "place",
        "date", "eventPlace", "volume", "issue", "numberOfVolumes", "pages", "series",
        "seriesNumber", "DOI", "ISBN", "citationKey", "url", "accessDate", "ISSN", "archive",
        "archiveLocation", "shortTitle", "language", "libraryCatalog", "callNumber", "rights",
        "extra",
    }),
    "bookSection": frozenset({
        "title", "abstractNote", "bookTitle", "series", "seriesNumber", "volume",
        "numberOfVolumes", "edition", "date", "publisher", "place", "originalDate",
        "originalPublisher", "originalPlace", "format", "pages", "ISBN", "DOI", "citationKey",
        "url", "accessDate", "ISSN", "archive", "archiveLocation", "shortTitle", "language",
        "libraryCatalog", "callNumber", "rights", "extra",
    }),
    "preprint": frozenset({
        "title", "abstractNote", "genre", "repository", "archiveID", "place", "date", "series",
        "seriesNumber", "DOI", "citationKey", "url", "accessDate", "archive", "archiveLocation",
        "shortTitle", "language", "libraryCatalog", "callNumber", "rights", "extra",
    }),
}

# JSON properties every item has besides its type's fields.
ITEM_PROPERTIES = frozenset({
    "key", "version", "itemType", "creators", "tags", "collections", "relations",
    "dateAdded", "dateModified", "deleted", "parentItem",
})

# Zotero's own alphabet for object keys (no 0, 1, O).
KEY_ALPHABET = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"


def new_key() -> str:
    """A fresh object key, chosen by us so a retried create cannot duplicate."""
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(8))
