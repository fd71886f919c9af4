"""Sounds for a person whose eyes are closed: bell patterns and optional spoken words.

Each cue has its own pattern, so the ear tells a switch from an exhale. A pattern's later
bells are rung when the engine wakes this player at their time, never by sleeping, and
speech runs as a background process: neither can delay the countdown.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import IO

from psoas_cli.run.engine import Cue, CueEvent, Event

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
"""Seconds after the cue at which the bell rings: one for 'get ready', two for 'start'…"""

WORDS: dict[Cue, str] = {
    Cue.GET_READY: "Get ready",
    Cue.NEXT: "Next exercise",
    Cue.START: "Start",
    Cue.SWITCH: "Switch sides",
    Cue.REST: "Rest",
    Cue.INHALE: "Inhale",
    Cue.HOLD_BREATH: "Hold",
    Cue.EXHALE: "Exhale",
    Cue.FINISH: "Well done. Routine complete.",
}

_NUMBERS = ("", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten")

SPEECH_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("espeak-ng", "-s", "160"),
    ("espeak", "-s", "160"),
    ("spd-say",),
    ("say",),
)
"""Speech programs tried in order: Linux first, then macOS's ``say``."""


def spoken(event: CueEvent) -> str:
    """The short phrase for a cue: 'Switch sides', 'Inhale', 'Three'…"""
    if event.cue in (Cue.COUNTDOWN, Cue.REP):
        count = event.count
        return _NUMBERS[count] if 0 < count < len(_NUMBERS) else str(count)
    return WORDS[event.cue]


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

    def _ring(self) -> None:
        try:
            self._stream.write(BELL)
            self._stream.flush()
        except OSError:
            self._due = []


def find_speech_command(
    which: Callable[[str], str | None] = shutil.which,
) -> tuple[str, ...] | None:
    """The first speech program on this system, with its options; None when there is none."""
    for command in SPEECH_COMMANDS:
        if command[0] == "say" and sys.platform != "darwin":
            continue
        path = which(command[0])
        if path:
            return (path, *command[1:])
    return None


Spawn = Callable[[Sequence[str]], "subprocess.Popen[bytes]"]


def _spawn(argv: Sequence[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


class Voice:
    """Speaks cues in the background; a new cue cuts off one still being spoken.

    Stopped processes are not waited for (that could delay a tick); ``subprocess`` reaps
    them when it starts the next one.
    """

    def __init__(self, command: Sequence[str], spawn: Spawn = _spawn) -> None:
        self._command = tuple(command)
        self._spawn = spawn
        self._speaking: subprocess.Popen[bytes] | None = None

    def __call__(self, event: Event) -> None:
        if not isinstance(event, CueEvent) or event.cue is Cue.HOLD_BREATH:
            return
        self._stop_speaking()
        try:
            self._speaking = self._spawn([*self._command, spoken(event)])
        except OSError:
            self._speaking = None

    def close(self, *, let_finish: bool) -> None:
        """Stop speaking at the end of a run, or let the last words finish on their own."""
        if not let_finish:
            self._stop_speaking()

    def _stop_speaking(self) -> None:
        if self._speaking is not None and self._speaking.poll() is None:
            self._speaking.terminate()
        self._speaking = None
