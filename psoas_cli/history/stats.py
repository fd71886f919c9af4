"""Progress from the history: streaks, weeks, a calendar, pain trends and self-check results.

Arithmetic on run records and a given "today", so every figure can be tested at month and
year ends and across daylight-saving changes without touching a clock. Days are the local
dates the runs started on; weeks start on Monday. ``read_stats`` reads the same figures from
a history of any length without holding its records: it goes through a few columns of each
one and reads whole only the records a figure shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from psoas_cli.history.store import CheckResult, History, RunRecord, outcome_code
from psoas_cli.library.guidance import pain_worsened
from psoas_cli.library.model import Side
from psoas_cli.library.schedule import Session
from psoas_cli.outcome import Outcome
from psoas_cli.value import Value

DEFAULT_WEEKLY_GOAL = 5
"""Sessions a week: one article advises the supported bridge five days a week."""

COUNTS_AFTER_SECONDS = 60.0
"""A run that did not finish still counts once this much was done."""

WEEKS_SHOWN = 12


class Counted(Protocol):
    """What the rules below read of a run: a whole record, or a summary of one."""

    @property
    def outcome(self) -> Outcome: ...
    @property
    def steps_done(self) -> int: ...
    @property
    def active_seconds(self) -> float: ...
    @property
    def pain_before(self) -> int | None: ...
    @property
    def pain_after(self) -> int | None: ...


class Checked(Protocol):
    """What self-check results read of a run: a whole record, or its answers alone."""

    @property
    def started(self) -> datetime: ...
    @property
    def day(self) -> date: ...
    @property
    def checks(self) -> tuple[CheckResult, ...]: ...


def counts(record: Counted) -> bool:
    """Whether a run counts toward streaks and the weekly goal: finished with a step done
    (reaching the end by skipping every step is no session), or a real go."""
    finished = record.outcome is Outcome.COMPLETED and record.steps_done > 0
    return finished or record.active_seconds >= COUNTS_AFTER_SECONDS


def worsened(record: Counted) -> bool:
    """Whether a session showed the stop sign "pain that gets worse", by the one rule."""
    return pain_worsened(record.pain_before, record.pain_after, hurt=record.outcome is Outcome.HURT)


def charted(record: Counted) -> bool:
    """Whether a run's pain ratings belong in the pain chart: it counts, or pain got worse
    (a warning never drops out, however short the run that gave it)."""
    return counts(record) or worsened(record)


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


class Week(Value):
    """One week's work and average pain ratings (None when nothing was rated), and how many
    of its sessions made pain worse."""

    start: date
    sessions: int
    minutes: float
    pain_before: float | None
    pain_after: float | None
    pain_worse: int = 0


class CheckRound(Value, kw_only=False):
    """The answers of one run's self-check, by side (None for a one-sided check)."""

    day: date
    answers: Mapping[Side | None, CheckResult]


class CheckSeries(Value, kw_only=False):
    """Every round of one self-check, oldest first."""

    test: str
    question: str
    rounds: tuple[CheckRound, ...]


class Stats(Value):
    """Everything ``psoas stats`` shows."""

    today: date
    goal: int
    sessions: int
    minutes: float
    current_streak: int
    longest_streak: int
    weeks: tuple[Week, ...]
    minutes_by_day: Mapping[date, float]
    checks: tuple[CheckSeries, ...]
    pain_worse: tuple[RunRecord, ...] = ()
    """Every session where pain got worse, oldest first."""

    @property
    def this_week(self) -> Week:
        """The week that holds ``today``."""
        return self.weeks[-1]


COUNTS_SQL = (
    f"((outcome = '{outcome_code(Outcome.COMPLETED)}' AND steps_done > 0) "
    f"OR active_seconds >= {COUNTS_AFTER_SECONDS!r})"
)
"""``counts`` as a condition on the sessions table, so a long history is counted without
making a record of each run; tests hold the two to the same answer for every kind of run."""

MAY_HAVE_WORSENED_SQL = f"(outcome = '{outcome_code(Outcome.HURT)}' OR pain_after > pain_before)"
"""A condition every run where pain got worse meets (stopped with "!", or rated higher
after): a sieve, so that ``worsened`` itself is asked only of the few runs it lets through."""


def compute_stats(
    records: Iterable[RunRecord], today: date, *, goal: int = DEFAULT_WEEKLY_GOAL
) -> Stats:
    """The figures for ``today`` from every record, in the order given (the history lists
    them newest first), which is the order minutes are added up in.

    Self-check answers are kept even from a run too short to count toward the goal:
    the hang test itself takes about a minute.
    """
    records = list(records)
    tally = Tally.of(
        ((r.day, r.active_seconds) for r in records if counts(r)),
        (r.id for r in records if worsened(r)),
    )
    first = first_week_shown(today)
    return tally.stats(
        today,
        goal,
        recent=[r for r in records if r.day >= first],
        with_checks=[r for r in records if r.checks],
        pain_worse=[r for r in records if worsened(r)],
    )


def read_stats(
    history: History,
    today: date,
    *,
    goal: int = DEFAULT_WEEKLY_GOAL,
    rounds: int | None = None,
) -> Stats:
    """The figures ``compute_stats`` gives for every record in ``history``, read so that
    memory stays flat however long the history: SQL picks the runs that count, whose days
    and minutes are added up as they stream past, and only the records a figure shows are
    read whole (those of the weeks charted, those with self-checks and those where pain
    got worse). A history with a row SQL cannot vouch for is read record by record.

    With ``rounds``, a self-check's series needs to hold only its last ``rounds`` rounds
    (it may hold more), for a screen that shows no more: SQL then reads just those.
    Without, every round is read (for ``--json``)."""
    with history.snapshot():
        if not history.all_plain():
            return compute_stats(history.each_record(), today, goal=goal)
        sessions, minutes_by_day = history.minutes_by_day(COUNTS_SQL)
        worse = (run.id for run in history.summaries(MAY_HAVE_WORSENED_SQL) if worsened(run))
        tally = Tally(sessions, minutes_by_day, tuple(worse))
        return tally.stats(
            today,
            goal,
            recent=history.records(since=first_week_shown(today)),
            with_checks=history.checked_runs(rounds),
            pain_worse=history.records_by_id(tally.worse_ids),
        )


def first_week_shown(today: date) -> date:
    """The Monday of the oldest week stats chart."""
    return week_start(today) - timedelta(weeks=WEEKS_SHOWN - 1)


class Tally(Value, kw_only=False):
    """What stats add up over every run: sessions that count, their minutes by day, and the
    runs where pain got worse (by id, in the order read)."""

    sessions: int
    minutes_by_day: Mapping[date, float]
    worse_ids: tuple[int, ...]

    @classmethod
    def of(cls, counted: Iterable[tuple[date, float]], worse_ids: Iterable[int]) -> Tally:
        """Add up the day and active seconds of each run that counts, newest first."""
        sessions = 0
        minutes_by_day: dict[date, float] = {}
        for day, seconds in counted:
            sessions += 1
            minutes_by_day[day] = minutes_by_day.get(day, 0.0) + seconds / 60
        return cls(sessions, minutes_by_day, tuple(worse_ids))

    def stats(
        self,
        today: date,
        goal: int,
        *,
        recent: Iterable[RunRecord],
        with_checks: Iterable[Checked],
        pain_worse: Iterable[RunRecord],
    ) -> Stats:
        """The figures, given the records read whole: those of the charted weeks, newest
        first, and those where pain got worse and the runs with self-checks, each newest
        first or by id, latest first (the same order wherever it matters: among runs that
        started at the same moment, since both are sorted by start)."""
        days = set(self.minutes_by_day)
        return Stats(
            today=today,
            goal=goal,
            sessions=self.sessions,
            minutes=sum(self.minutes_by_day.values()),
            current_streak=current_streak(days, today),
            longest_streak=longest_streak(days),
            weeks=weeks([r for r in recent if charted(r)], today, WEEKS_SHOWN),
            minutes_by_day=self.minutes_by_day,
            checks=check_series(with_checks),
            pain_worse=tuple(sorted(pain_worse, key=lambda r: r.started)),
        )


def current_streak(days: set[date], today: date) -> int:
    """Days in a row with a run that counts, ending today or, if today has none yet, yesterday."""
    day = today if today in days else today - timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    return streak


def longest_streak(days: set[date]) -> int:
    """The most days in a row there has ever been a run that counts."""
    longest = run = 0
    previous: date | None = None
    for day in sorted(days):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    return longest


def weeks(records: Sequence[RunRecord], today: date, count: int) -> tuple[Week, ...]:
    """The last ``count`` weeks up to the one holding ``today``, oldest first, empty ones too.

    Sessions and minutes are of the runs that count; pain is averaged over every run given.
    """
    first = week_start(today) - timedelta(weeks=count - 1)
    by_week: dict[date, list[RunRecord]] = {}
    for record in records:
        start = week_start(record.day)
        if first <= start <= today:
            by_week.setdefault(start, []).append(record)
    result = []
    for n in range(count):
        start = first + timedelta(weeks=n)
        group = by_week.get(start, [])
        done = [r for r in group if counts(r)]
        result.append(
            Week(
                start=start,
                sessions=len(done),
                minutes=sum(r.active_seconds for r in done) / 60,
                pain_before=_mean(r.pain_before for r in group),
                pain_after=_mean(r.pain_after for r in group),
                pain_worse=sum(worsened(r) for r in group),
            )
        )
    return tuple(result)


def _mean(values: Iterable[int | None]) -> float | None:
    given = [v for v in values if v is not None]
    return sum(given) / len(given) if given else None


def calendar_grid(today: date, week_count: int) -> list[list[date | None]]:
    """Seven rows (Monday first) of ``week_count`` columns ending with this week; days after
    today are None."""
    first = week_start(today) - timedelta(weeks=week_count - 1)
    return [
        [
            day if (day := first + timedelta(weeks=column, days=row)) <= today else None
            for column in range(week_count)
        ]
        for row in range(7)
    ]


def check_series(records: Iterable[Checked]) -> tuple[CheckSeries, ...]:
    """Self-check answers grouped by test, one round per run, oldest first."""
    series: dict[str, tuple[str, list[CheckRound]]] = {}
    for record in sorted(records, key=lambda r: r.started):
        by_test: dict[str, dict[Side | None, CheckResult]] = {}
        for check in record.checks:
            by_test.setdefault(check.test, {})[check.side] = check
        for test, answers in by_test.items():
            question = next(iter(answers.values())).question
            series.setdefault(test, (question, []))[1].append(CheckRound(record.day, answers))
    return tuple(
        CheckSeries(test, question, tuple(rounds))
        for test, (question, rounds) in sorted(series.items())
    )


def stats_data(stats: Stats) -> dict[str, Any]:
    """The figures as plain data for --json."""
    return {
        "today": stats.today.isoformat(),
        "goal": stats.goal,
        "sessions": stats.sessions,
        "minutes": round(stats.minutes, 1),
        "current_streak": stats.current_streak,
        "longest_streak": stats.longest_streak,
        "weeks": [
            {
                "start": w.start.isoformat(),
                "sessions": w.sessions,
                "minutes": round(w.minutes, 1),
                "pain_before": None if w.pain_before is None else round(w.pain_before, 2),
                "pain_after": None if w.pain_after is None else round(w.pain_after, 2),
                "pain_worse": w.pain_worse,
            }
            for w in stats.weeks
        ],
        "pain_worse": [
            {
                "id": r.id,
                "started": r.started.isoformat(timespec="seconds"),
                "routine": r.routine,
                "outcome": outcome_code(r.outcome),
                "pain_before": r.pain_before,
                "pain_after": r.pain_after,
            }
            for r in stats.pain_worse
        ],
        "minutes_by_day": {
            day.isoformat(): round(minutes, 1)
            for day, minutes in sorted(stats.minutes_by_day.items())
        },
        "self_checks": [
            {
                "test": series.test,
                "question": series.question,
                "rounds": [
                    {
                        "date": r.day.isoformat(),
                        "answers": {
                            "none" if side is None else side.value: {
                                "answer": check.answer,
                                "rank": check.rank,
                            }
                            for side, check in r.answers.items()
                        },
                    }
                    for r in series.rounds
                ],
            }
            for series in stats.checks
        ],
    }


def schedule_sessions(records: Iterable[RunRecord]) -> list[Session]:
    """Records as the programme schedule reads them: done when they count toward a streak."""
    return [
        Session(
            day=record.day,
            routine=record.routine,
            done=counts(record),
            pain_before=record.pain_before,
            pain_after=record.pain_after,
            hurt=record.outcome is Outcome.HURT,
        )
        for record in records
    ]
