"""`ssl-bib enrich` on a copy of the shipped, curated entries.toml against the
local Crossref server. Curated values carry evidence: enrich may only add to
empty fields, must name every disagreement under the entry it concerns, and
never writes a decoy. The assertions hold for any curated catalog, so later
curation does not break them."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path

import pytest
from click.testing import Result

from ssl_bib.model import Entry
from ssl_bib.store import load
from tests.catalog_texts import messages
from tests.crossref.crossref_corpus import DECOY_DOIS, corpus
from tests.crossref.crossref_helpers import REPO, invoke_enrich
from tests.crossref.crossref_server import CrossrefServer

CURATED = REPO / "entries.toml"
# What the report says about a kept value: "FIELD: catalog has 'VALUE', Crossref has ..."
_KEPT_RE = re.compile(r"^  disagreement: (\w+): catalog has '(.*)', Crossref has .*; "
                      r"kept the catalog's$")


@dataclass
class CuratedRun:
    catalog: Path
    before: dict[str, Entry]
    after: dict[str, Entry]
    text: str
    result: Result


@pytest.fixture(scope="module")
def curated_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CuratedRun]:
    folder = tmp_path_factory.mktemp("curated")
    catalog = folder / "entries.toml"
    shutil.copyfile(CURATED, catalog)
    before = {e.key: e for e in load(catalog).catalog.entries}
    with CrossrefServer(corpus()) as server:
        result = invoke_enrich(server.url, catalog, folder / "cache")
    after = {e.key: e for e in load(catalog).catalog.entries}
    yield CuratedRun(catalog, before, after, catalog.read_text(encoding="utf-8"), result)


def _shown(value: object) -> str:
    if isinstance(value, list):
        return "; ".join(v.display() if hasattr(v, "display") else str(v) for v in value)
    return str(value)


def test_curated_values_are_never_overwritten(curated_run: CuratedRun) -> None:
    assert curated_run.result.exit_code == 0, curated_run.result.output
    assert list(curated_run.after) == list(curated_run.before)
    changed = 0
    for key, old in curated_run.before.items():
        new = curated_run.after[key]
        for name, value in ((f.name, getattr(old, f.name)) for f in fields(old)):
            if name == "provenance":
                # Old provenance stays; new entries are Crossref's only.
                assert {k: v for k, v in new.provenance.items() if k in value} == value, key
                added = set(new.provenance) - set(value)
                assert all(new.provenance[k].startswith("crossref ") for k in added), key
            elif value not in (None, "", []):
                assert getattr(new, name) == value, (key, name)
            elif getattr(new, name) != value:
                changed += 1
                assert new.provenance[name].startswith("crossref "), (key, name)
    assert changed > 0                                  # the run did fill something


def test_no_decoy_is_written(curated_run: CuratedRun) -> None:
    for doi in DECOY_DOIS:
        was_there = any(e.doi == doi for e in curated_run.before.values())
        assert (doi in curated_run.text) == was_there, doi
    assert messages(curated_run.catalog, "error") == []


def test_every_disagreement_is_reported_under_its_own_entry(curated_run: CuratedRun) -> None:
    key = ""
    kept = 0
    for line in curated_run.result.stdout.splitlines():
        if not line.startswith(" "):
            key = line.split(":", 1)[0]
            assert key in curated_run.before, line
            continue
        match = _KEPT_RE.match(line)
        if match:
            kept += 1
            name, value = match.groups()
            ours = _shown(getattr(curated_run.before[key], name))
            assert value == ours or value.endswith("...") and ours.startswith(value[:-3]), \
                (key, line)
    assert kept > 0


def test_a_value_curation_corrected_away_is_not_filled_back(
        tmp_path: Path, cache_dir: Path) -> None:
    catalog = tmp_path / "entries.toml"
    text = (REPO / "tests" / "fixtures" / "seed-catalog.toml").read_text(encoding="utf-8")
    for key, fix in (("ModelsGenesisGeneric2019",
                      '{ field = "pages", was = "384-393", now = "", why = "wrong pages" }'),
                     ("SelfSupervisedMultimodal2021",
                      '{ field = "doi", was = "10.1016/J.ESWA.2021.115598", now = "", '
                      'why = "another paper\'s DOI" }')):
        marker = f'key = "{key}"\n'
        assert marker in text
        text = text.replace(marker, f"{marker}corrections = [{fix}]\n", 1)
    catalog.write_text(text, encoding="utf-8")
    with CrossrefServer(corpus()) as server:
        result = invoke_enrich(server.url, catalog, cache_dir,
                               "ModelsGenesisGeneric2019", "SelfSupervisedMultimodal2021")
    assert result.exit_code == 0, result.output
    after = {e.key: e for e in load(catalog).catalog.entries}
    genesis, multimodal = after["ModelsGenesisGeneric2019"], after["SelfSupervisedMultimodal2021"]
    assert genesis.pages is None and genesis.isbn == "9783030322502"   # the rest is filled
    assert multimodal.doi is None and multimodal.volume == "185"
    assert ("  disagreement: pages: Crossref has '384-393', which curation corrected to ''; "
            "not filled") in result.stdout
    assert ("  disagreement: doi: Crossref has '10.1016/j.eswa.2021.115598', which curation "
            "corrected to ''; not filled") in result.stdout
