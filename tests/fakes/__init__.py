"""Fake platform servers used by connector tests (offline, loopback only)."""
