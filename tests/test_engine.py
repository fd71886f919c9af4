"""The engine keeps exact time and obeys pause, skip, back, extend, quit and "this hurts"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest
from fakes import FakeClock, ScriptedCommands

from psoas_cli.library.catalog import Catalog
from psoas_cli.library.model import (
    Exercise,
    HoldStep,
    RepsStep,
    Routine,
    SelfCheck,
    Side,
    Sides,
)
from psoas_cli.library.plan import Plan, PlanOptions, SegmentKind, build_plan, scaled, starting_at
from psoas_cli.outcome import Outcome
from psoas_cli.run.engine import (
    Answer,
    Answered,
    Command,
    Cue,
    CueEvent,
    Engine,
    Event,
    Extended,
    Finished,
    HelpRequested,
    Paused,
    Resumed,
    RunReport,
    SegmentStarted,
    Skipped,
    Stopped,
    Tick,
    whole_seconds_left,
)

K = SegmentKind
C = Command
STRETCH = Exercise(id="stretch", name="Stretch")
LUNGE = Exercise(id="lunge", name="Lunge")


@dataclass
class Recorder:
    """Every event with the clock time it was sent at."""

    clock: FakeClock
    events: list[tuple[float, Event]] = field(default_factory=list)

    def __call__(self, event: Event) -> None:
        self.events.append((round(self.clock.now - 1000.0, 6), event))

    def starts(self) -> list[tuple[float, SegmentKind, int, Side | None]]:
        return [
            (t, e.moment.segment.kind, e.moment.segment.step, e.moment.segment.side)
            for t, e in self.events
            if isinstance(e, SegmentStarted)
        ]

    def cues(self) -> list[tuple[float, Cue, int]]:
        return [(t, e.cue, e.count) for t, e in self.events if isinstance(e, CueEvent)]


def run(
    plan: Plan,
    script: Sequence[tuple[float, Command | Answer]] | None = None,
    *,
    interactive: bool = True,
) -> tuple[RunReport, Recorder]:
    clock = FakeClock()
    recorder = Recorder(clock)
    commands = ScriptedCommands(clock, script, interactive=interactive)
    report = Engine(plan, clock=clock, commands=commands, listeners=[recorder]).run()
    return report, recorder


def two_holds() -> Plan:
    """Get-ready 5, stretch L 30, switch 5, R 30, next-up 5, lunge self-paced 10 reps."""
    routine = Routine(
        name="r",
        title="R",
        steps=(
            HoldStep(exercise=STRETCH, hold=30, sides=Sides.BOTH),
            RepsStep(exercise=LUNGE, reps=10),
        ),
    )
    return build_plan(routine)


def test_daily_10min_runs_to_the_second(builtin_catalog: Catalog) -> None:
    """Every segment of daily-10min starts exactly at the sum of the durations before it."""
    plan = build_plan(builtin_catalog.routines["daily-10min"].routine)
    report, recorder = run(plan, interactive=False)
    starts = recorder.starts()
    assert len(starts) == len(plan.segments)
    expected = 0.0
    for (at, kind, step, side), segment in zip(starts, plan.segments, strict=True):
        assert (kind, step, side) == (segment.kind, segment.step, segment.side)
        assert at == pytest.approx(expected, abs=1e-6)
        expected += segment.duration
    assert starts[:4] == [
        (0.0, K.PREP, 0, None),
        (5.0, K.INHALE, 0, None),
        (10.0, K.EXHALE, 0, None),
        (15.0, K.INHALE, 0, None),
    ]
    assert (125.0, K.TRANSITION, 1, None) in starts
    assert (130.0, K.HOLD, 1, Side.LEFT) in starts
    assert (160.0, K.SWITCH, 1, None) in starts
    assert (165.0, K.HOLD, 1, Side.RIGHT) in starts
    finished = recorder.events[-1]
    assert finished[0] == pytest.approx(809.0)
    assert isinstance(finished[1], Finished)
    assert report.outcome is Outcome.COMPLETED
    assert report.steps_done == (0, 1, 2, 3, 4)
    assert report.steps_skipped == ()
    assert report.active_seconds == pytest.approx(809.0)


def test_cues_mark_phases_reps_and_the_last_three_seconds(builtin_catalog: Catalog) -> None:
    """Breath phases, holds, switches and reps each raise their cue; holds count down 3-2-1."""
    plan = build_plan(builtin_catalog.routines["daily-10min"].routine)
    _, recorder = run(plan, interactive=False)
    cues = recorder.cues()
    assert cues[:6] == [
        (0.0, Cue.GET_READY, 0),
        (2.0, Cue.COUNTDOWN, 3),
        (3.0, Cue.COUNTDOWN, 2),
        (4.0, Cue.COUNTDOWN, 1),
        (5.0, Cue.INHALE, 0),
        (10.0, Cue.EXHALE, 0),
    ]
    assert (157.0, Cue.COUNTDOWN, 3) in cues
    assert (160.0, Cue.SWITCH, 0) in cues
    reps = [count for _, cue, count in cues if cue is Cue.REP]
    assert reps[:3] == [1, 1, 2]
    assert cues[-1] == (809.0, Cue.FINISH, 0)


def test_ticks_follow_whole_seconds_of_remaining_time() -> None:
    """A 5 s get-ready shows 5, 4, 3, 2, 1 left, one tick per second and no more."""
    _, recorder = run(two_holds(), interactive=False)
    ticks = [(t, e.moment.remaining) for t, e in recorder.events if isinstance(e, Tick) and t < 5]
    assert ticks == [(1.0, 4.0), (2.0, 3.0), (3.0, 2.0), (4.0, 1.0)]


def test_whole_seconds_left_rounds_up_but_not_a_float_hair() -> None:
    """4.2 s left reads 5; a float sum meant as 3 s but a hair above reads 3, not 4."""
    hair_above_three = sum([0.1] * 30)
    assert hair_above_three > 3.0
    readings = {4.2: 5, 3.0: 3, hair_above_three: 3, 0.5: 1, 0.0: 0}
    assert {left: whole_seconds_left(left) for left in readings} == readings


def test_countdown_says_every_number_when_deadlines_are_float_sums(
    builtin_catalog: Catalog,
) -> None:
    """At 7x speed the deadlines land off whole seconds, yet each countdown says 3, 2, 1."""
    plan = scaled(build_plan(builtin_catalog.routines["kneeling-stretch"].routine), 7)
    _, recorder = run(plan, interactive=False)
    countdowns: list[list[int]] = []
    for _, event in recorder.events:
        if isinstance(event, SegmentStarted):
            countdowns.append([])
        elif isinstance(event, CueEvent) and event.cue is Cue.COUNTDOWN:
            countdowns[-1].append(event.count)
    assert [3, 2, 1] in countdowns
    assert all(said in ([], [3, 2, 1]) for said in countdowns)


def test_pause_shifts_every_later_boundary_by_the_paused_time() -> None:
    """Pausing 7 s during the get-ready moves the rest of the run 7 s later, exactly."""
    report, recorder = run(two_holds(), [(2.0, C.PAUSE), (9.0, C.PAUSE)], interactive=False)
    starts = recorder.starts()
    assert starts[1] == (12.0, K.HOLD, 0, Side.LEFT)
    assert starts[2] == (42.0, K.SWITCH, 0, None)
    assert isinstance(recorder.events[-1][1], Finished)
    assert recorder.events[-1][0] == pytest.approx(two_holds().total + 7)
    assert report.paused_seconds == pytest.approx(7.0)
    assert report.active_seconds == pytest.approx(two_holds().total)
    kinds = [type(e) for _, e in recorder.events]
    assert Paused in kinds and Resumed in kinds


def test_skip_ends_a_cue_then_only_the_side_under_way() -> None:
    """n in the get-ready starts the hold now; n in the left side goes on to the switch, and
    the stretch, left unfinished, counts as skipped though its right side was done."""
    report, recorder = run(two_holds(), [(1.0, C.SKIP), (11.0, C.SKIP)], interactive=False)
    assert recorder.starts()[:4] == [
        (0.0, K.PREP, 0, None),
        (1.0, K.HOLD, 0, Side.LEFT),
        (11.0, K.SWITCH, 0, None),
        (16.0, K.HOLD, 0, Side.RIGHT),
    ]
    skips = [
        (t, e.segment.kind, e.whole_exercise) for t, e in recorder.events if isinstance(e, Skipped)
    ]
    assert skips == [(1.0, K.PREP, False), (11.0, K.HOLD, False)]
    assert report.steps_skipped == (0,)
    assert report.steps_done == (1,)
    assert report.outcome is Outcome.COMPLETED


def test_capital_n_skips_the_whole_exercise_and_time_stays_true() -> None:
    """N in the left side goes straight to the next exercise's next-up; the report's time is
    the clock's, not the plan's."""
    report, recorder = run(two_holds(), [(12.0, C.SKIP_EXERCISE)], interactive=False)
    assert recorder.starts()[2] == (12.0, K.TRANSITION, 1, None)
    skipped = [e for _, e in recorder.events if isinstance(e, Skipped)]
    assert [(e.segment.side, e.whole_exercise) for e in skipped] == [(Side.LEFT, True)]
    assert report.steps_skipped == (0,)
    assert report.active_seconds == pytest.approx(12.0 + 5 + 30)


@pytest.mark.parametrize(
    ("second_press", "next_start"),
    [(13.9, (13.9, K.TRANSITION, 1, None)), (14.1, (14.1, K.HOLD, 0, Side.RIGHT))],
)
def test_n_twice_within_two_seconds_skips_the_exercise(
    second_press: float, next_start: tuple[float, SegmentKind, int, Side | None]
) -> None:
    """n at 12 s goes to the switch; n again 1.9 s later leaves the stretch, 2.1 s later only
    ends the switch."""
    _, recorder = run(two_holds(), [(12.0, C.SKIP), (second_press, C.SKIP)], interactive=False)
    starts = recorder.starts()
    assert starts[2] == (12.0, K.SWITCH, 0, None)
    assert starts[3] == next_start


def test_a_second_n_after_the_exercise_was_left_does_not_skip_the_next() -> None:
    """n in the right side leaves the stretch; n again at once does not skip the lunge too."""
    _, recorder = run(two_holds(), [(45.0, C.SKIP), (45.5, C.SKIP)], interactive=False)
    assert recorder.starts()[4:6] == [(45.0, K.TRANSITION, 1, None), (50.0, K.SET, 1, None)]


def test_skip_in_a_breath_block_skips_that_side(builtin_catalog: Catalog) -> None:
    """In a breathing block n skips the rest of that side's breaths, not one phase."""
    routine = builtin_catalog.routines["release-20min"].routine
    plan = build_plan(routine, chosen=frozenset(range(len(routine.steps))))
    side = next(i for i, s in enumerate(plan.segments) if s.kind is K.INHALE and s.side)
    first = plan.segments[side]
    at = sum(s.duration for s in plan.segments[:side]) + 1
    _, recorder = run(plan, [(at, C.SKIP)], interactive=False)
    after = next(s for s in recorder.starts() if s[0] == pytest.approx(at))
    assert after[1] is K.SWITCH and after[2] == first.step


def test_back_restarts_the_step_and_twice_goes_to_the_one_before() -> None:
    """b in the middle of a step restarts it; b again at once goes to the step before."""
    plan = two_holds()
    script = [(80.0, C.BACK), (81.0, C.BACK)]
    _, recorder = run(plan, script, interactive=False)
    starts = recorder.starts()
    lunge_step_start = starts.index((70.0, K.TRANSITION, 1, None))
    assert starts[lunge_step_start + 2] == (80.0, K.TRANSITION, 1, None)
    assert starts[lunge_step_start + 3] == (81.0, K.PREP, 0, None)


def test_extend_adds_ten_seconds_to_the_hold_and_to_the_end() -> None:
    """+ during a hold makes it 10 s longer and moves everything after it by 10 s."""
    plan = two_holds()
    _, recorder = run(plan, [(12.0, C.EXTEND)], interactive=False)
    extended = [e for _, e in recorder.events if isinstance(e, Extended)]
    assert len(extended) == 1
    assert extended[0].moment.duration == 40.0
    assert recorder.starts()[2] == (45.0, K.SWITCH, 0, None)
    assert recorder.events[-1][0] == pytest.approx(plan.total + 10)


def test_extend_is_ignored_while_breath_is_paced(builtin_catalog: Catalog) -> None:
    """+ during breathing changes nothing: paced phases keep their rhythm."""
    plan = build_plan(builtin_catalog.routines["breathing-minute"].routine)
    report, recorder = run(plan, [(7.0, C.EXTEND)], interactive=False)
    assert not any(isinstance(e, Extended) for _, e in recorder.events)
    assert report.active_seconds == pytest.approx(plan.total)


def test_quit_asks_first_and_any_other_key_carries_on() -> None:
    """q pauses and asks; n resumes with no time lost; q then y ends the run as quit."""
    script = [(3.0, C.QUIT), (5.0, C.OTHER), (20.0, C.QUIT), (21.0, C.CONFIRM)]
    report, recorder = run(two_holds(), script, interactive=False)
    asks = [e for _, e in recorder.events if isinstance(e, Paused) and e.asking_to_quit]
    assert len(asks) == 2
    assert recorder.starts()[1] == (7.0, K.HOLD, 0, Side.LEFT)
    assert report.outcome is Outcome.QUIT
    assert report.active_seconds == pytest.approx(21.0 - 2.0 - 1.0)
    assert report.steps_done == ()
    assert isinstance(recorder.events[-1][1], Finished)


def test_this_hurts_stops_at_once() -> None:
    """! ends the run immediately, with no question asked, as stopped because it hurt."""
    report, recorder = run(two_holds(), [(15.5, C.HURT)], interactive=False)
    assert report.outcome is Outcome.HURT
    assert recorder.events[-1][0] == 15.5
    assert report.index == 1
    assert not any(isinstance(e, CueEvent) and e.cue is Cue.FINISH for _, e in recorder.events)


def test_self_paced_set_waits_for_the_key() -> None:
    """A self-paced set lasts until Enter or space, however long that takes."""
    plan = two_holds()
    report, recorder = run(plan, [(200.0, C.DONE)])
    assert recorder.events[-1][0] == 200.0
    assert report.outcome is Outcome.COMPLETED
    assert report.steps_done == (0, 1)


def test_self_paced_set_is_timed_without_a_keyboard() -> None:
    """With nobody at the keyboard a self-paced set takes its estimate and the run ends."""
    plan = two_holds()
    report, recorder = run(plan, interactive=False)
    assert recorder.events[-1][0] == pytest.approx(plan.total)
    assert report.steps_done == (0, 1)


def test_help_is_announced_without_stopping_the_clock() -> None:
    """? asks the display to show the keys and the run keeps its time."""
    plan = two_holds()
    _, recorder = run(plan, [(3.0, C.HELP)], interactive=False)
    assert any(isinstance(e, HelpRequested) for _, e in recorder.events)
    assert recorder.events[-1][0] == pytest.approx(plan.total)


def test_speed_and_from_shape_the_run(builtin_catalog: Catalog) -> None:
    """--speed divides every boundary; --from starts at a later step after the get-ready."""
    routine = builtin_catalog.routines["daily-10min"].routine
    plan = scaled(starting_at(build_plan(routine, PlanOptions(prep=3)), 1), 10)
    _, recorder = run(plan, interactive=False)
    starts = recorder.starts()
    assert starts[:3] == [
        (0.0, K.PREP, 1, None),
        (0.3, K.HOLD, 1, Side.LEFT),
        (3.3, K.SWITCH, 1, None),
    ]
    assert recorder.events[-1][0] == pytest.approx(plan.total)
    assert plan.total == pytest.approx((3 + 809 - 5 - 120 - 5) / 10)


def test_report_mid_run_keeps_what_was_done() -> None:
    """A run interrupted from outside reports the time and steps done so far."""
    plan = two_holds()
    clock = FakeClock()

    def interrupt(event: Event) -> None:
        if isinstance(event, SegmentStarted) and event.moment.segment.step == 1:
            raise KeyboardInterrupt

    engine = Engine(
        plan,
        clock=clock,
        commands=ScriptedCommands(clock, interactive=False),
        listeners=[interrupt],
    )
    with pytest.raises(KeyboardInterrupt):
        engine.run()
    report = engine.report(Outcome.INTERRUPTED)
    assert report.steps_done == (0,)
    assert report.active_seconds == pytest.approx(70.0)
    assert report.outcome is Outcome.INTERRUPTED


def test_a_stop_counts_as_paused_and_stays_paused_until_space() -> None:
    """Ctrl-Z at 12 s, fg at 72 s, space at 80 s: 68 s paused, deadlines 68 s later."""
    clock = FakeClock()
    events = Recorder(clock)

    class StoppedOnce(ScriptedCommands):
        def next_command(self, timeout: float) -> Command | Stopped | Answer | None:
            if self.clock.now < self.start + 12 <= self.clock.now + timeout:
                self.clock.now = self.start + 72  # stopped from 12 s until fg at 72 s
                return Stopped(at=self.start + 12)
            return super().next_command(timeout)

    commands = StoppedOnce(clock, [(80.0, Command.PAUSE), (300.0, Command.DONE)])
    report = Engine(two_holds(), clock=clock, commands=commands, listeners=[events]).run()
    paused = [e for _, e in events.events if isinstance(e, Paused)]
    assert len(paused) == 1 and paused[0].after_stop
    assert report.paused_seconds == pytest.approx(68.0)
    assert (5.0 + 30.0 + 68.0, K.SWITCH, 0, None) in events.starts()


def test_a_digit_answers_only_the_self_check_on_screen() -> None:
    """A digit in the hold does nothing, 9 at a two-answer check does nothing, 2 answers it
    and the run goes on at once; the wait for the answer is real time."""
    test = Exercise(
        id="t", name="Test", check=SelfCheck(question="Where?", answers=("low", "high"))
    )
    routine = Routine(name="r", title="R", steps=(HoldStep(exercise=test, hold=10),))
    plan = build_plan(routine, PlanOptions(self_checks=True))
    script = [(7.0, Answer(1)), (16.0, Answer(9)), (17.0, Answer(2))]
    report, recorder = run(plan, script)
    answered = [
        (t, e.rank, e.test, e.check.answers[e.rank])
        for t, e in recorder.events
        if isinstance(e, Answered)
    ]
    assert answered == [(17.0, 1, "t", "high")]
    assert recorder.events[-1][0] == 17.0
    assert report.active_seconds == pytest.approx(17.0)
    assert report.steps_done == (0,)
