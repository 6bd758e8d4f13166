"""A service's answer, read whole (within the size cap) and then closed, with
the few readings every adapter needs: JSON that never raises anything but a
one-line `BadAnswer`, text, integer headers and Link relations."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..lazy_re import compiled
from .errors import BadAnswer

# A JSON escape of a UTF-16 surrogate: only then can a decoded string hold a
# lone surrogate (valid pairs are joined; raw UTF-8 cannot encode one).
_SURROGATE_ESCAPE = compiled(rb"\\u[dD][89a-fA-F]")
_SURROGATE = compiled("[\ud800-\udfff]")


class Answer:
    """Status, headers and body of one complete exchange."""

    def __init__(self, service: str, method: str, path: str, url: str, status: int,
                 headers: Mapping[str, str], body: bytes) -> None:
        self.service, self.method, self.path, self.url = service, method, path, url
        self.status, self.headers, self.body = status, headers, body
        # Strings dropped from the JSON because they held lone surrogates
        # (text no file or terminal can encode).
        self.dropped = 0

    def __repr__(self) -> str:
        return f"<Answer {self.status} {self.method} {self.path}>"

    @property
    def what(self) -> str:
        """`Service's answer to METHOD /path`, for messages."""
        return f"{self.service}'s answer to {self.method} {self.path}"

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def text(self) -> str:
        """The body as text (UTF-8; undecodable bytes replaced)."""
        return self.body.decode("utf-8", errors="replace")

    def snippet(self, limit: int = 200) -> str:
        """The body's start on one line, for an error message."""
        return " ".join(self.text()[: limit * 2].split())[:limit]

    def json(self) -> Any:
        """The body as JSON. Lone surrogates (`"\\ud800"`) are dropped: a
        string holding one becomes None, a key holding one goes. Anything
        unreadable raises BadAnswer with one line."""
        try:
            text = self.body.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BadAnswer(f"{self.what} is not UTF-8 text (byte {exc.start})",
                            self.service) from None
        try:
            value = json.loads(text, parse_constant=_no_constant)
        except json.JSONDecodeError as exc:
            raise BadAnswer(f"{self.what} is not valid JSON ({exc.msg} at line {exc.lineno} "
                            f"column {exc.colno})", self.service) from None
        except RecursionError:
            raise BadAnswer(f"{self.what} is JSON nested too deeply to read",
                            self.service) from None
        except ValueError as exc:  # NaN/Infinity, an integer of 5,000 digits
            raise BadAnswer(f"{self.what} is not valid JSON ({exc})", self.service) from None
        if _SURROGATE_ESCAPE.search(self.body):
            value, self.dropped = _drop_surrogates(value)
        return value

    def header_int(self, name: str) -> int | None:
        """An integer header (e.g. Last-Modified-Version), or None when absent
        or not a plain non-negative integer."""
        raw = self.headers.get(name)
        if raw is None:
            return None
        text = raw.strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 18:
            return None
        return int(text)

    def links(self) -> dict[str, str]:
        """Link header relations (`rel` -> URL), the first of each kept."""
        return parse_links(self.headers.get("link", ""))


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is no JSON number")


def _drop_surrogates(value: Any) -> tuple[Any, int]:
    """Replace every string holding a lone surrogate by None, and drop every
    dict key holding one; iteratively (the JSON may be deep)."""
    dropped = 0

    def clean(item: Any) -> Any:
        nonlocal dropped
        if isinstance(item, str) and _SURROGATE.search(item):
            dropped += 1
            return None
        return item

    root = [value]
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            for i, item in enumerate(node):
                node[i] = clean(item)
                if isinstance(node[i], list | dict):
                    stack.append(node[i])
        elif isinstance(node, dict):
            for key in list(node):
                if _SURROGATE.search(key):
                    dropped += 1
                    del node[key]
                    continue
                node[key] = clean(node[key])
                if isinstance(node[key], list | dict):
                    stack.append(node[key])
    return root[0], dropped


def parse_links(header: str) -> dict[str, str]:
    """`<url>; rel="next", <url>; rel="last"` -> {"next": url, "last": url}.
    A plain scan (no backtracking regular expression on server input)."""
    out: dict[str, str] = {}
    pos = 0
    while True:
        start = header.find("<", pos)
        if start < 0:
            break
        end = header.find(">", start)
        if end < 0:
            break
        following = header.find("<", end)
        params = header[end + 1: following if following >= 0 else len(header)]
        for part in params.split(";"):
            name, _, value = part.partition("=")
            if name.strip().lower() == "rel":
                for rel in value.strip().rstrip(",").strip().strip('"').split():
                    out.setdefault(rel.lower(), header[start + 1:end].strip())
        pos = end + 1
    return out
