"""The README's enrich examples of a Crossref out of reach or asking for too
long a wait print what the README shows (the time in it aside)."""

from __future__ import annotations

import re
from pathlib import Path

from crossref_helpers import REPO, invoke_enrich
from crossref_server import CrossrefServer, Fault


def _example(command: str) -> str:
    """The output line that follows `$ COMMAND` in the README."""
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(f"$ {command}"))
    return lines[at + 1]


def test_the_unreachable_example(catalog: Path, cache_dir: Path) -> None:
    shown = _example("ssl-bib enrich --crossref-url http://127.0.0.1:9")
    result = invoke_enrich("http://127.0.0.1:9", catalog, cache_dir)
    assert result.exit_code == 1 and result.stderr == shown + "\n"


def test_the_retry_after_example(server: CrossrefServer, catalog: Path,
                                 cache_dir: Path) -> None:
    shown = _example("ssl-bib enrich                         # Crossref asked")
    server.fail_after(12, Fault("429", retry_after="299"))
    result = invoke_enrich(server.url, catalog, cache_dir)
    last = result.stderr.splitlines()[-1]
    time_re = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"
    assert re.sub(time_re, "T", last) == re.sub(time_re, "T", shown)
