"""Which catalog entries a document cites, and under which names.

A document may cite an entry by its key or by one of its old keys
(`key_aliases`), in any letter case. biblatex resolves old keys itself through
`ids`; BibTeX has no such field and wants the key exactly as cited, so for
BibTeX an entry cited by another name is written under that name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

from .auxfile import Citations
from .model import Catalog, Entry


@dataclass(frozen=True)
class Missing:
    key: str
    file: str
    line: int


@dataclass
class Cited:
    """The cited entries in catalog order, the other names each was cited by,
    and the cited keys the catalog does not have."""

    entries: list[Entry] = field(default_factory=list)
    other_names: dict[int, list[str]] = field(default_factory=dict)
    missing: list[Missing] = field(default_factory=list)
    # Entries cited by their key itself (or by \nocite{*}).
    by_key: set[int] = field(default_factory=set)

    def for_format(self, fmt: str) -> list[Entry]:
        """What to write: for BibTeX, each entry also under every other name it
        was cited by (an old key, another letter case)."""
        if fmt != "bibtex":
            return list(self.entries)
        out: list[Entry] = []
        for entry in self.entries:
            names = self.other_names.get(id(entry), [])
            seen: set[str] = set()
            if id(entry) in self.by_key or not names:
                out.append(entry)
                seen.add(entry.key.casefold())
            for name in names:
                if name.casefold() not in seen:  # BibTeX folds case: one block a name
                    seen.add(name.casefold())
                    out.append(dataclasses.replace(entry, key=name, key_aliases=[]))
        return out


def resolve(catalog: Catalog, citations: Citations,
            allowed: Sequence[Entry] | None = None) -> Cited:
    """The entries `citations` name, limited to `allowed` (the list filters)
    when given; `\\nocite{*}` names every allowed entry."""
    pool = list(allowed) if allowed is not None else catalog.entries
    permitted = {id(e) for e in pool}
    chosen: set[int] = set()
    out = Cited()
    if citations.cites_all:
        chosen.update(permitted)
        out.by_key.update(permitted)
    for name, (file, line) in citations.keys.items():
        entry = catalog.find(name)
        if entry is None:
            out.missing.append(Missing(name, file, line))
            continue
        if id(entry) not in permitted:
            continue  # cited, but the filters leave it out
        chosen.add(id(entry))
        if name == entry.key:
            out.by_key.add(id(entry))
        else:
            out.other_names.setdefault(id(entry), []).append(name)
    out.entries = [e for e in catalog.entries if id(e) in chosen]
    return out
