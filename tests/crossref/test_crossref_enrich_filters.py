"""`enrich` takes the filters of `list`: it looks up exactly the entries
`list` selects, an unknown venue stops it before any request, and a filter
that matches nothing is a notice, not a run over the whole catalog."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from ssl_bib.cli import cli
from tests.crossref.crossref_helpers import RunEnrich
from tests.crossref.crossref_server import CrossrefServer


def _listed(catalog: Path, *args: str) -> list[str]:
    result = CliRunner().invoke(cli, ["--catalog", str(catalog), "list", "--json", *args])
    assert result.exit_code == 0, result.output
    return [e["key"] for e in json.loads(result.stdout)]


def test_enrich_looks_up_exactly_the_entries_list_selects(
        run_enrich: RunEnrich, server: CrossrefServer, catalog: Path) -> None:
    args = ("--venue", "MedIA", "--year", "2019..2020")
    wanted = _listed(catalog, *args)
    assert 0 < len(wanted) < 10
    result = run_enrich("--dry-run", *args)
    assert result.exit_code == 0, result.output
    reported = {line.split(":")[0] for line in result.stdout.splitlines() if line[:1].isalpha()}
    assert reported and reported <= set(wanted)
    requests = int(result.stderr.split(" requests")[0].rsplit("(", 1)[1])
    # At least one request per entry (its DOI, PII or a search), never one for another entry.
    assert len(wanted) <= requests <= 3 * len(wanted)


def test_enrich_keys_and_filters_are_anded(run_enrich: RunEnrich, server: CrossrefServer) -> None:
    result = run_enrich("--dry-run", "ModelsGenesisGeneric2019", "--venue", "MedIA")
    assert result.exit_code == 0
    assert result.stderr.startswith(
        "ssl-bib: no entries match --key ModelsGenesisGeneric2019 --venue MedIA\n")
    assert server.log == []


def test_enrich_unknown_venue_is_a_usage_error_before_any_request(
        run_enrich: RunEnrich, server: CrossrefServer) -> None:
    result = run_enrich("--venue", "MICAI")
    assert result.exit_code == 2
    assert result.stderr == "ssl-bib: entries.toml: no venue 'MICAI'; did you mean 'MICCAI'?\n"
    assert server.log == []
