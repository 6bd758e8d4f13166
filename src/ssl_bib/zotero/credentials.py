"""The Zotero API key: read from the environment (ZOTERO_API_KEY) or a file,
never from the catalog, and checked before it goes into a header.

A key with a space, a line break or a non-ASCII character in it cannot be
sent, and an HTTP library's error about it would carry the key, escaped
where scrubbing cannot find it: so it is refused here, and no message ever
echoes it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from ..errors import UsageError

KEY_ENV = "ZOTERO_API_KEY"


def checked_key(key: str, source: str) -> str:
    """`key` if it can be an API key (printable ASCII, no spaces); else
    UsageError naming `source`, never the key."""
    if not key or not all("!" <= c <= "~" for c in key):
        raise UsageError(f"{source}: this is not a Zotero API key (spaces, line breaks or "
                         "non-ASCII characters in it)")
    return key


def api_key(key_file: str | os.PathLike[str] | None = None,
            environ: Mapping[str, str] | None = None) -> str:
    """The API key from `key_file` when given, else from ZOTERO_API_KEY;
    UsageError when there is none or it cannot be one."""
    if key_file is not None:
        try:
            key = Path(key_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{key_file}: cannot read the API key file: "
                             f"{exc.__class__.__name__}") from None
        if not key:
            raise UsageError(f"{key_file}: the API key file is empty")
        return checked_key(key, str(key_file))
    key = (os.environ if environ is None else environ).get(KEY_ENV, "").strip()
    if not key:
        raise UsageError(f"no Zotero API key: set {KEY_ENV} or give --api-key-file")
    return checked_key(key, KEY_ENV)
