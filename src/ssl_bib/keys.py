"""Citation keys: made once by a formula, then never changed unless asked.

The default formula is Better BibTeX's: first author's family name in lower
case, the first three meaningful title words capitalised, the year
(`zhouModelsGenesisGeneric2019`). The formula is the catalog's `key_format`
setting, a template with these fields:

    {author}     first author's family name, lower case (empty with no author)
    {Author}     the same, capitalised
    {Title:N}    the first N meaningful title words, each capitalised
    {title:N}    the same, lower case
    {year}       the year

With no author the title words lead (`ModelsGenesisGeneric2019`).

A key, once written, changes only when `ssl-bib keys refresh` is asked to
(`refresh`); the old key then stays with the entry in `key_aliases`, so
documents that cite it keep working.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .errors import UsageError
from .lazy_re import compiled
from .model import Catalog, Entry
from .records import FrozenDataMethods, set_field
from .textnorm import ascii_fold

DEFAULT_KEY_FORMAT = "{author}{Title:3}{year}"

# Words Better BibTeX skips when it takes "meaningful" title words.
FUNCTION_WORDS = frozenset(
    """
a ab aboard about above across after against al along amid among an and anti around as at
before behind below beneath beside besides between beyond but by d da das de del dell dello
dei degli della dei des di do du down during ein eine einem einen einer eines el en et
except for from gli i il in inside into is l la las le les like lo los near nor of off on
onto or over past per plus round save since so some sur than the through to toward towards
un una unas under underneath une unlike uno unos until up upon versus via von with within
without yet zu zum
"""
    .split()
)

_FIELD_RE = compiled(r"\{(author|Author|title|Title|year)(?::(\d+))?\}")
_KEY_CHARS_RE = compiled(r"[^A-Za-z0-9_:\-]")
_WORD_RE = compiled(r"[A-Za-z0-9]+")


class KeyFormatError(UsageError, ValueError):
    """The key_format setting is not a template this module understands."""


def validate_format(key_format: str) -> None:
    rest = _FIELD_RE.sub("", key_format)
    if "{" in rest or "}" in rest:
        raise KeyFormatError(f"unknown field in key format {key_format!r}")
    if _KEY_CHARS_RE.search(rest):
        raise KeyFormatError(f"key format {key_format!r} has characters keys cannot hold")


def meaningful_words(title: str) -> list[str]:
    """The title's words a key takes: function words skipped, rich text and
    math read as their text ("CO<sub>2</sub>" is "CO2")."""
    # Loaded here, not at the top: check, and an import of papers the catalog
    # already has, make no key, and the rich-text reader takes 2 ms to load.
    from .richtext import plain

    # "Rubik's" is one word, as Better BibTeX reads it.
    words = _WORD_RE.findall(ascii_fold(plain(title)).replace("'", ""))
    return [w for w in words if w.lower() not in FUNCTION_WORDS]


def base_key(entry: Entry, key_format: str = DEFAULT_KEY_FORMAT) -> str:
    """The key the formula gives, before clashes are resolved."""
    family = ""
    if entry.authors:
        # "van der Berg" -> "Berg": particles are not part of the key, as in Better BibTeX.
        words = entry.authors[0].family.split()
        while len(words) > 1 and words[0][:1].islower():
            words.pop(0)
        family = "".join(_WORD_RE.findall(ascii_fold("".join(words))))

    def fill(match: re.Match[str]) -> str:
        name, count = match.group(1), int(match.group(2) or 3)
        if name == "author":
            return family.lower()
        if name == "Author":
            return family[:1].upper() + family[1:].lower()
        if name == "year":
            return str(entry.year)
        words = meaningful_words(entry.title)[:count]
        if name == "Title":
            return "".join(w[:1].upper() + w[1:] for w in words)
        return "".join(w.lower() for w in words)

    key = _KEY_CHARS_RE.sub("", _FIELD_RE.sub(fill, key_format))
    return key or f"entry{entry.year}"


class KeyPool:
    """The keys in use, folded once, so that giving keys to N new entries
    costs O(N), not O(N^2): also when many of them clash on one base key
    (a thousand "zhou2019models" would otherwise try a, b, c ... again each)."""

    def __init__(self, taken: Iterable[str] = (), key_format: str = DEFAULT_KEY_FORMAT) -> None:
        self.folded = {k.casefold() for k in taken}
        self.key_format = key_format
        # folded base key -> n such that the base and its first n - 1 suffixes
        # are all taken. Adding keys keeps that true; discard() forgets it.
        self._first_free: dict[str, int] = {}

    def add(self, key: str) -> None:
        self.folded.add(key.casefold())

    def discard(self, key: str) -> None:
        """Make `key` free again."""
        self.folded.discard(key.casefold())
        self._first_free.clear()

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.casefold() in self.folded

    def assign(self, entry: Entry) -> str:
        """A new key for `entry`, unique case-insensitively; clashes get a, b,
        c, ... aa, ab ... appended (the first one free). The key is taken from
        the pool at once."""
        base = base_key(entry, self.key_format)
        folded_base = base.casefold()
        n = self._first_free.get(folded_base, 0)
        while folded_base + _clash_suffix(n) in self.folded:
            n += 1
        self._first_free[folded_base] = n + 1
        candidate = base + _clash_suffix(n)
        self.add(candidate)
        return candidate


def _clash_suffix(n: int) -> str:
    """"" for 0, then a ... z, aa, ab ... (bijective base 26)."""
    suffix = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        suffix = chr(ord("a") + r) + suffix
    return suffix


def assign_key(entry: Entry, taken: Iterable[str], key_format: str = DEFAULT_KEY_FORMAT) -> str:
    """A new key for one entry against `taken` (for many, use a KeyPool)."""
    return KeyPool(taken, key_format).assign(entry)


_CLASH_SUFFIX_RE = compiled(r"[a-z]+")


def follows_format(entry: Entry, key_format: str = DEFAULT_KEY_FORMAT) -> bool:
    """Whether the entry's key is what the formula gives, up to the a, b, c
    ... that tell clashing keys apart."""
    base = base_key(entry, key_format)
    key = entry.key
    if key == base:
        return True
    return key.startswith(base) and bool(_CLASH_SUFFIX_RE.fullmatch(key[len(base):])) \
        and base[-1:].isdigit()


@dataclass(frozen=True, init=False, repr=False, eq=False)
class KeyChange(FrozenDataMethods):
    entry: Entry
    old: str
    new: str

    def __init__(self, entry: Entry, old: str, new: str) -> None:
        set_field(self, "entry", entry)
        set_field(self, "old", old)
        set_field(self, "new", new)


def plan_refresh(catalog: Catalog, entries: Sequence[Entry]) -> list[KeyChange]:
    """New keys for those of `entries` whose key is not what the formula gives
    now, in catalog order; unique case-insensitively against every key and
    old key in the catalog (an entry may take back one of its own old keys).
    Changes nothing."""
    key_format = catalog.settings.key_format
    wanted = {id(e) for e in entries}
    pool = KeyPool(catalog.taken_keys(), key_format)
    changes = []
    for entry in catalog.entries:
        if id(entry) not in wanted or follows_format(entry, key_format):
            continue
        # Its own key and old keys are free for it: the formula may give one back.
        own = [entry.key, *entry.key_aliases]
        for key in own:
            pool.discard(key)
        new = pool.assign(entry)
        for key in own:
            pool.add(key)
        if new != entry.key:
            changes.append(KeyChange(entry, entry.key, new))
    return changes


def apply_refresh(changes: Sequence[KeyChange]) -> None:
    """Give each entry its new key and keep the old one as an alias."""
    for change in changes:
        entry = change.entry
        aliases = [a for a in entry.key_aliases if a.casefold() != change.new.casefold()]
        if change.old.casefold() not in {a.casefold() for a in aliases} | {
                change.new.casefold()}:
            aliases.append(change.old)
        entry.key_aliases = aliases
        entry.key = change.new
