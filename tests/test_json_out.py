"""json_out.dumps writes exactly the standard library's indented JSON, with
orjson or without it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssl_bib import json_out

# Everything the commands write: no floats (orjson spells 1e16 differently).
scalars = (st.text() | st.integers() | st.integers(-(2**70), 2**70) | st.booleans()
           | st.none())
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=20)


@settings(max_examples=400, deadline=None)
@given(value=values)
def test_the_same_text_as_the_standard_library(value: Any) -> None:
    assert json_out.dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)
    assert json_out.dumps_line_bytes(value) == \
        (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


@pytest.mark.parametrize("value", [
    "\x00\x01\x1f\x7f\b\f\n\r\t\"\\/ é 😀 \u2028\u2029",
    "\ud800 a lone surrogate",
    {"empty": [], "table": {}, "nested": [[], [{}]], "none": None, "flag": False},
    [2**64, -(2**63) - 1],
    [],
    {},
])
def test_the_corner_cases(value: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = json.dumps(value, indent=2, ensure_ascii=False)
    assert json_out.dumps(value) == expected
    if "\ud800" not in expected:  # a lone surrogate has no UTF-8 (orjson refuses it too)
        assert json_out.dumps_line_bytes(value) == (expected + "\n").encode("utf-8")
    monkeypatch.setattr(json_out, "_ORJSON", None)
    assert json_out.dumps(value) == expected
    if "\ud800" not in expected:
        assert json_out.dumps_line_bytes(value) == (expected + "\n").encode("utf-8")
