"""`ssl-bib list --json`: orjson's UTF-8 bytes reach standard output as they
are when the stream is UTF-8, and as text otherwise; the text is the
standard library's `json.dumps(indent=2, ensure_ascii=False)` either way."""

from __future__ import annotations

import gc
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ssl_bib.cli.output import write_utf8

REPO = Path(__file__).resolve().parents[1]


def test_bytes_come_after_the_text_written_before(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", stream)
    stream.write("before: é\n")              # still in the text layer's buffer
    write_utf8("après 😀\n".encode())
    stream.write("after\n")
    stream.flush()
    assert raw.getvalue().decode("utf-8") == "before: é\naprès 😀\nafter\n"


@pytest.mark.parametrize("encoding", ["utf-16", "latin-1"])
def test_another_encoding_gets_the_text(monkeypatch: pytest.MonkeyPatch, encoding: str) -> None:
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding=encoding))
    write_utf8("[\n  \"Zoë\"\n]\n".encode())
    assert raw.getvalue().decode(encoding) == "[\n  \"Zoë\"\n]\n"


def test_a_stream_without_bytes_gets_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stdout", stream)
    write_utf8("Łódź\n".encode())
    assert stream.getvalue() == "Łódź\n"


def _list_json(encoding: str | None) -> bytes:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONIOENCODING"}
    if encoding:
        env["PYTHONIOENCODING"] = encoding
    run = subprocess.run([sys.executable, "-m", "ssl_bib", "--catalog",
                          str(REPO / "entries.toml"), "list", "--json"],
                         capture_output=True, env=env, timeout=60, check=True)
    assert run.stderr == b""
    return run.stdout


def test_the_standard_librarys_text_in_utf8_and_in_utf16() -> None:
    as_utf8 = _list_json("utf-8").decode("utf-8")
    value = json.loads(as_utf8)
    assert len(value) > 50 and any(not e["title"].isascii() or
                                   any(not str(a).isascii() for a in e["authors"])
                                   for e in value)
    assert as_utf8 == json.dumps(value, indent=2, ensure_ascii=False) + "\n"
    assert _list_json("utf-16").decode("utf-16") == as_utf8


def test_the_list_is_built_with_the_collector_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    from ssl_bib import jsonview
    from tests.cli_helpers import invoke

    seen: list[bool] = []
    real = jsonview.entry_to_json

    def watching(*args: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(jsonview, "entry_to_json", watching)
    assert gc.isenabled()
    code, out, err = invoke("list", "--json", catalog=REPO / "entries.toml")
    assert code == 0, err
    assert len(json.loads(out)) == len(seen) > 50
    assert not any(seen)
    assert gc.isenabled()
