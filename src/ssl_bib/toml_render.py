"""Render catalog parts as entries.toml text, in one stable, diff-friendly style.

Hand-written rather than tomlkit: rendering one entry must cost microseconds,
so that re-rendering the changed entries of a 10,000-entry file stays cheap.
"""

from __future__ import annotations

import re

from .lazy_re import compiled
from .model import ENTRY_FIELDS, Catalog, CodeLink, Correction, Entry, Person, Settings, Venue

_BARE_KEY_RE = compiled(r"^[A-Za-z0-9_-]+$")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
            "\r": "\\r"}
# Escaped besides quotes and backslashes: every control character (C0, DEL,
# C1 with U+0085), the line and paragraph separators U+2028/U+2029, and the
# invisible marks that make a reviewer's diff lie (bidi overrides and
# isolates, LRM/RLM, zero-width space, BOM). TOML allows most of them raw,
# but a file with them raw reads differently to every tool that splits lines
# its own way (str.splitlines does, at U+2028 and U+0085).
_NEEDS_ESCAPE_RE = compiled(
    '["\\\\\x00-\x1f\x7f-\x9f\u200b\u200e\u200f\u2028\u2029\u202a-\u202e'
    '\u2066-\u2069\ufeff]')
# Arrays longer than this go one item a line, so a changed author is a one-line diff.
_INLINE_WIDTH = 88


def toml_string(value: str) -> str:
    """A TOML basic string."""
    if not _NEEDS_ESCAPE_RE.search(value):
        return f'"{value}"'

    def escape(match: re.Match[str]) -> str:
        ch = match.group(0)
        return _ESCAPES.get(ch) or f"\\u{ord(ch):04x}"

    return '"' + _NEEDS_ESCAPE_RE.sub(escape, value) + '"'


def toml_key(key: str) -> str:
    return key if _BARE_KEY_RE.match(key) else toml_string(key)


def _array(items: list[str], indent: str = "    ") -> str:
    inline = "[" + ", ".join(items) + "]"
    if len(inline) <= _INLINE_WIDTH and "\n" not in inline:
        return inline
    return "[\n" + "".join(f"{indent}{item},\n" for item in items) + "]"


def _person(person: Person) -> str:
    """"Family, Given" when that string reads back as the same person; else a
    table, so a comma, a suffix or an organisation is never ambiguous."""
    if person.is_plain():
        text = f"{person.family}, {person.given}" if person.given else person.family
        return toml_string(text)
    if person.literal:
        parts = [f"literal = {toml_string(person.family)}"]
    else:
        parts = [f"family = {toml_string(person.family)}"]
        if person.given:
            parts.append(f"given = {toml_string(person.given)}")
        if person.suffix:
            parts.append(f"suffix = {toml_string(person.suffix)}")
    if person.orcid is not None:
        parts.append(f"orcid = {toml_string(person.orcid)}")
    return "{ " + ", ".join(parts) + " }"


def _code(link: CodeLink) -> str:
    return f"{{ label = {toml_string(link.label)}, url = {toml_string(link.url)} }}"


def _correction(fix: Correction) -> str:
    return (f"{{ field = {toml_string(fix.field)}, was = {toml_string(fix.was)}, "
            f"now = {toml_string(fix.now)}, why = {toml_string(fix.why)} }}")


def render_entry(entry: Entry) -> str:
    """One `[[entries]]` table, ending in a newline. A field with no value
    (None, an empty list or table) is left out; an empty string is a value
    someone wrote, and stays."""
    lines = ["[[entries]]"]
    for name in ENTRY_FIELDS:
        value = getattr(entry, name)
        if value is None or value == [] or value == {}:
            continue
        if name == "provenance":
            for field_name in sorted(value):
                source = toml_string(value[field_name])
                lines.append(f"provenance.{toml_key(field_name)} = {source}")
            continue
        if name == "authors":
            rendered = _array([_person(p) for p in value])
        elif name == "code":
            rendered = _array([_code(c) for c in value])
        elif name == "corrections":
            rendered = "[\n" + "".join(f"    {_correction(c)},\n" for c in value) + "]"
        elif name in ("categories", "alt_titles", "doubts", "key_aliases"):
            rendered = _array([toml_string(v) for v in value])
        elif name == "sections":
            rendered = "[" + ", ".join(str(v) for v in value) + "]"
        elif isinstance(value, bool):
            rendered = "true" if value else "false"
        elif isinstance(value, int):
            rendered = str(value)
        else:
            rendered = toml_string(str(value))
        lines.append(f"{name} = {rendered}")
    return "\n".join(lines) + "\n"


def render_venue(venue: Venue) -> str:
    lines = [f"[venues.{toml_key(venue.key)}]", f"name = {toml_string(venue.name)}",
             f"kind = {toml_string(venue.kind)}"]
    if venue.url is not None:
        lines.append(f"url = {toml_string(venue.url)}")
    if not venue.listed:
        lines.append("listed = false")
    if venue.aliases:
        lines.append(f"aliases = {_array([toml_string(a) for a in venue.aliases])}")
    if venue.issn:
        lines.append(f"issn = {toml_string(venue.issn)}")
    return "\n".join(lines) + "\n"


def render_settings(settings: Settings) -> str:
    lines = ["[settings]", f"key_format = {toml_string(settings.key_format)}"]
    if settings.crossref_mailto:
        lines.append(f"crossref_mailto = {toml_string(settings.crossref_mailto)}")
    if settings.crossref_concurrency is not None:
        lines.append(f"crossref_concurrency = {settings.crossref_concurrency}")
    if settings.zotero_group is not None:
        lines.append(f"zotero_group = {settings.zotero_group}")
    if settings.max_wait is not None:
        # Short when that is exact (60, 0.5), else every digit: `:g` alone
        # wrote 100.8125 as 100.812, and the value changed on every save.
        short = f"{settings.max_wait:g}"
        exact = short if float(short) == settings.max_wait else repr(settings.max_wait)
        lines.append(f"max_wait = {exact}")
    return "\n".join(lines) + "\n"


def render_head(catalog: Catalog) -> str:
    """Everything before the first entry: schema, categories, settings, venues."""
    parts = [
        f"schema = {catalog.schema}\n"
        f"categories = {_array([toml_string(c) for c in catalog.categories])}\n",
        render_settings(catalog.settings),
    ]
    parts.extend(render_venue(v) for v in catalog.venues.values())
    return "\n".join(parts)


def render_catalog(catalog: Catalog) -> str:
    """A whole entries.toml, for a new catalog."""
    parts = [render_head(catalog)]
    parts.extend(render_entry(e) for e in catalog.entries)
    return "\n".join(parts)
