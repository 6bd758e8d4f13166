"""The written-out dataclass methods (ssl_bib/records.py: the model's and the
other dataclasses every command's start makes) are the ones the dataclass
decorator generates: for each class, a reference class is made with
dataclasses.make_dataclass from the same fields and flags, and both are held
to the same signature, repr, equality, hash and defaults."""

from __future__ import annotations

import dataclasses
import inspect
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssl_bib import (
    api,
    dedup,
    identifiers,
    importer,
    keys,
    merge,
    model,
    problems,
    richtext,
    toml_read,
)
from ssl_bib.codecs import bibtex_values, latex_decode, read_result
from ssl_bib.conduct import policy
from ssl_bib.crossref import enrich as crossref_enrich
from ssl_bib.crossref import fields as crossref_fields
from ssl_bib.crossref import match
from ssl_bib.records import DataMethods, FrozenDataMethods
from ssl_bib.store import loaded, spans, splice

CLASSES = [model.Person, model.CodeLink, model.Correction, model.Venue, model.Entry,
           model.Settings, model.Catalog, problems.Problem, keys.KeyChange,
           identifiers.LinkIds, toml_read.Conversion, spans.EntrySpan, richtext.Token,
           richtext._MathItem, importer.Outcome, read_result.ReadResult, read_result.Record,
           bibtex_values.Macros, latex_decode._Frame, merge.Conflict, merge.MergeResult,
           merge.ThreeWay, dedup.Sameness, api.Input, splice.Rendered, crossref_fields.Work,
           match.Wanted, match.Scored, match.Decision, crossref_enrich.Resolution,
           crossref_enrich.EntryReport, crossref_enrich.Summary, crossref_enrich.Checkpointed,
           loaded.LoadedCatalog, loaded.DiskState, policy.Policy]
# A value each class accepts in its first field in place of the one given
# (a class whose __post_init__ checks its values refuses most others).
_CHANGED: dict[type, Any] = {policy.Policy: 7}


def test_every_class_on_the_written_out_methods_is_held_here() -> None:
    def below(cls: type) -> list[type]:
        return [c for sub in cls.__subclasses__() for c in (sub, *below(sub))]

    # (A slotted dataclass is made twice: the first class is no module's.)
    on_them = {c for c in below(DataMethods) if c is not FrozenDataMethods
               and getattr(sys.modules[c.__module__], c.__name__, None) is c}
    assert on_them == set(CLASSES)

# Values of any shape: __init__ stores what it is given, as the generated one does.
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                 max_size=2),
    max_leaves=6)


def _reference(cls: type) -> type:
    """The class the decorator makes from cls's fields and flags."""
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    specs = []
    for f in dataclasses.fields(cls):
        options = {"repr": f.repr, "compare": f.compare}
        if f.default is not dataclasses.MISSING:
            options["default"] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            options["default_factory"] = f.default_factory
        specs.append((f.name, f.type, dataclasses.field(**options)))  # type: ignore[call-overload]
    # A check of the values (__post_init__) is the class's own: the generated
    # __init__ calls it last, and the written-out one must too.
    namespace = {"__post_init__": cls.__post_init__} if hasattr(cls, "__post_init__") else {}
    return dataclasses.make_dataclass(cls.__name__, specs, frozen=params.frozen,
                                      slots="__slots__" in cls.__dict__, namespace=namespace)


def _made(cls: type, arguments: dict[str, Any]) -> Any:
    """An instance, or the type of the exception its check raised."""
    try:
        return cls(**arguments)
    except Exception as refused:  # noqa: BLE001 - compared with the reference's
        return type(refused)


def _arguments(cls: type, draw: Any) -> dict[str, Any]:
    """Values for every field, or for the required ones only."""
    fields = dataclasses.fields(cls)
    required = [f for f in fields if f.default is dataclasses.MISSING
                and f.default_factory is dataclasses.MISSING]
    chosen = fields if draw(st.booleans()) else required + draw(
        st.lists(st.sampled_from(fields), max_size=4))
    return {f.name: draw(_VALUES) for f in chosen}


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_the_signature_and_fields_are_the_generated_ones(cls: type) -> None:
    reference = _reference(cls)
    ours, theirs = (inspect.signature(c.__init__).parameters for c in (cls, reference))
    assert list(ours) == list(theirs)
    for name, parameter in ours.items():
        expected = theirs[name]
        assert parameter.kind == expected.kind
        assert str(parameter.annotation) == str(expected.annotation)
        if expected.default is dataclasses._HAS_DEFAULT_FACTORY:  # type: ignore[attr-defined]
            assert repr(parameter.default) == "<factory>"
        else:
            assert parameter.default == expected.default
    assert [(f.name, f.default, f.default_factory) for f in dataclasses.fields(cls)] == \
        [(f.name, f.default, f.default_factory) for f in dataclasses.fields(reference)]
    assert cls.__match_args__ == reference.__match_args__  # type: ignore[attr-defined]
    fields = dataclasses.fields(cls)
    assert cls._shown == tuple(f.name for f in fields if f.repr)  # type: ignore[attr-defined]
    assert cls._compared == tuple(f.name for f in fields if f.compare)  # type: ignore[attr-defined]
    assert ("__slots__" in cls.__dict__) == ("__slots__" in reference.__dict__)
    assert (cls.__hash__ is None) == (reference.__hash__ is None)  # type: ignore[comparison-overlap]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_instances_print_compare_and_hash_as_generated_ones(data: st.DataObject) -> None:
    cls = data.draw(st.sampled_from(CLASSES))
    reference = _reference(cls)
    first, second = _arguments(cls, data.draw), _arguments(cls, data.draw)
    a, b = _made(cls, first), _made(cls, second)
    ra, rb = _made(reference, first), _made(reference, second)
    for ours, theirs in ((a, ra), (b, rb)):  # refused by the check: refused alike
        assert isinstance(ours, type) == isinstance(theirs, type)
        assert not isinstance(theirs, type) or ours is theirs
    if isinstance(ra, type) or isinstance(rb, type):
        return
    assert repr(a) == repr(ra)
    assert (a == b) == (ra == rb) and (a != b) == (ra != rb)
    assert a == cls(**first) and (a != cls(**first)) is False
    assert a != ra and ra != a  # another class is never equal, as for the generated ones
    if reference.__hash__ is not None:  # type: ignore[comparison-overlap]
        try:
            expected = hash(ra)
        except TypeError:  # an unhashable field value
            with pytest.raises(TypeError):
                hash(a)
        else:
            assert hash(a) == expected


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_defaults_made_per_instance_and_frozen_ones_stay_frozen(cls: type) -> None:
    fields = dataclasses.fields(cls)
    required = {f.name: f"v{i}" for i, f in enumerate(fields)
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    one, two = cls(**required), cls(**required)
    reference = _reference(cls)(**required)
    for f in fields:
        assert getattr(one, f.name) == getattr(reference, f.name)
        if f.default_factory is not dataclasses.MISSING:
            assert getattr(one, f.name) is not getattr(two, f.name)
    if cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        with pytest.raises(dataclasses.FrozenInstanceError):
            one.__setattr__(fields[0].name, "changed")
    changed = _CHANGED.get(cls, "x")
    assert dataclasses.replace(one, **{fields[0].name: changed}) == \
        cls(**{**required, fields[0].name: changed})
