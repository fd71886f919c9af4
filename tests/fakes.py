"""A clock, a keyboard, a whole run and history records that tests control, so a routine
runs in milliseconds and history figures can be checked by hand."""

from __future__ import annotations

import io
import os
import sys
from array import array
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from psoas_cli.history.store import CheckResult, RunRecord
from psoas_cli.outcome import Outcome
from psoas_cli.run.engine import Answer, Command, Stopped
from psoas_cli.run.terminal import KeySource
from psoas_cli.session import Session


class FakeClock:
    """A monotonic clock that only moves when a test or a fake wait moves it."""

    def __init__(self, start: float = 1000.0) -> None:
        self.start = start
        self.now = start

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


class FakeInhibitor:
    """Keeps no screen awake; notes each hold and release, so a test can see them paired."""

    name = "fake"

    def __init__(self) -> None:
        self.calls: list[str] = []

    def hold(self) -> None:
        self.calls.append("hold")

    def release(self) -> None:
        self.calls.append("release")


NOBODY_WAITS_THIS_LONG = 86400.0
"""A run on the fake clock that is still waiting after a day is waiting for a key the test
forgot to press; failing beats hanging."""


class ScriptedCommands:
    """Commands pressed at given seconds after ``start``; waiting moves the fake clock.

    ``typed`` are the keys answered to questions and to "press any key" outside the run.
    """

    def __init__(
        self,
        clock: FakeClock,
        script: Sequence[tuple[float, Command | Answer]] | None = None,
        *,
        interactive: bool = True,
        typed: str | list[str] = "",
    ) -> None:
        self.clock = clock
        self.start = clock.now
        self.script = sorted(script or [], key=lambda item: item[0])
        self.interactive = interactive
        self.typed = list(typed)

    def wait_for_key(self) -> str | None:
        if not self.interactive:
            return None
        return self.typed.pop(0) if self.typed else "enter"

    def next_command(self, timeout: float) -> Command | Stopped | Answer | None:
        if self.clock.now - self.start > NOBODY_WAITS_THIS_LONG:
            raise AssertionError("the run waited a day for a key that the script never pressed")
        if self.script and self.start + self.script[0][0] <= self.clock.now + timeout:
            at, command = self.script.pop(0)
            self.clock.now = max(self.clock.now, self.start + at)
            return command
        self.clock.now += timeout
        return None


def fake_session(
    clock: FakeClock,
    out: IO[str] | None = None,
    *,
    keys: KeySource | None = None,
    started: datetime | None = None,
    inhibitor: FakeInhibitor | None = None,
    audio: FakeAudio | None = None,
) -> Session:
    """A run's wiring on the fake clock: its waits move ``clock``; its wall clock reads
    ``started`` (default: now) when ``clock`` reads its start, and moves with it; it prints to
    ``out``. Standard input is no terminal, so without ``keys`` nobody is at the keyboard;
    ``inhibitor`` (a fresh fake by default) stands in for what keeps the screen awake."""
    wall_start = started or datetime.now().astimezone()
    return Session(
        io.StringIO(),
        out or io.StringIO(),
        io.StringIO(),
        clock=clock,
        sleep=clock.sleep,
        now=lambda: wall_start + timedelta(seconds=clock.now - clock.start),
        keys=keys,
        inhibitor=lambda: inhibitor or FakeInhibitor(),
        audio=audio or FakeAudio(clock),
    )


def record(
    started: datetime,
    *,
    minutes: float = 12.0,
    outcome: Outcome = Outcome.COMPLETED,
    routine: str = "daily-10min",
    pain: tuple[int | None, int | None] = (None, None),
    checks: tuple[CheckResult, ...] = (),
    uid: str = "",
) -> RunRecord:
    """A session as history would return it, started at ``started`` (an aware datetime)."""
    return RunRecord(
        id=0,
        uid=uid or f"{routine}-{started.isoformat()}",
        routine=routine,
        title=routine.replace("-", " ").capitalize(),
        started=started,
        ended=started + timedelta(minutes=minutes),
        active_seconds=minutes * 60,
        paused_seconds=0.0,
        steps_done=8 if outcome is Outcome.COMPLETED else 3,
        steps_skipped=0,
        steps_total=8,
        outcome=outcome,
        pain_before=pain[0],
        pain_after=pain[1],
        note="",
        checks=checks,
    )


class FakeAudio:
    """An audio output that always opens and notes, on the fake clock, every sound queued."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.played: list[tuple[float, array[int]]] = []
        self.queued: list[tuple[float, float]] = []
        """When each ``play_in`` was called and when its sound was due (run seconds)."""
        self.withdrawn: list[tuple[float, array[int]]] = []
        self._tickets: list[tuple[float, array[int]]] = []
        self.closed = False
        self.silenced = 0

    def __call__(self) -> FakeAudio:
        return self

    def play(self, sound: array[int]) -> None:
        self.played.append((self.clock.now - self.clock.start, sound))

    def play_in(self, sound: array[int], seconds: float) -> int:
        now = self.clock.now - self.clock.start
        self.queued.append((now, now + seconds))
        self.played.append((now + seconds, sound))
        self._tickets.append(self.played[-1])
        return len(self._tickets) - 1

    def withdraw(self, ticket: int) -> None:
        """Take the sound off ``played``, unless it has begun by now."""
        entry = self._tickets[ticket]
        if entry[0] > self.clock.now - self.clock.start and entry in self.played:
            self.played = [p for p in self.played if p is not entry]
            self.withdrawn.append(entry)

    def seconds_left(self) -> float:
        return 0.0

    def silence(self) -> None:
        self.silenced += 1

    def close(self) -> None:
        self.closed = True


def python_in_terminal(code: str, *arguments: str, home: Path, isolated: bool = False) -> int:
    """Run ``python -c code arguments`` in a pseudo-terminal, as a person's terminal would
    run psoas, with the checkout and the installed packages on its path and ``home`` as
    PSOAS_HOME; its exit code. ``isolated`` starts it without ``site`` (-S): an editable
    install's import hook would otherwise load pathlib before psoas starts."""
    import pty  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import sysconfig  # noqa: PLC0415

    places = sysconfig.get_paths()
    path = [str(Path(__file__).resolve().parent.parent), places["purelib"], places["platlib"]]
    keyboard, terminal = pty.openpty()
    try:
        return subprocess.run(
            [sys.executable, *(["-S"] if isolated else []), "-c", code, *arguments],
            stdin=terminal,
            stdout=terminal,
            stderr=terminal,
            env={
                **os.environ,
                "TERM": "xterm-256color",
                "PSOAS_HOME": str(home),
                "PYTHONPATH": os.pathsep.join(path),
            },
            timeout=30,
            check=False,
        ).returncode
    finally:
        os.close(terminal)
        os.close(keyboard)
