"""On-disk cache of Crossref (and arXiv) answers, so a rerun asks Crossref nothing again.

One small JSON file per request, named by a hash of the request (route and
parameters, not the base URL: a mirror serves the same records). "Not found"
is an answer too and is cached; failures are not. Files are written
atomically, so a crash or Ctrl-C never leaves a truncated entry, and a file
that cannot be read is treated as a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from ..atomic import write_atomic

CACHE_ENV = "SSL_BIB_CACHE_DIR"
_FORMAT = 1


def default_cache_dir(service: str = "crossref") -> Path:
    """$SSL_BIB_CACHE_DIR, else the platform's user cache folder for ssl-bib;
    one subfolder per service."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override) / service
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("ssl-bib")) / service


def request_key(route: str, params: dict[str, Any]) -> str:
    canonical = json.dumps({"route": route, "params": params}, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class Miss:
    """Sentinel type: the cache holds no answer for a request."""


MISS = Miss()


class ResponseCache:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str, max_age: float | None = None) -> Any:
        """The cached answer (None means "not found"), or MISS. An answer
        older than `max_age` seconds is a miss (arXiv's change once a day at
        most; Crossref's are kept until --refresh)."""
        value = self.peek(key, max_age)
        with self._lock:
            if value is MISS:
                self.misses += 1
            else:
                self.hits += 1
        return value

    def peek(self, key: str, max_age: float | None = None) -> Any:
        """As `get`, counting neither a hit nor a miss."""
        try:
            raw = json.loads(self._path(key).read_text(encoding="utf-8"))
            if not isinstance(raw, dict) or raw.get("format") != _FORMAT:
                raise ValueError("unknown cache format")
            value = raw["data"]
            if max_age is not None and not time.time() - float(raw.get("saved", 0)) <= max_age:
                raise ValueError("expired")
        except (OSError, ValueError, KeyError, TypeError):
            return MISS
        return value

    def count_hits(self, count: int) -> None:
        """Count answers taken with `peek` as hits."""
        with self._lock:
            self.hits += count

    def has(self, key: str) -> bool:
        """Whether an answer is stored (a file), without counting a hit or miss."""
        return self._path(key).is_file()

    def put(self, key: str, data: Any) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            record = {"format": _FORMAT, "saved": round(time.time()), "data": data}
            write_atomic(path, json.dumps(record, ensure_ascii=False))
        except OSError:
            # A cache that cannot be written costs requests, never correctness.
            pass
