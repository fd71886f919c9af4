"""Programme files to model values, with the same file:line:column problems as routines.

Read by the routine loader's safe, bounded reader; a programme names routines, so it is
checked against the routines it will run: each exists, and each growth rule has a step of
its kind to act on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import time

from psoas_cli.library.loader import (
    MAX_REPS,
    MAX_STEP_SECONDS,
    FieldReader,
    Fields,
    default_slug,
    describe,
    did_you_mean,
    parse_document,
)
from psoas_cli.library.model import HoldStep, RepsStep, Routine
from psoas_cli.library.programme import (
    DEFAULT_PAIN_AT_MOST,
    Frequency,
    Growth,
    Often,
    Programme,
    ProgrammeEntry,
    Progression,
    weekday_number,
)
from psoas_cli.library.yaml_reader import Node

PROGRAMME_KEYS = frozenset({"name", "title", "description", "source", "weeks", "notes", "entries"})
ENTRY_KEYS = frozenset({"routine", "often", "at", "progress", "note"})
PROGRESS_KEYS = frozenset({"hold", "reps", "pain_at_most"})
GROWTH_KEYS = ("add", "up_to")
OFTEN_FORMS = (Frequency.WEEKDAYS.value, Frequency.PER_WEEK.value, Frequency.EVERY_DAYS.value)

MAX_PROGRAMME_WEEKS = 52
"""A year: longer than any home-exercise programme runs before it is reviewed."""
MAX_ENTRIES = 20
MAX_TIMES_A_WEEK = 3
"""Three is the most a week can hold with a day between each, week after week."""
MAX_EVERY_DAYS = 28
MAX_HOLD_STEP = 60.0
"""The most a hold may grow in one week."""
MAX_REPS_STEP = 10
"""The most reps may grow in one week."""
MAX_PAIN = 10
"""The top of the 0-10 pain scale that pain_at_most is on."""
_TIME_OF_DAY = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def parse_programme(
    data: bytes, filename: str, routines: Mapping[str, Routine], default_name: str
) -> Programme:
    """Read a programme file, checking each entry against ``routines``."""
    return parse_document(
        data, filename, lambda reader, root: _programme(reader, root, routines, default_name)
    )


def _programme(
    reader: FieldReader, root: Node, routines: Mapping[str, Routine], default_name: str
) -> Programme | None:
    found = reader.fields(root, "", PROGRAMME_KEYS, "a programme")
    if found is None:
        return None
    reader.require(root, "", found, ("title", "weeks", "entries"))
    name = (
        reader.slug(*found["name"])
        if "name" in found
        else default_slug(reader, root, default_name, "programme")
    )
    title = reader.text(*found["title"]) if "title" in found else None
    optional = {k: reader.text(*found[k]) or "" for k in ("description", "source") if k in found}
    notes = reader.texts(*found["notes"]) if "notes" in found else ()
    weeks = reader.count(*found["weeks"], most=MAX_PROGRAMME_WEEKS) if "weeks" in found else None
    entries = _entries(reader, *found["entries"], routines) if "entries" in found else None
    if name is None or title is None or weeks is None or entries is None or notes is None:
        return None
    return Programme(
        name=name,
        title=title,
        weeks=weeks,
        entries=entries,
        description=optional.get("description", ""),
        source=optional.get("source", ""),
        notes=notes,
    )


def _entries(
    reader: FieldReader, node: Node, path: str, routines: Mapping[str, Routine]
) -> tuple[ProgrammeEntry, ...] | None:
    reader.visit(node)
    if node.items is None:
        reader.report(node, path, f"expected a list of entries, got {describe(node)}")
        return None
    if not node.items:
        reader.report(node, path, "give at least one entry: a routine and how often")
        return None
    if len(node.items) > MAX_ENTRIES:
        reader.report(node, path, f"at most {MAX_ENTRIES} entries, got {len(node.items)}")
        return None
    entries: list[ProgrammeEntry] = []
    first_place: dict[str, int] = {}
    for index, item in enumerate(node.items):
        where = f"{path}[{index}]"
        entry = _entry(reader, item, where, routines)
        if entry is None:
            continue
        if entry.routine in first_place:
            named = next((v for k, v in item.pairs or [] if k.value == "routine"), item)
            reader.report(
                named,
                f"{where}.routine",
                f"{entry.routine} is already in {path}[{first_place[entry.routine]}]; "
                "give one entry per routine",
            )
            continue
        first_place[entry.routine] = index
        entries.append(entry)
    return tuple(entries)


def _entry(
    reader: FieldReader, node: Node, path: str, routines: Mapping[str, Routine]
) -> ProgrammeEntry | None:
    found = reader.fields(node, path, ENTRY_KEYS, "a programme entry")
    if found is None:
        return None
    reader.require(node, path, found, ("routine", "often"))
    before = len(reader.problems)
    routine = _routine_ref(reader, *found["routine"], routines) if "routine" in found else None
    often = _often(reader, *found["often"]) if "often" in found else None
    at = _time_of_day(reader, *found["at"]) if "at" in found else None
    note = reader.text(*found["note"]) or "" if "note" in found else ""
    progression = _progression(reader, *found["progress"], routine) if "progress" in found else None
    if len(reader.problems) != before or routine is None or often is None:
        return None
    return ProgrammeEntry(
        routine=routine.name, often=often, at=at, progression=progression, note=note
    )


def _routine_ref(
    reader: FieldReader, node: Node, path: str, routines: Mapping[str, Routine]
) -> Routine | None:
    name = reader.text(node, path)
    if name is None:
        return None
    if name not in routines:
        reader.report(node, path, f"no routine named {name!r}{did_you_mean(name, routines)}")
        return None
    return routines[name]


def _often(reader: FieldReader, node: Node, path: str) -> Often | None:
    """``daily``, or one of ``{weekdays: [...]}``, ``{times_a_week: N}``, ``{every_days: N}``."""
    reader.visit(node)
    if node.pairs is None:
        if node.value == Frequency.DAILY.value:
            return Often(frequency=Frequency.DAILY)
        reader.report(
            node,
            path,
            f"expected daily, or one of {', '.join(OFTEN_FORMS)} as a mapping, "
            f"got {describe(node)}",
        )
        return None
    found = reader.fields(node, path, OFTEN_FORMS, "how often")
    if found is None:
        return None
    if len(found) != 1:
        reader.report(node, path, f"give exactly one of {', '.join(OFTEN_FORMS)}")
        return None
    ((form, (value, where)),) = found.items()
    if form == Frequency.WEEKDAYS.value:
        days = _weekdays(reader, value, where)
        return None if days is None else Often(frequency=Frequency.WEEKDAYS, weekdays=days)
    if form == Frequency.PER_WEEK.value:
        count = reader.count(value, where, most=MAX_TIMES_A_WEEK)
        return None if count is None else Often(frequency=Frequency.PER_WEEK, count=count)
    count = reader.count(value, where, most=MAX_EVERY_DAYS)
    return None if count is None else Often(frequency=Frequency.EVERY_DAYS, count=count)


def _weekdays(reader: FieldReader, node: Node, path: str) -> frozenset[int] | None:
    """Weekdays by short or full name (mon or monday, any case), each at most once."""
    reader.visit(node)
    items = node.items if node.items is not None else [node]
    if not items:
        reader.report(node, path, "name at least one weekday")
        return None
    days: set[int] = set()
    before = len(reader.problems)
    for index, item in enumerate(items):
        where = f"{path}[{index}]" if node.items is not None else path
        name = reader.text(item, where)
        if name is None:
            continue
        day = weekday_number(name)
        if day is None:
            reader.report(
                item, where, f"{name!r} is not a weekday; write mon, tue, wed, thu, fri, sat, sun"
            )
        elif day in days:
            reader.report(item, where, f"{name!r} is listed twice")
        else:
            days.add(day)
    return frozenset(days) if len(reader.problems) == before else None


def _time_of_day(reader: FieldReader, node: Node, path: str) -> time | None:
    """A time such as 07:30, read from the text as written: YAML 1.1 reads 07:30 as 450."""
    reader.visit(node)
    written = node.written if node.written is not None else node.value
    match = _TIME_OF_DAY.match(written) if isinstance(written, str) else None
    if match is None:
        reader.report(node, path, f"expected a time of day like 07:30, got {describe(node)}")
        return None
    return time(int(match.group(1)), int(match.group(2)))


def _progression(
    reader: FieldReader, node: Node, path: str, routine: Routine | None
) -> Progression | None:
    found = reader.fields(node, path, PROGRESS_KEYS, "progression rules")
    if found is None:
        return None
    hold = _growth(reader, found, "hold", routine, seconds=True)
    reps = _growth(reader, found, "reps", routine, seconds=False)
    pain = _pain(reader, *found["pain_at_most"]) if "pain_at_most" in found else None
    if "hold" not in found and "reps" not in found:
        reader.report(node, path, "give hold or reps (or both): what grows each week")
        return None
    return Progression(
        hold=hold, reps=reps, pain_at_most=DEFAULT_PAIN_AT_MOST if pain is None else pain
    )


def _growth(
    reader: FieldReader, found: Fields, kind: str, routine: Routine | None, *, seconds: bool
) -> Growth | None:
    """One growth rule: ``{add: 5s, up_to: 60s}`` for holds, ``{add: 1, up_to: 12}`` for reps."""
    if kind not in found:
        return None
    node, path = found[kind]
    fields = reader.fields(node, path, GROWTH_KEYS, f"how {kind} grow")
    if fields is None:
        return None
    reader.require(node, path, fields, GROWTH_KEYS)
    add: float | None = None
    up_to: float | None = None
    if seconds:
        add = reader.duration(*fields["add"], most=MAX_HOLD_STEP) if "add" in fields else None
        if "up_to" in fields:
            up_to = reader.duration(*fields["up_to"], most=MAX_STEP_SECONDS)
    else:
        add = reader.count(*fields["add"], most=MAX_REPS_STEP) if "add" in fields else None
        up_to = reader.count(*fields["up_to"], most=MAX_REPS) if "up_to" in fields else None
    if routine is not None and not _has_step(routine, kind):
        reader.report(node, path, f"{routine.name} has no {kind} steps for this to change")
        return None
    if add is None or up_to is None:
        return None
    return Growth(add=add, up_to=up_to)


def _has_step(routine: Routine, kind: str) -> bool:
    step_type = HoldStep if kind == "hold" else RepsStep
    return any(isinstance(step, step_type) for step in routine.steps)


def _pain(reader: FieldReader, node: Node, path: str) -> int | None:
    reader.visit(node)
    value = node.value
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_PAIN:
        reader.report(node, path, f"expected a pain rating from 0 to 10, got {describe(node)}")
        return None
    return value
