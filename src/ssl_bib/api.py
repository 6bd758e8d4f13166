"""The library's face: what a Python program (or the command line, which is
a thin layer over these) calls to load, check, export, import, enrich, sync
and save a catalog. `ssl_bib/__init__.py` re-exports these names.

Each function takes the catalog `load` returns (a LoadedCatalog: the data
and where each entry sits in its file, so that `save` rewrites only what
changed), validates its arguments as the command line does, and raises only
errors derived from errors.SslBibError. The heavy parts (codecs, the HTTP
stack) are imported when a function needs them, so `import ssl_bib` stays
light.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .errors import SslBibError, UsageError
from .model import Catalog, Entry
from .problems import Problem
from .records import FrozenDataMethods, set_field
from .store import LoadedCatalog

if TYPE_CHECKING:
    from .crossref.client import CrossrefClient
    from .crossref.enrich import Checkpoint, Summary
    from .importer import OnDuplicate, Outcome, StageStart
    from .zotero.report import Report

PathLike = str | os.PathLike[str]
SyncMode = Literal["status", "pull", "push", "sync"]


def load(path: PathLike) -> LoadedCatalog:
    """Read a catalog file. Its entries are `catalog.entries` (model.Entry),
    its venues `catalog.venues`; problems found while reading (a value of the
    wrong type, an unknown field) are in `catalog.problems`, each with its
    line. Raises InputError (file:line) for a file that is not a catalog."""
    from .store import load as load_file

    return load_file(Path(path))


def save(catalog: LoadedCatalog, *, force: bool = False) -> bool:
    """Write the catalog back if anything changed, and return whether it
    wrote: atomically, under the catalog's lock, splicing only the entries
    that changed (comments elsewhere survive). A change someone made to the
    file meanwhile is re-based, or WriteRefused says why nothing was
    written; `force` writes a read-only file."""
    from .store import save as save_file

    catalog.force = catalog.force or force
    return save_file(catalog)


def check(catalog: LoadedCatalog, strict: bool = False) -> list[Problem]:
    """What `ssl-bib check` reports, errors and warnings, each with its line;
    `strict` adds every entry not ready to cite (check --strict)."""
    from .validate import check as check_catalog

    problems = check_catalog(catalog)
    if strict:
        from .readiness import not_ready

        problems = sorted(problems + not_ready(catalog), key=lambda p: (p.line, p.severity))
    return problems


def export(catalog: LoadedCatalog | Catalog, fmt: str,
           entries: Iterable[Entry] | None = None) -> str:
    """The entries (all by default) as text in `fmt`: "bibtex", "biblatex",
    "ris" or "csljson". Raises ExportError for an entry that cannot be
    written soundly (nothing partial is returned), UsageError for an
    unknown format."""
    from .exporting import FORMATS
    from .exporting import export as export_text

    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    data = catalog.catalog if isinstance(catalog, LoadedCatalog) else catalog
    chosen = list(data.entries if entries is None else entries)
    return export_text(data, chosen, fmt)


# -- import ------------------------------------------------------------------------


@dataclass(frozen=True, init=False, repr=False, eq=False)
class Input(FrozenDataMethods):
    """One file to import, read and its format decided."""

    name: str
    text: str
    fmt: str  # a reader's name in codecs.registry

    def __init__(self, name: str, text: str, fmt: str) -> None:
        set_field(self, "name", name)
        set_field(self, "text", text)
        set_field(self, "fmt", fmt)


class InvalidImport(SslBibError):
    """The import would leave entries `check` rejects (a safety net: the
    importer should never produce them); `problems` lists each, `outcome`
    is what the import did. Nothing of the import should be written."""

    def __init__(self, problems: list[Problem], outcome: Outcome) -> None:
        self.problems, self.outcome = problems, outcome
        super().__init__(f"the imported entries would not be valid ({problems[0].format()}"
                         f"{f' and {len(problems) - 1} more' if len(problems) > 1 else ''})"
                         ": nothing was written")


def read_inputs(paths: Iterable[PathLike], fmt: str = "auto") -> list[Input]:
    """Read the files to import, deciding each one's format from its name
    and content (`fmt="auto"`) or as given. InputError for a file that
    cannot be read or whose format cannot be told; UsageError for an
    unknown format."""
    from .codecs import registry
    from .importer import read_text

    if fmt != "auto" and fmt not in registry.readers():
        raise UsageError(f"unknown import format {fmt!r}; choose from auto, "
                         f"{', '.join(registry.readers())}")
    inputs: list[Input] = []
    for name in paths:
        path = Path(name)
        text = read_text(path)
        chosen = registry.detect(path, text).name if fmt == "auto" else fmt
        inputs.append(Input(path.name, text, chosen))
    return inputs


def import_inputs(catalog: LoadedCatalog, inputs: Sequence[Input], *,
                  on_duplicate: OnDuplicate = "merge", keep_keys: bool = False,
                  stages: StageStart | None = None) -> Outcome:
    """Import read inputs into the catalog, in place (nothing is written:
    `save` does that). Papers already in it are merged (`on_duplicate`
    "skip" leaves them, "add" adds them again); the outcome lists what was
    added and merged, the conflicts and the problems of each record
    (`outcome.errors` counts the malformed ones). Raises InvalidImport when
    the result would not pass `check`."""
    from .importer import import_texts

    outcome = import_texts(catalog.catalog, [(i.name, i.text, i.fmt) for i in inputs],
                           on_duplicate=on_duplicate, keep_keys=keep_keys,
                           bootstrap=catalog.disk is None, stages=stages)
    touched = {e.key for e in outcome.added} | {e.key for e, _ in outcome.merged}
    if not touched:
        return outcome  # no entry changed: none can have become invalid
    from .validate import check as check_catalog

    if stages is not None:
        stages(f"checking {catalog.name}", 1, False)
    invalid = [p for p in check_catalog(catalog) if p.severity == "error" and p.key in touched]
    if invalid:
        raise InvalidImport(invalid, outcome)
    return outcome


def import_files(catalog: LoadedCatalog, paths: Iterable[PathLike], *, fmt: str = "auto",
                 on_duplicate: OnDuplicate = "merge", keep_keys: bool = False) -> Outcome:
    """Read the files (BibTeX, biblatex, RIS, CSL-JSON or an awesome-list
    README) and import them into the catalog: read_inputs, then
    import_inputs."""
    return import_inputs(catalog, read_inputs(paths, fmt), on_duplicate=on_duplicate,
                         keep_keys=keep_keys)


# -- enrich ------------------------------------------------------------------------


def enrich(catalog: LoadedCatalog, entries: Iterable[Entry] | None = None, *,
           mailto: str | None = None, crossref_url: str | None = None,
           concurrency: int | None = None, fields: Iterable[str] | None = None,
           refresh: bool = False, upgrade_preprints: bool = False,
           max_wait: float | None = None, dry_run: bool = False,
           cache_dir: PathLike | None = None,
           on_done: Callable[[str], None] | None = None,
           client: CrossrefClient | None = None) -> Summary:
    """Fill empty fields of the entries (all by default) from Crossref,
    never overwriting a curated value; the summary reports each entry.

    Accepted results are saved to the catalog's file as the run goes (an
    interrupted run keeps them), unless `dry_run`, which changes the entries
    in memory only. The contact address is `mailto`, else the catalog's
    settings.crossref_mailto; responses are cached in `cache_dir` (default:
    the user cache folder). UsageError for a malformed address, URL, field
    name, concurrency or wait; `client` replaces the Crossref client
    (tests, a mirror with its own transport)."""
    from .crossref.cache import ResponseCache, default_cache_dir
    from .crossref.client import CrossrefClient
    from .crossref.enrich import ENRICH_FIELDS, check_fields, run
    from .service_settings import CROSSREF_URL, check_url, contact_address, crossref_policy
    from .service_settings import max_wait as wait_limit

    settings = catalog.catalog.settings
    chosen = check_fields(fields) if fields is not None else ENRICH_FIELDS
    url = check_url(crossref_url or CROSSREF_URL, "crossref_url")
    address = contact_address(mailto, settings, catalog.name)
    in_flight = concurrency or settings.crossref_concurrency or 1
    if not 1 <= in_flight <= 16:
        raise UsageError(f"concurrency: {in_flight} is not from 1 to 16")
    policy = crossref_policy(wait_limit(max_wait, settings))
    selected = list(catalog.catalog.entries if entries is None else entries)

    own = client is None
    if client is None:
        cache = ResponseCache(Path(cache_dir) if cache_dir is not None else default_cache_dir())
        client = CrossrefClient(base_url=url, mailto=address, cache=cache, refresh=refresh,
                                policy=policy, max_in_flight=in_flight)
    try:
        return run(catalog.catalog, selected, client, concurrency=in_flight, fields=chosen,
                   upgrade_preprints=upgrade_preprints,
                   checkpoint=None if dry_run else saving_checkpoint(catalog),
                   on_done=on_done)
    finally:
        if own:
            client.close()


def saving_checkpoint(catalog: LoadedCatalog) -> Checkpoint:
    """The checkpoint `enrich` saves with: store.save, an entry whose filled
    values the file cannot hold put back as it was (and reported by enrich),
    the others saved."""
    from .crossref.enrich import Checkpointed
    from .store import keep_storable
    from .store import save as save_file

    def checkpoint() -> Checkpointed:
        wrote, dropped = keep_storable(catalog, lambda: save_file(catalog))
        return Checkpointed(wrote, {e.key: e.detail for e in dropped})

    return checkpoint


# -- sync --------------------------------------------------------------------------


def sync(catalog: LoadedCatalog, mode: SyncMode = "sync", *, group: int | None = None,
         api_key: str | None = None, api_key_file: PathLike | None = None,
         zotero_url: str | None = None, dry_run: bool = False,
         prefer: Literal["local", "remote"] | None = None, reset_state: bool = False,
         max_wait: float | None = None,
         progress: Callable[[str, int, int], None] | None = None) -> Report:
    """Sync the catalog with a Zotero group: "pull" brings Zotero's changes
    in, "push" sends the catalog's, "sync" both, "status" reports what sync
    would do and changes nothing. The group is `group`, else the catalog's
    settings.zotero_group; the key `api_key`, else the file `api_key_file`,
    else ZOTERO_API_KEY. The catalog and its sync state file are saved as
    the protocol requires (never by a dry run or status). Raises UsageError
    (no group, a malformed key or URL), InputError (a catalog with errors,
    or one zotero_key on two entries) and ZoteroError (the service)."""
    from .service_settings import check_url, zotero_policy
    from .service_settings import max_wait as wait_limit
    from .zotero.client import DEFAULT_URL, ZoteroClient, ZoteroError
    from .zotero.credentials import api_key as read_key
    from .zotero.credentials import checked_key
    from .zotero.preflight import refuse_unsyncable
    from .zotero.state import state_path
    from .zotero.sync import SyncEngine

    if mode not in ("status", "pull", "push", "sync"):
        raise UsageError(f"unknown sync mode {mode!r}; choose from status, pull, push, sync")
    refuse_unsyncable(catalog)
    settings = catalog.catalog.settings
    group = group if group is not None else settings.zotero_group
    if group is None:
        raise UsageError("no Zotero group: give --group ID or set zotero_group in [settings]")
    key = checked_key(api_key, "the API key") if api_key is not None else read_key(api_key_file)
    url = check_url(zotero_url or DEFAULT_URL, "zotero_url")
    client = ZoteroClient(group, key, url,
                          policy=zotero_policy(wait_limit(max_wait, settings)))
    try:
        engine = SyncEngine(catalog, client, state_path(catalog.path, group), mode,
                            dry_run=dry_run, prefer=prefer, progress=progress,
                            reset_state=reset_state)
        try:
            report = engine.run()
        except SslBibError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError, RecursionError,
                UnicodeError) as exc:
            # The wire checks (zotero/wire.py) should leave nothing for this; if
            # a server's answer still gets through, one line, never a traceback
            # with values that might hold the key.
            raise ZoteroError(client.scrub(
                f"Zotero sent data ssl-bib could not use ({type(exc).__name__}: "
                f"{' '.join(str(exc).split())[:160]}); please report this")) from None
        _scrub_report(report, client.scrub)
        return report
    finally:
        client.close()


def _scrub_report(report: Report, scrub: Callable[[str], str]) -> None:
    """The key out of every text of the report (a value Zotero sent back
    could hold it), so that no caller prints it."""
    from dataclasses import fields, is_dataclass, replace

    def clean(value: object) -> object:
        if isinstance(value, str):
            return scrub(value)
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if is_dataclass(value) and not isinstance(value, type):
            return replace(value, **{f.name: clean(getattr(value, f.name))
                                     for f in fields(value) if f.init})
        return value

    for name, value in vars(report).items():
        if isinstance(value, list | dict):
            setattr(report, name, clean(value))
