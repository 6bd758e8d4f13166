"""Tests of `ssl-bib add` against local Crossref and arXiv servers."""
