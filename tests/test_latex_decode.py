"""LaTeX in BibTeX values decodes to what it prints, losing no word.

The cases are written from what LaTeX prints for each command (the LaTeX
manual's accents and text symbols, url.sty, hyperref's \\href, BibTeX's
ligatures), and a hypothesis property checks that no letter or digit of text
outside macro names is ever dropped, whatever the nesting."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssl_bib.codecs.latex_decode import decode
from ssl_bib.codecs.read_result import TooDeep
from ssl_bib.richtext import plain, tokens


@pytest.mark.parametrize(("latex", "text"), [
    # The lost words.
    (r"Deep learning for \mbox{MRI} reconstruction", "Deep learning for MRI reconstruction"),
    (r"\texttt{nnU-Net} \textup{up} \textsf{sans} \textrm{roman} \textnormal{n}",
     "nnU-Net up sans roman n"),
    (r"\LaTeX\ and \TeX{} and \BibTeX is", "LaTeX and TeX and BibTeX is"),
    (r"a tilde \~{} and a caret \^{}", "a tilde ~ and a caret ^"),
    (r"\textasciicircum{} \textasciitilde{} {\textasciicircum}", "^ ~ ^"),
    (r"see \href{https://example.org}{the text}", "see the text"),
    (r"\href{https://example.org/x}{}", "https://example.org/x"),
    (r"\url{https://x.org/a_b%20c}", "https://x.org/a_b%20c"),
    (r"\url{https://x.org/a\_b\%20c}", "https://x.org/a_b%20c"),
    (r"\url{https://x.org} and \verb|a b| then", "https://x.org and a b then"),
    # Unknown macros print nothing themselves; their arguments are text.
    (r"\zzunknown{kept} \foo[opt]{a}{b}", "kept [opt]ab"),
    (r"\cite{smith2020} and \ref{fig1}", "smith2020 and fig1"),
    # Accents compose; empty ones are the character; dotless i takes them.
    (r"{\'e}t{\'e} \"{u}ber \c{c}a \v{s} \H{o} \k{a} \r{a} \u{g} \=a \.z \d{s}",
     "été über ça š ő ą å ğ ā ż ṣ"),
    (r"\'\i \"{\i} \^{\j}", "íï ĵ"),  # TeX takes the space after \i
    (r"\c c \v s", "ç š"),
    # Symbols and letters, and TeX's space after a letter macro.
    (r"Stra\ss e \o \O \ae \AE \l \L \aa", "Straße øØæÆłŁå"),
    (r"\S 3, \P, \copyright, \dag, \pounds", "§ 3, ¶, ©, †, £"),
    (r"\& \% \$ \# \_ \{ \}", "& % $ # _ { }"),
    (r"\textbackslash{} \textbraceleft{} \textless\textgreater", "\\ { <>"),
    # Ligatures, the same whatever else the value holds.
    ("en -- em --- ``quoted'' ?` !`", "en – em — “quoted” ¿ ¡"),
    (r"en -- em --- ``quoted'' with \emph{x}", "en – em — “quoted” with x"),
    ("two -{}- hyphens", "two -- hyphens"),
    ("a~tie", "a tie"),
    ("50% faster", "50% faster"),
    # Formatting switches and case changes.
    (r"{\em emph} {\bf bold} {\itshape it} {\scshape sc}", "emph bold it sc"),
    (r"\MakeUppercase{abc} \MakeLowercase{DEF}", "ABC def"),
    (r"\textcolor{red}{red text} \hspace{1em}x \label{l}", "red text x"),
    (r"\begin{itemize}\item one\end{itemize}", "one"),
    # Math: Unicode where it has one (outside titles), else kept as math.
    (r"Cu$_2$O and $\alpha$-helix", "Cu₂O and α-helix"),
    (r"$\frac{a}{b}$ and \(x^2\)", r"$\frac{a}{b}$ and x²"),
    (r"\ensuremath{\alpha} {\ensuremath{\times}}", "α ×"),
    ("costs $5", "costs $5"),
    # Unbalanced input is read, not refused.
    ("unclosed {brace", "unclosed brace"),
    ("extra } brace", "extra brace"),
    ("trailing \\", "trailing \\"),
])
def test_decodes_to_what_latex_prints(latex: str, text: str) -> None:
    assert decode(latex) == text


@pytest.mark.parametrize(("latex", "rich"), [
    (r"\emph{E. coli} in \textbf{bold} and \textsc{Sc}",
     '<i>E. coli</i> in <b>bold</b> and <span style="font-variant:small-caps;">Sc</span>'),
    (r"{\em it} {\bf b}", "<i>it</i> <b>b</b>"),
    (r"H\textsubscript{2}O and x\textsuperscript{2}", "H<sub>2</sub>O and x<sup>2</sup>"),
    (r"Cu$_2$O and $\alpha$-helix", r"Cu$_2$O and $\alpha$-helix"),
    (r"\NoCaseChange{iPhone}", '<span class="nocase">iPhone</span>'),
    (r"\emph{}empty", "empty"),
    # Our own BibTeX's symbols are characters again, never math.
    (r"{\ensuremath{\alpha}} x{\ensuremath{^{4}}}", "α x⁴"),
])
def test_titles_keep_formatting_and_math(latex: str, rich: str) -> None:
    assert decode(latex, rich=True) == rich


def test_braces_too_deep_are_refused_not_recursed() -> None:
    with pytest.raises(TooDeep):
        decode("{" * 200 + "x" + "}" * 200)
    assert decode(r"\begin{a}" * 3000 + "x" + r"\end{a}" * 3000) == "x"


# -- the property: no letter or digit of text is lost ----------------------------

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
                min_size=1, max_size=8)
_TEXT_MACROS = ["emph", "textit", "textbf", "textsc", "texttt", "textup", "textsf", "mbox",
                "textrm", "textnormal", "underline", "NoCaseChange", "textsuperscript",
                "textsubscript", "MakeUppercase", "enquote"]
_SYMBOLS = [r"\ss{}", r"\o ", r"\ae{}", r"\LaTeX{}", r"\TeX\ ", r"\&", r"\%", r"\$", r"\#", r"\_",
            "--", "---", "``", "''", "~", r"\ldots{}", r"\textasciicircum{}", r"\~{}",
            r"\alpha{}", " ", "%", "-", "'", "?", "!"]
_ACCENTS = ["'", "`", "^", '"', "~", "=", ".", "c ", "v ", "H ", "u ", "r ", "k ", "d "]


def _pieces(children: st.SearchStrategy[tuple[str, str]]) -> st.SearchStrategy[tuple[str, str]]:
    """(LaTeX, the letters and digits of text in it) for one piece."""
    return st.one_of(
        _WORD.map(lambda w: (w, w)),
        st.sampled_from(_SYMBOLS).map(lambda s: (s, "")),
        st.tuples(st.sampled_from(_ACCENTS), st.sampled_from("aeiouncsgzAEO")).map(
            lambda a: (f"\\{a[0]}{{{a[1]}}}", a[1])),
        st.tuples(st.sampled_from(_TEXT_MACROS), children).map(
            lambda m: (f"\\{m[0]}{{{m[1][0]}}}", m[1][1])),
        # Unknown macros (no known name starts with "zq"), with 1-2 arguments.
        st.tuples(_WORD, children, st.lists(children, max_size=1)).map(
            lambda m: ("\\zq" + m[0].lower() + "{" + m[1][0] + "}"
                       + "".join("{" + c[0] + "}" for c in m[2]),
                       m[1][1] + "".join(c[1] for c in m[2]))),
        children.map(lambda c: ("{" + c[0] + "}", c[1])),
        st.tuples(_WORD, st.sampled_from(["_", "^"]), _WORD).map(
            lambda m: (f"${m[0]}{m[1]}{{{m[2]}}}$", m[0] + m[2])),
        _WORD.map(lambda w: (f"\\url{{{w}}}", w)),
    )


_LATEX = st.recursive(
    _WORD.map(lambda w: (w, w)),
    lambda children: st.lists(_pieces(children), min_size=1, max_size=6).map(
        lambda parts: ("".join(p[0] for p in parts), "".join(p[1] for p in parts))),
    max_leaves=25)


def _letters(text: str) -> str:
    """The ASCII letters and digits of text, accents and scripts decomposed."""
    folded = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())


def _is_subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(ch in it for ch in needle)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_LATEX, st.booleans())
def test_decoding_never_drops_a_letter_or_digit(case: tuple[str, str], rich: bool) -> None:
    latex, expected = case
    decoded = decode(latex, rich=rich)
    got = _letters(plain(decoded))
    assert _is_subsequence(expected.lower(), got.lower()), (latex, decoded)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("\\{}$~%-`'?!^_ ab<>/i")) | st.characters(),
               max_size=200), st.booleans())
def test_any_text_decodes(text: str, rich: bool) -> None:
    """Whatever the value holds, decoding gives one line of text (or refuses
    braces nested too deep), and a title's tags come in pairs."""
    try:
        decoded = decode(text, rich=rich)
    except TooDeep:
        return
    assert decoded == " ".join(decoded.split())
    if rich and "<" not in text:  # every tag is then the decoder's own
        assert all(t.kind != "text" or "<" not in t.value for t in tokens(decoded))
