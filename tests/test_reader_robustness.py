"""Whatever a file holds, every reader gives records or located problems,
never an exception, and one bad record never costs the others: nesting deep
enough to exhaust Python's stack (BibTeX braces, LaTeX groups, JSON arrays and
objects 100,000 deep), lone surrogates in JSON, and (fuzzed with hypothesis)
arbitrary text and arbitrary mutations of valid records in every format.

What the importer makes of the records must also be writable: no record may
carry text that the catalog cannot hold (a surrogate cannot be encoded)."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssl_bib import importer, store
from ssl_bib.cli import cli
from ssl_bib.codecs import registry
from ssl_bib.codecs.read_result import ReadResult
from ssl_bib.model import Catalog
from ssl_bib.store import load

DEEP = 100_000
# How many examples each fuzz test runs; SSL_BIB_FUZZ_EXAMPLES=5000 for a long run.
EXAMPLES = int(os.environ.get("SSL_BIB_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

GOOD_BIB = "@article{good, title={A good paper}, author={Doe, Jane}, year={2021}}\n"
GOOD_JSON = ('{"id": "good", "type": "article-journal", "title": "A good paper", '
             '"issued": {"date-parts": [[2021]]}}')


def _import(tmp_path: Path, name: str, text: str) -> tuple[int, str, Catalog]:
    """`ssl-bib import --keep-going NAME` into a new catalog: (exit, stderr, catalog)."""
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    catalog = tmp_path / "entries.toml"
    result = CliRunner().invoke(cli, ["--catalog", str(catalog), "import", "--keep-going",
                                      str(source)])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    return result.exit_code, result.stderr, load(catalog).catalog


def _one_error(stderr: str, name: str, line: int, words: str) -> None:
    errors = [ln for ln in stderr.splitlines() if ": error: " in ln]
    assert len(errors) == 1, stderr
    assert errors[0].startswith(f"{name}:{line}: error: ") and words in errors[0], errors


@pytest.mark.parametrize(("case", "text", "words"), [
    ("macro", "@string{m = " + "{" * DEEP + r"\'e" + "}" * DEEP + "}\n\n"
     "@article{deep, title = m, year = {2020}}\n", "nested"),
    ("field", "@article{deep, title = {" + "{" * DEEP + r"\'e" + "}" * DEEP + "},\n"
     "  year = {2020}}\n", "braces nested"),
    ("title groups", "@article{deep, title = {" + r"\emph{" * 5000 + "x" + "}" * 5000
     + "}, year = {2020}}\n", "braces nested"),
])
def test_deep_bibtex_is_one_located_error(tmp_path: Path, case: str, text: str,
                                          words: str) -> None:
    code, stderr, catalog = _import(tmp_path, "in.bib", text + "\n" + GOOD_BIB)
    line = 3 if case == "macro" else 1
    _one_error(stderr, "in.bib", line, words)
    assert code == 0 and [e.title for e in catalog.entries] == ["A good paper"]


def test_deep_environments_are_read(tmp_path: Path) -> None:
    """LaTeX environments 3,000 deep are no braces deep: the decoder reads
    them without recursion, and the environments' names are not text."""
    text = ("@article{deep, title = {" + r"\begin{a}" * 3000 + "x" + r"\end{a}" * 3000
            + "}, year = {2020}}\n")
    code, stderr, catalog = _import(tmp_path, "in.bib", text + "\n" + GOOD_BIB)
    assert code == 0 and ": error:" not in stderr
    assert sorted(e.title for e in catalog.entries) == ["A good paper", "x"]


@pytest.mark.parametrize("deep", [
    "[" * DEEP + "]" * DEEP,
    '{"a": ' * DEEP + "1" + "}" * DEEP,
    '[{"a": ' * (DEEP // 2) + "1" + "}]" * (DEEP // 2),
])
@pytest.mark.parametrize("where", ["item", "field"])
def test_deep_json_is_one_located_error(tmp_path: Path, deep: str, where: str) -> None:
    bad = deep if where == "item" else (
        '{"id": "deep", "title": "Deep", "issued": {"date-parts": [[2020]]}, "x": '
        + deep + "}")
    code, stderr, catalog = _import(tmp_path, "in.json", f"[\n {GOOD_JSON},\n {bad},\n"
                                                         f" {GOOD_JSON.replace('good', 'g2')}\n]")
    _one_error(stderr, "in.json", 3, "nested too deeply")
    assert code == 0 and len(catalog.entries) == 2


def test_a_top_level_value_nested_too_deep_is_one_line(tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_text('{"a":' * DEEP + "1" + "}" * DEEP, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--catalog", str(tmp_path / "entries.toml"), "import",
                                      "--keep-going", str(source)])
    assert result.exit_code == 2 and not (tmp_path / "entries.toml").exists()
    assert result.stderr.splitlines()[0] == \
        "in.json:1: error: not valid JSON: nested too deeply"
    assert "no references found in in.json (read as csljson)" in result.stderr


@pytest.mark.parametrize(("field", "where"), [
    ('"title": "A \\ud800 title"', "title"),
    ('"title": "T", "author": [{"family": "\\udfff"}]', "author[0].family"),
    ('"title": "T", "note": "\\udc00\\ud800"', "note"),
    ('"title": "T", "custom": {"\\ud800": 1}', "custom"),
])
def test_a_lone_surrogate_costs_its_item_only(tmp_path: Path, field: str, where: str) -> None:
    bad = '{"id": "s", "issued": {"date-parts": [[2020]]}, ' + field + "}"
    code, stderr, catalog = _import(tmp_path, "in.json", f"[\n {bad},\n {GOOD_JSON}\n]\n")
    _one_error(stderr, "in.json", 2, f"{where}")
    assert "lone surrogate" in stderr
    assert code == 0 and [e.title for e in catalog.entries] == ["A good paper"]


def test_a_surrogate_pair_is_a_character(tmp_path: Path) -> None:
    item = GOOD_JSON.replace("A good paper", "Smile \\ud83d\\ude00")
    code, stderr, catalog = _import(tmp_path, "in.json", f"[{item}]")
    assert code == 0 and catalog.entries[0].title == "Smile \U0001f600", stderr


def test_surrogates_in_a_file_are_not_utf8(tmp_path: Path) -> None:
    """Encoded surrogates (CESU-8, "\\xed\\xa0\\x80") are no UTF-8: the file is
    refused with its line, and readers never see a surrogate but from a JSON
    escape."""
    source = tmp_path / "in.json"
    source.write_bytes(b'[\n{"title": "A \xed\xa0\x80"}]\n')
    result = CliRunner().invoke(cli, ["--catalog", str(tmp_path / "c.toml"), "import",
                                      str(source)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"ssl-bib: {source}:2: not UTF-8 text"


# -- fuzzing -------------------------------------------------------------------

VALID = {
    "bibtex": (
        "@string{medIA = {Medical Image Analysis}}\n\n"
        "@article{zhou2019,\n  title = {Models {Genesis}: Generic {\\'A}utodidactic Models},\n"
        "  author = {Zhou, Zongwei and van der Berg, Jan and {World Health Organization}},\n"
        "  journal = medIA,\n  year = {2019},\n  month = jun,\n  volume = {67},\n"
        "  pages = {101--110},\n  doi = {10.1016/j.media.2020.101840},\n"
        "  url = {https://doi.org/10.1016/j.media.2020.101840},\n"
        "  keywords = {Generative, Contrastive},\n"
        "  note = {Code (pytorch): https://github.com/x/y}\n}\n\n"
        "@misc{chen2020, title = \"A {S}imple Framework $\\alpha$\", author = \"Chen, Ting\",\n"
        "  eprint = {2002.05709}, archivePrefix = {arXiv}, primaryClass = {cs.LG},\n"
        "  year = 2020}\n\n"
        "@inproceedings{he2020, title={Momentum Contrast}, booktitle={CVPR},\n"
        "  date={2020-06}, author={He, Kaiming and Fan, Haoqi}}\n"),
    "ris": (
        "TY  - JOUR\nAU  - Zhou, Zongwei\nAU  - Sodha, Vatsal\nTI  - Models Genesis\n"
        "T2  - Medical Image Analysis\nPY  - 2021\nDA  - 2021/01/\nVL  - 67\nSP  - 101840\n"
        "DO  - 10.1016/j.media.2020.101840\nUR  - https://doi.org/10.1016/j.media.2020.101840\n"
        "KW  - Generative\nN1  - Code (keras): https://github.com/x/y\nER  - \n\n"
        "TY  - UNPB\nAU  - Chen, Ting\nTI  - A Simple Framework\nPY  - 2020\n"
        "UR  - https://arxiv.org/abs/2002.05709\nER  - \n"),
    "csljson": json.dumps([
        {"id": "zhou2021", "type": "article-journal", "title": "Models Genesis",
         "author": [{"family": "Zhou", "given": "Zongwei"}, {"literal": "WHO"}],
         "container-title": "Medical Image Analysis", "issued": {"date-parts": [[2021, 1]]},
         "volume": "67", "page": "101840", "DOI": "10.1016/j.media.2020.101840",
         "keyword": "Generative, Contrastive",
         "custom": {"code": [{"label": "keras", "url": "https://github.com/x/y"}]}},
        {"id": "chen2020", "type": "article", "title": "A Simple Framework",
         "number": "arXiv:2002.05709", "issued": {"raw": "2020"}},
    ], indent=2),
    "markdown": (
        "# Awesome list\n\n## List of Journals / Conferences (J/C):\n\n"
        "- **[Medical Image Analysis (MedIA)](https://www.journals.elsevier.com/mia)**\n"
        "- **Conference on Computer Vision (CVPR)**\n\n## 2021\n\n"
        "| Paper title | Journal/Conference | Category | Paper link | Code link |\n"
        "| --- | --- | --- | --- | --- |\n"
        "| Models Genesis | MedIA | Generative | [Link](https://doi.org/10.1016/j.media.2020.101840)"
        " | [keras](https://github.com/x/y) <br /> [pytorch](https://github.com/x/z) |\n"
        "| A \\| piped title | CVPR | MAE/Contrastive | [Link](https://arxiv.org/abs/2002.05709)"
        " | NA |\n\n## 2020\n\n*Segmentation*\n"
        "- [ ] :star: [A Simple Framework](https://arxiv.org/abs/2002.05709). CVPR 2020. "
        "[[Code](https://github.com/x/q)]\n"),
}
# Characters each format gives a meaning to: mutations favour them.
SPECIAL = {
    "bibtex": "@{}()\",=#%\\$~^_&' \n\t",
    "ris": "-  \nTYERAUTIPYDOUR\r",
    "csljson": "[]{}\",:\\u0123456789.-etrunfl \n",
    "markdown": "|[]()*_#-:<>`\\!~ \n",
}
NAMES = {"bibtex": "in.bib", "ris": "in.ris", "csljson": "in.json", "markdown": "in.md"}
# Any character a UTF-8 file can hold: surrogates cannot be encoded, so
# read_text never gives them (test_surrogates_in_a_file_are_not_utf8).
CHARACTERS = st.characters(exclude_categories=["Cs"])


def _mutated(fmt: str) -> st.SearchStrategy[str]:
    """A valid document with 1-6 edits: characters inserted (mostly the
    format's own specials), spans deleted or repeated, characters replaced."""
    base = VALID[fmt]
    piece = st.text(alphabet=st.sampled_from(SPECIAL[fmt]) | CHARACTERS, min_size=1,
                    max_size=20)
    edit = st.tuples(st.sampled_from(["insert", "delete", "repeat", "replace"]),
                     st.integers(0, len(base)), st.integers(0, 40), piece)

    def apply(edits: list[tuple[str, int, int, str]]) -> str:
        text = base
        for kind, at, size, chars in edits:
            at = min(at, len(text))
            if kind == "insert":
                text = text[:at] + chars + text[at:]
            elif kind == "delete":
                text = text[:at] + text[at + size:]
            elif kind == "repeat":
                text = text[:at] + text[at:at + size] * (1 + len(chars)) + text[at:]
            else:
                text = text[:at] + chars[0] + text[at + 1:]
        return text

    return st.lists(edit, min_size=1, max_size=6).map(apply)


def check_reads(fmt: str, text: str) -> None:
    """The reader gives records and located one-line problems; the importer
    takes them into a catalog whose every entry the store writes and reads
    back as the same entry ("would not read back" never reaches a user)."""
    name = NAMES[fmt]
    result = registry.read(text, name, fmt)
    lines = text.count("\n") + 1
    for problem in result.problems:
        assert problem.file == name and 0 <= problem.line <= lines, problem
        assert "\n" not in problem.format()
    catalog = Catalog()
    outcome = importer.Importer(catalog, bootstrap=True)
    outcome.run(result, name)
    loaded = store.new_catalog(Path("entries.toml"))
    loaded.catalog = catalog
    rendered = store.render(loaded)  # raises EntryUnwritable for one that would not
    assert len(tomllib.loads(rendered).get("entries", [])) == len(catalog.entries)


@pytest.mark.parametrize("fmt", list(VALID))
def test_the_valid_samples_are_read_whole(fmt: str) -> None:
    result = registry.read(VALID[fmt], NAMES[fmt], fmt)
    assert len(result.records) >= 2
    assert [p for p in result.problems if p.severity == "error"] == []


@pytest.mark.parametrize("fmt", list(VALID))
def test_fuzz_arbitrary_text(fmt: str) -> None:
    @FUZZ
    @given(st.text(alphabet=st.sampled_from(SPECIAL[fmt]) | CHARACTERS, max_size=400))
    def run(text: str) -> None:
        check_reads(fmt, text)

    run()


@pytest.mark.parametrize("fmt", list(VALID))
def test_fuzz_mutated_records(fmt: str) -> None:
    @FUZZ
    @given(_mutated(fmt))
    def run(text: str) -> None:
        check_reads(fmt, text)

    run()


def test_bibtex_lines_are_right_after_a_line_ending_in_a_backslash() -> None:
    """bibtexparser does not count a line break after a backslash (an
    abstract's `\\\\` line break): the reader finds each block's line itself."""
    from ssl_bib.codecs import bibtex_read

    text = ("@article{a, title = {A}, abstract = {One\\\\\ntwo\\\\\nthree}}\n\n"
            "@article{b, title = {B}, year = 2020}\n@article{b, title = {B again}}\n"
            "@article{c, title = {Unclosed\n@article{d, title = {D}}\n")
    result = bibtex_read.read(text, "in.bib")
    assert [(r.line, r.source_id) for r in result.records] == [(1, "a"), (5, "b"), (8, "d")]
    assert [(p.line, p.message.split(" ")[0]) for p in result.problems] == [
        (6, "duplicate"), (7, "malformed")]


def _summary(result: ReadResult) -> tuple[object, ...]:
    records = [(r.line, r.source_id, r.entry.title, r.entry.authors, r.entry.doi,
                r.venue_name) for r in result.records]
    return records, [(p.line, p.severity, p.message) for p in result.problems]


@pytest.mark.parametrize("fmt", ["bibtex"])
def test_fuzz_reading_bibtex_in_pieces_changes_nothing(fmt: str) -> None:
    """The BibTeX reader parses a file a piece at a time (for progress and
    memory), cut where a line starts a block: cut at every such line, the
    result is the one of the file read whole, line numbers included (also
    after a line ending in a backslash, which bibtexparser does not count)."""
    from ssl_bib.codecs import bibtex_read

    doubled = VALID[fmt] + VALID[fmt].replace("{zhou2019", "{z2")
    tricky = ("@article{a, title = {Open\n@misc no brace\n  @ x {y}\n\t@book{b, title={B}}\n"
              "@article{c, title = {C}, note = {a\\\n\u3000@misc{d, title = {D}}\n"
              "@misc{e, title = {E\\\n}}\n@misc{f, title = {F}}\n")

    repeated = "@string{m = {M}}\n\n" + "@article{\n\n" * 3 + VALID[fmt]  # equal failed blocks

    @FUZZ
    @given(_mutated(fmt) | st.sampled_from([doubled, tricky, repeated]))
    def run(text: str) -> None:
        whole = bibtex_read.read(text, "in.bib", chunk=len(text) + 1)
        pieces = bibtex_read.read(text, "in.bib", chunk=1)
        assert _summary(pieces) == _summary(whole)

    run()


@pytest.mark.parametrize("value", ["[" * DEEP + "]" * DEEP, "{a = " * DEEP + "1" + "}" * DEEP])
def test_a_catalog_nested_too_deep_is_one_located_error(tmp_path: Path, value: str) -> None:
    catalog = tmp_path / "entries.toml"
    catalog.write_text('schema = 1\n\n[[entries]]\nkey = "a"\ntitle = "A"\nyear = 2020\n'
                       f"note = {value}\n", encoding="utf-8")
    for command in (["check"], ["list"], ["export", "-f", "bibtex"]):
        result = CliRunner().invoke(cli, ["--catalog", str(catalog), *command])
        assert result.exit_code == 2, result.output
        assert result.stderr == ("ssl-bib: entries.toml:7: not valid TOML: arrays or tables "
                                 "nested too deeply to read\n")
