"""Two-way sync between the catalog and a Zotero group library (Web API v3).

client: the HTTP client (our own, on httpx2); mapping: Entry <-> item JSON;
state: what both sides agreed at the last sync; sync: the engine."""
