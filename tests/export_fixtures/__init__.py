"""Catalogs and consumer read-back helpers for the export tests."""
