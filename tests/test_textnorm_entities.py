"""normalize_title unescapes HTML references only when a title may hold one
(textnorm.may_hold_entity): "H&E" and "R&D" no longer load the html module,
and every title still normalises as html.unescape would make it."""

from __future__ import annotations

import html
import subprocess
import sys
from html.entities import html5

from hypothesis import given, settings
from hypothesis import strategies as st

from ssl_bib import textnorm
from ssl_bib.textnorm import may_hold_entity, normalize_title

# Text made of the pieces references are made of: ampersands, hashes,
# semicolons, digits, hex letters, entity names with and without ";", the
# characters that end a reference's name, and plain words; and references
# built from HTML's own names (every 7th of them, and each bare one), closed
# by ";" or not.
_NAMES = sorted({name.rstrip(";") for name in html5})
_REFERENCES = st.builds(lambda name, end: f"&{name}{end}",
                        st.sampled_from(_NAMES[::7] + sorted(textnorm._BARE_ENTITIES)),
                        st.sampled_from(["", ";", "x", "s;", " "]))
_PIECES = st.sampled_from([
    "&", "#", ";", "x", "X", "1", "39", "a", "F", " ", "\t", "\n", "<", "E", "D", "R",
    "amp", "AMP", "copy", "eacute", "Eacute", "not", "notin", "lt", "gt", "nbsp", "frac12",
    "sup", "Dagger", "hellip", "right", "H", "&#", "&#39", "&#x2", "&#X", "é", "ß",
]) | _REFERENCES
_TEXTS = st.lists(_PIECES, max_size=12).map("".join)


def test_the_bare_names_are_html_entities_names_without_a_semicolon() -> None:
    assert {name for name in html5 if not name.endswith(";")} == textnorm._BARE_ENTITIES


def test_the_reference_pattern_is_html_unescapes_own() -> None:
    assert html._charref.pattern == textnorm._CHARREF  # type: ignore[attr-defined]


@settings(max_examples=3000, deadline=None)
@given(_TEXTS)
def test_a_text_said_to_hold_no_reference_is_left_as_it_is_by_unescape(text: str) -> None:
    # So skipping unescape for it changes nothing normalize_title returns.
    assert may_hold_entity(text) or html.unescape(text) == text


def test_known_cases() -> None:
    assert not may_hold_entity("DeepSMILE: ... MSI and HRD ... from H&E whole-slide images")
    assert not may_hold_entity("R&D & A&B")
    assert may_hold_entity("Tom &amp; Jerry") and may_hold_entity("&copyright")
    assert may_hold_entity("it&#39;s") and may_hold_entity("&#x27;")
    assert may_hold_entity("&hellip;") and not may_hold_entity("&hellip")
    assert may_hold_entity("it&#39s") and may_hold_entity("&#x27") and not may_hold_entity("&#")
    assert normalize_title("Tom &amp; Jerry") == "tom jerry"
    assert normalize_title("Caf&eacute;") == "cafe"


def test_a_title_with_an_ampersand_but_no_reference_loads_no_html() -> None:
    code = ("import sys\nfrom ssl_bib.textnorm import normalize_title\n"
            "assert normalize_title('Stain H&E images, R&D') == 'stain h e images r d'\n"
            "assert 'html' not in sys.modules\n"
            "assert normalize_title('A &lt; B') == 'a b'\n"
            "assert 'html' in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)
