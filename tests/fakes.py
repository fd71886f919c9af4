"""A clock and a keyboard that tests control, so a whole routine runs in milliseconds."""

from __future__ import annotations

from psoas_cli.engine import Command


class FakeClock:
    """A monotonic clock that only moves when a test or a fake wait moves it."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


class ScriptedCommands:
    """Commands pressed at given seconds after ``start``; waiting moves the fake clock."""

    def __init__(
        self,
        clock: FakeClock,
        script: list[tuple[float, Command]] | None = None,
        *,
        interactive: bool = True,
    ) -> None:
        self.clock = clock
        self.start = clock.now
        self.script = sorted(script or [], key=lambda item: item[0])
        self.interactive = interactive

    def next_command(self, timeout: float) -> Command | None:
        if self.script and self.start + self.script[0][0] <= self.clock.now + timeout:
            at, command = self.script.pop(0)
            self.clock.now = max(self.clock.now, self.start + at)
            return command
        self.clock.now += timeout
        return None
