"""What a programme asks for on a given day, and how its doses have grown or stepped back.

Pure arithmetic on local calendar dates (never 24-hour steps, so a daylight-saving change or
a month end moves nothing) and on the sessions done so far, described by :class:`Session`
so that this layer needs nothing from the history's storage. Everything follows from the
programme, its start date and those sessions; nothing is remembered that could drift.

Doses move in levels: level 0 is the routine as written, each level adds one step of each
growth rule, never past its cap. A programme week that qualifies raises the level at the
next week's start; pain that worsened lowers it from the next day, and three such sessions
within two weeks stop any growth until they are older than that.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from enum import Enum

from psoas_cli.durations import format_duration
from psoas_cli.library.guidance import pain_worsened
from psoas_cli.library.model import HoldStep, RepsStep, Routine, Step
from psoas_cli.library.programme import (
    Frequency,
    Growth,
    Programme,
    ProgrammeEntry,
    Progression,
    weekday_number,
)
from psoas_cli.value import Value, replace

DAYS_A_WEEK = 7

EVENTS_TO_PAUSE = 3
"""Sessions with worsening pain, within PAUSE_WINDOW_DAYS, that stop all growth."""

PAUSE_WINDOW_DAYS = 14


class Session(Value):
    """One recorded run, as the schedule needs it."""

    day: date
    routine: str
    done: bool
    """Finished, or a real go: what counts as doing the day's item."""
    pain_before: int | None = None
    pain_after: int | None = None
    hurt: bool = False
    """Stopped with the "this hurts" key."""


def worsened(session: Session) -> bool:
    """Whether pain worsened in ``session``, by the one rule all of psoas uses."""
    return pain_worsened(session.pain_before, session.pain_after, hurt=session.hurt)


def last_day(programme: Programme, start: date) -> date:
    """The programme's final day: ``weeks`` whole weeks from ``start``."""
    return start + timedelta(days=programme.weeks * DAYS_A_WEEK - 1)


def week_number(start: date, day: date) -> int:
    """The programme week ``day`` falls in, counting from 1 on the start date."""
    return (day - start).days // DAYS_A_WEEK + 1


def week_first_day(start: date, day: date) -> date:
    """The first day of the programme week ``day`` falls in."""
    return start + timedelta(days=(week_number(start, day) - 1) * DAYS_A_WEEK)


def is_due(entry: ProgrammeEntry, day: date, start: date, done_days: frozenset[date]) -> bool:
    """Whether ``entry`` is due on ``day``, given the days it was done on before.

    N times a week is due on any day of the programme week while fewer than N are done and
    it was not done the day before, so a missed day moves to the next one without ever
    making two days running.
    """
    often = entry.often
    if often.frequency is Frequency.DAILY:
        return True
    if often.frequency is Frequency.WEEKDAYS:
        return day.weekday() in often.weekdays
    if often.frequency is Frequency.EVERY_DAYS:
        return (day - start).days % often.count == 0
    first = week_first_day(start, day)
    done_this_week = sum(1 for d in done_days if first <= d < day)
    return done_this_week < often.count and day - timedelta(days=1) not in done_days


def fixed_days(entry: ProgrammeEntry, start: date, first: date) -> tuple[date, ...]:
    """The days of the programme week starting ``first`` (of a programme begun on
    ``start``) that ``entry`` is due if every session is done when due: what a calendar
    can show in advance."""
    done: set[date] = set()
    for offset in range(DAYS_A_WEEK):
        day = first + timedelta(days=offset)
        if is_due(entry, day, start, frozenset(done)):
            done.add(day)
    return tuple(sorted(done))


def prescribed(entry: ProgrammeEntry, start: date, first: date) -> int:
    """Sessions the entry asks for in the programme week starting ``first``."""
    if entry.often.frequency is Frequency.PER_WEEK:
        return entry.often.count
    return len(fixed_days(entry, start, first))


def done_days_of(routine: str, sessions: Iterable[Session]) -> frozenset[date]:
    """The days on which ``routine`` was done."""
    return frozenset(s.day for s in sessions if s.routine == routine and s.done)


class DayState(Enum):
    """An entry's state on one day of the week view."""

    DONE = "done"
    MISSED = "missed"
    DUE = "due"
    PLANNED = "planned"


class EntryWeek(Value):
    """One entry across one programme week: what each day holds and the week's counts."""

    entry: ProgrammeEntry
    days: Mapping[date, DayState]
    prescribed: int
    done: int
    missed: int


def entry_week(
    entry: ProgrammeEntry, start: date, first: date, today: date, sessions: Sequence[Session]
) -> EntryWeek:
    """An entry's programme week starting ``first``, seen on ``today``.

    Past days are as recorded; from today on, each session due is assumed done, to show
    what is still planned. A fixed day gone by without its session is missed, unless the
    week's sessions were all done on other days; N times a week counts as missed only
    what the days left can no longer hold.
    """
    actual = done_days_of(entry.routine, sessions)
    assumed = set(actual)
    states: dict[date, DayState] = {}
    done = planned = 0
    for offset in range(DAYS_A_WEEK):
        day = first + timedelta(days=offset)
        due = is_due(entry, day, start, frozenset(d for d in assumed if d < day))
        if day in actual:
            states[day] = DayState.DONE
            done += 1
        elif day >= today and due:
            states[day] = DayState.DUE if day == today else DayState.PLANNED
            assumed.add(day)
            planned += 1
        elif due and entry.often.frequency is not Frequency.PER_WEEK:
            states[day] = DayState.MISSED
    asked = prescribed(entry, start, first)
    if done >= asked:
        states = {day: state for day, state in states.items() if state is not DayState.MISSED}
    missed = max(0, asked - done - planned)
    return EntryWeek(
        entry=entry, days=states, prescribed=asked, done=min(done, asked), missed=missed
    )


def due_today(
    programme: Programme, start: date, today: date, sessions: Sequence[Session]
) -> list[tuple[ProgrammeEntry, bool]]:
    """The entries due today, by time of day then programme order, each with whether it is
    already done today. Nothing is due outside the programme's weeks."""
    if not start <= today <= last_day(programme, start):
        return []
    found: list[tuple[ProgrammeEntry, bool]] = []
    for entry in programme.entries:
        done = done_days_of(entry.routine, sessions)
        before = frozenset(d for d in done if d < today)
        if today in done or is_due(entry, today, start, before):
            found.append((entry, today in done))
    order = {id(entry): index for index, entry in enumerate(programme.entries)}
    return sorted(found, key=lambda item: (item[0].at is None, item[0].at, order[id(item[0])]))


# -- progression -------------------------------------------------------------------------


class ChangeKind(Enum):
    """What happened to an entry's doses at a point in the programme."""

    UP = "up"
    BACK = "back"
    HELD = "held"


class DoseChange(Value):
    """A change of level (or a decision to keep it), from ``day`` on, and why."""

    day: date
    routine: str
    kind: ChangeKind
    level: int
    """The level from ``day`` on."""
    reason: str


class Progress(Value):
    """Where each entry's doses stand on a day, how they got there, and whether growth is
    paused by repeated worsening pain."""

    day: date
    levels: Mapping[str, int]
    changes: tuple[DoseChange, ...]
    paused: bool
    worsened: tuple[Session, ...]
    """Sessions with worsening pain in the pause window that ends with ``day``."""

    def latest(self, routine: str) -> DoseChange | None:
        """The most recent change to ``routine``'s level, if any."""
        mine = [change for change in self.changes if change.routine == routine]
        return mine[-1] if mine else None


def top_level(progression: Progression, routine: Routine) -> int:
    """The level past which no dose in ``routine`` changes: every growth at its cap."""
    levels = [0]
    for step in routine.steps:
        growth, base = _growth_for(step, progression)
        if growth is not None and base < growth.up_to:
            levels.append(math.ceil((growth.up_to - base) / growth.add))
    return max(levels)


def progress_on(
    programme: Programme,
    start: date,
    day: date,
    sessions: Sequence[Session],
    routines: Mapping[str, Routine],
) -> Progress:
    """Each entry's level on ``day``, from the start: sessions whose pain worsened step back
    from the next day; each qualifying week steps up at the next week's start."""
    mine = {entry.routine for entry in programme.entries}
    setbacks = sorted(
        (s for s in sessions if s.routine in mine and worsened(s) and start <= s.day <= day),
        key=lambda s: s.day,
    )
    growing = [(e, e.progression) for e in programme.entries if e.progression is not None]
    levels = {entry.routine: 0 for entry, _ in growing}
    changes: list[DoseChange] = []
    current = start + timedelta(days=1)
    while current <= min(day, last_day(programme, start) + timedelta(days=1)):
        yesterday = current - timedelta(days=1)
        for session in (s for s in setbacks if s.day == yesterday):
            level = max(0, levels.get(session.routine, 0) - 1)
            if session.routine in levels:
                levels[session.routine] = level
            changes.append(
                DoseChange(
                    day=current,
                    routine=session.routine,
                    kind=ChangeKind.BACK,
                    level=level,
                    reason=_worse_reason(session),
                )
            )
        if (current - start).days % DAYS_A_WEEK == 0:
            paused = _paused(setbacks, current)
            for entry, progression in growing:
                change = week_verdict(
                    entry,
                    progression,
                    routines[entry.routine],
                    levels[entry.routine],
                    [s for s in sessions if current - timedelta(days=7) <= s.day < current],
                    paused=paused,
                    effective=current,
                )
                levels[entry.routine] = change.level
                changes.append(change)
        current += timedelta(days=1)
    recent = tuple(s for s in setbacks if s.day > day - timedelta(days=PAUSE_WINDOW_DAYS))
    return Progress(
        day=day,
        levels=levels,
        changes=tuple(changes),
        paused=_paused(setbacks, day + timedelta(days=1)),
        worsened=recent,
    )


def _paused(worsened: Sequence[Session], until: date) -> bool:
    """Whether EVENTS_TO_PAUSE sessions worsened in the PAUSE_WINDOW_DAYS before ``until``."""
    window = until - timedelta(days=PAUSE_WINDOW_DAYS)
    return sum(1 for s in worsened if window <= s.day < until) >= EVENTS_TO_PAUSE


def week_verdict(
    entry: ProgrammeEntry,
    progression: Progression,
    routine: Routine,
    level: int,
    week: Sequence[Session],
    *,
    paused: bool,
    effective: date,
) -> DoseChange:
    """What one week's sessions of ``entry`` do to its level from ``effective`` on.

    The dose grows only when every rated session of the week had pain after at or below
    pain before and at most the programme's limit, none worsened, growth is not paused, and
    some dose is below its cap.
    """
    ours = [s for s in week if s.routine == entry.routine]
    rated = [(s, ratings) for s in ours if (ratings := _ratings(s)) is not None]

    def held(reason: str) -> DoseChange:
        return DoseChange(
            day=effective, routine=entry.routine, kind=ChangeKind.HELD, level=level, reason=reason
        )

    if any(worsened(s) for s in ours):
        return held("pain worsened after a session that week, so the doses do not grow")
    if paused:
        return held(
            f"growth is paused: pain worsened {EVENTS_TO_PAUSE} times within "
            f"{PAUSE_WINDOW_DAYS} days"
        )
    if not rated:
        return held("no session that week had pain rated before and after, so doses stay")
    for s, (before, after) in rated:
        if after > before or after > progression.pain_at_most:
            return held(
                f"on {s.day:%a %d %b} pain went from {before} to {after}; "
                f"doses grow only while pain after stays at or below pain before and at most "
                f"{progression.pain_at_most}"
            )
    if level >= top_level(progression, routine):
        return held("every dose is at the programme's cap")
    return DoseChange(
        day=effective,
        routine=entry.routine,
        kind=ChangeKind.UP,
        level=level + 1,
        reason=(
            "pain after stayed at or below pain before, and at most "
            f"{progression.pain_at_most}, all last week"
        ),
    )


def _ratings(session: Session) -> tuple[int, int] | None:
    """Pain before and after a session, when both were given."""
    if session.pain_before is None or session.pain_after is None:
        return None
    return session.pain_before, session.pain_after


def _worse_reason(session: Session) -> str:
    when = f"{session.day:%a %d %b}"
    if session.hurt:
        return f"a step back: the session on {when} was stopped because it hurt"
    return f"a step back: on {when} pain rose from {session.pain_before} to {session.pain_after}"


# -- doses -------------------------------------------------------------------------------


def _growth_for(step: Step, progression: Progression) -> tuple[Growth | None, float]:
    """The growth rule that acts on ``step``, and the step's dose as written."""
    if isinstance(step, HoldStep):
        return progression.hold, step.hold
    if isinstance(step, RepsStep):
        return progression.reps, float(step.reps)
    return None, 0.0


def grown(base: float, growth: Growth, level: int) -> float:
    """A dose ``level`` steps up from ``base``: never past the cap, never below the base."""
    if base >= growth.up_to:
        return base
    return min(base + level * growth.add, growth.up_to)


def dosed(routine: Routine, progression: Progression | None, level: int) -> Routine:
    """``routine`` with its holds and reps at ``level``; level 0 is the routine as written."""
    if progression is None or level == 0:
        return routine
    steps: list[Step] = []
    for step in routine.steps:
        growth, base = _growth_for(step, progression)
        if growth is None:
            steps.append(step)
        elif isinstance(step, HoldStep):
            steps.append(replace(step, hold=grown(base, growth, level)))
        elif isinstance(step, RepsStep):
            steps.append(replace(step, reps=int(grown(base, growth, level))))
    return replace(routine, steps=tuple(steps))


def dose_words(routine: Routine, progression: Progression | None, level: int) -> str:
    """The doses that growth sets, as a person reads them: "holds 35 s, reps 11"."""
    if progression is None:
        return ""
    holds: list[str] = []
    reps: list[str] = []
    for step in dosed(routine, progression, level).steps:
        if isinstance(step, HoldStep) and progression.hold is not None:
            holds.append(format_duration(step.hold))
        elif isinstance(step, RepsStep) and progression.reps is not None:
            reps.append(str(step.reps))
    parts = []
    if holds:
        parts.append("holds " + ", ".join(dict.fromkeys(holds)))
    if reps:
        parts.append("reps " + ", ".join(dict.fromkeys(reps)))
    return "; ".join(parts)


# -- views -------------------------------------------------------------------------------


class Stage(Enum):
    """Where a day falls against a programme's weeks."""

    NOT_STARTED = "not started"
    RUNNING = "running"
    ENDED = "ended"


def stage_on(programme: Programme, start: date, day: date) -> Stage:
    """Whether ``day`` is before, within or after the programme's weeks."""
    if day < start:
        return Stage.NOT_STARTED
    return Stage.RUNNING if day <= last_day(programme, start) else Stage.ENDED


class Following(Value):
    """A programme being followed: from when, the sessions recorded since, and the routines
    it runs (by name), which is all the views need."""

    programme: Programme
    start: date
    sessions: tuple[Session, ...]
    routines: Mapping[str, Routine]


def start_date(text: str, today: date) -> date | None:
    """A programme's start as typed: 2026-11-30, today, tomorrow, or a weekday (the next
    such day, today included); None when it is none of those."""
    word = text.strip().lower()
    if word in ("today", "tomorrow"):
        return today + timedelta(days=0 if word == "today" else 1)
    weekday = weekday_number(word)
    if weekday is not None:
        return today + timedelta(days=(weekday - today.weekday()) % DAYS_A_WEEK)
    try:
        return date.fromisoformat(word)
    except ValueError:
        return None


class TodayItem(Value):
    """One routine due today, at the dose progression sets, and the change that set it."""

    entry: ProgrammeEntry
    routine: Routine
    level: int
    done: bool
    change: DoseChange | None
    """This programme week's latest decision on the routine's doses, which says why they
    are what they are; None before any, or when the last was in an earlier week."""


class Today(Value):
    """What ``psoas today`` shows: the day's items in order, and the state of progression."""

    programme: Programme
    start: date
    day: date
    stage: Stage
    items: tuple[TodayItem, ...]
    progress: Progress

    @property
    def week(self) -> int:
        """The programme week of the day."""
        return week_number(self.start, self.day)

    def next_item(self) -> TodayItem | None:
        """The first item not done yet today."""
        return next((item for item in self.items if not item.done), None)


def today_view(
    programme: Programme,
    start: date,
    day: date,
    sessions: Sequence[Session],
    routines: Mapping[str, Routine],
) -> Today:
    """The day's items at their doses, in order, with why each dose is what it is."""
    progress = progress_on(programme, start, day, sessions, routines)
    items = []
    for entry, done in due_today(programme, start, day, sessions):
        level = progress.levels.get(entry.routine, 0)
        latest = progress.latest(entry.routine)
        this_week = latest is not None and latest.day >= week_first_day(start, day)
        shown = latest if this_week else None
        items.append(
            TodayItem(
                entry=entry,
                routine=dosed(routines[entry.routine], entry.progression, level),
                level=level,
                done=done,
                change=shown,
            )
        )
    return Today(
        programme=programme,
        start=start,
        day=day,
        stage=stage_on(programme, start, day),
        items=tuple(items),
        progress=progress,
    )


class WeekView(Value):
    """What ``psoas plan`` shows: this programme week entry by entry, and what the next
    week's start will do to each growing entry's doses, as things stand (nothing before
    the programme starts or in its last week)."""

    programme: Programme
    start: date
    today: date
    first: date
    rows: tuple[EntryWeek, ...]
    outlook: tuple[DoseChange, ...]
    outlook_doses: Mapping[str, str]
    """The doses each outlook change would set, as ``dose_words`` gives them."""
    progress: Progress

    @property
    def week(self) -> int:
        """The programme week shown."""
        return week_number(self.start, self.first)


def week_view(
    programme: Programme,
    start: date,
    today: date,
    sessions: Sequence[Session],
    routines: Mapping[str, Routine],
) -> WeekView:
    """The programme week holding ``today`` (or the first or last week, outside them)."""
    inside = min(max(today, start), last_day(programme, start))
    first = week_first_day(start, inside)
    next_start = first + timedelta(days=DAYS_A_WEEK)
    ahead = progress_on(programme, start, next_start, sessions, routines)
    rows = tuple(entry_week(e, start, first, today, sessions) for e in programme.entries)
    outlook = tuple(
        c
        for c in ahead.changes
        if c.day == next_start
        and c.kind is not ChangeKind.BACK
        and start <= today
        and next_start <= last_day(programme, start)
    )
    growing = {e.routine: e.progression for e in programme.entries}
    doses = {
        c.routine: dose_words(routines[c.routine], growing[c.routine], c.level) for c in outlook
    }
    return WeekView(
        programme=programme,
        start=start,
        today=today,
        first=first,
        rows=rows,
        outlook=outlook,
        outlook_doses=doses,
        progress=progress_on(programme, start, today, sessions, routines),
    )


class Adherence(Value):
    """A followed programme's weeks so far: first day, sessions done, sessions prescribed."""

    programme: Programme
    start: date
    weeks: tuple[tuple[date, int, int], ...]


def adherence(
    programme: Programme, start: date, today: date, sessions: Sequence[Session]
) -> list[tuple[date, int, int]]:
    """Each programme week begun by ``today``: its first day, sessions done, and sessions
    prescribed, over every entry."""
    weeks = []
    first = start
    while first <= min(today, last_day(programme, start)):
        rows = [entry_week(e, start, first, today, sessions) for e in programme.entries]
        weeks.append((first, sum(r.done for r in rows), sum(r.prescribed for r in rows)))
        first += timedelta(days=DAYS_A_WEEK)
    return weeks
