"""`ssl-bib add ID...`: a paper into the catalog from its DOI, arXiv id or link."""

from __future__ import annotations

import datetime as dt
import re
import shlex
import sys
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import click

from ..arxiv.client import DEFAULT_URL as ARXIV_URL

if TYPE_CHECKING:
    from ..adding.run import Added, Failed, Outcome, Request
    from ..adding.sources import Sources
    from ..paper_ids import PaperId
    from ..store import LoadedCatalog
from ..identifiers import strip_arxiv_version
from ..lazy_re import compiled
from ..model import CodeLink
from ..problems import InputError
from .common import CatalogContext, fail, fail_input, force_write_option, pass_catalog
from .completion import complete_categories, complete_venues
from .services import (
    CROSSREF_URL,
    check_url,
    crossref_policy,
    env_seconds,
    mailto_for,
    max_wait,
    max_wait_option,
)

_KEY_RE = compiled(r"^[A-Za-z0-9_:\-]+$")


def code_link(text: str) -> CodeLink:
    """`URL[=LABEL]` -> a code link; the label defaults to the host's name
    (github.com -> "github"). In a URL with a query, only an extra `=` in its
    last parameter starts the label (`...?tab=readme=pytorch`)."""
    url, label = text, ""
    if "=" in text:
        head, _, tail = text.rpartition("=")
        query = head.partition("?")[2]
        last = query.rsplit("&", 1)[-1] if query else ""
        if (not query or "=" in last) and tail and not re.search(r"[/?&#]", tail):
            url, label = head, tail
    check_url(url, "--code")
    if not label:
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        parts = host.split(".")
        label = parts[-2] if len(parts) >= 2 else host
    return CodeLink(label=label, url=url)


@click.command("add")
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@click.option("--category", "categories", multiple=True, metavar="C",
              shell_complete=complete_categories,
              help="A category of the catalog (repeatable; at least one unless --no-category).")
@click.option("--no-category", is_flag=True, help="Add without a category.")
@click.option("--code", "codes", multiple=True, metavar="URL[=LABEL]",
              help="A code link (repeatable); LABEL defaults to the host's name (github).")
@click.option("--venue", metavar="ABBR", shell_complete=complete_venues,
              help="Use this catalog venue (abbreviation, name "
              "or alias) instead of the one the record names.")
@click.option("--section", type=int, metavar="YEAR",
              help="List the paper under this README year (default: its publication year).")
@click.option("--key", metavar="KEY", help="The citation key (one ID only; default: "
              "settings.key_format).")
@click.option("--link", metavar="URL", help="The paper's page, e.g. a PMLR or OpenReview "
              "page, as its link (one ID only).")
@click.option("--arxiv", "arxiv_id", metavar="ID", help="The paper's arXiv id, kept on an "
              "entry added by DOI (one ID only).")
@click.option("--dry-run", is_flag=True, help="Print what would be added; write nothing.")
@click.option("--force", is_flag=True, help="Add a probable duplicate, or a preprint whose "
              "published version was found.")
@click.option("--keep-going", is_flag=True,
              help="Add the papers that can be added when others cannot.")
@click.option("--refresh", is_flag=True, help="Ask the services again instead of the cache.")
@click.option("--json", "as_json", is_flag=True,
              help="Print what was added (each entry as `show --json` gives it, with its "
                   "line) and what failed as one JSON object, instead of the TOML blocks.")
@click.option("--crossref-url", envvar="SSL_BIB_CROSSREF_URL", default=CROSSREF_URL,
              show_default=True, metavar="URL", help="Crossref API base URL "
              "(env SSL_BIB_CROSSREF_URL).")
@click.option("--arxiv-url", envvar="SSL_BIB_ARXIV_URL", default=ARXIV_URL, show_default=True,
              metavar="URL", help="arXiv API base URL (env SSL_BIB_ARXIV_URL).")
@click.option("--mailto", envvar="CROSSREF_MAILTO", metavar="ADDR",
              help="Contact address sent to Crossref and arXiv (env CROSSREF_MAILTO; "
                   "default: settings.crossref_mailto).")
@max_wait_option
@force_write_option
@pass_catalog
def command(ctx: CatalogContext, ids: tuple[str, ...], categories: tuple[str, ...],
            no_category: bool, codes: tuple[str, ...], venue: str | None,
            section: int | None, key: str | None, link: str | None, arxiv_id: str | None,
            dry_run: bool, force: bool, keep_going: bool, refresh: bool, as_json: bool,
            crossref_url: str, arxiv_url: str, mailto: str | None,
            max_wait_s: float | None, force_write: bool) -> None:
    """Add papers to the catalog from their DOI, arXiv id or link.

    ID is a DOI (bare, doi: or a doi.org link), an arXiv id (2111.06377,
    2111.06377v3, arXiv:2111.06377, hep-ex/0307015, or an arxiv.org abs/pdf/html
    link), or a paper link of link.springer.com, sciencedirect.com, ieeexplore,
    mdpi.com, openreview.net or proceedings.mlr.press. Papers already in the
    catalog are refused, and so are probable duplicates and preprints with a
    published version (unless --force). Several IDs are added all or none
    (unless --keep-going). Exit 0 when every paper was added, 1 when one could
    not be, 2 for bad usage or a malformed ID.
    """
    from ..adding.run import Adder

    papers, arxiv_id = _checked_ids(ids, key, link, arxiv_id, section, crossref_url, arxiv_url)
    code = [code_link(text) for text in codes]
    # Locked from load to save: another writer waits, an editor's change
    # meanwhile is re-based; a read-only catalog is refused unless --force-write.
    with ctx.writing("ssl-bib add", force_write, dry_run=dry_run) as loaded:
        request = _request(loaded, categories, no_category, codes, code, venue, section, key,
                           link, arxiv_id, force)
        sources = _sources(crossref_url, arxiv_url, mailto_for(loaded, mailto), refresh,
                           max_wait(max_wait_s, loaded.catalog.settings))
        try:
            outcome = Adder(loaded.catalog, sources, request).run(papers)
        finally:
            sources.close()
        _refuse_failed(loaded, outcome, len(papers), keep_going, dry_run, as_json)
        text = _write(loaded, outcome, dry_run)
        if as_json:
            _echo_json(loaded, outcome.added, outcome.failed, text, dry_run,
                       written=not dry_run)
        else:
            _show_added(loaded, outcome, text, dry_run)
        if dry_run:
            click.echo("dry run: nothing was written", err=True)
        if outcome.failed:
            sys.exit(max(f.code for f in outcome.failed))


def _checked_ids(ids: tuple[str, ...], key: str | None, link: str | None,
                 arxiv_id: str | None, section: int | None, crossref_url: str,
                 arxiv_url: str) -> tuple[list[PaperId], str | None]:
    """The papers the IDs name and the bare --arxiv id, every option that
    needs no catalog checked first (exit 2 for a mistake)."""
    from .. import paper_ids

    papers = []
    for text in ids:
        try:
            papers.append(paper_ids.parse(text))
        except paper_ids.BadId as exc:
            fail(str(exc), 2)
    if len(ids) > 1 and (key or link or arxiv_id):
        fail("--key, --link and --arxiv name one paper: give one ID with them", 2)
    check_url(crossref_url, "--crossref-url")
    check_url(arxiv_url, "--arxiv-url")
    if link is not None:
        check_url(link, "--link")
    if arxiv_id is not None:
        try:
            preprint = paper_ids.parse(arxiv_id)
        except paper_ids.BadId as exc:
            fail(f"--arxiv: {exc}", 2)
        if preprint.kind != "arxiv":
            fail(f"--arxiv: {arxiv_id!r} is not an arXiv id", 2)
        arxiv_id = strip_arxiv_version(preprint.value)
    this_year = dt.date.today().year
    if section is not None and not 1800 <= section <= this_year + 1:
        fail(f"--section: {section} is not a plausible year", 2)
    return papers, arxiv_id


def _request(loaded: LoadedCatalog, categories: tuple[str, ...], no_category: bool,
             codes: tuple[str, ...], code: list[CodeLink], venue: str | None,
             section: int | None, key: str | None, link: str | None, arxiv_id: str | None,
             force: bool) -> Request:
    """What the user asked besides the IDs, checked against the catalog
    (known categories and venue, a free key; exit 2 for a mistake)."""
    from ..adding import venues as venue_rules
    from ..adding.run import Request

    catalog = loaded.catalog
    if categories and no_category:
        fail("give --category or --no-category, not both", 2)
    if not categories and not no_category:
        fail(f"give at least one --category (one of: {', '.join(catalog.categories)}) "
             "or --no-category", 2)
    unknown = [c for c in categories if c not in catalog.categories]
    if unknown:
        fail(f"--category {unknown[0]!r} is not a category of {loaded.name} "
             f"(known: {', '.join(catalog.categories)})", 2)
    venue_key = None
    if venue is not None:
        chosen = venue_rules.find(catalog, venue)
        if chosen is None:
            fail(f"--venue {venue!r} is not a venue of {loaded.name} (known: "
                 f"{', '.join(catalog.venues)})", 2)
        venue_key = chosen.key
    if key is not None:
        if not _KEY_RE.match(key):
            fail(f"--key {key!r}: a key holds only ASCII letters, digits and _ : -", 2)
        taken = catalog.find(key)
        if taken is not None:
            fail(f"--key {key!r} is already the key of an entry ({taken.key})", 2)
    return Request(categories=list(categories), code=code, venue=venue_key, section=section,
                   key=key, link=link, arxiv=arxiv_id, force=force,
                   options_text=_options_text(categories, no_category, codes, venue, section,
                                              key))


def _refuse_failed(loaded: LoadedCatalog, outcome: Outcome, asked: int, keep_going: bool,
                   dry_run: bool, as_json: bool) -> None:
    """Ctrl-C, a service out of reach, or (unless --keep-going) a paper that
    could not be added: said, and the command ends with nothing written."""
    if outcome.interrupted:
        fail("interrupted; nothing was written", 130)
    if outcome.stopped:
        fail(f"{outcome.stopped}; nothing was written", 1)
    for failed in outcome.failed:
        for note in failed.notes:
            click.echo(f"note: {failed.paper.text}: {note}", err=True)
        click.echo(f"ssl-bib: {failed.paper.text}: {failed.message}", err=True)
    if outcome.failed and not keep_going:
        if as_json:
            # All or none: nothing was added.
            _echo_json(loaded, [], outcome.failed, "", dry_run, written=False)
        worst = max(f.code for f in outcome.failed)
        if asked > 1:
            fail(f"{len(outcome.failed)} of {asked} papers could not be added: nothing "
                 "was written (--keep-going adds the others)", worst)
        sys.exit(worst)


def _write(loaded: LoadedCatalog, outcome: Outcome, dry_run: bool) -> str:
    """Save the catalog (render it, for a dry run) once the new entries pass
    `check`; the catalog's text with them."""
    from .. import store
    from ..adding.run import check_added

    problems = check_added(loaded, outcome)
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        fail("the new entries would not pass `check` (see above): nothing was written", 1)
    try:
        if dry_run:
            return store.render(loaded)
        store.save(loaded)
        return loaded.text
    except InputError as exc:
        fail_input(exc)
    except OSError as exc:
        fail(f"cannot write {loaded.path}: {exc.strerror or exc}; nothing was written", 1)


def _show_added(loaded: LoadedCatalog, outcome: Outcome, text: str, dry_run: bool) -> None:
    """Each added entry (and new venue) as the TOML block it is, with its line."""
    from ..adding.run import entry_block, venue_block

    verb = "would add" if dry_run else "added"
    for added in outcome.added:
        if added.new_venue is not None:
            line, block = venue_block(text, added.new_venue.key)
            click.echo(f"{verb} new venue {added.new_venue.key!r} ({added.new_venue.kind}) at "
                       f"{loaded.name}:{line}: review its name and abbreviation")
            click.echo(block, nl=False)
        line, block = entry_block(text, added.entry.key)
        click.echo(f"{verb} {added.entry.key} at {loaded.name}:{line}")
        click.echo(block, nl=False)
        for note in added.notes:
            click.echo(f"note: {added.paper.text}: {note}", err=True)


def _echo_json(loaded: LoadedCatalog, added_papers: list[Added], failed_papers: list[Failed],
               text: str, dry_run: bool, written: bool) -> None:
    """The outcome as one JSON object: each added entry as `show --json`
    gives it, with its line (and its new venue's) in the catalog."""
    import json

    from ..adding.run import entry_block, venue_block
    from ..jsonview import entry_to_json

    added = []
    for item in added_papers:
        venue = None
        if item.new_venue is not None:
            venue = {"key": item.new_venue.key, "name": item.new_venue.name,
                     "kind": item.new_venue.kind,
                     "line": venue_block(text, item.new_venue.key)[0]}
        added.append({"id": item.paper.text, "key": item.entry.key,
                      "line": entry_block(text, item.entry.key)[0],
                      "entry": entry_to_json(item.entry, loaded.catalog), "new_venue": venue,
                      "notes": list(item.notes)})
    failed = [{"id": f.paper.text, "message": f.message, "exit": f.code, "notes": list(f.notes)}
              for f in failed_papers]
    click.echo(json.dumps({"added": added, "failed": failed, "written": written,
                           "dry_run": dry_run}, indent=2, ensure_ascii=False))


def _options_text(categories: tuple[str, ...], no_category: bool, codes: tuple[str, ...],
                  venue: str | None, section: int | None, key: str | None) -> str:
    """The options that describe the paper, as a shell would take them back."""
    words: list[str] = []
    for category in categories:
        words += ["--category", category]
    if no_category:
        words.append("--no-category")
    for code in codes:
        words += ["--code", code]
    for option, value in (("--venue", venue), ("--section", section), ("--key", key)):
        if value is not None:
            words += [option, str(value)]
    return shlex.join(words)


def _sources(crossref_url: str, arxiv_url: str, mailto: str | None, refresh: bool,
             wait_limit: float) -> Sources:
    """The two clients, each built on first use. The environment knobs (read
    now, so a bad one is a usage error before any request) are for tests and
    mirrors: arXiv's first backoff step, read timeout (an exchange's whole
    deadline is 1.5 times it) and interval; Crossref's as for enrich."""
    from ..adding.sources import Sources
    from ..arxiv.client import ArxivClient, default_policy
    from ..arxiv.pacing import DEFAULT_INTERVAL, Pacer
    from ..conduct import RealClock
    from ..crossref.cache import ResponseCache, default_cache_dir
    from ..crossref.client import CrossrefClient

    crossref_rules = crossref_policy(wait_limit)
    arxiv_policy = default_policy(
        max_wait=wait_limit,
        read_timeout=env_seconds("SSL_BIB_ARXIV_TIMEOUT", 30.0, zero_ok=False),
        backoff=env_seconds("SSL_BIB_ARXIV_BACKOFF", 3.0))
    interval = env_seconds("SSL_BIB_ARXIV_INTERVAL", DEFAULT_INTERVAL)
    host = (urlsplit(arxiv_url).hostname or "").lower()
    if host == "arxiv.org" or host.endswith(".arxiv.org"):
        # arXiv's terms: never more than one request every 3 s.
        interval = max(interval, DEFAULT_INTERVAL)

    def crossref() -> CrossrefClient:
        return CrossrefClient(base_url=crossref_url, mailto=mailto,
                              cache=ResponseCache(default_cache_dir()), refresh=refresh,
                              policy=crossref_rules)

    def arxiv() -> ArxivClient:
        clock = RealClock()
        folder = default_cache_dir("arxiv")
        pacer = Pacer(interval, clock=clock.wall, sleep=clock.sleep,
                      state_file=folder / "last-request")
        return ArxivClient(arxiv_url, cache=ResponseCache(folder), refresh=refresh,
                           pacer=pacer, policy=arxiv_policy, clock=clock, mailto=mailto)

    return Sources(crossref, arxiv)
