"""An export loads what writing needs and nothing of the reading side: every
module a command imports costs its start (the bundled catalog's export takes
well under 0.1 s, of which Python and click are half)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


@pytest.mark.parametrize("args", [["-f", "ris"], ["--all", "OUT"], ["-f", "bibtex", "--dry-run"]])
def test_the_cycle_collector_is_off_from_the_load_to_the_last_write_and_back_after(
        catalog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        args: list[str]) -> None:
    import gc

    from ssl_bib import atomic, exporting, validate
    from ssl_bib.cli import common
    from ssl_bib.cli import export as command_module
    from tests.cli_helpers import invoke

    seen: list[tuple[str, bool]] = []

    def watching(name: str, real: Any) -> Any:
        def call(*a: Any, **k: Any) -> Any:
            seen.append((name, gc.isenabled()))
            return real(*a, **k)
        return call

    monkeypatch.setattr(common.CatalogContext, "load",
                        watching("load", common.CatalogContext.load))
    monkeypatch.setattr(validate, "output_errors", watching("check", validate.output_errors))
    for module in (exporting, command_module):  # export_all's calls, the command's own
        monkeypatch.setattr(module, "export", watching("write", exporting.export))
    monkeypatch.setattr(exporting, "_export_bytes", watching("write", exporting._export_bytes))
    monkeypatch.setattr(exporting, "write_new", watching("file", atomic.write_new))
    args = [str(tmp_path / "out") if arg == "OUT" else arg for arg in args]
    assert gc.isenabled()
    code, _, err = invoke("export", *args, catalog=catalog)
    assert code == 0, err
    assert {name for name, _ in seen} >= {"load", "check", "write"}
    assert [name for name, enabled in seen if enabled] == []
    assert gc.isenabled()
