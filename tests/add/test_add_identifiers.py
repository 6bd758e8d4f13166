"""`ssl-bib add` never writes an identifier a service sends that fails the
catalog's test (a DOI or ISSN with TeX in it): it is left out and said, or,
for the DOI asked for, that DOI is kept."""

from __future__ import annotations

import tomllib

from tests.add.add_helpers import AddRun

HOSTILE = r"10.5555/x\input{/tmp/probe.tex}"


def _work(doi: str) -> dict[str, object]:
    return {"DOI": doi, "type": "journal-article",
            "title": ["Contrastive pretraining of retinal fundus encoders"],
            "issued": {"date-parts": [[2021, 3]]}, "volume": "12",
            "ISSN": ["1361-84{15}"], "issn-type": [{"value": "1361-84{15}", "type": "print"}],
            "container-title": ["Journal of Hostile Tests"], "publisher": "Tests",
            "author": [{"family": "Doe", "given": "Jane"}]}


def test_a_hostile_doi_from_crossref_is_never_written(add: AddRun) -> None:
    add.servers.crossref.works["10.5555/asked"] = _work(HOSTILE)
    result = add("10.5555/asked", "--no-category")
    assert result.exit_code == 0, result.output
    text = add.catalog.read_text(encoding="utf-8")
    assert "\\input" not in text and "1361-84{15}" not in text
    entry = next(e for e in tomllib.loads(text)["entries"]
                 if e["title"].startswith("Contrastive pretraining of retinal"))
    assert entry["doi"] == "10.5555/asked"
    assert entry["url"] == "https://doi.org/10.5555/asked"
    assert "issn" not in entry
    assert "doi: crossref has '10.5555/x\\\\input{/tmp/probe.tex}', which is not a DOI" \
        in result.output
    assert "issn: crossref has '1361-84{15}', which is not an ISSN" in result.output
