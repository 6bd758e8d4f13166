"""What Zotero sends, checked before anything uses or stores it.

A server's answer is input like a file: an item key may be `../../users/1`
(and would end up in a URL with the API key), a title may be a number, a
version a string. Every object key is checked against Zotero's alphabet,
every version is a whole number, and the fields the mapping reads have the
types the Web API documents. An object that fails is rejected with a
`Rejected` naming it (the rest of the answer is used); an answer whose
overall shape is wrong raises `WireError` (one line, nothing used).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import SslBibError
from ..lazy_re import compiled
from .schema import ITEM_FIELDS

KEY_RE = compiled(r"[23456789ABCDEFGHIJKLMNPQRSTUVWXYZ]{8}")


class WireError(SslBibError):
    """An answer whose shape is not the API's: nothing of it is used."""


class Rejected(SslBibError):
    """One object of an answer is unusable; `label` names it safely."""

    def __init__(self, label: str, reason: str) -> None:
        super().__init__(f"{label}: {reason}")
        self.label, self.reason = label, reason


def is_key(value: object) -> bool:
    return isinstance(value, str) and KEY_RE.fullmatch(value) is not None


def require_key(value: str) -> str:
    """`value` if it is a Zotero key; a ValueError otherwise (a bug: keys are
    checked where they come in, before they reach a URL)."""
    if not is_key(value):
        raise ValueError(f"not a Zotero key: {shown(value)}")
    return value


def shown(value: object, limit: int = 40) -> str:
    """A server's value, quoted and escaped for a message (no control
    characters or terminal escapes reach the user's screen)."""
    text = ascii(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def is_version(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2 ** 53


def kind_of(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "text"


# -- items ----------------------------------------------------------------------

def item(obj: object) -> tuple[str, dict[str, Any]]:
    """(key, data with `key` and `version`) of an item of a `format=json`
    answer (the envelope or its bare data)."""
    if not isinstance(obj, dict):
        raise Rejected("an item", f"is {kind_of(obj)}, not an object")
    key = obj.get("key")
    if not is_key(key):
        raise Rejected(f"item {shown(key)}", "not a Zotero item key")
    assert isinstance(key, str)
    data = obj.get("data", obj)
    if not isinstance(data, dict):
        raise Rejected(f"Zotero item {key}", f"its data is {kind_of(data)}, not an object")
    if data.get("key", key) != key:
        raise Rejected(f"Zotero item {key}", "its data names another key")
    version = obj.get("version", data.get("version"))
    if not is_version(version):
        raise Rejected(f"Zotero item {key}", f"its version is {kind_of(version)} "
                       f"({shown(version, 20)}), not a whole number")
    problem = item_problem(data)
    if problem:
        raise Rejected(f"Zotero item {key}", problem)
    return key, {**data, "key": key, "version": version}


def item_problem(data: dict[str, Any]) -> str | None:
    """Why an item's data cannot be used, or None."""
    itype = data.get("itemType")
    if not isinstance(itype, str):
        return f"itemType is {kind_of(itype)}, not text"
    parent = data.get("parentItem")
    if parent not in (None, False) and not is_key(parent):
        return f"parentItem {shown(parent)} is not a Zotero key"
    if data.get("deleted") is not None and not isinstance(data.get("deleted"), bool | int):
        return f"deleted is {kind_of(data['deleted'])}, not a flag"
    collections = data.get("collections", [])
    if not isinstance(collections, list) or not all(is_key(c) for c in collections):
        return "collections is not a list of Zotero keys"
    if itype == "note" and not isinstance(data.get("note", ""), str):
        return f"its note is {kind_of(data['note'])}, not text"  # a catalog note is read
    if itype not in ITEM_FIELDS:
        return None  # a type the catalog does not read (attachment, book...)
    for name in ITEM_FIELDS[itype] & data.keys():
        if not isinstance(data[name], str):
            return f"{name} is {kind_of(data[name])}, not text"
    return _creators_problem(data.get("creators", [])) or _tags_problem(data.get("tags", [])) \
        or (None if isinstance(data.get("relations", {}), dict) else "relations is not an object")


def _creators_problem(creators: object) -> str | None:
    if not isinstance(creators, list):
        return f"creators is {kind_of(creators)}, not a list"
    for creator in creators:
        if not isinstance(creator, dict):
            return f"a creator is {kind_of(creator)}, not an object"
        for name in ("creatorType", "name", "firstName", "lastName"):
            if name in creator and not isinstance(creator[name], str):
                return f"a creator's {name} is {kind_of(creator[name])}, not text"
        if not isinstance(creator.get("creatorType"), str):
            return "a creator has no creatorType"
    return None


def _tags_problem(tags: object) -> str | None:
    if not isinstance(tags, list):
        return f"tags is {kind_of(tags)}, not a list"
    for tag in tags:
        if not isinstance(tag, dict) or not isinstance(tag.get("tag"), str):
            return "a tag is not an object with a text 'tag'"
        if "type" in tag and not is_version(tag["type"]):
            return "a tag's type is not a whole number"
    return None


# -- other answers ----------------------------------------------------------------

def versions(doc: object) -> tuple[dict[str, int], list[Rejected]]:
    """A `format=versions` answer: {key: version}."""
    if not isinstance(doc, dict):
        raise WireError(f"is {kind_of(doc)}, not an object of item versions")
    out: dict[str, int] = {}
    rejected: list[Rejected] = []
    for key, version in doc.items():
        if not is_key(key):
            rejected.append(Rejected(f"item {shown(key)}", "not a Zotero item key"))
        elif not is_version(version):
            rejected.append(Rejected(f"Zotero item {key}", f"its version is {kind_of(version)} "
                                     f"({shown(version, 20)}), not a whole number"))
        else:
            out[key] = version
    return out, rejected


def deleted(doc: object) -> tuple[dict[str, list[str]], list[Rejected]]:
    """A `deleted?since=` answer: the item and collection keys (the other
    lists hold tag names and settings, which sync does not read)."""
    if not isinstance(doc, dict):
        raise WireError(f"is {kind_of(doc)}, not an object of deleted keys")
    out: dict[str, list[str]] = {}
    rejected: list[Rejected] = []
    for kind in ("items", "collections"):
        keys = doc.get(kind, [])
        if not isinstance(keys, list):
            raise WireError(f"lists deleted {kind} as {kind_of(keys)}")
        out[kind] = [k for k in keys if is_key(k)]
        rejected += [Rejected(f"deleted {kind[:-1]} {shown(k)}", "not a Zotero key")
                     for k in keys if not is_key(k)]
    return out, rejected


def collection(obj: object) -> dict[str, Any]:
    """A collection's data (key and name checked)."""
    if not isinstance(obj, dict):
        raise Rejected("a collection", f"is {kind_of(obj)}, not an object")
    data = obj.get("data", obj)
    key = obj.get("key", data.get("key") if isinstance(data, dict) else None)
    if not is_key(key):
        raise Rejected(f"collection {shown(key)}", "not a Zotero collection key")
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise Rejected(f"Zotero collection {key}", "has no name")
    parent = data.get("parentCollection")
    if parent not in (None, False) and not is_key(parent):
        raise Rejected(f"Zotero collection {key}", "its parentCollection is not a Zotero key")
    return {**data, "key": key}


@dataclass
class WriteResult:
    """The per-object outcome of one multi-object write (indexes into the batch)."""

    successful: dict[int, dict[str, Any]] = field(default_factory=dict)
    unchanged: dict[int, str] = field(default_factory=dict)
    failed: dict[int, dict[str, Any]] = field(default_factory=dict)
    version: int = 0


def write_result(doc: object, sent: list[dict[str, Any]], version: int) -> WriteResult:
    """A multi-object write's answer, each index checked against what was
    sent: an index out of range, or a key that is not the one sent, is no
    success; an object with no result at all is reported as failed."""
    if not isinstance(doc, dict):
        raise WireError(f"is {kind_of(doc)}, not a write result")
    result = WriteResult(version=version)

    def index_of(raw: object) -> int | None:
        text = str(raw)
        if not (text.isascii() and text.isdigit()) or int(text) >= len(sent):
            return None
        return int(text)

    def sent_key(index: int) -> object:
        return sent[index].get("key")

    for raw, obj in _table(doc.get("successful")).items():
        index = index_of(raw)
        if index is not None and isinstance(obj, dict) \
                and obj.get("key", sent_key(index)) == sent_key(index) \
                and is_version(obj.get("version", version)):
            data = obj.get("data")
            usable = isinstance(data, dict) and data.get("key", sent_key(index)) == \
                sent_key(index) and item_problem(data) is None
            # The server's copy becomes the sync's pristine copy only when it
            # passes the same checks as a read; else what was sent is used.
            result.successful[index] = {**obj, "data": data if usable else None}
    for raw, key in _table(doc.get("success")).items():
        index = index_of(raw)
        if index is not None and key == sent_key(index) and index not in result.successful:
            result.successful[index] = {"key": key}
    for raw, key in _table(doc.get("unchanged")).items():
        index = index_of(raw)
        if index is not None and key == sent_key(index) and index not in result.successful:
            result.unchanged[index] = str(key)
    for raw, failure in _table(doc.get("failed")).items():
        index = index_of(raw)
        if index is None or index in result.successful or index in result.unchanged:
            continue
        failure = failure if isinstance(failure, dict) else {}
        code = failure.get("code")
        message = failure.get("message")
        result.failed[index] = {"code": code if is_version(code) else 0,
                                "message": message if isinstance(message, str) else ""}
    for index in range(len(sent)):
        if index not in result.successful and index not in result.unchanged \
                and index not in result.failed:
            result.failed[index] = {"code": 0, "message": "Zotero gave no result for it"}
    return result


def _table(value: object) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}
