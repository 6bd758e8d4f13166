"""Shell completion of entry keys, venue abbreviations and categories.

click drives completion (`_SSL_BIB_COMPLETE=bash_source ssl-bib` prints the
script for bash, zsh or fish); the options that take a key, a venue or a
category name these functions as their `shell_complete`. They read the catalog
the command line names (`--catalog`, else SSL_BIB_CATALOG, else ./entries.toml)
with a scan of its lines rather than a full load: a completion runs on every
Tab and must answer at once, even for a catalog of 10,000 entries. Anything
that goes wrong (no catalog, a broken one, a folder where it should be)
completes nothing: a traceback in the middle of a command line helps no one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

# The lines completion needs, as ssl-bib writes them (a hand-written catalog
# in another layout completes less, never wrongly: every value is still a
# catalog's key, venue or category). Compiled on the first completion, not
# when a command starts.
_LINE = (
    r'^(?:(?P<entry>\[\[[ \t]*entries[ \t]*\]\])'
    r'|key[ \t]*=[ \t]*"(?P<key>(?:[^"\\\n]|\\.)*)"'
    r'|key_aliases[ \t]*=[ \t]*\[(?P<aliases>[^\]\n]*)\]'
    r'|title[ \t]*=[ \t]*"(?P<title>(?:[^"\\\n]|\\.)*)"'
    r'|\[[ \t]*venues[ \t]*\.[ \t]*(?:"(?P<qvenue>(?:[^"\\\n]|\\.)*)"|(?P<venue>[A-Za-z0-9_-]+))'
    r'[ \t]*\]'
    r'|name[ \t]*=[ \t]*"(?P<name>(?:[^"\\\n]|\\.)*)"'
    r'|(?P<table>[ \t]*\[))'                     # any other table: its lines are not ours
)
_FIRST_TABLE = r"^[ \t]*\["
_ALIAS = r'"((?:[^"\\\n]|\\.)*)"'


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    return (re.compile(_LINE, re.MULTILINE), re.compile(_FIRST_TABLE, re.MULTILINE),
            re.compile(_ALIAS))
_OLD = "old key of "
# Larger than any catalog a person keeps: not read for completion.
_MAX_BYTES = 64 * 1024 * 1024


class Found:
    """What the catalog offers for completion: values with a help text each."""

    def __init__(self) -> None:
        self.keys: dict[str, str] = {}
        self.venues: dict[str, str] = {}
        self.categories: list[str] = []


def _string(escaped: str) -> str:
    """A TOML basic string's content (its escapes are JSON's, bar a few)."""
    import json

    try:
        value = json.loads(f'"{escaped}"')
    except ValueError:
        return escaped
    return value if isinstance(value, str) else escaped


def scan(text: str) -> Found:
    import tomllib

    line_re, first_table_re, alias_re = _patterns()
    found = Found()
    head_end = first_table_re.search(text)
    try:
        head = tomllib.loads(text[: head_end.start() if head_end else len(text)])
        categories = head.get("categories", [])
        found.categories = [c for c in categories if isinstance(c, str)]
    except (tomllib.TOMLDecodeError, AttributeError):
        pass
    where, key, venue = "", "", ""
    aliases: list[str] = []
    for match in line_re.finditer(text):
        group = match.lastgroup
        value = match.group(group) if group else ""
        if group == "entry":
            where, key, aliases = "entry", "", []
        elif group == "table":
            where = ""
        elif group in ("venue", "qvenue"):
            where, venue = "venue", _string(value) if group == "qvenue" else value
            found.venues.setdefault(venue, "")
        elif where == "entry" and group == "key":
            key = _string(value)
            found.keys.setdefault(key, "")
            for alias in aliases:
                found.keys.setdefault(alias, f"{_OLD}{key}")
        elif where == "entry" and group == "aliases":
            aliases = [_string(a) for a in alias_re.findall(value)]
            for alias in aliases if key else ():
                found.keys.setdefault(alias, f"{_OLD}{key}")
        elif where == "entry" and group == "title" and key and not found.keys[key]:
            found.keys[key] = _string(value)
        elif where == "venue" and group == "name" and venue:
            found.venues[venue] = _string(value)
    return found


def _catalog_path(ctx: click.Context) -> Path:
    import os

    root = ctx.find_root()
    given = root.params.get("catalog_path") or os.environ.get("SSL_BIB_CATALOG")
    return Path(given or "entries.toml")


def _found(ctx: click.Context) -> Found | None:
    try:
        path = _catalog_path(ctx)
        if not path.is_file() or path.stat().st_size > _MAX_BYTES:
            return None
        return scan(path.read_text(encoding="utf-8", errors="replace"))
    except Exception:  # noqa: BLE001 - completion must never print a traceback
        return None


def _items(pairs: Iterator[tuple[str, str]], incomplete: str) -> list[CompletionItem]:
    from click.shell_completion import CompletionItem

    wanted = incomplete.casefold()
    return [CompletionItem(value, help=help_text or None) for value, help_text in pairs
            if value.casefold().startswith(wanted)]


def _completer(pick: Callable[[Found], Iterator[tuple[str, str]]]
               ) -> Callable[[click.Context, Any, str], list[CompletionItem]]:
    def complete(ctx: click.Context, param: Any, incomplete: str) -> list[CompletionItem]:
        try:
            found = _found(ctx)
            return [] if found is None else _items(pick(found), incomplete)
        except Exception:  # noqa: BLE001 - as above
            return []

    return complete


def _keys(found: Found) -> Iterator[tuple[str, str]]:
    return iter(found.keys.items())


def complete_keys(ctx: click.Context, param: Any, incomplete: str) -> list[CompletionItem]:
    """Current keys; old keys (key_aliases) only when no current key fits
    what is typed, so they do not double every list."""
    items = _completer(_keys)(ctx, param, incomplete)
    current = [item for item in items if not (item.help or "").startswith(_OLD)]
    return current or items



complete_venues = _completer(lambda found: iter(found.venues.items()))
complete_categories = _completer(lambda found: ((c, "") for c in found.categories))
