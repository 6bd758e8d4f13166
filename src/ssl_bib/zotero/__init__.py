"""Two-way sync between the catalog and a Zotero group library (Web API v3).

client (with wire, its checks of what Zotero sends): the HTTP client, our
own, on the shared conduct; mapping (with dates, venues, extra, schema):
Entry <-> item JSON; plan: the three-way merge, item by item; sync: the
engine; state: what both sides agreed at the last sync; catalog_note,
note_sync and group_catalog: what a catalog holds besides its entries,
kept in the group and taken back by a pull; intake: which items can become
entries; report: what a run did; localserver: a Zotero of one's own."""
