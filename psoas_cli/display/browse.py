"""The terminal views of ``psoas show`` and ``psoas list --exercises``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.padding import Padding
from rich.text import Text

from psoas_cli.display.routine_list import NARROW, origin_words
from psoas_cli.durations import format_clock, format_duration
from psoas_cli.library.catalog import ExerciseEntry, Origin, RoutineEntry
from psoas_cli.library.describe import alternative_text, dose_text, step_name
from psoas_cli.library.guidance import BEFORE_YOU_START, RED_FLAGS, STOP_ADVICE, STOP_SIGNS
from psoas_cli.library.model import Exercise, NoteStep, RestStep
from psoas_cli.library.plan import Plan
from psoas_cli.limits import SECONDS_PER_SELF_PACED_REP

if TYPE_CHECKING:
    from rich.table import Table


def print_exercise_table(console: Console, entries: Iterable[ExerciseEntry]) -> None:
    """The exercise library as a table."""
    from rich.table import Table  # noqa: PLC0415

    table = Table(box=None, pad_edge=False, header_style="bold", show_edge=False)
    table.add_column("Id", no_wrap=True, style="bold cyan")
    table.add_column("Name", ratio=2)
    if console.width >= NARROW:
        table.add_column("Equipment", ratio=2)
    table.add_column("From")
    for entry in entries:
        cells = [entry.exercise.id, entry.exercise.name]
        if console.width >= NARROW:
            cells.append(", ".join(entry.exercise.equipment) or "none")
        cells.append(origin_words(entry.origin.value, entry.overrides))
        table.add_row(*cells)
    console.print(table)


def print_routine(console: Console, entry: RoutineEntry, plan: Plan) -> None:
    """A routine's description, safety notes and step-by-step plan with the total time."""
    from rich.table import Table  # noqa: PLC0415

    routine = entry.routine
    console.print(Text.assemble((routine.title, "bold"), "  ", (f"({routine.name})", "dim")))
    if routine.description:
        console.print(routine.description)
    facts = [
        ("Total", ("about " if plan.approximate else "") + format_clock(plan.total)),
        ("Level", routine.level.value),
        ("Equipment", ", ".join(routine.equipment) or "none"),
        ("How often", routine.frequency),
        ("Source", routine.source),
        ("From", f"{origin_words(entry.origin.value, entry.overrides)}: {entry.path}"),
    ]
    console.print(_facts(facts))
    _section(console, "Safety", [BEFORE_YOU_START, RED_FLAGS, *routine.safety])
    _section(console, "Stop if you notice", STOP_SIGNS, style="bold red")
    console.print(Padding(Text(STOP_ADVICE, "bold"), (0, 0, 0, 2)))
    console.print()
    console.print(Text("Steps", "bold"))
    narrow = console.width < NARROW
    table = Table(box=None, pad_edge=False, header_style="bold", show_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Step", ratio=2)
    if not narrow:
        table.add_column("Dose", ratio=3)
    table.add_column("Time", justify="right", no_wrap=True)
    for index, step in enumerate(routine.steps):
        dose = Text(dose_text(step))
        if not isinstance(step, RestStep | NoteStep):
            if step.tip:
                dose.append(f"\n{step.tip}", "italic")
            if step.dose_note:
                dose.append(f"\n{step.dose_note}", "dim")
        other = alternative_text(step)
        if other is not None:
            dose.append(f"\n{other} (not counted in the total)", "cyan")
        seconds = format_clock(plan.step_seconds(index))
        if narrow:
            name = Text(step_name(step), "bold")
            table.add_row(str(index + 1), Text("\n").join([name, dose]), seconds)
        else:
            table.add_row(str(index + 1), step_name(step), dose, seconds)
    console.print(Padding(table, (0, 0, 0, 0 if narrow else 2)))
    console.print()
    cues = "Total includes the get-ready, switch-sides and next-up cues"
    if plan.approximate:
        per_rep = format_duration(SECONDS_PER_SELF_PACED_REP)
        cues += f"; self-paced sets are estimated at {per_rep} per rep"
    console.print(Text(f"{cues}.", "dim"))
    target = entry.path if entry.origin is Origin.FILE else routine.name
    console.print(Text.assemble("Start it with: ", (f"psoas run {target}", "bold")))


def print_exercise(console: Console, entry: ExerciseEntry, used_in: Sequence[str]) -> None:
    """How to do one exercise: setup, steps, cues, mistakes, stop signs and source."""
    exercise = entry.exercise
    console.print(Text.assemble((exercise.name, "bold"), "  ", (f"({exercise.id})", "dim")))
    if exercise.summary:
        console.print(exercise.summary)
    _exercise_sections(console, exercise)
    facts = [
        ("Also called", ", ".join(exercise.aliases)),
        ("Dose in the source", exercise.dose),
        ("Equipment", ", ".join(exercise.equipment) or "none"),
        ("Targets", ", ".join(exercise.target)),
        ("Source", exercise.source),
        ("Used in", ", ".join(used_in)),
    ]
    console.print()
    console.print(_facts(facts))


def _exercise_sections(console: Console, exercise: Exercise) -> None:
    _section(console, "Setup", exercise.setup, numbered=True)
    _section(console, "How to do it", exercise.steps, numbered=True)
    _section(console, "Cues", exercise.cues)
    _section(console, "Common mistakes", exercise.mistakes)
    _section(console, "Stop if", exercise.stop_signs, style="bold red")
    if exercise.check:
        title = f"Self-check, asked after a run and kept in your history: {exercise.check.question}"
        _section(console, title, exercise.check.answers, numbered=True)


def _facts(facts: Sequence[tuple[str, str]]) -> Table:
    from rich.table import Table  # noqa: PLC0415

    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for label, value in facts:
        if value:
            grid.add_row(f"{label}:", value)
    return grid


def _section(
    console: Console,
    title: str,
    items: Sequence[str],
    *,
    numbered: bool = False,
    style: str = "bold",
) -> None:
    if not items:
        return
    from rich.table import Table  # noqa: PLC0415

    console.print()
    console.print(Text(title, style))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column()
    for number, item in enumerate(items, 1):
        grid.add_row(f"{number}." if numbered else "-", item)
    console.print(Padding(Group(grid), (0, 0, 0, 2)))
