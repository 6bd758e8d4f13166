"""LaTeX escaping for BibTeX: specials, injections, ligatures, case protection."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssl_bib.codecs.latex import decode, escape, is_balanced, latex_for_char, protect_title


@pytest.mark.parametrize(("text", "latex"), [
    ("a & b", r"a \& b"),
    ("100%", r"100\%"),
    ("$5 #1 a_b", r"\$5 \#1 a\_b"),
    ("~^", r"\textasciitilde{}\textasciicircum{}"),
    (r"\input{/etc/passwd}", r"\textbackslash{}input\{/etc/passwd\}"),
    (r"\write18{rm -rf /}", r"\textbackslash{}write18\{rm -rf /\}"),
    ("a } b {", r"a {\textbraceright} b {\textbraceleft}"),
    ("a--b", "a-{}-b"),
    ("a---b", "a-{}-{}-b"),
    ("``q''", "`{}`q'{}'"),
    ("?`!`", "?{}`!{}`"),
])
def test_escape(text: str, latex: str) -> None:
    assert escape(text) == latex
    assert decode(latex) == text
    assert is_balanced(latex)


@pytest.mark.parametrize(("char", "latex"), [
    ("é", r"{\'e}"), ("Á", r"{\'A}"), ("í", r"{\'i}"), ("ß", r"{\ss}"), ("ø", r"{\o}"),
    ("–", "{--}"), ("—", "{---}"), ("α", r"{\ensuremath{\alpha}}"), ("£", r"{\textsterling}"),
    # pylatexenc writes \texttimes, \texttwosuperior is read by pandoc as a
    # superscript 2, \textellipsis and \textrightarrow pandoc drops.
    ("×", r"{\ensuremath{\times}}"), ("²", r"{\texttwosuperior}"), ("…", r"{\ldots}"),
    ("→", r"{\ensuremath{\rightarrow}}"), ("ı", r"{\i}"),
    # No LaTeX that pandoc reads back (\CYRZH) or that a plain LaTeX run knows
    # (\Alpha, amssymb's \nexists): these stay UTF-8.
    ("Ж", "Ж"), ("中", "中"), ("😀", "😀"), ("ﬁ", "ﬁ"), ("Α", "Α"), ("∄", "∄"), ("≨", "≨"),
    ("ς", "ς"),
    # Super- and subscripts no text macro prints: math, which LaTeX and pandoc
    # raise or lower (pylatexenc prints "^1").
    ("¹", r"{\ensuremath{^{1}}}"), ("⁴", r"{\ensuremath{^{4}}}"), ("₂", r"{\ensuremath{_{2}}}"),
    ("ⁿ", r"{\ensuremath{^{n}}}"), ("₊", r"{\ensuremath{_{+}}}"),
])
def test_non_ascii(char: str, latex: str) -> None:
    assert latex_for_char(char) == latex
    assert escape(char, ascii_only=False) == char


@pytest.mark.parametrize(("title", "latex"), [
    ("Models Genesis: Generic Autodidactic Models for 3D Medical Image Analysis",
     "Models {Genesis}: {Generic Autodidactic Models} for {3D Medical Image Analysis}"),
    ("COVID-19 infection", "{COVID-19} infection"),
    ("3D self-supervised methods", "{3D} self-supervised methods"),
    ("mixup for MRI?", "{mixup} for {MRI}?"),
    ("A study", "A study"),
    ("Über alles", r"{\"U}ber alles"),
    (r"\input{x} now", r"{{\textbackslash{}input\{x\}}} now"),
])
def test_protect_title(title: str, latex: str) -> None:
    assert protect_title(title) == latex
    assert decode(latex) == title


@pytest.mark.parametrize(("text", "balanced"), [
    ("", True), ("{a}", True), ("{{a}{b}}", True), ("{", False), ("}{", False),
    (r"\{", False), ("a}", False),
])
def test_is_balanced_counts_like_bibtex(text: str, balanced: bool) -> None:
    assert is_balanced(text) is balanced


def _depth_walk(text: str) -> bool:
    """BibTeX's count, brace by brace: the depth never below zero, zero at the end."""
    depth = 0
    for ch in text:
        if ch in "{}":
            depth += 1 if ch == "{" else -1
            if depth < 0:
                return False
    return depth == 0


@settings(max_examples=2000, deadline=None)
@given(st.text(st.sampled_from("{}{}{}a\\ é中😀\ud800\u00fb\u207d"), max_size=24))
def test_is_balanced_agrees_with_the_depth_walk(text: str) -> None:
    # Any text: non-ASCII letters and a lone surrogate beside the braces.
    assert is_balanced(text) is _depth_walk(text)


def test_paper_titles_pass_by_the_cache_kept_for_container_titles() -> None:
    # A title is protected once an export; container titles and series recur.
    from ssl_bib.codecs.latex import _protect_title, latex_title

    _protect_title.cache_clear()
    assert latex_title("Models Genesis for MRI") == "Models {Genesis} for {MRI}"
    assert latex_title("A Über-Study of CT") == 'A {{\\"U}ber-Study} of {CT}'
    assert _protect_title.cache_info().currsize == 0
    for _ in range(3):
        assert protect_title("Medical Image Analysis") == "Medical {Image Analysis}"
    assert _protect_title.cache_info().hits == 2
