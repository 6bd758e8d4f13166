"""A Crossref record whose DOI (or ISSN, ISBN) fails the catalog's test fills
everything else but never that value, and the run says so."""

from __future__ import annotations

from pathlib import Path

from ssl_bib.store import load
from tests.crossref.crossref_helpers import invoke_enrich
from tests.crossref.crossref_server import CrossrefServer

HOSTILE = r"10.1234/\input{/tmp/probe.tex}"


def test_enrich_never_writes_a_hostile_doi(tmp_path: Path) -> None:
    catalog = tmp_path / "entries.toml"
    catalog.write_text('schema = 1\n\n[[entries]]\nkey = "Hostile2021"\n'
                       'title = "Contrastive pretraining of retinal fundus encoders"\n'
                       'year = 2021\n', encoding="utf-8")
    work = {"DOI": HOSTILE, "type": "journal-article",
            "title": ["Contrastive pretraining of retinal fundus encoders"],
            "issued": {"date-parts": [[2021, 3]]}, "volume": "12", "ISSN": ["1361-84{15"],
            "container-title": ["Journal of Tests"],
            "author": [{"family": "Doe", "given": "Jane"}]}
    with CrossrefServer([work]) as server:
        result = invoke_enrich(server.url, catalog, tmp_path / "cache")
    assert result.exit_code == 0, result.output
    entry = load(catalog).catalog.find("Hostile2021")
    assert entry is not None
    assert (entry.doi, entry.issn) == (None, None)
    assert (entry.volume, entry.month, entry.container_title) == ("12", 3, "Journal of Tests")
    assert "doi: Crossref has '10.1234/\\\\input{/tmp/probe.tex}', which is not a DOI" \
        in result.output
    assert "issn: Crossref has '1361-84{15', which is not an ISSN" in result.output
    assert "\\input" not in catalog.read_text(encoding="utf-8")
