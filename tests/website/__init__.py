"""Tests of the static site: its build, its command and a real browser."""
