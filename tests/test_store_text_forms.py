"""The catalog is never made unreadable by our own write, whatever the text.

A line ends only at LF in TOML: U+2028, U+2029, U+0085 are ordinary
characters, and a multi-line string or array holds lines that look like
tables, keys or comments. The store's scan, its splice and its renderer must
agree with that; property tests generate hand-written catalogs in every valid
string form and edit them.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ssl_bib.cli import cli
from ssl_bib.model import Entry, Person
from ssl_bib.problems import InputError
from ssl_bib.store import LoadedCatalog, load, parse_text, save
from ssl_bib.toml_render import render_entry, toml_string
from ssl_bib.toml_scan import ScanError, _scan_exact, _scan_fast, scan, split_lines

SEPARATORS = "\u2028\u2029\u0085\x0b\x0c\x1c\x1d\x1e\r"
# Lines that look like TOML structure, for inside strings and comments.
LOOKALIKES = ["[[entries]]", "[x]", "[venues.X]", "key = \"value\"", "title = 1",
              "# a comment", "", "   ", "x = [", "]", "'''", '"', '""', "\u2028[[entries]]",
              "a\u2028b = 1", "[[ entries ]]"]

HEAD = "schema = 1\n# head comment\ncategories = [\"A\"]\n\n"


def test_split_lines_agrees_with_toml_not_with_splitlines() -> None:
    text = "a = 1\nb = \"x\u2028y\u0085z\"\r\nc = 2\n"
    assert split_lines(text) == ["a = 1", "b = \"x\u2028y\u0085z\"\r", "c = 2"]
    assert len(text.splitlines()) == 5     # what went wrong before


@pytest.mark.parametrize("char", list(SEPARATORS) + [chr(c) for c in range(0, 32)] + ["\x7f",
                                                                                    "\u202e"])
def test_the_renderer_escapes_separators_and_controls(char: str) -> None:
    rendered = toml_string(f"a{char}b")
    assert char not in rendered
    assert tomllib.loads(f"v = {rendered}")["v"] == f"a{char}b"


def _catalog(*entries: str) -> str:
    return HEAD + "\n".join(entries)


MULTILINE_NOTE = '''[[entries]]
key = "ml2020"
title = "Hand-written"
year = 2020
note = """
line one
[x]
[[entries]]
key = "fake"
# not a comment
"""
'''


def test_a_hand_written_multiline_string_survives_a_merged_field(tmp_path: Path) -> None:
    """The issue's case: `import` merges a field into an entry with a
    multi-line note; the file must still read, with the note intact."""
    path = tmp_path / "entries.toml"
    path.write_text(_catalog(MULTILINE_NOTE, '[[entries]]\nkey = "b"\ntitle = "B"\nyear = 2021\n'),
                    encoding="utf-8")
    (tmp_path / "in.json").write_text(json.dumps([{
        "id": "x", "type": "article-journal", "title": "Hand-written",
        "issued": {"date-parts": [[2020]]}, "DOI": "10.1234/merged"}]), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--catalog", str(path), "import", str(tmp_path / "in.json")])
    assert result.exit_code == 0, result.output
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    assert [e["key"] for e in doc["entries"]] == ["ml2020", "b"]
    assert doc["entries"][0]["doi"] == "10.1234/merged"
    assert doc["entries"][0]["note"] == \
        "line one\n[x]\n[[entries]]\nkey = \"fake\"\n# not a comment\n"
    assert load(path).problems == []


@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\u0085"])
def test_a_separator_in_an_imported_field_keeps_the_catalog_readable(tmp_path: Path,
                                                                     sep: str) -> None:
    """The issue's cases: a code label from CSL-JSON with U+2028, then a later
    edit of the same entry; and a title whose separator is followed by text
    that looks like a key or a table."""
    path = tmp_path / "entries.toml"
    path.write_text(HEAD, encoding="utf-8")
    (tmp_path / "in.json").write_text(json.dumps([{
        "id": "x", "type": "article-journal", "title": f"Title{sep}x = 1{sep}[[entries]]",
        "note": f"code{sep}label", "issued": {"date-parts": [[2020]]}}]), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["--catalog", str(path), "import", str(tmp_path / "in.json")])
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert sep not in text           # folded to a space by the reader, or escaped
    loaded = load(path)
    assert loaded.problems == [] and loaded.catalog.entries[0].title.startswith("Title")
    loaded.catalog.entries[0].abstract = f"kept{sep}x = 1{sep}[[entries]]{sep}# c"
    save(loaded)
    assert f"kept\\u{ord(sep):04x}x = 1" in path.read_text(encoding="utf-8")
    loaded.catalog.entries[0].pages = "1-2"           # a later edit of the same entry
    save(loaded)
    again = load(path)
    assert again.catalog.entries[0].pages == "1-2"
    assert runner.invoke(cli, ["--catalog", str(path), "check"]).exit_code == 0


def test_raw_separators_written_by_hand_are_read_and_kept(tmp_path: Path) -> None:
    """A file with raw U+2028 in strings and comments (valid TOML) is scanned
    right and its untouched entries keep their bytes."""
    first = '[[entries]]\nkey = "a"\ntitle = "A\u2028[[entries]]"   # c\u2028[x]\nyear = 2020\n'
    second = '[[entries]]\nkey = "b"\ntitle = "B"\nyear = 2021\n'
    path = tmp_path / "entries.toml"
    path.write_text(_catalog(first, second), encoding="utf-8")
    loaded = load(path)
    assert [s.start for s in loaded.spans] == [4, 9]
    loaded.catalog.entries[1].doi = "10.1/b"
    save(loaded)
    assert first in path.read_text(encoding="utf-8")
    assert load(path).catalog.entries[1].doi == "10.1/b"


def test_the_guard_refuses_a_splice_the_scan_got_wrong(tmp_path: Path, monkeypatch) -> None:
    """If the scan ever again disagrees with TOML about where an entry ends,
    the save must refuse rather than write a broken file: the piece being
    replaced is proven to be exactly that entry's table."""
    path = tmp_path / "entries.toml"
    original = _catalog(MULTILINE_NOTE, '[[entries]]\nkey = "b"\ntitle = "B"\nyear = 2021\n')
    path.write_text(original, encoding="utf-8")
    loaded = load(path)
    cut = loaded.text.index("[x]")          # where the old line scan ended the entry
    loaded.spans[0].end_at = cut
    loaded.catalog.entries[0].doi = "10.1/x"
    with pytest.raises(InputError, match=r"entry ml2020: ssl-bib cannot tell exactly where"):
        save(loaded)
    assert path.read_text(encoding="utf-8") == original


# -- property tests ---------------------------------------------------------------

safe_char = st.characters(blacklist_categories=("Cs",))
any_text = st.text(safe_char, max_size=30)
plain = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\"'\\"),
                max_size=12)
inner_line = st.sampled_from(LOOKALIKES) | plain | st.sampled_from(SEPARATORS[:3]).map(
    lambda s: f"x{s}[[entries]]")


def _no_triple(text: str, quote: str) -> str:
    while quote * 3 in text:
        text = text.replace(quote * 3, quote * 2 + " ")
    return text.rstrip(quote)


@st.composite
def string_literal(draw: st.DrawFn) -> str:
    """A TOML string in one of its four forms, as a person might write it."""
    form = draw(st.sampled_from(["basic", "literal", "ml_basic", "ml_literal"]))
    if form == "basic":
        return toml_string(draw(any_text))
    if form == "literal":
        return "'" + draw(plain) + "'"
    lines = draw(st.lists(inner_line, min_size=1, max_size=5))
    quote = '"' if form == "ml_basic" else "'"
    body = _no_triple("\n".join(lines).replace("\\", "\\\\"), quote)
    if form == "ml_literal":
        body = body.replace("\\\\", "\\")
    lead = draw(st.sampled_from(["\n", ""]))
    return quote * 3 + lead + body + quote * 3


@st.composite
def array_literal(draw: st.DrawFn) -> str:
    items = draw(st.lists(string_literal(), max_size=3))
    if draw(st.booleans()):
        return "[" + ", ".join(items) + "]"
    lines = [f"  {item},  # {draw(st.sampled_from(LOOKALIKES))}" for item in items]
    return "[\n" + "\n".join(lines) + "\n  # [[entries]]\n]"


comment = st.sampled_from(LOOKALIKES).map(lambda s: f"# {s}") | \
    st.sampled_from(SEPARATORS[:3]).map(lambda s: f"#{s}[[entries]]")


@st.composite
def hand_entry(draw: st.DrawFn, key: str) -> str:
    header = draw(st.sampled_from(["[[entries]]", "[[ entries ]]", '[["entries"]]',
                                   "  [[entries]]  # the next paper"]))
    eq = draw(st.sampled_from([" = ", "=", "  =\t"]))
    lines = [header, f"key{eq}{toml_string(key)}", f"title{eq}{draw(string_literal())}",
             f"year{eq}{draw(st.integers(1900, 2030))}"]
    for name in draw(st.lists(st.sampled_from(["note", "abstract", "pages", "publisher"]),
                              unique=True, max_size=3)):
        lines.append(f"{name}{eq}{draw(string_literal())}")
    if draw(st.booleans()):
        lines.append(f"alt_titles{eq}{draw(array_literal())}")
    if draw(st.booleans()):
        lines.append(f"provenance.note{eq}{draw(string_literal())}")
    if draw(st.booleans()):
        lines.insert(draw(st.integers(1, len(lines))), draw(comment))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    trailer = draw(st.sampled_from(["", "\n", "\n# between entries\n\n", "\n \t\n"]))
    return newline.join(lines) + newline + trailer


@st.composite
def catalogs(draw: st.DrawFn) -> str:
    count = draw(st.integers(1, 4))
    return HEAD + "".join(draw(hand_entry(f"k{i}")) for i in range(count))


edits = st.sampled_from(["edit", "add", "remove", "edit_title"])
value = st.text(safe_char, min_size=1, max_size=40)


def _valid(text: str) -> bool:
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    return True


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=catalogs(), action=edits, which=st.integers(0, 3), new=value)
def test_any_catalog_text_any_value_edit_and_save_reads_back(tmp_path: Path, text: str,
                                                             action: str, which: int,
                                                             new: str) -> None:
    assume(_valid(text))
    path = tmp_path / "entries.toml"
    path.write_bytes(text.encode("utf-8"))
    loaded = load(path)
    assume(not loaded.problems)
    entries = loaded.catalog.entries
    index = which % len(entries)
    spans = list(loaded.spans)
    if action == "edit":
        entries[index].note = new
    elif action == "edit_title":
        entries[index].title = new if new.strip() else "t"
    elif action == "add":
        entries.insert(index, Entry(key="added", title=new if new.strip() else "t", year=2024,
                                    authors=[Person(family="Doe", given="J")]))
    else:
        del entries[index]
    expected = [(e.key, e.title, e.note) for e in entries]
    save(loaded)
    written = path.read_bytes().decode("utf-8")
    tomllib.loads(written)                                   # always TOML
    again = load(path)
    assert again.problems == []
    assert [(e.key, e.title, e.note) for e in again.catalog.entries] == expected
    # Untouched text stays byte for byte: the head, and every entry not edited.
    assert written.startswith(text[:spans[0].lead_at])
    for i, span in enumerate(spans):
        if action in ("edit", "edit_title", "remove") and i == index:
            continue
        assert text[span.start_at:span.end_at] in written


@settings(max_examples=300, deadline=None)
@given(text=catalogs())
def test_the_fast_and_the_exact_scan_agree_with_tomllib(text: str) -> None:
    assume(_valid(text))
    padded = text if text.endswith("\n") else text + "\n"
    fast, exact = _scan_fast(padded), _scan_exact(padded)
    assert fast == exact
    layout = scan(text)
    headers = [t for t in layout.tables if t.path == ("entries",) and t.array]
    assert len(headers) == len(tomllib.loads(text)["entries"])
    lines = split_lines(text)
    for table in headers:
        assert lines[table.line].strip().startswith("[")


def test_deep_arrays_are_walked_by_the_exact_scan(tmp_path: Path) -> None:
    deep = "[" * 12 + '"]]]"' + "]" * 12
    text = HEAD + f'x_nested = {deep}\n\n[[entries]]\nkey = "a"\ntitle = "A"\nyear = 2020\n'
    with pytest.raises(ScanError):
        _scan_fast(text)
    layout = scan(text)
    assert [t.line for t in layout.tables] == [6]


@settings(max_examples=200, deadline=None)
@given(entry_value=any_text)
def test_rendered_entries_never_hold_a_raw_separator(entry_value: str) -> None:
    entry = Entry(key="k", title="T", year=2020, note=entry_value, abstract=entry_value)
    rendered = render_entry(entry)
    assert not any(ch in rendered for ch in "\u2028\u2029\u0085\r")
    assert len(split_lines(rendered)) == len(rendered.splitlines())


FIELD_NAMES = ["key", "title", "year", "note", "abstract", "pages", "publisher", "alt_titles",
               "provenance", "doi", "entries"]


def _quick_and_exact_agree(text: str) -> int:
    """Each entry's field lines: the quick search, where it answers, says
    what the walk of the table's statements says. Returns how often it answered."""
    loaded = load_text(text)
    answered = 0
    for span in loaded.spans:
        for name in FIELD_NAMES:
            quick = span.quick_field_line(loaded.text, name)
            exact = span.exact_field_line(loaded.text, name)
            assert quick in (None, exact), (name, text[span.start_at:span.end_at])
            assert span.field_line(loaded.text, name) == exact
            answered += quick is not None
    return answered


def load_text(text: str) -> LoadedCatalog:
    return parse_text(text, Path("entries.toml"))


@settings(max_examples=300, deadline=None)
@given(text=catalogs())
def test_a_field_is_found_on_the_line_toml_puts_it(text: str) -> None:
    assume(_valid(text))
    _quick_and_exact_agree(text)


@pytest.mark.parametrize("entry, field_name, line", [
    # a multi-line string holds lines that look like the field
    ('[[entries]]\nkey = "a"\nnote = """\ntitle = 1\n"""\ntitle = "T"\nyear = 2020\n',
     "title", 6),
    ("[[entries]]\nkey = 'a'\nnote = '''\nyear = 1\n'''\ntitle = \"T\"\nyear = 2020\n",
     "year", 7),
    # the field only in a sub-table: not the entry's, so the header's line
    ('[[entries]]\nkey = "a"\ntitle = "T"\nyear = 2020\n[entries.provenance]\nnote = "x"\n',
     "note", 1),
    # an array's items on lines starting with "[" before the field
    ('[[entries]]\nkey = "a"\ntitle = "T"\nyear = 2020\nx_nested = [\n  ["a"],\n]\n'
     'note = "n"\n', "note", 8),
    # quoted, dotted, spaced and escaped keys
    ('[[entries]]\nkey = "a"\n"title" = "T"\nyear = 2020\n', "title", 3),
    ("[[entries]]\nkey = \"a\"\ntitle = \"T\"\nyear = 2020\n  provenance . title = 'x'\n",
     "provenance", 5),
    ('[[entries]]\nkey = "a"\ntitle = "T"\nyear = 2020\n"no\\u0074e" = "n"\n', "note", 5),
    ('[[entries]]\r\nkey = "a"\r\ntitle = "T"\r\n\r\nyear\t= 2020\r\n', "year", 5),
    # no such field: the header's line
    ('[[entries]]\nkey = "a"\ntitle = "T"\nyear = 2020\n', "doi", 1),
    # a longer key that starts with the name is another field
    ('[[entries]]\nkey = "a"\ntitle = "T"\nyear = 2020\nnote_x = 1\nnote = "n"\n', "note", 6),
])
def test_field_lines_where_a_line_search_could_be_fooled(entry: str, field_name: str,
                                                          line: int) -> None:
    text = HEAD + entry
    head_lines = HEAD.count("\n")
    loaded = load_text(text)
    assert loaded.line_of("a", field_name) == head_lines + line
    _quick_and_exact_agree(text)


def test_the_quick_field_search_answers_for_the_bundled_catalog() -> None:
    text = (Path(__file__).parents[1] / "entries.toml").read_text(encoding="utf-8")
    loaded = load_text(text)
    assert _quick_and_exact_agree(text) > 4 * len(loaded.spans)


@pytest.mark.parametrize(("field_name", "value"), [
    ("alt_titles", '["""\n# a comment"""]'), ("alt_titles", "['\'\'\n# a comment\n# more\'\'\']"),
    ("abstract", '"""\n#\n# x"""'), ("abstract", "\'\'\'\n# a\n   # b\'\'\'"),
    ("alt_titles", "[\n  \'\'\'a\n# b\'\'\',\n]")])
def test_a_string_ending_in_a_comment_like_line_is_not_cut_at_it(
        tmp_path: Path, field_name: str, value: str) -> None:
    """A multi-line string whose last line starts with "#" looks like comments
    before the next entry; the quick scan must not end the entry there (the
    tables, read a batch at a time, would not notice)."""
    text = (HEAD + f'[[entries]]\nkey = "k0"\ntitle = "0"\nyear = 1900\n{field_name} = {value}\n'
            '[[entries]]\nkey = "k1"\ntitle = """[[entries]]"""\nyear = 1900\n')
    assert _valid(text)
    path = tmp_path / "entries.toml"
    path.write_text(text, encoding="utf-8")
    loaded = load(path)
    assert not loaded.problems
    first = loaded.spans[0]
    assert tomllib.loads(text[first.start_at:first.end_at])["entries"][0]["key"] == "k0"
    loaded.catalog.entries[0].note = "edited"
    save(loaded)
    again = load(path)
    assert [e.note for e in again.catalog.entries] == ["edited", None]
    assert getattr(again.catalog.entries[0], field_name) == \
        tomllib.loads(text)["entries"][0][field_name]
