"""codecs/latex_symbols.py, the written-out symbol table of pylatexenc that
the BibTeX reader decodes symbol macros with, is pylatexenc's live table
(remake it with tools/make_latex_symbols.py when this fails), and reading a
symbol macro no longer builds pylatexenc's context database."""

from __future__ import annotations

import subprocess
import sys

from ssl_bib.codecs.latex_decode import (
    _TEXT_SYMBOLS,
    decode,
    live_pylatexenc_symbols,
    symbols,
)
from ssl_bib.codecs.latex_symbols import PYLATEXENC_SYMBOLS


def test_the_written_table_is_pylatexencs_live_table_in_its_order() -> None:
    live = live_pylatexenc_symbols()
    assert list(PYLATEXENC_SYMBOLS.items()) == list(live.items())
    assert len(live) > 800


def test_our_own_letters_win_over_pylatexencs_look_alikes() -> None:
    table = symbols()
    assert table == {**live_pylatexenc_symbols(), **_TEXT_SYMBOLS}
    assert table["textasciicircum"] == "^" and table["ss"] == "\u00df"


def test_symbol_macros_decode_without_pylatexencs_database() -> None:
    code = ("import sys\nfrom ssl_bib.codecs.latex_decode import decode\n"
            "assert decode('it\\\\textquoteright{}s \\\\LaTeX\\\\ \\\\S 3') == "
            "'it\u2019s LaTeX \u00a7 3'\n"
            "assert 'pylatexenc.latex2text._defaultspecs' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)
    assert decode("Stra\\ss e \\textemdash{} \\copyright") == "Stra\u00dfe \u2014 \u00a9"
