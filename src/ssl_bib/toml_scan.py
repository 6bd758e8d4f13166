"""Where the tables of a TOML text begin and end, by TOML's own rules.

The store reads entries.toml with tomllib, which says nothing about where
things are; splicing changed entries back needs each [[entries]] table's
exact extent. A scan by lines is only right if it agrees with TOML on two
things that `str.splitlines()` and "a line starting with `[`" get wrong:

- a line ends only at LF (or CRLF). U+2028, U+2029, U+0085 and friends are
  ordinary characters inside strings and comments;
- a line inside a multi-line string (`\"\"\"...\"\"\"`, `'''...'''`) or a
  multi-line array is part of a value, whatever it looks like (`[x]`,
  `[[entries]]`, `key = value`, `# comment`).

So the scan walks statements, not lines: one compiled pattern consumes whole
key/value statements (strings, comments and arrays nested a few levels deep
included) in C, and stops at each table header. A text the pattern cannot
walk (arrays nested deeper) is walked token by token in Python instead: slower,
exact at any depth. Both work on text tomllib has already accepted, so they only
need to be structurally right, not to validate.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

from .errors import SslBibError
from .lazy_re import compiled

_WS = r"[ \t]*+"
_COMMENT = r"\#[^\n]*+"
_BASIC = r'"(?:[^"\\\n]++|\\.)*+"'
_LITERAL = r"'[^'\n]*+'"
# A multi-line string's body may hold one or two quote marks in a row, and up
# to two more right before the closing three (TOML 1.0).
_ML_BASIC = r'"""(?:[^"\\]++|\\[\s\S]|"{1,2}+(?!"))*+"{0,2}"""'
_ML_LITERAL = r"'''(?:[^']++|'{1,2}+(?!'))*+'{0,2}'''"
_STRING = f"(?:{_ML_BASIC}|{_BASIC}|{_ML_LITERAL}|{_LITERAL})"
_SCALAR = r"[^\s\#,\[\]{}\"'=]++(?:[ ][0-9][^\s\#,\[\]{}\"'=]*+)?"
_KEY_PART = rf"(?:[A-Za-z0-9_-]++|{_BASIC}|{_LITERAL})"
_KEY = rf"{_KEY_PART}(?:{_WS}\.{_WS}{_KEY_PART})*+"


def _nested(depth: int) -> tuple[str, str]:
    """Patterns for an array and an inline table nested `depth` levels deep.
    Loose inside (any character but brackets and quotes), since tomllib has
    already checked the grammar: only the extent matters here."""
    inner = f"[^\\[\\]{{}}\"'\\#]++|{_STRING}|{_COMMENT}"
    array, table = rf"\[(?:{inner})*+\]", rf"\{{(?:{inner})*+\}}"
    for _ in range(depth):
        deeper = f"{inner}|{array}|{table}"
        array, table = rf"\[(?:{deeper})*+\]", rf"\{{(?:{deeper})*+\}}"
    return array, table


_ARRAY, _TABLE = _nested(4)
_VALUE = f"(?:{_STRING}|{_ARRAY}|{_TABLE}|{_SCALAR})"
_EOL = rf"{_WS}(?:{_COMMENT})?\r?\n"
# A blank or comment-only line, and one key = value statement (maybe many lines).
_QUIET = rf"{_WS}(?:{_COMMENT})?\r?\n"
_KEYVAL = rf"{_WS}(?P<key>{_KEY}){_WS}={_WS}{_VALUE}{_EOL}"
_KEYVAL_NOGROUP = _KEYVAL.replace("(?P<key>", "(?:")
_HEADER = rf"{_WS}(?P<header>\[\[?){_WS}(?P<path>{_KEY}){_WS}\]\]?{_EOL}"

# Statements up to the next table header: everything before it that is not a
# run of blank and comment lines right before it is "body", that run is "lead".
_SEGMENT_RE = compiled(
    rf"(?>(?:{_QUIET})*+{_KEYVAL_NOGROUP})*+(?P<lead>(?:{_QUIET})*+)(?:{_HEADER}|\Z)")
_STATEMENT_RE = compiled(rf"{_QUIET}|{_KEYVAL}|{_HEADER}")
_HEADER_RE = compiled(_HEADER)
_BARE_KEY_RE = compiled(r"[A-Za-z0-9_-]+")
_BARE_DOTTED_RE = compiled(r"[A-Za-z0-9_-]+(?:[ \t]*\.[ \t]*[A-Za-z0-9_-]+)+")


@dataclass
class Table:
    """One table header: `[[entries]]` (`array` true) or `[a.b]`.

    `lead_at` is where the blank and comment lines right before the header
    start, `start_at` where the header line starts (character offsets);
    `line` is the header's 0-based line number."""

    path: tuple[str, ...]
    array: bool
    lead_at: int
    start_at: int
    line: int


@dataclass
class Layout:
    """A TOML text's tables in order, and where its trailing comments and
    blank lines begin (the text after the last statement)."""

    tables: list[Table]
    tail_at: int


class ScanError(SslBibError):
    """The text is not TOML the scan can follow (tomllib should have said so)."""


def split_lines(text: str) -> list[str]:
    """The text's lines as TOML counts them: split at LF only (a CRLF line
    keeps its CR). Unlike str.splitlines, U+2028, U+0085, VT, FF... do not
    end a line."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def split_lines_keepends(text: str) -> list[str]:
    """split_lines with each line's LF kept, for diffs."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    if not lines[-1]:
        lines.pop()
    return lines


def scan(text: str) -> Layout:
    """Every table header of a TOML text, with its lead and line."""
    padded = text if text.endswith("\n") else text + "\n"
    try:
        layout = _scan_fast(padded)
    except ScanError:
        layout = _scan_exact(padded)
    layout.tail_at = min(layout.tail_at, len(text))
    return layout


def _scan_fast(text: str) -> Layout:
    tables: list[Table] = []
    pos, line, counted = 0, 0, 0
    size = len(text)
    while True:
        m = _SEGMENT_RE.match(text, pos)
        if m is None:
            raise ScanError(pos)
        if m.group("header") is None:
            if m.end() != size:
                raise ScanError(m.end())
            return Layout(tables, m.start("lead"))
        start = m.end("lead")
        line += text.count("\n", counted, start)
        counted = start
        tables.append(Table(parse_key(m.group("path")), m.group("header") == "[[",
                            m.start("lead"), start, line))
        pos = m.end()


_TOKEN_RE = compiled(rf"{_STRING}|{_COMMENT}|[\[\]{{}}\n]|[^\[\]{{}}\"'\#\n]++")


def _scan_exact(text: str) -> Layout:
    """The same walk, token by token: any nesting depth, Python speed."""
    tables: list[Table] = []
    depth = line = line_start = 0
    quiet_from = 0          # where the run of blank/comment lines before here began
    line_has_code = False
    header_at = -1          # start of the header line being read, if any
    for m in _TOKEN_RE.finditer(text):
        token = m.group()
        if token == "\n":
            if header_at >= 0:
                h = _HEADER_RE.match(text, header_at)
                if h is None:
                    raise ScanError(header_at)
                tables.append(Table(parse_key(h.group("path")), h.group("header") == "[[",
                                    quiet_from, header_at, line))
                header_at = -1
            if line_has_code:
                quiet_from = m.end()
            line += 1
            line_start, line_has_code = m.end(), False
            continue
        line += token.count("\n")   # a multi-line string
        if header_at >= 0 or token[0] == "#" or token.isspace():
            continue
        if depth == 0 and token == "[" and not line_has_code:
            header_at = line_start
        elif token in "[{":
            depth += 1
        elif token in "]}":
            depth -= 1
        line_has_code = True
    return Layout(tables, quiet_from)


def parse_key(path: str) -> tuple[str, ...]:
    """A dotted key's parts, quotes removed: `venues."IEEE Access"` ->
    ("venues", "IEEE Access")."""
    if _BARE_KEY_RE.fullmatch(path):
        return (path,)
    if _BARE_DOTTED_RE.fullmatch(path):  # provenance.authors: no quotes to undo
        return tuple(part.strip(" \t") for part in path.split("."))
    doc = tomllib.loads(f"{path} = 0")
    parts: list[str] = []
    node: object = doc
    while isinstance(node, dict):
        (name, node), = node.items()
        parts.append(name)
    return tuple(parts)


def statement_keys(text: str) -> list[tuple[int, tuple[str, ...], bool]]:
    """(0-based line, key, is a table header) of each statement of a piece of
    TOML that starts and ends between statements, such as one entry's table."""
    out: list[tuple[int, tuple[str, ...], bool]] = []
    padded = text if text.endswith("\n") else text + "\n"
    pos, line = 0, 0
    while pos < len(padded):
        m = _STATEMENT_RE.match(padded, pos)
        if m is None:
            break
        if m.group("key") is not None:
            out.append((line, parse_key(m.group("key")), False))
        elif m.group("path") is not None:
            out.append((line, parse_key(m.group("path")), True))
        line += padded.count("\n", pos, m.end())
        pos = m.end()
    return out
