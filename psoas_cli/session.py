"""One guided run from the safety screen to the summary, with the terminal always given back.

Wires the plan, the engine, a display (live or plain), the keyboard and the cues together.
Every exit, whether finished, quit, "this hurts", Ctrl-C, SIGTERM or an exception, leaves
through the same ``with`` blocks, which restore the terminal and keep the report.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Protocol

from psoas_cli.cues import BellPlayer, Voice, find_speech_command
from psoas_cli.engine import (
    EXTEND_SECONDS,
    Engine,
    Event,
    Listener,
    Outcome,
    RunReport,
    Waker,
)
from psoas_cli.keys import SHORT_HELP
from psoas_cli.model import Routine
from psoas_cli.narration import habit_tip, hurt_lines, safety_lines, summary
from psoas_cli.plan import (
    SECONDS_PER_SELF_PACED_REP,
    Plan,
    PlanOptions,
    Segment,
    build_plan,
    scaled,
)
from psoas_cli.plan import starting_at as plan_from_step
from psoas_cli.terminal import (
    KeySource,
    NoKeyboard,
    is_terminal,
    raw_keys,
    sigterm_interrupts,
)


class Display(Protocol):
    """A run screen: the live one on rich or plain lines; also an engine listener."""

    def __enter__(self) -> Display: ...

    def __exit__(self, *exc_info: object) -> None: ...

    def __call__(self, event: Event) -> None: ...

    def lines(self, lines: list[str]) -> None:
        """Print text outside the run's frame."""

    def frame_interval(self, segment: Segment) -> float:
        """How often the display wants to hear about a segment."""
        ...


@dataclass(frozen=True)
class RunSettings:
    """How to run: cue lengths, speed, where to start and how to sound."""

    cues: PlanOptions = field(default_factory=PlanOptions)
    speed: float = 1.0
    start_step: int = 0
    quiet: bool = False
    voice: bool = False
    yes: bool = False
    plain: bool = False


def make_plan(routine: Routine, settings: RunSettings) -> Plan:
    """The timeline this run follows, after --from; --speed applies only to the clock."""
    plan = build_plan(routine, settings.cues)
    if settings.start_step:
        plan = plan_from_step(plan, settings.start_step)
    return plan


def wants_plain(stdout: IO[str], forced: bool) -> bool:
    """Plain lines for pipes, dumb terminals and --plain; the live screen otherwise."""
    return forced or not is_terminal(stdout) or os.environ.get("TERM") == "dumb"


def _bell_stream(stdout: IO[str], stderr: IO[str]) -> IO[str] | None:
    """The terminal a person hears: stdout if it is one, else stderr (as in ``| tee log``)."""
    return next((s for s in (stdout, stderr) if is_terminal(s)), None)


@dataclass
class Session:
    """The streams, clock and sleep a run uses: the real ones, or a test's."""

    stdin: IO[str]
    stdout: IO[str]
    stderr: IO[str]
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    today: Callable[[], date] = date.today

    def run(self, plan: Plan, settings: RunSettings) -> RunReport:
        """Show the safety screen, run the plan, print the summary; return what was done."""
        with ExitStack() as stack:
            keys: KeySource = NoKeyboard(self.sleep)
            if is_terminal(self.stdin):
                keys = stack.enter_context(raw_keys(self.stdin))
            stack.enter_context(sigterm_interrupts())
            report = self._run(plan, settings, keys)
        return report

    def _run(self, plan: Plan, settings: RunSettings, keys: KeySource) -> RunReport:
        interactive = keys.interactive
        display = self._display(plan, settings, interactive=interactive)
        display.lines(safety_lines(plan, settings.speed))
        listeners: list[Listener] = [display]
        wakers: list[Waker] = []
        voice = self._sounds(settings, listeners, wakers)
        display.lines(self._notices(plan, settings, interactive, voice))
        if interactive and not settings.yes:
            display.lines(["", f"Keys: {SHORT_HELP}", "Press any key to begin, or q to cancel."])
            if keys.wait_for_key() == "q":
                display.lines(["Not started."])
                return not_started(plan)
        engine = Engine(
            scaled(plan, settings.speed),
            clock=self.clock,
            commands=keys,
            listeners=listeners,
            wakers=wakers,
            frame_interval=display.frame_interval,
            extend_seconds=EXTEND_SECONDS / settings.speed,
        )
        try:
            with display:
                report = engine.run()
        except KeyboardInterrupt:
            report = engine.report(Outcome.INTERRUPTED)
        finally:
            if voice is not None:
                voice.close(let_finish=report.outcome is Outcome.COMPLETED)
        result = summary(plan, report)
        display.lines(["", result.headline, result.detail])
        if report.outcome is Outcome.COMPLETED and interactive:
            display.lines([habit_tip(self.today().toordinal())])
        if report.outcome is Outcome.HURT:
            display.lines(["", *hurt_lines(plan, report.index)])
        return report

    def _display(self, plan: Plan, settings: RunSettings, *, interactive: bool) -> Display:
        """Plain lines or the live screen, imported only when used (rich is slow to load)."""
        if wants_plain(self.stdout, settings.plain):
            from psoas_cli.display.plain import PlainDisplay  # noqa: PLC0415

            return PlainDisplay(self.stdout, plan, interactive=interactive)
        from psoas_cli.display.live import LiveDisplay, make_live_console  # noqa: PLC0415

        console = make_live_console(self.stdout)
        return LiveDisplay(console, plan, speed=settings.speed, interactive=interactive)

    def _sounds(
        self, settings: RunSettings, listeners: list[Listener], wakers: list[Waker]
    ) -> Voice | None:
        """Bells unless --quiet, and a voice if asked for and one exists."""
        if not settings.quiet:
            stream = _bell_stream(self.stdout, self.stderr)
            if stream is not None:
                bells = BellPlayer(stream, self.clock)
                listeners.append(bells)
                wakers.append(bells)
        command = find_speech_command() if settings.voice else None
        if command is None:
            return None
        voice = Voice(command)
        listeners.append(voice)
        return voice

    @staticmethod
    def _notices(
        plan: Plan, settings: RunSettings, interactive: bool, voice: Voice | None
    ) -> list[str]:
        notices = []
        if not interactive and any(s.self_paced for s in plan.segments):
            notices.append(
                f"No keyboard: self-paced sets are timed at {SECONDS_PER_SELF_PACED_REP:g} s "
                "per rep."
            )
        if settings.voice and voice is None:
            notices.append(
                "No speech program found (espeak-ng, espeak, spd-say or say): "
                "going on without a voice."
            )
        return notices


def not_started(plan: Plan) -> RunReport:
    """The report of a run cancelled at the safety screen."""
    return RunReport(
        outcome=Outcome.QUIT,
        active_seconds=0.0,
        paused_seconds=0.0,
        steps_done=(),
        steps_skipped=(),
        steps_total=len(plan.step_indices),
        index=0,
    )


def standard_session() -> Session:
    """The session of a real run: the process's own streams and clock."""
    return Session(sys.stdin, sys.stdout, sys.stderr)
