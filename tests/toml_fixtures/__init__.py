"""What "the same TOML data" means when two parsers are compared: equal
values of the same types, tables with their keys in the same order, floats
bit for bit (NaN equal to NaN, -0.0 not equal to 0.0), datetimes with the
same offset and the same kind of tzinfo."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any


def canonical(value: Any) -> Any:
    """A form of parsed TOML data that compares as described above."""
    if isinstance(value, dict):
        return ("table", [(key, canonical(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("array", [canonical(item) for item in value])
    if isinstance(value, float):
        return ("float", "nan" if math.isnan(value) else value.hex())
    if isinstance(value, dt.datetime):
        tz = value.tzinfo
        return ("datetime", value.isoformat(), type(tz).__name__ if tz else None,
                value.utcoffset())
    return (type(value).__name__, value)


def same_data(a: Any, b: Any) -> bool:
    return canonical(a) == canonical(b)
