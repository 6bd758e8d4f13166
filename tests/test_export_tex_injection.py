"""No field of the catalog can make LaTeX do anything: a hostile catalog, every
text field carrying `\\input`, `\\write18`, `\\openin`, `^^5c`, unbalanced
braces and TeX's special characters, every identifier the nastiest value its
test still accepts, is exported and compiled with pdflatex and bibtex (plain,
plainnat with url or hyperref) and with biber (biblatex). The recorder must
show no file read outside the folder and TeX's installation, the probe file
is never read, no shell command runs, and the run does not fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ssl_bib.codecs.bibtex_write import write_biblatex, write_bibtex
from ssl_bib.model import Catalog, CodeLink, Entry, Person, Venue
from tests.tex_tools import TexRun, compile_bib


def payloads(probe: Path, mark: Path) -> list[str]:
    """What a hostile file would put in a field to make TeX read or run something."""
    return [
        rf"\input{{{probe}}}",
        rf"\input {probe} ",
        rf"\@@input {probe} ",
        rf"\immediate\write18{{touch {mark}}}",
        rf"\write18{{touch {mark}}}",
        rf"\openin5={probe} \read5 to \x \x",
        rf"^^5cinput^^7b{probe}^^7d",
        rf"\csname input\endcsname{{{probe}}}",
        rf"\catcode`\^=7 ^^5cinput{{{probe}}}",
        rf"\def\x{{\input{{{probe}}}}}\x",
        rf"\href{{file:{probe}}}{{x}}\url{{{probe}}}",
        "{", "}", "}{", "%", "#", "~", "$", "&", "_", "^", "\\", r"\\", r"\par",
        "end \\", "100% {unbalanced",
    ]


# Values each identifier test accepts that are still full of TeX specials.
NASTY_DOIS = ["10.1234/a%b#c~d_e&f$g<h>", "10.1234/%", "10.1234/#1", "10.1234/~^x",
              "10.1000.10/x&y_z"]


def hostile_catalog(probe: Path, mark: Path, dois: list[str] = NASTY_DOIS) -> Catalog:
    texts = payloads(probe, mark)
    venues = {
        "J": Venue("J", f"Journal {texts[0]}", "journal"),
        "C": Venue("C", f"Conference {texts[1]}", "conference"),
        "P": Venue("P", f"Preprints {texts[3]}", "preprint"),
    }
    entries = []
    for i, text in enumerate(texts):
        venue = "JCP"[i % 3]
        url_text = "".join(text.split())  # a URL holds no whitespace (is_url)
        entry = Entry(
            key=f"hostile{i}", title=f"Title {text} end", year=2020 + i % 5, venue=venue,
            authors=[Person(family=f"Family {text}", given=f"Given {text}"),
                     Person(family=text)],
            categories=[f"Category {text}"], url=f"https://example.org/{url_text}",
            doi=dois[i % len(dois)], month=1 + i % 12,
            volume=text, issue=text, pages=f"1{text}2", article_number=text,
            publisher=text, container_title=f"Proceedings {text}", series=text,
            issn=text, isbn=text, abstract=f"Abstract {text}", note=f"Note {text}",
            code=[CodeLink(label=text, url=f"https://github.com/{url_text}")])
        if venue == "P":
            entry.arxiv, entry.arxiv_class = "2203.05573v2", "physics.med-ph"
        entries.append(entry)
    return Catalog(entries=entries, venues=venues,
                   categories=sorted({c for e in entries for c in e.categories}))


@pytest.fixture
def probe(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A file TeX must never read, and a file \\write18 would create, both
    outside the folder the document is compiled in."""
    outside = tmp_path_factory.mktemp("outside")
    path = outside / "probe.tex"
    path.write_text("\\typeout{PROBE-WAS-READ}PROBEWASREAD\n", encoding="utf-8")
    return path, outside / "mark"


def assert_inert(run: TexRun, probe: Path, mark: Path) -> None:
    assert run.read_outside() == [], run.describe()
    assert probe.resolve() not in run.read
    assert "PROBE-WAS-READ" not in run.log
    assert run.shell_commands == []
    assert not mark.exists()


VARIANTS = {
    "plain": dict(style="plain"),
    "plainnat+url": dict(style="plainnat", packages=["natbib", "url"]),
    "plainnat+hyperref": dict(style="plainnat", packages=["natbib", "hyperref"]),
    "unsrtnat+url": dict(style="unsrtnat", packages=["natbib", "url"]),
}
# Each compile takes seconds: the default suite runs these two, `-m slow` all.
QUICK = ("plain", "plainnat+url")


@pytest.mark.parametrize("variant", [v if v in QUICK else pytest.param(v, marks=pytest.mark.slow)
                                     for v in VARIANTS])
def test_bibtex_export_is_inert_and_compiles(variant: str, tmp_path: Path,
                                             probe: tuple[Path, Path]) -> None:
    catalog = hostile_catalog(*probe)
    run = compile_bib(tmp_path / "tex", write_bibtex(catalog, catalog.entries),
                      **VARIANTS[variant])  # type: ignore[arg-type]
    assert_inert(run, *probe)
    assert run.ok, (run.errors, run.describe())
    assert run.bbl.count(r"\bibitem") == len(catalog.entries)


def test_biblatex_export_is_inert_and_compiles_with_biber(tmp_path: Path,
                                                         probe: tuple[Path, Path]) -> None:
    catalog = hostile_catalog(*probe)
    run = compile_bib(tmp_path / "tex", write_biblatex(catalog, catalog.entries),
                      backend="biber", style="numeric")
    assert_inert(run, *probe)
    assert run.ok, (run.errors, run.describe())
    assert run.bbl.count(r"\entry{") == len(catalog.entries)


def test_plainnat_without_url_package_is_still_inert(tmp_path: Path,
                                                     probe: tuple[Path, Path]) -> None:
    """Without url.sty, plainnat prints a DOI and a URL as plain text
    (`\\texttt{#1}`, `doi: #1`), where `_`, `%` and `#` are errors: the run
    may fail (the README says to load url or hyperref), but nothing in a
    field may reach a file or a shell even there. DOIs without `%` here: one
    would comment out the rest of its line, and TeX would drop the URL after
    it unread, hiding what it would do."""
    catalog = hostile_catalog(*probe, dois=["10.1234/plain-context.1"])
    run = compile_bib(tmp_path / "tex", write_bibtex(catalog, catalog.entries),
                      style="plainnat", packages=["natbib"])
    assert_inert(run, *probe)
