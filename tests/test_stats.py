"""Progress figures: streaks and weeks by local date across month, year and daylight-saving
changes, and the stats and history screens as a person reads them."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from fakes import record
from rich.console import Console

from psoas_cli.display.progress import print_history, print_stats
from psoas_cli.history.stats import (
    calendar_grid,
    compute_stats,
    counts,
    current_streak,
    longest_streak,
    week_start,
)
from psoas_cli.history.store import CheckResult, History, RunRecord
from psoas_cli.library.model import Side
from psoas_cli.outcome import Outcome
from psoas_cli.value import replace

CET = timezone(timedelta(hours=1))
CEST = timezone(timedelta(hours=2))


def at(day: date, hour: int = 7, minute: int = 30, zone: timezone = CET) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def daily(first: date, last: date, **kwargs: object) -> list[RunRecord]:
    """One session a morning from ``first`` to ``last``."""
    days = (last - first).days + 1
    return [record(at(first + timedelta(days=n)), **kwargs) for n in range(days)]  # type: ignore[arg-type]


def test_streaks_run_across_month_and_year_ends() -> None:
    """30 Dec to 2 Jan is four days in a row, as is 30 Jan to 2 Feb."""
    days = {r.day for r in daily(date(2026, 12, 30), date(2027, 1, 2))}
    assert longest_streak(days) == 4
    assert current_streak(days, date(2027, 1, 2)) == 4
    days = {r.day for r in daily(date(2027, 1, 30), date(2027, 2, 2))}
    assert longest_streak(days) == 4


def test_the_current_streak_survives_until_today_is_over() -> None:
    """No session yet today keeps yesterday's streak; a missed day ends it."""
    days = {date(2026, 11, 18), date(2026, 11, 19), date(2026, 11, 20)}
    assert current_streak(days, date(2026, 11, 20)) == 3
    assert current_streak(days, date(2026, 11, 21)) == 3
    assert current_streak(days, date(2026, 11, 22)) == 0
    assert current_streak(set(), date(2026, 11, 22)) == 0


def test_days_are_local_dates_across_daylight_saving_changes(tmp_path: Path) -> None:
    """Runs at 00:30 by the 2026 clock changes in Berlin fall on their local dates, stored or not."""
    spring = [
        record(at(date(2026, 3, 28), 0, 30, CET)),
        record(at(date(2026, 3, 29), 0, 30, CET)),
        record(at(date(2026, 3, 30), 0, 30, CEST)),
        record(at(date(2026, 3, 31), 0, 30, CEST)),
    ]
    autumn = [
        record(at(date(2026, 10, 24), 23, 30, CEST)),
        record(at(date(2026, 10, 25), 1, 30, CEST)),
        record(at(date(2026, 10, 26), 0, 30, CET)),
    ]
    with History.open(tmp_path / "h.sqlite3") as history:
        history.import_records(spring + autumn)
        stored = history.records()
    assert stored[-3].started.astimezone(timezone.utc).date() == date(2026, 3, 29)
    assert sorted(r.day for r in stored) == [
        date(2026, 3, 28),
        date(2026, 3, 29),
        date(2026, 3, 30),
        date(2026, 3, 31),
        date(2026, 10, 24),
        date(2026, 10, 25),
        date(2026, 10, 26),
    ]
    spring_days = {r.day for r in stored if r.day.month == 3}
    assert longest_streak(spring_days) == 4
    stats = compute_stats(stored, date(2026, 10, 26))
    assert stats.current_streak == 3
    assert [w.sessions for w in stats.weeks[-2:]] == [2, 1]


def test_weeks_start_on_monday_and_cross_the_year_end() -> None:
    """The week of Monday 28 Dec 2026 holds 1 Jan 2027; minutes and pain are per week."""
    assert week_start(date(2027, 1, 1)) == date(2026, 12, 28)
    records = [
        record(at(date(2026, 12, 27)), minutes=10, pain=(6, 4)),
        record(at(date(2026, 12, 28)), minutes=12, pain=(5, 3)),
        record(at(date(2027, 1, 1)), minutes=8, pain=(3, None)),
        record(at(date(2027, 1, 3), 23, 50), minutes=20),
    ]
    stats = compute_stats(records, date(2027, 1, 4), goal=3)
    last, this = stats.weeks[-2], stats.weeks[-1]
    assert (last.start, last.sessions, last.minutes) == (date(2026, 12, 28), 3, 40.0)
    assert (last.pain_before, last.pain_after) == (4.0, 3.0)
    assert (this.start, this.sessions, this.minutes) == (date(2027, 1, 4), 0, 0.0)
    assert stats.weeks[-3].pain_before == 6.0
    assert len(stats.weeks) == 12


def test_only_real_sessions_count_toward_streaks_and_goals() -> None:
    """A run quit after 30 s does not count; completed or a minute's work does."""
    start = at(date(2026, 11, 20))
    assert not counts(record(start, minutes=0.5, outcome=Outcome.QUIT))
    assert counts(record(start, minutes=1.5, outcome=Outcome.INTERRUPTED))
    assert counts(record(start, minutes=0.5, outcome=Outcome.COMPLETED))


def test_the_calendar_ends_with_this_week_and_leaves_the_future_blank() -> None:
    """Seven rows from Monday; today (a Saturday) is in the last column and Sunday is empty."""
    grid = calendar_grid(date(2026, 11, 21), 12)
    assert [len(row) for row in grid] == [12] * 7
    assert grid[0][-1] == date(2026, 11, 16)
    assert grid[5][-1] == date(2026, 11, 21)
    assert grid[6][-1] is None
    assert grid[0][0] == date(2026, 8, 31)


def _hang(side: Side, answer: str, rank: int) -> CheckResult:
    return CheckResult(
        test="bench-edge-hang-test",
        question="Where did the hanging thigh settle?",
        side=side,
        answer=answer,
        rank=rank,
    )


def _some_weeks() -> list[RunRecord]:
    today = date(2026, 11, 21)
    records = daily(today - timedelta(days=4), today, minutes=12, pain=(5, 3))
    records += daily(date(2026, 10, 1), date(2026, 10, 10), minutes=25)
    records += [
        record(
            at(date(2026, 10, 3), 18),
            minutes=1.2,
            routine="hang-test",
            checks=(
                _hang(Side.LEFT, "well above level", 2),
                _hang(Side.RIGHT, "a little above level", 1),
            ),
        ),
        record(
            at(date(2026, 11, 20), 18),
            minutes=1.2,
            routine="hang-test",
            checks=(
                _hang(Side.LEFT, "a little above level", 1),
                _hang(Side.RIGHT, "level with the bench, or below it", 0),
            ),
        ),
    ]
    return records


def _screen(width: int, draw: object, *args: object) -> list[str]:
    console = Console(file=io.StringIO(), width=width, record=True, color_system=None)
    draw(console, *args)  # type: ignore[operator]
    return [line.rstrip() for line in console.export_text().splitlines()]


@pytest.mark.parametrize("width", [100, 40])
def test_the_stats_screen_shows_streak_week_calendar_pain_and_checks(width: int) -> None:
    """The streak, week against goal, shaded days, falling pain and hang test answers by side."""
    stats = compute_stats(_some_weeks(), date(2026, 11, 21), goal=5)
    lines = _screen(width, print_stats, stats)
    assert lines[:3] == [
        "Streak: 5 days (longest 10 days)",
        "This week: 6 of 5 sessions ■■■■■",
        "In all: 17 sessions, 5 h 12 min",
    ]
    calendar = lines[lines.index(f"Last {26 if width == 100 else 18} weeks") :]
    assert calendar[2].startswith("Mon ")
    assert calendar[6].startswith("Fri ")
    assert calendar[6].endswith("█ █ · · · · · ▓")
    assert calendar[9] == "· none ░ <5 ▒ <10 ▓ <20 █ 20+ min a day"
    assert "  16 Nov  " in "\n".join(lines)
    pain = lines.index("Pain before → after (0-10), by week")
    assert lines[pain + 1] == "  16 Nov   5.0 █████      →  3.0 ███"
    checks = next(n for n, line in enumerate(lines) if line.startswith("Self-check: Where"))
    table = "\n".join(lines[checks + 1 :])
    assert "2026-10-03" in table and "2026-11-20" in table
    assert "well above" in table and "a little above" in table


def test_the_history_table_wide_and_narrow() -> None:
    """Wide: one row per session with pain; narrow: two or three short lines each."""
    records = [
        RunRecord(**{**r.__dict__, "id": n})
        for n, r in enumerate(reversed(_some_weeks()[:2]), start=7)
    ]
    wide = _screen(100, print_history, records, 30)
    assert wide[0].split() == ["ID", "Started", "Routine", "Time", "Outcome", "Pain"]
    assert wide[1].split() == [
        "7",
        "2026-11-18",
        "07:30",
        "daily-10min",
        "12:00",
        "completed",
        "5",
        "→",
        "3",
    ]
    assert wide[-1] == "Showing 2 of 30 sessions: --limit 0 for all, --json or --csv for scripts."
    narrow = _screen(40, print_history, records, 2)
    assert narrow[:3] == [
        "   7  2026-11-18 07:30  12:00",
        "      daily-10min · completed",
        "      pain 5 → 3",
    ]
    assert _screen(100, print_history, [], 0) == [
        "No sessions recorded yet. Start one with: psoas run daily-10min"
    ]


def test_stats_without_a_counting_session_says_what_counts() -> None:
    """A history with only a run quit after seconds gets an explanation, not 'no sessions'."""
    stats = compute_stats(
        [record(at(date(2026, 11, 21)), minutes=0.05, outcome=Outcome.QUIT)], date(2026, 11, 21)
    )
    assert " ".join(_screen(100, print_stats, stats)) == (
        "Nothing to count yet: a session counts once it is completed or a minute is done. "
        "Start one with: psoas run daily-10min"
    )


def test_a_run_that_skipped_every_step_is_no_session() -> None:
    """Reaching the end by skipping every step in a few seconds counts toward neither the
    streak nor the goal; the same run with one step done does."""
    moment = datetime(2026, 11, 2, 8, tzinfo=timezone.utc)
    skipped = replace(record(moment, minutes=0.2), steps_done=0, steps_skipped=8)
    assert not counts(skipped)
    assert counts(replace(skipped, steps_done=1, steps_skipped=7))
