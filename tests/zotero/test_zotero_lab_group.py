"""`zotero pull` of a group lab members filled by hand (lab_group.py) into a
new catalog: entries `check` accepts, `export --all` writes and `render
readme` renders; venues, categories, years and sections from what people
typed; each item that cannot become an entry named by its Zotero key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ssl_bib.cli import cli
from ssl_bib.model import Catalog, Entry
from ssl_bib.store import load
from tests.zotero.lab_group import ITEMS, PAPERS, UNPULLABLE, fill
from tests.zotero.zotero_fake_server import FakeZotero
from tests.zotero.zotero_helpers import GROUP, KEY, Syncer


def ssl_bib(catalog: Path, server: FakeZotero, *args: str) -> Result:
    env = {"SSL_BIB_ZOTERO_URL": server.url, "ZOTERO_API_KEY": KEY}
    result = CliRunner().invoke(cli, ["--catalog", str(catalog), *args], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    return result


@pytest.fixture
def lab(server: FakeZotero, tmp_path: Path) -> tuple[Path, dict[str, str], Result]:
    """The group, pulled into a new catalog by the command a maintainer runs."""
    keys = fill(server, GROUP)
    catalog = tmp_path / "lab" / "entries.toml"
    catalog.parent.mkdir()
    result = ssl_bib(catalog, server, "zotero", "pull", "--group", str(GROUP))
    assert result.exit_code == 0, result.output
    return catalog, keys, result


def _entries(catalog: Path, keys: dict[str, str]) -> dict[str, Entry]:
    by_zkey = {e.zotero_key: e for e in load(catalog).catalog.entries}
    return {name: by_zkey[keys[name]] for name in PAPERS}


def test_every_paper_becomes_an_entry_and_check_accepts_them(
        lab: tuple[Path, dict[str, str], Result]) -> None:
    catalog, keys, pulled = lab
    assert len(ITEMS) >= 30 and len(PAPERS) >= 25
    entries = _entries(catalog, keys)
    assert len(load(catalog).catalog.entries) == len(PAPERS)
    assert f"catalog changed: {len(PAPERS)} new" in pulled.stderr
    result = CliRunner().invoke(cli, ["--catalog", str(catalog), "check"])
    assert result.exit_code == 0 and f"{len(PAPERS)} entries, 0 errors" in result.output, \
        result.output
    # No "no venue" warning: every paper here names its venue; no "no
    # category" but for the one whose only tags are automatic.
    lines = result.output.splitlines()
    assert not [line for line in lines if "no venue" in line]
    no_category = [line for line in lines if "no category" in line]
    assert len(no_category) == 1 and entries["tmi-2020"].key in no_category[0]


def test_what_cannot_become_an_entry_is_named_by_key(
        server: FakeZotero, lab: tuple[Path, dict[str, str], Result]) -> None:
    catalog, keys, pulled = lab
    notes = [line for line in pulled.stdout.splitlines() if "not pulled" in line]
    for name, reason in UNPULLABLE.items():
        mine = [line for line in notes if f"Zotero item {keys[name]}" in line]
        assert len(mine) == 1 and reason in mine[0], (name, notes)
    assert len(notes) == len(UNPULLABLE)  # children and the trashed item: not news
    # Told once: the next pull reads nothing new and says nothing.
    again = ssl_bib(catalog, server, "zotero", "pull", "--group", str(GROUP))
    assert again.exit_code == 0 and again.stdout == "", again.stdout


def test_one_venue_for_each_venue_however_spelled(
        lab: tuple[Path, dict[str, str], Result]) -> None:
    catalog, keys, _ = lab
    loaded = load(catalog).catalog
    entries = _entries(catalog, keys)

    def venue_of(name: str) -> str:
        venue = entries[name].venue
        assert venue is not None and venue in loaded.venues, name
        return venue

    media = {venue_of(n) for n in ("media-2021", "media-2022", "iso-time", "bbt-key",
                                   "duplicate-a", "duplicate-b")}
    assert len(media) == 1
    media_venue = loaded.venues[media.pop()]
    assert (media_venue.key, media_venue.name, media_venue.kind) == (
        "Med. Image Anal.", "Medical Image Analysis", "journal")
    assert "Medical image analysis" in media_venue.aliases
    assert venue_of("tmi-2021") == venue_of("tmi-2020") == "IEEE Trans. Med. Imaging"
    assert loaded.venues["IEEE Trans. Med. Imaging"].issn == "0278-0062"
    miccai = {venue_of(n) for n in ("miccai-2019", "miccai-2020-chapter", "miccai-2018")}
    assert miccai == {"MICCAI"}
    assert loaded.venues["MICCAI"].name == \
        "Medical Image Computing and Computer Assisted Intervention"
    assert loaded.venues["MICCAI"].kind == "conference"
    assert venue_of("isbi-2021") == venue_of("isbi-2020") == "ISBI"
    assert venue_of("cvpr-2020") == "CVPR" and venue_of("iccv-2021") == "ICCV"
    assert venue_of("iccvw-2021") == "ICCVW" and loaded.venues["ICCVW"].kind == "workshop"
    assert venue_of("midl-2021") == "MIDL" and venue_of("icml-2020") == "ICML"
    assert venue_of("arxiv-preprint") == venue_of("arxiv-old-style") == "arXiv"
    assert loaded.venues["arXiv"].kind == "preprint"
    assert venue_of("medrxiv") == "medRxiv"
    assert venue_of("range-date") == venue_of("season-date")
    # The proceedings' own titles stay with the papers, years and all.
    assert entries["miccai-2019"].container_title == ITEMS["miccai-2019"][0]["proceedingsTitle"]
    # No venue is a series, and no two venues share a name.
    names = [v.name.casefold() for v in loaded.venues.values()]
    assert len(names) == len(set(names))
    assert not any("lecture notes" in n or "machine learning research" in n for n in names)


def test_types_years_authors_and_identifiers(
        lab: tuple[Path, dict[str, str], Result]) -> None:
    catalog, keys, _ = lab
    loaded = load(catalog).catalog
    entries = _entries(catalog, keys)
    dates = {"media-2021": (2021, 3), "media-2022": (2022, 3), "tmi-2021": (2021, 3),
             "tmi-2020": (2020, 12), "miccai-2019": (2019, None),
             "miccai-2020-chapter": (2020, 10), "miccai-2018": (2018, 9),
             "cvpr-2020": (2020, 6), "iccvw-2021": (2021, 10), "icml-2020": (2020, 11),
             "isbi-2021": (2021, 4), "isbi-2020": (2020, 4), "midl-2021": (2021, 3),
             "arxiv-preprint": (2021, 11), "arxiv-old-style": (2019, 11),
             "medrxiv": (2020, None), "cbm-org": (2022, 1), "bad-values": (2021, None),
             "range-date": (2020, None), "season-date": (2020, None),
             "iso-time": (2022, 6), "bbt-key": (2022, 5)}
    for name, (year, month) in dates.items():
        assert (entries[name].year, entries[name].month) == (year, month), name
    kinds = {name: loaded.entry_type(entries[name]) for name in PAPERS}
    assert kinds["miccai-2020-chapter"] == "inproceedings"
    assert kinds["arxiv-old-style"] == kinds["arxiv-preprint"] == "preprint"
    assert kinds["media-2021"] == "article" and kinds["cvpr-2020"] == "inproceedings"
    assert entries["arxiv-old-style"].arxiv == "1911.05722"
    assert entries["arxiv-preprint"].arxiv == "2111.06377"
    # Editors are no authors; an organisation stays whole.
    chapter = entries["miccai-2020-chapter"]
    assert [p.family for p in chapter.authors] == ["Ferreira", "Kowalski"]
    assert [p.family for p in entries["miccai-2019"].authors] == ["Haddad"]
    org = entries["cbm-org"].authors[0]
    assert org.literal and org.family == "Skin Imaging Collaboration"
    assert entries["cbm-org"].doi == "10.1016/j.compbiomed.2021.105139"
    # Values no entry may hold are left out, and said.
    assert entries["bad-values"].doi is None and entries["bad-values"].url is None
    # Better BibTeX's pinned key is the citation key.
    assert entries["bbt-key"].key == "mendes2022generative"
    assert all(re.fullmatch(r"[A-Za-z0-9_:-]+", e.key) for e in entries.values())


def test_left_out_values_are_said(lab: tuple[Path, dict[str, str], Result]) -> None:
    _catalog, keys, pulled = lab
    said = [line for line in pulled.stdout.splitlines() if keys["bad-values"] in line]
    assert any("doi 'n/a' is not a DOI" in line for line in said), said
    assert any("url 'www.example.org/review' is not an http(s) URL" in line for line in said)


def test_categories_from_manual_tags_sections_from_year_collections(
        lab: tuple[Path, dict[str, str], Result]) -> None:
    catalog, keys, _ = lab
    loaded = load(catalog).catalog
    entries = _entries(catalog, keys)
    # In the order the entries have, spelled as first met; "contrastive" is
    # "Contrastive"; automatic tags (MeSH, arXiv subjects) are none.
    assert loaded.categories == ["Contrastive", "MAE", "Predictive", "Generative",
                                 "Multi-tasking"]
    assert entries["media-2022"].categories == ["Contrastive", "MAE"]
    assert entries["media-2021"].categories == ["Contrastive"]
    assert entries["tmi-2020"].categories == []
    # A year collection other than the item's year lists it there; an item
    # in none is listed under its own year.
    assert entries["tmi-2020"].listed_sections() == [2020]
    assert entries["range-date"].listed_sections() == [2020]
    assert all(e.listed_sections() == [e.year] for e in entries.values()
               if e.key != entries["arxiv-old-style"].key)


def test_entries_follow_the_order_people_added_the_items(
        lab: tuple[Path, dict[str, str], Result]) -> None:
    catalog, keys, _ = lab
    order = {keys[name]: n for n, name in enumerate(PAPERS)}
    pulled = [e.zotero_key for e in load(catalog).catalog.entries]
    assert pulled == sorted(pulled, key=lambda k: order[str(k)])


def test_the_pulled_catalog_exports_and_renders(
        server: FakeZotero, lab: tuple[Path, dict[str, str], Result], tmp_path: Path) -> None:
    catalog, _keys, _ = lab
    out = tmp_path / "exports"
    result = ssl_bib(catalog, server, "export", "--all", str(out))
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.iterdir())
    assert len(written) == 4, written
    import bibtexparser

    library = bibtexparser.parse_string((out / "references.bib").read_text())
    assert len(library.entries) == len(PAPERS) and not library.failed_blocks
    readme = tmp_path / "README.md"
    result = ssl_bib(catalog, server, "render", "readme", "-o", str(readme))
    assert result.exit_code == 0, result.output
    text = readme.read_text()
    assert "Medical Image Analysis (Med. Image Anal.)" in text
    assert "| MICCAI |" in text and "## 2022" in text and "## 2018" in text
    rows = [line.split(" | ") for line in text.splitlines()
            if line.startswith("| ") and not line.startswith(("| Paper title", "| ---"))]
    assert len(rows) == len(PAPERS)
    assert not [row for row in rows if row[1] == "NA"]  # every paper has its venue
    assert [row[0] for row in rows if row[2] == "NA"] == [
        "| " + ITEMS["tmi-2020"][0]["title"]]            # only automatic tags: no category


def test_a_sync_keeps_what_people_put_in_zotero(
        server: FakeZotero, syncer: Syncer, lab: tuple[Path, dict[str, str], Result]) -> None:
    """Pushing the catalog back gives the items their citation keys and
    leaves the rest as people made it: automatic tags, editors, children,
    other collections, their own extra lines and dates."""
    catalog, keys, _ = lab
    before = {k: dict(v) for k, v in server.libraries[GROUP].items.items()}
    entries = _entries(catalog, keys)
    report = syncer.run(catalog, "sync")
    assert not report.failures and not report.conflicts, report.lines()
    assert report.catalog_note == "new"
    after = server.libraries[GROUP].items
    for name in PAPERS:
        old, new = before[keys[name]], after[keys[name]]
        assert sorted(map(str, new["tags"])) == sorted(map(str, old["tags"])), name
        for field in ("date", "creators", "itemType", "url", "DOI"):
            assert (new.get(field) or None) == (old.get(field) or None), (name, field)
        # A venue field left empty gets the venue's name or key; one set stays.
        for field in ("publicationTitle", "journalAbbreviation", "bookTitle",
                      "proceedingsTitle", "conferenceName"):
            assert not old.get(field) or new.get(field) == old.get(field), (name, field)
        assert old.get("extra", "") in new.get("extra", ""), name
        # Its collections stay; an item in no year collection joins its year's.
        added = set(new["collections"]) - set(old["collections"])
        assert set(old["collections"]) <= set(new["collections"]), name
        assert [server.libraries[GROUP].collections[k]["name"] for k in added] in (
            [], [str(entries[name].year)]), name
    for key, item in before.items():  # children, books, notes: untouched
        if item.get("parentItem") or item["itemType"] in ("book", "thesis", "webpage", "note"):
            assert after[key] == item
    assert syncer.run(catalog, "sync").lines() == []


def test_a_known_venue_is_reused(server: FakeZotero, tmp_path: Path) -> None:
    """Into a catalog that has the venue (by key, name or alias), no new one."""
    fill(server, GROUP)
    catalog = tmp_path / "known" / "entries.toml"
    catalog.parent.mkdir()
    catalog.write_text(
        'schema = 1\ncategories = ["Contrastive"]\n\n'
        '[venues.MedIA]\nname = "Medical Image Analysis"\nkind = "journal"\n\n'
        '[venues.IEEE-TMI]\nname = "IEEE Transactions on Medical Imaging"\nkind = "journal"\n'
        'aliases = ["IEEE Trans. Med. Imaging"]\n\n'
        '[venues.MICCAI]\nname = "International Conference on Medical Image Computing and '
        'Computer Assisted Intervention"\nkind = "conference"\n')
    result = ssl_bib(catalog, server, "zotero", "pull", "--group", str(GROUP))
    assert result.exit_code == 0, result.output
    loaded: Catalog = load(catalog).catalog
    by_title = {e.title: e for e in loaded.entries}
    assert by_title["Contrastive Pretraining for Chest X-ray Triage"].venue == "MedIA"
    assert by_title["Masked Volume Modelling for CT Segmentation"].venue == "MedIA"
    assert by_title["Rotation Prediction Pretext Tasks for MRI"].venue == "IEEE-TMI"
    assert by_title["Momentum Contrast for Endoscopy Video"].venue == "MICCAI"
    assert by_title["Context Restoration for Ultrasound"].venue == "MICCAI"
    assert not {"Med. Image Anal.", "IEEE Trans. Med. Imaging"} & set(loaded.venues)
    # It had no entries yet: the other tags became categories after its own.
    assert loaded.categories == ["Contrastive", "MAE", "Predictive", "Generative",
                                 "Multi-tasking"]


def test_into_an_empty_catalog_with_categories_the_other_tags_join_them(
        server: FakeZotero, empty_catalog: Path) -> None:
    """A catalog with venues and categories but no entries yet is started from
    the group too: tags it has no category for become categories after its own."""
    keys = fill(server, GROUP)
    before = load(empty_catalog).catalog.categories
    result = ssl_bib(empty_catalog, server, "zotero", "pull", "--group", str(GROUP))
    assert result.exit_code == 0, result.output
    loaded = load(empty_catalog).catalog
    assert loaded.categories[:len(before)] == before
    assert loaded.categories[len(before):] == ["Multi-tasking"]  # the others it had
    by_zkey = {e.zotero_key: e for e in loaded.entries}
    assert by_zkey[keys["media-2021"]].venue == "MedIA"             # its own venues, reused
    assert by_zkey[keys["miccai-2018"]].venue == "MICCAI"
    check = CliRunner().invoke(cli, ["--catalog", str(empty_catalog), "check"])
    assert "0 errors" in check.output
    no_category = [line for line in check.output.splitlines() if "no category" in line]
    assert len(no_category) == 1 and by_zkey[keys["tmi-2020"]].key in no_category[0]
    assert not [line for line in check.output.splitlines() if "no venue" in line]
