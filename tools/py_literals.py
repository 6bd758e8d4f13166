"""What the table generators in tools/ share: a Python string literal that
stays printable ASCII whatever the text holds, so a generated module reads
the same in any editor and diff."""

from __future__ import annotations


def ascii_literal(text: str) -> str:
    """`text` as a double-quoted Python literal: printable ASCII as it is,
    a quote or backslash escaped, every other character as \\uXXXX or
    \\UXXXXXXXX."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif " " <= ch <= "~":
            out.append(ch)
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'
