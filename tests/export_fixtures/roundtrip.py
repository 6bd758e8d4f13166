"""Read an export back with the real consumers and compare with the catalog."""

from __future__ import annotations

from typing import Any

from ssl_bib.codecs import fields as f
from ssl_bib.codecs.bibtex_write import BIBLATEX_FIELDS, biblatex_cannot_hold
from ssl_bib.codecs.latex import decode, is_balanced
from ssl_bib.model import Catalog

from .consumers import bibtexparser_entries, decoded_names, pybtex_entries, pybtex_person

BIBTEX_TYPES = {"article": "article", "inproceedings": "inproceedings", "preprint": "misc"}
BIBLATEX_TYPES = {"article": "article", "inproceedings": "inproceedings", "preprint": "online"}
RIS_TYPES = {"article": "JOUR", "inproceedings": "CONF", "preprint": "UNPB"}


def expected_names(entry: Any) -> list[tuple[str, str]]:
    return [(p.family, p.given) for p in f.people(entry)]


def check_bibtex(catalog: Catalog, text: str, *, biblatex: bool) -> None:
    """bibtexparser and strict pybtex read every entry, and every field
    decodes back to the catalog's value."""
    assert is_balanced(text)
    if not biblatex:
        assert text.isascii() or _only_undecodable_left(text)
    parsed = bibtexparser_entries(text)
    strict = pybtex_entries(text)
    assert list(parsed) == [e.key for e in catalog.entries]
    assert list(strict) == [e.key for e in catalog.entries]
    types = BIBLATEX_TYPES if biblatex else BIBTEX_TYPES
    for entry in catalog.entries:
        got = parsed[entry.key]
        kind = catalog.entry_type(entry)
        # A journal or conference paper whose journal or proceedings title is
        # unknown is written as misc (styles warn on an empty journal/booktitle).
        expected = types[kind] if f.container_title(catalog, entry) or kind == "preprint" \
            else "misc"
        assert got["ENTRYTYPE"] == expected
        for name, value in got.items():
            assert value.strip() not in ("", "{}"), f"empty field {name} in {entry.key}"
        assert decode(got["title"]) == f.clean(entry.title)
        names = expected_names(entry)
        if names:
            assert decoded_names(got["author"]) == names
            assert [pybtex_person(p) for p in strict[entry.key].persons["author"]] == names
        else:
            assert "author" not in got
        # Strict pybtex reads every field as bibtexparser does (it expands the
        # month macro), so every check below holds for both readers.
        assert _pybtex_fields(strict[entry.key]) == {
            name: value for name, value in got.items() if name not in ("ENTRYTYPE", "author")}
        assert set(got) <= _expected_fields(biblatex), (
            entry.key, set(got) - _expected_fields(biblatex))
        container = f.container_title(catalog, entry)
        if kind == "article" and container:
            assert decode(got["journaltitle" if biblatex else "journal"]) == container
        if kind == "inproceedings" and container:
            assert decode(got["booktitle"]) == container
        if biblatex:
            month = f"-{entry.month:02d}" if entry.month else ""
            assert got["date"] == f"{entry.year}{month}"
        else:
            assert got["year"] == str(entry.year)
            if entry.month:
                assert got["month"] == ["jan", "feb", "mar", "apr", "may", "jun", "jul",
                                        "aug", "sep", "oct", "nov", "dec"][entry.month - 1]
        # Identifiers: written exactly, never escaped or wrapped.
        for name, value in (("doi", entry.doi), ("url", f.url(entry)), ("eprint", entry.arxiv)):
            if value:
                assert got[name] == value
            else:
                assert name not in got
        if entry.arxiv:
            if biblatex:
                assert got["eprinttype"] == "arxiv"
            else:
                assert got["archivePrefix"] == "arXiv"
            if entry.arxiv_class:
                assert got["eprintclass" if biblatex else "primaryClass"] == entry.arxiv_class
        categories = [f.clean(c) for c in entry.categories if f.clean(c)]
        if categories:
            assert decode(got["keywords"]) == ", ".join(categories)
        note = f.note_text(entry)
        if note:
            assert decode(got["note"]) == note
            for link in entry.code:
                assert link.url in decode(got["note"])
        # What biber's data model has no field for in this type is left out.
        dropped = biblatex_cannot_hold(catalog, entry) if biblatex else frozenset()
        for name, value in (("volume", entry.volume), ("number", entry.issue),
                            ("publisher", entry.publisher), ("abstract", entry.abstract),
                            ("series", entry.series), ("issn", entry.issn),
                            ("isbn", entry.isbn)):
            held = {"number": "issue"}.get(name, name) not in dropped
            if f.clean(value) and held:
                assert decode(got[name]) == f.clean(value)
        if entry.pages and "pages" not in dropped:
            first, last = f.page_range(entry.pages)
            assert got["pages"] == (f"{first}--{last}" if last else decode(got["pages"]))
            assert decode(got["pages"]).replace("--", "–") == (
                f"{first}–{last}" if last else first)
        if f.clean(entry.article_number) and "article_number" not in dropped:
            if biblatex:
                assert decode(got["eid"]) == f.clean(entry.article_number)
            elif not f.clean(entry.pages):
                assert decode(got["pages"]) == f.clean(entry.article_number)
        venue = f.venue_name(catalog, entry)
        if kind == "inproceedings" and biblatex and f.clean(entry.container_title) and (
                venue and venue != container):
            assert decode(got["eventtitle"]) == venue
        if biblatex:
            assert set(got) - {"ENTRYTYPE"} <= BIBLATEX_FIELDS[got["ENTRYTYPE"]]
        if kind == "preprint" and not entry.arxiv and venue:
            assert decode(got["organization" if biblatex else "howpublished"]) == venue


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _pybtex_fields(entry: Any) -> dict[str, str]:
    """pybtex's fields in bibtexparser's terms: the month back as its macro."""
    fields = {}
    for name, value in entry.fields.items():
        if name == "month":
            value = next(m for m in _MONTHS if value.lower().startswith(m))
        fields[name] = value
    return fields


def _expected_fields(biblatex: bool) -> set[str]:
    """The fields a writer may use for this entry: each is checked above, so
    a field outside this set would be one nothing checks."""
    names = {"ENTRYTYPE", "title", "author", "volume", "number", "pages", "publisher", "series",
             "issn", "isbn", "doi", "url", "eprint", "keywords", "note", "abstract"}
    names |= ({"journaltitle", "booktitle", "eventtitle", "organization", "date", "eid",
               "eprinttype", "eprintclass", "ids"} if biblatex else
              {"journal", "booktitle", "howpublished", "year", "month", "archivePrefix",
               "primaryClass", "key"})
    return names


def _only_undecodable_left(text: str) -> bool:
    """BibTeX output is ASCII except characters with no LaTeX form that
    reads back (CJK, emoji, ...), which stay UTF-8."""
    from ssl_bib.codecs.latex import latex_for_char

    return all(latex_for_char(ch) == ch for ch in text if not ch.isascii())


def check_ris(catalog: Catalog, text: str) -> None:
    """rispy reads every record back with TY, AU, TI, T2, PY, DO, UR, KW equal."""
    import rispy

    lines = text.splitlines()
    assert not any(line.strip().rstrip(".").isdigit() for line in lines), "numbered header"
    records = rispy.loads(text)
    assert len(records) == len(catalog.entries)
    for entry, record in zip(catalog.entries, records, strict=True):
        kind = catalog.entry_type(entry)
        assert record["type_of_reference"] == RIS_TYPES[kind]
        assert record["id"] == entry.key
        assert record["title"] == f.clean(entry.title)
        names = [f"{fa}, {gi}" if gi else fa for fa, gi in expected_names(entry)]
        assert record.get("authors", []) == names
        venue = f.venue_name(catalog, entry)
        expected_t2 = (venue or f.clean(entry.container_title) if kind == "inproceedings"
                       else f.container_title(catalog, entry))
        assert record.get("secondary_title", "") == expected_t2
        assert record["year"] == str(entry.year)
        assert record.get("doi") == (entry.doi or None)
        assert record.get("urls", []) == ([f.url(entry)] if f.url(entry) else [])
        assert record.get("keywords", []) == [f.clean(c) for c in entry.categories
                                              if f.clean(c)]
        for link in entry.code:
            assert any(link.url in note for note in record["notes"])
        assert record.get("notes", []) == [n for n in (f.clean(entry.note), *f.code_notes(entry))
                                           if n]
        first, last = f.page_range(entry.pages)
        first = first or f.clean(entry.article_number)
        issn = f.clean(entry.issn) or f.clean(entry.isbn)
        publisher = f.clean(entry.publisher) or (
            "arXiv" if kind == "preprint" and entry.arxiv else "")
        c3 = (f.clean(entry.container_title) if kind == "inproceedings"
              and f.clean(entry.container_title) != venue else "")
        month = (f"{entry.year:04d}/{entry.month:02d}/" if entry.month else "")
        for name, value in (("volume", f.clean(entry.volume)), ("number", f.clean(entry.issue)),
                            ("start_page", first), ("end_page", last),
                            ("tertiary_title", f.clean(entry.series)), ("custom3", c3),
                            ("publisher", publisher), ("issn", issn), ("date", month),
                            ("abstract", f.clean(entry.abstract))):
            assert record.get(name, "") == value, (entry.key, name, record.get(name), value)
        known = {"type_of_reference", "id", "title", "authors", "secondary_title", "year",
                 "doi", "urls", "keywords", "notes", "volume", "number", "start_page",
                 "end_page", "tertiary_title", "custom3", "publisher", "issn", "date",
                 "abstract"}
        assert set(record) <= known, set(record) - known
    # TY first and ER last in every record.
    blocks = [b for b in text.split("\n\n") if b.strip()]
    for block in blocks:
        block_lines = block.strip("\n").split("\n")
        assert block_lines[0].startswith("TY  - ")
        assert block_lines[-1] == "ER  - "
