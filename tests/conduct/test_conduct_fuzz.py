"""Fuzzing what any service can send: bodies, headers, records. Only the
conduct's own one-line errors may come out, never another exception."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ssl_bib.conduct import Answer, BadAnswer, parse_retry_after
from ssl_bib.conduct.answer import parse_links
from ssl_bib.conduct.policy import parse_backoff
from ssl_bib.crossref.fields import parse_work

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12)
# Text with JSON escapes of lone surrogates mixed in.
ESCAPED = st.lists(st.sampled_from(['"a"', '"\\ud800"', '"\\udfff x"', '"\\ud83d\\ude00"',
                                    "1", "null", "[", "]", "{", "}", ",", ":", '"k"']),
                   max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(body=st.binary(max_size=200) | ESCAPED.map(str.encode))
def test_any_body_is_json_or_a_one_line_bad_answer(body: bytes) -> None:
    answer = Answer("Example", "GET", "/x", "https://e.org/x", 200, {}, body)
    try:
        value = answer.json()
    except BadAnswer as exc:
        assert "\n" not in str(exc)
        return
    json.dumps(value, ensure_ascii=False).encode("utf-8")  # nothing unencodable is left


@settings(max_examples=300, deadline=None)
@given(value=st.text(max_size=60))
def test_any_header_value_is_read_or_ignored(value: str) -> None:
    seconds = parse_retry_after(value, 1_800_000_000.0)
    assert seconds is None or seconds >= 0
    backoff = parse_backoff(value)
    assert backoff is None or backoff > 0
    assert isinstance(parse_links(value), dict)
    Answer("E", "GET", "/", "u", 200, {"last-modified-version": value}, b"").header_int(
        "last-modified-version")


@settings(max_examples=300, deadline=None)
@given(record=st.dictionaries(st.sampled_from(
    ["title", "subtitle", "author", "issued", "type", "container-title", "page", "volume",
     "ISSN", "issn-type", "ISBN", "event", "score", "DOI", "publisher", "alternative-id"]),
    JSON, max_size=8))
def test_any_crossref_record_parses(record: dict[str, Any]) -> None:
    work = parse_work(record)
    work.fields()
    work.describe()
