"""KeyPool gives each new entry the first free key: the base key, else the
base with a, b, ... z, aa, ab ... appended, compared without case. It
remembers where each base's free suffixes start, so a thousand clashes on one
base cost a thousand steps; these tests hold it to the plain search."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from ssl_bib.keys import KeyPool, base_key
from ssl_bib.model import Entry


def _suffixes() -> list[str]:
    letters = string.ascii_lowercase
    return ["", *letters, *(a + b for a in letters for b in letters)]


def plain_first_free(base: str, taken: set[str]) -> str:
    """The reference: every suffix tried in order."""
    return next(base + s for s in _suffixes() if (base + s).casefold() not in taken)


# Few titles and years, so that bases clash often.
entries = st.builds(lambda t, y: Entry(key="", title=t, year=y),
                    st.sampled_from(["Models Genesis", "models genesis", "Rubik Cube",
                                     "A Rubik cube", "Contrastive Learning"]),
                    st.sampled_from([2019, 2020]))
# Keys a catalog may already hold or free again: bases with suffixes, any case.
keys = st.builds(lambda e, s, upper: (base_key(e) + s).upper() if upper else base_key(e) + s,
                 entries, st.sampled_from(["", "a", "b", "c", "z", "aa", "ab"]), st.booleans())
operations = st.lists(st.one_of(st.tuples(st.just("assign"), entries),
                                st.tuples(st.just("add"), keys),
                                st.tuples(st.just("discard"), keys)), max_size=120)


@settings(max_examples=300, deadline=None)
@given(taken=st.lists(keys, max_size=20), ops=operations)
def test_the_first_free_key_after_any_adds_and_discards(taken: list[str],
                                                         ops: list[tuple[str, object]]) -> None:
    pool = KeyPool(taken)
    reference = {k.casefold() for k in taken}
    for op, arg in ops:
        if op == "assign":
            assert isinstance(arg, Entry)
            expected = plain_first_free(base_key(arg), reference)
            assert pool.assign(arg) == expected
            reference.add(expected.casefold())
        elif op == "add":
            assert isinstance(arg, str)
            pool.add(arg)
            reference.add(arg.casefold())
        else:
            assert isinstance(arg, str)
            pool.discard(arg)
            reference.discard(arg.casefold())
        assert pool.folded == reference


def test_a_freed_key_is_given_again() -> None:
    entry = Entry(key="", title="Models Genesis", year=2019)
    pool = KeyPool()
    given_keys = [pool.assign(entry) for _ in range(4)]
    base = base_key(entry)
    assert given_keys == [base, base + "a", base + "b", base + "c"]
    pool.discard(base + "A")                 # any case
    assert pool.assign(entry) == base + "a"
    assert pool.assign(entry) == base + "d"


def test_many_clashes_on_one_base_take_steps_in_proportion() -> None:
    """2,000 entries with one base key: each suffix is looked up about once
    (the plain search looks up about 2,000,000)."""
    entry = Entry(key="", title="Models Genesis", year=2019)
    looked_up = 0

    class Counting(set[str]):
        def __contains__(self, key: object) -> bool:
            nonlocal looked_up
            looked_up += 1
            return super().__contains__(key)

    pool = KeyPool()
    pool.folded = Counting()
    given_keys = [pool.assign(entry) for _ in range(2000)]
    # The 2,000th key has suffix number 1,999 = 703 ("aaa") + 1 * 676 + 23 * 26 + 22.
    assert len(set(given_keys)) == 2000 and given_keys[-1] == base_key(entry) + "bxw"
    assert looked_up <= 2 * 2000
