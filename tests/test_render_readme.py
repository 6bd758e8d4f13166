"""The README renderer: round trips through the README reader, a real
Markdown consumer (markdown-it-py with tables) reading every cell, the region
between markers, --check, and escaping of whatever titles hold."""

from __future__ import annotations

import copy
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from ssl_bib import importer, store
from ssl_bib.cli import cli
from ssl_bib.codecs.readme import render as readme_render
from ssl_bib.codecs.readme.rows import is_empty_cell
from ssl_bib.dedup import main_title, probable_same
from ssl_bib.model import Catalog, CodeLink, Entry, Venue
from ssl_bib.textnorm import normalize_title

REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "seed" / "awesome-ssl-medical-imaging.md"


def _import_readme(text: str, name: str = "README.md") -> Catalog:
    catalog = Catalog()
    outcome = importer.import_texts(catalog, [(name, text, "markdown")], bootstrap=True)
    assert outcome.errors == 0, [p.format() for p in outcome.problems]
    return catalog


def _plain(catalog: Catalog) -> Catalog:
    """The catalog without provenance (which names the file and line read)."""
    out = copy.deepcopy(catalog)
    out.entries = [replace(e, provenance={}) for e in out.entries]
    return out


def test_seed_render_import_round_trip() -> None:
    first = _import_readme(SEED.read_text(encoding="utf-8"), SEED.name)
    rendered = readme_render.render_readme(first)
    second = _import_readme(rendered)
    a, b = _plain(first), _plain(second)
    assert len(a.entries) == 62
    for x, y in zip(a.entries, b.entries, strict=True):
        assert x == y
    assert a.venues == b.venues and a.categories == b.categories
    # Stable: what the read-back catalog renders is the same text.
    assert readme_render.render_readme(second) == rendered
    assert readme_render.expected(rendered, second) == rendered


def _cell(inline: Any) -> tuple[str, list[tuple[str, str]]]:
    """A table cell as markdown-it reads it: its text, and its links (text, href)."""
    text, links, current = "", [], None
    for child in inline.children:
        if child.type == "link_open":
            # markdown-it percent-encodes hrefs ("|" -> "%7C"): compare decoded.
            current = [unquote(str(child.attrs["href"])), ""]
        elif child.type == "link_close" and current is not None:
            links.append((current[1], current[0]))
            current = None
        elif child.type in ("text", "code_inline"):
            piece = f"`{child.content}`" if child.type == "code_inline" else child.content
            if current is not None:
                current[1] += piece
            text += piece
        elif child.type == "html_inline":
            assert child.content == "<br />"  # the only HTML the renderer writes
            text = text.rstrip(" ") + "\n"  # a line break between code links
    return text, links


def _tables(markdown: str) -> dict[int, list[list[tuple[str, list[tuple[str, str]]]]]]:
    tokens = MarkdownIt("commonmark", {"html": True}).enable("table").parse(markdown)
    tables: dict[int, list[list[tuple[str, list[tuple[str, str]]]]]] = {}
    year, row, in_body = None, None, False
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and tokens[i + 1].content.isdigit():
            year = int(tokens[i + 1].content)
        elif token.type == "html_block" or token.type == "html_inline":
            assert "ssl-bib" in token.content  # only our markers and notice
        elif token.type == "tbody_open":
            in_body = True
            assert year is not None
            tables[year] = []
        elif token.type == "tbody_close":
            in_body = False
        elif in_body and token.type == "tr_open":
            row = []
            tables[year].append(row)  # type: ignore[index]
        elif in_body and token.type == "inline":
            row.append(_cell(token))  # type: ignore[union-attr]
    return tables


def _expected_cells(entry: Entry) -> list[tuple[str, list[tuple[str, str]]]]:
    code = [(c.label, c.url) for c in entry.code]
    return [
        (entry.title, []),
        (entry.venue or "NA", []),
        (" / ".join(entry.categories) or "NA", []),
        ("Link", [("Link", entry.url)]) if entry.url else ("NA", []),
        ("\n".join(label for label, _ in code) if code else "NA", code),
    ]


def _check_with_markdown_it(catalog: Catalog, markdown: str) -> None:
    tables = _tables(markdown)
    years = sorted({y for e in catalog.entries for y in e.listed_sections()}, reverse=True)
    assert list(tables) == years  # newest first, one table each
    for year in years:
        listed = [e for e in catalog.entries if year in e.listed_sections()]
        assert len(tables[year]) == len(listed)
        for cells, entry in zip(tables[year], listed, strict=True):
            assert cells == _expected_cells(entry)


def test_bundled_catalog_read_by_markdown_it() -> None:
    catalog = store.load(REPO / "entries.toml").catalog
    markdown = readme_render.render_readme(catalog)
    _check_with_markdown_it(catalog, markdown)
    assert "| Transferable Visual Words" in markdown
    assert ("[tensorflow](https://github.com/fhaghighi/TransVW/tree/master/keras) <br />"
            "[pytorch](https://github.com/fhaghighi/TransVW/tree/master/pytorch)") in markdown
    venue_lines = [line for line in markdown.splitlines() if line.startswith("- **")]
    assert venue_lines[0] == "- **[IEEE Access](https://ieeeaccess.ieee.org/)**"
    assert "- **[Computers in Biology and Medicine (CBM)]()**" in venue_lines
    assert "- **Computer Vision and Pattern Recognition (CVPR)**" in venue_lines


def test_hostile_titles_stay_text() -> None:
    venues = {"MICCAI": Venue("MICCAI", "MICCAI", "conference")}
    entries = [Entry(key="a", title="A | B [x](y) `code` <script>alert(1)</script> *em* &amp; H&E",
                     year=2021, venue="MICCAI", categories=["C"],
                     url="https://example.org/a|b",
                     code=[CodeLink("tensorflow & pytorch", "https://github.com/x/y"),
                           CodeLink("DLUP, VISSL, [pytorch]", "https://github.com/x/z")])]
    catalog = Catalog(entries=entries, venues=venues, categories=["C"])
    markdown = readme_render.render_readme(catalog)
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<em>" not in html and "<code>" not in html
    _check_with_markdown_it(catalog, markdown)
    back = _import_readme(markdown)
    got = back.entries[0]
    assert (got.title, got.url, got.code) == (entries[0].title, entries[0].url, entries[0].code)


def test_region_between_markers_keeps_the_prose(tmp_path: Path) -> None:
    catalog_path = tmp_path / "entries.toml"
    shutil.copy(REPO / "entries.toml", catalog_path)
    readme = tmp_path / "README.md"
    prose_top = "# My list\n\nIntro with a | pipe and [a link](https://x.org).\n\n"
    prose_end = "\n## Contributing\n\nOpen a pull request.\n"
    readme.write_text(f"{prose_top}{readme_render.START}\nstale\n{readme_render.END}\n{prose_end}",
                      encoding="utf-8")
    runner = CliRunner()
    stale = runner.invoke(cli, ["--catalog", str(catalog_path), "render", "readme",
                                "--check", str(readme)])
    assert stale.exit_code == 1
    assert "-stale\n" in stale.stdout and "+## 2023\n" in stale.stdout
    assert "not what the catalog renders" in stale.stderr
    wrote = runner.invoke(cli, ["--catalog", str(catalog_path), "render", "readme",
                                "-o", str(readme)])
    assert wrote.exit_code == 0
    text = readme.read_text(encoding="utf-8")
    assert text.startswith(prose_top + readme_render.START + "\n")
    assert text.endswith(readme_render.END + "\n" + prose_end)
    ok = runner.invoke(cli, ["--catalog", str(catalog_path), "render", "readme",
                             "--check", str(readme)])
    assert ok.exit_code == 0 and ok.stdout == ""
    # One hand edit inside the region: --check catches it.
    readme.write_text(text.replace("| MICCAI |", "| MICCAI  |", 1), encoding="utf-8")
    edited = runner.invoke(cli, ["--catalog", str(catalog_path), "render", "readme",
                                 "--check", str(readme)])
    assert edited.exit_code == 1 and "MICCAI  |" in edited.stdout


def test_whole_file_to_stdout_and_missing_file(tmp_path: Path) -> None:
    runner = CliRunner()
    catalog_path = str(REPO / "entries.toml")
    out = runner.invoke(cli, ["--catalog", catalog_path, "render", "readme"])
    assert out.exit_code == 0
    assert out.stdout == readme_render.render_readme(store.load(REPO / "entries.toml").catalog)
    missing = runner.invoke(cli, ["--catalog", catalog_path, "render", "readme", "--check",
                                  str(tmp_path / "README.md")])
    # A README that is not there is a mistake in the command, not a diff.
    assert missing.exit_code == 2 and missing.stdout == ""
    assert missing.stderr == f"ssl-bib: {tmp_path / 'README.md'}: no such file\n"


# -- property: random tables survive render -> import ---------------------

_TEXT = st.text(alphabet=st.sampled_from(list("abcXYZ019 |[]()`*_<>&\\!#~-:'\"/") +
                                         list("éßΩ中ö’")), min_size=1, max_size=30)


# Link destinations with what would end or change a markdown link: unbalanced
# parentheses, angle brackets, backslashes, pipes, entities.
_URL_TAIL = st.text(alphabet=st.sampled_from(list("ab09()<>|\\&;#`[]*_~!.-") + ["é", "中"]),
                    max_size=12)


def _clean(text: str) -> str:
    return " ".join(text.split())


@st.composite
def _catalogs(draw: st.DrawFn) -> Catalog:
    n = draw(st.integers(min_value=1, max_value=6))
    titles = [_clean(t) for t in draw(st.lists(_TEXT, min_size=n, max_size=n))]
    assume(all(normalize_title(t) and not is_empty_cell(t) for t in titles))
    norms = [normalize_title(t) for t in titles]
    assume(len(set(norms)) == n)
    assume(not any(probable_same(a, b) or (main_title(x) in (b,))
                   for i, (a, x) in enumerate(zip(norms, titles, strict=True))
                   for j, b in enumerate(norms) if i != j))
    entries = []
    for i, title in enumerate(titles):
        sections = sorted(draw(st.sets(st.integers(2017, 2024), min_size=1, max_size=3)),
                          reverse=True)
        labels = draw(st.lists(_TEXT.map(_clean).filter(bool), max_size=2))
        entries.append(Entry(
            key="", title=title, year=sections[0],
            sections=sections if len(sections) > 1 else [],
            venue=draw(st.sampled_from(["MICCAI", "MedIA", None])),
            categories=draw(st.lists(st.sampled_from(["Contrastive", "MAE", "Generative"]),
                                     unique=True, max_size=2)),
            url=draw(st.none() | _URL_TAIL.map(lambda t, i=i: f"https://example.org/{i}/{t}")),
            code=[CodeLink(label, f"https://github.com/x/{i}-{k}/{draw(_URL_TAIL)}")
                  for k, label in enumerate(labels)]))
    entries.sort(key=lambda e: -e.listed_sections()[0])
    venues = {"MICCAI": Venue("MICCAI", "Medical Image Computing", "conference"),
              "MedIA": Venue("MedIA", "Medical Image Analysis", "journal",
                             url="https://example.org/media")}
    return Catalog(entries=entries, venues=venues,
                   categories=["Contrastive", "MAE", "Generative"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much,
                                                                  HealthCheck.too_slow])
@given(_catalogs())
def test_random_tables_survive_render_and_import(catalog: Catalog) -> None:
    markdown = readme_render.render_readme(catalog)
    back = _import_readme(markdown)
    fields = ("title", "year", "sections", "venue", "categories", "url", "code")
    assert [tuple(getattr(e, f) for f in fields) for e in back.entries] == \
        [tuple(getattr(e, f) for f in fields) for e in catalog.entries]
    _check_with_markdown_it(catalog, markdown)
    assert readme_render.render_readme(back) == markdown


def test_venue_names_are_escaped_and_read_back() -> None:
    venues = {"A*B": Venue("A*B", "Journal of <b>Bold</b> [Claims] & A_B", "journal",
                           url="https://example.org/j"),
              "Plain_Conf": Venue("Plain_Conf", "Conference on *Stars*", "conference")}
    catalog = Catalog(entries=[Entry(key="k", title="T one", year=2020, venue="A*B"),
                               Entry(key="l", title="T two", year=2020, venue="Plain_Conf")],
                      venues=venues)
    markdown = readme_render.render_readme(catalog)
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    assert "<b>" not in html and "<em>" not in html
    back = _import_readme(markdown)
    assert [(v.key, v.name, v.url) for v in back.venues.values()] == [
        (v.key, v.name, v.url) for v in venues.values()]
    assert [e.venue for e in back.entries] == ["A*B", "Plain_Conf"]


def test_output_in_a_missing_folder_makes_it(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "README.md"
    result = CliRunner().invoke(cli, ["--catalog", str(REPO / "entries.toml"), "render",
                                      "readme", "-o", str(target)])
    assert result.exit_code == 0 and result.stderr == f"wrote {target}\n"
    assert target.read_text(encoding="utf-8").startswith("# Awesome")
    (tmp_path / "file").write_text("", encoding="utf-8")
    blocked = tmp_path / "file" / "README.md"
    result = CliRunner().invoke(cli, ["--catalog", str(REPO / "entries.toml"), "render",
                                      "readme", "-o", str(blocked)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert result.stderr == f"ssl-bib: {blocked}: cannot read: Not a directory\n"


def test_a_lone_marker_is_an_error_and_the_prose_is_kept(tmp_path: Path) -> None:
    catalog_path = str(REPO / "entries.toml")
    readme = tmp_path / "README.md"
    runner = CliRunner()
    for text, line, marker in (
            (f"# Mine\n\nProse.\n\n{readme_render.START}\nold table\n", 5, readme_render.START),
            (f"# Mine\n{readme_render.END}\nProse.\n{readme_render.START}\n", 4,
             readme_render.START),
            (f"# Mine\n\n{readme_render.END}\n", 3, readme_render.END)):
        readme.write_text(text, encoding="utf-8")
        for args in (["-o", str(readme)], ["--check", str(readme)]):
            result = runner.invoke(cli, ["--catalog", catalog_path, "render", "readme", *args])
            assert result.exit_code == 2, (text, args)
            assert result.stderr == (f"ssl-bib: {readme}:{line}: {marker} without its pair "
                                     f"({readme_render.START} ... {readme_render.END}): "
                                     "nothing written\n")
            assert readme.read_text(encoding="utf-8") == text


def test_output_and_check_together_is_a_usage_error(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    result = CliRunner().invoke(cli, ["--catalog", str(REPO / "entries.toml"), "render",
                                      "readme", "-o", str(readme), "--check", str(readme)])
    assert result.exit_code == 2 and "give -o or --check, not both" in result.stderr
    assert not readme.exists()
