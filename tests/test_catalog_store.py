"""The store: reading with line numbers, validation input, splice writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ssl_bib.model import CodeLink, Entry, Person, Venue
from ssl_bib.problems import InputError
from ssl_bib.store import load, new_catalog, parse_text, save

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "entries.toml"

SMALL = """\
# A hand-written catalog: this comment must survive every write.
schema = 1
categories = ["Contrastive", "Generative"]

[settings]
key_format = "{author}{Title:3}{year}"  # the default formula

[venues.MICCAI]
name = "International Conference on Medical Image Computing and Computer Assisted Intervention"
kind = "conference"

[venues.MedIA]
name = "Medical Image Analysis"
kind = "journal"

# --- 2019 ---
[[entries]]
key = "zhouModelsGenesisGeneric2019"
title = "Models Genesis: Generic Autodidactic Models for 3D Medical Image Analysis"
year = 2019
venue    = "MICCAI"   # odd spacing kept verbatim
categories = ["Generative"]

[[entries]]
# a comment inside the second entry
key = "chenSelfsupervisedLearningMedical2019"
title = "Self-supervised learning for medical image analysis using image context restoration"
year = 2019
venue = "MedIA"
categories = ["Generative"]
authors = ["Chen, Liang", "Bentley, Paul"]

# trailing comment at the end of the file
"""


def write(tmp_path: Path, text: str, name: str = "entries.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_entries_in_file_order_with_their_lines(tmp_path: Path) -> None:
    loaded = load(write(tmp_path, SMALL))
    keys = [e.key for e in loaded.catalog.entries]
    assert keys == ["zhouModelsGenesisGeneric2019", "chenSelfsupervisedLearningMedical2019"]
    lines = SMALL.splitlines()
    first = loaded.line_of("zhouModelsGenesisGeneric2019")
    assert lines[first - 1] == "[[entries]]"
    venue_line = loaded.line_of("zhouModelsGenesisGeneric2019", "venue")
    assert lines[venue_line - 1].startswith("venue    =")
    second = loaded.catalog.entries[1]
    assert second.authors == [Person("Chen", "Liang"), Person("Bentley", "Paul")]
    assert lines[loaded.venue_lines["MedIA"] - 1] == "[venues.MedIA]"


def test_unchanged_catalog_is_not_rewritten(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL)
    loaded = load(path)
    assert save(loaded) is False
    assert path.read_text(encoding="utf-8") == SMALL


def test_changing_one_entry_rewrites_only_that_entry(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL)
    loaded = load(path)
    loaded.catalog.entries[1].doi = "10.1016/j.media.2019.101539"
    assert save(loaded) is True
    after = path.read_text(encoding="utf-8")
    before_lines, after_lines = SMALL.splitlines(), after.splitlines()
    # Everything up to the changed entry is byte-for-byte the same...
    cut = SMALL.index("key = \"chenSelf")
    assert after.startswith(SMALL[:cut - len("# a comment inside the second entry\n")])
    # ...the trailing comment too, and the new value is there.
    assert after.endswith("# trailing comment at the end of the file\n")
    assert 'doi = "10.1016/j.media.2019.101539"' in after_lines
    assert "venue    = \"MICCAI\"   # odd spacing kept verbatim" in after_lines
    assert len(after_lines) == len(before_lines)  # the inner comment gave way to the doi line
    assert load(path).catalog == loaded.catalog


def test_adding_and_removing_entries(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL)
    loaded = load(path)
    del loaded.catalog.entries[0]
    loaded.catalog.entries.append(Entry(key="new2020", title="A New Paper", year=2020,
                                        venue="MedIA", code=[CodeLink("pytorch", "https://x.org/a")]))
    save(loaded)
    text = path.read_text(encoding="utf-8")
    assert "zhouModelsGenesisGeneric2019" not in text
    assert "# A hand-written catalog" in text
    again = load(path)
    assert [e.key for e in again.catalog.entries] == ["chenSelfsupervisedLearningMedical2019",
                                                      "new2020"]
    assert again.catalog.entries[1].code == [CodeLink("pytorch", "https://x.org/a")]


def test_changing_a_venue_keeps_head_comments(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL)
    loaded = load(path)
    loaded.catalog.venues["MedIA"].url = "https://www.journals.elsevier.com/medical-image-analysis"
    save(loaded)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# A hand-written catalog: this comment must survive every write.\n")
    assert "# the default formula" in text
    assert load(path).catalog.venues["MedIA"].url.endswith("medical-image-analysis")
    # Only the new line: the layout around the head (blank lines, comments) is as it was.
    added = 'url = "https://www.journals.elsevier.com/medical-image-analysis"\n'
    assert text.replace(added, "") == SMALL


def test_new_catalog_is_created(tmp_path: Path) -> None:
    loaded = new_catalog(tmp_path / "fresh.toml")
    loaded.catalog.entries.append(Entry(key="a2020", title="A", year=2020))
    assert save(loaded)
    assert load(tmp_path / "fresh.toml").catalog.entries[0].title == "A"


@pytest.mark.parametrize(("text", "line", "fragment"), [
    ("schema = 1\n[[entries]]\nkey = \"a\"\ntitle = \"T\nyear = 2020\n", 4, "not valid TOML"),
    ("schema = 7\n", 1, "schema 7"),
])
def test_unparseable_files_raise_located_errors(tmp_path: Path, text: str, line: int,
                                                fragment: str) -> None:
    with pytest.raises(InputError) as info:
        load(write(tmp_path, text))
    assert info.value.line == line
    assert fragment in info.value.format()
    assert info.value.format().startswith("entries.toml:")


def test_wrong_types_are_problems_with_lines(tmp_path: Path) -> None:
    text = SMALL.replace('year = 2019\nvenue = "MedIA"', 'year = "2019"\nvenue = "MedIA"')
    text = text.replace('categories = ["Generative"]\n\n[[', 'categories = "Generative"\n\n[[')
    loaded = load(write(tmp_path, text))
    messages = [p.format() for p in loaded.problems]
    year_line = text.splitlines().index('year = "2019"') + 1
    assert f"entries.toml:{year_line}: entry chenSelfsupervisedLearningMedical2019: error: "\
           "'year' must be an integer such as 2021" in messages
    cat_line = text.splitlines().index('categories = "Generative"') + 1
    assert any(m.startswith(f"entries.toml:{cat_line}: entry zhouModelsGenesisGeneric2019: "
                            "error: 'categories' must be a list") for m in messages)


def test_unknown_field_is_an_error(tmp_path: Path) -> None:
    loaded = load(write(tmp_path, SMALL.replace("year = 2019\nvenue    ", "tittle = \"x\"\n"
                                                "year = 2019\nvenue    ")))
    assert any("unknown field 'tittle'" in p.message for p in loaded.problems)


def test_api_key_in_settings_is_refused_without_echoing_it(tmp_path: Path) -> None:
    secret = "s3cr3tK3yDoNotPrint"
    loaded = load(write(tmp_path, SMALL.replace("[settings]\n",
                                                f"[settings]\nzotero_api_key = \"{secret}\"\n")))
    assert any("never store the API key" in p.message for p in loaded.problems)
    assert all(secret not in p.format() for p in loaded.problems)


def test_not_utf8_is_located(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_bytes(b"schema = 1\n# caf\xe9\n")
    with pytest.raises(InputError) as info:
        load(path)
    assert info.value.line == 2


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such catalog file"):
        load(tmp_path / "nope.toml")


def test_bundled_catalog_round_trips_through_the_renderer(tmp_path: Path) -> None:
    copy = tmp_path / "entries.toml"
    shutil.copy(BUNDLED, copy)
    loaded = load(copy)
    assert not [p for p in loaded.problems if p.severity == "error"]
    for entry in loaded.catalog.entries:
        entry.note = "touched"
    save(loaded)
    again = load(copy)
    assert again.catalog == loaded.catalog
    assert parse_text(copy.read_text(encoding="utf-8"), copy).catalog == loaded.catalog


def test_saving_again_and_again_tracks_the_written_file(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL)
    loaded = load(path)
    loaded.catalog.entries[0].authors = [Person("Zhou", "Zongwei"), Person("Sodha", "Vatsal"),
                                         Person("Rahman Siddiquee", "Md Mahfuzur")]
    assert save(loaded)
    loaded.catalog.entries.append(Entry(key="later2021", title="Later", year=2021))
    assert save(loaded)
    assert not save(loaded)  # nothing changed since the last save
    text = path.read_text(encoding="utf-8")
    assert text == loaded.text
    lines = text.splitlines()
    assert lines[loaded.line_of("later2021", "title") - 1] == 'title = "Later"'
    assert "venue" in lines[loaded.line_of("zhouModelsGenesisGeneric2019", "venue") - 1]
    assert load(path).catalog == loaded.catalog


def test_a_venues_value_that_is_not_a_table_is_replaced_on_write(tmp_path: Path) -> None:
    path = write(tmp_path, 'schema = 1\nvenues = [1]  # wrong, check reports it\n\n'
                 '[[entries]]\nkey = "a"\ntitle = "T"\nyear = 2020\n')
    loaded = load(path)
    assert any("'venues' must be a table" in p.message for p in loaded.problems)
    loaded.catalog.venues["MedIA"] = Venue("MedIA", "Medical Image Analysis", "journal")
    save(loaded)
    again = load(path)
    assert again.problems == []
    assert again.catalog.venues["MedIA"].name == "Medical Image Analysis"
    assert [e.key for e in again.catalog.entries] == ["a"]
