"""An export loads what writing needs and nothing of the reading side: every
module a command imports costs its start (the bundled catalog's export takes
well under 0.1 s, of which Python and click are half)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_helpers import modules_loaded

# The import side (readers, their records and LaTeX decoder), the writing
# side of the store, and what only a fallback needs.
_NOT_FOR_EXPORT = {"ssl_bib.codecs.read_result", "ssl_bib.codecs.bibtex_read",
                   "ssl_bib.codecs.latex_decode", "ssl_bib.codecs.normalize", "bibtexparser",
                   "logging", "tomlkit", "ssl_bib.store.writing", "ssl_bib.file_lock",
                   "shutil", "tempfile"}


@pytest.mark.parametrize("args", [["-f", "bibtex"], ["-f", "biblatex"], ["-f", "ris"],
                                  ["-f", "csljson"], ["--all", "OUT"]])
def test_an_export_loads_nothing_of_the_reading_side(catalog: Path, tmp_path: Path,
                                                     args: list[str]) -> None:
    args = [str(tmp_path / "out") if arg == "OUT" else arg for arg in args]
    loaded, _ = modules_loaded("--catalog", str(catalog), "export", *args)
    assert "ssl_bib.exporting" in loaded
    assert not _NOT_FOR_EXPORT & loaded, _NOT_FOR_EXPORT & loaded
    assert not {m for m in loaded if m.startswith("pylatexenc")}
    # Each format's writer loads only for its format.
    writers = {"bibtex": "bibtex_write", "biblatex": "bibtex_write", "ris": "ris_write",
               "csljson": "csljson_write"}
    wanted = set(writers.values()) if args[0] == "--all" else {writers[args[1]]}
    assert {m for m in loaded if m.endswith("_write")} == {f"ssl_bib.codecs.{w}"
                                                           for w in wanted}
    assert ("rispy" in loaded) == ("ris_write" in wanted)


def test_the_formats_are_fixed_values() -> None:
    from ssl_bib.codecs import registry

    codec = registry.get("bibtex")
    with pytest.raises(AttributeError):
        codec.filename = "other.bib"  # type: ignore[misc]
    assert [c.name for c in registry.writers().values()] == ["bibtex", "biblatex", "ris",
                                                             "csljson"]
    assert registry.get("ris").filename == "references.ris" and codec.window == 5000
