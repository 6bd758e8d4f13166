"""Cache file names stay what they were: the SHA-256 of the request's
canonical JSON, whichever SHA-256 implementation computes it (a cache filled
by an earlier version must still answer)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ssl_bib.crossref.cache import request_key

_PARAMS = st.dictionaries(st.text(max_size=12), st.one_of(
    st.text(max_size=40), st.integers(), st.lists(st.text(max_size=8), max_size=3)),
    max_size=5)


def _by_hashlib(route: str, params: dict[str, Any]) -> str:
    canonical = json.dumps({"route": route, "params": params}, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_a_known_request_keeps_its_name() -> None:
    # Computed by hand: sha256 of '{"params": {"doi": "10.1/x"}, "route": "work"}'.
    assert request_key("work", {"doi": "10.1/x"}) == hashlib.sha256(
        b'{"params": {"doi": "10.1/x"}, "route": "work"}').hexdigest()


@given(st.sampled_from(["work", "search", "arxiv"]), _PARAMS)
def test_every_request_is_named_as_hashlib_names_it(route: str, params: dict[str, Any]) -> None:
    assert request_key(route, params) == _by_hashlib(route, params)
