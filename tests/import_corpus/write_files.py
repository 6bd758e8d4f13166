"""Write the import corpus's four files from papers.py, with templates of
our own (never ssl-bib's writers), spelled the ways the formats' tools write
them: JabRef's and Better BibTeX's BibTeX, biblatex as biber's documentation
shows it, RIS as Zotero, EndNote and others write it, CSL-JSON as Zotero and
citation.js do. Each paper's index picks among the spellings, so every
spelling is used many times.

    .venv/bin/python -m tests.import_corpus.write_files   # rewrites the files

The test checks that the files in the repository are what this writes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.import_corpus.papers import MEDIA, PAPERS, TMI, Name, Paper

HERE = Path(__file__).resolve().parent
FILES = {"bibtex": "corpus.bib", "biblatex": "corpus-biblatex.bib", "ris": "corpus.ris",
         "csljson": "corpus.json"}
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# TeX for the few non-ASCII letters the corpus's plain records use.
_TEX = {"é": r"{\'e}", "ü": r"{\"u}", "ö": r"{\"o}", "Ç": r"{\c{C}}", "ş": r"{\c{s}}",
        "Ł": r"{\L}", "ł": r"{\l}", "–": "--", "—": "---", "“": "``", "”": "''",
        "ó": r"{\'o}", "ź": r"{\'z}", "ß": r"{\ss}", "Ø": r"{\O}", "Ü": r'{\"U}'}


def tex(text: str) -> str:
    """Plain text as a .bib writer escapes it (the corpus's text needs little)."""
    out = text.replace("\\", r"\textbackslash{}").replace("&", r"\&").replace("%", r"\%")
    out = out.replace("$", r"\$").replace("#", r"\#").replace("_", r"\_")
    return "".join(_TEX.get(ch, ch) for ch in out)


def bib_name(name: Name, index: int) -> str:
    family, given = name
    if given is None:
        return "{" + tex(family) + "}"
    # JabRef writes "Family, Given"; others "Given Family" (BibTeX reads both),
    # except where a particle needs the comma form.
    if index % 2 and " " not in family:
        return f"{tex(given)} {tex(family)}"
    return f"{tex(family)}, {tex(given)}"


def extended_name(name: Name) -> str:
    family, given = name
    if given is None:
        return "{" + tex(family) + "}"
    return f"family={tex(family)}, given={tex(given)}"


def _fields_block(kind: str, key: str, fields: list[tuple[str, str]]) -> str:
    lines = [f"@{kind}{{{key},"]
    lines += [f"  {name} = {value}," for name, value in fields]
    lines[-1] = lines[-1].rstrip(",")
    return "\n".join(lines) + "\n}\n"


def _braced(value: str) -> str:
    return "{" + value + "}"


def bibtex(paper: Paper, index: int) -> str:
    form = paper.forms.get("bibtex", {})
    kind = {"journal": "article", "conference": "inproceedings", "preprint": "misc"}[paper.kind]
    fields: list[tuple[str, str]] = []

    def put(name: str, value: str | None) -> None:
        value = form.get(name, value)
        if value:  # a concatenation is written as it is
            fields.append((name, value if " # " in value else _braced(value)))

    title = form.get("title", tex(paper.title))
    # JabRef double-braces a title; a concatenation stays as written.
    put("title", title if index % 3 or " # " in title else _braced(title))
    put("author", " and ".join(bib_name(n, index) for n in paper.authors))
    field = "journal" if paper.kind == "journal" else "booktitle"
    if field in form:
        fields.append((field, form[field]))  # a macro, or a concatenation with one
    elif paper.container == MEDIA and index % 4 == 1:
        fields.append((field, "media"))  # an @string macro
    elif paper.container:
        put(field, tex(paper.container))
    fields.append(("year", str(paper.year) if index % 2 else _braced(str(paper.year))))
    if paper.month:
        fields.append(("month", MONTHS[paper.month - 1] if index % 2 else
                       _braced(str(paper.month))))
    put("doi", paper.doi)
    put("url", None)
    if paper.arxiv:
        put("eprint", paper.arxiv)
        put("archiveprefix" if index % 2 else "archivePrefix", "arXiv")
        put("primaryclass", "eess.IV")
    put("note", None)
    return _fields_block(kind if index % 6 else kind.upper(), f"b{index:03d}", fields)


def biblatex(paper: Paper, index: int) -> str:
    form = paper.forms.get("biblatex", {})
    kind = {"journal": "article", "conference": "inproceedings", "preprint": "online"}[
        paper.kind]
    fields: list[tuple[str, str]] = []

    def put(name: str, value: str | None) -> None:
        value = form.get(name, value)
        if value:
            fields.append((name, value if " # " in value else _braced(value)))

    put("title", tex(paper.title))
    put("subtitle", None)
    put("titleaddon", None)
    names = form.get("author") or " and ".join(
        extended_name(n) if index % 3 == 0 else bib_name(n, index) for n in paper.authors)
    put("author", names)
    if "journaltitle" in form:
        fields.append(("journaltitle", form["journaltitle"]))
    elif paper.container:
        put("journaltitle" if paper.kind == "journal" else "booktitle", tex(paper.container))
    # biblatex's date in its forms; a year beside it that it must win over.
    month = f"-{paper.month:02d}" if paper.month else ""
    dates = [f"{paper.year}{month}", f"{paper.year}{month}-15" if month else f"{paper.year}",
             f"{paper.year}{month}/{paper.year + 1}", f"{paper.year}{month}~"]
    put("date", dates[index % len(dates)])
    if index % 4 == 2 or "year" in form:
        fields.append(("year", _braced(form.get("year", str(paper.year - 1)))))
    put("doi", paper.doi)
    put("url", None)
    if paper.arxiv:
        put("eprint", paper.arxiv)
        put("eprinttype", "arxiv")
        put("eprintclass", "eess.IV")
    put("ids", None)
    put("note", None)
    return _fields_block(kind, f"l{index:03d}", fields)


RIS_TYPES = {"journal": "JOUR", "conference": "CONF", "preprint": "UNPB"}
_SPACINGS = ("  - ", " - ", "   - ")


def ris(paper: Paper, index: int) -> str:
    form = paper.forms.get("ris", {})
    dash = _SPACINGS[index % len(_SPACINGS)]
    lines: list[tuple[str, str]] = [("TY", RIS_TYPES[paper.kind]), ("ID", f"r{index:03d}")]

    def put(tag: str, value: str | None) -> None:
        value = form.get(tag, value)
        if value:
            lines.append((tag, value))

    if "T1" in form:
        put("T1", None)
    else:
        lines.append(("TI" if index % 4 else "T1", form.get("TI", paper.title)))
    author_tag = "A1" if "A1" in form else "AU"
    if "A1" in form:
        put("A1", None)
    else:
        for family, given in paper.authors:
            lines.append((author_tag, family if given is None else f"{family}, {given}"))
    if "JF" in form:
        put("JF", None)
    elif paper.container:
        put(("T2", "JO", "JF")[index % 3] if paper.kind == "journal" else "T2",
            paper.container)
    month = f"{paper.month:02d}" if paper.month else ""
    if "Y1" in form:
        put("Y1", None)
    elif index % 3 == 0:
        put("PY", str(paper.year))
        if month:
            put("DA", f"{paper.year}/{month}/01")
    elif index % 3 == 1:
        put("Y1", f"{paper.year}/{month}//")
    else:
        put("PY", f"{paper.year}///")
        if month:
            put("DA", f"{paper.year}/{month}/")
    put("DO", paper.doi)
    put("UR", f"https://arxiv.org/abs/{paper.arxiv}" if paper.arxiv else None)
    put("AB", None)
    text = "".join(f"{tag}{dash}{value}\n" for tag, value in lines)
    return text + f"ER{dash.rstrip()}\n"


CSL_TYPES = {"journal": "article-journal", "conference": "paper-conference",
             "preprint": "article"}


def csl_name(name: Name, index: int) -> dict[str, str]:
    family, given = name
    if given is None:
        return {"literal": family}
    for particle in ("van der ", "de la "):
        if family.startswith(particle) and index % 2:
            return {"family": family[len(particle):], "non-dropping-particle":
                    particle.strip(), "given": given}
    return {"family": family, "given": given}


def csljson(paper: Paper, index: int) -> dict[str, Any]:
    form = paper.forms.get("csljson", {})
    item: dict[str, Any] = {"id": f"c{index:03d}", "type": CSL_TYPES[paper.kind],
                            "title": form.get("title", paper.title),
                            "author": [csl_name(n, index) for n in paper.authors]}
    if paper.container:
        item["container-title"] = paper.container
    month = [paper.month] if paper.month else []
    issued: list[dict[str, Any]] = [
        {"date-parts": [[paper.year, *month]]},
        {"date-parts": [[str(paper.year), *(str(m) for m in month)]]},
        {"raw": f"{paper.year}-{paper.month:02d}" if paper.month else str(paper.year)},
    ]
    item["issued"] = json.loads(form["issued"]) if "issued" in form else \
        issued[index % len(issued)]
    doi = form.get("DOI", paper.doi)
    if doi:
        item["DOI"] = doi
    if form.get("URL"):
        item["URL"] = form["URL"]
    if paper.arxiv:
        item["number"] = f"arXiv:{paper.arxiv}"
        item["publisher"] = "arXiv"
    return item


def texts() -> dict[str, str]:
    """Each format's whole file."""
    strings = ("@string{media = {Medical Image Analysis}}\n@string{IEEE = \"IEEE\"}\n"
               "@string{TMI = {" + TMI + "}}\n\n")
    head = ("% The ssl-bib import corpus: written by tests/import_corpus/write_files.py.\n"
            "@comment{jabref-meta: databaseType:bibtex;}\n"
            "@preamble{ \"\\providecommand{\\noopsort}[1]{}\" }\n\n")
    bib = head + strings + "\n".join(bibtex(p, i) for i, p in enumerate(PAPERS))
    bbl = head + strings + "\n".join(biblatex(p, i) for i, p in enumerate(PAPERS))
    ris_text = "\n".join(ris(p, i) for i, p in enumerate(PAPERS))
    csl = json.dumps([csljson(p, i) for i, p in enumerate(PAPERS)], indent=2,
                     ensure_ascii=False) + "\n"
    return {"bibtex": bib, "biblatex": bbl, "ris": ris_text, "csljson": csl}


def main() -> None:
    for fmt, text in texts().items():
        (HERE / FILES[fmt]).write_text(text, encoding="utf-8")
        print(f"wrote {FILES[fmt]}")


if __name__ == "__main__":
    main()
