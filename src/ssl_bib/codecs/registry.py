"""Every format ssl-bib reads or writes, in one table.

A format is one registry line: its name, the file extensions that name it,
what its content looks like (for `import --format auto`), its reader and its
writer (modules imported only when used: rispy and pylatexenc load only for
the formats a command touches). `import`, `export`, the site and the command
line's choices all come from here, so adding a format is one reader module,
one writer module and one line below.

Every reader's records then go through one normalisation pass (codecs
.normalize): identifiers, links, pages and whitespace are made the catalog's
way in one place, whatever the format.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from ..lazy_re import compiled
from ..problems import InputError

OnEntry = Callable[[], None]

if TYPE_CHECKING:  # read_result: its records, regexes and model load for `import` only
    from collections.abc import Sequence

    from ..model import Catalog, Entry
    from .read_result import OnProgress, ReadResult

    Reader = Callable[[str, str, OnProgress | None], ReadResult]

    class Writer(Protocol):
        """A format's writer: the entries' text; `on_entry` is told of each
        entry written (for a progress bar)."""

        def __call__(self, catalog: Catalog, entries: Sequence[Entry],
                     on_entry: OnEntry | None = None) -> str: ...

    class BytesWriter(Protocol):
        """A Writer's text as UTF-8 bytes."""

        def __call__(self, catalog: Catalog, entries: Sequence[Entry],
                     on_entry: OnEntry | None = None) -> bytes: ...


# A named tuple, not a frozen dataclass: as immutable, and made at import in
# a tenth of the time (a dataclass compiles each of its methods, ~1 ms of
# every export's start).
class Codec(NamedTuple):
    """One format: how to recognise it, read it and write it."""

    name: str
    description: str
    extensions: tuple[str, ...] = ()
    # Content only this format starts with (after a BOM and blank space).
    starts: re.Pattern[str] | None = None
    # Content that suggests the format anywhere in the first `window` characters.
    hint: re.Pattern[str] | None = None
    window: int = 5000
    # Formats read by the same reader share their content tests: the
    # extension then tells them apart (.bib or .biblatex).
    family: str = ""
    reads_with: str | None = None  # "module:function" in ssl_bib.codecs
    writes_with: str | None = None
    filename: str = ""  # its name in `export --all DIR`
    # A writer of the same text as UTF-8 bytes, where the format makes
    # bytes first (orjson's CSL-JSON): a file needs no text in between.
    writes_bytes_with: str | None = None

    def read(self, text: str, file: str, progress: OnProgress | None = None) -> ReadResult:
        """Records and problems, each record normalised (codecs.normalize)."""
        from .normalize import normalize

        function: Reader = _load(self.reads_with or "")
        result = function(text, file, progress)
        normalize(result, file)
        return result

    def writer(self) -> Writer:
        """The writer: (catalog, entries, on_entry) -> text."""
        function: Writer = _load(self.writes_with or "")
        return function

    def bytes_writer(self) -> BytesWriter:
        """The writer's text as UTF-8: (catalog, entries, on_entry) -> bytes."""
        if self.writes_bytes_with:
            function: BytesWriter = _load(self.writes_bytes_with)
            return function
        text_writer = self.writer()

        def encoded(catalog: Catalog, entries: Sequence[Entry],
                    on_entry: OnEntry | None = None) -> bytes:
            return text_writer(catalog, entries, on_entry).encode("utf-8")
        return encoded


def _load(target: str) -> Any:
    module, _, function = target.partition(":")
    return getattr(importlib.import_module(f"ssl_bib.codecs.{module}"), function)


_BIBTEX_START = compiled(r"@")
_BIBTEX_HINT = compiled(r"^[ \t]*+@[A-Za-z]++\s*+[{(]", re.MULTILINE)

CODECS: tuple[Codec, ...] = (
    Codec("bibtex", "BibTeX (ASCII, LaTeX-escaped) for bibtex and natbib",
          extensions=(".bib", ".bibtex"), starts=_BIBTEX_START, hint=_BIBTEX_HINT,
          family="bibtex", reads_with="bibtex_read:read",
          writes_with="bibtex_write:write_bibtex",
          filename="references.bib"),
    Codec("biblatex", "biblatex (UTF-8) for biber",
          extensions=(".biblatex",), starts=_BIBTEX_START, hint=_BIBTEX_HINT,
          family="bibtex", reads_with="bibtex_read:read",
          writes_with="bibtex_write:write_biblatex",
          filename="references-biblatex.bib"),
    # RIS tags are "TY  - " by the specification; Zotero and others also read
    # one space or three before the dash, and so do we.
    Codec("ris", "RIS for Zotero, EndNote, Mendeley",
          extensions=(".ris",), starts=compiled(r"TY {1,3}- "),
          hint=compiled(r"^TY {1,3}- ", re.MULTILINE), family="ris",
          reads_with="ris_read:read", writes_with="ris_write:write_ris",
          filename="references.ris"),
    # A JSON array or object, not a Markdown "[![badge]".
    Codec("csljson", "CSL-JSON for pandoc, Quarto, Zotero",
          extensions=(".json", ".csljson"), starts=compiled(r"\[\s*[{\]]|\{\s*[\"}]"),
          family="csljson", reads_with="csljson_read:read",
          writes_with="csljson_write:write_csljson",
          filename="references.json", writes_bytes_with="csljson_write:write_csljson_bytes"),
    # An awesome-list README: headings or table rows. `[ \t]`, not `\s`: at
    # the start of each of 20,000 blank lines, `\s*` would scan every blank
    # line after it (16 s). It is written by `render readme`, not `export`.
    Codec("markdown", "an awesome-list README (tables or bullet lists)",
          extensions=(".md", ".markdown"),
          hint=compiled(r"^[ \t]*+(?:#{1,6}\s|\|.*\|)", re.MULTILINE), window=20000,
          family="markdown", reads_with="readme.reader:read"),
)
_BY_NAME = {codec.name: codec for codec in CODECS}


def get(name: str) -> Codec:
    """The format called `name` (a KeyError names an unknown one)."""
    return _BY_NAME[name]


def readers() -> list[str]:
    """The names of the formats `import` reads."""
    return [c.name for c in CODECS if c.reads_with]


def writers() -> dict[str, Codec]:
    """The export formats, by name, in their order."""
    return {c.name: c for c in CODECS if c.writes_with}


def detect(path: Path, text: str) -> Codec:
    """The format from the extension, checked against the content; the content
    decides when the extension says nothing or the text plainly starts as
    another format.

    Only the start of a file is conclusive: a README may quote a BibTeX
    citation in a code block (the SaeedShurrab list does), so an `@article{`
    line further down does not make it BibTeX while it has headings or tables.
    """
    body = text.lstrip("\ufeff \t\r\n")
    suffix = path.suffix.lower()
    by_extension = next((c for c in CODECS if suffix in c.extensions), None)

    def refined(codec: Codec) -> Codec:
        same = by_extension is not None and by_extension.family == codec.family
        return by_extension if same and by_extension else codec

    for codec in CODECS:
        if codec.starts is not None and codec.starts.match(body):
            return refined(codec)
    hinted = sorted((c for c in CODECS if c.hint is not None and c.hint.search(text[:c.window])),
                    key=lambda c: _HINT_ORDER.index(c.family))
    if by_extension is not None and any(c.family == by_extension.family for c in hinted):
        return by_extension
    if hinted:
        return refined(hinted[0])
    if by_extension is not None:
        return by_extension
    raise InputError(str(path), 0, "cannot tell the format from the name or the content; "
                     "give --format")


# Which hint wins when several formats' hints are seen: a README's headings
# before BibTeX (a README may quote a citation), BibTeX before RIS.
_HINT_ORDER = ("markdown", "bibtex", "ris", "csljson")


def read(text: str, file: str, name: str, progress: OnProgress | None = None) -> ReadResult:
    """Text in the format `name` -> normalised records and problems."""
    return get(name).read(text, file, progress)
