"""Bells and voice: distinct patterns, rung on time by the engine, speech never waited for."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Sequence

from fakes import FakeClock, ScriptedCommands

from psoas_cli.library.model import Exercise, HoldStep, Routine, Sides
from psoas_cli.library.plan import build_plan
from psoas_cli.run.cues import (
    PATTERNS,
    BellPlayer,
    Voice,
    find_speech_command,
    spoken,
)
from psoas_cli.run.engine import Cue, CueEvent, Engine


def test_each_cue_has_its_own_pattern() -> None:
    """Switch, start, inhale and exhale sound different, and the end is the longest."""
    sounding = {cue: pattern for cue, pattern in PATTERNS.items() if pattern}
    assert len({PATTERNS[c] for c in (Cue.SWITCH, Cue.START, Cue.INHALE)}) == 3
    assert PATTERNS[Cue.INHALE] != PATTERNS[Cue.EXHALE]
    assert max(sounding.values(), key=len) == PATTERNS[Cue.FINISH]


def test_bells_ring_at_their_pattern_times_through_the_engine() -> None:
    """A switch rings three bells 0.25 s apart, woken by the engine, not by sleeping."""
    clock = FakeClock()
    rings: list[float] = []

    class Terminal(io.StringIO):
        def write(self, text: str) -> int:
            rings.extend(clock.now - 1000.0 for _ in range(text.count("\a")))
            return len(text)

    bells = BellPlayer(Terminal(), clock)
    routine = Routine(
        name="r",
        title="R",
        steps=(HoldStep(exercise=Exercise(id="s", name="S"), hold=10, sides=Sides.BOTH),),
    )
    engine = Engine(
        build_plan(routine),
        clock=clock,
        commands=ScriptedCommands(clock, interactive=False),
        listeners=[bells],
        wakers=[bells],
    )
    engine.run()
    switch = [t for t in rings if 15 <= t < 16]
    assert switch == [15.0, 15.25, 15.5]
    assert [t for t in rings if 12 <= t < 15] == [12.0, 13.0, 14.0]
    assert rings[-4:] == [30.0, 30.25, 30.5, 31.0]


def test_speech_is_started_in_the_background_and_cut_by_the_next_cue() -> None:
    """Each cue starts the speech program with its words; a newer cue stops older speech."""
    started: list[list[str]] = []

    class Speaking:
        def __init__(self) -> None:
            self.stopped = False

        def poll(self) -> int | None:
            return None

        def terminate(self) -> None:
            self.stopped = True

    processes: list[Speaking] = []

    def spawn(argv: Sequence[str]) -> subprocess.Popen[bytes]:
        started.append(list(argv))
        processes.append(Speaking())
        return processes[-1]  # type: ignore[return-value]

    voice = Voice(["espeak-ng"], spawn)
    voice(CueEvent(Cue.SWITCH))
    voice(CueEvent(Cue.COUNTDOWN, 3))
    assert started == [["espeak-ng", "Switch sides"], ["espeak-ng", "Three"]]
    assert processes[0].stopped and not processes[1].stopped


def test_spoken_words_are_short() -> None:
    """Cues are spoken as a word or two: 'Inhale', 'Exhale', 'Two', rep numbers."""
    assert spoken(CueEvent(Cue.INHALE)) == "Inhale"
    assert spoken(CueEvent(Cue.EXHALE)) == "Exhale"
    assert spoken(CueEvent(Cue.COUNTDOWN, 2)) == "Two"
    assert spoken(CueEvent(Cue.REP, 12)) == "12"


def test_speech_command_is_found_in_order_or_not_at_all() -> None:
    """espeak-ng is preferred over espeak; with no speech program there is no voice."""
    installed = {"espeak": "/usr/bin/espeak", "espeak-ng": "/usr/bin/espeak-ng"}
    assert find_speech_command(installed.get) == ("/usr/bin/espeak-ng", "-s", "160")
    assert find_speech_command({"spd-say": "/usr/bin/spd-say"}.get) == ("/usr/bin/spd-say",)
    assert find_speech_command(lambda name: None) is None
