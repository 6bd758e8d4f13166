"""SSL_BIB_LOCK_TIMEOUT is read by every command that may write, a dry run
too (it must fail where the real run would); a dry run takes no lock, so it
loads none of the locking machinery (ssl_bib.lock_timeout apart from
file_lock)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ssl_bib.errors import UsageError
from ssl_bib.lock_timeout import DEFAULT_TIMEOUT, TIMEOUT_ENV, timeout_from_env
from tests.cli_helpers import invoke, modules_loaded, one_line

ROOT = Path(__file__).parents[1]


@pytest.mark.parametrize(("raw", "seconds"), [("", DEFAULT_TIMEOUT), ("0", 0.0), (" 2.5 ", 2.5)])
def test_a_number_of_seconds_is_read(monkeypatch: pytest.MonkeyPatch, raw: str,
                                     seconds: float) -> None:
    monkeypatch.setenv(TIMEOUT_ENV, raw)
    assert timeout_from_env() == seconds


@pytest.mark.parametrize("raw", ["soon", "-1", "inf", "nan", "1e999"])
def test_anything_else_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(TIMEOUT_ENV, raw)
    with pytest.raises(UsageError, match=TIMEOUT_ENV):
        timeout_from_env()


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_malformed_value_stops_a_writer_and_its_dry_run_alike(tmp_path: Path,
                                                                 dry_run: bool) -> None:
    catalog = tmp_path / "entries.toml"
    shutil.copyfile(ROOT / "entries.toml", catalog)
    before = catalog.read_bytes()
    bib = tmp_path / "new.bib"
    bib.write_text("@article{a, title={A New Paper}, author={Doe, Jane}, year={2024}}\n",
                   encoding="utf-8")
    args = ["import", *(["--dry-run"] if dry_run else []), str(bib)]
    code, _out, err = invoke(*args, catalog=catalog, env={TIMEOUT_ENV: "soon"})
    assert code == 2
    assert TIMEOUT_ENV in one_line(err)
    assert catalog.read_bytes() == before


def test_a_dry_run_loads_no_locking_machinery(tmp_path: Path) -> None:
    catalog = tmp_path / "entries.toml"
    shutil.copyfile(ROOT / "entries.toml", catalog)
    bib = tmp_path / "new.bib"
    bib.write_text("@article{a, title={A New Paper}, author={Doe, Jane}, year={2024}}\n",
                   encoding="utf-8")
    loaded, _ = modules_loaded("--catalog", str(catalog), "import", "--dry-run", str(bib))
    assert "ssl_bib.lock_timeout" in loaded
    assert not {"ssl_bib.file_lock", "fcntl"} & loaded
