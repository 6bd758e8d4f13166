"""The store's own refusals, apart from the code that raises them: a command
catches them (cli, zotero sync, import) without loading the writer."""

from __future__ import annotations

from ..errors import SslBibError
from ..problems import InputError


class WriteRefused(SslBibError):
    """The catalog was not written, for a reason that is no fault of its text
    (read-only, locked, changed meanwhile). One line; nothing was written."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class EntryUnwritable(InputError):
    """One entry cannot be written as it is: `key` says which, `source`
    where it came from ("in.bib:12", when known), `detail` why."""

    def __init__(self, file: str, line: int, key: str, source: str, detail: str) -> None:
        self.key, self.source, self.detail = key, source, detail
        where = f" (from {source})" if source else ""
        super().__init__(file, line, f"entry {key}{where}: cannot be written: {detail}; "
                                     "nothing was written")
