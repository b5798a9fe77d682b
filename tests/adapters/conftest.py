"""Fixtures: the core driven over a real database (see tests/harness.py)."""

from tests.harness import company, okr

__all__ = ["company", "okr"]
