"""arXiv adapter: the only code here that talks to the arXiv API.

- `feed`: the API's Atom feed -> records, with its traps (errors as an entry
  titled "Error", "Rate exceeded." as plain text, version suffixes, wrapped
  titles, `arxiv:doi` / `arxiv:journal_ref`);
- `pacing`: the terms of use (one request at a time, 3 s apart), kept across
  processes;
- `client`: requests, retries and the response cache.

feedparser and httpx2 are imported inside functions, so importing this
package costs nothing at CLI start-up.
"""
