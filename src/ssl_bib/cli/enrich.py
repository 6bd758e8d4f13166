"""`ssl-bib enrich`: fill missing fields from Crossref, never a wrong match."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from ..errors import UsageError
from ..model import Entry
from ..select import Filters
from ..store import LoadedCatalog
from .common import (
    CatalogContext,
    fail,
    filter_options,
    force_write_option,
    pass_catalog,
    selected,
)
from .completion import complete_keys

if TYPE_CHECKING:
    from ..crossref.enrich import Summary
from .services import CROSSREF_URL as DEFAULT_URL
from .services import check_url, mailto_for, max_wait_option


@click.command("enrich")
@click.argument("keys", nargs=-1, metavar="[KEY]...", shell_complete=complete_keys)
@click.option("--dry-run", is_flag=True, help="Print the diff; write nothing.")
@click.option("--fields", "fields_opt", metavar="F,...",
              help="Only fill these fields (default: authors, doi, container_title, series, "
                   "volume, issue, pages, article_number, publisher, issn, isbn, month).")
@click.option("--mailto", envvar="CROSSREF_MAILTO", metavar="ADDR",
              help="Contact address for Crossref's polite pool (env CROSSREF_MAILTO; "
                   "default: settings.crossref_mailto).")
@click.option("--crossref-url", envvar="SSL_BIB_CROSSREF_URL", default=DEFAULT_URL,
              show_default=True, metavar="URL",
              help="Crossref API base URL, e.g. a mirror (env SSL_BIB_CROSSREF_URL).")
@click.option("--concurrency", envvar="SSL_BIB_CROSSREF_CONCURRENCY", default=None,
              type=click.IntRange(1, 16),
              help="Requests in flight at once (env SSL_BIB_CROSSREF_CONCURRENCY; default: "
                   "settings.crossref_concurrency, else 1). Crossref allows 1 in the public "
                   "pool, 3 in the polite one.")
@click.option("--refresh", is_flag=True, help="Ask Crossref again instead of using the cache.")
@click.option("--upgrade-preprints", is_flag=True,
              help="Apply a published version found for an arXiv entry.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the report as one JSON object (entries, counts, the dry run's "
                   "diff) instead of its lines.")
@filter_options(key_option=False)
@force_write_option
@max_wait_option
@pass_catalog
def command(ctx: CatalogContext, keys: tuple[str, ...], filters: Filters, dry_run: bool,
            fields_opt: str | None,
            mailto: str | None, crossref_url: str, concurrency: int | None, refresh: bool,
            upgrade_preprints: bool, as_json: bool, force_write: bool,
            max_wait_s: float | None) -> None:
    """Fill empty fields (authors, DOI, pages, ...) of entries from Crossref.

    Each entry is looked up by its DOI, then its PII, then by title; a title
    match is used only when it is unambiguous. Curated values are never
    overwritten; disagreements are reported. Exit 0 when the run completed,
    1 when it stopped early or a request failed, 2 for bad input.
    """
    from ..crossref.enrich import check_fields

    check_url(crossref_url, "--crossref-url")
    fields = None
    if fields_opt:
        try:
            fields = check_fields(fields_opt.split(","))
        except UsageError as exc:
            fail(f"--fields: {exc}", 2)
    # Locked for the whole run: another writer waits (or gives up, naming
    # this run); an editor's change meanwhile is re-based at each save.
    filters.keys = list(keys)
    with ctx.writing("ssl-bib enrich", force_write, dry_run=dry_run) as loaded:
        summary = _enrich(loaded, selected(loaded, filters), dry_run, fields,
                          mailto_for(loaded, mailto), crossref_url, concurrency, refresh,
                          upgrade_preprints, max_wait_s)
        if as_json:
            from ..jsonview import enrich_to_json

            click.echo(json.dumps(enrich_to_json(summary, _diff(loaded) if dry_run else None),
                                  indent=2, ensure_ascii=False))
        else:
            _print_reports(summary)
            if dry_run:
                sys.stdout.write(_diff(loaded))
        _finish(summary, dry_run)


def _diff(loaded: LoadedCatalog) -> str:
    """The dry run's diff; none, without loading the writing side, when
    nothing was filled."""
    if loaded.nothing_to_save():
        return ""
    from ..store import diff

    return diff(loaded)


def _enrich(loaded: LoadedCatalog, entries: list[Entry], dry_run: bool,
            fields: tuple[str, ...] | None, mailto: str | None, crossref_url: str,
            concurrency: int | None, refresh: bool, upgrade_preprints: bool,
            max_wait_s: float | None) -> Summary:
    from .. import api
    from ..progress import Progress

    with Progress(len(entries), "enrich") as progress:
        try:
            return api.enrich(loaded, entries, mailto=mailto, crossref_url=crossref_url,
                              concurrency=concurrency, fields=fields, refresh=refresh,
                              upgrade_preprints=upgrade_preprints, max_wait=max_wait_s,
                              dry_run=dry_run, on_done=progress.advance)
        except OSError as exc:
            # Saving failed (disk full, permissions): writes are atomic, so the
            # file holds what the last successful save wrote.
            fail(f"cannot write {loaded.path}: {exc.strerror or exc}; the file keeps what "
                 f"was saved before", 1)


def _print_reports(summary: Summary) -> None:
    """Each entry's outcome on stdout, its details indented below it."""
    for report in summary.reports:
        if report.filled:
            click.echo(f"{report.key}: filled {', '.join(report.filled)} (via {report.via})")
        elif report.status == "ambiguous":
            click.echo(f"{report.key}: ambiguous: {report.reason}")
        elif report.status == "not-found":
            click.echo(f"{report.key}: not found")
        elif report.status == "error":
            click.echo(f"{report.key}: error: {report.reason}")
        elif report.status == "upgrade" and report.reason:
            click.echo(f"{report.key}: {report.reason}")
        elif report.notes:
            # Found, nothing left to fill, but disagreements: they need a
            # heading of their own, or they would read as the previous entry's.
            click.echo(f"{report.key}: nothing to fill (via {report.via})")
        if report.work and (report.status == "upgrade" or report.filled):
            click.echo(f"  record: {report.work}")
        if report.status == "ambiguous":
            for candidate in report.candidates:
                click.echo(f"  candidate: {candidate}")
        for note in report.notes:
            click.echo(f"  disagreement: {note}")


def _finish(summary: Summary, dry_run: bool) -> None:
    """The summary line on stderr, and the exit status: 1 when the run
    stopped early or a request failed, 130 on Ctrl-C."""
    if summary.stopped and not any(r.status != "complete" for r in summary.reports):
        # Stopped before a single answer (Crossref unreachable): one line says it all.
        fail(f"{summary.stopped}; nothing was written", 1)
    upgrades = sum(r.status == "upgrade" and not r.filled for r in summary.reports)
    line = (f"enrich: {summary.enriched} entries enriched, {summary.fields_filled} fields "
            f"filled, {summary.count('ambiguous')} ambiguous, "
            f"{summary.count('not-found')} not found, {summary.count('error')} errors")
    if upgrades:
        line += f", {upgrades} published versions not applied"
    line += f" ({summary.requests} requests, {summary.cache_hits} answered from the cache)"
    if dry_run:
        line += "; dry run, nothing written"
    click.echo(line, err=True)
    kept = ("dry run, nothing written" if dry_run else
            "the entries accepted so far were saved" if summary.saved else "nothing was written")
    if summary.interrupted:
        fail(f"interrupted; {kept}", 130)
    if summary.stopped:
        fail(f"stopped: {summary.stopped}; {kept}", 1)
    if summary.count("error"):
        sys.exit(1)
