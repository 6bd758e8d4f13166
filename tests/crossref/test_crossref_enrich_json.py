"""`ssl-bib enrich --json`: the report as one JSON object on stdout, one item
per entry asked about, with the dry run's diff; the summary stays on stderr."""

from __future__ import annotations

import json
from pathlib import Path

from tests.crossref.crossref_helpers import invoke_enrich
from tests.crossref.crossref_server import CrossrefServer


def test_the_report_as_json(server: CrossrefServer, catalog: Path, cache_dir: Path) -> None:
    keys = ["ModelsGenesisGeneric2019", "SelfPathSelf2021", "SelfSupervisedLearning2022"]
    lines = invoke_enrich(server.url, catalog, cache_dir, "--dry-run", *keys)
    result = invoke_enrich(server.url, catalog, cache_dir, "--dry-run", "--json", *keys)
    assert result.exit_code == lines.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert sorted(e["key"] for e in report["entries"]) == sorted(keys)
    by_key = {e["key"]: e for e in report["entries"]}
    # What the report's lines say, item by item.
    for entry in report["entries"]:
        if entry["filled"]:
            assert (f"{entry['key']}: filled {', '.join(entry['filled'])} (via {entry['via']})"
                    in lines.stdout)
        for note in entry["disagreements"]:
            assert f"  disagreement: {note}" in lines.stdout
    assert by_key["ModelsGenesisGeneric2019"]["filled"]
    assert by_key["SelfSupervisedLearning2022"]["status"] in ("ambiguous", "not-found")
    assert report["dry_run"] is True and report["diff"].startswith("--- a/")
    assert report["diff"] in lines.stdout
    assert report["enriched"] == sum(bool(e["filled"]) for e in report["entries"])
    assert report["requests"] + report["cache_hits"] >= 3
    assert result.stderr.splitlines()[-1].startswith("enrich: ")
