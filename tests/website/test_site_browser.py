"""The site in a real browser (headless Chromium through Selenium), opened from
file://: the count, search and filters against `ssl-bib list`, the state in
the URL across a reload, Cite against `ssl-bib export`, copy and download,
"Download these N", no console errors, no request but the site's own files,
the page without JavaScript, keyboard use, phone width and axe-core."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner

from ssl_bib.cli import cli
from ssl_bib.exporting import export
from ssl_bib.store import load
from ssl_bib.textnorm import search_fold, search_terms
from tests.website.browser import (
    axe_source,
    chromium,
    console_errors,
    http_server,
    requested_urls,
    wait_for,
)
from tests.website.site_catalogs import BUNDLED, hostile_catalog, write_catalog

FORMATS = ("bibtex", "biblatex", "ris", "csljson")


def ssl_bib(catalog: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--catalog", str(catalog), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def listed(catalog: Path, params: list[tuple[str, str]]) -> list[str]:
    """`ssl-bib list --json` with the options the URL parameters stand for."""
    option = {"q": "--search", "year": "--year", "venue": "--venue", "category": "--category"}
    args: list[str] = []
    for name, value in params:
        args += ["--has-code"] if name == "code" else [option[name], value]
    return [e["key"] for e in json.loads(ssl_bib(catalog, "list", "--json", *args))]


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """name -> (catalog, site folder), rendered by the command itself."""
    root = tmp_path_factory.mktemp("sites")
    hostile = write_catalog(hostile_catalog(), root / "hostile.toml")
    out = {}
    for name, catalog in (("bundled", BUNDLED), ("hostile", hostile)):
        folder = root / name
        result = CliRunner().invoke(cli, ["--catalog", str(catalog), "render", "site",
                                          "-o", str(folder)])
        assert result.exit_code == 0, result.output
        out[name] = (catalog, folder)
    return out


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads: Path) -> Iterator[Any]:
    with chromium(downloads=downloads) as driver:
        yield driver


@pytest.fixture
def page(browser: Any, sites: dict[str, tuple[Path, Path]]) -> Iterator[Any]:
    """Opens a site (and its query) and, after the test, holds the page to no
    console errors."""
    def open_page(name: str = "bundled", params: list[tuple[str, str]] | None = None) -> Any:
        url = (sites[name][1] / "index.html").as_uri()
        if params:
            url += "?" + urlencode(params)
        browser.get(url)
        wait_for(browser, "window.sslBib")
        return browser

    browser.get_log("browser")  # drop what earlier tests left
    yield open_page
    assert console_errors(browser) == []


# A paper element a reader sees: rendered, not invisible, not of no height. (The
# page leaves papers out as empty invisible boxes, not with display: none.)
SEEN = ("li.checkVisibility({visibilityProperty: true}) "
        "&& li.getBoundingClientRect().height > 0")


def shown_keys(driver: Any) -> list[str]:
    """The papers a reader sees, from the DOM (not from the script's state), in
    catalog order (the page orders them by year section, `list` by the catalog),
    once the page has drawn them all (it draws the first screenful at once, the
    rest right after)."""
    wait_for(driver, "sslBib.drawn()")
    seen = driver.execute_script(
        f"return Array.from(document.querySelectorAll('li.paper')).filter(li => {SEEN})"
        ".map(li => li.id)")
    order = driver.execute_script(
        "return JSON.parse(document.querySelector('script[type=\"application/json\"]')"
        ".textContent).papers.map(p => p[0])")
    assert len(set(seen)) == len(seen)
    return sorted(seen, key=order.index)


def status(driver: Any) -> str:
    return driver.execute_script("return document.querySelector('p.status').textContent")


# -- count, search and filters ------------------------------------------------------

def test_count_of_papers(page: Any) -> None:
    driver = page()
    assert status(driver) == "62 papers"
    assert len(shown_keys(driver)) == 62
    assert driver.find_element("css selector", "span.total").text == "62 papers"
    assert driver.find_element("css selector", ".download-count").text == "62"


QUERIES: list[list[tuple[str, str]]] = [
    [("q", "rubiks cube")], [("q", "Rubik’s Cube+")], [("q", "RUBIK'S")],
    [("q", "Zongwei Zhou")], [("q", "Zhou, Zongwei")], [("q", "zhou zongwei")],
    [("q", "self-supervised")], [("q", "selfsupervised")], [("q", "3D")],
    [("q", "covid 19")], [("q", "MICCAI")], [("q", "medical image analysis")],
    [("q", "10.1007/978-3-030-32251-9_42")], [("q", "2203.05573")],
    [("q", "arXiv:2203.05573")], [("q", "no such paper")], [("q", "   ")],
    [("year", "2020"), ("venue", "MICCAI")],
    [("year", "2019"), ("year", "2021")],
    [("year", "2019..2021"), ("category", "Contrastive")],
    [("year", "2022..")],
    [("venue", "IEEE-TMI"), ("venue", "MedIA")],
    [("venue", "medical image analysis")],
    [("category", "Contrastive"), ("code", "1")],
    [("category", "mae"), ("category", "Generative"), ("q", "self")],
    [("code", "1"), ("q", "segmentation")],
]


@pytest.mark.parametrize("params", QUERIES, ids=[urlencode(q) for q in QUERIES])
def test_search_and_filters_select_what_list_selects(
        page: Any, sites: dict[str, tuple[Path, Path]], params: list[tuple[str, str]]) -> None:
    driver = page("bundled", params)
    expected = listed(sites["bundled"][0], params)
    assert shown_keys(driver) == expected
    assert driver.execute_script("return sslBib.shown()") == expected
    assert status(driver) == ("62 papers" if len(expected) == 62 else
                              f"Showing {len(expected)} of 62 papers")
    empty = driver.find_element("css selector", "p.no-results")
    assert empty.is_displayed() is (not expected)


HOSTILE_QUERIES = [[("q", q)] for q in (
    "muller", "Müller-Lüdenscheidt", "ALVARO", "alvaro hervella", "Hervella, Álvaro S.",
    "o'brien", "obrien", "zoe", "Ünal Ayşe", "unal ayse", "lukasiewicz", "Łukasiewicz",
    "<script>", "alert", "rubiks", "“quoted”", "\\input", "x²", "α-synuclein", "van der berg",
    "World Health Organization", "10.1016/j.eswa.2021.115598", "2211.14715", "doi:10.1101",
    "onerror", "tag", "évil", "i tag i")] + [[("venue", "EVIL")], [("category", "<i>Tag</i>")]]


@pytest.mark.parametrize("params", HOSTILE_QUERIES, ids=[urlencode(q) for q in HOSTILE_QUERIES])
def test_awkward_text_is_found_as_list_finds_it(
        page: Any, sites: dict[str, tuple[Path, Path]], params: list[tuple[str, str]]) -> None:
    driver = page("hostile", params)
    assert shown_keys(driver) == listed(sites["hostile"][0], params)


FOLD_SAMPLES = [
    "Rubik’s Cube+", "Straße", "ÆON Øre œuvre", "Łódź", "Đorđe", "Þór", "ıstanbul", "İstanbul",
    "ΟΔΟΣ ὀδός", "Ελληνικά", "Иван Петров", "東京大学", "ﬁne ﬂow", "x² ½ Ⅻ", "e\u0301",
    "snake_case", "a\u00a0b\u2003c\u3000d", "tab\there", "emoji 😀 ok", "Ǆ ǅ ǆ", "ᾼ",
    "‘single’ “double” «guillemets»", "C++ & C#", "ﬀ ẞ ß", "Ⓐⓑ", "ｆｕｌｌｗｉｄｔｈ",
]


def test_the_page_folds_text_as_python_does(page: Any) -> None:
    driver = page()
    folded = driver.execute_script("return arguments[0].map(sslBib.fold)", FOLD_SAMPLES)
    assert folded == [search_fold(s) for s in FOLD_SAMPLES]
    terms = driver.execute_script("return arguments[0].map(sslBib.searchTerms)", FOLD_SAMPLES)
    assert terms == [search_terms(s) for s in FOLD_SAMPLES]


def test_facet_counts_say_what_ticking_adds(page: Any, sites: dict[str, tuple[Path, Path]]
                                            ) -> None:
    catalog = sites["bundled"][0]
    driver = page("bundled", [("q", "self"), ("year", "2020")])
    counts = driver.execute_script(
        "return Array.from(document.querySelectorAll('.facet-venue li')).map(li => "
        "[li.querySelector('input').value, li.querySelector('.count').textContent])")
    for venue, count in counts[:8]:
        # Ticking a venue when none is ticked gives exactly that venue's papers.
        expected = listed(catalog, [("q", "self"), ("year", "2020"), ("venue", venue)]) \
            if count != "(0)" else []
        assert count == f"({len(expected)})", venue
    years = driver.execute_script(
        "return Array.from(document.querySelectorAll('.facet-year li')).map(li => "
        "[li.querySelector('input').value, li.querySelector('.count').textContent])")
    for year, count in years:
        # Other years add to the ticked one: the count is that year's own papers.
        assert count == f"({len(listed(catalog, [('q', 'self'), ('year', year)]))})", year


# -- typing, the URL and a reload ------------------------------------------------------

def test_typing_updates_the_list_and_the_url_which_survives_a_reload(
        page: Any, sites: dict[str, tuple[Path, Path]]) -> None:
    from selenium.webdriver.common.by import By

    catalog = sites["bundled"][0]
    driver = page()
    box = driver.find_element(By.CSS_SELECTOR, 'input[type="search"]')
    box.send_keys("rubik")
    assert shown_keys(driver) == listed(catalog, [("q", "rubik")])
    box.send_keys("s cube")
    assert shown_keys(driver) == listed(catalog, [("q", "rubiks cube")])
    driver.find_element(By.CSS_SELECTOR, '.facet-year input[value="2020"]').click()
    driver.find_element(By.CSS_SELECTOR, '.facet-venue input[value="MICCAI"]').click()
    expected = listed(catalog, [("q", "rubiks cube"), ("year", "2020"), ("venue", "MICCAI")])
    assert shown_keys(driver) == expected == ["taoRevisitingRubiksCube2020"]
    # The URL follows once typing and ticking pause.
    wait_for(driver, "!sslBib.pending()")
    assert driver.current_url.endswith("index.html?q=rubiks+cube&year=2020&venue=MICCAI")
    driver.refresh()
    wait_for(driver, "window.sslBib")
    assert shown_keys(driver) == expected
    assert driver.find_element(By.CSS_SELECTOR, 'input[type="search"]').get_attribute(
        "value") == "rubiks cube"
    assert driver.find_element(By.CSS_SELECTOR, '.facet-year input[value="2020"]').is_selected()
    assert driver.find_element(By.CSS_SELECTOR, '.facet-venue input[value="MICCAI"]').is_selected()
    # Clearing empties the URL's query and shows everything again.
    driver.find_element(By.CSS_SELECTOR, "button.clear").click()
    wait_for(driver, "document.querySelector('p.status').textContent === '62 papers'")
    wait_for(driver, "!sslBib.pending()")
    assert driver.current_url.endswith("index.html")
    assert len(shown_keys(driver)) == 62


def test_a_shared_link_with_an_anchor_keeps_it(page: Any) -> None:
    driver = page("bundled", [("category", "Contrastive")])
    driver.get(driver.current_url + "#zhuRubiksCubeSelf2020")
    wait_for(driver, "window.sslBib")
    driver.find_element("css selector", '.facet-code input').click()
    wait_for(driver, "!sslBib.pending()")
    assert driver.current_url.endswith("?category=Contrastive&code=1#zhuRubiksCubeSelf2020")


# Types into the search box and, in the same task, does `then`: nothing of
# the page's own runs in between, so the URL (written once typing pauses) is
# still behind.
TYPE_THEN = """
const box = document.querySelector('input[type="search"]');
box.value = arguments[0];
box.dispatchEvent(new Event('input', {bubbles: true}));
const pending = sslBib.pending();
%s;
return pending;
"""


def test_a_reload_at_once_after_typing_keeps_the_state(
        page: Any, sites: dict[str, tuple[Path, Path]]) -> None:
    from selenium.webdriver.common.by import By

    catalog = sites["bundled"][0]
    driver = page()
    # The page reloads before the URL could follow the key.
    assert driver.execute_script(TYPE_THEN % "location.reload()", "rubik") is True
    wait_for(driver, "window.sslBib && document.querySelector('input[type=search]').value")
    assert driver.find_element(By.CSS_SELECTOR, 'input[type="search"]').get_attribute(
        "value") == "rubik"
    assert shown_keys(driver) == listed(catalog, [("q", "rubik")])
    assert driver.current_url.endswith("index.html?q=rubik")  # the URL caught up
    # The same from the browser's own reload, as soon as Selenium can.
    driver.find_element(By.CSS_SELECTOR, 'input[type="search"]').send_keys(" cube")
    driver.refresh()
    wait_for(driver, "window.sslBib")
    assert shown_keys(driver) == listed(catalog, [("q", "rubik cube")])
    assert driver.current_url.endswith("index.html?q=rubik+cube")
    # A new visit to the page (not a reload) goes by its URL alone.
    driver.get((sites["bundled"][1] / "index.html").as_uri() + "?q=genesis")
    wait_for(driver, "window.sslBib")
    assert shown_keys(driver) == listed(catalog, [("q", "genesis")])


def test_a_link_followed_at_once_after_typing_takes_the_state_along(
        page: Any, sites: dict[str, tuple[Path, Path]]) -> None:
    catalog = sites["bundled"][0]
    driver = page()
    # A year's anchor in the page: the URL gets the state before the link moves on.
    assert driver.execute_script(
        TYPE_THEN % "document.querySelector('nav.year-nav a[href=\"#2020\"]').click()",
        "rubik") is True
    assert driver.current_url.endswith("index.html?q=rubik#2020")
    assert not driver.execute_script("return sslBib.pending()")
    # A paper's own link (to another host, which fails here) and Back: the
    # page comes back with the state it was left in, in the page and the URL.
    key = listed(catalog, [("q", "rubik")])[0]
    assert driver.execute_script(
        TYPE_THEN % f"document.getElementById('{key}').querySelector('h3 a').click()",
        "rubik cube") is True
    wait_for(driver, "!location.href.startsWith('file:')", timeout=20)
    driver.back()
    wait_for(driver, "window.sslBib")
    assert driver.current_url.endswith("index.html?q=rubik+cube#2020")
    assert driver.execute_script("return document.querySelector('input[type=search]').value") \
        == "rubik cube"
    assert shown_keys(driver) == listed(catalog, [("q", "rubik cube")])


def test_back_within_the_page_shows_that_entrys_state(page: Any,
                                                     sites: dict[str, tuple[Path, Path]]
                                                     ) -> None:
    catalog = sites["bundled"][0]
    driver = page("bundled", [("q", "rubik")])
    driver.execute_script("document.querySelector('nav.year-nav a[href=\"#2020\"]').click()")
    driver.execute_script(TYPE_THEN % "", "genesis")
    wait_for(driver, "!sslBib.pending()")
    assert driver.current_url.endswith("?q=genesis#2020")
    driver.back()  # to the entry before the anchor, whose URL says q=rubik
    wait_for(driver, "document.querySelector('input[type=search]').value === 'rubik'")
    assert shown_keys(driver) == listed(catalog, [("q", "rubik")])


# The paper elements and pointers seen in the window now.
ON_SCREEN = ("Array.from(document.querySelectorAll('li.paper, li.also')).filter(li => { "
             "const r = li.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight "
             f"&& {SEEN}; }}).map(li => li.id || 'also:' + li.dataset.of)")


def test_the_first_screenful_is_right_at_once_the_rest_right_after(
        page: Any, sites: dict[str, tuple[Path, Path]]) -> None:
    driver = page("bundled", [("q", "rubik")])
    # Clearing the search shows all papers again: the page writes those on the
    # first screen before the key's frame and the rest just after. What the
    # window shows is read in the same task, before any later slice can run.
    driver.execute_script(TYPE_THEN % "window.atOnce = [sslBib.drawn(), "
                          f"document.querySelector('p.status').textContent, {ON_SCREEN}]", "")
    drawn, status_line, first = driver.execute_script("return window.atOnce")
    assert drawn is False and status_line == "62 papers" and first
    wait_for(driver, "sslBib.drawn()")
    # What the window showed at once is the start of the whole list, in order:
    # nothing left out that belongs there, nothing stale. (Papers drawn for the
    # first time then take their real height, so a few more may fit later.)
    every = driver.execute_script(
        "return Array.from(document.querySelectorAll('li.paper, li.also'))"
        f".filter(li => {SEEN}).map(li => li.id || 'also:' + li.dataset.of)")
    assert first == every[:len(first)]
    assert shown_keys(driver) == listed(sites["bundled"][0], [])
    # A reader further down the list: what is on screen is not the list's
    # start, so the page writes it all before the frame.
    driver = page("bundled", [("q", "self")])
    driver.execute_script("window.scrollTo(0, document.body.scrollHeight)")
    wait_for(driver, "document.querySelector('footer').getBoundingClientRect().top "
                     "< innerHeight")
    time.sleep(0.2)  # the page hears where the reader is a frame later
    assert driver.execute_script(TYPE_THEN % "window.atOnce = sslBib.drawn()", "") is True
    assert driver.execute_script("return window.atOnce") is True


def test_papers_left_out_cannot_be_reached(page: Any, sites: dict[str, tuple[Path, Path]]
                                          ) -> None:
    driver = page("bundled", [("q", "rubik")])
    left_out = 62 - len(listed(sites["bundled"][0], [("q", "rubik")]))
    wait_for(driver, "sslBib.drawn()")
    reached = driver.execute_script(
        "const out = Array.from(document.querySelectorAll('li.paper.off'));"
        "const links = out.flatMap(li => Array.from(li.querySelectorAll('a, button')));"
        "return [out.length, links.length, links.filter(a => { a.focus(); "
        "return document.activeElement === a; }).length, "
        "out.filter(li => li.checkVisibility({visibilityProperty: true})).length]")
    assert reached[0] == left_out and reached[1] > left_out and reached[2:] == [0, 0]


# -- citations -----------------------------------------------------------------------

def open_cite(driver: Any, key: str) -> dict[str, str]:
    button = driver.find_element("css selector", f'[id="{key}"] button.cite')
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    wait_for(driver, f"document.getElementById('{key}~cite')")
    assert button.get_attribute("aria-expanded") == "true"
    return driver.execute_script(
        "return Object.fromEntries(Array.from(document.getElementById(arguments[0] + '~cite')"
        ".querySelectorAll('textarea')).map(t => [t.dataset.format, t.value]))", key)


def test_cite_gives_exactly_what_export_writes(page: Any, sites: dict[str, tuple[Path, Path]]
                                               ) -> None:
    catalog = sites["bundled"][0]
    driver = page()
    keys = driver.execute_script("return sslBib.shown()")
    for key in keys[::5]:  # every fifth paper, all four formats
        texts = open_cite(driver, key)
        for fmt in FORMATS:
            assert texts[fmt] == ssl_bib(catalog, "export", "-f", fmt, "--key", key), (key, fmt)


@pytest.mark.parametrize("name", ["bundled", "hostile"])
def test_every_citation_the_page_unpacks_is_the_export(
        page: Any, sites: dict[str, tuple[Path, Path]], name: str) -> None:
    catalog = load(sites[name][0]).catalog
    driver = page(name)
    keys = [e.key for e in catalog.entries]
    texts = driver.execute_async_script(
        "sslBib.citations(arguments[0]).then(arguments[1], e => arguments[1](String(e)))", keys)
    assert isinstance(texts, list) and len(texts) == len(keys), texts
    refused = set()
    for entry, got in zip(catalog.entries, texts, strict=True):
        cite = driver.find_elements("css selector", f'[id="{entry.key}"] button.cite')
        if got is None:  # refused (a writer or check): no Cite on the page either
            refused.add(entry.key)
            assert not cite
            continue
        assert cite and got == [export(catalog, [entry], fmt) for fmt in FORMATS], entry.key
    assert refused >= (set() if name == "bundled" else {"jsLink2021", "relativeLink2019"})
    assert len(refused) < (1 if name == "bundled" else 4)


def test_cite_of_hostile_entries(page: Any, sites: dict[str, tuple[Path, Path]]) -> None:
    catalog, _ = sites["hostile"]
    driver = page("hostile")
    for key in ("vanderBergSpecial2020", "hervellaSelfsupervisedMultimodal2021"):
        texts = open_cite(driver, key)
        for fmt in FORMATS:
            assert texts[fmt] == ssl_bib(catalog, "export", "-f", fmt, "--key", key)
    # Entries `export` refuses (a writer, or `check`: a javascript: code link)
    # have no Cite; nothing ran that the catalog wrote.
    for key in ("jsLink2021", "scriptTitle2022"):
        assert not driver.find_elements("css selector", f'[id="{key}"] button.cite')
    assert driver.execute_script("return document.querySelectorAll('img, script').length") == 3
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        _ = driver.switch_to.alert.text


def test_copy_uses_the_clipboard_and_falls_back_to_a_selection(page: Any) -> None:
    driver = page()
    driver.execute_cdp_cmd("Browser.grantPermissions", {
        "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    texts = open_cite(driver, "zhouModelsGenesisGeneric2019")
    panel = "document.getElementById('zhouModelsGenesisGeneric2019~cite')"
    driver.execute_script(f"{panel}.querySelectorAll('button.copy')[2].click()")  # RIS
    wait_for(driver, f"{panel}.querySelector('.cite-status').textContent")
    said = driver.execute_script(f"return {panel}.querySelector('.cite-status').textContent")
    assert said == "Copied the RIS to the clipboard."
    clipboard = driver.execute_async_script(
        "navigator.clipboard.readText().then(arguments[0], e => arguments[0]('ERR ' + e))")
    assert clipboard == texts["ris"]
    # Without the Clipboard API (refused, or an old browser): the text is selected.
    driver.execute_script("navigator.clipboard.writeText = () => Promise.reject(new Error('no'))")
    driver.execute_script(f"{panel}.querySelectorAll('button.copy')[0].click()")
    wait_for(driver, f"{panel}.querySelector('.cite-status').textContent.startsWith('Selected')")
    selected = driver.execute_script(
        "const t = document.activeElement; return [t.tagName, t.dataset.format, "
        "t.value.substring(t.selectionStart, t.selectionEnd)]")
    assert selected == ["TEXTAREA", "bibtex", texts["bibtex"]]


def wait_for_file(path: Path, timeout: float = 10.0) -> bytes:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and not path.with_name(path.name + ".crdownload").exists():
            data = path.read_bytes()
            if data:
                return data
        time.sleep(0.05)
    raise AssertionError(f"{path.name} was not downloaded")


def test_download_one_citation(page: Any, downloads: Path,
                               sites: dict[str, tuple[Path, Path]]) -> None:
    driver = page()
    open_cite(driver, "zhouModelsGenesisGeneric2019")
    driver.execute_script("document.getElementById('zhouModelsGenesisGeneric2019~cite')"
                          ".querySelectorAll('button.save')[1].click()")  # biblatex
    data = wait_for_file(downloads / "zhouModelsGenesisGeneric2019-biblatex.bib")
    assert data.decode("utf-8") == ssl_bib(sites["bundled"][0], "export", "-f", "biblatex",
                                           "--key", "zhouModelsGenesisGeneric2019")


@pytest.mark.parametrize("params", [[("category", "Contrastive"), ("year", "2020..")],
                                    [("q", "segmentation")]])
def test_download_these_n(page: Any, downloads: Path, sites: dict[str, tuple[Path, Path]],
                          params: list[tuple[str, str]]) -> None:
    catalog = sites["bundled"][0]
    driver = page("bundled", params)
    count = len(listed(catalog, params))
    assert driver.find_element("css selector", ".download-count").text == str(count)
    filter_args: list[str] = []
    for name, value in params:
        filter_args += [{"q": "--search", "year": "--year", "category": "--category"}[name],
                        value]
    for fmt, filename in (("bibtex", "references.bib"), ("ris", "references.ris"),
                          ("csljson", "references.json")):
        target = downloads / filename
        target.unlink(missing_ok=True)
        driver.find_element("css selector", f'.download-all button[data-format="{fmt}"]').click()
        data = wait_for_file(target)
        assert data.decode("utf-8") == ssl_bib(catalog, "export", "-f", fmt, *filter_args)
    assert status(driver) == f"Downloaded {count} papers as references.json."


# -- what is loaded ----------------------------------------------------------------------

def test_no_request_but_the_sites_own_files(page: Any, browser: Any,
                                            sites: dict[str, tuple[Path, Path]]) -> None:
    """From file://: DevTools' network log lists every request."""
    folder = sites["bundled"][1]
    own = {p.as_uri() for p in folder.rglob("*") if p.is_file()}
    requested_urls(browser)
    driver = page()
    open_cite(driver, "zhouModelsGenesisGeneric2019")
    asked = requested_urls(driver)
    assert (folder / "index.html").as_uri() in asked
    assert any("/cite/" in url for url in asked)  # the citations came from the site too
    assert set(asked) <= own


def test_served_under_a_sub_path_it_asks_only_its_own_host(
        browser: Any, sites: dict[str, tuple[Path, Path]], tmp_path: Path) -> None:
    """As GitHub Pages serves it (https://USER.github.io/REPO/): Resource Timing
    lists every file the page loaded, all under the site's own path."""
    shutil.copytree(sites["bundled"][1], tmp_path / "ssl-bib" / "list")
    browser.get_log("browser")
    with http_server(tmp_path) as root:
        base = f"{root}/ssl-bib/list/"
        browser.get(base)
        wait_for(browser, "window.sslBib")
        open_cite(browser, "zhouModelsGenesisGeneric2019")
        loaded = browser.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)")
        assert len(loaded) == 3 and any("/cite/" in url for url in loaded)  # css, js, cite
        assert all(url.startswith(base) for url in loaded), loaded
        assert status(browser) == "62 papers"
        browser.find_element("css selector", 'input[type="search"]').send_keys("rubik")
        wait_for(browser, "!sslBib.pending()")
        assert browser.current_url == base + "?q=rubik"
        assert console_errors(browser) == []
        browser.get("about:blank")


# -- without JavaScript ------------------------------------------------------------------

def test_without_javascript_the_whole_list_is_there(sites: dict[str, tuple[Path, Path]]
                                                    ) -> None:
    from selenium.webdriver.common.by import By

    with chromium(javascript=False) as driver:
        driver.get((sites["bundled"][1] / "index.html").as_uri())
        papers = driver.find_elements(By.CSS_SELECTOR, "li.paper")
        assert len(papers) == 62 and all(p.is_displayed() for p in papers)
        assert driver.execute_script is not None
        first = papers[0]
        assert first.find_element(By.CSS_SELECTOR, "h3 a").is_displayed()
        assert first.find_element(By.CSS_SELECTOR, ".meta").text.startswith("ISBI 2023")
        # What only the script can do is not offered.
        for selector in ("form.controls", "p.status", "div.download-all", "button.cite"):
            assert not any(e.is_displayed() for e in driver.find_elements(By.CSS_SELECTOR,
                                                                          selector)), selector
        assert [h.text for h in driver.find_elements(By.CSS_SELECTOR, "h2")] == \
            ["2023", "2022", "2021", "2020", "2019", "2018", "2017"]
        # "et al." is native HTML (a popover): it still shows every author.
        et_al = driver.find_element(By.CSS_SELECTOR, "button.et-al")
        everyone = driver.find_element(By.ID, et_al.get_attribute("popovertarget"))
        assert not everyone.is_displayed()
        et_al.click()
        assert everyone.is_displayed() and everyone.text.count(",") >= 3
        assert driver.find_element(By.CSS_SELECTOR, "span.total").text == "62 papers"
        assert console_errors(driver) == []


# -- keyboard, phone, accessibility ---------------------------------------------------

def focused(driver: Any) -> dict[str, str]:
    return driver.execute_script(
        "const e = document.activeElement, s = getComputedStyle(e); return {tag: e.tagName, "
        "cls: e.className, text: e.textContent.trim(), outline: s.outlineStyle, "
        "width: s.outlineWidth}")


def test_keyboard_alone(page: Any, sites: dict[str, tuple[Path, Path]]) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    driver = page()
    keys = ActionChains(driver)
    keys.send_keys(Keys.TAB).perform()
    first = focused(driver)
    assert first["cls"] == "skip-link" and first["outline"] == "solid"
    assert driver.find_element("css selector", "a.skip-link").is_displayed()
    keys.send_keys(Keys.TAB).perform()  # the search box
    assert focused(driver)["tag"] == "INPUT"
    keys.send_keys("models genesis").perform()
    assert shown_keys(driver) == listed(sites["bundled"][0], [("q", "models genesis")])
    # Tab on to the first Cite button and open it with Enter.
    for _ in range(200):
        keys.send_keys(Keys.TAB).perform()
        now = focused(driver)
        assert now["outline"] == "solid" and float(now["width"].rstrip("px")) >= 2, now
        if now["cls"] == "cite":
            break
    else:
        raise AssertionError("no Cite button reached by Tab")
    keys.send_keys(Keys.ENTER).perform()
    wait_for(driver, "document.querySelector('.cite-panel')")
    keys.send_keys(Keys.TAB).perform()
    assert focused(driver)["tag"] == "TEXTAREA"
    keys.send_keys(Keys.ESCAPE).perform()
    assert focused(driver)["cls"] == "cite"
    assert driver.execute_script("return document.querySelector('.cite-panel').hidden")


def test_phone_width(sites: dict[str, tuple[Path, Path]], tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    with chromium(width=390, height=844) as driver:
        driver.get((sites["bundled"][1] / "index.html").as_uri())
        wait_for(driver, "window.sslBib")
        overflow = driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        search = driver.find_element(By.CSS_SELECTOR, 'input[type="search"]')
        assert search.is_displayed() and search.size["width"] > 250
        assert driver.execute_script("return innerWidth") == 390
        # The filters fold away on a small screen, and open on a tap.
        filters = driver.find_element(By.CSS_SELECTOR, "details.filters")
        assert filters.get_attribute("open") is None
        save_screenshot(driver, tmp_path, "site-phone.png")
        filters.find_element(By.TAG_NAME, "summary").click()
        assert driver.find_element(By.CSS_SELECTOR, ".facet-year").is_displayed()
        # Targets big enough for a finger.
        box = driver.find_element(By.CSS_SELECTOR, "button.cite").size
        assert box["height"] >= 24 and box["width"] >= 24
        assert console_errors(driver) == []


def test_desktop_screenshot(page: Any, tmp_path: Path) -> None:
    driver = page("bundled", [("q", "contrastive")])
    save_screenshot(driver, tmp_path, "site-desktop.png")


def save_screenshot(driver: Any, tmp_path: Path, name: str) -> None:
    """Into the test's folder, and into SSL_BIB_SCREENSHOTS when set (how the
    README's pictures are made)."""
    for folder in (tmp_path, Path(os.environ.get("SSL_BIB_SCREENSHOTS", "") or tmp_path)):
        folder.mkdir(parents=True, exist_ok=True)
        assert driver.save_screenshot(str(folder / name))
        assert (folder / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("state", ["plain", "filtered-and-citing", "phone", "all-authors"])
def test_axe_finds_nothing_serious(page: Any, state: str) -> None:
    source = axe_source()
    driver = page("bundled", [("q", "self"), ("category", "Contrastive")]
                  if state == "filtered-and-citing" else None)
    if state == "filtered-and-citing":
        open_cite(driver, driver.execute_script("return sslBib.shown()[0]"))
    if state == "phone":
        driver.set_window_size(390, 844)
    if state == "all-authors":
        driver.find_element("css selector", "button.et-al").click()
        assert driver.execute_script("return !!document.querySelector(':popover-open')")
    try:
        driver.execute_script(source)
        # preload: false, or axe fetches the stylesheet itself, which the page's
        # Content-Security-Policy (connect-src 'none') rightly blocks.
        result = driver.execute_async_script(
            "axe.run(document, {resultTypes: ['violations'], preload: false}).then(arguments[0], "
            "e => arguments[0]({error: String(e)}))")
    finally:
        driver.set_window_size(1280, 900)
    assert "error" not in result, result
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    assert len(result["passes"]) > 20  # axe did run its rules
    print(state, [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]])
