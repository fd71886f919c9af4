"""What a run sounds like for a person whose eyes are closed: tones, words, or bells.

Each cue has its own tone (see ``tones``), played through the audio output without waiting.
With the voice on, the cues that name something (the exercise coming up, switch sides,
start, rest, the end) are spoken instead, and breath, reps and countdowns stay tones. With
no audio output the terminal bell rings a pattern per cue; its later bells are rung when the
engine wakes the player at their time, never by sleeping.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import IO, TYPE_CHECKING

from psoas_cli.library.describe import step_name
from psoas_cli.library.plan import Plan, SegmentKind
from psoas_cli.run.audio import START_SECONDS, SoundOutput
from psoas_cli.run.engine import (
    CLOCK_TOLERANCE,
    COUNTDOWN_FROM,
    COUNTED_DOWN,
    Cue,
    CueEvent,
    Event,
    Extended,
    Moment,
    OptionChosen,
    Paused,
    Resumed,
    SegmentStarted,
    Tick,
    start_cue,
    waits_for_a_key,
)
from psoas_cli.run.tones import Tone, samples

if TYPE_CHECKING:
    from psoas_cli.run.speech import Speech

TONES: dict[Cue, Tone] = {
    Cue.GET_READY: Tone.GET_READY,
    Cue.NEXT: Tone.NEXT,
    Cue.START: Tone.START,
    Cue.SWITCH: Tone.SWITCH,
    Cue.REST: Tone.REST,
    Cue.INHALE: Tone.INHALE,
    Cue.HOLD_BREATH: Tone.HOLD_BREATH,
    Cue.EXHALE: Tone.EXHALE,
    Cue.REP: Tone.REP,
    Cue.COUNTDOWN: Tone.COUNTDOWN,
    Cue.FINISH: Tone.FINISH,
}


def tone_for(event: CueEvent) -> Tone:
    """The tone of a cue; the countdown's last second has a higher pip than the others."""
    if event.cue is Cue.COUNTDOWN and event.count == 1:
        return Tone.COUNTDOWN_LAST
    return TONES[event.cue]


SPOKEN_CUES = frozenset({Cue.GET_READY, Cue.NEXT, Cue.SWITCH, Cue.START, Cue.REST, Cue.FINISH})
"""Cues the voice speaks; breath, reps and the countdown keep their tones, which are quicker
than words and keep the rhythm."""

WORDS: dict[Cue, str] = {
    Cue.SWITCH: "Switch sides",
    Cue.START: "Start",
    Cue.REST: "Rest",
    Cue.FINISH: "Well done. That is the whole routine.",
}
"""The words for spoken cues; get ready and next say the coming exercise's name."""


MATCH_SECONDS = 0.25
"""A cue that comes this close to the time a tone was queued for is that tone's cue."""

SAME_TIME_SECONDS = 0.05
"""Foretold again on each tick, a cue's time moves by the microseconds the clock moved
while it was worked out; times this close are one cue's, already queued."""


def cue_ahead(plan: Plan, moment: Moment) -> tuple[float, CueEvent] | None:
    """The run's next cue and how soon it falls, if the plan says: the next number of a
    countdown, else what the next segment with a length opens with (empty ones between are
    passed at once), or the finish. None where a segment waits for a key."""
    left = moment.remaining
    segment = moment.segment
    if waits_for_a_key(segment):
        return None
    if segment.kind in COUNTED_DOWN and moment.duration > COUNTDOWN_FROM:
        for count in range(COUNTDOWN_FROM, 0, -1):
            if left - count > CLOCK_TOLERANCE:
                return left - count, CueEvent(Cue.COUNTDOWN, count)
    for following in plan.segments[moment.index + 1 :]:
        cue = start_cue(following)
        if cue is not None:
            return left, CueEvent(cue, following.rep)
        if waits_for_a_key(following):
            return None
    return left, CueEvent(Cue.FINISH)


class ToneCues:
    """Plays each cue's tone; leaves ``skipped`` cues to another listener (the voice).

    Also a waker: ``START_SECONDS`` before each cue the plan foretells, it queues that cue's
    tone for its time, so the tone begins on time however long the output's buffer; when
    the cue comes, it is already sounding. A cue nobody foretold (a skip, a set done) plays
    at once, and what was queued for a time that no longer holds (a pause, a skip, ``+``)
    is withdrawn.
    """

    def __init__(
        self,
        output: SoundOutput,
        volume: int,
        clock: Callable[[], float],
        skipped: frozenset[Cue] = frozenset(),
        *,
        plan: Plan | None = None,
    ) -> None:
        self._output = output
        self._volume = volume
        self._clock = clock
        self._skipped = skipped
        self._plan = plan
        # The clock time and the cue that comes next (None while paused or unknown), the
        # latest time a tone was queued for, and each tone queued: its time, its cue and its
        # ticket on the output.
        self._next: tuple[float, CueEvent] | None = None
        self._queued_for = -math.inf
        self._queued: list[tuple[float, CueEvent, int]] = []
        self._preparing: threading.Thread | None = None

    def __call__(self, event: Event) -> None:
        if isinstance(event, CueEvent):
            if event.cue not in self._skipped:
                self._sound(event)
        elif isinstance(event, Tick) and self._preparing is None:
            self._prepare_the_rest()
        if isinstance(event, Paused | Extended | OptionChosen):
            self._withdraw_all()
        if isinstance(event, OptionChosen):
            self._plan = event.plan
        if isinstance(event, Paused):
            self._next = None
        elif isinstance(event, SegmentStarted | Tick | Resumed | Extended):
            self._next = self._foretold(event.moment)

    def _foretold(self, moment: Moment) -> tuple[float, CueEvent] | None:
        """When the next cue falls on the clock, and which; None when the plan cannot say."""
        if self._plan is None or moment.paused:
            return None
        ahead = cue_ahead(self._plan, moment)
        if ahead is None:
            return None
        seconds, event = ahead
        return self._clock() + seconds, event

    def _sound(self, event: CueEvent) -> None:
        """The cue has come: its tone is already queued for now, or plays now; anything
        queued for another time is withdrawn, since the run went another way."""
        now = self._clock()
        ours = [q for q in self._queued if q[1] == event and abs(q[0] - now) <= MATCH_SECONDS]
        if ours:
            self._queued.remove(ours[0])
            self._queued = [q for q in self._queued if q[0] > now - MATCH_SECONDS]
            return
        self._withdraw_all()
        self._output.play(samples(tone_for(event), self._volume))

    def _withdraw_all(self) -> None:
        """Withdraw every tone queued ahead, and queue again when next woken."""
        for _, _, ticket in self._queued:
            self._output.withdraw(ticket)
        self._queued = []
        self._queued_for = -math.inf

    def _prepare_the_rest(self) -> None:
        """Make every tone in the background, once the run's first frame is on screen: made
        before, they would hold that frame up; made on a cue, they could delay it."""
        self._preparing = threading.Thread(
            target=prepare_tones, args=(self._volume,), name="psoas-tones", daemon=True
        )
        self._preparing.start()

    def next_wake(self) -> float | None:
        """When to queue the next cue's tone; None when it is queued, or unknown."""
        if self._next is None or self._next[0] <= self._queued_for + SAME_TIME_SECONDS:
            return None
        return self._next[0] - START_SECONDS

    def wake(self, now: float) -> None:
        """Queue the tone of the cue coming up for its time."""
        if self._next is None:
            return
        due, event = self._next
        self._queued_for = due
        if event.cue not in self._skipped:
            sound = samples(tone_for(event), self._volume)
            ticket = self._output.play_in(sound, max(0.0, due - now))
            self._queued.append((due, event, ticket))


def prepare_tones(volume: int) -> None:
    """Make every tone at ``volume`` now, off the clock's path, so none is made mid-run."""
    for tone in Tone:
        samples(tone, volume)


class SpokenCues:
    """Speaks the cues that name something: the exercise coming up, switch sides, start…"""

    def __init__(self, speech: Speech, plan: Plan) -> None:
        self._speech = speech
        self._plan = plan
        self._coming = ""
        speech.prepare([*WORDS.values(), *self._names(plan)])

    def __call__(self, event: Event) -> None:
        if isinstance(event, OptionChosen):
            self._plan = event.plan
            self._speech.prepare(self._names(event.plan))
        elif isinstance(event, SegmentStarted):
            segment = event.moment.segment
            self._coming = step_name(self._plan.step(segment.step))
        elif isinstance(event, CueEvent) and event.cue in SPOKEN_CUES:
            self._speech.say(WORDS.get(event.cue, self._coming))

    @staticmethod
    def _names(plan: Plan) -> list[str]:
        """What get ready and next up will say: the names of the steps they lead into."""
        leads = (SegmentKind.PREP, SegmentKind.TRANSITION, SegmentKind.NOTE)
        return [step_name(plan.step(s.step)) for s in plan.segments if s.kind in leads]


BELL = "\a"

PATTERNS: dict[Cue, tuple[float, ...]] = {
    Cue.GET_READY: (0.0,),
    Cue.NEXT: (0.0,),
    Cue.START: (0.0, 0.25),
    Cue.SWITCH: (0.0, 0.25, 0.5),
    Cue.REST: (0.0,),
    Cue.INHALE: (0.0,),
    Cue.HOLD_BREATH: (),
    Cue.EXHALE: (0.0, 0.25),
    Cue.REP: (0.0,),
    Cue.COUNTDOWN: (0.0,),
    Cue.FINISH: (0.0, 0.25, 0.5, 1.0),
}
"""With no audio output: seconds after the cue at which the bell rings, one for 'get ready',
two for 'start'…"""


class BellPlayer:
    """Rings each cue's pattern on the terminal; the engine wakes it for the later bells."""

    def __init__(self, stream: IO[str], clock: Callable[[], float]) -> None:
        self._stream = stream
        self._clock = clock
        self._due: list[float] = []

    def __call__(self, event: Event) -> None:
        if not isinstance(event, CueEvent):
            return
        now = self._clock()
        pattern = PATTERNS[event.cue]
        self._due = sorted([*self._due, *(now + offset for offset in pattern[1:])])
        if pattern:
            self._ring()

    def next_wake(self) -> float | None:
        """When the next bell of a pattern is due."""
        return self._due[0] if self._due else None

    def wake(self, now: float) -> None:
        """Ring the bells that are due (once, however many were missed)."""
        due = [t for t in self._due if t <= now]
        self._due = [t for t in self._due if t > now]
        if due:
            self._ring()

    def ring_out(self, sleep: Callable[[float], None]) -> None:
        """Ring the bells still due (the end's pattern) at their times: at exit, once
        everything has been printed, so they never hold up "Completed"."""
        while self._due:
            sleep(max(0.0, self._due[0] - self._clock()))
            self.wake(self._clock())

    def _ring(self) -> None:
        try:
            self._stream.write(BELL)
            self._stream.flush()
        except OSError:
            self._due = []
