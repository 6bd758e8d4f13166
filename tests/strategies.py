"""Hypothesis strategies the property tests share: values the catalog can
hold (every field of an entry, structured names, venues, settings), drawn
with the text that breaks naive writers (quotes, backslashes, line breaks,
TOML look-alikes, any Unicode but lone surrogates, which no file can hold)."""

from __future__ import annotations

from hypothesis import strategies as st

from ssl_bib.model import (
    ENTRY_TYPES,
    VENUE_KINDS,
    Catalog,
    CodeLink,
    Correction,
    Entry,
    Person,
    Settings,
    Venue,
)

safe_char = st.characters(blacklist_categories=("Cs",))
# Characters a TOML writer must escape or keep apart, made frequent.
toml_char = st.sampled_from(list("\"'\\\n\r\t#=[]{},.\x00\x1f\x7f\u2028\ufeff"))
any_text = st.text(st.one_of(safe_char, toml_char), max_size=40)
some_text = any_text.filter(bool)
# A title must hold more than spaces.
titles = any_text.filter(str.strip)
# An optional string field: absent, or text (an empty string is a value too).
optional_text = st.none() | any_text

name_part = st.text(safe_char, max_size=15)
orcids = st.none() | st.just("0000-0002-1825-0097")
people = st.builds(Person, family=name_part, given=name_part, suffix=name_part,
                   orcid=orcids) | \
    st.builds(lambda name, orcid: Person(family=name, orcid=orcid, literal=True),
              name_part.filter(bool), orcids)

# People as the catalog writes them, "Family, Given": no comma in a name, no
# blank family name, the given name possibly empty.
plain_names = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=","),
                      min_size=1, max_size=20).map(str.strip).filter(bool)
plain_people = st.builds(Person, family=plain_names, given=st.just("") | plain_names,
                         orcid=orcids)

keys = st.from_regex(r"[A-Za-z][A-Za-z0-9_:\-]{0,20}", fullmatch=True)
urls = st.from_regex(r"https://[a-z]{1,10}\.org/[a-z0-9_~%-]{0,8}", fullmatch=True)
code_links = st.builds(CodeLink, label=any_text, url=urls)
corrections = st.builds(Correction, field=st.sampled_from(["title", "year", "doi", "code"]),
                        was=any_text, now=any_text, why=any_text)
years = st.integers(1800, 2100)
field_names = st.sampled_from(["doi", "authors", "pages", "entry", "title"])


@st.composite
def entries(draw: st.DrawFn, key: str | None = None) -> Entry:
    """An entry with any of the model's fields set, each to a value of its type."""
    def text() -> str | None:
        return draw(optional_text)

    return Entry(
        key=key or draw(keys), title=draw(titles), year=draw(years),
        venue=draw(st.none() | st.sampled_from(["MedIA", "MICCAI"])),
        key_aliases=draw(st.lists(keys, max_size=2)),
        entry_type=draw(st.none() | st.sampled_from(ENTRY_TYPES)),
        categories=draw(st.lists(some_text, max_size=3)),
        alt_titles=draw(st.lists(some_text, max_size=2)),
        sections=draw(st.lists(years, max_size=2)),
        authors=draw(st.lists(people, max_size=4)),
        url=text(), doi=text(), arxiv=text(), arxiv_class=text(), pii=text(), ieee=text(),
        pmlr=text(), openreview=text(), code=draw(st.lists(code_links, max_size=3)),
        month=draw(st.none() | st.integers(1, 12)), volume=text(), issue=text(),
        pages=text(), article_number=text(), publisher=text(), container_title=text(),
        series=text(), issn=text(), isbn=text(), abstract=text(), note=text(),
        zotero_key=text(), corrections=draw(st.lists(corrections, max_size=2)),
        doubts=draw(st.lists(some_text, max_size=2)),
        provenance=draw(st.dictionaries(field_names, some_text, max_size=3)),
    )


venues = st.builds(Venue, key=keys, name=titles, kind=st.sampled_from(VENUE_KINDS),
                   url=st.none() | urls, listed=st.booleans(),
                   aliases=st.lists(some_text, max_size=2),
                   issn=st.none() | st.just("1361-8415"))
settings = st.builds(Settings, key_format=st.just("{author}{Title:3}{year}"),
                     crossref_mailto=st.none() | st.just("lab@example.org"),
                     crossref_concurrency=st.none() | st.integers(1, 16),
                     zotero_group=st.none() | st.integers(1, 10**9),
                     max_wait=st.none() | st.floats(0.5, 86400))


@st.composite
def catalogs(draw: st.DrawFn, max_entries: int = 4) -> Catalog:
    """A catalog of unique keys (case-insensitively, as BibTeX compares them)."""
    entry_keys = draw(st.lists(keys, max_size=max_entries, unique_by=str.casefold))
    venue_list = draw(st.lists(venues, max_size=3, unique_by=lambda v: v.key))
    return Catalog(entries=[draw(entries(key=k)) for k in entry_keys],
                   venues={v.key: v for v in venue_list},
                   categories=draw(st.lists(some_text, max_size=3, unique=True)),
                   settings=draw(settings))
