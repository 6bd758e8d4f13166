"""ssl-bib: the Self-Supervised Learning in Medical Imaging catalog as a bibliography.

The library's face (the command line is a thin layer over it)::

    import ssl_bib

    catalog = ssl_bib.load("entries.toml")
    problems = ssl_bib.check(catalog)
    bibtex = ssl_bib.export(catalog, "bibtex")
    outcome = ssl_bib.import_files(catalog, ["refs.bib"])
    ssl_bib.save(catalog)

`load` returns a LoadedCatalog: the data (`catalog.entries`, `catalog.venues`,
`catalog.categories`, `catalog.settings`, as model types) and where each
entry sits in its file, so that `save` rewrites only what changed. `enrich`
fills fields from Crossref and `sync` syncs a Zotero group. Every error
raised derives from SslBibError and carries a one-line message.

Maintainers: the names in `__all__` are the public interface; everything
else (the modules behind them) may change between versions. The names are
imported on first use, so `import ssl_bib` (and `ssl-bib --help`) stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> the module that defines it
_WHERE: dict[str, str] = {
    "load": "api", "save": "api", "check": "api", "export": "api",
    "import_files": "api", "enrich": "api", "sync": "api", "InvalidImport": "api",
    "LoadedCatalog": "store", "Catalog": "model", "Entry": "model", "Person": "model",
    "Venue": "model", "CodeLink": "model", "Problem": "problems",
    "SslBibError": "errors", "UsageError": "errors", "InputError": "problems",
    "ExportError": "codecs.fields", "CrossrefError": "crossref.client",
    "ZoteroError": "zotero.client", "ArxivError": "arxiv.client",
    "ServiceError": "conduct.errors", "KeyFormatError": "keys",
    "WriteRefused": "store", "LockTimeout": "file_lock",
}

__all__ = [
    "ArxivError", "Catalog", "CodeLink", "CrossrefError", "Entry", "ExportError", "InputError",
    "InvalidImport", "KeyFormatError", "LoadedCatalog", "LockTimeout", "Person", "Problem",
    "ServiceError", "SslBibError", "UsageError", "Venue", "WriteRefused", "ZoteroError",
    "check", "enrich", "export", "import_files", "load", "save", "sync",
]

if TYPE_CHECKING:
    from .api import InvalidImport, check, enrich, export, import_files, load, save, sync
    from .arxiv.client import ArxivError
    from .codecs.fields import ExportError
    from .conduct.errors import ServiceError
    from .crossref.client import CrossrefError
    from .errors import SslBibError, UsageError
    from .file_lock import LockTimeout
    from .keys import KeyFormatError
    from .model import Catalog, CodeLink, Entry, Person, Venue
    from .problems import InputError, Problem
    from .store import LoadedCatalog, WriteRefused
    from .zotero.client import ZoteroError


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'ssl_bib' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value            # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
