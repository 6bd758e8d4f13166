"""pandoc 3 (from the pypandoc-binary wheel) reads all four exports: the same
entries, titles and DOIs, and not a word on stderr."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from ssl_bib.codecs import fields as f
from ssl_bib.codecs.bibtex_write import write_bibtex
from ssl_bib.codecs.latex import latex_for_char
from ssl_bib.exporting import FORMATS, export
from ssl_bib.model import Catalog, Entry
from ssl_bib.richtext import SCRIPT_CHARS
from ssl_bib.store import load
from tests.export_fixtures.catalogs import BUNDLED, rich_catalog
from tests.export_fixtures.consumers import pandoc_csl, pandoc_titles
from tests.export_fixtures.roundtrip import check_bibtex

PANDOC_READER = {"bibtex": "bibtex", "biblatex": "biblatex", "ris": "ris", "csljson": "csljson"}
# pandoc's smart punctuation turns straight quotes into curly ones; that is
# its rendering, not a change of the title.
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"'})


def _same_title(ours: str, theirs: str) -> bool:
    def norm(text: str) -> str:
        return unicodedata.normalize("NFC", text).translate(_QUOTES)

    return norm(ours) == norm(theirs)


def _realistic() -> Catalog:
    catalog = rich_catalog()
    catalog.entries = [e for e in catalog.entries if e.key != "vanderBergSpecial2020"]
    return catalog


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("which", ["bundled", "rich"])
def test_pandoc_reads_titles_and_dois(fmt: str, which: str) -> None:
    catalog = load(BUNDLED).catalog if which == "bundled" else _realistic()
    items, stderr = pandoc_csl(export(catalog, catalog.entries, fmt), PANDOC_READER[fmt])
    assert stderr == ""
    assert len(items) == len(catalog.entries)
    by_id = {item["id"]: item for item in items}
    assert set(by_id) == {e.key for e in catalog.entries}
    for entry in catalog.entries:
        item = by_id[entry.key]
        assert _same_title(f.clean(entry.title), item["title"]), (item["title"], entry.title)
        assert item.get("DOI") == (entry.doi or None)
        if fmt != "ris" and f.people(entry):
            # RIS has one AU line per author; pandoc reads the names too.
            assert len(item["author"]) == len(f.people(entry))


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_pandoc_reads_specials_without_a_warning(fmt: str) -> None:
    catalog = rich_catalog()
    items, stderr = pandoc_csl(export(catalog, catalog.entries, fmt), PANDOC_READER[fmt])
    assert stderr == ""
    assert len(items) == len(catalog.entries)
    special = next(i for i in items if i["id"] == "vanderBergSpecial2020")
    # The injection arrives as text, whole.
    assert special["title"].startswith(
        "\\input{/etc/passwd} and \\write18{rm -rf ~} 100% of $x^2 $")
    names = [a.get("literal") or a.get("family") for a in special["author"]]
    assert "Müller-Lüdenscheidt" in names


def test_pandoc_keeps_code_links() -> None:
    # From BibTeX, biblatex and CSL-JSON (pandoc's RIS reader has no note tag;
    # Zotero reads RIS N1 as a note).
    catalog = _realistic()
    for fmt in ("bibtex", "biblatex", "csljson"):
        items, _ = pandoc_csl(export(catalog, catalog.entries, fmt), fmt)
        genesis = next(i for i in items if i["id"] == "zhouModelsGenesisGeneric2019")
        assert "https://github.com/MrGiovanni/ModelsGenesis" in genesis["note"]


# Blocks a paper title may draw from: Latin letters, Greek, punctuation,
# super/subscripts, arrows and mathematical operators.
_BLOCKS = [*range(0xA1, 0x250), *range(0x370, 0x400), *range(0x1E00, 0x1F00),
           *range(0x2010, 0x2060), *range(0x2070, 0x20C0), *range(0x2100, 0x2400)]


def test_every_latex_form_reads_back_in_pandoc_and_pybtex(tmp_path: Path) -> None:
    # Every character BibTeX output turns into LaTeX, in a title as the writer
    # writes it: pandoc prints it back as that character, without a warning
    # (pandoc drops \texttimes, \CYRZH and the like silently), and
    # bibtexparser + pylatexenc and strict pybtex read the entry back.
    chars = [chr(cp) for cp in _BLOCKS if latex_for_char(chr(cp)) != chr(cp)]
    assert {"×", "²", "³", "…", "→", "÷", "α", "Δ", "≤", "é", "ß"} <= set(chars)
    entries = [Entry(key=f"c{ord(ch):x}", title=f"A {ch} B", year=2020) for ch in chars]
    catalog = Catalog(entries=entries)
    text = write_bibtex(catalog, entries)
    assert text.isascii()
    check_bibtex(catalog, text, biblatex=False)
    titles, stderr = pandoc_titles(text, "bibtex", tmp_path)
    assert stderr == ""
    # NFC: pandoc writes ≁ as ∼ and a combining stroke, the same text.
    # Super- and subscript digits have no text form: pandoc reads their math
    # as math, which it keeps as TeX in CSL (`$^{4}$`, raised when printed),
    # or as a script character (¹), or as text (`^(i)`): the base survives.
    scripts = {e.key: e.title[2] for e in entries
               if e.title[2] in SCRIPT_CHARS and "ensuremath" in latex_for_char(e.title[2])}
    for key, ch in scripts.items():
        base, _ = SCRIPT_CHARS[ch]
        read = unicodedata.normalize("NFKD", titles[key]).replace("\u2212", "-")
        assert read.startswith("A ") and read.endswith(" B") and base in read, titles[key]
    wrong = {e.title: titles.get(e.key) for e in entries if e.key not in scripts
             and unicodedata.normalize("NFC", titles.get(e.key, "")) != e.title}
    assert not wrong, "\n".join(f"{k!r} -> {v!r} {latex_for_char(k[2])}" for k, v in wrong.items())


def test_titles_with_math_and_symbols_read_back_as_text(tmp_path: Path) -> None:
    # The title text a pandoc user gets from every format, symbols included.
    catalog = rich_catalog()
    for fmt in FORMATS:
        titles, stderr = pandoc_titles(export(catalog, catalog.entries, fmt),
                                       PANDOC_READER[fmt], tmp_path)
        assert stderr == ""
        for entry in catalog.entries:
            assert _same_title(f.clean(entry.title), titles[entry.key]), (fmt, titles[entry.key])


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_pandoc_reads_every_bundled_field(fmt: str) -> None:
    # Beyond titles and DOIs: names, container, date, volume, issue, pages, URL
    # and keywords of every curated entry, as pandoc reads them.
    catalog = load(BUNDLED).catalog
    items, stderr = pandoc_csl(export(catalog, catalog.entries, fmt), PANDOC_READER[fmt])
    assert stderr == ""
    by_id = {item["id"]: item for item in items}
    for entry in catalog.entries:
        item, kind = by_id[entry.key], catalog.entry_type(entry)
        names = [{"family": p.family, "given": p.given} if p.given else {"literal": p.family}
                 for p in f.people(entry)]
        assert item.get("author", []) == names, entry.key
        if fmt == "ris" and kind == "inproceedings":  # T2, the conference
            container = f.venue_name(catalog, entry) or f.container_title(catalog, entry)
        elif fmt == "ris" or kind != "preprint":  # RIS: T2 names a preprint's server
            container = f.container_title(catalog, entry)
        else:
            container = ""
        assert _same_title(container, item.get("container-title", "")), (entry.key, item)
        # pandoc's RIS reader takes the year from PY, not the month from DA.
        month = [entry.month] if entry.month and fmt != "ris" else []
        assert item["issued"] == {"date-parts": [[entry.year, *month]]}, entry.key
        first, last = f.page_range(entry.pages)
        pages = f"{first}-{last}" if last else first
        if not pages and fmt == "bibtex" or fmt == "ris":
            pages = pages or f.clean(entry.article_number)
        assert item.get("page", "") == pages, (entry.key, item.get("page"))
        assert item.get("volume", "") == f.clean(entry.volume), entry.key
        assert item.get("issue", "") == f.clean(entry.issue), entry.key
        assert item.get("URL") == f.url(entry), entry.key
        keywords = item.get("keyword", "")
        if fmt == "ris" and keywords:  # pandoc joins the KW lines in its own order
            keywords = ", ".join(sorted(keywords.split(", "), key=entry.categories.index))
        assert keywords == ", ".join(entry.categories), entry.key
