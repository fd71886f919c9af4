"""Durations as people write them in routine files (45, 45s, 2m, 1m30s) and as we print them."""

from __future__ import annotations

import math
import re

_DURATION = re.compile(
    r"^(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m(?:in)?)?(?:(?P<s>\d+(?:\.\d+)?)s(?:ec)?)?$"
)


def parse_duration(value: object) -> float | None:
    """Seconds for a duration value, or None when it is not one (the caller words the error)."""
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
    match = _DURATION.match(text)
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
