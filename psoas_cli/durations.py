"""Durations as people write them in routine files (45, 45s, 2m, 1m30s, 1:30) and as we print them.

A clock form like 1:30 is always minutes and seconds (1:02:03 adds hours), whether YAML saw
it quoted or not: YAML 1.1 would read an unquoted 1:30 as the base-60 number 90 but 0:45 as
text, and one rule for both is what people expect.
"""

from __future__ import annotations

import math

from psoas_cli.text import pattern

_DURATION = r"^(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m(?:in)?)?(?:(?P<s>\d+(?:\.\d+)?)s(?:ec)?)?$"
"""The forms below are compiled on first use (``pattern``), not at import, where they
would cost every command, ``psoas --help`` included."""

_CLOCK = r"^(?:(?P<h>\d+):(?=[0-5]\d:))?(?P<m>\d+):(?P<s>[0-5]\d(?:\.\d+)?)$"
_HEX = r"^[-+]?0x[0-9a-f_]+$"
_OCTAL = r"^[-+]?0o[0-7_]+$"
_BINARY = r"^[-+]?0b[01_]+$"
_LEADING_ZERO = r"^[-+]?0[0-9_]+$"
_UNDERSCORE = r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?$"


def misread_number(text: str) -> str | None:
    """Why ``text`` is not a plain decimal number although it looks like one, or None.

    YAML 1.1 reads 030 as octal 24, 0x1E as 30 and 1_000 as 1000, so an unquoted value in a
    routine file would silently mean another number; quoted, the same text is refused too,
    so that quoting never changes what a duration means. Each such form starts with 0 after
    its sign or holds an underscore, so any other text is answered before a pattern is
    compiled: a routine file's durations are mostly 30s or 45.
    """
    word = text.strip()
    lower = word.lower()
    unsigned = lower[1:] if lower.startswith(("+", "-")) else lower
    if not unsigned.startswith("0") and "_" not in lower:
        return None
    if pattern(_HEX).match(lower):
        return f"{word} is a hexadecimal number"
    if pattern(_OCTAL).match(lower):
        return f"{word} is an octal number"
    if pattern(_BINARY).match(lower):
        return f"{word} is a binary number"
    if pattern(_LEADING_ZERO).match(lower):
        digits = lower.lstrip("+-").replace("_", "")
        sign = "-" if lower.startswith("-") else ""
        octal = f" ({word} is {sign}{int(digits, 8)})" if set(digits) <= set("01234567") else ""
        return f"{word} starts with 0, which YAML reads as an octal number{octal}"
    if "_" in lower and pattern(_UNDERSCORE).match(lower):
        return f"{word} has an underscore, which YAML drops ({word} is {word.replace('_', '')})"
    return None


def parse_duration(value: object) -> float | None:
    """Seconds for a duration value, or None when it is not one (the caller words the error).

    Numbers are seconds; text may also be 45s, 2m, 1m30s, 1h5m, or the clock forms 1:30
    (minutes:seconds) and 1:02:03.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    text = value.strip().lower().replace(" ", "")
    try:
        return float(text) if text and math.isfinite(float(text)) else None
    except ValueError:
        pass
    clock = pattern(_CLOCK).match(text) if ":" in text else None
    if clock is not None:
        hours, minutes, seconds = (clock.group(k) for k in ("h", "m", "s"))
        return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    match = pattern(_DURATION).match(text)
    if not text or match is None or not any(match.groupdict().values()):
        return None
    hours, minutes, seconds = (match.group(k) for k in ("h", "m", "s"))
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds or 0)


def format_duration(seconds: float) -> str:
    """Short human form for doses: 30 s, 2 min, 1 min 30 s, 1 h 5 min."""
    whole = round(seconds)
    if abs(seconds - whole) > 1e-9 and seconds < 60:
        return f"{seconds:g} s"
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h"] if hours else []
    if minutes:
        parts.append(f"{minutes} min")
    if secs or not parts:
        parts.append(f"{secs} s")
    return " ".join(parts)


def written_duration(seconds: float) -> str:
    """A whole number of seconds as a person types it in a file or option: 45s, 10m, 1m30s."""
    minutes, secs = divmod(round(seconds), 60)
    return (f"{minutes}m" if minutes else "") + (f"{secs}s" if secs or not minutes else "")


def format_clock(seconds: float) -> str:
    """Clock form for totals and countdowns: 9:45, 1:02:03."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
