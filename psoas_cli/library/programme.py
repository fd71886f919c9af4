"""Programmes: which routines to do how often over some weeks, and how their doses may grow.

Pure, frozen values like the routine model, so the schedule, the calendar file and every
screen share one vocabulary.
"""

from __future__ import annotations

from datetime import time
from enum import Enum

from psoas_cli.durations import format_duration
from psoas_cli.value import Value

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekdays as programme files write them, in ``date.weekday()`` order (Monday is 0)."""

WEEKDAY_WORDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
"""The same days written out, which files and --on also accept."""


def weekday_number(word: str) -> int | None:
    """Monday 0 to Sunday 6 for a day's short or full name in any case; None otherwise."""
    lowered = word.strip().lower()
    for names in (WEEKDAY_NAMES, WEEKDAY_WORDS):
        if lowered in names:
            return names.index(lowered)
    return None


DEFAULT_PAIN_AT_MOST = 3
"""The highest pain after a session (0-10) that still lets a dose grow: psoas's choice."""


class Frequency(Enum):
    """How often an entry is due, by the word programme files use for it."""

    DAILY = "daily"
    WEEKDAYS = "weekdays"
    PER_WEEK = "times_a_week"
    EVERY_DAYS = "every_days"


class Often(Value):
    """When an entry is due: every day, on given weekdays, N times a week on days that are
    not consecutive, or every N days counted from the programme's start."""

    frequency: Frequency
    count: int = 1
    """Sessions a week for PER_WEEK, days apart for EVERY_DAYS; unused otherwise."""
    weekdays: frozenset[int] = frozenset()
    """For WEEKDAYS: the days, Monday 0 to Sunday 6."""


class Growth(Value):
    """How one kind of dose grows each week that qualifies: by ``add``, never past ``up_to``."""

    add: float
    up_to: float


class Progression(Value):
    """An entry's rules for growing its doses week by week.

    A week qualifies when every rated session of it had pain after at or below pain before
    and at most ``pain_at_most``. Stepping back after pain that worsened is not optional,
    so it is not a rule here but part of the schedule.
    """

    hold: Growth | None = None
    reps: Growth | None = None
    pain_at_most: int = DEFAULT_PAIN_AT_MOST


class ProgrammeEntry(Value, kw_only=False):
    """One routine in a programme, how often it is due, and how its doses grow."""

    routine: str
    often: Often
    at: time | None = None
    """The time of day it is meant for, if the programme gives one."""
    progression: Progression | None = None
    note: str = ""


class Programme(Value):
    """A named prescription over weeks, like a physiotherapist's home-exercise programme."""

    name: str
    title: str
    weeks: int
    entries: tuple[ProgrammeEntry, ...]
    description: str = ""
    source: str = ""
    notes: tuple[str, ...] = ()


def often_words(often: Often) -> str:
    """How often an entry is due, as a person says it."""
    if often.frequency is Frequency.DAILY:
        return "every day"
    if often.frequency is Frequency.WEEKDAYS:
        days = [WEEKDAY_NAMES[d].capitalize() for d in sorted(often.weekdays)]
        return "every " + ", ".join(days)
    if often.frequency is Frequency.PER_WEEK:
        times = "once" if often.count == 1 else f"{often.count} times"
        return f"{times} a week, never two days running"
    return "every day" if often.count == 1 else f"every {often.count} days"


def growth_words(progression: Progression | None) -> str:
    """A programme entry's growth rules in one line."""
    if progression is None:
        return "stays as written"
    parts = []
    if progression.hold is not None:
        hold = progression.hold
        parts.append(
            f"holds +{format_duration(hold.add)} a week up to {format_duration(hold.up_to)}"
        )
    if progression.reps is not None:
        reps = progression.reps
        parts.append(f"reps +{reps.add:g} a week up to {reps.up_to:g}")
    return (
        "; ".join(parts)
        + f", while pain after stays at or below pain before and at most {progression.pain_at_most}"
    )
