"""`ssl-bib keys refresh|check` and old keys (`key_aliases`): a key changes only
when asked, the old one keeps resolving (show, export --key, biblatex ids),
and no alias may name two entries."""

from __future__ import annotations

from pathlib import Path

import bibtexparser

from ssl_bib.codecs.bibtex_write import write_biblatex, write_bibtex
from ssl_bib.keys import follows_format
from ssl_bib.model import Entry, Person
from ssl_bib.store import load
from tests.catalog_texts import KEYED_HEAD as HEAD
from tests.catalog_texts import entry as entry_text
from tests.catalog_texts import write_catalog
from tests.cli_helpers import invoke


def _catalog(tmp_path: Path, *entries: str) -> Path:
    return write_catalog(tmp_path, HEAD + "".join(entries))


def test_refresh_gives_author_keys_and_keeps_the_old_ones(tmp_path: Path) -> None:
    path = _catalog(tmp_path,
                    entry_text("AlphaStudyThings2021", "Alpha Study of Things",
                           'authors = ["Zhou, Lei"]\n'),
                    entry_text("AlphaStudyThings2021a", "Alpha Study of Things, Again",
                           'authors = ["Zhou, Lei"]\n'),
                    entry_text("zhouBetaThings2021", "Beta Things", 'authors = ["Zhou, Lei"]\n'),
                    entry_text("NoAuthorsHere2021", "No Authors Here"))
    before = path.read_text(encoding="utf-8")
    code, out, err = invoke("keys", "refresh", "--all", "--dry-run", catalog=path)
    assert code == 0
    assert out.splitlines() == ["AlphaStudyThings2021 -> zhouAlphaStudyThings2021",
                                "AlphaStudyThings2021a -> zhouAlphaStudyThings2021a"]
    assert "dry run" in err and path.read_text(encoding="utf-8") == before
    code, out, err = invoke("keys", "refresh", "--all", catalog=path)
    assert code == 0 and "2 changed, 2 already follow" in err
    catalog = load(path).catalog
    assert [(e.key, e.key_aliases) for e in catalog.entries] == [
        ("zhouAlphaStudyThings2021", ["AlphaStudyThings2021"]),
        ("zhouAlphaStudyThings2021a", ["AlphaStudyThings2021a"]),
        ("zhouBetaThings2021", []),
        ("NoAuthorsHere2021", [])]
    # The rest of the file is untouched: only the two entries were re-rendered.
    text = path.read_text(encoding="utf-8")
    assert text.startswith(HEAD)
    assert 'key_aliases = ["AlphaStudyThings2021"]' in text
    # A second refresh changes nothing, and check is satisfied.
    assert invoke("keys", "refresh", "--all", catalog=path)[1] == ""
    assert invoke("keys", "check", catalog=path)[0] == 0
    assert path.read_text(encoding="utf-8") == text


def test_refresh_named_entries_only_and_by_old_key(tmp_path: Path) -> None:
    path = _catalog(tmp_path,
                    entry_text("Old2021", "Alpha Study of Things", 'authors = ["Doe, Jane"]\n'),
                    entry_text("Other2021", "Beta Study", 'authors = ["Roe, Rick"]\n'))
    code, out, _ = invoke("keys", "refresh", "Old2021", catalog=path)
    assert (code, out) == (0, "Old2021 -> doeAlphaStudyThings2021\n")
    assert [e.key for e in load(path).catalog.entries] == ["doeAlphaStudyThings2021",
                                                          "Other2021"]
    # The year changes (a curation): refreshing by the old key still works,
    # and both old keys stay.
    text = path.read_text(encoding="utf-8").replace("year = 2021", "year = 2020", 1)
    path.write_text(text, encoding="utf-8")
    code, out, _ = invoke("keys", "refresh", "old2021", catalog=path)
    assert out == "doeAlphaStudyThings2021 -> doeAlphaStudyThings2020\n"
    entry = load(path).catalog.entries[0]
    assert entry.key_aliases == ["Old2021", "doeAlphaStudyThings2021"]


def test_refresh_usage_errors(tmp_path: Path) -> None:
    path = _catalog(tmp_path, entry_text("Old2021", "Alpha"))
    assert invoke("keys", "refresh", catalog=path)[0] == 2
    assert invoke("keys", "refresh", "--all", "Old2021", catalog=path)[0] == 2
    code, _, err = invoke("keys", "refresh", "Nope2021", catalog=path)
    assert code == 2 and "no entry with key 'Nope2021'" in err


def test_a_new_key_never_takes_another_entrys_old_key(tmp_path: Path) -> None:
    # Entry 2 once had the key entry 1 would now get: entry 1 gets the next one.
    path = _catalog(tmp_path,
                    entry_text("Alpha2021", "Alpha Study", 'authors = ["Doe, Jane"]\n'),
                    entry_text("doeBetaStudy2021", "Beta Study", 'authors = ["Doe, Jane"]\n'
                           'key_aliases = ["doeAlphaStudy2021"]\n'))
    assert invoke("keys", "refresh", "--all", catalog=path)[1] == \
        "Alpha2021 -> doeAlphaStudy2021a\n"
    assert invoke("check", catalog=path)[0] == 0


def test_an_entry_may_take_back_its_own_old_key(tmp_path: Path) -> None:
    path = _catalog(tmp_path, entry_text("doeAlphaStudy2020", "Alpha Study",
                                     'authors = ["Doe, Jane"]\n'
                                     'key_aliases = ["doeAlphaStudy2021"]\n'))
    assert invoke("keys", "refresh", "--all", catalog=path)[1] == \
        "doeAlphaStudy2020 -> doeAlphaStudy2021\n"
    entry = load(path).catalog.entries[0]
    assert (entry.key, entry.key_aliases) == ("doeAlphaStudy2021", ["doeAlphaStudy2020"])


def test_keys_check_lists_what_differs(tmp_path: Path) -> None:
    path = _catalog(tmp_path,
                    entry_text("Alpha2021", "Alpha Study", 'authors = ["Doe, Jane"]\n'),
                    entry_text("doeBetaStudy2021", "Beta Study", 'authors = ["Doe, Jane"]\n'))
    code, out, err = invoke("keys", "check", catalog=path)
    assert code == 1
    assert out == ("entries.toml:12: entry Alpha2021: the key formula gives doeAlphaStudy2021 "
                   "(ssl-bib keys refresh Alpha2021)\n")
    assert "1 of 2 keys differ" in err


def test_follows_format_accepts_clash_suffixes_only() -> None:
    entry = Entry(key="doeAlphaStudy2021b", title="Alpha Study", year=2021,
                  authors=[Person("Doe", "Jane")])
    assert follows_format(entry)
    entry.key = "doeAlphaStudy2021B"
    assert not follows_format(entry)
    entry.key = "doeAlphaStudy2022"
    assert not follows_format(entry)


def test_nothing_else_changes_a_key(tmp_path: Path) -> None:
    """Import filling authors into an entry keyed without them leaves its key."""
    path = _catalog(tmp_path, entry_text("AlphaStudy2021", "Alpha Study"))
    facts = tmp_path / "facts.json"
    facts.write_text('[{"id": "x", "type": "article-journal", "title": "Alpha Study", '
                     '"issued": {"date-parts": [[2021]]}, '
                     '"author": [{"family": "Doe", "given": "Jane"}]}]', encoding="utf-8")
    assert invoke("import", str(facts), catalog=path)[0] == 0
    entry = load(path).catalog.entries[0]
    assert (entry.key, entry.authors) == ("AlphaStudy2021", [Person("Doe", "Jane")])
    assert invoke("keys", "check", catalog=path)[0] == 1


def test_old_keys_resolve_in_show_and_export(tmp_path: Path) -> None:
    path = _catalog(tmp_path, entry_text("doeAlphaStudy2021", "Alpha Study",
                                     'authors = ["Doe, Jane"]\n'
                                     'key_aliases = ["AlphaStudy2021"]\n'))
    code, out, err = invoke("show", "alphastudy2021", catalog=path)
    assert code == 0 and "key: doeAlphaStudy2021" in out
    assert "alphastudy2021 is an old key of doeAlphaStudy2021" in err
    code, out, _ = invoke("export", "-f", "biblatex", "--key", "AlphaStudy2021", catalog=path)
    assert code == 0 and out.startswith("@article{doeAlphaStudy2021,\n  ids = {AlphaStudy2021},")


def test_biblatex_ids_parse_and_bibtex_has_none(tmp_path: Path) -> None:
    catalog = load(_catalog(tmp_path, entry_text(
        "doeAlphaStudy2021", "Alpha Study", 'authors = ["Doe, Jane"]\n'
        'key_aliases = ["AlphaStudy2021", "Alpha:old-1"]\n'))).catalog
    [block] = bibtexparser.parse_string(write_biblatex(catalog, catalog.entries)).entries
    assert block.fields_dict["ids"].value == "AlphaStudy2021,Alpha:old-1"
    assert "ids" not in write_bibtex(catalog, catalog.entries)


def test_check_refuses_aliases_that_clash(tmp_path: Path) -> None:
    path = _catalog(tmp_path,
                    entry_text("doeAlphaStudy2021", "Alpha Study",
                           'key_aliases = ["DOEBETASTUDY2021", "Shared2021", "bad key"]\n'),
                    entry_text("doeBetaStudy2021", "Beta Study",
                           'key_aliases = ["shared2021", "doebetastudy2021"]\n'))
    code, out, _ = invoke("check", catalog=path)
    assert code == 1
    errors = [line for line in out.splitlines() if ": error: " in line]
    assert errors == [
        "entries.toml:17: entry doeAlphaStudy2021: error: key alias 'bad key' may hold only "
        "ASCII letters, digits and _ : -",
        "entries.toml:17: entry doeAlphaStudy2021: error: key alias 'DOEBETASTUDY2021' is the "
        "key of entry doeBetaStudy2021 (line 19) (keys and aliases are compared "
        "case-insensitively)",
        "entries.toml:25: entry doeBetaStudy2021: error: key alias 'shared2021' is also an "
        "alias of entry doeAlphaStudy2021 (line 11) (keys and aliases are compared "
        "case-insensitively)",
        "entries.toml:25: entry doeBetaStudy2021: error: key alias 'doebetastudy2021' is the "
        "entry's own key (keys and aliases are compared case-insensitively)",
    ]
