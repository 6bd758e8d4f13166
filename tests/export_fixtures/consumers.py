"""The real consumers, driven the way users drive them, and read-back helpers."""

from __future__ import annotations

import json
import subprocess
import warnings
from functools import lru_cache
from typing import Any

from ssl_bib.codecs.latex import decode


def bibtexparser_entries(text: str) -> dict[str, dict[str, str]]:
    """bibtexparser 2's view: key -> {field: raw value without the outer braces}."""
    import bibtexparser

    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    result = {}
    for entry in library.entries:
        fields = {f.key: f.value for f in entry.fields}
        fields["ENTRYTYPE"] = entry.entry_type
        result[entry.key] = fields
    return result


def pybtex_entries(text: str) -> Any:
    """pybtex in strict mode: any warning is an error."""
    import pybtex.errors
    from pybtex.database import parse_string

    pybtex.errors.set_strict_mode(True)
    try:
        return parse_string(text, "bibtex").entries
    finally:
        pybtex.errors.set_strict_mode(False)


def split_names(value: str) -> list[str]:
    """Split a BibTeX name list on " and " at brace depth 0, as BibTeX does."""
    names, depth, start, i = [], 0, 0, 0
    lower = value.lower()
    while i < len(value):
        ch = value[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and lower.startswith(" and ", i):
            names.append(value[start:i])
            i += 5
            start = i
            continue
        i += 1
    names.append(value[start:])
    return names


def split_top_comma(name: str) -> tuple[str, str]:
    depth = 0
    for i, ch in enumerate(name):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0:
            return name[:i].strip(), name[i + 1:].strip()
    return name.strip(), ""


def decoded_names(value: str) -> list[tuple[str, str]]:
    return [tuple(decode(part) for part in split_top_comma(n))  # type: ignore[misc]
            for n in split_names(value)]


def pybtex_person(person: Any) -> tuple[str, str]:
    family = " ".join([*person.prelast_names, *person.last_names])
    given = " ".join([*person.first_names, *person.middle_names])
    return decode(family), decode(given)


@lru_cache(maxsize=1)
def pandoc_path() -> str:
    import pypandoc

    return str(pypandoc.get_pandoc_path())


def pandoc_csl(text: str, fmt: str) -> tuple[list[dict[str, Any]], str]:
    """pandoc's reading of `text` in `fmt`, as CSL-JSON items, and its stderr."""
    proc = subprocess.run([pandoc_path(), "-f", fmt, "-t", "csljson"], input=text.encode(),
                          capture_output=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    return json.loads(proc.stdout.decode() or "[]"), proc.stderr.decode()


def citeproc_render(csl_text: str) -> list[str]:
    """citeproc-py renders every item with its bundled style. citeproc-py
    warns about CSL variables it does not implement (custom, event-title);
    those must still be schema keys, nothing else may be warned about."""
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    items = json.loads(csl_text)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        source = CiteProcJSON(items)
    for warning in caught:
        message = str(warning.message)
        assert "are unsupported: " in message, message
        unsupported = message.split("are unsupported: ", 1)[1].split(", ")
        assert set(unsupported) <= {"custom", "event_title"}, message
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [str(entry) for entry in bibliography.bibliography()]


# pandoc renders template variables with the output format's writer: with
# `-t plain` each title comes out as the text a reader sees (math as Unicode,
# a superscript digit as ², ...), which CSL-JSON output would give as markup.
_TITLES_TEMPLATE = "$for(references)$$it.id$\t$it.title$\n$endfor$"


def pandoc_titles(text: str, fmt: str, tmp_path: Any) -> tuple[dict[str, str], str]:
    """pandoc's plain-text reading of each entry's title, by id, and its stderr."""
    template = tmp_path / "titles.plain"
    template.write_text(_TITLES_TEMPLATE, encoding="utf-8")
    proc = subprocess.run([pandoc_path(), "-f", fmt, "-t", "plain", "-s", "--wrap=none",
                           f"--template={template}"], input=text.encode(),
                          capture_output=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    titles = dict(line.split("\t", 1) for line in proc.stdout.decode().splitlines() if line)
    return titles, proc.stderr.decode()
