"""Lost updates: two writers, or a writer and an editor, never lose a change.

Real processes where the issue saw the loss (two imports at once, an import
during an enrich, an editor's edit during an enrich), plus in-process cases
that pin each interleaving down exactly.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import string
import subprocess
import sys
import textwrap
import time
import tomllib
from pathlib import Path

import pytest

from ssl_bib import file_lock
from ssl_bib.model import Entry
from ssl_bib.store import WriteRefused, editing, load, save
from tests.crossref.crossref_corpus import corpus
from tests.crossref.crossref_helpers import SEED
from tests.crossref.crossref_server import CrossrefServer

BASE = """\
schema = 1
categories = ["Contrastive"]

[[entries]]
key = "first2020"
title = "The first paper"
year = 2020

[[entries]]
key = "second2021"
title = "The second paper"
year = 2021
"""


def _title(prefix: str, i: int) -> str:
    """Titles different enough that import's duplicate check keeps them apart."""
    rng = random.Random(f"{prefix}{i}")
    words = ["".join(rng.choice(string.ascii_lowercase) for _ in range(9)) for _ in range(4)]
    return f"{prefix.capitalize()} {' '.join(words)}"


def _bib(prefix: str, count: int) -> str:
    return "".join(textwrap.dedent(f"""\
        @article{{{prefix}{i},
          title = {{{_title(prefix, i)}}},
          author = {{Doe, Jane}},
          journal = {{Medical Image Analysis}},
          year = {{2021}},
        }}
        """) for i in range(count))


def _ssl_bib(catalog: Path, *args: str, env: dict[str, str] | None = None
             ) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "ssl_bib", "--catalog", str(catalog), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def _titles(path: Path) -> set[str]:
    return {e["title"] for e in tomllib.loads(path.read_text(encoding="utf-8"))["entries"]}


# -- in process: each interleaving exactly ----------------------------------------


def test_two_writers_that_loaded_the_same_file_both_keep_their_entries(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text(BASE, encoding="utf-8")
    first, second = load(path), load(path)
    first.catalog.entries.append(Entry(key="a2022", title="Added by the first", year=2022))
    second.catalog.entries.append(Entry(key="b2022", title="Added by the second", year=2022))
    second.catalog.entries[0].doi = "10.1234/first"
    assert save(first) and save(second)
    after = load(path)
    assert [e.key for e in after.catalog.entries] == ["first2020", "second2021", "a2022",
                                                      "b2022"]
    assert after.catalog.entries[0].doi == "10.1234/first"
    # The second writer's view now is the file: saving again changes nothing.
    assert not save(second)


def test_an_editors_same_size_edit_within_one_timestamp_is_still_seen(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text(BASE, encoding="utf-8")
    loaded = load(path)
    stamp = path.stat()
    # Same size, same mtime: only the content can tell.
    path.write_text(BASE.replace("The second paper", "The Second Paper"), encoding="utf-8")
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    loaded.catalog.entries[0].pages = "1-9"
    assert save(loaded)
    text = path.read_text(encoding="utf-8")
    assert 'title = "The Second Paper"' in text and 'pages = "1-9"' in text


def test_a_same_size_edit_after_a_save_is_seen_by_the_next_save(tmp_path: Path) -> None:
    """The state a save leaves (the written text) is compared by content
    too, and so is the state a rebase leaves."""
    path = tmp_path / "entries.toml"
    path.write_text(BASE, encoding="utf-8")
    loaded = load(path)
    loaded.catalog.entries[0].pages = "1-9"
    assert save(loaded)
    for mine, theirs in (("2-9", ("The second paper", "The Second Paper")),
                         ("3-9", ("The Second Paper", "THE Second Paper"))):
        stamp = path.stat()
        path.write_text(path.read_text(encoding="utf-8").replace(*theirs), encoding="utf-8")
        os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
        loaded.catalog.entries[0].pages = mine
        assert save(loaded)
        text = path.read_text(encoding="utf-8")
        assert f'title = "{theirs[1]}"' in text and f'pages = "{mine}"' in text


def test_an_edit_of_the_same_field_meanwhile_stops_the_save_and_keeps_the_edit(
        tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text(BASE, encoding="utf-8")
    loaded = load(path)
    edited = BASE.replace('year = 2020\n', 'year = 2020\npages = "5-6"\n', 1)
    path.write_text(edited, encoding="utf-8")
    loaded.catalog.entries[0].pages = "1-9"
    with pytest.raises(WriteRefused, match=r"entry first2020: field pages was changed both"):
        save(loaded)
    assert path.read_text(encoding="utf-8") == edited


def test_an_entry_removed_meanwhile_is_not_brought_back(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text(BASE, encoding="utf-8")
    loaded = load(path)
    path.write_text(BASE.split("[[entries]]\nkey = \"second2021\"")[0].rstrip() + "\n",
                    encoding="utf-8")
    loaded.catalog.entries[0].note = "seen"
    assert save(loaded)
    assert [e.key for e in load(path).catalog.entries] == ["first2020"]


def test_a_file_broken_meanwhile_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text(BASE, encoding="utf-8")
    loaded = load(path)
    path.write_text(BASE + "title = \n", encoding="utf-8")
    loaded.catalog.entries[0].note = "x"
    with pytest.raises(WriteRefused, match="no longer reads"):
        save(loaded)
    assert path.read_text(encoding="utf-8") == BASE + "title = \n"


def test_the_lock_is_reentrant_within_a_process_and_named_when_busy(tmp_path: Path,
                                                                    monkeypatch) -> None:
    path = tmp_path / "entries.toml"
    path.write_text(BASE, encoding="utf-8")
    with editing(path, "ssl-bib test") as loaded:
        loaded.catalog.entries[0].note = "held"
        assert save(loaded)                    # save() takes the lock it already holds
        assert "ssl-bib test" in file_lock.lock_path(path).read_text(encoding="utf-8")
    assert not file_lock.lock_path(path).exists()   # no stray file left in the folder


# -- real processes -------------------------------------------------------------


def test_two_imports_at_once_keep_every_paper(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text(BASE, encoding="utf-8")
    (tmp_path / "a.bib").write_text(_bib("alpha", 150), encoding="utf-8")
    (tmp_path / "b.bib").write_text(_bib("beta", 150), encoding="utf-8")
    runs = [_ssl_bib(path, "import", str(tmp_path / name)) for name in ("a.bib", "b.bib")]
    results = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    titles = _titles(path)
    assert len(titles) == 302, (len(titles), results)
    for prefix in ("alpha", "beta"):
        for i in range(150):
            assert _title(prefix, i) in titles
    assert len(titles) == 302


def _hold_lock(path: Path, command: str) -> subprocess.Popen[str]:
    """Another process holding the catalog's lock until killed."""
    code = (f"import sys, time; from ssl_bib import file_lock\n"
            f"with file_lock.locked(sys.argv[1], {command!r}):\n"
            f"    print('held', flush=True); time.sleep(600)\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder


def test_a_busy_catalog_names_its_holder_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text(BASE, encoding="utf-8")
    (tmp_path / "a.bib").write_text(_bib("alpha", 1), encoding="utf-8")
    holder = _hold_lock(path, "ssl-bib enrich")
    try:
        run = _ssl_bib(path, "import", str(tmp_path / "a.bib"),
                       env={"SSL_BIB_LOCK_TIMEOUT": "0.3"})
        _, err = run.communicate(timeout=60)
    finally:
        holder.kill()
        holder.wait()
    assert run.returncode == 1
    last = err.strip().splitlines()[-1]
    assert last.startswith("ssl-bib: entries.toml is being written by ")
    assert f"pid {holder.pid} on {socket.gethostname()} (ssl-bib enrich) since " in last
    assert "SSL_BIB_LOCK_TIMEOUT" in last and "nothing was written" in last
    assert path.read_text(encoding="utf-8") == BASE


@pytest.mark.slow
def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text(BASE, encoding="utf-8")
    (tmp_path / "a.bib").write_text(_bib("alpha", 1), encoding="utf-8")
    holder = _hold_lock(path, "ssl-bib zotero sync")
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert file_lock.lock_path(path).exists()       # the file stays, the lock does not
    started = time.monotonic()
    run = _ssl_bib(path, "import", str(tmp_path / "a.bib"), env={"SSL_BIB_LOCK_TIMEOUT": "5"})
    _, err = run.communicate(timeout=60)
    assert run.returncode == 0, err
    assert time.monotonic() - started < 5
    assert _title("alpha", 0) in _titles(path)


def _enrich(catalog: Path, url: str, tmp_path: Path, *args: str,
            env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return _ssl_bib(catalog, "enrich", *args, env={
        "SSL_BIB_CROSSREF_URL": url, "SSL_BIB_CROSSREF_BACKOFF": "0.01",
        "SSL_BIB_CROSSREF_TIMEOUT": "20", "CROSSREF_MAILTO": "lab@example.org",
        "SSL_BIB_CACHE_DIR": str(tmp_path / "cache"), **(env or {})})


def _wait_for_request(server: CrossrefServer) -> None:
    deadline = time.monotonic() + 30
    while not server.log and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.log, "enrich never asked the server"


KEY = "ModelsGenesisGeneric2019"


def _pages_of(path: Path, key: str) -> object:
    entries = tomllib.loads(path.read_text(encoding="utf-8"))["entries"]
    return next(e for e in entries if e["key"] == key).get("pages")


@pytest.fixture
def seed_catalog(tmp_path: Path) -> Path:
    path = tmp_path / "entries.toml"
    path.write_bytes(SEED.read_bytes())
    return path


def test_an_import_during_an_enrich_waits_and_both_land(seed_catalog: Path,
                                                        tmp_path: Path) -> None:
    (tmp_path / "a.bib").write_text(_bib("alpha", 1), encoding="utf-8")
    with CrossrefServer(corpus(), latency=1.0) as server:
        enrich = _enrich(seed_catalog, server.url, tmp_path, KEY)
        _wait_for_request(server)
        importer = _ssl_bib(seed_catalog, "import", str(tmp_path / "a.bib"))
        enrich_out = enrich.communicate(timeout=120)
        import_out = importer.communicate(timeout=120)
    assert enrich.returncode == 0, enrich_out
    assert importer.returncode == 0, import_out
    assert _pages_of(seed_catalog, KEY) == "384-393"
    assert _title("alpha", 0) in _titles(seed_catalog)


def test_an_import_during_an_enrich_gives_up_clearly_when_told_not_to_wait(
        seed_catalog: Path, tmp_path: Path) -> None:
    (tmp_path / "a.bib").write_text(_bib("alpha", 1), encoding="utf-8")
    # Slow enough that the import surely starts while enrich waits for its answer.
    with CrossrefServer(corpus(), latency=4.0) as server:
        enrich = _enrich(seed_catalog, server.url, tmp_path, KEY)
        _wait_for_request(server)
        importer = _ssl_bib(seed_catalog, "import", str(tmp_path / "a.bib"),
                            env={"SSL_BIB_LOCK_TIMEOUT": "0"})
        _, import_err = importer.communicate(timeout=120)
        enrich.communicate(timeout=120)
    assert importer.returncode == 1
    assert f"pid {enrich.pid} " in import_err and "(ssl-bib enrich)" in import_err
    assert enrich.returncode == 0
    assert _pages_of(seed_catalog, KEY) == "384-393"


def test_an_editors_edit_during_an_enrich_is_kept(seed_catalog: Path, tmp_path: Path) -> None:
    with CrossrefServer(corpus(), latency=1.0) as server:
        enrich = _enrich(seed_catalog, server.url, tmp_path, KEY)
        _wait_for_request(server)
        # An editor ignores our lock: it just writes the file.
        text = seed_catalog.read_text(encoding="utf-8")
        edited = text.replace("# Citation keys never change", "# Keys never change", 1)
        edited = edited.replace('year = 2019\n', 'year = 2019\nnote = "edited by hand"\n', 1)
        assert edited.count("edited by hand") == 1
        seed_catalog.write_text(edited, encoding="utf-8")
        out = enrich.communicate(timeout=120)
    assert enrich.returncode == 0, out
    after = seed_catalog.read_text(encoding="utf-8")
    assert "# Keys never change" in after and 'note = "edited by hand"' in after
    assert _pages_of(seed_catalog, KEY) == "384-393"


def test_an_editor_filling_the_same_field_during_an_enrich_stops_it(
        seed_catalog: Path, tmp_path: Path) -> None:
    with CrossrefServer(corpus(), latency=1.0) as server:
        enrich = _enrich(seed_catalog, server.url, tmp_path, KEY)
        _wait_for_request(server)
        loaded = load(seed_catalog)              # the editor, via the library, no lock
        entry = loaded.catalog.find(KEY)
        assert entry is not None
        entry.pages = "1-2"
        text = seed_catalog.read_text(encoding="utf-8")
        from ssl_bib.store import render

        edited = render(loaded)
        assert edited != text
        seed_catalog.write_text(edited, encoding="utf-8")
        _, err = enrich.communicate(timeout=120)
    assert enrich.returncode == 1
    assert f"entry {KEY}: field pages was changed both by this command and in the file" in err
    assert seed_catalog.read_text(encoding="utf-8") == edited
