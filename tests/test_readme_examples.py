"""Every `$ ssl-bib ...` example of README.md runs as written, so the README
cannot drift from the tool.

The examples of each README section run in their order, in a fresh folder
holding a copy of the bundled catalog, docs/ and examples/ (so an example may
rely on the ones before it in its section: `render readme -o` before
`render readme --check`). Each must exit as the README implies (0, unless
EXIT below says otherwise) and print what the README shows under it:

- every shown line, in order (other lines may come before, between and after
  them: the README shows a part); a line `...` only says so, and `...` inside a
  line stands for any text;
- a date YYYY-MM-DD and a time HH:MM:SS match any (values the tool stamps
  with today's, or with a moment to try again),
  and a line in a catalog (`entries.toml:1364`) any line: the bundled catalog
  grows, and an example's output must not pin where its entries are;
- what follows `  #` on a shown line, and lines that are only a `# ...`
  comment, are the README's remarks, not output.

`> FILE` sends standard output to FILE, as a shell would. `export NAME=VALUE`
sets a variable for the section's next examples; `git ...` is not run.

Examples of the commands that talk to a service (see SERVICES) run against
the local test servers (tests/crossref and tests/add's Crossref corpus,
tests/arxiv, tests/zotero), whose URLs go into the environment, as a mirror's
would; an example that names the placeholder `http://127.0.0.1:8080` (the
README's "a mirror or a test server") gets the server's URL there. A README
API key (`...`) becomes the test server's key, `~/` a home folder of the test's
own, and the section's examples share one cache folder, as one user's would."""

from __future__ import annotations

import os
import re
import shlex
import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ssl_bib.cli import cli

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"

# Exit status of the examples that do not exit 0, by their command line.
EXIT: dict[str, int] = {
    "ssl-bib export -f bibtx": 2,
    "ssl-bib zotero sync --prefer-remote": 2,
    "ssl-bib list --venue MICAI": 2,
    'ssl-bib export -f bibtex --search "no such paper" -o none.bib': 1,
    "ssl-bib add https://arxiv.org/abs/2111.06377v3 --category MAE": 1,
    "ssl-bib add https://arxiv.org/pdf/2010.05352v3 --category Contrastive": 1,
    "ssl-bib add 2004.07882 --category Generative": 1,
    "ssl-bib add https://www.sciencedirect.com/science/article/pii/S1361841520301109 "
    "--category Predictive": 1,
    "ssl-bib add https://www.mdpi.com/2075-4418/12/8/1805 --no-category": 1,
    "ssl-bib add https://openreview.net/forum?id=kQ2SOflIOVC --no-category": 1,
    "ssl-bib add https://proceedings.mlr.press/v119/chen20j.html --category Contrastive": 1,
    "ssl-bib add 1234.12345 --category MAE": 2,
    "ssl-bib enrich --refresh --crossref-url http://127.0.0.1:9": 1,
    "ssl-bib enrich": 1,
    "ssl-bib check --strict": 1,
    "ssl-bib export --aux examples/thesis.aux --all exports/": 1,
}
# The services each command talks to: its examples run against local servers.
SERVICES: dict[str, tuple[str, ...]] = {
    "add": ("crossref", "arxiv"),
    "enrich": ("crossref",),
    "zotero": ("zotero",),
}
# Sections whose examples another test runs as written, because they need
# what this runner does not do (a server running in its own process, edits
# made by hand between the commands): heading -> that test.
OWN_TEST: dict[str, str] = {
    "Try it without an account": "tests/zotero/test_zotero_walkthrough.py",
}
PLACEHOLDER_URL = "http://127.0.0.1:8080"
ZOTERO_KEY = "sslBibReadmeKey0123456789"


@dataclass
class Example:
    section: str
    line: int               # in README.md
    command: str            # as written, without its trailing comment
    shown: list[str] = field(default_factory=list)

    @property
    def words(self) -> list[str]:
        return shlex.split(self.command)

    @property
    def is_ssl_bib(self) -> bool:
        return self.words[0] == "ssl-bib"

    def needs(self) -> tuple[str, ...]:
        """The services of the command (the first word after the global
        options: `ssl-bib --catalog new.toml zotero pull` is `zotero`)."""
        words = self.words[1:]
        while words and words[0].startswith("-"):
            words = words[2:] if words[0] == "--catalog" else words[1:]
        return SERVICES.get(words[0], ()) if words else ()


def parse(text: str) -> list[Example]:
    """The `$ ` lines of every ```console block, with the lines shown under
    them, tagged with the heading of their section."""
    examples: list[Example] = []
    section, in_block = "", False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("```"):
            in_block = line.strip() == "```console"
            if in_block and examples and examples[-1].section == section:
                examples.append(Example(section, number, "", []))  # block boundary
            continue
        if not in_block:
            if line.startswith("#"):
                section = line.lstrip("#").strip()
            continue
        if line.startswith("$ "):
            command = _strip_comment(line[2:])
            examples.append(Example(section, number, command))
        elif examples and examples[-1].command and not line.lstrip().startswith("# "):
            examples[-1].shown.append(_strip_comment(line))
    return [e for e in examples if e.command]


def _strip_comment(line: str) -> str:
    """`cmd   # remark` -> `cmd`; a `#` inside quotes or a URL stays."""
    match = re.search(r"\s{2,}#\s", line) or re.search(r"\s#\s(?=[^'\"]*$)", line)
    return line[: match.start()].rstrip() if match else line.rstrip()


EXAMPLES = parse(README.read_text(encoding="utf-8"))
SECTIONS = list(dict.fromkeys(e.section for e in EXAMPLES
                              if e.is_ssl_bib and e.section not in OWN_TEST))


def shows(shown: list[str], printed: str) -> bool:
    """Whether the printed output has every shown line, in order (other lines
    may come between and after them)."""
    lines = iter(printed.splitlines())
    return all(any(pattern.fullmatch(line) for line in lines)
               for pattern in map(line_pattern, shown) if pattern is not None)


def line_pattern(shown: str) -> re.Pattern[str] | None:
    if shown.strip() == "...":
        return None
    text = re.escape(shown).replace(re.escape("..."), ".*?")
    text = re.sub(r"\d{4}\\-\d{2}\\-\d{2}", r"\\d{4}-\\d{2}-\\d{2}", text)
    text = re.sub(r"\d{2}:\d{2}:\d{2}", r"\\d{2}:\\d{2}:\\d{2}", text)
    text = re.sub(r"(\\.toml:)\d+", r"\1\\d+", text)
    return re.compile(text + r"[ \t]*")


class Servers:
    """The local services, started when a section first needs one."""

    def __init__(self, stack: ExitStack) -> None:
        self.stack, self.urls = stack, {}   # type: ignore[var-annotated]
        self.zotero: Any = None
        self.crossref: Any = None

    def env(self, needs: tuple[str, ...], cache: Path) -> dict[str, str]:
        env: dict[str, str] = {}
        for name in needs:
            if name not in self.urls:
                self.urls[name] = getattr(self, f"_start_{name}")()
            env.update({"crossref": {"SSL_BIB_CROSSREF_URL": self.urls[name],
                                     "SSL_BIB_CROSSREF_BACKOFF": "0.01",
                                     "SSL_BIB_CROSSREF_TIMEOUT": "5"},
                        "arxiv": {"SSL_BIB_ARXIV_URL": self.urls[name],
                                  "SSL_BIB_ARXIV_INTERVAL": "0",
                                  "SSL_BIB_ARXIV_BACKOFF": "0.01",
                                  "SSL_BIB_ARXIV_TIMEOUT": "5"},
                        "zotero": {"SSL_BIB_ZOTERO_URL": self.urls[name]}}[name])
        env["SSL_BIB_CACHE_DIR"] = str(cache)
        return env

    def _start_crossref(self) -> str:
        from tests.add.add_corpus import corpus
        from tests.crossref.crossref_server import CrossrefServer

        self.crossref = self.stack.enter_context(CrossrefServer(corpus()))
        return str(self.crossref.url)

    def _start_arxiv(self) -> str:
        from tests.arxiv.arxiv_corpus import PAPERS
        from tests.arxiv.arxiv_server import ArxivServer

        return str(self.stack.enter_context(ArxivServer(PAPERS)).url)

    def _start_zotero(self) -> str:
        from tests.zotero.zotero_fake_server import FakeZotero

        fake = FakeZotero()
        fake.add_group(123456)
        fake.add_key(ZOTERO_KEY, {123456: "rw"})
        fake.start()
        self.stack.callback(fake.stop)
        self.zotero = fake
        return fake.url


def crossref_asks_for_a_pause(servers: Servers, home: Path) -> dict[str, str]:
    """Crossref answers 12 requests, then asks for a 299 s pause (Retry-After)
    on every other: a first run (a cache of its own) meets it."""
    from tests.crossref.crossref_server import Fault

    servers.crossref.fail_after(12, Fault("429", retry_after="299"))
    return {"SSL_BIB_CACHE_DIR": str(home / "cache-first-run")}


# What the services do for an example whose output shows them misbehaving,
# by its command line.
SCENARIOS = {"ssl-bib enrich": crossref_asks_for_a_pause}


@contextmanager
def sandbox(tmp_path: Path) -> Iterator[Path]:
    """A checkout's working folder: the catalog, docs/ and examples/."""
    work = tmp_path / "checkout"
    work.mkdir()
    shutil.copyfile(REPO / "entries.toml", work / "entries.toml")
    for folder in ("docs", "examples"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, work / folder)
    old = Path.cwd()
    os.chdir(work)
    try:
        yield work
    finally:
        os.chdir(old)


def run(example: Example, env: dict[str, str], home: Path, servers: Servers) -> tuple[int, str]:
    words = example.words[1:]
    words = [w.replace(PLACEHOLDER_URL, servers.urls.get(_service_of(example), w))
             if PLACEHOLDER_URL in w else w for w in words]
    words = [str(home / w[2:]) if w.startswith("~/") else w for w in words]
    target = None
    if ">" in words:
        at = words.index(">")
        words, target = words[:at], words[at + 1]
    result = CliRunner().invoke(cli, words, env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"README.md:{example.line}: $ {example.command}\n"
                             f"{result.output}") from result.exception
    if target is not None:
        Path(target).write_text(result.stdout, encoding="utf-8")
        return result.exit_code, result.stderr
    return result.exit_code, result.output


def _service_of(example: Example) -> str:
    needs = example.needs()
    return needs[0] if needs else ""


@pytest.mark.parametrize("section", SECTIONS)
def test_readme_examples_run_as_written(section: str, tmp_path: Path) -> None:
    examples = [e for e in EXAMPLES if e.section == section]
    home = tmp_path / "home"
    home.mkdir()
    (home / ".zotero-key").write_text(ZOTERO_KEY + "\n", encoding="utf-8")
    variables: dict[str, str] = {"SSL_BIB_CATALOG": "", "HOME": str(home)}
    failures: list[str] = []
    with ExitStack() as stack, sandbox(tmp_path):
        servers = Servers(stack)
        for example in examples:
            words = example.words
            if words[0] == "export" and "=" in words[1]:
                name, _, value = words[1].partition("=")
                variables[name] = ZOTERO_KEY if name == "ZOTERO_API_KEY" else value
                continue
            if not example.is_ssl_bib:
                continue
            env = {**variables, **servers.env(example.needs(), home / "cache")}
            if example.command in SCENARIOS:
                env.update(SCENARIOS[example.command](servers, home))
            code, output = run(example, env, home, servers)
            expected = EXIT.get(example.command, 0)
            where = f"README.md:{example.line}: $ {example.command}"
            if code != expected:
                failures.append(f"{where}\nexit {code}, README implies {expected}\n{output}")
            elif not shows(example.shown, output):
                failures.append(f"{where}\n--- README shows\n" + "\n".join(example.shown)
                                + f"\n--- printed\n{output}")
    assert not failures, "\n\n".join(failures)


def test_every_example_is_found() -> None:
    """The parser sees the README's examples (a renamed fence or heading
    would silently test nothing)."""
    commands = [e.command for e in EXAMPLES if e.is_ssl_bib]
    assert len(commands) >= 60
    for expected in ("ssl-bib check", "ssl-bib list --search \"rubiks cube\"",
                     "ssl-bib export --all exports/", "ssl-bib render site --check docs/site"):
        assert expected in commands
    assert all(e.section for e in EXAMPLES)


def test_sections_with_their_own_test_are_there_and_tested() -> None:
    """A skipped section must exist (a renamed heading would leave its
    examples untested by both) and its own test must name it."""
    for heading, test in OWN_TEST.items():
        assert any(e.section == heading and e.is_ssl_bib for e in EXAMPLES), heading
        assert heading in (REPO / test).read_text(encoding="utf-8"), test


def test_exit_and_scenario_tables_name_real_examples() -> None:
    commands = [e.command for e in EXAMPLES]
    assert not set(EXIT) - set(commands), set(EXIT) - set(commands)
    for command in SCENARIOS:
        assert commands.count(command) == 1, command


def test_the_add_section_shows_every_id_form() -> None:
    commands = " ".join(e.command for e in EXAMPLES if e.section == "Adding a paper")
    for form in ("add 10.", "https://doi.org/10.", "link.springer.com/chapter/",
                 "arXiv:2", "arxiv.org/abs/", "arxiv.org/pdf/", "v3", "hep-ex/0307015",
                 "sciencedirect.com/science/article/pii/", "ieeexplore.ieee.org/document/",
                 "mdpi.com/", "openreview.net/forum?id=", "proceedings.mlr.press/"):
        assert form in commands, form


def test_the_filter_and_site_examples_are_there() -> None:
    listing = [e.command for e in EXAMPLES if e.section == "list and show"]
    assert any("--year 2019..2021" in c and c.count("--venue") == 2 for c in listing)
    assert any("Zhou, Zongwei" in c for c in listing)
    assert any("rubiks cube" in c for c in listing)
    site = [e.command for e in EXAMPLES if e.section == "render site"]
    assert any("--check docs/site" in c for c in site)
    assert any("--base-url" in c for c in site) and len(site) >= 4


@pytest.mark.parametrize(("shown", "printed", "matches"), [
    (["a", "...", "z"], "a\nb\nc\nz\n", True),
    (["a", "z"], "a\nb\nz\n", True),
    (["z", "a"], "a\nb\nz\n", False),
    (["a", "a"], "a\n", False),
    (["wrote 3 files, ..."], "wrote 3 files, 12 KB\n", True),
    (["wrote 3 files, ..."], "x wrote 3 files, 12 KB\n", False),
    (["crossref 2026-12-01"], "crossref 2031-01-31\n", True),
    (["after 2026-05-09 14:32:05 UTC"], "after 2026-12-01 01:02:03 UTC\n", True),
    (["added X at entries.toml:1364"], "added X at entries.toml:1399\n", True),
    (["added X at entries.toml:1364"], "added X at entries.toml:\n", False),
    (["a"], "a\nb\n", True),
    (["c"], "a\nb\n", False),
    ([], "", True),
])
def test_the_matching_rules(shown: list[str], printed: str, matches: bool) -> None:
    assert shows(shown, printed) is matches


def test_comments_are_the_readmes_not_the_outputs() -> None:
    text = ("## s\n```console\n$ ssl-bib export --all x/   # all four\n"
            "wrote 1 entries to x/a.bib   # BibTeX\n   # more remark\n"
            "$ ssl-bib list --search \"a # b\"\n```\n")
    first, second = parse(text)
    assert first.command == "ssl-bib export --all x/"
    assert first.shown == ["wrote 1 entries to x/a.bib"]
    assert second.words == ["ssl-bib", "list", "--search", "a # b"]
