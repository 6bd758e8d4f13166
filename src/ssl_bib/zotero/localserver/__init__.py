"""A local Zotero: the Web API v3 for group libraries, on 127.0.0.1.

For trying `ssl-bib zotero` without a zotero.org account (`ssl-bib zotero
serve-local --dir DIR`: one group and its key, kept in a folder that outlives
the server and that a person can edit as another Zotero user would), and for
the tests and benchmarks, which run it in memory and add faults to it.

api: the API over libraries held in memory; http: the server on a socket;
folder: a group kept in a folder; itemtypes: what it accepts."""

from .api import HttpError, Library, LocalZotero, LoggedRequest, Reply
from .folder import FolderError, FolderStore
from .http import HttpServer

__all__ = ["FolderError", "FolderStore", "HttpError", "HttpServer", "Library", "LocalZotero",
           "LoggedRequest", "Reply"]
