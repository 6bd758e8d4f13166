"""Property tests: the store round-trips any valid entry and never writes a
file it cannot read back; an interrupted write leaves the old or the new file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssl_bib.model import CodeLink, Correction, Entry
from ssl_bib.store import load, save
from tests.strategies import keys, plain_people

HEAD = """\
schema = 1
categories = ["Contrastive", "MAE"]
# a comment that must survive

[venues.MedIA]
name = "Medical Image Analysis"
kind = "journal"

[[entries]]
key = "first2020"
title = "An untouched first entry"   # its formatting must survive too
year = 2020
"""

text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)
maybe = st.none() | text
code = st.builds(CodeLink, label=text, url=st.from_regex(r"https://[a-z]{1,10}\.org/[a-z0-9]{0,8}",
                                                         fullmatch=True))


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    return Entry(
        key=draw(keys.filter(lambda k: k.casefold() != "first2020")),
        title=draw(text.filter(str.strip)),
        year=draw(st.integers(1900, 2030)),
        venue=draw(st.none() | st.just("MedIA")),
        categories=draw(st.lists(st.sampled_from(["Contrastive", "MAE"]), unique=True)),
        alt_titles=draw(st.lists(text, max_size=2)),
        sections=draw(st.lists(st.integers(2000, 2030), max_size=2)),
        authors=draw(st.lists(plain_people, max_size=4)),
        doi=draw(maybe), note=draw(maybe), pages=draw(maybe), abstract=draw(maybe),
        month=draw(st.none() | st.integers(1, 12)),
        code=draw(st.lists(code, max_size=3)),
        corrections=draw(st.lists(st.builds(Correction, field=st.sampled_from(["title", "year"]),
                                            was=text, now=text, why=text), max_size=2)),
        doubts=draw(st.lists(text, max_size=2)),
        provenance=draw(st.dictionaries(st.sampled_from(["doi", "authors", "pages"]), text,
                                        max_size=3)),
    )


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entry=entries())
def test_any_valid_entry_round_trips(tmp_path: Path, entry: Entry) -> None:
    path = tmp_path / "entries.toml"
    path.write_text(HEAD, encoding="utf-8")
    loaded = load(path)
    loaded.catalog.entries.append(entry)
    save(loaded)
    written = path.read_text(encoding="utf-8")
    again = load(path)
    assert again.problems == []
    assert again.catalog == loaded.catalog
    assert again.catalog.entries[-1] == entry
    assert written.startswith(HEAD)  # the untouched part is byte for byte the same
    # Changing it again only touches it.
    again.catalog.entries[-1].note = "changed"
    save(again)
    assert path.read_text(encoding="utf-8").startswith(HEAD)
    assert load(path).catalog.entries[-1].note == "changed"


WRITER = """
import sys
from pathlib import Path
from ssl_bib.atomic import write_atomic
path = Path(sys.argv[1])
old, new = Path(sys.argv[2]).read_text(), Path(sys.argv[3]).read_text()
print("ready", flush=True)
i = 0
while True:
    write_atomic(path, new if i % 2 == 0 else old)
    i += 1
"""


@pytest.mark.slow
def test_killed_writer_leaves_old_or_new_file(tmp_path: Path) -> None:
    """SIGKILL a process that rewrites a 4 MB catalog in a loop, at random
    moments: whatever is on disk afterwards is one of the two whole versions."""
    old = "schema = 1\n" + "# old line padding padding padding\n" * 60_000
    new = "schema = 1\n" + "# new line padding padding padding padding\n" * 100_000
    target, old_file, new_file = tmp_path / "entries.toml", tmp_path / "old", tmp_path / "new"
    target.write_text(old)
    old_file.write_text(old)
    new_file.write_text(new)
    for attempt in range(12):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(target), str(old_file),
                                 str(new_file)], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(0.01 + 0.013 * attempt)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        content = target.read_text()
        assert content in (old, new), "a killed write left a mixed file"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    # A kill between creating the temp file and renaming it leaves the temp file behind,
    # never a damaged catalog; the catalog itself is always whole.
    assert all(name.startswith(".entries.toml.") for name in leftovers)
