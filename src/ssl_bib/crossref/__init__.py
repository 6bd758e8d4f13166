"""Crossref adapter: the only code here that talks to api.crossref.org.

- `client`: habanero plus what it lacks (retries with backoff, a cache,
  bounded concurrency, a circuit breaker);
- `cache`: the on-disk response cache;
- `fields`: a Crossref work record -> catalog field values;
- `match`: deciding whether a search result is the entry's paper.

Heavy imports (habanero, httpx2, rapidfuzz) happen inside functions so that
importing this package costs nothing at CLI start-up.
"""
