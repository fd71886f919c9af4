"""Durations as written in routine files and as printed."""

from __future__ import annotations

import pytest

from psoas_cli.durations import (
    format_clock,
    format_duration,
    misread_number,
    parse_duration,
    written_duration,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        (45, 45.0),
        (2.5, 2.5),
        ("45", 45.0),
        ("45s", 45.0),
        ("2m", 120.0),
        ("1m30s", 90.0),
        ("1m 30s", 90.0),
        ("2min", 120.0),
        ("1h5m", 3900.0),
        ("4.5s", 4.5),
        ("90 S", 90.0),
    ],
)
def test_accepted_forms(text: object, seconds: float) -> None:
    """Every documented way of writing a duration gives the right number of seconds."""
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "text", ["thirty", "", "s", "m", "1.5m", "30 seconds", True, None, [], "nan", "inf"]
)
def test_rejected_forms(text: object) -> None:
    """Text that is not a duration is refused rather than guessed at."""
    assert parse_duration(text) is None


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (30, "30 s"),
        (120, "2 min"),
        (90, "1 min 30 s"),
        (3900, "1 h 5 min"),
        (4.5, "4.5 s"),
        (0, "0 s"),
    ],
)
def test_format_duration(seconds: float, text: str) -> None:
    """Doses print in short human units."""
    assert format_duration(seconds) == text


@pytest.mark.parametrize(("seconds", "text"), [(5, "0:05"), (701, "11:41"), (3723, "1:02:03")])
def test_format_clock(seconds: float, text: str) -> None:
    """Totals print as a clock."""
    assert format_clock(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "written"), [(0, "0s"), (45, "45s"), (600, "10m"), (90, "1m30s")]
)
def test_written_duration_is_what_a_person_would_type(seconds: float, written: str) -> None:
    """Limits in messages read the way durations are typed, and parse back to themselves."""
    assert written_duration(seconds) == written
    assert parse_duration(written) == seconds


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("+0x1E", "+0x1E is a hexadecimal number"),
        ("-0o17", "-0o17 is an octal number"),
        ("0b101", "0b101 is a binary number"),
        ("-030", "-030 starts with 0, which YAML reads as an octal number (-030 is -24)"),
        ("1_000", "1_000 has an underscore, which YAML drops (1_000 is 1000)"),
        ("45", None),
        ("0", None),
        ("0.5", None),
        ("1:30", None),
        ("30s", None),
    ],
)
def test_misread_numbers_are_named_signed_or_not(text: str, why: str | None) -> None:
    """Signed hexadecimal, octal, binary, leading-zero and underscored numbers are named;
    plain numbers and durations are not, whether or not a pattern had to be compiled."""
    assert misread_number(text) == why
