"""Regular expressions compiled at their first use, not at import.

A module's patterns used to be compiled when the module loaded: 30 to 70 of
them at every command's start, 3 to 8 ms of a 40 ms budget, and half of them
never used by that command (`check` has no use for the patterns that take
DOIs out of Springer links, nor `export` for the BibTeX reader's).
`compiled(source, flags)` stands for `re.compile(source, flags)` and compiles
at the first attribute asked for. It then keeps the compiled pattern's
methods in its own attributes, so that a later `PATTERN.match` is one lookup
in the instance, as cheap as the method of a compiled pattern.

Its type is the compiled pattern's: use it as one (`.match`, `.sub`,
`.pattern`...), but not as an argument of the `re` module's functions, which
want a string or a real compiled pattern.
"""

from __future__ import annotations

import re
from typing import Any, AnyStr, cast

# What a compiled pattern offers, kept on the instance at the first use.
_ATTRIBUTES = frozenset({"match", "search", "fullmatch", "sub", "subn", "split", "findall",
                         "finditer", "scanner", "pattern", "flags", "groups", "groupindex"})
# Every pattern made here, so that a test can compile them all: a mistake in
# one must not wait for the first input that reaches it.
made: list[_Compiled] = []


class _Compiled:
    """A deferred pattern once compiled: its attributes are the compiled
    pattern's, held in slots (found by the first lookup in the type, as a
    compiled pattern's methods are), and no __getattr__ hook slows a lookup."""

    __slots__ = ("_source", "_flags", *sorted(_ATTRIBUTES))
    _source: str | bytes
    _flags: int

    def __repr__(self) -> str:
        return f"compiled({self._source!r}, {self._flags!r})"

    # A pattern is immutable, so a copy is the pattern itself (as for re's own);
    # pickled, it is made again, deferred.
    def __copy__(self) -> _Compiled:
        return self

    def __deepcopy__(self, memo: object) -> _Compiled:
        return self

    def __reduce__(self) -> tuple[Any, tuple[str | bytes, int]]:
        return compiled, (self._source, self._flags)


class _Deferred(_Compiled):
    """A pattern compiled when first used (see the module docstring)."""

    __slots__ = ()

    def __init__(self, source: str | bytes, flags: int) -> None:
        self._source = source
        self._flags = flags

    def __getattr__(self, name: str) -> Any:
        # Called only for a name the instance does not hold yet: the first use.
        if name not in _ATTRIBUTES:  # copy's and pickle's probes, and typos
            raise AttributeError(name)
        pattern = re.compile(self._source, self._flags)
        for attribute in _ATTRIBUTES:
            setattr(self, attribute, getattr(pattern, attribute))
        self.__class__ = _Compiled  # type: ignore[assignment]  # same layout, no hook
        return getattr(self, name)


def compiled(source: AnyStr, flags: int | re.RegexFlag = 0) -> re.Pattern[AnyStr]:
    """`re.compile(source, flags)`, done at the first use of the result."""
    deferred = _Deferred(source, int(flags))
    made.append(deferred)
    return cast("re.Pattern[AnyStr]", deferred)
