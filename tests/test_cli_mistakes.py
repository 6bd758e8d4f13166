"""No silent success on a mistake, and help for hand edits: a README to check
that is not there, an export or README of entries `check` rejects, an output
folder that does not exist yet, an author written without a comma, an entry
without a category."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ssl_bib.atomic import folder_made
from ssl_bib.cli import cli
from ssl_bib.store import load
from tests.catalog_texts import messages, write_catalog

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "entries.toml"

HEAD = """\
schema = 1
categories = ["Contrastive", "Generative"]

[venues.MedIA]
name = "Medical Image Analysis"
kind = "journal"
"""


def entry(key: str, *lines: str) -> str:
    return (f'\n[[entries]]\nkey = "{key}"\ntitle = "Paper {key}"\nyear = 2021\n'
            + "".join(f"{line}\n" for line in lines))


def write(tmp_path: Path, *entries: str) -> Path:
    return write_catalog(tmp_path, HEAD + "".join(entries))


def ssl_bib(catalog: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--catalog", str(catalog), *args])


def warnings_of(path: Path) -> list[str]:
    return messages(path, "warning")


# -- render readme --check / render site --check on what is not there ---------

def test_checking_a_missing_readme_is_bad_usage_not_a_diff(tmp_path: Path) -> None:
    result = ssl_bib(BUNDLED, "render", "readme", "--check", str(tmp_path / "READMEE.md"))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"ssl-bib: {tmp_path / 'READMEE.md'}: no such file\n"


def test_checking_a_missing_site_is_bad_usage(tmp_path: Path) -> None:
    result = ssl_bib(BUNDLED, "render", "site", "--check", str(tmp_path / "site"))
    assert result.exit_code == 2 and result.stderr == f"ssl-bib: {tmp_path / 'site'}: " \
                                                      "no such folder\n"
    assert not (tmp_path / "site").exists()


# -- outputs refuse what check refuses ----------------------------------------------

@pytest.mark.parametrize(("lines", "line", "message"), [
    (['venue = "NOPE"'], 18, "unknown venue 'NOPE': add it under [venues.NOPE]"),
    (['venue = "MedIA"', 'categories = ["Contrastiv"]'], 19,
     "unknown category 'Contrastiv': add it to the top-level 'categories'"),
    (['venue = "MedIA"', 'doi = "doi 10.1/x"'], 19, "doi 'doi 10.1/x' is not a DOI"),
    (['venue = "MedIA"', 'arxiv = "12345"'], 19, "'12345' is not an arXiv id"),
    (['venue = "MedIA"', 'code = [{ label = "git", url = "javascript:alert(1)" }]'], 19,
     "'javascript:alert(1)' is not an http(s) URL"),
    (['venue = "MedIA"', 'pages = 12'], 19, "'pages' must be a string"),
])
@pytest.mark.parametrize("command", [["export", "-f", "bibtex", "-o", "out.bib"],
                                     ["export", "--all", "out"],
                                     ["render", "readme", "-o", "out.md"]])
def test_an_output_refuses_an_entry_check_rejects(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lines: list[str], line: int,
        message: str, command: list[str]) -> None:
    path = write(tmp_path, entry("good2020", 'venue = "MedIA"'), entry("bad2021", *lines))
    monkeypatch.chdir(tmp_path)
    result = ssl_bib(path, *command)
    assert result.exit_code == 2 and result.stdout == ""
    first, last = result.stderr.splitlines()
    assert first.startswith(f"entries.toml:{line}: entry bad2021: error: ")
    assert message in first
    assert last.startswith("ssl-bib: entries.toml: 1 error (see above, or `ssl-bib check`): ")
    assert last.endswith("nothing written")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entries.toml"]


def test_an_entry_dropped_while_reading_stops_every_output(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    """An entry whose year is a string cannot be read at all: an export
    without it would look complete. Also when the filters ask for another."""
    path = write(tmp_path, entry("good2020", 'venue = "MedIA"'),
                 entry("bad2021", 'venue = "MedIA"').replace("year = 2021", 'year = "2021"'))
    monkeypatch.chdir(tmp_path)
    for command in (["export", "-f", "ris"], ["export", "-f", "ris", "--key", "good2020"],
                    ["render", "readme"], ["render", "site", "-o", "site"]):
        result = ssl_bib(path, *command)
        assert result.exit_code == 2, (command, result.output)
        assert "entry bad2021: error: 'year' must be an integer such as 2021" in result.stderr
        assert result.stdout == "" and not (tmp_path / "site").exists()


def test_other_entries_export_when_the_filters_leave_the_bad_one_out(tmp_path: Path) -> None:
    path = write(tmp_path, entry("good2020", 'venue = "MedIA"'), entry("bad2021", 'venue = "X"'))
    result = ssl_bib(path, "export", "-f", "bibtex", "--key", "good2020")
    assert result.exit_code == 0 and "@article{good2020," in result.stdout


def test_the_site_shows_a_rejected_entry_without_its_citation(tmp_path: Path) -> None:
    path = write(tmp_path, entry("good2020", 'venue = "MedIA"'), entry("bad2021", 'venue = "X"'))
    result = ssl_bib(path, "render", "site", "-o", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    assert "entry bad2021: warning: no citation on the site: unknown venue 'X'" in result.stderr
    assert ssl_bib(path, "export", "-f", "bibtex", "--key", "bad2021").exit_code == 2


# -- an output's missing folder is made ---------------------------------------------

@pytest.mark.parametrize("command", [["export", "-f", "bibtex", "-o", "a/b/refs.bib"],
                                     ["render", "readme", "-o", "a/b/refs.bib"]])
def test_a_missing_output_folder_is_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         command: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    result = ssl_bib(BUNDLED, *command)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a" / "b" / "refs.bib").stat().st_size > 1000


def test_the_folders_made_go_again_when_the_write_fails(tmp_path: Path) -> None:
    (tmp_path / "kept").mkdir()
    with pytest.raises(OSError), folder_made(tmp_path / "kept" / "new" / "deeper"):
        assert (tmp_path / "kept" / "new" / "deeper").is_dir()
        raise OSError(errno.ENOSPC, "No space left on device")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept"]
    assert list((tmp_path / "kept").iterdir()) == []


def test_a_folder_that_gained_a_file_meanwhile_is_kept(tmp_path: Path) -> None:
    with pytest.raises(OSError), folder_made(tmp_path / "new"):
        (tmp_path / "new" / "someone-elses").write_text("x", encoding="utf-8")
        raise OSError(errno.EIO, "I/O error")
    assert (tmp_path / "new" / "someone-elses").exists()


def test_a_file_where_the_folder_goes_is_not_a_directory(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("", encoding="utf-8")
    with pytest.raises(NotADirectoryError), folder_made(tmp_path / "taken"):
        pass
    with pytest.raises(NotADirectoryError), folder_made(tmp_path / "taken" / "sub"):
        pass
    assert (tmp_path / "taken").is_file()


# -- hand-editing help ------------------------------------------------------------

@pytest.mark.parametrize(("written", "suggested"), [
    ('"Jane Doe"', '"Doe, Jane"'),
    ('"Jane Q. Public"', '"Public, Jane Q."'),
    ('"Ludwig van Beethoven"', '"van Beethoven, Ludwig"'),
    ('"Marleen de Bruijne"', '"de Bruijne, Marleen"'),
    ('"Martin Luther King Jr."', '{ family = "King", given = "Martin Luther", suffix = "Jr." }'),
    ('"World Health Organization"', '"Organization, World Health"'),
    ('{ family = "Jane Doe" }', '"Doe, Jane"'),
])
def test_a_name_without_a_comma_is_a_warning_with_both_ways_to_write_it(
        tmp_path: Path, written: str, suggested: str) -> None:
    path = write(tmp_path, entry("a2021", 'venue = "MedIA"', 'categories = ["Contrastive"]',
                                 f'authors = ["Doe, John", {written}]'))
    found = [w for w in warnings_of(path) if "no comma" in w]
    assert len(found) == 1, warnings_of(path)
    name = " ".join(written.strip('{ }"').removeprefix('family = "').split())
    assert found[0] == (
        f"entries.toml:14: entry a2021: warning: author 2 {name!r} has no comma, so it is "
        f"read as one family name: write a person as {suggested} (family, given), an "
        f"organisation as {{ literal = \"{name}\" }}")


@pytest.mark.parametrize("written", ['"Doe, Jane"', '"Plato"', '{ literal = "H1 Collaboration" }',
                                     '{ family = "Doe", given = "Jane" }',
                                     '{ family = "van Gogh", given = "Vincent" }'])
def test_names_that_are_clear_get_no_warning(tmp_path: Path, written: str) -> None:
    path = write(tmp_path, entry("a2021", 'venue = "MedIA"', 'categories = ["Contrastive"]',
                                 f"authors = [{written}]"))
    assert warnings_of(path) == []


def test_the_suggestion_reads_back_as_the_person(tmp_path: Path) -> None:
    """Following the warning's advice gives the split name and no warning."""
    path = write(tmp_path, entry("a2021", 'venue = "MedIA"', 'categories = ["Contrastive"]',
                                 'authors = ["Ludwig van Beethoven"]'))
    advice = warnings_of(path)[0].split("write a person as ")[1].split(" (family")[0]
    text = path.read_text(encoding="utf-8").replace('"Ludwig van Beethoven"', advice)
    path.write_text(text, encoding="utf-8")
    person = load(path).catalog.entries[0].authors[0]
    assert (person.family, person.given) == ("van Beethoven", "Ludwig")
    assert warnings_of(path) == []


def test_an_organisation_written_as_literal_is_exported_braced(tmp_path: Path) -> None:
    path = write(tmp_path, entry("a2021", 'venue = "MedIA"', 'categories = ["Contrastive"]',
                                 'authors = [{ literal = "World Health Organization" }, '
                                 '"Doe, Jane"]'))
    result = ssl_bib(path, "export", "-f", "bibtex")
    assert result.exit_code == 0
    assert "author = {{World Health Organization} and Doe, Jane}" in result.stdout


def test_a_hand_added_entry_without_a_category_is_told_what_to_do(tmp_path: Path) -> None:
    path = write(tmp_path, entry("a2021", 'venue = "MedIA"'))
    assert warnings_of(path) == [
        "entries.toml:9: entry a2021: warning: no category: add categories = [...] with one "
        "or more of the catalog's categories (Contrastive, Generative); until then the list "
        "shows NA for it"]


def test_an_entry_from_a_list_without_a_category_names_the_row(tmp_path: Path) -> None:
    path = write(tmp_path, entry("a2021", 'venue = "MedIA"',
                                 'provenance.entry = "awesome-list.md:42"'))
    assert warnings_of(path) == [
        "entries.toml:9: entry a2021: warning: no category: the list it came from gives NA "
        "(awesome-list.md:42); give it one of the catalog's categories (Contrastive, "
        "Generative)"]


def test_imported_entries_without_a_category_say_where_they_came_from(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through `import`: an entry read from a README's NA row names the row;
    one read from a .bib is told to get a category, with no word of a list."""
    monkeypatch.chdir(tmp_path)
    shutil.copyfile(BUNDLED, tmp_path / "entries.toml")
    readme = tmp_path / "list.md"
    readme.write_text("# A list\n\n## 2021\n\n"
                      "| Paper title | Journal/Conference | Category | Paper link | Code link |\n"
                      "|---|---|---|---|---|\n"
                      "| A Listed Paper Without a Category | MICCAI | NA | NA | NA |\n",
                      encoding="utf-8")
    shutil.copyfile(REPO / "examples" / "colleague.bib", tmp_path / "colleague.bib")
    for source in ("list.md", "colleague.bib"):
        assert ssl_bib(tmp_path / "entries.toml", "import", source).exit_code == 0
    found = {w.split(" entry ")[1].split(":")[0]: w
             for w in warnings_of(tmp_path / "entries.toml") if "no category" in w}
    listed = next(w for k, w in found.items() if "Listed" in k)
    assert "the list it came from gives NA (list.md:7)" in listed
    added = found["heMaskedAutoencodersAre2022"]
    assert "add categories = [...]" in added and "gives NA" not in added
