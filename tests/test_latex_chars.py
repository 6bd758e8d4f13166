"""The BibTeX export's LaTeX for non-ASCII characters comes from a table
(codecs.latex_chars) that tools/make_latex_chars.py makes with the live rule
(pylatexenc's encoder, ssl-bib's filters, pylatexenc's decoder as the judge).
These tests recompute the table live, so it can never drift from the rule or
from the installed pylatexenc, and show that the export loads no pylatexenc."""

from __future__ import annotations

from pathlib import Path

import pytest
from pylatexenc.latexencode import get_builtin_uni2latex_dict

from ssl_bib.codecs.latex import _encoder, latex_for_char, live_latex_for_char
from ssl_bib.codecs.latex_chars import LATEX_FOR_CHAR
from tests.cli_helpers import modules_loaded
from tools import make_latex_chars

ROOT = Path(__file__).resolve().parents[1]


def test_the_table_file_is_what_the_generator_writes_now() -> None:
    # render() recomputes every form live: a change to the rule, its tables
    # or pylatexenc that alters one form fails here until the file is remade.
    assert make_latex_chars.TARGET.read_text(encoding="utf-8") == make_latex_chars.render(), \
        "run: python tools/make_latex_chars.py"


def test_every_table_entry_is_the_live_form() -> None:
    wrong = {ch: (latex, live_latex_for_char(ch)) for ch, latex in LATEX_FOR_CHAR.items()
             if live_latex_for_char(ch) != latex}
    assert not wrong
    assert all(latex != ch and latex.isascii() for ch, latex in LATEX_FOR_CHAR.items())


def test_every_character_pylatexenc_encodes_is_tabled_or_kept_live_too() -> None:
    # The characters the table leaves out that pylatexenc does encode: the
    # live rule keeps them as UTF-8 as well (Cyrillic, \Alpha, amssymb...).
    encoded = [chr(cp) for cp in get_builtin_uni2latex_dict() if cp > 0x7F]
    kept = [ch for ch in encoded if ch not in LATEX_FOR_CHAR]
    assert len(kept) > 100 and "Ж" in kept and "ς" in kept
    assert [ch for ch in kept if live_latex_for_char(ch) != ch] == []
    assert all(latex_for_char(ch) == live_latex_for_char(ch) for ch in encoded)


def test_the_encoder_knows_no_character_beyond_its_one_dictionary() -> None:
    # Why the table can be complete: the encoder the live rule uses converts
    # by pylatexenc's default rules, which are one dictionary (walked whole
    # by the generator); any other character it keeps as it is.
    from pylatexenc.latexencode import RULE_DICT, get_builtin_conversion_rules

    assert _encoder().conversion_rules == ["defaults"]
    (rule,) = get_builtin_conversion_rules("defaults")
    assert rule.rule_type == RULE_DICT
    assert dict(rule.rule) == dict(get_builtin_uni2latex_dict())


def _non_ascii(stop: int) -> list[str]:
    return [chr(cp) for cp in range(0x80, stop) if not 0xD800 <= cp < 0xE000]


def test_every_character_of_the_basic_plane_agrees_with_the_live_rule() -> None:
    wrong = [ch for ch in _non_ascii(0x10000) if latex_for_char(ch) != live_latex_for_char(ch)]
    assert wrong == []


@pytest.mark.slow
def test_every_character_of_unicode_agrees_with_the_live_rule() -> None:
    wrong = [ch for ch in _non_ascii(0x110000)
             if latex_for_char(ch) != live_latex_for_char(ch)]
    assert wrong == []


def test_the_bibtex_export_loads_no_pylatexenc(tmp_path: Path) -> None:
    catalog = tmp_path / "entries.toml"
    catalog.write_text('schema = 1\n\n[[entries]]\nkey = "mullerSegmentation2020"\n'
                       'title = "Ségmentation of µCT scans — α and ≤ × Ж"\nyear = 2020\n'
                       'authors = ["Müller, Jürgen", "Øster, Åsa", "Dvořák, Ļena"]\n',
                       encoding="utf-8")
    loaded, out = modules_loaded("--catalog", str(catalog), "export", "-f", "bibtex")
    assert "ssl_bib.codecs.latex_chars" in loaded
    assert not ({m for m in loaded if m.startswith("pylatexenc")} | ({"logging"} & loaded))
    # µ and Ж have no LaTeX every consumer reads: UTF-8, as the live rule says.
    assert (r"S{\'e}gmentation of {µCT} scans {---} {\ensuremath{\alpha}} "
            r"and {\ensuremath{\leq}} {\ensuremath{\times}} {Ж}") in out
    assert r"M{\"u}ller, J{\"u}rgen and {\O}ster, {\r{A}}sa and Dvo{\v{r}}{\'a}k, {\c{L}}ena" \
        in out
