"""`ssl-bib add`: a paper into the catalog from its DOI, arXiv id or link.

- `sources`: an identifier -> a draft entry, from Crossref or arXiv;
- `drafts`: a Crossref work or an arXiv record -> the entry's fields;
- `venues`: the draft's venue among the catalog's, or a new one;
- `run`: duplicates, keys, venues and the all-or-nothing write.
"""
