"""Tests of the HTTP conduct shared by the Crossref, arXiv and Zotero clients."""
