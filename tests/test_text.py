"""Counted nouns, the one rule for "1 session" and "2 sessions"."""

from __future__ import annotations

import pytest

from psoas_cli.text import counted


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, "0 sessions"), (1, "1 session"), (2, "2 sessions"), (1000, "1000 sessions")],
)
def test_counted_uses_the_singular_for_one_only(n: int, expected: str) -> None:
    """One is singular; zero and every other number take the plural."""
    assert counted(n, "session") == expected
