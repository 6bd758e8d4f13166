"""Shared by the whole suite.

- `catalog`: a copy of the bundled catalog in the test's own folder (the
  real one is never touched), for the add and Zotero tests; the Crossref
  tests override it with the uncurated seed catalog their corpus was written for.
- Every TOML text the store parses while the tests run is parsed by tomllib
  as well, and the compiled parser must have given the same data (issue 16:
  identical data on every catalog in the tests). A text only one of the two
  accepts counts as a difference too."""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ssl_bib import toml_parse
from tests.toml_fixtures import same_data

BUNDLED = Path(__file__).resolve().parents[1] / "entries.toml"


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    """A copy of the bundled catalog: the real one is never touched."""
    path = tmp_path / "entries.toml"
    shutil.copyfile(BUNDLED, path)
    return path


@pytest.fixture(scope="session", autouse=True)
def tomllib_agrees_with_the_compiled_parser() -> Iterator[None]:
    compiled = toml_parse.COMPILED
    if compiled is None:  # tomllib reads everything: nothing to compare
        yield
        return
    differences: list[str] = []

    def both(text: str) -> dict[str, Any]:
        try:
            data = compiled(text)
        except Exception as exc:
            try:
                tomllib.loads(text)
            except tomllib.TOMLDecodeError:
                raise exc from None  # both refuse it: the store reports tomllib's error
            if not _beyond_64_bits(text):
                differences.append(f"only tomllib reads {text[:200]!r}")
            raise
        try:
            expected = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            differences.append(f"only the compiled parser reads {text[:200]!r}")
            raise
        if not same_data(data, expected):
            differences.append(f"different data for {text[:200]!r}")
        return expected

    toml_parse.COMPILED = both
    try:
        yield
    finally:
        toml_parse.COMPILED = compiled
    assert not differences, "\n".join(differences)


def _beyond_64_bits(text: str) -> bool:
    """The one class of text tomllib reads and toml-rs refuses by design:
    TOML says an integer that does not fit 64 bits must be an error;
    tomllib reads it as a Python int. The store falls back to tomllib's data."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False

    def big(value: Any) -> bool:
        if isinstance(value, dict):
            return any(big(v) for v in value.values())
        if isinstance(value, list):
            return any(big(v) for v in value)
        return isinstance(value, int) and not -2**63 <= value < 2**63

    return big(data)
