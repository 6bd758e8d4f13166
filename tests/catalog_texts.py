"""Small catalogs written as text, and what `check` says of them: the
crafted-catalog helpers the check, curation, keys, export and CLI tests
share (each test module had its own copy of the same head and helpers)."""

from __future__ import annotations

from pathlib import Path

from ssl_bib.store import load
from ssl_bib.validate import check

# A catalog's head: one category and one venue, the venue every entry() names.
HEAD = """\
schema = 1
categories = ["Contrastive"]

[venues.MedIA]
name = "Medical Image Analysis"
kind = "journal"
"""

# The same with the key formula set, for tests of keys.
KEYED_HEAD = """\
schema = 1
categories = ["Contrastive"]

[settings]
key_format = "{author}{Title:3}{year}"

[venues.MedIA]
name = "Medical Image Analysis"
kind = "journal"
"""


def entry(key: str, title: str, extra: str = "", year: int = 2021) -> str:
    """One [[entries]] table that passes `check` under HEAD; `extra` is more
    lines of it (each ending in a newline)."""
    return (f'\n[[entries]]\nkey = "{key}"\ntitle = "{title}"\nyear = {year}\n'
            f'venue = "MedIA"\ncategories = ["Contrastive"]\n{extra}')


def write_catalog(folder: Path, text: str) -> Path:
    """`text` as folder/entries.toml."""
    path = folder / "entries.toml"
    path.write_text(text, encoding="utf-8")
    return path


def messages(path: Path, severity: str | None = None) -> list[str]:
    """What `check` reports on the catalog file, one formatted line each
    (only errors or warnings with `severity`)."""
    return [p.format() for p in check(load(path)) if severity in (None, p.severity)]


def problems_of(folder: Path, text: str) -> list[str]:
    """What `check` reports on a catalog written from `text`."""
    return messages(write_catalog(folder, text))


def line_of(text: str, fragment: str, nth: int = 0) -> int:
    """The line number of the nth line of `text` holding `fragment`."""
    return [i + 1 for i, line in enumerate(text.splitlines()) if fragment in line][nth]
