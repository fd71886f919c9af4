"""A programme as an iCalendar file (RFC 5545): one repeating event per routine, with a
reminder, for phone and desktop calendars to import.

Written here rather than with a library: the format needs only a few rules (CRLF line ends,
lines folded at 75 octets, four characters escaped in text), and psoas's one extra runtime
dependency is kept for sound playback. The tests read the file back with the icalendar
package, independently.

Times are floating local times (no time zone): a reminder for the 07:30 session stays at
07:30 on the clock where the person is, across daylight-saving changes and travel, which is
what a daily habit wants; a fixed zone would need a VTIMEZONE block with the zone's rules,
and would move the session to 08:30 after a flight. Entries without a time of day are
all-day events.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone

from psoas_cli import __version__
from psoas_cli.library.model import Routine
from psoas_cli.library.plan import routine_seconds
from psoas_cli.library.programme import (
    WEEKDAY_NAMES,
    Frequency,
    Programme,
    ProgrammeEntry,
    often_words,
)
from psoas_cli.library.schedule import fixed_days, last_day

CRLF = "\r\n"
MAX_LINE_OCTETS = 75
"""RFC 5545 3.1: content lines longer than this are folded."""
REMINDER_MINUTES = 10
"""How long before a timed session its reminder goes off: psoas's choice."""
ALL_DAY_REMINDER_HOURS = 9
"""When, after midnight, an all-day session's reminder goes off: psoas's choice."""
PRODUCT = f"-//psoas//psoas-cli {__version__}//EN"


def escape_text(text: str) -> str:
    """A TEXT value with backslash, semicolon, comma and line ends escaped (RFC 5545 3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """One content line folded at 75 octets, never inside a UTF-8 character (RFC 5545 3.1);
    each continuation starts with a space, which counts toward its 75."""
    parts: list[str] = []
    current = ""
    size = 0
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > MAX_LINE_OCTETS:
            parts.append(current)
            current = " "
            size = 1
        current += char
        size += octets
    parts.append(current)
    return CRLF.join(parts)


def programme_ics(
    programme: Programme, start: date, routines: Mapping[str, Routine], stamp: datetime
) -> str:
    """The programme from ``start`` as a calendar; ``stamp`` (aware) is when it was made."""
    made = stamp.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(programme.title)}",
    ]
    for entry in programme.entries:
        lines += _event(programme, entry, start, routines[entry.routine], made)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)


def _event(
    programme: Programme, entry: ProgrammeEntry, start: date, routine: Routine, made: str
) -> list[str]:
    """One routine's repeating event with its reminder."""
    first, rule = _first_day_and_rule(entry, start)
    end = last_day(programme, start)
    description = (
        f"{often_words(entry.often).capitalize()}, in {programme.title}. "
        f"Start it with: psoas run {routine.name} "
        f"(or psoas run, which also sets the doses for the day)."
    )
    if entry.note:
        description += f"\n{entry.note}"
    lines = [
        "BEGIN:VEVENT",
        f"UID:{programme.name}-{start:%Y%m%d}-{routine.name}@psoas-cli",
        f"DTSTAMP:{made}",
    ]
    if entry.at is None:
        lines += [
            f"DTSTART;VALUE=DATE:{first:%Y%m%d}",
            f"RRULE:{rule};UNTIL={end:%Y%m%d}",
        ]
        trigger = f"TRIGGER;RELATED=START:PT{ALL_DAY_REMINDER_HOURS}H"
    else:
        seconds, _ = routine_seconds(routine)
        lines += [
            f"DTSTART:{datetime.combine(first, entry.at):%Y%m%dT%H%M%S}",
            f"DURATION:PT{math.ceil(seconds / 60)}M",
            f"RRULE:{rule};UNTIL={end:%Y%m%d}T235959",
        ]
        trigger = f"TRIGGER:-PT{REMINDER_MINUTES}M"
    lines += [
        f"SUMMARY:{escape_text(routine.title)}",
        f"DESCRIPTION:{escape_text(description)}",
        "CATEGORIES:psoas",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{escape_text(routine.title)}",
        trigger,
        "END:VALARM",
        "END:VEVENT",
    ]
    return lines


def _first_day_and_rule(entry: ProgrammeEntry, start: date) -> tuple[date, str]:
    """The first day the entry is due and the RRULE (without UNTIL) for the rest.

    N times a week becomes the days it falls on when every session is done when due: a
    calendar cannot move a missed day on, as ``psoas today`` does.
    """
    often = entry.often
    if often.frequency is Frequency.DAILY:
        return start, "FREQ=DAILY"
    if often.frequency is Frequency.EVERY_DAYS:
        return start, f"FREQ=DAILY;INTERVAL={often.count}"
    if often.frequency is Frequency.WEEKDAYS:
        weekdays = sorted(often.weekdays)
    else:
        weekdays = sorted(day.weekday() for day in fixed_days(entry, start, start))
    first = next(
        start + timedelta(days=offset)
        for offset in range(7)
        if (start + timedelta(days=offset)).weekday() in weekdays
    )
    days = ",".join(WEEKDAY_NAMES[d][:2].upper() for d in weekdays)
    return first, f"FREQ=WEEKLY;BYDAY={days}"
