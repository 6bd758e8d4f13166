"""ssl_bib.lazy_re: patterns compiled at their first use behave as the ones
re.compile makes, and every pattern of the package compiles."""

from __future__ import annotations

import copy
import importlib
import pickle
import pkgutil
import re
import subprocess
import sys
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ssl_bib
from ssl_bib import lazy_re
from ssl_bib.lazy_re import compiled


def _every_module() -> None:
    for info in pkgutil.walk_packages(ssl_bib.__path__, "ssl_bib."):
        importlib.import_module(info.name)


def test_every_pattern_of_the_package_compiles() -> None:
    _every_module()
    assert len(lazy_re.made) > 150  # the package's module-level patterns
    for deferred in lazy_re.made:
        real = re.compile(deferred._source, deferred._flags)
        assert (deferred.pattern, deferred.flags, deferred.groups, deferred.groupindex) == \
            (real.pattern, real.flags, real.groups, real.groupindex)


def test_importing_the_package_compiles_none_of_them() -> None:
    code = ("import importlib, pkgutil, ssl_bib\n"
            "from ssl_bib import lazy_re\n"
            "for info in pkgutil.walk_packages(ssl_bib.__path__, 'ssl_bib.'):\n"
            "    importlib.import_module(info.name)\n"
            "used = [d for d in lazy_re.made if type(d) is not lazy_re._Deferred]\n"
            "print(len(lazy_re.made), [d._source for d in used])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split(" ", 1)
    assert int(out[0]) > 150
    assert out[1].strip() == "[]"


_PATTERNS = [(r"(a+)(b)?", 0), (r"^x.*$", re.MULTILINE), (r"[a-z]+", re.IGNORECASE),
             (r"(?P<word>\w+)\s*", 0), (r"\d{2,}", re.ASCII)]


@settings(max_examples=200)
@given(st.sampled_from(_PATTERNS), st.text(alphabet="abAB x1234\n_é", max_size=30),
       st.booleans())
def test_a_deferred_pattern_answers_as_a_compiled_one(
        spec: tuple[str, int], text: str, used_before: bool) -> None:
    deferred, real = compiled(*spec), re.compile(*spec)
    if used_before:
        deferred.search("")
    for method in ("match", "search", "fullmatch", "findall", "split"):
        got, expected = getattr(deferred, method)(text), getattr(real, method)(text)
        if method in ("findall", "split"):
            assert got == expected
        else:
            assert (got and (got.span(), got.groups())) == \
                (expected and (expected.span(), expected.groups()))
    assert deferred.sub("<\\g<0>>", text) == real.sub("<\\g<0>>", text)
    assert deferred.subn("-", text, count=1) == real.subn("-", text, count=1)
    assert [m.span() for m in deferred.finditer(text)] == [m.span() for m in real.finditer(text)]


def test_bytes_patterns_and_flags_carry_over() -> None:
    deferred = compiled(rb"\\u[dD][89a-fA-F]", re.IGNORECASE)
    assert deferred.search(b'"\\ud800"') is not None
    assert deferred.flags == re.compile(rb"x", re.IGNORECASE).flags


def test_compiled_once_then_no_hook() -> None:
    deferred = compiled(r"a(b)")
    assert type(deferred) is lazy_re._Deferred
    first = deferred.match
    assert type(deferred) is lazy_re._Compiled
    assert deferred.match is first  # kept, not compiled again
    assert repr(deferred) == "compiled('a(b)', 0)"


def test_other_names_are_refused_without_compiling() -> None:
    deferred = compiled(r"(")  # would raise re.error when compiled
    with pytest.raises(AttributeError):
        _ = deferred.no_such_attribute  # type: ignore[attr-defined]
    assert copy.copy(deferred) is deferred  # immutable, as re's patterns
    assert copy.deepcopy([deferred])[0] is deferred
    again = pickle.loads(pickle.dumps(deferred))  # made again, still deferred
    assert type(again) is lazy_re._Deferred and repr(again) == repr(deferred)
    with pytest.raises(re.error):
        deferred.match("x")


def test_first_use_from_many_threads() -> None:
    deferred = compiled(r"(x+)")
    results: list[object] = []
    barrier = threading.Barrier(8)

    def use() -> None:
        barrier.wait()
        match = deferred.fullmatch("xxx")
        results.append(match and match.group(1))

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["xxx"] * 8
