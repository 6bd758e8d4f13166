"""Tests of the arXiv client, and the local arXiv server they run against."""
