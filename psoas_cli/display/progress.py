"""The terminal views of ``psoas history`` and ``psoas stats``: a table, a calendar, small charts.

Every chart is drawn with characters that still read without colour (NO_COLOR, TERM=dumb, a
pipe): the calendar's shades and the bars' lengths carry the meaning, colour only helps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from psoas_cli.display.columns import Column, layout
from psoas_cli.durations import format_clock
from psoas_cli.history.stats import WEEKS_SHOWN, CheckSeries, Stats, Week, calendar_grid
from psoas_cli.history.store import RunRecord
from psoas_cli.library.guidance import PAIN_WORSE_ADVICE
from psoas_cli.outcome import Outcome
from psoas_cli.text import counted, visible

NARROW = 60
MOST_CALENDAR_WEEKS = 26

NO_PRACTICE = ("·", "dim")
SHADES = (
    (5.0, "░", "green"),
    (10.0, "▒", "green"),
    (20.0, "▓", "bold green"),
    (math.inf, "█", "bold bright_green"),
)
"""Calendar cells: a day with fewer minutes than a row's limit gets that row's glyph."""

OUTCOME_STYLES = {
    Outcome.COMPLETED: "green",
    Outcome.QUIT: "yellow",
    Outcome.HURT: "bold red",
    Outcome.INTERRUPTED: "yellow",
}

MINUTES_PER_SESSION = 15
"""A full weekly bar is the goal at the articles' 10-15 minutes a day, or the best week."""
PAIN_BAR_CELLS = 10
WEEK_BAR_CELLS = 20
CHECK_ROUNDS_SHOWN = 10

PAIN_WORSE_SHOWN = 5
"""The latest sessions where pain got worse that ``psoas stats`` lists (--json has all)."""


def _when(record: RunRecord) -> str:
    return record.started.strftime("%Y-%m-%d %H:%M")


def _pain(record: RunRecord) -> str:
    if record.pain_before is None and record.pain_after is None:
        return "-"
    before = "-" if record.pain_before is None else str(record.pain_before)
    after = "-" if record.pain_after is None else str(record.pain_after)
    return f"{before} → {after}"


def _outcome(outcome: Outcome) -> str:
    return outcome.value


def print_history(
    console: Console, records: Sequence[RunRecord], total: int, filters: str = ""
) -> None:
    """Sessions newest first: a table, or two lines each on a narrow terminal.

    ``filters`` are the options that chose them, as typed; an empty list under a filter
    names it, so nobody reads "no sessions yet" and thinks their history is gone. Names
    and notes may come from an imported file, so they are printed ``visible``.
    """
    if not records:
        if filters:
            console.print(Text(visible(f"No sessions match {filters}.")))
        else:
            console.print("No sessions recorded yet. Start one with: psoas run daily-10min")
        return
    if console.width < NARROW:
        for r in records:
            console.print(
                Text.assemble(
                    (f"{r.id:>4}", "bold cyan"), f"  {_when(r)}  {format_clock(r.active_seconds)}"
                )
            )
            console.print(
                Text.assemble(
                    f"      {visible(r.routine)} · ",
                    (_outcome(r.outcome), OUTCOME_STYLES[r.outcome]),
                )
            )
            if r.pain_before is not None or r.pain_after is not None:
                console.print(f"      pain {_pain(r)}")
    else:
        columns = [
            Column("ID", [str(r.id) for r in records], right=True, style="bold cyan"),
            Column("Started", [_when(r) for r in records]),
            Column("Routine", [visible(r.routine) for r in records], wraps=True),
            Column("Time", [format_clock(r.active_seconds) for r in records], right=True),
            Column("Outcome", [_outcome(r.outcome) for r in records]),
            Column("Pain", [_pain(r) for r in records]),
        ]
        if any(r.note for r in records):
            columns.append(Column("Note", [visible(r.note) for r in records], wraps=True))
        console.print(layout(columns, console.width), soft_wrap=True)
    if total > len(records):
        console.print(
            Text(
                f"Showing {len(records)} of {counted(total, 'session')}: --limit 0 for all, "
                "--json or --csv for scripts.",
                "dim",
            )
        )


def print_stats(console: Console, stats: Stats) -> None:
    """Streaks, this week against the goal, the calendar, weekly minutes, pain and checks."""
    if not stats.sessions and not stats.checks and not stats.pain_worse:
        console.print(
            "Nothing to count yet: a session counts once it is completed or a minute is done. "
            "Start one with: psoas run daily-10min"
        )
        return
    _print_summary(console, stats)
    _print_calendar(console, stats)
    _print_weeks(console, stats.weeks, stats.goal)
    _print_pain(console, stats.weeks)
    _print_pain_worse(console, stats.pain_worse)
    for series in stats.checks:
        _print_checks(console, series)


def _print_summary(console: Console, stats: Stats) -> None:
    week = stats.this_week
    done = min(week.sessions, stats.goal)
    meter = "■" * done + "□" * (stats.goal - done)
    hours, minutes = divmod(round(stats.minutes), 60)
    total = f"{hours} h {minutes} min" if hours else f"{minutes} min"
    console.print(
        Text.assemble(
            ("Streak: ", "bold"),
            counted(stats.current_streak, "day"),
            f" (longest {counted(stats.longest_streak, 'day')})",
        )
    )
    console.print(
        Text.assemble(
            ("This week: ", "bold"),
            f"{week.sessions} of {counted(stats.goal, 'session')} ",
            (meter, "green"),
        )
    )
    console.print(
        Text.assemble(("In all: ", "bold"), f"{counted(stats.sessions, 'session')}, {total}")
    )


def shade(minutes: float) -> tuple[str, str]:
    """The calendar glyph and style for a day with ``minutes`` of practice."""
    if minutes <= 0:
        return NO_PRACTICE
    return next((glyph, style) for upper, glyph, style in SHADES if minutes < upper)


def _month_labels(mondays: Sequence[date | None], indent: int) -> str:
    """Month names over the columns where a month's first Monday falls; the first column is
    named too when the next name leaves it room."""
    starts = [(n, day) for n, day in enumerate(mondays) if day is not None and day.day <= 7]
    first = mondays[0]
    if first is not None and (not starts or starts[0][0] >= 2):
        starts.insert(0, (0, first))
    line = " " * indent
    for column, day in starts:
        line = line.ljust(indent + column * 2) + day.strftime("%b")
    return line


def _print_calendar(console: Console, stats: Stats) -> None:
    label = 4
    weeks = max(WEEKS_SHOWN, min(MOST_CALENDAR_WEEKS, (console.width - label) // 2))
    grid = calendar_grid(stats.today, weeks)
    console.print()
    console.print(Text(f"Last {weeks} weeks", "bold"))
    console.print(_month_labels(grid[0], label))
    for row, name in enumerate(("Mon", "", "Wed", "", "Fri", "", "Sun")):
        line = Text(f"{name:<{label}}")
        for cell in grid[row]:
            if cell is None:
                line.append("  ")
            else:
                glyph, style = shade(stats.minutes_by_day.get(cell, 0.0))
                line.append(glyph, style)
                line.append(" ")
        line.rstrip()
        console.print(line)
    key = Text()
    for text, minutes in (("none", 0.0), ("<5", 1.0), ("<10", 5.0), ("<20", 10.0), ("20+", 20.0)):
        glyph, style = shade(minutes)
        key.append(glyph, style)
        key.append(f" {text} ", "dim")
    key.append("min a day", "dim")
    console.print(key)


def _print_weeks(console: Console, weeks: Sequence[Week], goal: int) -> None:
    console.print()
    console.print(Text("Minutes per week", "bold"))
    full = max([*(w.minutes for w in weeks), goal * MINUTES_PER_SESSION])
    cells = WEEK_BAR_CELLS if console.width >= NARROW else 10
    first = next(i for i, w in enumerate(weeks) if w.sessions or i == len(weeks) - 1)
    for week in weeks[first:]:
        bar = "█" * round(week.minutes / full * cells)
        met = week.sessions >= goal
        console.print(
            Text.assemble(
                f"  {week.start.strftime('%d %b')}  ",
                (f"{bar:<{cells}}", "green" if met else "cyan"),
                f" {week.minutes:>4.0f} min  {week.sessions}/{goal}",
                (" ✓" if met else "", "green"),
            )
        )


def _pain_bar(value: float | None) -> Text:
    if value is None:
        return Text(f"{'-':>4} {'':<{PAIN_BAR_CELLS}}")
    halves = round(value * 2)
    bar = "█" * (halves // 2) + ("▌" if halves % 2 else "")
    style = "red" if value >= 7 else "yellow" if value >= 4 else "green"
    return Text.assemble(f"{value:>4.1f} ", (f"{bar:<{PAIN_BAR_CELLS}}", style))


def _print_pain(console: Console, weeks: Sequence[Week]) -> None:
    rated = [w for w in weeks if w.pain_before is not None or w.pain_after is not None]
    console.print()
    console.print(Text("Pain before → after (0-10), by week", "bold"))
    if not rated:
        console.print(
            "  No ratings yet: psoas run asks at a keyboard, or give --pain-before and "
            "--pain-after."
        )
        return
    for week in rated:
        line = Text(f"  {week.start.strftime('%d %b')}  ")
        line.append_text(_pain_bar(week.pain_before))
        line.append(" → ")
        line.append_text(_pain_bar(week.pain_after))
        if week.pain_worse:
            line.append(f"  ! worse in {counted(week.pain_worse, 'session')}", "bold red")
        line.rstrip()
        console.print(line)


def _print_pain_worse(console: Console, sessions: Sequence[RunRecord]) -> None:
    """The latest sessions that showed the stop sign, and when to see someone about it."""
    if not sessions:
        return
    console.print()
    console.print(Text("Pain got worse: a stop sign", "bold red"))
    for r in sessions[-PAIN_WORSE_SHOWN:]:
        stopped = "stopped: it hurt" if r.outcome is Outcome.HURT else ""
        rated = f"pain {_pain(r)}" if _pain(r) != "-" else ""
        what = ", ".join(w for w in (stopped, rated) if w)
        console.print(Text(f"  {r.id:>4}  {_when(r)}  {visible(r.routine)}  {what}"))
    if len(sessions) > PAIN_WORSE_SHOWN:
        console.print(Text(f"  and {len(sessions) - PAIN_WORSE_SHOWN} earlier", "dim"))
    console.print(Padding(Text(PAIN_WORSE_ADVICE[1], "bold"), (0, 0, 0, 2)))


def _print_checks(console: Console, series: CheckSeries) -> None:
    console.print()
    console.print(Text(f"Self-check: {visible(series.question)}", "bold"))
    rounds = series.rounds[-CHECK_ROUNDS_SHOWN:]
    sides = sorted(
        {side for r in rounds for side in r.answers},
        key=lambda s: "" if s is None else s.value,
    )
    if console.width < NARROW:
        for r in rounds:
            console.print(f"  {r.day.isoformat()}")
            for side in sides:
                if side in r.answers:
                    name = "answer" if side is None else side.value
                    console.print(f"    {name}: {visible(r.answers[side].answer)}")
        return
    columns = [Column("Date", [r.day.isoformat() for r in rounds])]
    for side in sides:
        header = "Answer" if side is None else side.value.capitalize()
        cells = [visible(r.answers[side].answer) if side in r.answers else "-" for r in rounds]
        columns.append(Column(header, cells, wraps=True))
    text = layout(columns, console.width - 2)
    for line in text.split("\n"):
        console.print(Text("  ") + line)
