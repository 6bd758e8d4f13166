"""JSON text as the commands write it: two-space indent, Unicode kept as is.

orjson writes exactly what `json.dumps(value, indent=2, ensure_ascii=False)`
writes (tests/test_json_out.py holds it to that), 10-15x faster: the standard
library indents in pure Python, which took longer than loading the catalog in
`list --json` and `export -f csljson` of 10,000 entries. Without orjson (no
wheel for the platform) the standard library writes it.
"""

from __future__ import annotations

import json
from typing import Any


def _orjson() -> Any:
    try:
        import orjson
    except ImportError:
        return None
    return orjson


_ORJSON = _orjson()


def dumps(value: Any) -> str:
    """`value` (dicts with str keys, lists, str, int, float, bool, None) as
    indented JSON text, without a final newline."""
    if _ORJSON is not None:
        try:
            return str(_ORJSON.dumps(value, option=_ORJSON.OPT_INDENT_2).decode("utf-8"))
        except TypeError:  # what only the standard library writes (an int beyond 64 bits)
            pass
    return json.dumps(value, indent=2, ensure_ascii=False)


def dumps_line_bytes(value: Any) -> bytes:
    """`dumps(value)` and a final newline, as UTF-8: for a file, without
    orjson's bytes decoded to text and encoded back (a 10 MB CSL-JSON export
    spent 25 ms on that)."""
    if _ORJSON is not None:
        try:
            data: bytes = _ORJSON.dumps(
                value, option=_ORJSON.OPT_INDENT_2 | _ORJSON.OPT_APPEND_NEWLINE)
            return data
        except TypeError:
            pass
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
