"""What a sync did (or, for status and --dry-run, would do), for printing."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..merge import Conflict

# (side, action): side is "catalog" (local changes) or "zotero" (remote changes).
ACTIONS = ("new", "changed", "deleted")


@dataclass
class Report:
    # changes applied (or to apply) to each side: action -> catalog keys
    catalog: dict[str, list[str]] = field(
        default_factory=lambda: {a: [] for a in ACTIONS})
    zotero: dict[str, list[str]] = field(default_factory=lambda: {a: [] for a in ACTIONS})
    # conflicts left open: both values stay until --prefer picks one
    conflicts: list[Conflict] = field(default_factory=list)
    # conflicts --prefer decided, one line each ("entry K: title: took ...")
    resolved: list[str] = field(default_factory=list)
    # venues and categories a pull gave the catalog
    adopted: list[str] = field(default_factory=list)
    # "new" or "changed" when the group's catalog note is (to be) written
    catalog_note: str = ""
    # entries left alone for a reason the user should know (pull first, ...)
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    requests: int = 0
    dry_run: bool = False
    prefer: str | None = None

    def record(self, side: str, action: str, key: str) -> None:
        target = self.catalog if side == "catalog" else self.zotero
        if key not in target[action]:
            target[action].append(key)

    def unrecord(self, side: str, key: str) -> None:
        target = self.catalog if side == "catalog" else self.zotero
        for keys in target.values():
            if key in keys:
                keys.remove(key)

    def lines(self) -> list[str]:
        out: list[str] = []
        for side, changes in (("catalog", self.catalog), ("zotero", self.zotero)):
            for action in ACTIONS:
                out.extend(f"{side}: {action}: {key}" for key in changes[action])
        out.extend(f"catalog: {line}" for line in self.adopted)
        if self.catalog_note:
            out.append(f"zotero: catalog note: {self.catalog_note} (the catalog's venues, "
                       "categories and order of entries)")
        out.extend(f"conflict: {c.describe()}" for c in self.conflicts)
        out.extend(f"resolved: {line}" for line in self.resolved)
        out.extend(f"note: {n}" for n in self.notes)
        out.extend(f"failed: {f}" for f in self.failures)
        return out

    def summary(self) -> str:
        verb = "would change" if self.dry_run else "changed"

        def side(changes: dict[str, list[str]]) -> str:
            return ", ".join(f"{len(changes[a])} {a}" for a in ACTIONS)

        conflicted = len({c.key for c in self.conflicts})
        # Counted apart from the open ones: these need nobody's attention.
        resolved = (f"; {len(self.resolved)} conflict{'s' * (len(self.resolved) != 1)} "
                    f"resolved by --prefer {self.prefer}" if self.resolved else "")
        return (f"zotero: catalog {verb}: {side(self.catalog)}; zotero {verb}: "
                f"{side(self.zotero)}; {len(self.conflicts)} conflicting field"
                f"{'s' * (len(self.conflicts) != 1)} in {conflicted} entr"
                f"{'y' if conflicted == 1 else 'ies'}{resolved}; {len(self.failures)} failed; "
                f"{self.requests} request{'s' * (self.requests != 1)}")
