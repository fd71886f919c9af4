"""What ``psoas list`` shows, worked out without building a routine where it can be.

With no user files the built-in summaries come straight from the index, and neither the
model, the plan nor the catalog is loaded; a user file brings in the whole catalog, since
it may add to, replace or break the built-ins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from psoas_cli.library.index import RoutineSummary, builtin_summaries, yaml_names
from psoas_cli.paths import user_folders
from psoas_cli.value import Value

if TYPE_CHECKING:
    from psoas_cli.errors import RoutineFileError
    from psoas_cli.library.catalog import RoutineEntry


class Listing(Value, kw_only=False):
    """The routines ``psoas list`` shows, and what it warns about."""

    routines: list[RoutineSummary]
    problems: tuple[RoutineFileError, ...] = ()
    stale_index: str = ""
    """Why the built-ins were read from YAML rather than the index; empty normally."""


def load_listing() -> Listing:
    """Every routine's summary, built-in and the user's, with the user files set aside."""
    summaries = builtin_summaries()
    if summaries is not None and not any(yaml_names(folder) for folder in user_folders()):
        return Listing(summaries)
    from psoas_cli.library.catalog import load_catalog  # noqa: PLC0415

    catalog = load_catalog()
    routines = [summarise(entry) for entry in catalog.routines.values()]
    return Listing(routines, catalog.problems, catalog.stale_index)


def summarise(entry: RoutineEntry) -> RoutineSummary:
    """A routine's line in ``psoas list``, worked out from its steps."""
    from psoas_cli.library.plan import routine_seconds  # noqa: PLC0415

    routine = entry.routine
    seconds, approximate = routine_seconds(routine)
    return RoutineSummary(
        name=routine.name,
        title=routine.title,
        seconds=seconds,
        approximate=approximate,
        level=routine.level.value,
        equipment=routine.equipment,
        tags=routine.tags,
        origin=entry.origin.value,
        path=entry.path,
        overrides=entry.overrides,
    )
