"""How a paper's citations travel in the site's citation files, smaller than
the texts themselves: the citations were more than half of the bundled
catalog's site, and the site must stay under 300 KB.

A paper's texts are packed in the order of the formats. Each is either the
text itself or, when that is smaller and comes back byte for byte:

- {"lines": [...]}: its lines, a number standing for that line of the
  paper's first text (biblatex repeats most of what BibTeX says);
- {"json": item}: CSL-JSON's one item, which the page writes back as the
  writer writes it (JSON.stringify with two spaces, as `json.dumps(indent=2,
  ensure_ascii=False)`); only for values both write alike.

site.js (`unpacked`) reverses this. Every packing is checked here by
unpacking it the way the page does, so a text that would not come back
exactly travels as it is.
"""

from __future__ import annotations

import json
from typing import Any

# JSON.stringify orders an object's keys that look like array indices first.
_LARGEST_INDEX = 2**32 - 2
_EXACT_INT = 2**53


def packed(texts: list[str]) -> list[Any]:
    first = texts[0].split("\n")
    line_number: dict[str, int] = {}
    for number, line in enumerate(first):
        line_number.setdefault(line, number)
    out: list[Any] = [texts[0]]
    for text in texts[1:]:
        candidates: list[Any] = [text]
        lines = [line_number.get(line, line) for line in text.split("\n")]
        if any(isinstance(line, int) for line in lines):
            candidates.append({"lines": lines})
        item = _one_json_item(text)
        if item is not None:
            candidates.append({"json": item})
        fits = [c for c in candidates if unpacked_text(c, first) == text]
        out.append(min(fits, key=lambda c: len(_dumps(c))))
    return out


def unpacked_text(packed_text: Any, first_lines: list[str]) -> str:
    """One text back from its packing, as site.js does it."""
    if isinstance(packed_text, str):
        return packed_text
    if "lines" in packed_text:
        return "\n".join(first_lines[line] if isinstance(line, int) else line
                         for line in packed_text["lines"])
    return json.dumps([packed_text["json"]], indent=2, ensure_ascii=False) + "\n"


def _one_json_item(text: str) -> Any:
    """The item of a one-item JSON array, if the page writes it back alike."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if isinstance(value, list) and len(value) == 1 and _written_alike(value[0]):
        return value[0]
    return None


def _written_alike(value: Any) -> bool:
    """Whether JSON.stringify writes `value` as json.dumps does: no floats
    (the two print some differently), no integers a double cannot hold, no
    object key that JavaScript would move to the front."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return True
    if isinstance(value, int):
        return abs(value) <= _EXACT_INT
    if isinstance(value, list):
        return all(_written_alike(v) for v in value)
    if isinstance(value, dict):
        return all(not _index_like(k) and _written_alike(v) for k, v in value.items())
    return False


def _index_like(key: str) -> bool:
    return key.isascii() and key.isdigit() and str(int(key)) == key \
        and int(key) <= _LARGEST_INDEX


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
