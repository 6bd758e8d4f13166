"""No input can make a reader hang: every regular expression that sees input
is linear. Inputs of 20-100 KB built to make a backtracking pattern blow up
(long runs of one character, repeated delimiters, brackets that never close)
must each be read within a generous bound; before, a 5 KB venue-list line
took over 90 s and a 40 KB link cell 56 s (cubic and quadratic patterns).

The bound is enforced with SIGALRM, which interrupts a running regular
expression, so a regression fails here instead of hanging the suite."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssl_bib import importer, richtext
from ssl_bib.adding.venues import plain_name
from ssl_bib.codecs import registry
from ssl_bib.codecs.latex import escape, latex_title, protect_title
from ssl_bib.codecs.readme.venues import split_name_abbr
from ssl_bib.crossref.fields import clean_text
from ssl_bib.dedup import main_title
from ssl_bib.identifiers import encode_url, ids_from_url, is_doi, is_url, normalize_doi
from ssl_bib.model import Catalog
from ssl_bib.problems import InputError
from ssl_bib.select import YearRange
from ssl_bib.store import parse_text
from ssl_bib.textnorm import normalize_title

BOUND = 10.0  # seconds per input: linear code reads 100 KB in well under one
N = 100_000
TABLE = ("## 2020\n\n| Paper title | Journal/Conference | Category | Paper link | Code link |\n"
         "| --- | --- | --- | --- | --- |\n")
VENUES = "## List of Journals / Conferences (J/C):\n\n"


class TooSlow(Exception):
    pass


@contextmanager
def within(seconds: float) -> Iterator[None]:
    def expire(*_: object) -> None:
        raise TooSlow(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


ADVERSARIAL: dict[str, tuple[str, str]] = {
    # The README reader: the venue list, table cells, bullets, headings.
    "venue line of spaces": ("markdown", VENUES + "- ** " + " " * N + "x\n"),
    "venue line of words": ("markdown", VENUES + "- **" + "a " * (N // 2) + "\n"),
    "venue name, spaces, (abbr)": ("markdown", VENUES + "- **a" + " " * N + "(b)x**\n"),
    "venue name of '(' ": ("markdown", VENUES + "- **" + "a (" * (N // 3) + "**\n"),
    "venue link never closed": ("markdown", VENUES + "- **[" + "a" * N + "\n"),
    "venue url of escapes": ("markdown", VENUES + "- **[a](" + "\\)" * (N // 2) + "\n"),
    "link cell of '['": ("markdown", TABLE + "| T | V | C | " + "[" * N + " | x |\n"),
    "link cell of '[a]('": ("markdown", TABLE + "| T | V | C | x | " + "[a](" * (N // 4) + " |\n"),
    "link cell of ']('": ("markdown", TABLE + "| T | V | C | x | [" + "](" * (N // 2) + " |\n"),
    "link url of '(a'": ("markdown", TABLE + "| T | V | C | x | [a](" + "(a" * (N // 2) + " |\n"),
    "code cell of '<br '": ("markdown", TABLE + "| T | V | C | x | " + "<br " * (N // 4) + "|\n"),
    "row of pipes": ("markdown", TABLE + "|" * N + "\n"),
    "row of escaped pipes": ("markdown", TABLE + "| " + "\\|" * (N // 2) + "\n"),
    "bullet of '['": ("markdown", "## 2020\n- [" + "[" * N + "\n"),
    "bullet of '[a]'": ("markdown", "## 2020\n- [" + "[a]" * (N // 3) + "\n"),
    "bullet code of '[['": ("markdown", "## 2020\n- [T](u) " + "[[" * (N // 2) + "\n"),
    "bullet of emoji": ("markdown", "## 2020\n- " + ":a:" * (N // 3) + "\n"),
    "bullet venue of spaces": ("markdown", "## 2020\n- [T](u) a" + " " * N + "b 2020\n"),
    "category of '_'": ("markdown", "## 2020\n_" + "a" * N + "\n"),
    "stray link": ("markdown", "## 2020\n[" + "a" * N + "](" + "b" * N + "\n"),
    "heading of spaces": ("markdown", "#" + " " * N + "x\n"),
    "blank lines": ("markdown", "\n" * N),
    # BibTeX: bibtexparser's splitter, pylatexenc, our mapping.
    "bib '@a{' run": ("bibtex", "@a{" * (N // 3)),
    "bib open braces": ("bibtex", "@article{a, title={" + "{" * N),
    "bib quotes": ("bibtex", '@article{a, title="' + '"' * N),
    "bib backslashes": ("bibtex", "@article{a, title={" + "\\" * N + "}, year=2020}"),
    "bib dollars": ("bibtex", "@article{a, title={" + "$" * (N // 5) + "}, year=2020}"),
    "bib accents": ("bibtex", "@article{a, title={" + "\\'e" * (N // 15) + "}, year=2020}"),
    "bib names of 'and'": ("bibtex", "@article{a, title={T}, author={" + "a and " * (N // 6)
                           + "}, year=2020}"),
    "bib names of commas": ("bibtex", "@article{a, title={T}, author={" + "," * N + "}}"),
    "bib fields": ("bibtex", "@article{a, " + "x=1," * (N // 4) + "title={T}}"),
    "bib '@' in a value": ("bibtex", "@article{a, title={" + "a@" * (N // 2) + "}, year=2020}"),
    "bib doi of '/'": ("bibtex", "@article{a, title={T}, doi={10.1234/" + "/" * N + "}}"),
    # The LaTeX decoder and the title's rich text: searches that fail must
    # not be repeated from every later position.
    "bib '$a ' in a title": ("bibtex", "@article{a, title={" + "$a " * (N // 3) + "}}"),
    "bib '$\\$' in a title": ("bibtex", "@article{a, title={$" + "\\$" * (N // 2) + "}}"),
    "bib '\\hspace[' run": ("bibtex", "@article{a, title={" + "\\hspace[" * (N // 8) + "}}"),
    "bib '\\href{' run": ("bibtex", "@article{a, title={x}, note={" + "\\href{" * (N // 6)
                            + "}}"),
    "bib '\\url{' run": ("bibtex", "@article{a, title={x}, note={" + "\\url{a}" * (N // 7)
                           + "}}"),
    "bib '\\emph' run": ("bibtex", "@article{a, title={" + "\\emph " * (N // 6) + "x}}"),
    "bib '#' concatenation": ("bibtex", "@string{m = {M}}\n@article{a, title = "
                              + "m # " * (N // 4) + "m}"),
    "biblatex extended names": ("bibtex", "@article{a, title={T}, author={"
                                + "family=a, " * (N // 10) + "given=b}}"),
    "ris loose tags": ("ris", "TY - JOUR\n" + "AU - a\n" * (N // 7) + "ER - \n"),
    "csl title of '<i>'": ("csljson", '[{"title": "' + "<i>" * (N // 3) + '"}]'),
    "csl title of '$a '": ("csljson", '[{"title": "' + "$a " * (N // 3) + '"}]'),
    "csl date of spaces": ("csljson", '[{"title": "T", "issued": {"raw": "'
                           + " " * N + '2020"}}]'),
    # RIS and CSL-JSON.
    "ris TY lines": ("ris", "TY  - JOUR\n" * (N // 11)),
    "ris long value": ("ris", "TY  - JOUR\nTI  - " + " - " * (N // 3) + "\nER  - \n"),
    "ris url": ("ris", "TY  - JOUR\nTI  - T\nUR  - https://arxiv.org/abs/" + "/" * N
                + "\nER  - \n"),
    "json brackets": ("csljson", "[" * N),
    "json escapes": ("csljson", '["' + '\\"' * (N // 2)),
    "json surrogate escapes": ("csljson", '[{"title": "' + "\\ud800" * (N // 6) + '"}]'),
    "json items": ("csljson", "[" + '{"title": "x"},' * (N // 15) + "]"),
}


@pytest.mark.parametrize("case", list(ADVERSARIAL))
def test_reader_is_linear_on_adversarial_input(case: str) -> None:
    fmt, text = ADVERSARIAL[case]
    start = time.perf_counter()
    with within(BOUND):
        registry.read(text, "adversarial", fmt)
    assert time.perf_counter() - start < BOUND


def test_format_detection_is_linear() -> None:
    with within(BOUND):
        for text in ("\n" * 20_000 + "x", " " * 5000 + "\n" * 5000, "@" * N):
            with suppress(InputError):
                registry.detect(Path("input.txt"), text)


CALLS: dict[str, Callable[[], object]] = {
    "normalize_title of '<'": lambda: normalize_title("<" * N),
    "normalize_title of '\\a '": lambda: normalize_title("\\a" + " " * N),
    "crossref markup of '<i'": lambda: clean_text("<i" * (N // 2)),
    "ids_from_url of '/'": lambda: ids_from_url("https://arxiv.org/abs/" + "/" * N + "x"),
    "springer link": lambda: ids_from_url("https://link.springer.com/chapter/10.1007/"
                                          + "/" * N),
    "normalize_doi": lambda: normalize_doi("https://doi.org/10.1234/" + "%2F" * (N // 3)),
    "is_doi": lambda: is_doi("10.1234/" + "a" * N + " "),
    "is_url": lambda: is_url("https://" + "a" * N + " "),
    "encode_url": lambda: encode_url("https://x.org/" + "%#\\{" * (N // 4)),
    "split_name_abbr": lambda: split_name_abbr("a" + " (" * (N // 2) + ")"),
    "main_title": lambda: main_title("a " * (N // 2)),
    "escape": lambda: escape("-`'?!{}" * (N // 7)),
    "escape of marks": lambda: escape("x\u0303\u0301" * (N // 3)),
    "latex_title of '$a '": lambda: latex_title("$a " * (N // 3)),
    "latex_title of '<i>x</i>'": lambda: latex_title("<i>x</i> " * (N // 9)),
    "richtext of '$'": lambda: richtext.to_csl("$" * N),
    "math of '{'": lambda: richtext.math_to_unicode("{" * N),
    "math of '^'": lambda: richtext.math_to_unicode("^" * N),
    "protect_title": lambda: protect_title("A " * (N // 2)),
    "protect_title of one word": lambda: protect_title("A" * N),
    "protect_title of punctuation": lambda: protect_title("a " + "A." * (N // 2) + "a"),
    "protect_title of a word ending in punctuation": lambda: protect_title("A" + "." * N),
    "protect_title of capitals then a plain word": lambda: protect_title("Ab " * (N // 3) + "a"),
    "encode_url of a plain link": lambda: encode_url("https://x.org/" + "a%20" * (N // 4) + "{"),
    "catalog table header": lambda: parse_text("[" + " " * N + "x\n", Path("entries.toml")),
    "catalog key of spaces": lambda: parse_text("schema = 1\nnote" + " " * N + "= 1\n",
                                                Path("entries.toml")),
    "venue name of spaces (add)": lambda: plain_name("Medical" + " " * N + "x - Y"),
    "--year of spaces": lambda: YearRange.parse(" " * N + "x"),
    "venue name of spaces (import)": lambda: importer.VenueMap(Catalog()).resolve(
        "Medical" + " " * N + "x (MLHC" + " " * N + "x)", None, False),
}


def test_a_biblatex_control_file_is_read_in_linear_time(tmp_path: Path) -> None:
    from ssl_bib.auxfile import read_citations

    bcf = tmp_path / "doc.bcf"
    bcf.write_text('<?xml version="1.0"?>\n<bcf:controlfile xmlns:bcf="https://x.org/bcf">'
                   "<x>" + "citekey" * (N // 2) + "</x>\n<bcf:citekey>k</bcf:citekey>\n"
                   "</bcf:controlfile>\n", encoding="utf-8")
    with within(BOUND):
        assert list(read_citations(bcf).keys) == ["k"]


@pytest.mark.parametrize("case", list(CALLS))
def test_every_pattern_on_input_is_linear(case: str) -> None:
    # Malformed input is an error (InputError, ValueError); only the time matters here.
    with within(BOUND), suppress(InputError, ValueError):
        CALLS[case]()


PREFIXES = {
    "markdown": [VENUES + "- **", VENUES + "- **[", TABLE + "| T | V | C | ",
                 "## 2020\n- [", "## 2020\n- [T](u) "],
    "bibtex": ["@article{a, title={", "@article{a, author={", "@", "@string{m = "],
    "ris": ["TY  - JOUR\n", "TY  - JOUR\nTI  - "],
    "csljson": ["[", '[{"title": "', '[{"a": '],
}
UNITS = "[](){}<>|*_#-:`\\!~@\",=%$^& \n\t'a1"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fmt=st.sampled_from(list(PREFIXES)), data=st.data())
def test_fuzz_repeated_units_stay_linear(fmt: str, data: st.DataObject) -> None:
    """A prefix that puts the reader into a state, then one short unit of
    special characters repeated to 30 KB: the shape that makes a
    backtracking pattern explode."""
    prefix = data.draw(st.sampled_from(PREFIXES[fmt]))
    unit = data.draw(st.text(alphabet=UNITS, min_size=1, max_size=4))
    text = prefix + unit * (30_000 // len(unit))
    with within(BOUND):
        registry.read(text, "adversarial", fmt)
