"""Tests of Zotero sync, pull and the local Zotero (serve-local)."""
