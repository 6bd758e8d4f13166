"""Tests of the Crossref client and enrich, and the local Crossref server."""
