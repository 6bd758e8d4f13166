"""The exports in real LaTeX tool chains: a document that \\nocite{*}s the
bundled catalog (and the hostile test catalog) compiled with pdflatex + bibtex
(plain, plainnat, IEEEtran when installed) and pdflatex + biber (biblatex
numeric and authoryear), and `biber --tool --validate-datamodel` on the
biblatex export. No errors and no warnings, except `empty author` (bibtex) and
`Missing mandatory field 'author'` (biber's data model) for exactly the
entries `check --strict` lists as having no authors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from ssl_bib.cli import cli
from ssl_bib.codecs.bibtex_write import write_biblatex, write_bibtex
from ssl_bib.model import Catalog
from ssl_bib.store import load
from tests.export_fixtures.catalogs import rich_catalog
from tests.tex_tools import compile_tex, document, has_style, require, validate_datamodel

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "entries.toml"
BIBTEX_STYLES = ["plain", "plainnat", "IEEEtran"]


def _without_authors_per_check() -> set[str]:
    """The entries `ssl-bib check --strict` says have no authors."""
    result = CliRunner().invoke(cli, ["--catalog", str(BUNDLED), "check", "--strict", "--json"])
    problems = json.loads(result.stdout)["problems"]
    return {p["key"] for p in problems
            if p["message"].startswith("not ready to cite: no authors")}


def _catalogs() -> dict[str, tuple[Catalog, set[str]]]:
    bundled = load(BUNDLED).catalog
    rich = rich_catalog()
    return {"bundled": (bundled, _without_authors_per_check()),
            "hostile": (rich, {e.key for e in rich.entries if not e.authors})}


@pytest.fixture(scope="module")
def catalogs() -> dict[str, tuple[Catalog, set[str]]]:
    return _catalogs()


def test_check_lists_the_entries_without_authors(
        catalogs: dict[str, tuple[Catalog, set[str]]]) -> None:
    catalog, lacking = catalogs["bundled"]
    assert lacking == {e.key for e in catalog.entries if not e.authors}
    assert len(lacking) == 5


@pytest.mark.parametrize("which", ["bundled", "hostile"])
@pytest.mark.parametrize("style", BIBTEX_STYLES)
def test_bibtex_styles_give_no_warning_but_empty_author(
        which: str, style: str, tmp_path: Path,
        catalogs: dict[str, tuple[Catalog, set[str]]]) -> None:
    require("pdflatex", "bibtex")
    if not has_style(f"{style}.bst"):
        pytest.skip(f"{style}.bst is not installed (Debian: texlive-publishers)")
    catalog, lacking = catalogs[which]
    # plainnat and IEEEtran write DOIs and URLs with \\doi and \\url, as their
    # documentation says to typeset with the url package (plain ignores them).
    tex = document(r"\nocite{*}", style=style, packages=["url"])
    compiled = compile_tex(tmp_path, tex, {"refs.bib": write_bibtex(catalog, catalog.entries)})
    run, last = compiled.backend, compiled.latex
    assert run.errors == [] and run.status in (0, 1), run.log[-3000:]
    allowed = {f"Warning--empty author in {key}" for key in lacking}
    unexpected = [w for w in run.warnings if w not in allowed]
    assert unexpected == [], unexpected
    # Every entry is in the bibliography, and LaTeX typesets all of it.
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8", errors="replace")
    assert bbl.count("\\bibitem") == len(catalog.entries)
    assert last.errors == [] and (tmp_path / "doc.pdf").exists(), last.errors
    assert (tmp_path / "doc.fls").exists()  # -recorder: what the run read and wrote


@pytest.mark.parametrize("which", ["bundled", "hostile"])
@pytest.mark.parametrize("style", ["numeric", "authoryear"])
def test_biblatex_with_biber_runs_clean(
        which: str, style: str, tmp_path: Path,
        catalogs: dict[str, tuple[Catalog, set[str]]]) -> None:
    require("pdflatex", "biber")
    catalog, _ = catalogs[which]
    bib = write_biblatex(catalog, catalog.entries)
    # biblatex keeps UTF-8; a pdflatex document that cites Greek or other
    # characters its fonts lack declares them, as an author would.
    tex = document(r"\nocite{*}", backend="biber", style=style,
                   preamble=_unicode_declarations(bib))
    compiled = compile_tex(tmp_path, tex, {"refs.bib": bib}, backend="biber")
    run, last = compiled.backend, compiled.latex
    assert (run.errors, run.warnings) == ([], []), run.log[-3000:]
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8", errors="replace")
    assert bbl.count("\\entry{") == len(catalog.entries)
    assert last.errors == [] and (tmp_path / "doc.pdf").exists(), last.errors
    assert not [w for w in last.warnings if "biblatex" in w and "rerun" not in w.lower()]


def _unicode_declarations(text: str) -> str:
    """\\DeclareUnicodeCharacter for each non-ASCII character of `text`, with
    the LaTeX pylatexenc gives it (redeclaring what utf8 input already knows
    is harmless)."""
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    encoder = UnicodeToLatexEncoder(non_ascii_only=True, unknown_char_policy="keep")
    lines = []
    for char in sorted({c for c in text if ord(c) > 127}):
        latex = encoder.unicode_to_latex(char).strip()
        if latex != char:
            lines.append(f"\\DeclareUnicodeCharacter{{{ord(char):04X}}}{{{latex}}}\n")
    return "".join(lines)


@pytest.mark.parametrize("which", ["bundled", "hostile"])
def test_biblatex_export_follows_bibers_data_model(
        which: str, tmp_path: Path,
        catalogs: dict[str, tuple[Catalog, set[str]]]) -> None:
    require("biber")
    catalog, lacking = catalogs[which]
    bib = tmp_path / "refs.bib"
    bib.write_text(write_biblatex(catalog, catalog.entries), encoding="utf-8")
    run = validate_datamodel(bib)
    assert run.errors == [], run.log[-3000:]
    pattern = re.compile(r"Datamodel: Entry '([^']+)' \(refs\.bib\): "
                         r"Missing mandatory field 'author'")
    flagged = {m[1] for w in run.warnings if (m := pattern.fullmatch(w.strip()))}
    others = [w for w in run.warnings if not pattern.fullmatch(w.strip())
              and not w.startswith("WARNINGS:")]
    assert others == [], others
    # Only entries without authors (biber does not require one of @online).
    assert flagged <= lacking
    if which == "bundled":
        assert len(flagged) >= 4


def test_the_datamodel_table_matches_biblatex(tmp_path: Path) -> None:
    """The writer's per-type fields are the ones biblatex's own data model
    (blx-dm.def) declares for the type or for every type."""
    require("kpsewhich")
    import subprocess

    from ssl_bib.codecs.bibtex_write import BIBLATEX_FIELDS

    path = subprocess.run(["kpsewhich", "blx-dm.def"], capture_output=True, text=True,
                          check=False).stdout.strip()
    if not path:
        pytest.skip("biblatex is not installed")
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    declared: dict[str, set[str]] = {}
    for types, body in re.findall(r"\\DeclareDatamodelEntryfields(?:\[([^\]]*)\])?\{([^}]*)\}",
                                  text):
        names = {n.strip() for n in body.split(",") if n.strip()}
        for entry_type in (types.split(",") if types else ["*"]):
            declared.setdefault(entry_type.strip(), set()).update(names)
    # `date` is split by biber into the year, month and day fields listed there.
    declared["*"].add("date")
    for entry_type, fields in BIBLATEX_FIELDS.items():
        allowed = declared[entry_type] | declared["*"]
        assert fields <= allowed, (entry_type, fields - allowed)
