"""The methods a dataclass decorator generates, written once for all.

The decorator compiles each method it makes (__init__, __repr__, __eq__,
__hash__): for the dataclasses a command's start makes, the model's and the
reading, checking and importing side's, that was 10-15 ms of a 40 ms budget.
Those classes are declared `@dataclass(init=False, repr=False, eq=False)` on
one of the bases below, with their `__init__` written out: they stay
dataclasses (fields(), replace(), asdict(), match args, frozen and slots as
before), and tests/test_model_methods.py holds each to the class the
decorator makes from the same fields and flags.
"""

from __future__ import annotations

import operator
from dataclasses import Field
from typing import Any

# The default of a field whose value is made per instance (a dataclass's
# default_factory): `[]` or `{}` is made in __init__, never shared. Shown as a
# generated __init__ shows it.
FACTORY: Any = type("_Factory", (), {"__repr__": lambda self: "<factory>"})()
# How a frozen instance's __init__ sets its fields (its own __setattr__ refuses).
set_field = object.__setattr__


class DataMethods:
    """repr and equality as a dataclass makes them: the class name and each
    field shown (not those declared `field(repr=False)`), and equal when of
    the same class with equal fields, compared in field order (not those
    declared `field(compare=False)`). The fields are the class's own
    annotations, in order. Defining __eq__ leaves __hash__ None: mutable
    ones are unhashable, as dataclasses are."""

    __slots__ = ()
    _shown: tuple[str, ...] = ()
    _compared: tuple[str, ...] = ()
    _shown_values: Any = None
    _values: Any = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "_values" in cls.__dict__:
            return  # a slotted dataclass made again from this one: already known
        names = tuple(cls.__dict__.get("__annotations__", {}))
        if not names:
            return

        def declared(name: str, option: str) -> bool:
            value = cls.__dict__.get(name)  # a Field until the decorator runs
            return bool(getattr(value, option, True)) if isinstance(value, Field) else True

        cls._shown = tuple(name for name in names if declared(name, "repr"))
        cls._compared = tuple(name for name in names if declared(name, "compare"))
        cls._shown_values = _getter(cls._shown)
        cls._values = _getter(cls._compared)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in
                          zip(self._shown, self._shown_values(self), strict=True))
        return f"{self.__class__.__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return bool(self._values(self) == self._values(other))
        return NotImplemented


def _getter(names: tuple[str, ...]) -> Any:
    """The values of these attributes, as a tuple (a static method: a plain
    function stored on a class would bind)."""
    if len(names) > 1:
        return operator.attrgetter(*names)
    if names:
        one = operator.attrgetter(names[0])
        return staticmethod(lambda obj: (one(obj),))
    return staticmethod(lambda obj: ())


class FrozenDataMethods(DataMethods):
    """A frozen dataclass's methods: hashable by its fields."""

    __slots__ = ()

    def __hash__(self) -> int:
        return hash(self._values(self))
