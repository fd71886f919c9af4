"""The terminal views of programmes: the list, one programme, this week, and today."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from psoas_cli.display.columns import Column, layout
from psoas_cli.display.routine_list import NARROW, origin_words
from psoas_cli.library.catalog import ProgrammeEntry
from psoas_cli.library.guidance import PAIN_WORSENED, SEE_A_PROFESSIONAL, STOP_SIGNS
from psoas_cli.library.model import Routine
from psoas_cli.library.programme import Programme, growth_words, often_words
from psoas_cli.library.schedule import (
    DAYS_A_WEEK,
    Adherence,
    ChangeKind,
    DayState,
    DoseChange,
    Progress,
    Stage,
    Today,
    WeekView,
    dose_words,
    last_day,
    stage_on,
)

DAY_MARKS = {
    DayState.DONE: "✓",
    DayState.MISSED: "✗",
    DayState.DUE: "●",
    DayState.PLANNED: "○",
}
"""One mark per day in the week grid; the legend under it says what each means."""
DAY_STYLES = {
    DayState.DONE: "green",
    DayState.MISSED: "red",
    DayState.DUE: "bold yellow",
    DayState.PLANNED: "",
}


def print_programme_table(console: Console, entries: Sequence[ProgrammeEntry]) -> None:
    """The programmes, one per line."""
    if not entries:
        console.print("No programmes.")
        return
    columns = [
        Column("Name", [e.programme.name for e in entries], style="bold cyan"),
        Column("Title", [e.programme.title for e in entries], wraps=True),
        Column("Weeks", [str(e.programme.weeks) for e in entries], right=True),
        Column(
            "Routines",
            [", ".join(x.routine for x in e.programme.entries) for e in entries],
            wraps=True,
        ),
        Column("From", [origin_words(e.origin.value, e.overrides) for e in entries]),
    ]
    console.print(layout(columns, console.width), soft_wrap=True)


def print_programme(
    console: Console, entry: ProgrammeEntry, routines: Mapping[str, Routine]
) -> None:
    """A programme: what it is, each routine with how often and how it grows, and its notes."""
    programme = entry.programme
    console.print(Text.assemble((programme.title, "bold"), "  ", (f"({programme.name})", "dim")))
    if programme.description:
        console.print(programme.description)
    facts = Table.grid(padding=(0, 1))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column()
    facts.add_row("Length:", f"{programme.weeks} weeks")
    if programme.source:
        facts.add_row("Source:", programme.source)
    facts.add_row("From:", f"{origin_words(entry.origin.value, entry.overrides)}: {entry.path}")
    console.print(facts)
    console.print()
    console.print(Text("Routines", "bold"))
    table = Table(box=None, pad_edge=False, header_style="bold", show_edge=False)
    table.add_column("Routine", no_wrap=True, style="cyan")
    table.add_column("How often", ratio=2)
    table.add_column("At", no_wrap=True)
    table.add_column("Doses", ratio=3)
    for item in programme.entries:
        doses = Text(growth_words(item.progression))
        if item.note:
            doses.append(f"\n{item.note}", "italic")
        at = item.at.strftime("%H:%M") if item.at is not None else ""
        table.add_row(item.routine, often_words(item.often), at, doses)
    console.print(Padding(table, (0, 0, 0, 2)))
    if programme.notes:
        console.print()
        console.print(Text("Notes", "bold"))
        console.print(Padding(_bullets(programme.notes), (0, 0, 0, 2)))
    console.print()
    console.print(Text.assemble("Follow it with: ", (f"psoas plan start {programme.name}", "bold")))


def print_week(console: Console, view: WeekView) -> None:
    """This programme week: each routine's days done, missed, due and planned, the week's
    counts, and what next week's start will do to the doses."""
    programme = view.programme
    end = min(view.first + timedelta(days=DAYS_A_WEEK - 1), last_day(programme, view.start))
    console.print(
        Text.assemble(
            (programme.title, "bold"),
            f"  week {view.week} of {programme.weeks}, {_day(view.first)} to {_day(end)}",
        )
    )
    _stage_line(console, programme, view.start, view.today)
    days = [view.first + timedelta(days=offset) for offset in range(DAYS_A_WEEK)]
    width = max(len(row.entry.routine) for row in view.rows)
    cell = 2 if console.width < NARROW else 3
    header = Text(" " * (width + 2))
    for day in days:
        header.append(f"{day:%a}"[: cell - 1].ljust(cell), "bold" if day == view.today else "")
    header.append(" done")
    console.print(header)
    for row in view.rows:
        line = Text(f"{row.entry.routine:<{width}}  ")
        for day in days:
            state = row.days.get(day)
            line.append(DAY_MARKS[state] if state else "·", DAY_STYLES[state] if state else "dim")
            line.append(" " * (cell - 1))
        line.append(f" {row.done}/{row.prescribed}")
        if row.missed:
            line.append(f", {row.missed} missed", "red")
        console.print(line)
    console.print(Text("✓ done  ✗ missed  ● due today  ○ planned  · nothing due", "dim"))
    done = sum(row.done for row in view.rows)
    asked = sum(row.prescribed for row in view.rows)
    missed = sum(row.missed for row in view.rows)
    console.print(f"This week: {done} of {asked} sessions done, {missed} missed.")
    _outlook(console, view)
    _safety(console, view.progress)


def _outlook(console: Console, view: WeekView) -> None:
    if not view.outlook:
        return
    console.print()
    next_start = view.first + timedelta(days=DAYS_A_WEEK)
    console.print(Text(f"Next week, from {_day(next_start)}, as things stand", "bold"))
    lines = []
    for change in view.outlook:
        doses = view.outlook_doses.get(change.routine, "")
        verb = "grows to" if change.kind is ChangeKind.UP else "stays at"
        lines.append(f"{change.routine} {verb} {doses}: {change.reason}")
    console.print(Padding(_bullets(lines), (0, 0, 0, 2)))


def print_today(console: Console, today: Today) -> None:
    """What is due today, in order, at its doses, with one line of reason for each change."""
    programme = today.programme
    console.print(
        Text.assemble(
            (f"{today.day:%A %d %B %Y}", "bold"),
            f"  {programme.title}, week {today.week} of {programme.weeks}"
            if today.stage is Stage.RUNNING
            else f"  {programme.title}",
        )
    )
    if _stage_line(console, programme, today.start, today.day):
        return
    if not today.items:
        console.print("Nothing is due today.")
    for number, item in enumerate(today.items, 1):
        at = f"{item.entry.at:%H:%M}  " if item.entry.at is not None else ""
        mark = ("✓ done", "green") if item.done else ("to do", "bold yellow")
        line = Text.assemble(f"{number}. {at}", (item.routine.name, "bold cyan"), "  ", mark)
        console.print(line)
        console.print(Padding(Text(item.routine.title), (0, 0, 0, 3)))
        if item.entry.progression is not None:
            doses = dose_words(item.routine, item.entry.progression, 0)
            console.print(Padding(Text(doses), (0, 0, 0, 3)))
        if item.change is not None:
            console.print(Padding(_change_text(item.change), (0, 0, 0, 3)))
        if item.entry.note:
            console.print(Padding(Text(item.entry.note, "italic"), (0, 0, 0, 3)))
    upcoming = today.next_item()
    if upcoming is not None:
        console.print()
        console.print(Text.assemble("Start the next one with: ", ("psoas run", "bold")))
    elif today.items:
        console.print()
        console.print("All done for today.")
    _safety(console, today.progress)


ADHERENCE_BAR = 20
"""Cells in a week's bar: the whole prescription, however many sessions it holds."""


def print_adherence(console: Console, adherence: Adherence) -> None:
    """Each programme week so far: a bar of sessions done against those prescribed."""
    programme = adherence.programme
    console.print()
    console.print(Text(f"{programme.title}: sessions done of those prescribed", "bold"))
    for number, (first, done, asked) in enumerate(adherence.weeks, 1):
        filled = round(ADHERENCE_BAR * done / asked) if asked else 0
        line = Text(f"  week {number}  {first:%d %b}  ")
        line.append("█" * filled, "green")
        line.append("░" * (ADHERENCE_BAR - filled), "dim")
        line.append(f"  {done}/{asked}")
        if asked and done == asked:
            line.append(" ✓", "green")
        console.print(line)


def _change_text(change: DoseChange) -> Text:
    """One line saying why a dose is what it is today."""
    style = "yellow" if change.kind is ChangeKind.BACK else "green"
    since = f"since {_day(change.day)}"
    if change.kind is ChangeKind.BACK:
        return Text(f"Eased off {since}: {change.reason}.", style)
    if change.kind is ChangeKind.HELD:
        return Text(f"Kept as they were {since}: {change.reason}.", "dim")
    return Text(f"Grown {since}: {change.reason}.", style)


def _stage_line(console: Console, programme: Programme, start: date, day: date) -> bool:
    """Say so when ``day`` is before or after the programme; True when it is."""
    stage = stage_on(programme, start, day)
    if stage is Stage.NOT_STARTED:
        console.print(f"It starts on {_day(start)}; nothing is due before then.")
    elif stage is Stage.ENDED:
        console.print(
            f"It ended on {_day(last_day(programme, start))}. Start it again, or another, with: "
            f"psoas plan start NAME"
        )
    return stage is not Stage.RUNNING


def _safety(console: Console, progress: Progress) -> None:
    """The stop signs again after pain worsened, and a professional when it keeps happening."""
    if not progress.worsened:
        return
    console.print()
    console.print(Text(PAIN_WORSENED, "bold yellow"))
    console.print(Padding(_bullets(STOP_SIGNS), (0, 0, 0, 2)))
    if progress.paused:
        console.print(Text(SEE_A_PROFESSIONAL, "bold red"))


def _bullets(items: Sequence[str]) -> Table:
    """Items under a dash each, wrapped lines hanging under their text."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for item in items:
        grid.add_row("-", item)
    return grid


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"
