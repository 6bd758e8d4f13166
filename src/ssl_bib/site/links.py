"""Which catalog text may become a link on the site, and the links built from
identifiers. Only absolute http(s) URLs are ever put into an href: anything
else (`javascript:`, `data:`, a relative path, a URL with a space or a control
character) is shown as text instead, whatever the catalog holds."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from ..lazy_re import compiled

# Whitespace of any kind and control characters (C0, DEL, C1): a browser
# strips or reinterprets them, so a URL holding one is not what it seems.
_UNSAFE_RE = compiled(r"[\s\x00-\x1f\x7f-\x9f]")


def web_url(url: str | None) -> str | None:
    """`url` when a browser may follow it from the page, None otherwise."""
    if not url:
        return None
    if _UNSAFE_RE.search(url):
        return None
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises on a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def doi_url(doi: str) -> str:
    """The resolver link of a bare DOI; characters that mean something in a URL
    (`#`, `?`, `%`, spaces, quotes) are percent-encoded, as the DOI handbook says."""
    return "https://doi.org/" + quote(doi, safe="/:;()._-")


def arxiv_url(arxiv_id: str) -> str:
    return "https://arxiv.org/abs/" + quote(arxiv_id, safe="/.-")
