"""Titles' rich text and math, and the special characters of issue 12, as
every format writes them, proven by the consumers that read them: pandoc,
pybtex, bibtexparser, citeproc-py, and real bibtex and biber runs."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ssl_bib.codecs.bibtex_write import write_biblatex, write_bibtex
from ssl_bib.codecs.csljson_write import write_csljson
from ssl_bib.codecs.ris_write import write_ris
from ssl_bib.model import Catalog, Entry, Person, Venue
from tests.export_fixtures.consumers import citeproc_render, pandoc_csl, pybtex_entries
from tests.tex_tools import compile_bib

VENUES = {"J": Venue("J", "Journal of Tests", "journal")}


def _catalog(*titles: str, authors: list[Person] | None = None) -> Catalog:
    entries = [Entry(key=f"k{i}", title=t, year=2020, venue="J",
                     authors=authors or [Person("Doe", "Jane")])
               for i, t in enumerate(titles)]
    return Catalog(entries=entries, venues=dict(VENUES))


RICH = ('<i>E. coli</i> and CO<sub>2</sub> under <span class="nocase">iPhone</span> light, '
        "x<sup>2</sup>")
MATH = r"Cu$_2$O Films and $\alpha$-Helix Folding"


def _title(bib: str, key: str = "k0") -> str:
    m = re.search(r"@\w+\{" + key + r",\n  title = \{(.*)\},\n", bib)
    assert m, bib
    return m.group(1)


def test_csl_rich_text_becomes_latex() -> None:
    catalog = _catalog(RICH)
    for bib in (write_bibtex(catalog, catalog.entries), write_biblatex(catalog, catalog.entries)):
        assert _title(bib) == (r"{{\emph{{E}. coli}}} and {CO$_{2}$} under {{iPhone}} light, "
                               r"{x$^{2}$}")
        # pandoc reads the formatting back as CSL's rich text.
        (item,), stderr = pandoc_csl(bib, "bibtex")
        assert stderr == ""
        assert "<i>" in item["title"] and "E. coli</i>" in item["title"]
        assert "CO" in item["title"] and "iPhone" in item["title"]
        # Strict pybtex reads it.
        assert pybtex_entries(bib)["k0"].fields["title"] == _title(bib)


def test_math_is_written_as_math_and_read_as_math() -> None:
    catalog = _catalog(MATH)
    for bib in (write_bibtex(catalog, catalog.entries), write_biblatex(catalog, catalog.entries)):
        assert _title(bib) == r"{Cu$_2$O Films} and {$\alpha$-Helix Folding}"
        (item,), stderr = pandoc_csl(bib, "bibtex")
        assert stderr == "" and "$_2$" in item["title"] and r"$\alpha$" in item["title"]


def test_ris_and_csl_get_unicode_and_csl_rich_text() -> None:
    catalog = _catalog(MATH, RICH, r"A $\frac{a}{b}$ ratio")
    ris = write_ris(catalog, catalog.entries)
    assert "TI  - Cu₂O Films and α-Helix Folding\n" in ris
    assert "TI  - E. coli and CO₂ under iPhone light, x²\n" in ris
    assert "TI  - A $\\frac{a}{b}$ ratio\n" in ris  # no Unicode form: the TeX stays
    items = json.loads(write_csljson(catalog, catalog.entries))
    assert [i["title"] for i in items] == [
        "Cu<sub>2</sub>O Films and α-Helix Folding", RICH, "A $\\frac{a}{b}$ ratio"]
    rendered = citeproc_render(write_csljson(catalog, catalog.entries))
    assert any("Cu" in r and "Films" in r for r in rendered)


def test_math_that_could_run_tex_is_written_as_text(tmp_path: Path) -> None:
    catalog = _catalog(r"Bad $\input{/etc/passwd}$ and good $x_1$ math")
    bib = write_bibtex(catalog, catalog.entries)
    assert r"\$\textbackslash{}input\{/etc/passwd\}\$" in _title(bib)
    assert "$x_1$" in _title(bib)
    run = compile_bib(tmp_path, bib, style="plain")
    assert run.ok, run.describe()
    assert not any("passwd" in str(p) for p in run.read)


def test_carets_tildes_scripts_and_marks_in_ascii_bibtex(tmp_path: Path) -> None:
    catalog = _catalog("Caret ^ and tilde ~ in x⁴ and H₂O with x\u0303 and e\u0301",
                       authors=[Person("Doe^2", "J~o"), Person("Roe", "Ann")])
    bib = write_bibtex(catalog, catalog.entries)
    assert bib.isascii()
    title = _title(bib)
    assert r"\textasciicircum{}" in title and r"\textasciitilde{}" in title
    assert r"{\ensuremath{^{4}}}" in title and r"{\ensuremath{_{2}}}" in title
    assert r"{\~{x}}" in title and r"{\'e}" in title
    assert r"author = {Doe{\textasciicircum{}}2, J{\textasciitilde{}}o and Roe, Ann}" in bib
    (item,), stderr = pandoc_csl(bib, "bibtex")
    assert stderr == ""
    assert "^ and tilde ~" in item["title"] and "x̃" in item["title"]
    assert item["author"][0] == {"family": "Doe^2", "given": "J~o"}
    # Real runs: bibtex with plain and abbrv (which abbreviates given names),
    # and biber with biblatex's biblatex export.
    for style in ("plain", "abbrv"):
        run = compile_bib(tmp_path / style, bib, style=style)
        assert run.ok, run.describe()
        assert r"\textasciicircum{}" in run.bbl
    biblatex = write_biblatex(catalog, catalog.entries)
    run = compile_bib(tmp_path / "biber", biblatex, backend="biber", style="authoryear",
                      engine="lualatex")
    assert run.ok, run.describe()
