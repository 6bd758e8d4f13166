"""README tables read as GitHub reads them (the GitHub Flavored Markdown
specification, "Tables (extension)"): cells per row, escaped pipes, optional
outer pipes; and every row with a title is a paper."""

from __future__ import annotations

from ssl_bib.codecs import registry

HEADER = "| Paper title | Journal/Conference | Category | Paper link | Code link |\n" \
         "| --- | --- | --- | --- | --- |\n"


def _read(body: str) -> tuple[list[tuple[int, str]], list[tuple[int, str, str]]]:
    result = registry.read("## 2021\n\n" + HEADER + body, "README.md", "markdown")
    rows = [(r.line, r.entry.title) for r in result.records]
    problems = [(p.line, p.severity, p.message) for p in result.problems]
    return rows, problems


def test_a_short_row_gets_empty_cells_and_a_warning() -> None:
    rows, problems = _read("| Short Row | MICCAI |\n| Full Row | MedIA | MAE | NA | NA |\n")
    assert rows == [(5, "Short Row"), (6, "Full Row")]
    assert problems == [(5, "warning", "table row has 2 cells, the table has 5: the missing "
                                       "cells are read as empty")]


def test_a_long_row_loses_its_extra_cells_with_a_warning() -> None:
    row = "| Long Row | MedIA | MAE | NA | NA | x | y |\n"
    result = registry.read("## 2021\n\n" + HEADER + row, "README.md", "markdown")
    (record,) = result.records
    assert record.entry.title == "Long Row" and record.entry.code == []
    (problem,) = result.problems
    assert (problem.line, problem.severity) == (5, "warning")
    assert "table row has 7 cells, the table has 5: the extra cells are ignored ('x | y')" \
        in problem.message


def test_an_escaped_pipe_stays_in_its_cell() -> None:
    result = registry.read("## 2021\n\n" + HEADER + r"| A \| B: Pipes | MedIA | MAE | NA | NA |"
                           "\n", "README.md", "markdown")
    (record,) = result.records
    assert record.entry.title == "A | B: Pipes" and not result.problems


def test_outer_pipes_are_optional() -> None:
    text = ("## 2021\n\nPaper title | Journal/Conference | Paper link\n--- | :---: | ---:\n"
            "No Outer Pipes | MedIA | [Link](https://doi.org/10.1000/x)\n"
            "Second Row | MICCAI | NA\n\nProse after the table | with a pipe.\n")
    result = registry.read(text, "README.md", "markdown")
    assert [(r.line, r.entry.title) for r in result.records] == [
        (5, "No Outer Pipes"), (6, "Second Row")]
    assert result.records[0].entry.doi == "10.1000/x"


def test_a_row_with_a_title_outside_a_year_section_is_a_paper() -> None:
    text = ("# Papers by topic\n\n## Segmentation\n\n"
            "| Title | Venue | Year | Link |\n|---|---|---|---|\n"
            "| With A Year Column | MICCAI | 2020 | NA |\n"
            "| Without Any Year | MICCAI | n.d. | NA |\n")
    result = registry.read(text, "README.md", "markdown")
    assert [(r.entry.title, r.entry.year) for r in result.records] == [
        ("With A Year Column", 2020), ("Without Any Year", 0)]
    assert not [p for p in result.problems if p.severity == "error"]
