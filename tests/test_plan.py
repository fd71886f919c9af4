"""Routines expand into the exact timeline a person will follow."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from psoas_cli.library.catalog import Catalog
from psoas_cli.library.model import (
    Alternative,
    BreathPattern,
    BreathStep,
    Exercise,
    HoldStep,
    NoteStep,
    RepsStep,
    RestStep,
    Routine,
    SelfCheck,
    Side,
    Sides,
)
from psoas_cli.library.plan import (
    CHOICE_SECONDS,
    PlanOptions,
    Segment,
    SegmentKind,
    build_plan,
    plan_size,
    routine_seconds,
    starting_at,
)

STRETCH = Exercise(id="s", name="Stretch")
L, R = Side.LEFT, Side.RIGHT
K = SegmentKind


def routine(*steps: HoldStep | BreathStep | RepsStep | RestStep | NoteStep) -> Routine:
    return Routine(name="r", title="R", steps=steps)


def shape(segments: tuple[Segment, ...]) -> list[tuple[SegmentKind, float, Side | None]]:
    return [(s.kind, s.duration, s.side) for s in segments]


def test_hold_both_sides_with_sets_and_rest() -> None:
    """Sides run left, switch, right with equal time; sets are separated by rest."""
    plan = build_plan(
        routine(HoldStep(exercise=STRETCH, hold=30, sides=Sides.BOTH, sets=2, rest=10))
    )
    assert shape(plan.segments) == [
        (K.PREP, 5, None),
        (K.HOLD, 30, L),
        (K.SWITCH, 5, None),
        (K.HOLD, 30, R),
        (K.REST, 10, None),
        (K.HOLD, 30, L),
        (K.SWITCH, 5, None),
        (K.HOLD, 30, R),
    ]
    assert [s.set_number for s in plan.segments if s.kind is K.HOLD] == [1, 1, 2, 2]
    assert plan.total == 5 + 2 * 65 + 10


def test_options_change_cue_lengths_and_zero_removes_them() -> None:
    """Get-ready and switch lengths are options; zero leaves the cue out."""
    steps = routine(HoldStep(exercise=STRETCH, hold=30, sides=Sides.BOTH))
    plan = build_plan(steps, PlanOptions(prep=0, switch=0))
    assert shape(plan.segments) == [(K.HOLD, 30, L), (K.HOLD, 30, R)]
    plan = build_plan(steps, PlanOptions(prep=10, switch=3))
    assert plan.total == 10 + 30 + 3 + 30


def test_breath_phases_skip_empty_holds() -> None:
    """Each breath is inhale, hold, exhale, hold, leaving out holds of zero."""
    pattern = BreathPattern(inhale=4, hold_in=2, exhale=6)
    plan = build_plan(routine(BreathStep(exercise=STRETCH, pattern=pattern, cycles=2)))
    assert shape(plan.segments)[1:] == [
        (K.INHALE, 4, None),
        (K.HOLD_IN, 2, None),
        (K.EXHALE, 6, None),
        (K.INHALE, 4, None),
        (K.HOLD_IN, 2, None),
        (K.EXHALE, 6, None),
    ]
    assert [s.cycle for s in plan.segments[1:]] == [1, 1, 1, 2, 2, 2]


def test_breath_by_duration_fills_whole_breaths() -> None:
    """A breath duration becomes the nearest whole number of breaths."""
    pattern = BreathPattern(inhale=5, exhale=5)
    plan = build_plan(routine(BreathStep(exercise=STRETCH, pattern=pattern, duration=64)))
    assert Counter(s.kind for s in plan.segments)[K.INHALE] == 6


def test_tempo_reps_alternate_sides_counting_per_side() -> None:
    """Alternating reps switch side every movement and count reps per side."""
    plan = build_plan(
        routine(RepsStep(exercise=STRETCH, reps=2, sides=Sides.ALTERNATE, tempo=2)),
        PlanOptions(prep=0),
    )
    assert [(s.kind, s.side, s.rep, s.reps) for s in plan.segments] == [
        (K.REP, L, 1, 2),
        (K.REP, R, 1, 2),
        (K.REP, L, 2, 2),
        (K.REP, R, 2, 2),
    ]


def test_self_paced_sets_wait_and_estimate() -> None:
    """Without a tempo a set waits for a key, estimated at 3 s per rep for totals."""
    plan = build_plan(
        routine(RepsStep(exercise=STRETCH, reps=10, sets=2, sides=Sides.BOTH, rest=15)),
        PlanOptions(prep=0),
    )
    assert [(s.kind, s.duration, s.side, s.self_paced) for s in plan.segments] == [
        (K.SET, 30, L, True),
        (K.SWITCH, 5, None, False),
        (K.SET, 30, R, True),
        (K.REST, 15, None, False),
        (K.SET, 30, L, True),
        (K.SWITCH, 5, None, False),
        (K.SET, 30, R, True),
    ]
    assert plan.approximate


def test_transitions_between_exercises_not_around_rests() -> None:
    """A 'next up' cue comes between exercises, but a rest or note already serves as one."""
    plan = build_plan(
        routine(
            HoldStep(exercise=STRETCH, hold=10),
            HoldStep(exercise=STRETCH, hold=10),
            RestStep(duration=20),
            HoldStep(exercise=STRETCH, hold=10),
            NoteStep(text="Stand up", duration=8),
            HoldStep(exercise=STRETCH, hold=10),
        )
    )
    assert [(s.kind, s.step) for s in plan.segments] == [
        (K.PREP, 0),
        (K.HOLD, 0),
        (K.TRANSITION, 1),
        (K.HOLD, 1),
        (K.REST, 2),
        (K.HOLD, 3),
        (K.NOTE, 4),
        (K.HOLD, 5),
    ]


def test_daily_10min_timeline(builtin_catalog: Catalog) -> None:
    """daily-10min expands to the exact sequence of work, cues and rests, step by step."""
    plan = build_plan(builtin_catalog.routines["daily-10min"].routine)
    per_step: dict[int, list[tuple[SegmentKind, float]]] = {}
    for segment in plan.segments:
        per_step.setdefault(segment.step, []).append((segment.kind, segment.duration))
    breaths = [(K.INHALE, 5.0), (K.EXHALE, 5.0)] * 12
    assert per_step[0] == [(K.PREP, 5.0), *breaths]
    couch_set = [(K.HOLD, 30.0), (K.SWITCH, 5.0), (K.HOLD, 30.0)]
    assert per_step[1] == [(K.TRANSITION, 5.0), *couch_set, (K.REST, 10.0), *couch_set]
    march_set = [(K.REP, 3.0)] * 20
    assert per_step[2] == [
        (K.TRANSITION, 5.0),
        *march_set,
        (K.REST, 15.0),
        *march_set,
        (K.REST, 15.0),
        *march_set,
    ]
    band_set = [(K.REP, 3.0)] * 12 + [(K.SWITCH, 5.0)] + [(K.REP, 3.0)] * 12
    assert per_step[3] == [(K.TRANSITION, 5.0), *band_set, (K.REST, 15.0), *band_set]
    lunge_set = [(K.SET, 30.0), (K.SWITCH, 5.0), (K.SET, 30.0)]
    assert per_step[4] == [(K.TRANSITION, 5.0), *lunge_set, (K.REST, 15.0), *lunge_set]
    assert plan.total == 809.0
    assert [plan.step_seconds(i) for i in range(5)] == [120.0, 140.0, 210.0, 169.0, 145.0]


def test_quick_total_equals_the_timeline(builtin_catalog: Catalog) -> None:
    """The arithmetic total used by list equals the expanded plan for every built-in routine."""
    for options in (
        PlanOptions(),
        PlanOptions(prep=0, switch=0, transition=0),
        PlanOptions(prep=12),
    ):
        for entry in builtin_catalog.routines.values():
            plan = build_plan(entry.routine, options)
            total, approximate = routine_seconds(entry.routine, options)
            assert total == pytest.approx(plan.total), entry.routine.name
            assert approximate is plan.approximate


STEPS = st.one_of(
    st.builds(
        HoldStep,
        exercise=st.just(STRETCH),
        hold=st.integers(1, 300).map(float),
        sides=st.sampled_from([Sides.NONE, Sides.LEFT, Sides.BOTH]),
        sets=st.integers(1, 4),
        rest=st.integers(0, 30).map(float),
    ),
    st.builds(
        BreathStep,
        exercise=st.just(STRETCH),
        pattern=st.builds(
            BreathPattern,
            inhale=st.integers(1, 8).map(float),
            hold_in=st.integers(0, 4).map(float),
            exhale=st.integers(1, 8).map(float),
            hold_out=st.integers(0, 4).map(float),
        ),
        cycles=st.one_of(st.none(), st.integers(1, 12)),
        duration=st.integers(20, 200).map(float),
        sides=st.sampled_from([Sides.NONE, Sides.BOTH]),
    ),
    st.builds(
        RepsStep,
        exercise=st.just(STRETCH),
        reps=st.integers(1, 15),
        sets=st.integers(1, 4),
        sides=st.sampled_from(list(Sides)),
        tempo=st.one_of(st.none(), st.integers(1, 4).map(float)),
        rest=st.integers(0, 30).map(float),
    ),
    st.builds(RestStep, duration=st.integers(1, 60).map(float)),
    st.builds(NoteStep, text=st.just("n"), duration=st.integers(1, 20).map(float)),
)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.lists(STEPS, min_size=1, max_size=6), st.integers(0, 10), st.integers(0, 10))
def test_quick_total_equals_the_timeline_for_any_routine(
    steps: list[HoldStep | BreathStep | RepsStep | RestStep | NoteStep], prep: int, switch: int
) -> None:
    """For any routine and cue lengths, the quick total and the timeline agree."""
    options = PlanOptions(prep=prep, switch=switch)
    plan = build_plan(routine(*steps), options)
    total, approximate = routine_seconds(plan.routine, options)
    assert total == pytest.approx(plan.total)
    assert approximate is plan.approximate


EASIER = Alternative(step=HoldStep(exercise=Exercise(id="e", name="Easier"), hold=20), when="x")
WITH_OPTION = HoldStep(exercise=STRETCH, hold=30, alternative=EASIER)


@pytest.mark.parametrize(
    ("steps", "options", "cue"),
    [
        ((RestStep(duration=10), WITH_OPTION), PlanOptions(), (K.TRANSITION, 5.0)),
        (
            (HoldStep(exercise=STRETCH, hold=30), WITH_OPTION),
            PlanOptions(transition=0),
            (K.TRANSITION, CHOICE_SECONDS),
        ),
        ((WITH_OPTION,), PlanOptions(prep=0), (K.PREP, CHOICE_SECONDS)),
    ],
)
def test_a_step_with_another_option_always_has_a_get_ready(
    steps: tuple[HoldStep | RestStep, ...], options: PlanOptions, cue: tuple[SegmentKind, float]
) -> None:
    """After a rest, with next-up cues off or with --no-prep, the option still has its moment."""
    plan = build_plan(routine(*steps), options)
    before = next(
        i for i, s in enumerate(plan.segments) if s.kind is K.HOLD and s.step == len(steps) - 1
    )
    assert (plan.segments[before - 1].kind, plan.segments[before - 1].duration) == cue
    assert routine_seconds(routine(*steps), options)[0] == plan.total


def test_starting_at_a_step_with_another_option_keeps_a_get_ready() -> None:
    """--from a step with an option and --no-prep: its next-up becomes the get-ready."""
    plan = build_plan(
        routine(HoldStep(exercise=STRETCH, hold=30), WITH_OPTION), PlanOptions(prep=0)
    )
    started = starting_at(plan, 1)
    assert shape(started.segments) == [(K.PREP, 5.0, None), (K.HOLD, 30, None)]
    plain = build_plan(
        routine(HoldStep(exercise=STRETCH, hold=30), HoldStep(exercise=STRETCH, hold=30)),
        PlanOptions(prep=0),
    )
    assert shape(starting_at(plain, 1).segments) == [(K.HOLD, 30, None)]


CHECKED = Exercise(
    id="c", name="Check", check=SelfCheck(question="Where?", answers=("low", "high"))
)


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (
            HoldStep(exercise=CHECKED, hold=30, sides=Sides.BOTH, sets=2, rest=5),
            [K.PREP, K.HOLD, K.SWITCH, K.HOLD, K.REST, K.HOLD, K.CHECK, K.SWITCH, K.HOLD, K.CHECK],
        ),
        (HoldStep(exercise=CHECKED, hold=30), [K.PREP, K.HOLD, K.CHECK]),
        (
            RepsStep(exercise=CHECKED, reps=1, tempo=2, sides=Sides.ALTERNATE),
            [K.PREP, K.REP, K.REP, K.CHECK, K.CHECK],
        ),
    ],
)
def test_self_checks_come_right_after_each_side_of_the_last_set(
    step: HoldStep | RepsStep, expected: list[SegmentKind]
) -> None:
    """With self-checks on, each side's question follows its last hold, before the switch;
    they take no time, and plan_size still counts every segment."""
    options = PlanOptions(self_checks=True)
    plan = build_plan(routine(step), options)
    assert [s.kind for s in plan.segments] == expected
    checks = [s for s in plan.segments if s.kind is K.CHECK]
    sides = [None] if getattr(step, "sides", Sides.NONE) is Sides.NONE else [L, R]
    assert [s.side for s in checks] == sides
    assert plan.total == build_plan(routine(step)).total
    assert plan_size(routine(step), options).segments == len(plan.segments)
    assert not any(s.kind is K.CHECK for s in build_plan(routine(step)).segments)
