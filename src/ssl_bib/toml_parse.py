"""Parse TOML text for the store: a compiled parser when it is installed, the
standard library's tomllib otherwise, and tomllib as the judge of any text the
compiled parser refuses.

Why: tomllib, pure Python, took 2.7 s of a 3.7 s `check` of a 10,000-entry
catalog; toml-rs (Rust, PyPI) parses the same 8 MB in about 0.17 s. It was
chosen by measurement and conformance (README, "Performance"): read as TOML
1.0.0, the version tomllib implements, it gave tomllib's data on every case of
tests/test_toml_parse.py, where rtoml accepted TOML 1.1 syntax (`\\e`, newlines
in inline tables, times without seconds) and returned its own tzinfo class,
and pytomlpp was three times slower.

Errors stay tomllib's: when the compiled parser refuses a text, tomllib parses
it again, so a syntax error carries the same message and line as before, and
a text that only tomllib accepts (an integer beyond 64 bits) reads as before.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from .lazy_re import compiled

if TYPE_CHECKING:
    import tomllib

Parser = Callable[[str], dict[str, Any]]


def __getattr__(name: str) -> type[tomllib.TOMLDecodeError]:
    """`TOMLDecodeError` is tomllib's, imported on first use: with the
    compiled parser, a valid catalog never needs tomllib (its parser is the
    biggest import of a command's start)."""
    if name == "TOMLDecodeError":
        import tomllib

        return tomllib.TOMLDecodeError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def find_compiled() -> tuple[Parser | None, str]:
    """The compiled parser (reading TOML 1.0.0, as tomllib does) and its name;
    None and "tomllib" when it is not installed."""
    try:
        import toml_rs
    except ImportError:  # no wheel for this platform: tomllib does it all
        return None, "tomllib"

    def parse(text: str) -> dict[str, Any]:
        return toml_rs.loads(text, toml_version="1.0.0")

    return parse, f"toml-rs {toml_rs.__version__}"


COMPILED, READER = find_compiled()

# toml-rs recurses per nested array or inline table and has no limit of its
# own: some tens of thousands of levels overflow its stack and kill the
# process. Deeper than this goes to tomllib, which raises RecursionError (the
# store reports it). No catalog comes near it.
_MAX_DEPTH = 500
_NOT_BRACKETS_RE = compiled(r"[^\[\]{}]+")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _may_nest_deeper(text: str, limit: int) -> bool:
    """Whether brackets in `text` may nest deeper than `limit`: counted
    crudely (brackets inside strings too), so it may say yes for a text that
    does not, never no for one that does."""
    if text.count("[") + text.count("{") <= limit:
        return False  # cannot: too few openers (every entry's table, say)
    brackets = _NOT_BRACKETS_RE.sub("", text)
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0) > limit


def loads(text: str) -> dict[str, Any]:
    """The TOML document as tomllib would return it. Raises tomllib's
    TOMLDecodeError, with tomllib's message and line, for invalid text."""
    if COMPILED is not None and not _may_nest_deeper(text, _MAX_DEPTH):
        try:
            return COMPILED(text)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # noqa: BLE001 - a refusal or a panic: tomllib decides
            pass
    import tomllib

    return tomllib.loads(text)
