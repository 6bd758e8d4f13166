"""The site as built in memory: no injection whatever the catalog holds, every
paper complete under one id, citations equal to the exports, the search data
equal to what `ssl-bib list --search` searches, and byte-identical rebuilds."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import pytest

from ssl_bib.codecs.fields import ExportError
from ssl_bib.exporting import FORMATS, export
from ssl_bib.model import Catalog, CodeLink, Entry, Person, Venue
from ssl_bib.select import search_text
from ssl_bib.site.build import CHUNK, FORMAT_JOIN, SiteBuild, build_site
from ssl_bib.site.links import doi_url, web_url
from ssl_bib.site.packing import packed
from ssl_bib.store import load
from tests.website.html_tree import Node, parse
from tests.website.site_catalogs import (
    BUNDLED,
    DATA_URL,
    IMG_TITLE,
    JS_URL,
    SCRIPT_TITLE,
    hostile_catalog,
)


def build(catalog: Catalog, **kw: str) -> SiteBuild:
    return build_site(catalog, catalog.entries, title=kw.pop("title", "Test list"), **kw)


def page(built: SiteBuild) -> Node:
    return parse(built.files["index.html"].decode("utf-8"))


def site_index(built: SiteBuild) -> dict:  # type: ignore[type-arg]
    tree = page(built)
    [data] = [n for n in tree.find_all("script") if n.attrs.get("type") == "application/json"]
    return json.loads(data.text())  # type: ignore[no-any-return]


def chunks(built: SiteBuild) -> list[list[str] | None]:
    """Each paper's citation texts, unpacked from the citation files the way
    the page's script does it (site.js `unpacked`)."""
    out: list[list[str] | None] = []
    for number, name in enumerate(site_index(built)["chunks"]):
        text = built.files[name].decode("utf-8")
        prefix = f"sslBibCite({number},"
        assert text.startswith(prefix) and text.endswith(");\n")
        out += [None if paper is None else unpack(paper)
                for paper in json.loads(text[len(prefix):-3])]
    return out


def unpack(paper: list[Any]) -> list[str]:
    first = paper[0].split("\n")
    texts = []
    for text in paper:
        if isinstance(text, dict) and set(text) == {"lines"}:
            text = "\n".join(first[n] if isinstance(n, int) else n for n in text["lines"])
        elif isinstance(text, dict) and set(text) == {"json"}:
            text = json.dumps([text["json"]], indent=2, ensure_ascii=False) + "\n"
        assert isinstance(text, str)
        texts.append(text)
    return texts


@pytest.fixture(scope="module")
def bundled() -> Catalog:
    return load(BUNDLED).catalog


# -- nothing from the catalog becomes markup or script --------------------------

def test_hostile_text_stays_text() -> None:
    catalog = hostile_catalog()
    built = build(catalog)
    html = built.files["index.html"].decode("utf-8")
    tree = parse(html)
    # Only our two scripts, no other element the catalog could have smuggled in.
    scripts = tree.find_all("script")
    assert [s.attrs.get("type") for s in scripts] == [None, "application/json"]
    assert not tree.find_all("img") and not tree.find_all("b") and not tree.find_all("i")
    assert "<!--" not in html.split("<body>", 1)[1]
    for node in tree.iter():
        assert not any(name.startswith("on") for name in node.attrs), node
    # The hostile strings are there, as text.
    titles = [n.text() for n in tree.find_all("h3", "paper-title")]
    # "<b>bold</b>" is the catalog's rich text (CSL's tags): shown as its text.
    assert SCRIPT_TITLE in titles and IMG_TITLE.replace("<b>bold</b>", "bold") in titles
    evil = tree.by_id("scriptTitle2022")
    assert evil is not None
    assert "<script>alert(3)</script>" in evil.text()
    assert "<i>Tag</i>" in [n.text() for n in evil.find_all("span", "tag")]
    assert [n.attrs["title"] for n in evil.find_all("abbr")] == [
        '<img src=x onerror=alert("venue")>']
    # The JSON data cannot end its <script> element or open a comment.
    data = scripts[1].text()
    assert "</" not in data and "<!--" not in data and "<" not in data
    assert json.loads(data)["papers"]


def test_only_web_urls_become_links() -> None:
    built = build(hostile_catalog())
    tree = page(built)
    for anchor in tree.find_all("a"):
        href = anchor.attrs["href"] or ""
        if href.startswith("#"):
            continue
        parts = urlsplit(href)
        assert parts.scheme in ("http", "https") and parts.hostname, href
        assert " " not in href
    # Refused links are shown as text, labelled.
    js = tree.by_id("jsLink2021")
    assert js is not None
    assert not js.find_all("h3")[0].find_all("a")  # the title is not a link
    assert [n.text() for n in js.find_all("code")] == [JS_URL]
    evil = tree.by_id("scriptTitle2022")
    assert evil is not None
    refused = [n.text() for n in evil.find_all("span", "refused")]
    assert refused == ['Code: "><script>alert(4)</script>, not a web address: ' + JS_URL,
                       "Code: data, not a web address: " + DATA_URL]
    assert [a.text() for a in evil.find_all("a")][-1] == "Code: pytorch"
    relative = tree.by_id("relativeLink2019")
    assert relative is not None
    assert "not a web address: /etc/passwd" in relative.text()
    # A DOI is a doi.org link with its URL characters encoded.
    [doi] = [a for a in relative.find_all("a") if a.text() == "DOI"]
    assert doi.attrs["href"] == "https://doi.org/10.1000/x%22y%3Cz%3E%23%3F%2520"
    venues = tree.find_all("details", "venue-list")[0]
    assert '<img src=x onerror=alert("venue")> (EVIL)' in venues.text()
    assert not any("javascript" in (a.attrs["href"] or "") for a in venues.find_all("a"))


@pytest.mark.parametrize(("url", "ok"), [
    ("https://example.org/a?b=1#c", True), ("http://example.org", True),
    ("HTTPS://EXAMPLE.ORG/", True), ("javascript:alert(1)", False),
    ("JavaScript:alert(1)", False), (" javascript:alert(1)", False), ("data:text/html,x", False),
    ("vbscript:x", False), ("/relative", False), ("//example.org/x", False),
    ("https://exa mple.org", False), ("https://example.org/\nx", False),
    ("https://example.org:99999/", False), ("https://", False), ("", False),
    ("https://example.org/\u0085", False), ("file:///etc/passwd", False),
])
def test_web_url(url: str, ok: bool) -> None:
    assert (web_url(url) == url) is ok


def test_entries_writers_refuse_still_appear_without_cite() -> None:
    built = build(hostile_catalog())
    assert sorted(e.key for e, _ in built.warnings) == ["jsLink2021", "relativeLink2019"]
    assert all("is not an http(s) URL" in why for _, why in built.warnings)
    tree = page(built)
    for key in ("jsLink2021", "relativeLink2019"):
        paper = tree.by_id(key)
        assert paper is not None and not paper.find_all("button")
    cited = chunks(built)
    keys = [p[0] for p in site_index(built)["papers"]]
    assert cited[keys.index("jsLink2021")] is None
    assert cited[keys.index("scriptTitle2022")] is not None


def test_a_key_clash_stops_the_build() -> None:
    catalog = Catalog(entries=[Entry(key="a2020", title="A", year=2020),
                               Entry(key="A2020", title="B", year=2020)])
    with pytest.raises(ExportError, match="same key"):
        build(catalog)


# -- what a reader sees ---------------------------------------------------------

def test_every_paper_is_one_complete_element(bundled: Catalog) -> None:
    built = build(bundled, title="Awesome <SSL>")
    tree = page(built)
    assert tree.find_all("h1")[0].text() == "Awesome <SSL>"
    assert tree.find_all("title")[0].text() == "Awesome <SSL>"
    assert tree.find_all("span", "total")[0].text() == f"{len(bundled.entries)} papers"
    for entry in bundled.entries:
        [paper] = [n for n in tree.iter() if n.attrs.get("id") == entry.key]
        assert paper.tag == "li" and "paper" in (paper.attrs["class"] or "")
        assert paper.find_all("h3")[0].text() == " ".join(entry.title.split())
        text = paper.text()
        if entry.venue:
            assert entry.venue in [n.text() for n in paper.find_all() if "venue" in
                                   (n.attrs.get("class") or "")]
        assert [n.text() for n in paper.find_all("span", "tag")] == entry.categories
        hrefs = [a.attrs["href"] for a in paper.find_all("a")]
        if entry.url:
            assert paper.find_all("h3")[0].find_all("a")[0].attrs["href"] == entry.url
        if entry.doi:
            assert doi_url(entry.doi) in hrefs
        if entry.arxiv:
            assert f"https://arxiv.org/abs/{entry.arxiv}" in hrefs
        for code in entry.code:
            assert code.url in hrefs and f"Code: {code.label}" in text
        [cite] = paper.find_all("button", "cite")
        assert cite.text().startswith("Cite") and "hidden" in cite.attrs
        names = [f"{p.given} {p.family}".strip() for p in entry.authors]
        [shown] = paper.find_all("p", "authors") if names else [None]
        if len(names) > 3:
            # The first three, then "et al." opening all of them (a popover,
            # which needs no script).
            [et_al] = shown.find_all("button", "et-al")
            assert shown.text().startswith(", ".join(names[:3]) + " et al.")
            assert "hidden" not in et_al.attrs
            [everyone] = paper.find_all("p", "all-authors")
            assert et_al.attrs["popovertarget"] == everyone.attrs["id"] == f"{entry.key}~authors"
            assert "popover" in everyone.attrs and everyone.text() == ", ".join(names)
        elif names:
            assert shown.text() == ", ".join(names) and not paper.find_all("button", "et-al")


def test_venue_list_and_year_sections_as_in_the_readme(bundled: Catalog) -> None:
    tree = page(build(bundled))
    venues = tree.find_all("details", "venue-list")[0].find_all("li")
    listed = [v for v in bundled.venues.values() if v.listed]
    assert len(venues) == len(listed)
    assert venues[0].text() == (f"{listed[0].name} ({listed[0].key})"
                                if listed[0].name != listed[0].key else listed[0].name)
    years = [int(h.text()) for h in tree.find_all("h2")]
    assert years == sorted({y for e in bundled.entries for y in e.listed_sections()},
                           reverse=True)
    for section in tree.find_all("section", "year"):
        year = int(section.find_all("h2")[0].text())
        keys = [li.attrs.get("id") or li.attrs.get("data-of") for li in section.find_all("li")
                if li.attrs.get("class") in ("paper", "also")]
        assert keys == [e.key for e in bundled.entries if year in e.listed_sections()]


def test_a_paper_listed_under_two_years_has_one_element_and_a_pointer() -> None:
    built = build(hostile_catalog())
    tree = page(built)
    assert len([n for n in tree.iter() if n.attrs.get("id") == "jsLink2021"]) == 1
    [pointer] = [n for n in tree.iter() if n.attrs.get("data-of") == "jsLink2021"]
    assert pointer.find_all("a")[0].attrs["href"] == "#jsLink2021"
    sections = {int(s.find_all("h2")[0].text()): s for s in tree.find_all("section")}
    assert sections[2021].by_id("jsLink2021") is not None  # its publication year
    assert sections[2022].find_all("li", "also") == [pointer]


def test_our_ids_step_aside_for_keys() -> None:
    catalog = Catalog(entries=[Entry(key="papers", title="A", year=2021),
                               Entry(key="2021", title="B", year=2021)])
    tree = page(build(catalog))
    ids = [n.attrs["id"] for n in tree.iter() if n.attrs.get("id")]
    assert len(ids) == len(set(ids))
    assert tree.by_id("papers") is not None and tree.by_id("papers").tag == "li"  # type: ignore[union-attr]
    assert tree.by_id("papers~") is not None and tree.by_id("2021~") is not None
    assert tree.find_all("a", "skip-link")[0].attrs["href"] == "#papers~"


def test_the_page_loads_nothing_from_elsewhere(bundled: Catalog) -> None:
    built = build(bundled, base_url="https://example.github.io/ssl/")
    tree = page(built)
    for node in tree.iter():
        for name in ("src", "href"):
            value = node.attrs.get(name)
            if value is None or node.tag == "a":
                continue
            if node.tag == "link" and node.attrs.get("rel") == "canonical":
                assert value == "https://example.github.io/ssl/"
                continue
            if node.tag == "link" and node.attrs.get("rel") == "icon":
                assert value == "data:,"  # no icon: no request for /favicon.ico
                continue
            assert value in built.files, (node.tag, value)  # a relative path of our own
    css = next(v for k, v in built.files.items() if k.endswith(".css")).decode()
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    script = next(v for k, v in built.files.items() if k.endswith(".js")
                  and k.startswith("assets/")).decode()
    assert "fetch(" not in script and "XMLHttpRequest" not in script
    csp = [m.attrs["content"] for m in tree.find_all("meta")
           if m.attrs.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0] and "script-src 'self'" in csp[0]


# -- citations and search data ----------------------------------------------------

@pytest.mark.parametrize("which", ["bundled", "hostile"])
def test_citations_are_the_exports(which: str, bundled: Catalog) -> None:
    catalog = bundled if which == "bundled" else hostile_catalog()
    built = build(catalog)
    cited = chunks(built)
    assert len(cited) == len(catalog.entries)
    for entry, texts in zip(catalog.entries, cited, strict=True):
        if texts is None:
            continue
        assert texts == [export(catalog, [entry], fmt) for fmt in FORMATS]


@pytest.mark.parametrize("which", ["bundled", "hostile"])
def test_download_these_n_joins_as_the_writers_do(which: str, bundled: Catalog) -> None:
    """The page joins per-paper texts with FORMAT_JOIN (site.js joinTexts): the
    result must be what the writer gives for the whole set."""
    catalog = bundled if which == "bundled" else hostile_catalog()
    citable = [e for e in catalog.entries if e.key not in ("jsLink2021", "relativeLink2019")]
    for fmt, join in FORMAT_JOIN.items():
        texts = [export(catalog, [e], fmt) for e in citable]
        if join == "json":
            joined = "[\n" + ",\n".join(t[2:-3] for t in texts) + "\n]\n"
        else:
            joined = join.join(texts)
        assert joined == export(catalog, citable, fmt), fmt
        assert export(catalog, [], fmt) == ("[]\n" if join == "json" else "")


def test_citations_travel_smaller_than_their_texts(bundled: Catalog) -> None:
    built = build(bundled)
    texts = sum(len(t.encode()) for paper in chunks(built) if paper for t in paper)
    files = sum(len(v) for k, v in built.files.items() if k.startswith("cite/"))
    assert files < 0.75 * texts
    papers = [json.loads(v.decode()[v.index(b",") + 1:-3]) for k, v in built.files.items()
              if k.startswith("cite/")][0]
    # biblatex as BibTeX's lines and its own, CSL-JSON as its item.
    assert all(set(p[1]) == {"lines"} and set(p[3]) == {"json"} for p in papers if p)


@pytest.mark.parametrize("item", [
    {"id": "k", "x": 1.5},            # JSON.stringify prints some floats otherwise
    {"id": "k", "n": 2**60},          # beyond what a double holds
    {"id": "k", "custom": {"10": "a", "b": "c"}},  # JavaScript puts "10" first
])
def test_json_the_page_would_write_otherwise_travels_as_text(item: dict[str, Any]) -> None:
    text = json.dumps([item], indent=2, ensure_ascii=False) + "\n"
    assert packed(["@misc{k,\n}\n", text])[1] == text
    plain = {"id": "k", "custom": {"a10": ["é", None, True, 2**53]}}
    text = json.dumps([plain], indent=2, ensure_ascii=False) + "\n"
    assert packed(["@misc{k,\n}\n", text])[1] == {"json": plain}


def test_lines_are_shared_only_where_that_is_smaller() -> None:
    first = "@article{key,\n  title = {A long enough title},\n}\n"
    second = "@article{key,\n  date = {2020},\n  title = {A long enough title},\n}\n"
    assert packed([first, second])[1] == {"lines": [0, "  date = {2020},", 1, 2, 3]}
    # Nothing shared, or too little to be worth it: the text as it is.
    assert packed([first, "TY  - JOUR\nER  - "])[1] == "TY  - JOUR\nER  - "
    assert packed([first, "}\nx"])[1] == "}\nx"
    texts = [first, second, "[1.0]", "}\nx"]
    assert unpack(packed(texts)) == texts


def test_search_data_is_what_list_searches(bundled: Catalog) -> None:
    index = site_index(build(bundled))
    assert [p[0] for p in index["papers"]] == [e.key for e in bundled.entries]
    for row, entry in zip(index["papers"], bundled.entries, strict=True):
        assert row[1] == search_text(entry, bundled)
        assert row[2] == sorted({entry.year, *entry.sections})
        assert index["venues"][row[3]][0] == entry.venue
        assert [index["categories"][c] for c in row[4]] == sorted(
            entry.categories, key=index["categories"].index)
        assert row[5] == (1 if entry.code else 0)


def test_citations_are_chunked() -> None:
    catalog = Catalog(entries=[Entry(key=f"k{i}", title=f"T {i}", year=2020)
                               for i in range(2 * CHUNK + 1)])
    built = build(catalog)
    assert len(site_index(built)["chunks"]) == 3
    assert len(chunks(built)) == 2 * CHUNK + 1


# -- determinism --------------------------------------------------------------------

def test_rebuild_is_byte_identical_and_a_change_changes_only_its_chunk(bundled: Catalog) -> None:
    first = build(bundled).files
    assert build(load(BUNDLED).catalog).files == first
    changed = load(BUNDLED).catalog
    changed.entries[0] = replace(changed.entries[0], title="A new title")
    second = build(changed).files
    assert set(first) ^ set(second) and second["index.html"] != first["index.html"]
    assert [k for k in first if k.startswith("assets/")] == \
        [k for k in second if k.startswith("assets/")]
    assert all(re.fullmatch(r"(index\.html|assets/site-[0-9a-f]{10}\.(css|js)|"
                            r"cite/[0-9a-f]{10}\.js)", name) for name in second)


def test_special_characters_of_the_export_tests_survive(bundled: Catalog) -> None:
    catalog = hostile_catalog()
    catalog.entries.append(Entry(
        key="unicode2020", title="Ünïcödé — “quotes” ‘single’ αβγ 中文 😀 x² ∑ & < > \\ { }",
        year=2020, venue="MedIA", authors=[Person("Øster", "Søren"), Person("Ng", "")],
        code=[CodeLink("c++ & <tf>", "https://example.org/é?x=1&y=2")]))
    catalog.venues["MedIA"] = Venue("MedIA", "Medical Image Analysis", "journal")
    tree = page(build(catalog))
    paper = tree.by_id("unicode2020")
    assert paper is not None
    assert paper.find_all("h3")[0].text() == catalog.entries[-1].title
    assert "Søren Øster, Ng" in paper.text()
    [link] = [a for a in paper.find_all("a") if a.text().startswith("Code")]
    assert link.text() == "Code: c++ & <tf>" and link.attrs["href"] == "https://example.org/é?x=1&y=2"
