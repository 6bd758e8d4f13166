"""What each command loads, and what it no longer needs to (issue 16: every
command on the bundled catalog within twice `import click`): each module
named below was measured as a cost of a command's start, and each test fails
if the command loads it again. Beside them, the precomputed tables that
replaced a computation at start-up, held to the live computation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ssl_bib.cli import main


def _modules_after(*args: str) -> set[str]:
    """The modules a fresh process holds after running the command line."""
    code = ("import sys\nfrom ssl_bib.cli import main\n"
            f"try:\n    main({list(args)!r})\nexcept SystemExit:\n    pass\n"
            "sys.stderr.write('\\n@@' + ' '.join(sorted(sys.modules)))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return set(run.stderr.rpartition("\n@@")[2].split())


@pytest.fixture
def bib(catalog: Path, tmp_path: Path) -> Path:
    """The catalog's own BibTeX export, imported once: importing it again
    finds every paper known and nothing to fill."""
    path = tmp_path / "refs.bib"
    with pytest.raises(SystemExit) as done:
        main(["--catalog", str(catalog), "export", "-f", "bibtex", "-o", str(path)])
    assert done.value.code in (0, None)
    with pytest.raises(SystemExit):
        main(["--catalog", str(catalog), "import", str(path)])
    return path


# -- a write takes the lock without the socket module --------------------------


def test_a_writing_command_loads_no_socket_module(catalog: Path, bib: Path) -> None:
    loaded = _modules_after("--catalog", str(catalog), "import", str(bib))
    assert "ssl_bib.file_lock" in loaded
    assert "socket" not in loaded


def test_the_lock_holders_host_is_the_socket_modules_host_name() -> None:
    import socket

    from ssl_bib.file_lock import describe_self

    assert f" on {socket.gethostname()} (ssl-bib x) since " in describe_self("ssl-bib x")


# -- render readme loads the README's writer, not its reader -------------------


def test_render_readme_loads_the_renderer_alone(catalog: Path) -> None:
    loaded = _modules_after("--catalog", str(catalog), "render", "readme")
    assert "ssl_bib.codecs.readme.render" in loaded
    unwanted = {"ssl_bib.codecs.readme.reader", "ssl_bib.codecs.readme.tables",
                "ssl_bib.codecs.readme.bullets", "ssl_bib.codecs.readme.entries",
                "ssl_bib.codecs.readme.rows", "ssl_bib.codecs.read_result",
                "ssl_bib.select", "ssl_bib.atomic"}
    assert not unwanted & loaded, unwanted & loaded


def test_the_readme_reader_is_the_registrys_markdown_reader() -> None:
    from ssl_bib.codecs import registry
    from ssl_bib.codecs.readme import reader

    markdown = registry.CODECS[-1]
    assert (markdown.name, markdown.reads_with) == ("markdown", "readme.reader:read")
    text = ("| Paper title | Journal/Conference | Category | Paper link | Code link |\n"
            "|---|---|---|---|---|\n| A Paper | MICCAI | Contrastive | "
            "[Link](https://doi.org/10.1/x) | NA |\n")
    assert registry.read(text, "README.md", "markdown").records[0].entry.title == "A Paper"
    assert reader.read(text, "README.md").records[0].entry.title == "A Paper"


# -- an import that finds only known papers ------------------------------------


def test_an_import_of_known_papers_checks_nothing_and_loads_no_readme_reader(
        catalog: Path, bib: Path) -> None:
    loaded = _modules_after("--catalog", str(catalog), "import", str(bib))
    assert "ssl_bib.importer" in loaded and "bibtexparser" in loaded
    unwanted = {
        "ssl_bib.validate",  # no entry added or merged: none can have become invalid
        "ssl_bib.codecs.readme.reader", "ssl_bib.codecs.readme.tables",
        "ssl_bib.codecs.readme.bullets", "ssl_bib.codecs.readme.entries",
        "ssl_bib.codecs.readme.rows",
        "ssl_bib.store.writing", "ssl_bib.store.splice",  # nothing to save
        "ssl_bib.toml_render", "ssl_bib.atomic",
        "ssl_bib.richtext",  # no title with formatting or math in it
    }
    assert not unwanted & loaded, unwanted & loaded


# -- check: the catalog stack without the rich-text reader or the writer -------


def test_check_loads_neither_the_rich_text_reader_nor_the_writers_quoting(
        catalog: Path) -> None:
    loaded = _modules_after("--catalog", str(catalog), "check")
    assert "ssl_bib.validate" in loaded and "ssl_bib.keys" in loaded
    assert not {"ssl_bib.richtext", "ssl_bib.toml_render"} & loaded


def test_the_proceedings_series_table_is_normalize_titles_output() -> None:
    from ssl_bib.textnorm import normalize_title
    from ssl_bib.validate import PROCEEDINGS_SERIES, SERIES_FORMS

    assert {normalize_title(name): name for name in PROCEEDINGS_SERIES} == SERIES_FORMS


def test_a_name_written_without_a_comma_is_still_shown_quoted_as_toml(tmp_path: Path) -> None:
    from ssl_bib import store
    from ssl_bib.validate import check

    path = tmp_path / "entries.toml"
    path.write_text('schema = 1\ncategories = ["A"]\n\n[[entries]]\nkey = "k2020"\n'
                    'title = "T"\nyear = 2020\ncategories = ["A"]\n'
                    'authors = ["Jane \\"JD\\" Doe"]\n', encoding="utf-8")
    messages = [p.message for p in check(store.load(path)) if "no comma" in p.message]
    assert messages == ["author 1 'Jane \"JD\" Doe' has no comma, so it is read as one family "
                        "name: write a person as \"Doe, Jane \\\"JD\\\"\" (family, given), an "
                        "organisation as { literal = \"Jane \\\"JD\\\" Doe\" }"]


# -- enrich --dry-run ------------------------------------------------------------


def test_a_dry_run_parses_the_catalog_once_and_still_shows_its_diff(
        catalog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ssl_bib.cli.common import CatalogContext
    from ssl_bib.store import diff, read

    parses: list[int] = []
    real = read.parse_text

    def counted(*args: object, **kwargs: object) -> object:
        parses.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(read, "parse_text", counted)
    with CatalogContext(str(catalog)).writing("ssl-bib enrich", False, dry_run=True) as loaded:
        assert diff(loaded) == ""
        loaded.catalog.entries[0].pages = "1-9"
        shown = diff(loaded)
    assert len(parses) == 1
    assert '+pages = "1-9"\n' in shown and shown.startswith("--- a/entries.toml\n")


def test_crossref_text_loads_html_only_for_an_entity() -> None:
    code = ("import sys\nfrom ssl_bib.crossref.fields import clean_text\n"
            "assert clean_text('<i>Deep</i>  learning, <b>again</b>') == 'Deep learning, again'\n"
            "assert 'html' not in sys.modules\n"
            "assert clean_text('R&amp;amp;D &#x27;x&#x27;') == \"R&D 'x'\"\n"
            "assert 'html' in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)


# -- list and show ---------------------------------------------------------------


@pytest.mark.parametrize("command", [["list"], ["list", "--json"]])
def test_list_loads_shutil_only_for_a_terminals_table(catalog: Path,
                                                       command: list[str]) -> None:
    loaded = _modules_after("--catalog", str(catalog), *command)
    assert "ssl_bib.cli.listing" in loaded
    assert "shutil" not in loaded


def test_show_loads_json_only_for_json(catalog: Path) -> None:
    key = "zhouModelsGenesisGeneric2019"
    assert "json" not in _modules_after("--catalog", str(catalog), "show", key)
    assert "json" in _modules_after("--catalog", str(catalog), "show", "--json", key)


# -- nothing to save -------------------------------------------------------------


def _edits() -> dict[str, object]:
    from ssl_bib.model import Entry, Venue

    def field_in_place(c: Any) -> None:
        c.entries[3].pages = "1-2"

    def list_in_place(c: Any) -> None:
        c.entries[0].categories.append(c.categories[0])

    def appended(c: Any) -> None:
        c.entries.append(Entry(key="newKey2024", title="New", year=2024))

    def removed(c: Any) -> None:
        del c.entries[5]

    def moved(c: Any) -> None:
        c.entries.insert(0, c.entries.pop(7))

    def venue_added(c: Any) -> None:
        c.venues["NEW"] = Venue(key="NEW", name="A New Venue", kind="journal")

    def venue_in_place(c: Any) -> None:
        next(iter(c.venues.values())).name = "A Renamed Venue"

    def category_added(c: Any) -> None:
        c.categories.append("Brand-new")

    def setting(c: Any) -> None:
        c.settings.crossref_mailto = "lab@example.org"

    return {"nothing": lambda c: None, "field in place": field_in_place,
            "list in place": list_in_place, "appended": appended, "removed": removed,
            "moved": moved, "venue added": venue_added, "venue in place": venue_in_place,
            "category added": category_added,
            "setting": setting}


@pytest.mark.parametrize("edit", list(_edits()))
def test_nothing_to_save_is_what_a_save_finds(catalog: Path, edit: str) -> None:
    from ssl_bib import store
    from ssl_bib.store.splice import render_changes

    loaded = store.load(catalog, for_update=True)
    _edits()[edit](loaded.catalog)  # type: ignore[operator]
    assert loaded.nothing_to_save() == (not render_changes(loaded).changed)
    assert loaded.nothing_to_save() == (edit == "nothing")
    before = catalog.read_bytes()
    assert store.save(loaded) == (edit != "nothing")
    assert (catalog.read_bytes() == before) == (edit == "nothing")


def test_a_catalog_read_only_or_not_on_disk_is_never_said_to_need_no_save(
        catalog: Path, tmp_path: Path) -> None:
    from ssl_bib import store

    assert not store.load(catalog).nothing_to_save()  # no snapshots: the save decides
    assert not store.new_catalog(tmp_path / "new.toml").nothing_to_save()


def test_latex_decoding_loads_rich_text_only_for_formatting_or_math() -> None:
    code = ("import sys\nfrom ssl_bib.codecs.latex_decode import decode\n"
            "assert decode('{M}odels {G}enesis -- 3{D}', rich=True) == 'Models Genesis \u2013 3D'\n"
            "assert 'ssl_bib.richtext' not in sys.modules\n"
            "assert decode('A \\\\emph{deep} $x^2$ net', rich=True) == 'A <i>deep</i> $x^2$ net'\n"
            "assert decode('$\\\\alpha$') == '\u03b1'\n"
            "assert 'ssl_bib.richtext' in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)
