"""Small shared pieces: atomic writes, the progress line, the JSON view."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest

from ssl_bib.atomic import write_atomic
from ssl_bib.jsonview import entry_to_json
from ssl_bib.model import Catalog, CodeLink, Entry, Person, Venue
from ssl_bib.progress import Progress


def test_atomic_write_keeps_permissions_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text("old")
    os.chmod(path, 0o640)
    write_atomic(path, "new ü")
    assert path.read_text(encoding="utf-8") == "new ü"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["entries.toml"]


def test_atomic_write_failure_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        write_atomic(path, "\udcff", encoding="utf-8")  # a lone surrogate cannot be encoded
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["entries.toml"]


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_silent_when_piped_and_live_on_a_terminal() -> None:
    piped = io.StringIO()
    with Progress(3, "enrich", stream=piped) as bar:
        for _ in range(3):
            bar.advance("x")
    assert piped.getvalue() == ""
    tty = _Tty()
    with Progress(2, "sync", stream=tty) as bar:
        bar.advance("first")
        bar.advance("second")
    shown = tty.getvalue()
    assert "sync [" in shown and "2/2" in shown
    assert shown.endswith("\r")  # the line is cleared at the end


def catalog() -> Catalog:
    venues = {"MedIA": Venue("MedIA", "Medical Image Analysis", "journal", aliases=["MIA"])}
    return Catalog(venues=venues, categories=["Contrastive", "MAE"], entries=[
        Entry(key="a2020", title="Alpha contrastive", year=2020, venue="MedIA",
              categories=["Contrastive"], authors=[Person("Müller", "Jürgen", "0000-0001")]),
        Entry(key="b2021", title="Beta", year=2021, sections=[2021, 2020], categories=["MAE"],
              code=[CodeLink("pytorch", "https://github.com/x/y")], doi="10.1/b"),
    ])


def test_json_view_has_every_field() -> None:
    cat = catalog()
    data = entry_to_json(cat.entries[0], cat)
    assert data["authors"] == ["Müller, Jürgen"]
    assert data["orcids"] == {"Müller, Jürgen": "0000-0001"}
    assert data["entry_type"] == "article" and data["venue_name"] == "Medical Image Analysis"
    assert data["sections"] == [2020] and data["doi"] is None and data["code"] == []
    other = entry_to_json(cat.entries[1], cat)
    assert other["entry_type"] == "article" and other["venue_name"] is None
    assert other["code"] == [{"label": "pytorch", "url": "https://github.com/x/y"}]
