"""A routine expanded into a flat, timed list of segments.

Pure and deterministic: totals, ``show``, dry runs and the run engine all read the same
timeline, so what a person is told a routine takes is what it takes.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum
from functools import cached_property

from psoas_cli.library.model import (
    BreathStep,
    Exercise,
    HoldStep,
    MoveStep,
    NoteStep,
    RepsStep,
    RestStep,
    Routine,
    SelfCheck,
    Side,
    Sides,
    Step,
)
from psoas_cli.limits import (
    SECONDS_PER_SELF_PACED_REP as SECONDS_PER_SELF_PACED_REP,  # noqa: PLC0414 - the plan's too
)
from psoas_cli.value import Value, replace


class SegmentKind(Enum):
    """What the person is doing during a segment."""

    PREP = "get ready"
    TRANSITION = "next up"
    HOLD = "hold"
    MOVE = "move"
    SWITCH = "switch sides"
    REST = "rest"
    INHALE = "inhale"
    HOLD_IN = "hold in"
    EXHALE = "exhale"
    HOLD_OUT = "hold out"
    REP = "rep"
    SET = "set"
    NOTE = "note"
    CHECK = "self-check"


BREATH_KINDS = frozenset(
    {SegmentKind.INHALE, SegmentKind.HOLD_IN, SegmentKind.EXHALE, SegmentKind.HOLD_OUT}
)
"""The phases of a breath, which a person follows as one block per side."""


class Segment(Value):
    """One stretch of time with a single instruction; counters are 1-based, 0 when unused.

    ``text`` is what a rest or note says, or the word for what a move step does (roll).
    A self-check (``CHECK``) takes no time of its own: it waits for the answer, if anyone
    is there to give one.
    """

    kind: SegmentKind
    duration: float
    step: int
    side: Side | None = None
    set_number: int = 0
    sets: int = 0
    rep: int = 0
    reps: int = 0
    cycle: int = 0
    cycles: int = 0
    self_paced: bool = False
    text: str = ""


class PlanOptions(Value):
    """Seconds for the cues the plan adds around the routine's own steps."""

    prep: float = 5.0
    switch: float = 5.0
    transition: float = 5.0
    seconds_per_rep: float = SECONDS_PER_SELF_PACED_REP
    self_checks: bool = False
    """Ask a test's self-check right after each side, in the run: only when someone at the
    keyboard will answer and the answer is kept."""


class Plan(Value, kw_only=False):
    """The timeline of one routine under given options.

    ``chosen`` holds the steps done as their alternative (the easier option) instead.
    """

    routine: Routine
    segments: tuple[Segment, ...]
    chosen: frozenset[int] = frozenset()
    options: PlanOptions = PlanOptions()

    def step(self, index: int) -> Step:
        """Routine step ``index`` as this plan does it: its alternative when that was chosen."""
        step = self.routine.steps[index]
        if index in self.chosen and not isinstance(step, RestStep | NoteStep):
            assert step.alternative is not None
            return step.alternative.step
        return step

    def checked_exercise(self, segment: Segment) -> Exercise | None:
        """The exercise a self-check segment asks about; None for any other segment."""
        step = self.step(segment.step)
        if segment.kind is not SegmentKind.CHECK or isinstance(step, RestStep | NoteStep):
            return None
        return step.exercise

    def check(self, segment: Segment) -> SelfCheck | None:
        """The question a self-check segment asks, from its step's exercise."""
        exercise = self.checked_exercise(segment)
        return None if exercise is None else exercise.check

    @property
    def total(self) -> float:
        """Seconds from the first get-ready to the end, self-paced sets at their estimate."""
        return sum(s.duration for s in self.segments)

    @property
    def approximate(self) -> bool:
        """True when self-paced sets make the total an estimate."""
        return any(s.self_paced for s in self.segments)

    @property
    def step_indices(self) -> tuple[int, ...]:
        """The routine steps this plan covers, in order (fewer than all after ``--from``)."""
        return tuple(dict.fromkeys(s.step for s in self.segments))

    def step_seconds(self, index: int) -> float:
        """Seconds spent in one step's own work, without the cues around it."""
        return self._work_by_step.get(index, 0.0)

    @cached_property
    def _work_by_step(self) -> dict[int, float]:
        """Every step's own work, summed in one pass: ``show`` asks for each step in turn,
        and a pass per step would take time in the square of the routine's length."""
        totals: dict[int, float] = {}
        for s in self.segments:
            if s.kind not in (SegmentKind.PREP, SegmentKind.TRANSITION):
                totals[s.step] = totals.get(s.step, 0.0) + s.duration
        return totals


def build_plan(
    routine: Routine, options: PlanOptions | None = None, chosen: frozenset[int] = frozenset()
) -> Plan:
    """Expand every step, side, set, rep and breath into segments; the steps in ``chosen``
    as their alternative. Each alternative is an exercise step, so the cues around it stay."""
    opts = options or PlanOptions()
    unexpanded = Plan(
        routine, (), frozenset(i for i in chosen if has_alternative(routine, i)), opts
    )
    segments: list[Segment] = []
    for index in range(len(routine.steps)):
        cue = get_ready(routine, index, opts)
        if cue is not None:
            kind, seconds = cue
            segments.append(Segment(kind=kind, duration=seconds, step=index))
        step = unexpanded.step(index)
        work = tuple(_expand(step, index, opts))
        segments.extend(_with_checks(step, work) if opts.self_checks else work)
    return replace(unexpanded, segments=tuple(segments))


def block(segment: Segment) -> tuple[object, ...]:
    """Segments a person thinks of as one thing: a side's breathing, a set of reps, a hold."""
    kind = "breath" if segment.kind in BREATH_KINDS else segment.kind
    side = segment.side if kind is not SegmentKind.REP else None
    return (kind, segment.step, side, segment.set_number)


def next_block(segments: tuple[Segment, ...], index: int) -> int | None:
    """The first segment after the block ``index`` is in; None when that block ends the plan."""
    here = block(segments[index])
    return next((i for i in range(index + 1, len(segments)) if block(segments[i]) != here), None)


def _checked_sides(step: Step) -> tuple[Side | None, ...]:
    """The sides a step's self-check is asked for; none when its exercise has no check."""
    if isinstance(step, RestStep | NoteStep) or step.exercise.check is None:
        return ()
    if step.sides is Sides.ALTERNATE:
        return (Side.LEFT, Side.RIGHT)
    return _sides(step.sides)


def _with_checks(step: Step, work: tuple[Segment, ...]) -> Iterator[Segment]:
    """``work`` with a self-check after each side's part of the last set, while the person
    still knows how that side felt; alternating reps ask for both sides at the end."""
    sides = _checked_sides(step)
    alternating = isinstance(step, RepsStep) and step.sides is Sides.ALTERNATE
    ends = {side: len(work) - 1 if alternating else _last_of(work, side) for side in sides}
    for i, segment in enumerate(work):
        yield segment
        yield from (_check(segment, side) for side in sides if ends[side] == i)


def _last_of(work: tuple[Segment, ...], side: Side | None) -> int:
    """Where ``side``'s part of the last set ends in a step's segments."""
    last_set = work[-1].set_number
    return max(i for i, s in enumerate(work) if s.side == side and s.set_number == last_set)


def _check(after: Segment, side: Side | None) -> Segment:
    """The self-check for ``side`` of the step ``after`` belongs to."""
    return Segment(kind=SegmentKind.CHECK, duration=0.0, step=after.step, side=side)


CHOICE_SECONDS = 5.0
"""The get-ready a step with another option keeps when cues are turned off: the option is
offered there, and without it someone whose back arches would have no moment to choose."""


def get_ready(routine: Routine, index: int, opts: PlanOptions) -> tuple[SegmentKind, float] | None:
    """The cue before routine step ``index``, if any: the run's get-ready before the first
    step, a next-up between exercises; always one before a step that has another option."""
    step = routine.steps[index]
    offers_choice = has_alternative(routine, index)
    if index == 0:
        if opts.prep > 0:
            return SegmentKind.PREP, opts.prep
        return (SegmentKind.PREP, CHOICE_SECONDS) if offers_choice else None
    if isinstance(step, RestStep | NoteStep):
        return None
    leads_in = not isinstance(routine.steps[index - 1], RestStep | NoteStep)
    if opts.transition > 0 and (leads_in or offers_choice):
        return SegmentKind.TRANSITION, opts.transition
    return (SegmentKind.TRANSITION, CHOICE_SECONDS) if offers_choice else None


def has_alternative(routine: Routine, index: int) -> bool:
    """Whether routine step ``index`` exists and offers another way to do it."""
    if not 0 <= index < len(routine.steps):
        return False
    step = routine.steps[index]
    return not isinstance(step, RestStep | NoteStep) and step.alternative is not None


def starting_at(plan: Plan, step: int) -> Plan:
    """The plan from one routine step on, keeping the get-ready but not the next-up cue.

    With no get-ready, a step with another option keeps its next-up as the get-ready, where
    the option is offered.
    """
    prep = tuple(s for s in plan.segments if s.kind is SegmentKind.PREP)
    rest = tuple(s for s in plan.segments if s.step >= step and s.kind is not SegmentKind.PREP)
    if rest and rest[0].kind is SegmentKind.TRANSITION:
        keeps_it = not prep and has_alternative(plan.routine, step)
        prep = (replace(rest[0], kind=SegmentKind.PREP),) if keeps_it else prep
        rest = rest[1:]
    return replace(plan, segments=tuple(replace(s, step=step) for s in prep) + rest)


def scaled(plan: Plan, speed: float) -> Plan:
    """The plan with every duration divided by ``speed``, for previews and tests."""
    if speed == 1:
        return plan
    return replace(
        plan, segments=tuple(replace(s, duration=s.duration / speed) for s in plan.segments)
    )


def routine_seconds(routine: Routine, options: PlanOptions | None = None) -> tuple[float, bool]:
    """The plan's total and whether it is an estimate, without building every segment.

    ``list`` totals thousands of routines; arithmetic per step is what keeps that fast.
    A test holds this equal to ``build_plan(...).total`` for every routine.
    """
    opts = options or PlanOptions()
    total = 0.0
    approximate = False
    for index, step in enumerate(routine.steps):
        cue = get_ready(routine, index, opts)
        total += step_seconds(step, opts) + (cue[1] if cue is not None else 0.0)
        approximate = approximate or (isinstance(step, RepsStep) and step.tempo is None)
    return total, approximate


class PlanSize(Value, kw_only=False):
    """How many segments a plan holds and how long it takes, worked out without building it."""

    segments: int
    seconds: float


def plan_size(routine: Routine, options: PlanOptions | None = None) -> PlanSize:
    """The largest plan ``routine`` can build under ``options``: each step as the larger of
    itself and its alternative, with the cue before it.

    With the default options every cue is on, so this bounds the plan under any options a
    person sets; the loader refuses a routine by it before anything is built.
    """
    opts = options or PlanOptions()
    segments = 0
    seconds = 0.0
    for index in range(len(routine.steps)):
        size = step_size(routine, index, opts)
        segments += size.segments
        seconds += size.seconds
    return PlanSize(segments, seconds)


def step_size(routine: Routine, index: int, opts: PlanOptions) -> PlanSize:
    """Routine step ``index`` with the cue before it, as the larger of its two options."""
    step = routine.steps[index]
    cue = get_ready(routine, index, opts)
    options: tuple[Step, ...] = (step,)
    if not isinstance(step, RestStep | NoteStep) and step.alternative is not None:
        options = (step, step.alternative.step)
    before = 0 if cue is None else 1
    return PlanSize(
        before + max(step_segments(s, opts) for s in options),
        (0.0 if cue is None else cue[1]) + max(step_seconds(s, opts) for s in options),
    )


def step_segments(step: Step, opts: PlanOptions) -> int:
    """How many segments ``_expand`` makes of one step, counted rather than made."""
    if isinstance(step, RestStep | NoteStep):
        return 1
    checks = len(_checked_sides(step)) if opts.self_checks else 0
    sides = len(_sides(step.sides))
    switches = sides - 1 if opts.switch > 0 else 0
    if isinstance(step, BreathStep):
        pattern = step.pattern
        phases = sum(
            1 for s in (pattern.inhale, pattern.hold_in, pattern.exhale, pattern.hold_out) if s > 0
        )
        return sides * breath_cycles(step) * phases + switches + checks
    per_side = 1
    if isinstance(step, RepsStep) and step.tempo is not None:
        per_side = step.reps * (2 if step.sides is Sides.ALTERNATE else 1)
    return step.sets * (sides * per_side + switches) + step.sets - 1 + checks


def step_seconds(step: Step, opts: PlanOptions) -> float:
    """The seconds one step takes with its switch-sides cues, without the cue before it."""
    if isinstance(step, RestStep | NoteStep):
        return step.duration
    sides = len(_sides(step.sides))
    switches = (sides - 1) * opts.switch if opts.switch > 0 else 0.0
    if isinstance(step, BreathStep):
        return sides * breath_cycles(step) * step.pattern.cycle + switches
    if isinstance(step, HoldStep | MoveStep):
        one_set = sides * timed_seconds(step)
    else:
        movements = step.reps * (2 if step.sides is Sides.ALTERNATE else 1)
        one_set = sides * movements * (step.tempo or opts.seconds_per_rep)
    return step.sets * (one_set + switches) + (step.sets - 1) * step.rest


def _expand(step: Step, index: int, opts: PlanOptions) -> Iterator[Segment]:
    if isinstance(step, RestStep):
        yield Segment(kind=SegmentKind.REST, duration=step.duration, step=index, text=step.tip)
    elif isinstance(step, NoteStep):
        yield Segment(kind=SegmentKind.NOTE, duration=step.duration, step=index, text=step.text)
    elif isinstance(step, HoldStep | MoveStep):
        yield from _timed(step, index, opts)
    elif isinstance(step, BreathStep):
        yield from _breath(step, index, opts)
    else:
        yield from _reps(step, index, opts)


def _sides(sides: Sides) -> tuple[Side | None, ...]:
    return {
        Sides.NONE: (None,),
        Sides.ALTERNATE: (None,),
        Sides.LEFT: (Side.LEFT,),
        Sides.RIGHT: (Side.RIGHT,),
        Sides.BOTH: (Side.LEFT, Side.RIGHT),
    }[sides]


def _switch(index: int, opts: PlanOptions) -> Iterator[Segment]:
    if opts.switch > 0:
        yield Segment(kind=SegmentKind.SWITCH, duration=opts.switch, step=index)


def timed_seconds(step: HoldStep | MoveStep) -> float:
    """How long one side of one set lasts, whether it is held still or moved through."""
    return step.hold if isinstance(step, HoldStep) else step.move


def _timed(step: HoldStep | MoveStep, index: int, opts: PlanOptions) -> Iterator[Segment]:
    moving = isinstance(step, MoveStep)
    for set_number in range(1, step.sets + 1):
        for n, side in enumerate(_sides(step.sides)):
            if n:
                yield from _switch(index, opts)
            yield Segment(
                kind=SegmentKind.MOVE if moving else SegmentKind.HOLD,
                duration=timed_seconds(step),
                step=index,
                side=side,
                set_number=set_number,
                sets=step.sets,
                text=step.action if isinstance(step, MoveStep) else "",
            )
        if set_number < step.sets:
            yield Segment(kind=SegmentKind.REST, duration=step.rest, step=index)


def breath_cycles(step: BreathStep) -> int:
    """Whole breaths in a breath step: given, or as many as best fill its duration."""
    if step.cycles is not None:
        return step.cycles
    assert step.duration is not None
    return max(1, round(step.duration / step.pattern.cycle))


def _breath(step: BreathStep, index: int, opts: PlanOptions) -> Iterator[Segment]:
    cycles = breath_cycles(step)
    phases = (
        (SegmentKind.INHALE, step.pattern.inhale),
        (SegmentKind.HOLD_IN, step.pattern.hold_in),
        (SegmentKind.EXHALE, step.pattern.exhale),
        (SegmentKind.HOLD_OUT, step.pattern.hold_out),
    )
    for n, side in enumerate(_sides(step.sides)):
        if n:
            yield from _switch(index, opts)
        for cycle in range(1, cycles + 1):
            for kind, seconds in phases:
                if seconds > 0:
                    yield Segment(
                        kind=kind,
                        duration=seconds,
                        step=index,
                        side=side,
                        cycle=cycle,
                        cycles=cycles,
                    )


def _reps(step: RepsStep, index: int, opts: PlanOptions) -> Iterator[Segment]:
    for set_number in range(1, step.sets + 1):
        for n, side in enumerate(_sides(step.sides)):
            if n:
                yield from _switch(index, opts)
            yield from _one_set(step, index, opts, set_number, side)
        if set_number < step.sets:
            yield Segment(kind=SegmentKind.REST, duration=step.rest, step=index)


def _one_set(
    step: RepsStep, index: int, opts: PlanOptions, set_number: int, side: Side | None
) -> Iterator[Segment]:
    alternate = step.sides is Sides.ALTERNATE
    movements = step.reps * 2 if alternate else step.reps
    base = Segment(
        kind=SegmentKind.SET,
        duration=movements * opts.seconds_per_rep,
        step=index,
        side=side,
        set_number=set_number,
        sets=step.sets,
        reps=step.reps,
        self_paced=True,
    )
    if step.tempo is None:
        yield base
        return
    for movement in range(movements):
        yield replace(
            base,
            kind=SegmentKind.REP,
            duration=step.tempo,
            self_paced=False,
            side=(Side.LEFT, Side.RIGHT)[movement % 2] if alternate else side,
            rep=movement // 2 + 1 if alternate else movement + 1,
        )
