"""The pure programme schedule: what is due on a date, a week's done and missed, and doses
that grow only by the rules and step back when pain worsens."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fakes import record

from psoas_cli.history.stats import schedule_sessions
from psoas_cli.library.catalog import Catalog
from psoas_cli.library.model import HoldStep, RepsStep, Routine
from psoas_cli.library.programme import (
    Frequency,
    Growth,
    Often,
    Programme,
    ProgrammeEntry,
    Progression,
)
from psoas_cli.library.schedule import (
    ChangeKind,
    DayState,
    Session,
    adherence,
    dosed,
    due_today,
    entry_week,
    is_due,
    last_day,
    progress_on,
    start_date,
    today_view,
    week_view,
    worsened,
)
from psoas_cli.outcome import Outcome

MONDAY = date(2026, 11, 2)
DAILY = Often(frequency=Frequency.DAILY)
GROWING = Progression(hold=Growth(add=5.0, up_to=60.0), reps=Growth(add=1, up_to=12))


def entry(often: Often, routine: str = "daily-10min", *, grows: bool = False) -> ProgrammeEntry:
    return ProgrammeEntry(routine=routine, often=often, progression=GROWING if grows else None)


def programme(*entries: ProgrammeEntry, weeks: int = 4) -> Programme:
    return Programme(name="p", title="P", weeks=weeks, entries=entries)


def days_due(item: ProgrammeEntry, start: date, days: int) -> list[date]:
    """The days ``item`` is due when each is done as soon as it is due."""
    done: set[date] = set()
    for offset in range(days):
        day = start + timedelta(days=offset)
        if is_due(item, day, start, frozenset(done)):
            done.add(day)
    return sorted(done)


def done(day: date, routine: str = "daily-10min", pain: tuple[int, int] | None = None) -> Session:
    before, after = pain if pain is not None else (None, None)
    return Session(day=day, routine=routine, done=True, pain_before=before, pain_after=after)


@pytest.fixture
def routines(builtin_catalog: Catalog) -> Mapping[str, Routine]:
    """The built-in routines by name."""
    return {name: e.routine for name, e in builtin_catalog.routines.items()}


def test_weekdays_and_every_n_days_across_a_month_and_year_end() -> None:
    """Weekdays follow the calendar and every N days counts calendar days from the start,
    straight through a month end and a year end."""
    start = date(2026, 12, 28)
    mon_thu = entry(Often(frequency=Frequency.WEEKDAYS, weekdays=frozenset({0, 3})))
    assert days_due(mon_thu, start, 14) == [
        date(2026, 12, 28),
        date(2026, 12, 31),
        date(2027, 1, 4),
        date(2027, 1, 7),
    ]
    every_three = entry(Often(frequency=Frequency.EVERY_DAYS, count=3))
    assert days_due(every_three, date(2026, 1, 29), 9) == [
        date(2026, 1, 29),
        date(2026, 2, 1),
        date(2026, 2, 4),
    ]


def test_times_a_week_never_falls_on_two_days_running() -> None:
    """N times a week comes every other day from the week's start, and a session on the
    week's last day keeps the next week's first day free."""
    twice = entry(Often(frequency=Frequency.PER_WEEK, count=2))
    assert days_due(twice, MONDAY, 7) == [MONDAY, MONDAY + timedelta(days=2)]
    three = entry(Often(frequency=Frequency.PER_WEEK, count=3))
    late = frozenset({MONDAY + timedelta(days=2), MONDAY + timedelta(days=4)})
    sunday = MONDAY + timedelta(days=6)
    assert is_due(three, sunday, MONDAY, late)
    assert not is_due(three, sunday + timedelta(days=1), MONDAY, late | {sunday})


def test_a_missed_day_of_times_a_week_moves_to_the_next() -> None:
    """Strength not done on Monday is due on Tuesday; once done twice, no more that week."""
    twice = entry(Often(frequency=Frequency.PER_WEEK, count=2), "strength")
    tuesday = MONDAY + timedelta(days=1)
    assert is_due(twice, tuesday, MONDAY, frozenset())
    both = frozenset({tuesday, MONDAY + timedelta(days=3)})
    assert not is_due(twice, MONDAY + timedelta(days=5), MONDAY, both)


def test_nothing_is_due_outside_the_programme_weeks() -> None:
    """Before the start and after the last day, today is empty."""
    plan = programme(entry(DAILY), weeks=1)
    assert due_today(plan, MONDAY, MONDAY - timedelta(days=1), []) == []
    assert last_day(plan, MONDAY) == MONDAY + timedelta(days=6)
    assert due_today(plan, MONDAY, MONDAY + timedelta(days=7), []) == []
    assert [e.routine for e, _ in due_today(plan, MONDAY, MONDAY + timedelta(days=6), [])] == [
        "daily-10min"
    ]


@pytest.mark.parametrize(
    ("start", "change"),
    [(date(2026, 3, 27), date(2026, 3, 29)), (date(2026, 10, 23), date(2026, 10, 25))],
)
def test_days_are_local_dates_across_daylight_saving_changes(start: date, change: date) -> None:
    """Sessions just after midnight and just before it on a 23- or 25-hour day count on
    that local date, and every-2-days stays on calendar days through the change."""
    london = ZoneInfo("Europe/London")
    early = datetime(change.year, change.month, change.day, 0, 30, tzinfo=london)
    late = datetime(change.year, change.month, change.day, 23, 30, tzinfo=london)
    sessions = schedule_sessions(
        [record(early, routine="breathing-minute"), record(late, routine="strength")]
    )
    assert {s.day for s in sessions} == {change}
    every_two = entry(Often(frequency=Frequency.EVERY_DAYS, count=2), "breathing-minute")
    assert days_due(every_two, start, 7) == [start + timedelta(days=d) for d in (0, 2, 4, 6)]
    week = entry_week(every_two, start, start, start + timedelta(days=7), sessions)
    assert week.days[change] is DayState.DONE
    assert (week.prescribed, week.done, week.missed) == (4, 1, 3)


def test_a_session_on_another_day_makes_up_for_a_missed_one() -> None:
    """A weekly session done on Saturday instead of its Monday leaves nothing missed."""
    weekly = entry(Often(frequency=Frequency.EVERY_DAYS, count=7), "hang-test")
    saturday = MONDAY + timedelta(days=5)
    week = entry_week(weekly, MONDAY, MONDAY, saturday, [done(saturday, "hang-test")])
    assert week.days == {saturday: DayState.DONE}
    assert (week.prescribed, week.done, week.missed) == (1, 1, 0)


def test_a_missed_week_shows_missed_days_and_holds_the_doses(
    routines: Mapping[str, Routine],
) -> None:
    """A week without sessions marks each fixed day missed and counts what times-a-week can
    no longer fit; the doses neither grow nor step back."""
    plan = programme(
        entry(DAILY, grows=True),
        entry(Often(frequency=Frequency.PER_WEEK, count=2), "strength"),
    )
    first_week = [done(MONDAY + timedelta(days=d), pain=(3, 2)) for d in range(7)]
    view = week_view(plan, MONDAY, MONDAY + timedelta(days=13), first_week, routines)
    daily, strength = view.rows
    assert set(daily.days.values()) == {DayState.MISSED, DayState.DUE}
    assert (daily.prescribed, daily.done, daily.missed) == (7, 0, 6)
    assert (strength.prescribed, strength.done, strength.missed) == (2, 0, 1)
    assert strength.days[MONDAY + timedelta(days=13)] is DayState.DUE
    progress = progress_on(plan, MONDAY, MONDAY + timedelta(days=14), first_week, routines)
    assert progress.levels["daily-10min"] == 1
    assert progress.changes[-1].kind is ChangeKind.HELD
    assert "no session that week had pain rated" in progress.changes[-1].reason


def test_a_good_week_grows_the_doses_with_its_reason(routines: Mapping[str, Routine]) -> None:
    """Pain after never above pain before nor above 3 all week: next week holds are 5 s
    longer and reps one more, and today says why."""
    plan = programme(entry(DAILY, grows=True))
    week = [done(MONDAY + timedelta(days=d), pain=(3, 2 if d % 2 else 3)) for d in range(7)]
    today = today_view(plan, MONDAY, MONDAY + timedelta(days=7), week, routines)
    (item,) = today.items
    assert item.level == 1
    holds = [s.hold for s in item.routine.steps if isinstance(s, HoldStep)]
    reps = [s.reps for s in item.routine.steps if isinstance(s, RepsStep)]
    assert holds == [35.0]
    assert reps == [11, 12, 11]
    assert item.change is not None
    assert item.change.kind is ChangeKind.UP
    assert item.change.reason == (
        "pain after stayed at or below pain before, and at most 3, all last week"
    )


@pytest.mark.parametrize("pain", [(2, 3), (4, 4)])
def test_pain_above_before_or_above_the_limit_holds_the_doses(
    routines: Mapping[str, Routine], pain: tuple[int, int]
) -> None:
    """One session whose pain after rose, or stayed above 3, keeps next week's doses."""
    plan = programme(entry(DAILY, grows=True))
    week = [done(MONDAY + timedelta(days=d), pain=(2, 2)) for d in range(6)]
    week.append(done(MONDAY + timedelta(days=6), pain=pain))
    progress = progress_on(plan, MONDAY, MONDAY + timedelta(days=7), week, routines)
    assert progress.levels["daily-10min"] == 0
    assert f"pain went from {pain[0]} to {pain[1]}" in progress.changes[-1].reason


def test_doses_never_pass_their_caps(routines: Mapping[str, Routine]) -> None:
    """After a year of good weeks holds stop at 60 s and reps at 12; a dose written above
    its cap is left as written."""
    plan = programme(entry(DAILY, grows=True), weeks=52)
    year = [done(MONDAY + timedelta(days=d), pain=(2, 1)) for d in range(364)]
    progress = progress_on(plan, MONDAY, MONDAY + timedelta(days=363), year, routines)
    daily = dosed(routines["daily-10min"], GROWING, progress.levels["daily-10min"])
    assert [s.hold for s in daily.steps if isinstance(s, HoldStep)] == [60.0]
    assert [s.reps for s in daily.steps if isinstance(s, RepsStep)] == [12, 12, 12]
    assert progress.levels["daily-10min"] == 6
    assert "every dose is at the programme's cap" in progress.changes[-1].reason
    capped = dosed(routines["daily-10min"], Progression(reps=Growth(add=1, up_to=8)), 3)
    assert [s.reps for s in capped.steps if isinstance(s, RepsStep)] == [10, 12, 10]


def test_pain_that_worsens_steps_back_the_next_day(routines: Mapping[str, Routine]) -> None:
    """A rise of 2 or a session stopped because it hurt lowers the level from the next day,
    says why, and the week it happened in does not grow."""
    plan = programme(entry(DAILY, grows=True))
    good = [done(MONDAY + timedelta(days=d), pain=(2, 2)) for d in range(7)]
    tuesday = MONDAY + timedelta(days=8)
    worse = [*good, done(MONDAY + timedelta(days=7), pain=(2, 2)), done(tuesday, pain=(1, 3))]
    before = today_view(plan, MONDAY, tuesday, worse, routines)
    assert before.items[0].level == 1
    assert before.progress.worsened == (worse[-1],)
    after = today_view(plan, MONDAY, tuesday + timedelta(days=1), worse, routines)
    assert after.items[0].level == 0
    change = after.items[0].change
    assert change is not None
    assert change.kind is ChangeKind.BACK
    assert change.reason == "a step back: on Tue 10 Nov pain rose from 1 to 3"
    hurt = Session(day=tuesday, routine="daily-10min", done=False, hurt=True)
    stopped = today_view(plan, MONDAY, tuesday + timedelta(days=1), [*good, hurt], routines)
    assert stopped.items[0].change is not None
    assert "stopped because it hurt" in stopped.items[0].change.reason
    next_week = progress_on(plan, MONDAY, MONDAY + timedelta(days=14), worse, routines)
    assert next_week.levels["daily-10min"] == 0
    assert "pain worsened after a session that week" in next_week.changes[-1].reason


def test_three_worsenings_in_two_weeks_pause_growth(routines: Mapping[str, Routine]) -> None:
    """Three sessions whose pain worsened within 14 days pause growth even after a good
    week; once they are older than that, growth resumes."""
    plan = programme(entry(DAILY, grows=True), entry(DAILY, "breathing-minute"), weeks=6)
    bad = [done(MONDAY + timedelta(days=d), "breathing-minute", pain=(1, 4)) for d in (0, 3, 6)]
    good = [done(MONDAY + timedelta(days=d), pain=(2, 2)) for d in range(7, 35)]
    paused = progress_on(plan, MONDAY, MONDAY + timedelta(days=14), [*bad, *good], routines)
    assert paused.levels["daily-10min"] == 0
    assert "growth is paused" in paused.changes[-1].reason
    assert today_view(plan, MONDAY, MONDAY + timedelta(days=6), bad, routines).progress.paused
    later = progress_on(plan, MONDAY, MONDAY + timedelta(days=28), [*bad, *good], routines)
    assert later.levels["daily-10min"] == 2
    assert not later.paused


@pytest.mark.parametrize(
    ("session", "worse"),
    [
        (Session(day=MONDAY, routine="r", done=True, pain_before=2, pain_after=4), True),
        (Session(day=MONDAY, routine="r", done=True, pain_before=2, pain_after=3), False),
        (Session(day=MONDAY, routine="r", done=True, pain_before=None, pain_after=9), False),
        (Session(day=MONDAY, routine="r", done=False, hurt=True), True),
    ],
)
def test_a_session_worsened_by_a_rise_of_two_or_a_stop(session: Session, worse: bool) -> None:
    """Pain worsened means after minus before of 2 or more, or a stop with !; one step up,
    or an unrated session, is not."""
    assert worsened(session) is worse


def test_only_real_goes_count_as_done() -> None:
    """A run quit after a few seconds does not tick the day; one stopped because it hurt is
    marked so."""
    moment = datetime(2026, 11, 2, 8, tzinfo=ZoneInfo("Europe/Paris"))
    quick, hurt = schedule_sessions(
        [record(moment, minutes=0.2, outcome=Outcome.QUIT), record(moment, outcome=Outcome.HURT)]
    )
    assert not quick.done
    assert hurt.hurt


def test_every_n_days_counts_from_the_programme_start_in_every_week() -> None:
    """Every 3 days from a Monday falls three times in week 1, then twice in weeks 2 (Wed,
    Sat) and 3 (Tue, Fri): each week's count follows the start, not the week's first day."""
    every_three = entry(Often(frequency=Frequency.EVERY_DAYS, count=3))
    counts = []
    for week in range(3):
        first = MONDAY + timedelta(days=7 * week)
        counts.append(entry_week(every_three, MONDAY, first, MONDAY, []).prescribed)
    assert counts == [3, 2, 2]


def test_adherence_counts_each_week_begun() -> None:
    """Adherence lists each programme week begun so far with sessions done and prescribed."""
    plan = programme(entry(DAILY), entry(Often(frequency=Frequency.PER_WEEK, count=2), "strength"))
    sessions = [done(MONDAY + timedelta(days=d)) for d in range(5)]
    assert adherence(plan, MONDAY, MONDAY + timedelta(days=8), sessions) == [
        (MONDAY, 5, 9),
        (MONDAY + timedelta(days=7), 0, 9),
    ]


def test_the_starter_caps_stay_inside_the_articles_ranges(builtin_catalog: Catalog) -> None:
    """At its highest level every starter dose is inside the range the article gives for
    that exercise (couch stretch 30-60 s; march and lunges 8-12 reps; band 10-15 reps)."""
    ranges = {
        "couch-stretch": (30, 60),
        "psoas-march": (8, 12),
        "reverse-lunge": (8, 12),
        "band-hip-flexion": (10, 15),
    }
    starter = builtin_catalog.programmes["starter"].programme
    for item in starter.entries:
        routine = builtin_catalog.routines[item.routine].routine
        for level in (0, 99):
            for step in dosed(routine, item.progression, level).steps:
                if isinstance(step, HoldStep | RepsStep) and step.exercise.id in ranges:
                    low, high = ranges[step.exercise.id]
                    value = step.hold if isinstance(step, HoldStep) else step.reps
                    assert low <= value <= high, (item.routine, step.exercise.id, level)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", MONDAY),
        ("tomorrow", MONDAY + timedelta(days=1)),
        ("monday", MONDAY),
        ("Thu", MONDAY + timedelta(days=3)),
        ("2026-12-01", date(2026, 12, 1)),
        ("mo", None),
        ("monkey", None),
        ("someday", None),
    ],
)
def test_start_dates_as_people_type_them(text: str, expected: date | None) -> None:
    """--on takes a date, today, tomorrow or a weekday (the next one, today included)."""
    assert start_date(text, MONDAY) == expected
