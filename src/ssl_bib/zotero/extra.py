"""Catalog data that has no Zotero field travels in the item's `extra` field,
one `name: value` line each, as Zotero itself does for "arXiv: ..." lines.

Our lines start with `ssl-bib-` so they never clash with a user's own lines,
which are kept untouched. A value holding a newline (or starting with a quote)
is written as a JSON string so every line stays one line."""

from __future__ import annotations

import json

PREFIX = "ssl-bib-"
# Zotero's and Better BibTeX's own convention for arXiv ids of non-preprints.
ARXIV_LINE = "arXiv"


def encode(value: str) -> str:
    if "\n" in value or "\r" in value or value.startswith('"') or value != value.strip():
        return json.dumps(value, ensure_ascii=False)
    return value


def decode(value: str) -> str:
    if value.startswith('"'):
        try:
            decoded = json.loads(value)
        except json.JSONDecodeError:
            return value
        if isinstance(decoded, str):
            return decoded
    return value


def split(extra: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Our (name, value) lines, in order, and every other line as it was."""
    ours: list[tuple[str, str]] = []
    foreign: list[str] = []
    for line in extra.splitlines():
        name, sep, value = line.partition(":")
        name = name.strip()
        if sep and (name.startswith(PREFIX) or name == ARXIV_LINE):
            ours.append((name.removeprefix(PREFIX), decode(value.strip())))
        elif line.strip():
            foreign.append(line)
    return ours, foreign


def join(ours: list[tuple[str, str]], foreign: list[str]) -> str:
    lines = list(foreign)
    for name, value in ours:
        label = name if name == ARXIV_LINE else PREFIX + name
        lines.append(f"{label}: {encode(value)}")
    return "\n".join(lines)
