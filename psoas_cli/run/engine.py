"""Walks a plan against a monotonic clock and turns commands into skips, pauses and stops.

Every boundary is ``anchor + start of segment``. The anchor is the clock time the plan's
second 0 falls on, moved only by pauses and by jumps (skip, back, a self-paced set done);
``+`` lengthens one duration and the starts after it follow. Nothing adds up ticks or
restarts a timer per phase, so a run cannot drift. The clock and the command source (which
also does the waiting) are injected and the engine has no terminal code: a test runs a whole
routine in milliseconds, and the display, the bell and the voice are just listeners to its
events.

Events and commands are values (``psoas_cli.value``): as frozen and as typed as
dataclasses, but a fraction of the cost to declare, which every run pays before its first
frame. Most take their fields in order, as they did when they were NamedTuples.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from enum import Enum
from itertools import accumulate
from typing import Protocol

from psoas_cli.library.model import SelfCheck
from psoas_cli.library.plan import Plan, Segment, SegmentKind, next_block
from psoas_cli.outcome import Outcome
from psoas_cli.value import Value

EXTEND_SECONDS = 10.0
"""What ``+`` adds to the current hold."""

BACK_AGAIN_SECONDS = 2.0
"""Pressing back this soon after a step starts goes to the step before, as in music players."""

COUNTDOWN_FROM = 3
"""The last seconds of a timed segment are counted out loud and marked on screen."""

IDLE_TICK_SECONDS = 1.0
"""How often listeners hear from a paused or waiting engine, so a display can follow resizes."""

DOUBLE_SKIP_SECONDS = 2.0
"""Skip pressed again this soon skips the rest of the exercise, as ``N`` does."""

CLOCK_TOLERANCE = 1e-9
"""How far a float time may land past a whole second, or a frame, and still count as on it."""


def whole_seconds_left(remaining: float) -> int:
    """The seconds a countdown shows and says for ``remaining``: 4.2 s left reads 5.

    Deadlines are sums of float durations, so a time meant to be exactly 3 s left can land a
    hair above it (3.0000000001); rounding that up would show and say one second more.
    """
    return math.ceil(remaining - CLOCK_TOLERANCE)


class Command(Enum):
    """What a person asks for; the key bindings live with the terminal code."""

    PAUSE = "pause or resume (in a self-paced set: set done)"
    DONE = "set done"
    SKIP = "skip this side, set or wait"
    SKIP_EXERCISE = "skip the whole exercise"
    BACK = "back"
    EXTEND = "hold 10 s longer"
    QUIT = "quit (asks first)"
    CONFIRM = "yes"
    HURT = "this hurts: stop now"
    HELP = "show the keys"
    OTHER_OPTION = "the other option for the step coming up"
    OTHER = "any other key"


class Stopped(Value, kw_only=False):
    """The program was stopped (Ctrl-Z) at clock time ``at`` and has been continued since.

    Not a key but a fact with a time: the stop is known only once the program runs again,
    and the time it stood still must count as paused, not as exercise.
    """

    at: float


class Answer(Value, kw_only=False):
    """A digit pressed: answer ``number`` (from 1) to the self-check on screen."""

    number: int


class CommandSource(Protocol):
    """Waits up to ``timeout`` seconds for the next command; None when the time ran out."""

    @property
    def interactive(self) -> bool:
        """False when nobody can press a key, so nothing may wait for one."""
        ...

    def next_command(self, timeout: float) -> Command | Stopped | Answer | None:
        """Block until a command arrives or ``timeout`` seconds pass."""
        ...


OtherOption = Callable[[Plan, int], Plan | None]
"""The plan with step ``n`` done the other way (its alternative, or back to its main
exercise), or None when that step has no other way."""


class Waker(Protocol):
    """A listener that needs the engine to wake it at a time of its own, such as a bell."""

    def next_wake(self) -> float | None:
        """The clock time it next needs to run at, or None."""
        ...

    def wake(self, now: float) -> None:
        """Do whatever was due by ``now``."""
        ...


class Cue(Enum):
    """A moment worth a sound: each has its own bell pattern and spoken word."""

    GET_READY = "get ready"
    NEXT = "next exercise"
    START = "start"
    SWITCH = "switch sides"
    REST = "rest"
    INHALE = "inhale"
    HOLD_BREATH = "hold the breath"
    EXHALE = "exhale"
    REP = "rep"
    COUNTDOWN = "countdown"
    FINISH = "finish"


class Moment(Value):
    """Where the run is now, for listeners: all times in clock seconds."""

    index: int
    segment: Segment
    duration: float
    remaining: float
    elapsed: float
    paused: bool


class SegmentStarted(Value, kw_only=False):
    """A new segment began (also after skip and back)."""

    moment: Moment


class Tick(Value, kw_only=False):
    """Time moved on inside a segment; sent on whole seconds and at the listener's frame rate."""

    moment: Moment


class CueEvent(Value, kw_only=False):
    """A sound is due; ``count`` is the rep number or the seconds left in a countdown."""

    cue: Cue
    count: int = 0


class Paused(Value, kw_only=False):
    """The clock stopped; ``asking_to_quit`` when it stopped to ask whether to quit.

    ``after_stop`` when the program was stopped (Ctrl-Z) and continued: the screen was given
    back meanwhile, so a display draws itself again in full.
    """

    moment: Moment
    asking_to_quit: bool = False
    after_stop: bool = False


class Resumed(Value, kw_only=False):
    """The clock runs again."""

    moment: Moment


class Extended(Value, kw_only=False):
    """The current segment was made longer."""

    moment: Moment
    seconds: float


class Skipped(Value, kw_only=False):
    """Skip left ``segment`` unfinished; ``whole_exercise`` when the rest of its step went
    with it. Sent before the run moves on, so a notice comes before what follows."""

    segment: Segment
    whole_exercise: bool


class WentBack(Value, kw_only=False):
    """Back goes to the start of step ``step``; ``step_before`` when that is the one before."""

    step: int
    step_before: bool


class Answered(Value, kw_only=False):
    """The self-check ``segment`` was answered with its answer ``rank`` (0 is the first);
    ``test`` is the id of the exercise it checks, ``check`` its question and answers."""

    segment: Segment
    rank: int
    test: str
    check: SelfCheck


class HelpRequested:
    """The person asked to see the keys: a fact with nothing to carry, so no fields."""

    __slots__ = ()


class OptionChosen(Value, kw_only=False):
    """Step ``step`` will be done the other way; ``plan`` is the timeline from now on."""

    plan: Plan
    step: int
    moment: Moment


class RunReport(Value, kw_only=False):
    """What was done, for the summary and the history; kept up to date while running."""

    outcome: Outcome
    active_seconds: float
    paused_seconds: float
    steps_done: tuple[int, ...]
    steps_skipped: tuple[int, ...]
    steps_total: int
    index: int


class Finished(Value, kw_only=False):
    """The run ended for any reason; the report says how."""

    report: RunReport


Event = (
    SegmentStarted
    | Tick
    | CueEvent
    | Paused
    | Resumed
    | Extended
    | Skipped
    | WentBack
    | Answered
    | HelpRequested
    | OptionChosen
    | Finished
)
Listener = Callable[[Event], None]

_START_CUES = {
    SegmentKind.PREP: Cue.GET_READY,
    SegmentKind.TRANSITION: Cue.NEXT,
    SegmentKind.NOTE: Cue.NEXT,
    SegmentKind.HOLD: Cue.START,
    SegmentKind.MOVE: Cue.START,
    SegmentKind.SET: Cue.START,
    SegmentKind.SWITCH: Cue.SWITCH,
    SegmentKind.REST: Cue.REST,
    SegmentKind.INHALE: Cue.INHALE,
    SegmentKind.HOLD_IN: Cue.HOLD_BREATH,
    SegmentKind.HOLD_OUT: Cue.HOLD_BREATH,
    SegmentKind.EXHALE: Cue.EXHALE,
    SegmentKind.REP: Cue.REP,
}

COUNTED_DOWN = frozenset(
    {
        SegmentKind.PREP,
        SegmentKind.TRANSITION,
        SegmentKind.HOLD,
        SegmentKind.MOVE,
        SegmentKind.SWITCH,
        SegmentKind.REST,
    }
)
"""Segments whose last seconds are counted: the ones a person waits out, not paced ones."""

GET_READY = frozenset({SegmentKind.PREP, SegmentKind.TRANSITION})
"""The segments before a step, where the step's other option can be chosen."""

EXTENDABLE = COUNTED_DOWN | {SegmentKind.NOTE}
"""Segments ``+`` can lengthen; paced breath and reps keep their rhythm."""

LEAD_IN = frozenset(
    {SegmentKind.PREP, SegmentKind.TRANSITION, SegmentKind.SWITCH, SegmentKind.REST}
)
"""Segments that only lead into work, so skip ends just them rather than the whole step."""


class AfterFirstFrame:
    """A listener, placed after the display, that does ``action`` once, at the first event:
    the first frame is drawn by then, so what the run can do without does not delay it."""

    def __init__(self, action: Callable[[], None]) -> None:
        self._action: Callable[[], None] | None = action

    def __call__(self, event: Event) -> None:
        if self._action is not None:
            action, self._action = self._action, None
            action()


def waits_for_a_key(segment: Segment) -> bool:
    """A self-paced set lasts until it is done, a self-check until it is answered, when
    someone can press a key; without a keyboard the plan's time holds."""
    return segment.self_paced or segment.kind is SegmentKind.CHECK


def start_cue(segment: Segment) -> Cue | None:
    """The cue a segment opens with, if any: none for an empty one."""
    return _START_CUES.get(segment.kind) if segment.duration > 0 else None


def _add_once(steps: list[int], step: int) -> None:
    """Note ``step`` once: the report lists steps in the order they were first reached."""
    if step not in steps:
        steps.append(step)


def _once_a_second(segment: Segment) -> float:
    """The default frame rate: a tick on every whole second of every segment."""
    del segment
    return 1.0


def _segment_starts(durations: Sequence[float]) -> list[float]:
    """Where each segment starts, in seconds after the anchor, and last where the plan ends."""
    return [0.0, *accumulate(durations)]


class Engine:
    """One run of one plan; ``run`` returns when it ends, ``report`` works at any moment."""

    def __init__(
        self,
        plan: Plan,
        *,
        clock: Callable[[], float],
        commands: CommandSource,
        listeners: Sequence[Listener] = (),
        wakers: Sequence[Waker] = (),
        frame_interval: Callable[[Segment], float] = _once_a_second,
        extend_seconds: float = EXTEND_SECONDS,
        other_option: OtherOption | None = None,
    ) -> None:
        self.plan = plan
        self._other_option = other_option
        self._clock = clock
        self._commands = commands
        self._listeners = tuple(listeners)
        self._wakers = tuple(wakers)
        self._frame_interval = frame_interval
        self._extend_seconds = extend_seconds
        self._durations = [s.duration for s in plan.segments]
        self._starts = _segment_starts(self._durations)
        self._index = 0
        # A pause moves the anchor later by the time paused; a jump moves it so the chosen
        # segment starts now.
        self._anchor = 0.0
        self._started_at = 0.0
        self._ended_at = 0.0
        # While paused, the clock time the pause began; None while the clock runs.
        self._paused_at: float | None = None
        self._paused_total = 0.0
        self._asking_to_quit = False
        # Whether the run was paused when q was pressed, so "carry on" returns to that.
        self._paused_before_asking = False
        self._steps_done: list[int] = []
        # Steps skipped before they were done; the report leaves out any done later, after back.
        self._steps_skipped: list[int] = []
        # Set once, when the run ends for any reason.
        self._outcome: Outcome | None = None
        # When skip was last pressed and in which step, for "twice quickly skips it all".
        self._last_skip: tuple[float, int] | None = None
        # The lowest countdown number said in this segment, None until the first: each
        # number is said once although several ticks may fall within its second.
        self._lowest_count_said: int | None = None

    def run(self) -> RunReport:
        """Walk the plan to its end, or until the person quits or stops."""
        now = self._clock()
        self._anchor = self._started_at = now
        if not self.plan.segments:
            return self._finish(Outcome.COMPLETED, now)
        self._enter(0, now)
        while self._outcome is None:
            now = self._wait(self._next_wake(now))
            self._wake_due_wakers(now)
            self._advance(now)
        return self.report(self._outcome, self._ended_at)

    def report(self, outcome: Outcome, now: float | None = None) -> RunReport:
        """The run so far, as it would be recorded if it ended now with ``outcome``."""
        at = self._clock() if now is None else now
        paused = self._paused_seconds(at)
        return RunReport(
            outcome=outcome,
            active_seconds=max(0.0, at - self._started_at - paused),
            paused_seconds=paused,
            steps_done=tuple(s for s in self._steps_done if s not in self._steps_skipped),
            steps_skipped=tuple(self._steps_skipped),
            steps_total=len(self.plan.step_indices),
            index=self._index,
        )

    def moment(self, now: float) -> Moment:
        """Where the run is at ``now``."""
        at = self._run_time(now)
        begin = self._anchor + self._starts[self._index]
        duration = self._durations[self._index]
        return Moment(
            index=self._index,
            segment=self.plan.segments[self._index],
            duration=duration,
            remaining=max(0.0, begin + duration - at),
            elapsed=max(0.0, at - begin),
            paused=self._paused_at is not None,
        )

    # -- timing ---------------------------------------------------------------------------

    def _run_time(self, now: float) -> float:
        """``now``, or while paused the time the pause began: the run stands still meanwhile."""
        return now if self._paused_at is None else self._paused_at

    def _paused_seconds(self, now: float) -> float:
        """The pauses that have ended plus the one going on at ``now``, if any."""
        if self._paused_at is None:
            return self._paused_total
        return self._paused_total + (now - self._paused_at)

    def _waits_for_key(self) -> bool:
        return waits_for_a_key(self._segment) and self._commands.interactive

    def _deadline(self) -> float:
        """The clock time the current segment ends; never, while it waits for a key."""
        if self._waits_for_key():
            return math.inf
        return self._anchor + self._starts[self._index + 1]

    def _next_wake(self, now: float) -> float:
        """The soonest of: an idle tick, the segment's end, its next frame, a waker's time."""
        candidates = [now + IDLE_TICK_SECONDS]
        if self._paused_at is None:
            deadline = self._deadline()
            candidates.append(deadline)
            frame = self._next_frame(now, deadline)
            if frame is not None:
                candidates.append(frame)
        candidates += self._waker_times()
        return min(candidates)

    def _next_frame(self, now: float, deadline: float) -> float | None:
        """The first frame after ``now``, counted back from ``deadline`` in whole frames.

        The interval is a whole fraction of a second, so frames fall on whole seconds left
        and a countdown changes exactly on time. None when no frame is left before the end.
        """
        if math.isinf(deadline):
            return None
        interval = 1 / max(1, round(1 / self._frame_interval(self._segment)))
        frames_left = math.floor((deadline - now) / interval - CLOCK_TOLERANCE)
        if frames_left < 1:
            return None
        return deadline - frames_left * interval

    def _wait(self, until: float) -> float:
        """Wait until ``until`` or a command, obey the command, and return the time after."""
        command = self._commands.next_command(max(0.0, until - self._clock()))
        now = self._clock()
        if command is not None:
            self._obey(command, now)
        return now

    def _waker_times(self) -> list[float]:
        """When the wakers next need to run, leaving out those with nothing due."""
        return [due for due in (waker.next_wake() for waker in self._wakers) if due is not None]

    def _wake_due_wakers(self, now: float) -> None:
        for waker in self._wakers:
            due = waker.next_wake()
            if due is not None and due <= now:
                waker.wake(now)

    def _advance(self, now: float) -> None:
        """Pass every deadline ``now`` has reached, then tell listeners where the run is."""
        if self._outcome is not None:
            return
        if self._paused_at is not None:
            # Nothing moves while paused; the tick lets a display follow a resize.
            self._emit(Tick(self.moment(now)))
            return
        while now >= self._deadline():
            self._complete_segment()
            if self._on_last_segment:
                self._finish(Outcome.COMPLETED, now)
                return
            self._enter(self._index + 1, now)
        moment = self.moment(now)
        self._emit(Tick(moment))
        self._say_countdown(moment)

    def _say_countdown(self, moment: Moment) -> None:
        """In the last seconds of a segment a person waits out, say each number once."""
        seconds_left = whole_seconds_left(moment.remaining)
        in_countdown = (
            moment.segment.kind in COUNTED_DOWN
            and moment.duration > COUNTDOWN_FROM
            and 0 < seconds_left <= COUNTDOWN_FROM
        )
        is_new_number = self._lowest_count_said is None or seconds_left < self._lowest_count_said
        if in_countdown and is_new_number:
            self._lowest_count_said = seconds_left
            self._emit(CueEvent(Cue.COUNTDOWN, seconds_left))

    # -- moving through the plan ----------------------------------------------------------

    @property
    def _segment(self) -> Segment:
        return self.plan.segments[self._index]

    @property
    def _on_last_segment(self) -> bool:
        return self._index + 1 >= len(self.plan.segments)

    def _enter(self, index: int, now: float) -> None:
        """Make segment ``index`` the current one and announce it; deadlines stay as they are."""
        self._index = index
        self._lowest_count_said = None
        moment = self.moment(now)
        self._emit(SegmentStarted(moment))
        segment = self._segment
        cue = start_cue(segment)
        if cue is not None:
            self._emit(CueEvent(cue, segment.rep))

    def _jump(self, index: int, now: float) -> None:
        """Start segment ``index`` at ``now``: the anchor moves so every later deadline follows."""
        self._anchor = self._run_time(now) - self._starts[index]
        self._enter(index, now)

    def _complete_segment(self) -> None:
        """The current segment is over; if it was its step's last, the step is done."""
        step = self._segment.step
        is_last_of_step = self._on_last_segment or self.plan.segments[self._index + 1].step != step
        if is_last_of_step:
            _add_once(self._steps_done, step)

    def _finish(self, outcome: Outcome, now: float) -> RunReport:
        """End the run: the finish bell if it was completed, then the report to listeners."""
        self._outcome = outcome
        self._ended_at = now
        report = self.report(outcome, now)
        if outcome is Outcome.COMPLETED:
            self._emit(CueEvent(Cue.FINISH))
        self._emit(Finished(report))
        return report

    def _step_start(self, step: int) -> int:
        """The index of the first segment of ``step``."""
        return next(i for i, s in enumerate(self.plan.segments) if s.step == step)

    def _next_step_start(self) -> int | None:
        """The index of the first segment after the current step, None when it is the last."""
        step = self._segment.step
        return next(
            (
                i
                for i in range(self._index + 1, len(self.plan.segments))
                if self.plan.segments[i].step != step
            ),
            None,
        )

    # -- commands -------------------------------------------------------------------------

    def _obey(self, command: Command | Stopped | Answer, now: float) -> None:
        """Do what ``command`` asks; "this hurts" comes first, then an open quit question."""
        if isinstance(command, Stopped):
            self._stopped(command.at, now)
        elif command is Command.HURT:
            self._finish(Outcome.HURT, now)
        elif self._asking_to_quit:
            self._answer_quit(command, now)
        elif command is Command.QUIT:
            self._asking_to_quit = True
            self._paused_before_asking = self._paused_at is not None
            self._pause(now, asking_to_quit=True)
        elif isinstance(command, Answer):
            self._answer(command.number, now)
        elif command is Command.HELP:
            self._emit(HelpRequested())
        elif command in (Command.PAUSE, Command.DONE) and self._waits_for_key():
            self._key_ends_wait(now)
        elif command is Command.PAUSE:
            self._toggle_pause(now)
        elif command is Command.SKIP:
            self._skip(now)
        elif command is Command.SKIP_EXERCISE:
            self._skip_exercise(now)
        elif command is Command.BACK:
            self._back(now)
        elif command is Command.EXTEND:
            self._extend(now)
        elif command is Command.OTHER_OPTION:
            self._choose_other_option(now)

    def _answer_quit(self, command: Command | Answer, now: float) -> None:
        """y (or q again) quits; any other key goes back to running or paused, as before."""
        self._asking_to_quit = False
        if command in (Command.CONFIRM, Command.QUIT):
            self._finish(Outcome.QUIT, now)
        elif self._paused_before_asking:
            self._emit(Paused(self.moment(now)))
        else:
            self._resume(now)

    def _pause(self, now: float, *, asking_to_quit: bool = False) -> None:
        if self._paused_at is None:
            self._paused_at = now
        self._emit(Paused(self.moment(now), asking_to_quit=asking_to_quit))

    def _stopped(self, at: float, now: float) -> None:
        """After Ctrl-Z and fg: paused since the stop, and staying paused until space.

        Whoever stopped the program has stepped away from it; on coming back they should
        find the stretch where they left it, not half over and counting.
        """
        if self._paused_at is None:
            self._paused_at = min(at, now)
        self._emit(Paused(self.moment(now), asking_to_quit=self._asking_to_quit, after_stop=True))

    def _resume(self, now: float) -> None:
        """Run again: the anchor moves later by the time paused, and every deadline with it."""
        if self._paused_at is not None:
            shift = now - self._paused_at
            self._anchor += shift
            self._paused_total += shift
            self._paused_at = None
        self._emit(Resumed(self.moment(now)))

    def _toggle_pause(self, now: float) -> None:
        if self._paused_at is None:
            self._pause(now)
        else:
            self._resume(now)

    def _key_ends_wait(self, now: float) -> None:
        """Enter or space: a self-paced set is done; a self-check goes unanswered."""
        if self._segment.kind is SegmentKind.CHECK:
            self._leave(
                None if self._on_last_segment else self._index + 1, now, whole_exercise=False
            )
        else:
            self._set_done(now)

    def _set_done(self, now: float) -> None:
        """A self-paced set ends when the person says so, and the next segment starts now."""
        self._complete_segment()
        if self._on_last_segment:
            self._finish(Outcome.COMPLETED, now)
        else:
            self._jump(self._index + 1, now)

    def _answer(self, number: int, now: float) -> None:
        """A digit answers the self-check on screen, and the run goes on; elsewhere it is
        just a key."""
        exercise = self.plan.checked_exercise(self._segment)
        check = None if exercise is None else exercise.check
        if exercise is None or check is None or not self._waits_for_key():
            return
        if 1 <= number <= len(check.answers):
            self._emit(Answered(self._segment, number - 1, exercise.id, check))
            self._set_done(now)

    def _skip(self, now: float) -> None:
        """Skip ends a lead-in, or the side, set or breathing block under way; pressed again
        within DOUBLE_SKIP_SECONDS, the rest of the exercise it was first pressed in."""
        step = self._segment.step
        if self._last_skip is not None and now - self._last_skip[0] < DOUBLE_SKIP_SECONDS:
            in_same_step = self._last_skip[1] == step
            self._last_skip = None
            if in_same_step:
                self._skip_exercise(now)
            return
        self._last_skip = (now, step)
        if self._segment.kind in LEAD_IN:
            target = None if self._on_last_segment else self._index + 1
        else:
            target = next_block(self.plan.segments, self._index)
        self._leave(target, now, whole_exercise=False)

    def _skip_exercise(self, now: float) -> None:
        """``N``: the rest of this step, or at a get-ready the whole step it leads into."""
        self._last_skip = None
        self._leave(self._next_step_start(), now, whole_exercise=True)

    def _leave(self, target: int | None, now: float, *, whole_exercise: bool) -> None:
        """Go on at segment ``target`` (None: the end). A step whose work is left unfinished
        is skipped, not done, unless it is done again from its start."""
        end = len(self.plan.segments) if target is None else target
        left = self.plan.segments[self._index : end]
        if any(s.kind not in LEAD_IN | {SegmentKind.CHECK} for s in left):
            _add_once(self._steps_skipped, self._segment.step)
        self._emit(Skipped(self._segment, whole_exercise))
        if target is None:
            self._finish(Outcome.COMPLETED, now)
        else:
            self._jump(target, now)

    def _back(self, now: float) -> None:
        """Back restarts the step; pressed again within BACK_AGAIN_SECONDS, the step before."""
        step = self._segment.step
        step_start = self._step_start(step)
        since_step_start = self.moment(now).elapsed + sum(self._durations[step_start : self._index])
        steps = self.plan.step_indices
        position = steps.index(step)
        step_before = since_step_start < BACK_AGAIN_SECONDS and position > 0
        target = steps[position - 1] if step_before else step
        if target in self._steps_skipped:
            self._steps_skipped.remove(target)  # done again from its start
        self._emit(WentBack(target, step_before))
        self._jump(self._step_start(target), now)

    def _extend(self, now: float) -> None:
        """``+`` lengthens a hold or a wait; paced breath and reps keep their rhythm."""
        if self._segment.kind not in EXTENDABLE or self._waits_for_key():
            return
        self._durations[self._index] += self._extend_seconds
        self._starts = _segment_starts(self._durations)
        self._lowest_count_said = None  # the countdown starts over before the new end
        self._emit(Extended(self.moment(now), self._extend_seconds))

    def _choose_other_option(self, now: float) -> None:
        """At a step's get-ready, switch it between its main exercise and its alternative.

        Only what comes after the get-ready changes, so the segments up to now keep their
        place and lengths (an ``+`` included) and the get-ready still ends on time.
        """
        if self._segment.kind not in GET_READY or self._other_option is None:
            return
        step = self._segment.step
        plan = self._other_option(self.plan, step)
        if plan is None:
            return
        kept = self._index + 1
        self.plan = plan
        self._durations = self._durations[:kept] + [s.duration for s in plan.segments[kept:]]
        self._starts = _segment_starts(self._durations)
        self._emit(OptionChosen(plan, step, self.moment(now)))

    def _emit(self, event: Event) -> None:
        for listener in self._listeners:
            listener(event)
