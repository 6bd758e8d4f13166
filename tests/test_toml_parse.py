"""The compiled TOML parser against tomllib: the same data for every text both
read, the same refusals, and tomllib's own error message and line for a text
that is not TOML. The cases follow the TOML 1.0.0 specification section by
section (strings, integers, floats, booleans, date-times, arrays, tables,
inline tables, arrays of tables, keys), with the TOML 1.1 additions that a
1.0 reader must refuse."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from hypothesis import given, settings
from hypothesis import strategies as st

from ssl_bib import toml_parse
from ssl_bib.model import Catalog, CodeLink, Correction, Entry, Venue
from ssl_bib.problems import InputError
from ssl_bib.store import load, parse_text
from ssl_bib.toml_render import render_catalog
from tests.strategies import plain_people
from tests.toml_fixtures import canonical, same_data

ROOT = Path(__file__).resolve().parents[1]
COMPILED, NAME = toml_parse.find_compiled()
needs_compiled = pytest.mark.skipif(COMPILED is None, reason="no compiled TOML parser here")

VALID = {
    "basic string escapes": 'a = "\\b\\t\\n\\f\\r\\"\\\\ \\u00e9 \\U0001F600"\n',
    "literal string": "a = 'C:\\path\\x'\n",
    "multi-line basic, line-ending backslash": 'a = """\nline1\\\n   line2\n"""\n',
    "multi-line literal": "a = '''\nraw\\n '''\n",
    "multi-line, quotes next to the delimiters": 'a = """""two quotes"""""\n',
    "tab in a string": 'a = "a\tb"\n',
    "raw Unicode": 'a = "Østergaard, Søren Łukasiewicz 漢字 😀"\n',
    "integers: hex, octal, binary, underscores, signs": (
        "a = 0xDEAD_beef\nb = 0o755\nc = 0b1101\nd = 1_000\ne = +17\nf = -0\n"),
    "integers: the 64-bit limits": "a = 9223372036854775807\nb = -9223372036854775808\n",
    "floats: forms": ("a = 3.14\nb = -0.0\nc = 5e+22\nd = 6.626e-34\ne = 1_000.000_1\n"
                      "f = inf\ng = -inf\nh = nan\ni = +nan\nj = 1e06\nk = -nan\n"),
    "floats: shortest round trip and limits": (
        "a = 0.1\nb = 1.7976931348623157e308\nc = 5e-324\nd = 0.30000000000000004\n"),
    "booleans": "a = true\nb = false\n",
    "offset date-times": ("a = 1979-05-27T07:32:00Z\nb = 1979-05-27T00:32:00.999999-07:00\n"
                          "c = 1979-05-27 07:32:00+05:30\nd = 1979-05-27T07:32:00z\n"),
    "date-time with more than microsecond precision": "a = 1979-05-27T00:32:00.1234567891Z\n",
    "local date-times": "a = 1979-05-27T07:32:00\nb = 1979-05-27t07:32:00.5\n",
    "local date, leap day": "a = 1979-05-27\nb = 2000-02-29\n",
    "local times": "a = 07:32:00\nb = 00:32:00.999999\n",
    "arrays: mixed, nested, multi-line, trailing comma": (
        'a = [1, 2.0, "x", [1], {b = 1}]\nb = [\n  1,\n  2, # c\n]\nc = []\n'),
    "inline tables": 'a = { x = 1, "y.z" = 2, p.q = 3 }\nb = {}\n',
    "tables, dotted and quoted names": '[a]\nx = 1\n[a.b]\ny = 2\n[c."d.e"]\n',
    "super-table defined after its child": "[a.b]\nx = 1\n[a]\ny = 2\n",
    "arrays of tables, with sub-tables": "[[e]]\nk = 1\n[[e]]\nk = 2\n[e.sub]\nx = 1\n",
    "nested arrays of tables": "[[a]]\n[[a.b]]\nx = 1\n[[a.b]]\nx = 2\n",
    "dotted keys": "a.b.c = 1\na.d = 2\n",
    "quoted and empty keys": '"key with spaces" = 1\n\'lit\' = 2\n"" = 3\n"\\u00e9" = 4\n',
    "comments everywhere": "# c\na = 1 # c\n[t] # c\nb = [ # c\n 1, # c\n] # c\n",
    "CRLF line ends": 'a = 1\r\nb = "x"\r\n',
    "whitespace around keys": "\t a\t=\t1 \t\n",
    "empty document": "",
}

INVALID = {
    "duplicate key": "a = 1\na = 2\n",
    "duplicate key, once quoted": 'a = 1\n"a" = 2\n',
    "duplicate table": "[a]\n[a]\n",
    "table defined by dotted keys, then as a header": "[a]\nb.c = 1\n[a.b]\nd = 2\n",
    "inline table extended by a header": "a = {b = 1}\n[a.c]\n",
    "inline table extended by a dotted key": "a = {b = 1}\na.c = 2\n",
    "table over an array of tables": "[[a]]\n[a]\n",
    "array of tables over a static array": "a = []\n[[a]]\n",
    "value redefined as a table": "a.b = 1\na = 2\n",
    "TOML 1.1: newline in an inline table": "a = {b = 1,\nc = 2}\n",
    "TOML 1.1: trailing comma in an inline table": "a = {b = 1,}\n",
    "TOML 1.1: \\e escape": 'a = "\\e"\n',
    "TOML 1.1: \\x escape": 'a = "\\x41"\n',
    "TOML 1.1: time without seconds": "a = 07:32\n",
    "TOML 1.1: date-time without seconds": "a = 1979-05-27T07:32Z\n",
    "unknown escape": 'a = "\\q"\n',
    "escaped surrogate": 'a = "\\uD800"\n',
    "escape beyond U+10FFFF": 'a = "\\U00110000"\n',
    "impossible date": "a = 1979-02-30\n",
    "no leap day": "a = 2001-02-29\n",
    "hour 24": "a = 24:00:00\n",
    "float with a leading dot": "a = .5\n",
    "float with a trailing dot": "a = 5.\n",
    "underscore next to the dot": "a = 1_.0\n",
    "leading zero": "a = 012\n",
    "double underscore": "a = 1__0\n",
    "upper-case NaN, Inf, True": "a = NaN\n",
    "upper-case Inf": "a = Inf\n",
    "upper-case True": "a = True\n",
    "upper-case hex prefix": "a = 0XFF\n",
    "signed hex": "a = -0xFF\n",
    "control character in a string": 'a = "\x01"\n',
    "control character in a comment": "# \x01\na = 1\n",
    "DEL in a string": 'a = "\x7f"\n',
    "bare carriage return": "a = 1\rb = 2\n",
    "key without a value": "a = \n",
    "two pairs on one line": "a = 1 b = 2\n",
    "unterminated string": 'a = "x\n',
    "unterminated multi-line string": 'a = """x\n',
    "space in a bare key": "a b = 1\n",
    "array without commas": "a = [1 2]\n",
    "empty table name": "[]\n",
    "empty array-of-tables name": "[[]]\n",
}


@pytest.mark.parametrize("text", VALID.values(), ids=list(VALID))
def test_the_store_reads_what_tomllib_reads(text: str) -> None:
    assert same_data(toml_parse.loads(text), tomllib.loads(text))


@needs_compiled
@pytest.mark.parametrize("text", VALID.values(), ids=list(VALID))
def test_the_compiled_parser_alone_gives_tomllibs_data(text: str) -> None:
    assert COMPILED is not None
    assert canonical(COMPILED(text)) == canonical(tomllib.loads(text))


@pytest.mark.parametrize("text", INVALID.values(), ids=list(INVALID))
def test_invalid_text_gets_tomllibs_own_error(text: str) -> None:
    with pytest.raises(tomllib.TOMLDecodeError) as expected:
        tomllib.loads(text)
    with pytest.raises(tomllib.TOMLDecodeError) as ours:
        toml_parse.loads(text)
    assert str(ours.value) == str(expected.value)


@needs_compiled
@pytest.mark.parametrize("text", INVALID.values(), ids=list(INVALID))
def test_the_compiled_parser_alone_refuses_what_tomllib_refuses(text: str) -> None:
    assert COMPILED is not None
    with pytest.raises(Exception):  # noqa: B017 - its own error class; tomllib words it
        COMPILED(text)


def test_an_integer_beyond_64_bits_reads_as_tomllib_reads_it() -> None:
    # TOML says such an integer is an error, and the compiled parser refuses
    # it; tomllib reads it, and so did every catalog before: tomllib decides.
    text = "a = 9223372036854775808\nb = -9223372036854775809\n"
    assert toml_parse.loads(text) == {"a": 2**63, "b": -(2**63) - 1}


def test_without_a_compiled_parser_tomllib_reads_everything(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(toml_parse, "COMPILED", None)
    assert toml_parse.loads(VALID["offset date-times"]) == tomllib.loads(
        VALID["offset date-times"])
    with pytest.raises(tomllib.TOMLDecodeError):
        toml_parse.loads(INVALID["duplicate key"])


def test_a_crashing_compiled_parser_costs_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    class Panic(BaseException):  # what a Rust panic becomes in Python
        pass

    def crash(_text: str) -> dict[str, Any]:
        raise Panic("boom")

    monkeypatch.setattr(toml_parse, "COMPILED", crash)
    assert toml_parse.loads("a = 1\n") == {"a": 1}


def test_ctrl_c_inside_the_parser_is_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(_text: str) -> dict[str, Any]:
        raise KeyboardInterrupt

    monkeypatch.setattr(toml_parse, "COMPILED", interrupted)
    with pytest.raises(KeyboardInterrupt):
        toml_parse.loads("a = 1\n")


@pytest.mark.parametrize(("text", "line", "message"), [
    ('schema = 1\n\n[[entries]]\nkey = "a"\nkey = "b"\n', 5, "Cannot overwrite a value"),
    ('schema = 1\n[[entries]]\ntitle = "T\nyear = 2020\n', 3, "Illegal character '\\n'"),
    ('schema = 1\n[venues.A]\nname = "x"\n[venues.A]\n', 4,
     "Cannot declare ('venues', 'A') twice"),
])
def test_a_catalog_that_is_not_toml_is_reported_as_before(text: str, line: int,
                                                           message: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_text(text, Path("entries.toml"))
    assert raised.value.line == line
    assert raised.value.message == f"not valid TOML: {message}"


def test_the_bundled_and_fixture_catalogs_read_the_same() -> None:
    paths = [ROOT / "entries.toml", *sorted((ROOT / "tests").rglob("*.toml"))]
    assert len(paths) >= 2
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert same_data(toml_parse.loads(text), tomllib.loads(text)), path


def test_the_grown_catalog_reads_the_same() -> None:
    from benchmarks.synth import grow_catalog, synth_catalog

    for text in (grow_catalog(1_000), render_catalog(synth_catalog(300))):
        assert same_data(toml_parse.loads(text), tomllib.loads(text))


@pytest.mark.slow
def test_the_grown_catalog_of_10000_entries_reads_the_same() -> None:
    from benchmarks.synth import grow_catalog

    text = grow_catalog(10_000)
    assert same_data(toml_parse.loads(text), tomllib.loads(text))


# -- generated catalogs and documents ------------------------------------------

any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
some_text = any_text.filter(str.strip)


@st.composite
def catalogs(draw: st.DrawFn) -> Catalog:
    venues = {key: Venue(key=key, name=draw(some_text), kind="journal",
                         aliases=draw(st.lists(any_text, max_size=2)))
              for key in draw(st.lists(st.sampled_from(["MedIA", "IEEE TMI", "a.b", "Ünï"]),
                                       unique=True, max_size=3))}
    entries = []
    for i in range(draw(st.integers(0, 4))):
        entries.append(Entry(
            key=f"k{i}", title=draw(some_text), year=draw(st.integers(1800, 2030)),
            venue=draw(st.none() | st.sampled_from(sorted(venues) or ["x"])),
            alt_titles=draw(st.lists(any_text, max_size=2)),
            authors=draw(st.lists(plain_people, max_size=4)),
            month=draw(st.none() | st.integers(1, 12)), doi=draw(st.none() | any_text),
            abstract=draw(st.none() | any_text),
            code=draw(st.lists(st.builds(CodeLink, label=any_text, url=any_text), max_size=2)),
            corrections=draw(st.lists(st.builds(Correction, field=any_text, was=any_text,
                                                now=any_text, why=any_text), max_size=2)),
            doubts=draw(st.lists(any_text, max_size=2)),
            provenance=draw(st.dictionaries(st.sampled_from(["doi", "a b", "ü"]), any_text,
                                            max_size=3))))
    return Catalog(entries=entries, venues=venues,
                   categories=draw(st.lists(any_text, max_size=3)))


@settings(max_examples=200, deadline=None)
@given(catalog=catalogs())
def test_generated_catalogs_read_the_same(catalog: Catalog) -> None:
    text = render_catalog(catalog)
    assert same_data(toml_parse.loads(text), tomllib.loads(text))


toml_scalars = (
    any_text | st.integers(-(2**63), 2**63 - 1) | st.booleans()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.datetimes(timezones=st.none() | st.timezones())
    | st.dates() | st.times())
toml_keys = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(toml_keys, inner, max_size=3),
    max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(document=st.dictionaries(toml_keys, toml_values, max_size=5))
def test_generated_documents_read_the_same(document: dict[str, Any]) -> None:
    """Any TOML that tomlkit writes: every value type, nested tables, arrays
    of tables, quoted keys, all the escapes."""
    try:
        text = tomlkit.dumps(document)
    except Exception:  # noqa: BLE001 - a value tomlkit cannot write is no test case
        return
    try:
        expected = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return  # tomlkit wrote something that is not TOML: not ours to judge
    assert same_data(toml_parse.loads(text), expected)


def test_datetimes_come_back_as_tomllibs_types() -> None:
    data = toml_parse.loads("a = 1979-05-27T07:32:00Z\nb = 1979-05-27T07:32:00-07:00\n")
    assert data["a"].tzinfo is dt.UTC
    assert data["b"].utcoffset() == dt.timedelta(hours=-7)
    assert type(data["b"].tzinfo) is dt.timezone


def test_the_store_reads_a_catalog_file_with_the_compiled_parser(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text('schema = 1\n\n[[entries]]\nkey = "a2020"\ntitle = "T"\nyear = 2020\n',
                    encoding="utf-8")
    assert load(path).catalog.entries[0].key == "a2020"
