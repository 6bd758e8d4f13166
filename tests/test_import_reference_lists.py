"""Every README under ../shared/reference/awesome-lists/ (beside the clone in
CI; never committed here) and the seed import: each paper row becomes an entry
or a reported problem. The numbers were counted by hand with grep first:
table rows = `^|` lines minus header, separator and all-empty rows; bullets =
`- [ ]` lines; duplicates = rows whose folded titles repeat."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssl_bib import importer
from ssl_bib.codecs import registry
from ssl_bib.model import Catalog

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
LISTS = SHARED / "reference" / "awesome-lists"
SAEED = "SaeedShurrab__awesome-self-supervised-learning-in-medical-imaging"


def _kinds(message: str) -> str:
    for needle, kind in (("empty table row", "empty"), ("outside a table", "stray"),
                         ("empty link", "venue-link"), ("ends with '.'", "dot"),
                         ("listed again", "again"), ("outside any", "outside"),
                         ("is empty", "no-link"), ("shares a DOI", "shared-id")):
        if needle in message:
            return kind
    return message


def _import(path: Path) -> tuple[Catalog, importer.Outcome]:
    catalog = Catalog()
    text = path.read_text(encoding="utf-8")
    # The format as `ssl-bib import` detects it (three of these READMEs quote
    # a BibTeX citation in a code block).
    fmt = registry.detect(path, text).name
    outcome = importer.import_texts(catalog, [(path.name, text, fmt)], bootstrap=True)
    return catalog, outcome


# file -> (paper rows, entries, problems as (line, kind))
CASES: dict[str, tuple[int, int, list[tuple[int, str]]]] = {
    f"{SAEED}.md": (59, 58, [(96, "venue-link"), (158, "dot"), (149, "again")]),
    f"upstream-history/{SAEED}@29b8c7b.md": (56, 56, [(95, "venue-link"), (128, "empty"),
                                                       (155, "dot")]),
    f"upstream-history/{SAEED}@5f70998.md": (43, 43, [(111, "dot"), (117, "stray"),
                                                       (121, "stray"), (123, "stray")]),
    f"upstream-history/{SAEED}@6229a23.md": (
        55, 55, [(95, "venue-link"), *((n, "empty") for n in range(134, 141)), (159, "dot")]),
    f"upstream-history/{SAEED}@cbe0430.md": (
        32, 32, [*((n, "empty") for n in range(99, 108)), (142, "empty"), (144, "stray"),
                 (148, "stray"), (150, "stray"), *((n, "empty") for n in range(165, 169)),
                 *((n, "empty") for n in range(180, 187)),
                 *((n, "empty") for n in range(198, 205))]),
    f"upstream-history/{SAEED}@f1e2d95.md": (43, 43, [(121, "dot")]),
    # 47 bullets in year sections, AF-SEG twice; 13 bullets under non-year headings.
    "tqxli__self_supervised_learning_in_medical_imaging.md": (
        47, 46, [(36, "no-link"), (39, "no-link"),
                 *((n, "outside") for n in (84, 85, 86, 87, 88, 91, 92, 95, 96, 97, 100,
                                            101, 102)),
                 (39, "again")]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_reference_list_imports(name: str) -> None:
    rows, entries, problems = CASES[name]
    catalog, outcome = _import(LISTS / name)
    listed_rows = sum(len(e.listed_sections()) for e in catalog.entries)
    assert len(catalog.entries) == entries
    assert [(p.line, _kinds(p.message)) for p in outcome.problems] == problems
    assert all(p.severity == "warning" for p in outcome.problems)
    # Every row is accounted for: an entry, or a repeat of one (merged).
    repeats = sum(1 for _, kind in problems if kind == "again")
    assert listed_rows + repeats >= rows and len(catalog.entries) + repeats == rows


def test_seed_imports_as_the_bundled_catalog_has_it() -> None:
    catalog, outcome = _import(SHARED / "seed" / "awesome-ssl-medical-imaging.md")
    # 64 rows: rows 1 and 2 are one paper (same link, similar titles: merged,
    # the second title reported as a conflict); "How Transferable..." twice.
    assert len(catalog.entries) == 62
    assert [(p.line, _kinds(p.message)) for p in outcome.problems] == [
        (16, "venue-link"), (96, "dot"), (87, "again"), (63, "shared-id")]
    assert [(c.key, c.field) for c in outcome.conflicts] == [("SelfPreTraining2023", "title")]
    bundled = Path(__file__).resolve().parents[1] / "entries.toml"
    from ssl_bib import store

    # The keys the seed gives are the bundled catalog's first keys, kept as
    # aliases since `keys refresh` gave them authors' names.
    keys = [(e.key_aliases or [e.key])[0] for e in store.load(bundled).catalog.entries]
    assert [e.key for e in catalog.entries] == keys


def test_seed_into_the_bundled_catalog_changes_nothing(tmp_path: Path) -> None:
    import shutil

    from click.testing import CliRunner

    from ssl_bib.cli import cli

    catalog = tmp_path / "entries.toml"
    shutil.copy(Path(__file__).resolve().parents[1] / "entries.toml", catalog)
    before = catalog.read_bytes()
    result = CliRunner().invoke(cli, ["--catalog", str(catalog), "import",
                                      str(SHARED / "seed" / "awesome-ssl-medical-imaging.md")])
    assert result.exit_code == 0
    # 64 rows, 63 distinct titles; rows 1 and 2 both match the entry with alt_titles.
    assert "added 0, merged 0, unchanged 63, conflicts 0, skipped 0" in result.stderr
    assert catalog.read_bytes() == before
