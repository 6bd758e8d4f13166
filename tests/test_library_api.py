"""The library's face (ssl_bib.__init__, api.py): the README's Python example
runs as written, every error derives from SslBibError, `import ssl_bib` is
light, and the checks the command line makes are the library's too."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import json
import os
import pkgutil
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import ssl_bib
from ssl_bib.model import Catalog, Entry, Venue

REPO = Path(__file__).resolve().parents[1]

REFS_BIB = """\
@article{doe2021,
  title = {A Made-up Study of Contrastive Pretraining for Retinal Scans},
  author = {Doe, Jane and Roe, Ken},
  journal = {Medical Image Analysis},
  year = {2021},
  volume = {70},
  doi = {10.1016/j.media.2021.999999},
}
"""


def _readme_python() -> str:
    """The python block of the README's library section."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Using ssl-bib from Python"):]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 1
    return blocks[0]


def test_the_readme_example_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copyfile(REPO / "entries.toml", tmp_path / "entries.toml")
    (tmp_path / "refs.bib").write_text(REFS_BIB, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    names: dict[str, object] = {}
    exec(compile(_readme_python(), "README.md", "exec"), names)  # noqa: S102 - our README
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "62 entries, 35 venues"
    assert names["errors"] == []
    bibtex = str(names["bibtex"])
    assert bibtex.count("@inproceedings{") == 2 and "MICCAI" not in bibtex.split("\n")[0]
    assert out[-1] == "added 1, merged 0, unchanged 0, conflicts 0, skipped 0"
    saved = ssl_bib.load(tmp_path / "entries.toml")
    added = [e for e in saved.entries if e.doi == "10.1016/j.media.2021.999999"]
    assert len(saved.entries) == 63 and len(added) == 1
    assert added[0].venue == "MedIA" and added[0].authors[0].family == "Doe"


def test_the_readme_example_fails_with_one_line(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """No refs.bib: the example's own handler prints the library's one line."""
    shutil.copyfile(REPO / "entries.toml", tmp_path / "entries.toml")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stop:
        exec(compile(_readme_python(), "README.md", "exec"), {})  # noqa: S102
    assert str(stop.value) == "ssl-bib: refs.bib: no such file"


def test_every_public_name_resolves_and_nothing_else_does() -> None:
    assert set(ssl_bib.__all__) == set(ssl_bib._WHERE)
    for name in ssl_bib.__all__:
        assert getattr(ssl_bib, name) is not None
    with pytest.raises(AttributeError):
        ssl_bib.no_such_name  # noqa: B018


def test_no_module_is_named_like_a_function() -> None:
    """Importing a submodule sets it on the package: `ssl_bib.export` would
    stop being the function once anything imported a module ssl_bib.export."""
    import ssl_bib.crossref.enrich
    import ssl_bib.exporting  # noqa: F401

    for name in ("load", "save", "check", "export", "import_files", "enrich", "sync"):
        assert importlib.util.find_spec(f"ssl_bib.{name}") is None, name
        assert inspect.isfunction(getattr(ssl_bib, name)), name


def test_import_ssl_bib_loads_no_dependency() -> None:
    code = ("import sys, ssl_bib; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'bibtexparser','httpx2','habanero','tomlkit','rispy','pylatexenc','click',"
            "'rapidfuzz','jinja2','feedparser','markdown_it'} or m.startswith('ssl_bib.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def _package_exceptions() -> list[type[BaseException]]:
    found: list[type[BaseException]] = []
    for info in pkgutil.walk_packages(ssl_bib.__path__, "ssl_bib."):
        module = importlib.import_module(info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__ == info.name:
                found.append(value)
    # The local Zotero's HTTP answers: turned into a response, never raised to a caller.
    from ssl_bib.zotero.localserver import HttpError

    found.remove(HttpError)
    return found


def test_every_error_the_package_defines_derives_from_the_root() -> None:
    errors = _package_exceptions()
    assert len(errors) > 25
    assert [e.__name__ for e in errors if not issubclass(e, ssl_bib.SslBibError)] == []
    for name in ("InputError", "ExportError", "CrossrefError", "ZoteroError", "KeyFormatError",
                 "WriteRefused", "LockTimeout", "ServiceError", "ArxivError", "UsageError"):
        assert issubclass(getattr(ssl_bib, name), ssl_bib.SslBibError), name


def test_raise_statements_raise_only_the_packages_errors() -> None:
    """No `raise ValueError(...)` (or another builtin error) reaches a caller:
    the few builtins raised on purpose are caught inside their module."""
    allowed = {  # module: builtin errors raised and caught within it
        "crossref/cache.py", "zotero/state.py", "zotero/wire.py", "toml_read.py",
        "conduct/answer.py",
    }
    found = []
    for path in sorted((REPO / "src" / "ssl_bib").rglob("*.py")):
        rel = path.relative_to(REPO / "src" / "ssl_bib").as_posix()
        if rel in allowed or rel.startswith("zotero/localserver"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and \
                    isinstance(node.exc.func, ast.Name) and \
                    node.exc.func.id in {"ValueError", "TypeError", "KeyError", "OSError",
                                         "RuntimeError", "Exception"}:
                found.append(f"{rel}:{node.lineno} {node.exc.func.id}")
    assert found == []


def test_export_takes_a_loaded_or_a_plain_catalog() -> None:
    loaded = ssl_bib.load(REPO / "entries.toml")
    everything = ssl_bib.export(loaded, "csljson")
    assert len(json.loads(everything)) == len(loaded.entries)
    plain = Catalog(venues={"MedIA": Venue("MedIA", "Medical Image Analysis", "journal")},
                    entries=[Entry(key="a2020", title="Alpha", year=2020, venue="MedIA")])
    assert ssl_bib.export(plain, "ris").startswith("TY  - JOUR")
    with pytest.raises(ssl_bib.UsageError, match="unknown export format 'docx'; choose from "
                                                 "bibtex, biblatex, ris, csljson"):
        ssl_bib.export(plain, "docx")


# -- the command line's checks, made by the library --------------------------------


@pytest.fixture
def loaded(catalog: Path) -> ssl_bib.LoadedCatalog:
    """The root conftest's copy of the bundled catalog, loaded."""
    return ssl_bib.load(catalog)


@pytest.mark.parametrize(("options", "message"), [
    ({"mailto": "nobody"}, "mailto: 'nobody' is not an e-mail address"),
    ({"mailto": "a@b.org\nX-Injected: 1"}, "is not an e-mail address"),
    ({"crossref_url": "ftp://example.org"}, "crossref_url: 'ftp://example.org' is not an "
                                            "http(s) URL"),
    ({"fields": ["doi", "titel"]}, "unknown field titel; choose from authors, doi"),
    ({"concurrency": 99}, "concurrency: 99 is not from 1 to 16"),
    ({"max_wait": float("nan")}, "max_wait: nan is not a number of seconds"),
])
def test_enrich_checks_its_settings_before_any_request(
        loaded: ssl_bib.LoadedCatalog, options: dict[str, object], message: str) -> None:
    before = loaded.path.read_bytes()
    with pytest.raises(ssl_bib.UsageError, match=re.escape(message)):
        ssl_bib.enrich(loaded, crossref_url=options.pop("crossref_url", "http://127.0.0.1:9"),
                       **options)  # type: ignore[arg-type]
    assert loaded.path.read_bytes() == before


def test_enrich_checks_the_catalogs_own_address(loaded: ssl_bib.LoadedCatalog) -> None:
    loaded.settings.crossref_mailto = "not an address"
    with pytest.raises(ssl_bib.UsageError,
                       match=r"^entries.toml: settings.crossref_mailto: 'not an address' is "
                             "not an e-mail address$"):
        ssl_bib.enrich(loaded, crossref_url="http://127.0.0.1:9")


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("SSL_BIB_CROSSREF_TIMEOUT", "0", "SSL_BIB_CROSSREF_TIMEOUT must be a positive number"),
    ("SSL_BIB_CROSSREF_BACKOFF", "soon", "SSL_BIB_CROSSREF_BACKOFF must be a non-negative"),
])
def test_enrich_checks_the_environment_knobs(loaded: ssl_bib.LoadedCatalog,
                                             monkeypatch: pytest.MonkeyPatch, variable: str,
                                             value: str, message: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ssl_bib.UsageError, match=message):
        ssl_bib.enrich(loaded, mailto="lab@example.org", crossref_url="http://127.0.0.1:9")


def test_sync_refuses_a_zotero_key_on_two_entries(loaded: ssl_bib.LoadedCatalog) -> None:
    first, second = loaded.entries[0], loaded.entries[5]
    first.zotero_key, second.zotero_key = "ABCD2345", "abcd2345"
    with pytest.raises(ssl_bib.InputError) as refused:
        ssl_bib.sync(loaded, group=1, api_key="k", zotero_url="http://127.0.0.1:9")
    assert refused.value.message == (
        f"entry {second.key}: zotero_key 'abcd2345' is also entry {first.key}'s; remove it "
        "from the copy, and sync gives it its own item")


def test_sync_refuses_a_catalog_with_errors(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text('schema = 1\n[[entries]]\nkey = "a"\ntitle = "A"\nyear = "soon"\n')
    with pytest.raises(ssl_bib.InputError, match=r"^entries.toml:5: entry a: error: .*"
                                                 r"fix the catalog before syncing$"):
        ssl_bib.sync(ssl_bib.load(path), group=1, api_key="k")


@pytest.mark.parametrize(("options", "environ", "message"), [
    ({"group": 1}, {}, "no Zotero API key: set ZOTERO_API_KEY or give --api-key-file"),
    ({"group": 1}, {"ZOTERO_API_KEY": "abc def"},
     "ZOTERO_API_KEY: this is not a Zotero API key"),
    ({"group": 1, "api_key": "k\u00e9y"}, {}, "the API key: this is not a Zotero API key"),
    ({"api_key": "key"}, {}, "no Zotero group: give --group ID"),
    ({"group": 1, "api_key": "key", "zotero_url": "http://a..b"}, {},
     "zotero_url: 'http://a..b' is not an http(s) URL"),
    ({"group": 1, "api_key": "key", "mode": "merge"}, {}, "unknown sync mode 'merge'"),
])
def test_sync_checks_group_key_and_url_before_any_request(
        loaded: ssl_bib.LoadedCatalog, monkeypatch: pytest.MonkeyPatch,
        options: dict[str, object], environ: dict[str, str], message: str) -> None:
    monkeypatch.delenv("ZOTERO_API_KEY", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    mode = options.pop("mode", "sync")
    with pytest.raises(ssl_bib.UsageError) as refused:
        ssl_bib.sync(loaded, mode, **options)  # type: ignore[arg-type]
    assert str(refused.value).startswith(message)
    assert "k\u00e9y" not in str(refused.value) and "abc def" not in str(refused.value)


def test_the_api_key_file_is_read_and_checked(tmp_path: Path) -> None:
    from ssl_bib.zotero.credentials import api_key

    key_file = tmp_path / "key"
    key_file.write_text("  secretKey123\n")
    assert api_key(key_file, environ={}) == "secretKey123"
    key_file.write_text("\n")
    with pytest.raises(ssl_bib.UsageError, match="the API key file is empty"):
        api_key(key_file, environ={})
    with pytest.raises(ssl_bib.UsageError, match="cannot read the API key file"):
        api_key(tmp_path / "missing", environ={})
    assert api_key(None, environ={"ZOTERO_API_KEY": " fromEnv "}) == "fromEnv"


def test_import_refuses_what_check_would_reject(loaded: ssl_bib.LoadedCatalog,
                                                tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The safety net: an importer that produced an invalid entry (here made
    to, by a venue the catalog lacks) never gets it written."""
    from ssl_bib import api, importer

    real = importer.import_texts

    def broken(*args: object, **kwargs: object) -> importer.Outcome:
        outcome = real(*args, **kwargs)  # type: ignore[arg-type]
        outcome.added[0].venue = "NoSuchVenue"
        return outcome

    monkeypatch.setattr(importer, "import_texts", broken)
    bib = tmp_path / "refs.bib"
    bib.write_text(REFS_BIB, encoding="utf-8")
    with pytest.raises(api.InvalidImport) as refused:
        ssl_bib.import_files(loaded, [bib])
    assert len(refused.value.outcome.added) == 1
    assert [p.key for p in refused.value.problems] == [refused.value.outcome.added[0].key]
    assert "NoSuchVenue" in str(refused.value) and "nothing was written" in str(refused.value)


def test_import_reads_formats_it_knows_only(loaded: ssl_bib.LoadedCatalog,
                                            tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(REFS_BIB, encoding="utf-8")
    with pytest.raises(ssl_bib.UsageError, match="unknown import format 'docx'"):
        ssl_bib.import_files(loaded, [bib], fmt="docx")
    outcome = ssl_bib.import_files(loaded, [os.fspath(bib)], fmt="bibtex")
    assert [e.title for e in outcome.added] == [
        "A Made-up Study of Contrastive Pretraining for Retinal Scans"]
