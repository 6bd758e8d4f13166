"""Catalogs for the site tests: the export tests' awkward one (accents, LaTeX
specials, organisations) plus hostile entries whose titles, names, URLs and
categories try to inject markup and script into the page."""

from __future__ import annotations

from pathlib import Path

from ssl_bib.model import Catalog, CodeLink, Entry, Person, Venue
from ssl_bib.toml_render import render_catalog
from tests.export_fixtures.catalogs import rich_catalog

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "entries.toml"

SCRIPT_TITLE = "<script>alert('title')</script> & </script><!-- Bobby"
IMG_TITLE = '"><img src=x onerror="alert(1)">Rubik’s Cube: a "quoted" & <b>bold</b> title'
JS_URL = "javascript:alert(document.cookie)"
DATA_URL = "data:text/html,<script>alert(1)</script>"


def hostile_catalog() -> Catalog:
    """The rich catalog plus entries built to break out of HTML and JSON."""
    catalog = rich_catalog()
    catalog.venues["EVIL"] = Venue("EVIL", '<img src=x onerror=alert("venue")>', "journal",
                                   url="javascript:alert('venue')",
                                   aliases=["</script><script>alert(2)</script>"])
    catalog.categories.append("<i>Tag</i>")
    catalog.entries += [
        Entry(key="scriptTitle2022", title=SCRIPT_TITLE, year=2022, venue="EVIL",
              categories=["<i>Tag</i>"],
              authors=[Person("<script>alert(3)</script>", "Eve"), Person("O'Brien", "Zoë"),
                       Person("Ünal", "Ayşe"), Person("Łukasiewicz", "Jan")],
              url="https://example.org/paper?a=1&b=<2>\"3\"",
              code=[CodeLink('"><script>alert(4)</script>', JS_URL),
                    CodeLink("data", DATA_URL),
                    CodeLink("pytorch", "https://github.com/x/y?q=\"1\"&r='2'")]),
        Entry(key="jsLink2021", title=IMG_TITLE, year=2021, sections=[2022, 2021],
              venue="MedIA", categories=["Contrastive"], url=JS_URL,
              authors=[Person("Zhou", "Zongwei")]),
        Entry(key="relativeLink2019", title="A relative link {\\em braced}", year=2019,
              url="/etc/passwd", doi='10.1000/x"y<z>#?%20',
              code=[CodeLink("spaced", "https://github.com/a b")]),
    ]
    return catalog


def write_catalog(catalog: Catalog, path: Path) -> Path:
    path.write_text(render_catalog(catalog), encoding="utf-8")
    return path
