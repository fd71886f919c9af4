"""The table of ``psoas list``: drawn from routine summaries, so listing builds no routine.

Apart from browse.py, whose views of a whole routine need the model and the plan, so that
``psoas list`` loads neither.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from psoas_cli.display.columns import Column, layout
from psoas_cli.durations import format_clock, format_duration
from psoas_cli.library.index import RoutineSummary
from psoas_cli.limits import SECONDS_PER_SELF_PACED_REP

BUILT_IN = "built-in"
"""The origin of a routine shipped with psoas, as summaries and --json name it."""

NARROW = 60

MEDIUM = 80
"""Below this many columns, list leaves out equipment, so titles keep room to read."""

WIDE = 100
"""Below this many columns, list leaves out where routines come from when all are built in."""


def origin_words(origin: str, overrides: str) -> str:
    """Where an entry comes from, saying so when a user file replaces a built-in one."""
    return f"{origin} (replaces built-in)" if overrides else origin


def total_text(seconds: float, approximate: bool) -> str:
    """A routine's total time, marked '~' when self-paced sets make it an estimate."""
    return ("~" if approximate else "") + format_clock(seconds)


def print_routine_table(console: Console, rows: Sequence[RoutineSummary]) -> None:
    """The routines, one per line where the terminal allows; narrow terminals keep the essentials.

    Laid out here rather than with rich's Table, which measures every cell generically and
    takes most of a second for a thousand routines.
    """
    if not rows:
        console.print("No routines match.")
        return
    own_files = any(row.origin != BUILT_IN for row in rows)
    narrow = console.width < NARROW
    columns = {
        "Name": Column("Name", [r.name for r in rows], style="bold cyan"),
        "Title": Column("Title", [r.title for r in rows], wraps=True, weight=3),
        "Time": Column("Time", [total_text(r.seconds, r.approximate) for r in rows], right=True),
        "Level": Column("Level", [r.level for r in rows]),
        "Equipment": Column(
            "Equipment", [", ".join(r.equipment) or "none" for r in rows], wraps=True, weight=2
        ),
        "From": Column(
            "From",
            [origin_words(r.origin, r.overrides) for r in rows],
            wraps=console.width < WIDE,
        ),
    }
    if narrow:
        chosen = ["Name", "Time", "From" if own_files else "Level"]
    else:
        chosen = ["Name", "Title", "Time", "Level"]
        chosen += ["Equipment"] if console.width >= MEDIUM else []
        chosen += ["From"] if own_files or console.width >= WIDE else []
    console.print(layout([columns[name] for name in chosen], console.width), soft_wrap=True)
    if any(row.approximate for row in rows):
        per_rep = format_duration(SECONDS_PER_SELF_PACED_REP)
        console.print(Text(f"~ includes self-paced sets, estimated at {per_rep} per rep", "dim"))
