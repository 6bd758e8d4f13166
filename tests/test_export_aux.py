"""`ssl-bib export --aux`: export exactly what a LaTeX document cites.

Hand-written .aux and .bcf files cover each form (\\citation, \\abx@aux@cite
old and new, \\@input chapters and loops, \\nocite{*}, <bcf:citekey>); real
pdflatex runs (BibTeX and biblatex) prove the files LaTeX writes are read and
that the exported .bib satisfies the document: no undefined citation, old keys
included."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ssl_bib.auxfile import read_citations
from ssl_bib.cli import cli
from tests.catalog_texts import HEAD
from tests.cli_helpers import invoke
from tests.tex_tools import compile_folder, document, latex_pass, require

REPO = Path(__file__).resolve().parents[1]

def _entry(key: str, title: str, year: int, aliases: str = "") -> str:
    return (f'\n[[entries]]\nkey = "{key}"\ntitle = "{title}"\nyear = {year}\n'
            f'venue = "MedIA"\ncategories = ["Contrastive"]\nauthors = ["Doe, Jane"]\n'
            f'doi = "10.1000/{key.lower()}"\n{aliases}')


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    path = tmp_path / "entries.toml"
    path.write_text(HEAD + _entry("doeAlphaStudy2021", "Alpha Study", 2021,
                                  'key_aliases = ["Alpha2021"]\n')
                    + _entry("doeBetaStudy2020", "Beta Study", 2020)
                    + _entry("doeGammaStudy2019", "Gamma Study", 2019), encoding="utf-8")
    return path


def _run(catalog: Path, *args: str) -> tuple[int, str, str]:
    return invoke("export", *args, catalog=catalog)


def _keys(bib: str) -> list[str]:
    return [line.split("{", 1)[1].rstrip(",") for line in bib.splitlines()
            if line.startswith("@")]


# -- reading ---------------------------------------------------------------------

def test_aux_forms_and_nested_inputs(tmp_path: Path) -> None:
    (tmp_path / "chapters").mkdir()
    (tmp_path / "main.aux").write_text(
        "\\relax\n\\citation{a1,b2}\n\\citation{ c3 }\n\\@input{chapters/one.aux}\n"
        "\\abx@aux@cite{0}{d4}\n\\abx@aux@segm{0}{0}{notacite}\n\\abx@aux@cite{e5}\n"
        "\\bibdata{refs}\n", encoding="utf-8")
    (tmp_path / "chapters" / "one.aux").write_text(
        "\\relax\n\\citation{f6}\n\\@input{chapters/two.aux}\n", encoding="utf-8")
    # A loop back to the first chapter is read once, not forever.
    (tmp_path / "chapters" / "two.aux").write_text(
        "\\citation{a1}\n\\citation{g7}\n\\@input{chapters/one.aux}\n", encoding="utf-8")
    cited = read_citations(tmp_path / "main.aux")
    assert list(cited.keys) == ["a1", "b2", "c3", "f6", "g7", "d4", "e5"]
    assert cited.keys["g7"] == (str(tmp_path / "chapters" / "two.aux"), 2)
    assert not cited.cites_all


@pytest.mark.parametrize("line", ["\\citation{*}", "\\abx@aux@nociteall",
                                  "\\abx@aux@cite{0}{*}"])
def test_nocite_all(tmp_path: Path, line: str) -> None:
    (tmp_path / "doc.aux").write_text(f"\\relax\n{line}\n", encoding="utf-8")
    assert read_citations(tmp_path / "doc.aux").cites_all


def test_bcf_citekeys(tmp_path: Path) -> None:
    (tmp_path / "doc.bcf").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bcf:controlfile version="3.10" xmlns:bcf="https://sourceforge.net/projects/biblatex">\n'
        '  <bcf:section number="0">\n'
        '    <bcf:citekey order="1" intorder="1">a1</bcf:citekey>\n'
        '    <bcf:citekey order="2" intorder="1">b2</bcf:citekey>\n'
        '    <bcf:citekey order="3" intorder="1">a1</bcf:citekey>\n'
        '    <bcf:citekey order="4" intorder="1" nocite="1">*</bcf:citekey>\n'
        '  </bcf:section>\n</bcf:controlfile>\n', encoding="utf-8")
    cited = read_citations(tmp_path / "doc.bcf")
    assert list(cited.keys) == ["a1", "b2"] and cited.cites_all
    assert cited.keys["b2"][1] == 5


def test_unreadable_inputs_are_one_line_errors(tmp_path: Path, catalog: Path) -> None:
    code, _, err = _run(catalog, "-f", "bibtex", "--aux", str(tmp_path / "none.aux"))
    assert code == 2 and err.strip().endswith("none.aux: no such file")
    (tmp_path / "doc.aux").write_text("\\relax\n\\@input{gone.aux}\n", encoding="utf-8")
    code, _, err = _run(catalog, "-f", "bibtex", "--aux", str(tmp_path / "doc.aux"))
    assert code == 2 and err.strip().endswith(
        f"doc.aux:2: \\@input {tmp_path / 'gone.aux'}: no such file")
    (tmp_path / "doc.bcf").write_text("<bcf:controlfile><oops>", encoding="utf-8")
    code, _, err = _run(catalog, "-f", "biblatex", "--aux", str(tmp_path / "doc.bcf"))
    assert code == 2 and "doc.bcf:1: not a biblatex control file" in err
    assert "Traceback" not in err


# -- exporting ----------------------------------------------------------------------

def test_exports_what_is_cited_in_catalog_order(tmp_path: Path, catalog: Path) -> None:
    aux = tmp_path / "doc.aux"
    aux.write_text("\\citation{doeGammaStudy2019}\n\\citation{doeAlphaStudy2021}\n",
                   encoding="utf-8")
    code, out, _ = _run(catalog, "-f", "bibtex", "--aux", str(aux))
    assert code == 0 and _keys(out) == ["doeAlphaStudy2021", "doeGammaStudy2019"]


def test_bibtex_writes_an_entry_under_the_name_it_was_cited_by(tmp_path: Path,
                                                               catalog: Path) -> None:
    aux = tmp_path / "doc.aux"
    aux.write_text("\\citation{Alpha2021,doebetastudy2020}\n", encoding="utf-8")
    code, out, _ = _run(catalog, "-f", "bibtex", "--aux", str(aux))
    assert code == 0 and _keys(out) == ["Alpha2021", "doebetastudy2020"]
    # Cited by both names: written under both, BibTeX has no aliases.
    aux.write_text("\\citation{Alpha2021,doeAlphaStudy2021}\n", encoding="utf-8")
    assert _keys(_run(catalog, "-f", "bibtex", "--aux", str(aux))[1]) == [
        "doeAlphaStudy2021", "Alpha2021"]
    # biblatex resolves old keys itself: one entry, the old key in ids.
    code, out, _ = _run(catalog, "-f", "biblatex", "--aux", str(aux))
    assert _keys(out) == ["doeAlphaStudy2021"] and "ids = {Alpha2021}" in out


def test_missing_keys_fail_unless_allowed(tmp_path: Path, catalog: Path) -> None:
    aux = tmp_path / "doc.aux"
    aux.write_text("\\relax\n\\citation{doeBetaStudy2020,Nope2001}\n\\citation{Zilch}\n",
                   encoding="utf-8")
    target = tmp_path / "refs.bib"
    code, _, err = _run(catalog, "-f", "bibtex", "--aux", str(aux), "-o", str(target))
    assert code == 1 and not target.exists()
    assert f"{aux}:2: cited key 'Nope2001' is not in the catalog" in err
    assert f"{aux}:3: cited key 'Zilch' is not in the catalog" in err
    assert "2 cited keys not in the catalog; nothing written" in err
    code, _, err = _run(catalog, "-f", "bibtex", "--aux", str(aux), "-o", str(target),
                        "--allow-missing")
    assert code == 0 and _keys(target.read_text(encoding="utf-8")) == ["doeBetaStudy2020"]
    assert "'Nope2001' is not in the catalog" in err


def test_filters_and_nocite_all_and_all_dir(tmp_path: Path, catalog: Path) -> None:
    aux = tmp_path / "doc.aux"
    aux.write_text("\\citation{*}\n\\citation{Alpha2021}\n", encoding="utf-8")
    code, out, _ = _run(catalog, "-f", "bibtex", "--aux", str(aux))
    assert _keys(out) == ["doeAlphaStudy2021", "Alpha2021", "doeBetaStudy2020",
                          "doeGammaStudy2019"]
    code, out, _ = _run(catalog, "-f", "bibtex", "--aux", str(aux), "--year", "2020")
    assert _keys(out) == ["doeBetaStudy2020"]
    code, _, err = _run(catalog, "--all", str(tmp_path / "out"), "--aux", str(aux),
                        "--year", "2021")
    assert code == 0, err
    assert _keys((tmp_path / "out" / "references.bib").read_text(encoding="utf-8")) == [
        "doeAlphaStudy2021", "Alpha2021"]
    assert _keys((tmp_path / "out" / "references-biblatex.bib").read_text(
        encoding="utf-8")) == ["doeAlphaStudy2021"]
    assert '"id": "doeAlphaStudy2021"' in (tmp_path / "out" / "references.json").read_text(
        encoding="utf-8")


def test_allow_missing_needs_aux(catalog: Path) -> None:
    assert _run(catalog, "-f", "bibtex", "--allow-missing")[0] == 2


# -- real LaTeX runs -----------------------------------------------------------------

@pytest.fixture
def refreshed(tmp_path: Path) -> Path:
    """The bundled catalog with its keys refreshed, so that it has old keys."""
    path = tmp_path / "entries.toml"
    shutil.copy(REPO / "entries.toml", path)
    result = CliRunner().invoke(cli, ["--catalog", str(path), "keys", "refresh", "--all"])
    assert result.exit_code == 0, result.output
    return path


def _cited_keys(path: Path) -> tuple[str, str, str]:
    """A current key, an old key of another entry, and a third current key."""
    from ssl_bib.store import load

    entries = [e for e in load(path).catalog.entries if e.key_aliases and e.authors]
    return entries[0].key, entries[1].key_aliases[0], entries[2].key


def test_a_bibtex_run_cites_current_and_old_keys(tmp_path: Path, refreshed: Path) -> None:
    require("pdflatex", "bibtex")
    work = tmp_path / "paper"
    work.mkdir()
    current, old, chapter = _cited_keys(refreshed)
    tex = document(f"\\cite{{{current},{old}}}\n\\include{{ch1}}")
    (work / "doc.tex").write_text(tex, encoding="utf-8")
    (work / "ch1.tex").write_text(f"A chapter \\cite{{{chapter}}}.\n", encoding="utf-8")
    assert latex_pass(work).status == 0
    code, _, err = _run(refreshed, "--aux", str(work / "doc.aux"), "-f", "bibtex",
                        "-o", str(work / "refs.bib"))
    assert code == 0, err
    assert _keys((work / "refs.bib").read_text(encoding="ascii")) == sorted(
        [current, old, chapter], key=_order(refreshed))
    compiled = compile_folder(work)
    assert (compiled.backend.errors, compiled.backend.warnings) == ([], [])
    assert compiled.latex.undefined_citations() == [] and compiled.latex.errors == []


def test_a_biblatex_run_resolves_old_keys_through_ids(tmp_path: Path, refreshed: Path) -> None:
    require("pdflatex", "biber")
    current, old, chapter = _cited_keys(refreshed)
    for source in ("doc.aux", "doc.bcf"):
        work = tmp_path / source.replace(".", "-")
        work.mkdir()
        cite = f"\\cite{{{current}}} \\cite{{{old}}}\n\\include{{ch1}}"
        (work / "doc.tex").write_text(document(cite, backend="biber", style="authoryear"),
                                      encoding="utf-8")
        (work / "ch1.tex").write_text(f"A chapter \\cite{{{chapter}}}.\n", encoding="utf-8")
        assert latex_pass(work).status == 0
        code, _, err = _run(refreshed, "--aux", str(work / source), "-f", "biblatex",
                            "-o", str(work / "refs.bib"))
        assert code == 0, err
        assert len(_keys((work / "refs.bib").read_text(encoding="utf-8"))) == 3
        compiled = compile_folder(work, backend="biber")
        run, last = compiled.backend, compiled.latex
        assert (run.errors, run.warnings) == ([], []), run.log[-2000:]
        assert last.undefined_citations() == [] and last.errors == []


def _order(path: Path):  # type: ignore[no-untyped-def]
    from ssl_bib.store import load

    catalog = load(path).catalog
    index = {}
    for i, entry in enumerate(catalog.entries):
        for name in (entry.key, *entry.key_aliases):
            index[name] = i
    return lambda key: index[key]
