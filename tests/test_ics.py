"""plan ics writes an iCalendar file that an independent parser (the icalendar package)
reads back with each routine's event, recurrence and reminder."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from itertools import pairwise
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from dateutil.rrule import rrulestr
from icalendar import Calendar, Event

from psoas_cli import cli as cli_module
from psoas_cli.cli import cli
from psoas_cli.library.catalog import Catalog
from psoas_cli.library.ics import escape_text, fold, programme_ics
from psoas_cli.library.programme import Frequency, Often, Programme, ProgrammeEntry

MONDAY = date(2026, 11, 2)
STAMP = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def events(text: str) -> dict[str, Event]:
    """The calendar's events by the routine their UID names."""
    calendar = Calendar.from_ical(text)
    found = {}
    for event in calendar.walk("VEVENT"):
        assert isinstance(event, Event)
        uid = str(event["UID"])
        found[uid.split("-", 2)[2].removesuffix("@psoas-cli")] = event
    return found


def occurrences(event: Event) -> list[date]:
    """Every day the event falls on, expanded from its RRULE by dateutil."""
    start = event.decoded("DTSTART")
    written = event["RRULE"].to_ical()
    rule = written.decode() if isinstance(written, bytes) else str(written)
    first = start if isinstance(start, datetime) else datetime.combine(start, time())
    return [moment.date() for moment in rrulestr(rule, dtstart=first)]


@pytest.fixture
def starter_ics(builtin_catalog: Catalog) -> str:
    """starter from a Monday, as plan ics writes it."""
    routines = {name: e.routine for name, e in builtin_catalog.routines.items()}
    starter = builtin_catalog.programmes["starter"].programme
    return programme_ics(starter, MONDAY, routines, STAMP)


def test_the_file_is_crlf_folded_at_75_octets(starter_ics: str) -> None:
    """Every line ends in CRLF and none is longer than 75 octets."""
    assert starter_ics.endswith("END:VCALENDAR\r\n")
    lines = starter_ics.split("\r\n")[:-1]
    assert all("\n" not in line for line in lines)
    assert max(len(line.encode()) for line in lines) <= 75
    assert any(line.startswith(" ") for line in lines)


def test_each_routine_is_one_repeating_event_with_its_days(starter_ics: str) -> None:
    """The parser finds one event per routine, each falling on exactly the days starter
    asks for in its four weeks; strength never on two days running."""
    found = events(starter_ics)
    assert set(found) == {
        "daily-10min",
        "strength",
        "supported-bridge",
        "breathing-minute",
        "hang-test",
    }
    days = {name: occurrences(event) for name, event in found.items()}
    assert len(days["daily-10min"]) == 28
    assert days["daily-10min"][-1] == MONDAY + timedelta(days=27)
    assert len(days["supported-bridge"]) == 20
    assert all(d.weekday() < 5 for d in days["supported-bridge"])
    assert [d.weekday() for d in days["breathing-minute"]] == [5, 6] * 4
    assert days["hang-test"] == [MONDAY + timedelta(days=7 * w) for w in range(4)]
    strength = days["strength"]
    assert len(strength) == 8
    assert all((b - a).days > 1 for a, b in pairwise(strength))


def test_events_have_floating_times_durations_and_reminders(starter_ics: str) -> None:
    """A timed entry starts at its local time with no zone, lasts the routine's time and
    reminds 10 minutes before; UIDs are stable and DTSTAMP is the time it was made."""
    daily = events(starter_ics)["daily-10min"]
    start = daily.decoded("DTSTART")
    assert start == datetime(2026, 11, 2, 7, 30)
    assert start.tzinfo is None
    assert daily.decoded("DURATION") == timedelta(minutes=14)
    assert daily.decoded("DTSTAMP") == STAMP
    assert str(daily["UID"]) == "starter-20261102-daily-10min@psoas-cli"
    assert str(daily["SUMMARY"]) == "Daily 10-minute psoas routine"
    assert "psoas run daily-10min" in str(daily["DESCRIPTION"])
    (alarm,) = daily.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == timedelta(minutes=-10)


def test_an_entry_without_a_time_is_an_all_day_event(builtin_catalog: Catalog) -> None:
    """No time of day: a date-only start, reminded at 09:00 that day."""
    routines = {name: e.routine for name, e in builtin_catalog.routines.items()}
    plan = Programme(
        name="p",
        title="Mine; with, commas",
        weeks=1,
        entries=(
            ProgrammeEntry(
                routine="strength",
                often=Often(frequency=Frequency.PER_WEEK, count=3),
                note="Slow; steady, calm\\done",
            ),
        ),
    )
    text = programme_ics(plan, date(2026, 11, 5), routines, STAMP)
    event = events(text)["strength"]
    assert event.decoded("DTSTART") == date(2026, 11, 5)
    assert occurrences(event) == [date(2026, 11, 5), date(2026, 11, 7), date(2026, 11, 9)]
    assert event.walk("VALARM")[0].decoded("TRIGGER") == timedelta(hours=9)
    assert str(event["DESCRIPTION"]).endswith("\nSlow; steady, calm\\done")
    assert "\r\nX-WR-CALNAME:Mine\\; with\\, commas\r\n" in text


def test_folding_never_splits_a_character_and_escaping_covers_text() -> None:
    """A long line of two-octet letters folds between characters; escapes are RFC 5545's."""
    folded = fold("SUMMARY:" + "é" * 80)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "SUMMARY:" + "é" * 80
    assert escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"


def test_plan_ics_writes_a_new_file_and_refuses_to_overwrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """plan ics writes the followed programme; an existing file is an error (exit 1) and stays;
    without a programme it says how to choose one."""
    target = tmp_path / "starter.ics"
    assert run("plan", "ics", str(target)).exit_code == 2
    monkeypatch.setattr(cli_module, "_local_today", lambda: MONDAY)
    run("plan", "start", "starter")
    result = run("plan", "ics", str(target))
    assert result.exit_code == 0
    assert "Wrote 5 repeating events to" in result.output
    assert len(events(target.read_text(encoding="utf-8"))) == 5
    target.write_text("mine")
    again = run("plan", "ics", str(target))
    assert again.exit_code == 1
    assert target.read_text() == "mine"
    assert run("plan", "ics", "-").stdout_bytes.startswith(b"BEGIN:VCALENDAR\r\n")
