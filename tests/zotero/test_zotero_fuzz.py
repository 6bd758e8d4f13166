"""Fuzzing what Zotero sends: any JSON value in any field of an item, any
key, any version. A pull must end with exit 0 or 1, one report line per bad
item, no traceback, a catalog and a state that load, and never the CLI's
last-resort "could not use" line (the wire checks must catch it first)."""

from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssl_bib.cli import cli
from ssl_bib.store import load
from ssl_bib.zotero.state import load_state, state_path
from tests.zotero.zotero_fake_server import FakeZotero, LoggedRequest
from tests.zotero.zotero_helpers import GROUP, KEY

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2 ** 70), 2 ** 70)
    | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=3),
    max_leaves=6)
FIELDS = ["key", "version", "itemType", "title", "date", "creators", "tags", "collections",
          "extra", "parentItem", "deleted", "relations", "DOI", "publicationTitle",
          "citationKey", "url", "pages"]


@pytest.mark.slow
@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(st.tuples(st.integers(0, 4), st.sampled_from(FIELDS), JSON),
                        min_size=1, max_size=4),
       envelope_version=st.one_of(st.none(), JSON))
def test_any_value_in_any_field_is_a_report_never_a_traceback(
        server: FakeZotero, tmp_path: Path, changes: list[tuple[int, str, Any]],
        envelope_version: Any) -> None:
    lib = server.libraries[GROUP]
    if not lib.items:
        for n in range(5):
            server.add_item(GROUP, {"itemType": "journalArticle", "title": f"Paper {n}",
                                    "date": "2020", "publicationTitle": "Medical Image "
                                    "Analysis", "tags": [{"tag": "MAE"}]})

    def tamper(entry: LoggedRequest, status: int, headers: dict[str, str],
               body: bytes) -> tuple[int, dict[str, str], bytes]:
        if entry.query.get("format") == "json" and status == 200:
            doc = json.loads(body)
            for index, name, value in changes:
                if index < len(doc):
                    doc[index]["data"][name] = value
                    if envelope_version is not None:
                        doc[index]["version"] = envelope_version
            body = json.dumps(doc).encode()
        return status, headers, body

    server.tamper = tamper
    folder = tmp_path / f"run{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    catalog = folder / "entries.toml"
    result = CliRunner().invoke(cli, ["--catalog", str(catalog), "zotero", "pull", "--group",
                                      str(GROUP)],
                                env={"SSL_BIB_ZOTERO_URL": server.url, "ZOTERO_API_KEY": KEY})
    output = result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert result.exit_code in (0, 1), output
    assert "Traceback" not in output and "could not use" not in output, output
    assert KEY not in output
    if catalog.exists():
        load(catalog)
        load_state(state_path(catalog, GROUP), GROUP)
    shutil.rmtree(folder)


@settings(max_examples=200, deadline=None)
@given(value=JSON)
def test_the_wire_readers_take_any_json(value: Any) -> None:
    from ssl_bib.zotero import wire

    for reader in (wire.item, wire.collection):
        with contextlib.suppress(wire.Rejected):
            reader(value)
    for whole in (wire.versions, wire.deleted):
        with contextlib.suppress(wire.WireError):
            whole(value)
    with contextlib.suppress(wire.WireError):
        wire.write_result(value, [{"key": "ABCD2345"}, {"key": "EFGH6789"}], 3)
