"""`ssl-bib export`: formats, files, --all, filters, refusals, determinism."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ssl_bib.atomic import write_new
from ssl_bib.codecs.bibtex_write import write_bibtex
from ssl_bib.store import load
from tests.cli_helpers import invoke
from tests.export_fixtures.catalogs import BUNDLED

ALL_FILES = ["references.bib", "references-biblatex.bib", "references.ris", "references.json"]


@pytest.fixture
def catalog_path(tmp_path: Path) -> Path:
    # A copy: the bundled catalog is never written to.
    path = tmp_path / "entries.toml"
    shutil.copyfile(BUNDLED, path)
    return path


def run(catalog: Path, *args: str) -> tuple[int, str, str]:
    return invoke("export", *args, catalog=catalog)


def test_stdout_is_the_writer_output(catalog_path: Path) -> None:
    code, out, _ = run(catalog_path, "-f", "bibtex")
    assert code == 0
    catalog = load(catalog_path).catalog
    assert out == write_bibtex(catalog, catalog.entries)
    code, out2, _ = run(catalog_path, "-f", "bibtex", "-o", "-")
    assert (code, out2) == (0, out)


def test_output_file(catalog_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "refs.json"
    code, out, err = run(catalog_path, "-f", "csljson", "-o", str(target))
    assert code == 0 and out == ""
    assert "wrote 62 entries" in err
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 62


def test_all_writes_four_conventional_files_deterministically(catalog_path: Path,
                                                             tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert run(catalog_path, "--all", str(first))[0] == 0
    assert run(catalog_path, "--all", str(second))[0] == 0
    assert sorted(p.name for p in first.iterdir()) == sorted(ALL_FILES)
    for name in ALL_FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes()
        assert (first / name).stat().st_size > 1000


def test_filters(tmp_path: Path) -> None:
    # The uncurated seed catalog, where the MAE paper is still an arXiv preprint.
    catalog_path = tmp_path / "seed.toml"
    shutil.copyfile(BUNDLED.parent / "tests" / "fixtures" / "seed-catalog.toml", catalog_path)
    code, out, _ = run(catalog_path, "-f", "csljson", "--year", "2019", "--venue", "MICCAI")
    ids = [item["id"] for item in json.loads(out)]
    assert code == 0 and "ModelsGenesisGeneric2019" in ids
    catalog = load(catalog_path).catalog
    assert all(catalog.find(i).venue == "MICCAI" for i in ids)  # type: ignore[union-attr]
    code, out, _ = run(catalog_path, "-f", "ris", "--key", "ModelsGenesisGeneric2019",
                       "--key", "PGLPriorGuided2020")
    assert out.count("TY  - ") == 2
    code, out, _ = run(catalog_path, "-f", "biblatex", "--category", "MAE", "--search", "masked")
    assert code == 0 and out.startswith("@online{SelfPreTraining2023,")


def test_usage_errors(catalog_path: Path, tmp_path: Path) -> None:
    assert run(catalog_path)[0] == 2
    assert run(catalog_path, "-f", "bibtex", "--all", str(tmp_path))[0] == 2
    assert run(catalog_path, "-f", "docx")[0] == 2
    for args in (("-f", "bibtex", "-o", ""), ("--all", "")):
        code, _, err = run(catalog_path, *args)
        assert code == 2 and "empty file or folder name" in err
    (tmp_path / "file").write_text("", encoding="utf-8")
    code, _, err = run(catalog_path, "-f", "bibtex", "-o", str(tmp_path / "file" / "x.bib"))
    assert code == 1 and err == f"ssl-bib: cannot write {tmp_path / 'file' / 'x.bib'}: " \
                                "Not a directory\n"
    code, _, err = run(catalog_path, "-f", "bibtex", "--key", "noSuchKey")
    assert code == 2 and "no entry with key 'noSuchKey'" in err and "Traceback" not in err


def test_unbalanced_value_is_refused_and_nothing_written(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text('schema = 1\n\n[[entries]]\nkey = "Good2020"\ntitle = "Good"\nyear = 2020\n\n'
                    '[[entries]]\nkey = "Bad2021"\ntitle = "Bad"\nyear = 2021\n'
                    'doi = "10.1234/{x"\n', encoding="utf-8")
    target = tmp_path / "refs.bib"
    target.write_text("old\n", encoding="utf-8")
    code, out, err = run(path, "-f", "bibtex", "-o", str(target))
    assert code == 2 and out == ""
    assert err.splitlines() == [
        "entries.toml:12: entry Bad2021: error: doi '10.1234/{x' is not a DOI (10.NNNN/... "
        "with no whitespace, backslash, braces or ^^)",
        "ssl-bib: entries.toml: 1 error (see above, or `ssl-bib check`): nothing exported, "
        "nothing written"]
    assert target.read_text(encoding="utf-8") == "old\n"
    code, _, _ = run(path, "--all", str(tmp_path / "out"))
    assert code == 2 and not (tmp_path / "out").exists()


def test_malformed_catalog_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text("schema = 1\n[[entries]\n", encoding="utf-8")
    code, _, err = run(path, "-f", "bibtex")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "entries.toml" in err


def test_help_does_not_import_the_codec_stack() -> None:
    code = ("import sys\nfrom ssl_bib.cli import main\n"
            "try:\n    main(['export', '--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('bibtexparser', 'rispy', 'pylatexenc') if m in sys.modules]\n"
            "print(heavy)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert proc.stdout.strip().endswith("[]")
    assert "--all DIR" in proc.stdout


def test_all_is_all_or_nothing(catalog_path: Path, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "references.bib").write_text("old\n", encoding="utf-8")
    (out / "references.ris").mkdir()  # a target that cannot be replaced
    code, _, err = run(catalog_path, "--all", str(out))
    assert code == 1 and "Traceback" not in err
    assert err.strip() == f"ssl-bib: cannot write {out / 'references.ris'}: Is a directory; " \
                          "nothing written"
    assert sorted(p.name for p in out.iterdir()) == ["references.bib", "references.ris"]
    assert (out / "references.bib").read_text(encoding="utf-8") == "old\n"
    (out / "references.ris").rmdir()
    # A write failing after two formats were staged (a full disk, say).
    import ssl_bib.exporting as export_module

    calls = []

    def failing(path: Path, data: bytes, mode: int) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device", str(path))
        write_new(path, data, mode)

    monkeypatch.setattr(export_module, "write_new", failing)
    code, _, err = run(catalog_path, "--all", str(out))
    assert code == 1 and "No space left on device; nothing written" in err
    assert sorted(p.name for p in out.iterdir()) == ["references.bib"]
    assert (out / "references.bib").read_text(encoding="utf-8") == "old\n"
    calls.clear()
    code, _, err = run(catalog_path, "--all", str(tmp_path / "new" / "dir"))
    assert code == 1 and not (tmp_path / "new" / "dir").exists()
    monkeypatch.undo()
    (out / "references.bib").chmod(0o640)
    assert run(catalog_path, "--all", str(out))[0] == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(ALL_FILES)
    assert (out / "references.bib").stat().st_mode & 0o777 == 0o640


def test_broken_identifier_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text('schema = 1\n\n[[entries]]\nkey = "Bad2021"\ntitle = "Bad"\nyear = 2021\n'
                    'doi = "see the paper"\n', encoding="utf-8")
    code, out, err = run(path, "-f", "csljson")
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "entries.toml:7: entry Bad2021: error: doi 'see the paper' is not a DOI (10.NNNN/... "
        "with no whitespace, backslash, braces or ^^)",
        "ssl-bib: entries.toml: 1 error (see above, or `ssl-bib check`): nothing exported, "
        "nothing written"]
