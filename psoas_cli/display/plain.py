"""Plain mode: one flushed line per event, with no escape codes or cursor movement.

For pipes, log files, ``TERM=dumb`` and screen readers: every line makes sense on its own and
arrives the moment it happens.
"""

from __future__ import annotations

from typing import IO

from psoas_cli.durations import format_duration
from psoas_cli.library.plan import Plan, Segment, SegmentKind
from psoas_cli.run.engine import (
    EXTEND_SECONDS,
    Answered,
    Event,
    Extended,
    Finished,
    HelpRequested,
    OptionChosen,
    Paused,
    Resumed,
    SegmentStarted,
    Skipped,
    WentBack,
)
from psoas_cli.run.keys import HELP
from psoas_cli.run.narration import (
    answered_notice,
    back_notice,
    check_prompt,
    introduction,
    opening,
    option_line,
    plain_line,
    skipped_notice,
    starts_step,
)
from psoas_cli.text import hanging


class PlainDisplay:
    """Writes the run as lines of text."""

    def __init__(
        self, stream: IO[str], plan: Plan, *, interactive: bool, width: int | None = None
    ) -> None:
        """``width`` is the terminal's, to wrap notes to; None (a pipe or a log) keeps each
        line whole, for grep and for a screen reader's own wrapping."""
        self._stream = stream
        self._width = width
        self._plan = plan
        self._interactive = interactive

    def __enter__(self) -> PlainDisplay:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stream.flush()

    def frame_interval(self, segment: Segment) -> float:
        """Plain mode prints on events only; once a second is the engine's slowest pace."""
        del segment
        return 1.0

    def replan(self, plan: Plan) -> None:
        """Follow the timeline after a step's other option was chosen."""
        self._plan = plan

    def leave_screen(self) -> None:
        """Nothing to give back for a stop: plain lines never take the screen."""

    def lines(self, lines: list[str]) -> None:
        """Print lines, wrapped with a hanging indent at a terminal, flushed at once."""
        for line in lines:
            parts = [line] if self._width is None else hanging(line, self._width)
            self._stream.write("".join(part + "\n" for part in parts))
        self._stream.flush()

    def __call__(self, event: Event) -> None:
        if isinstance(event, SegmentStarted):
            self._segment_started(event.moment.index)
        elif isinstance(event, Paused):
            self.lines(
                ["Quit this routine? Press y to quit, any other key to carry on."]
                if event.asking_to_quit
                else ["Paused. Press space to go on."]
                if not event.after_stop
                else ["Back after Ctrl-Z: paused. Press space to go on."]
            )
        elif isinstance(event, Resumed):
            self.lines(["Going on."])
        elif isinstance(event, Extended):
            self.lines([f"{format_duration(EXTEND_SECONDS)} more"])
        elif isinstance(event, Skipped):
            self.lines(
                [skipped_notice(self._plan, event.segment, whole_exercise=event.whole_exercise)]
            )
        elif isinstance(event, WentBack):
            self.lines([back_notice(self._plan, event.step, step_before=event.step_before)])
        elif isinstance(event, Answered):
            self.lines([answered_notice(event)])
        elif isinstance(event, HelpRequested):
            self.lines(["Keys: " + "; ".join(f"{key} {what}" for key, what in HELP)])
        elif isinstance(event, OptionChosen):
            self._option_chosen(event.moment.segment)
        elif isinstance(event, Finished):
            self._stream.flush()

    def _option_chosen(self, segment: Segment) -> None:
        """Say which way the step will be done, then its introduction again: the other
        exercise has its own cues and warning signs."""
        line = option_line(self._plan, segment, interactive=self._interactive)
        self.lines([*([line] if line else []), *introduction(self._plan, segment)])

    def _segment_started(self, index: int) -> None:
        plan = self._plan
        segment = plan.segments[index]
        out = []
        if starts_step(plan, index):
            out += ["", *introduction(plan, segment)]
        block = opening(plan, index)
        if block:
            out.append(block)
        if segment.kind is SegmentKind.CHECK:
            out += check_prompt(plan, segment)
        else:
            out.append(plain_line(plan, segment, interactive=self._interactive))
        option = option_line(plan, segment, interactive=self._interactive)
        self.lines([*out, option] if option else out)
