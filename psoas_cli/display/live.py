"""The live run screen on rich: large time, breath pacer, cues, stop sign, what comes next.

A frame is first reduced to a small tuple of what a person would see; the screen is redrawn
only when that tuple changes (a new second, a pacer cell, a resize), which keeps a countdown
near zero CPU.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO

from rich.console import Console, Group, RenderableType
from rich.segment import Segment as RichSegment
from rich.style import Style
from rich.text import Text

from psoas_cli.display.clock import (
    SPACING_ROWS,
    Part,
    Screen,
    blocks_available,
    columns,
    draw,
    lay_out,
)
from psoas_cli.display.console import make_console
from psoas_cli.display.frames import FrameWriter, Lines
from psoas_cli.durations import format_clock
from psoas_cli.library.plan import Plan, Segment, SegmentKind
from psoas_cli.run.engine import (
    COUNTDOWN_FROM,
    COUNTED_DOWN,
    Event,
    Extended,
    HelpRequested,
    Moment,
    OptionChosen,
    Paused,
    Resumed,
    SegmentStarted,
    Tick,
    whole_seconds_left,
)
from psoas_cli.run.keys import HELP, SHORT_HELP
from psoas_cli.run.narration import (
    BREATH,
    PHASE_WORDS,
    coming_up,
    counters,
    exercise_of,
    headline,
    key_cues,
    later_in_block,
    option_line,
    progress_text,
    step_number,
    stop_reminder,
)
from psoas_cli.run.narration import (
    label as phase_label,
)
from psoas_cli.text import hanging

K = SegmentKind

PACER_LABEL_COLUMNS = 12
"""Room beside the breath pacer for the phase word and its count: "  Exhale 10"."""

PACER_LEAST_CELLS = 8
MAX_FRAMES_PER_SECOND = 4

_STYLES = {
    K.PREP: "bold yellow",
    K.TRANSITION: "bold yellow",
    K.SWITCH: "bold magenta",
    K.REST: "bold blue",
    K.HOLD: "bold green",
    K.MOVE: "bold green",
    K.REP: "bold green",
    K.SET: "bold green",
    K.NOTE: "bold",
    K.INHALE: "bold cyan",
    K.HOLD_IN: "bold cyan",
    K.EXHALE: "bold magenta",
    K.HOLD_OUT: "bold cyan",
}


def make_live_console(stream: IO[str]) -> Console:
    """A console on the run's output that follows its size, NO_COLOR and TERM."""
    return make_console(stream)


STEADY_PARTS_KEPT = 64
"""Rendered parts kept for reuse; a run comes back to few segments, so more is waste."""

PAUSED_STYLE = "bold yellow"
PAUSED_WORD = "Paused"

_PACER_HEADS = {K.INHALE: "▶", K.EXHALE: "◀"}
"""The pacer's moving edge points the way the breath goes: out along the bar on the inhale,
back on the exhale, so the two differ without colour too."""

_PACER_EMPTY = {K.EXHALE: "·"}
"""The part of the pacer the exhale has emptied; every other phase shows ``░`` there."""


def _one_line(text: Text) -> bool:
    """Whether ``text`` is one line as it stands: no newline to break at, no tab to expand."""
    plain = text.plain
    return "\n" not in plain and "\t" not in plain


def pacer_width(console_width: int) -> int:
    """Cells of the breath pacer: the window's width, less room for the word and count."""
    return max(PACER_LEAST_CELLS, console_width - PACER_LABEL_COLUMNS)


def pacer_fill(segment: Segment, elapsed: float, cells: int) -> int:
    """How many pacer cells are full: filling on inhale, full on hold, emptying on exhale."""
    fraction = min(1.0, elapsed / segment.duration) if segment.duration else 1.0
    full = {
        K.INHALE: fraction,
        K.HOLD_IN: 1.0,
        K.EXHALE: 1.0 - fraction,
        K.HOLD_OUT: 0.0,
    }[segment.kind]
    return round(full * cells)


@dataclass(frozen=True)
class Frame:
    """Everything a frame shows, as plain values; equal frames are never redrawn."""

    index: int
    size: tuple[int, int]
    big_text: str
    ending: bool
    pacer: int
    phase_count: int
    position: int
    paused: bool
    asking_to_quit: bool
    help_shown: bool
    duration: float


class LiveDisplay:
    """Draws the run on rich; redraws only when a frame differs from the last, and then
    only from its first changed line (see ``frames``)."""

    def __init__(
        self, console: Console, plan: Plan, *, speed: float = 1.0, interactive: bool
    ) -> None:
        self.console = console
        self._plan = plan
        self._speed = speed
        self._interactive = interactive
        self._starts = self._segment_starts(plan)
        self._writer = FrameWriter(console)
        self._frame: Frame | None = None
        self._moment: Moment | None = None
        self._asking_to_quit = False
        self._help_shown = False
        self._blocks = blocks_available(console.encoding)
        self._steady: dict[tuple[object, ...], Lines] = {}
        self.frames_drawn = 0

    def __enter__(self) -> LiveDisplay:
        # The alternate screen keeps the safety text in the scrollback; rich Live's screen
        # mode would also pad every frame to the full height, which costs CPU per frame.
        self.console.set_alt_screen(True)
        self._writer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            self._writer.stop()
        finally:
            self.console.set_alt_screen(False)

    def leave_screen(self) -> None:
        """Give the screen back for a stop (Ctrl-Z): the shell's screen and its cursor.

        Called from a signal handler, possibly in the middle of a frame, so it writes the
        bytes itself rather than through the console's buffered stream.
        """
        with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
            os.write(self.console.file.fileno(), b"\x1b[?25h\x1b[?1049l")

    def _come_back(self) -> None:
        """After fg: the alternate screen again, no cursor, and the whole frame drawn anew."""
        self.console.set_alt_screen(True)
        self.console.show_cursor(False)
        self._writer.forget()
        self._frame = None

    def _segment_starts(self, plan: Plan) -> list[float]:
        """Where each segment starts on the run's clock, and last where the plan ends."""
        starts = [0.0]
        for segment in plan.segments:
            starts.append(starts[-1] + segment.duration / self._speed)
        return starts

    def replan(self, plan: Plan) -> None:
        """Follow the timeline after a step's other option was chosen."""
        self._plan = plan
        self._starts = self._segment_starts(plan)
        self._steady.clear()

    def lines(self, lines: list[str]) -> None:
        """Print text above the live area (notices), keeping the frame below it."""
        for line in lines:
            for part in hanging(line, self.console.width):
                self.console.print(part, markup=False, highlight=False)

    def frame_interval(self, segment: Segment) -> float:
        """Breath phases get a frame per pacer cell; everything else once a second."""
        if segment.kind not in BREATH or segment.duration <= 0:
            return 1.0
        per_cell = segment.duration / self._speed / pacer_width(self.console.width)
        return max(1 / MAX_FRAMES_PER_SECOND, min(1.0, per_cell))

    def __call__(self, event: Event) -> None:
        if isinstance(event, SegmentStarted):
            self._help_shown = False
            self._moment = event.moment
        elif isinstance(event, Tick | Extended):
            self._moment = event.moment
        elif isinstance(event, Resumed):
            self._moment = event.moment
            self._asking_to_quit = False
        elif isinstance(event, Paused):
            self._moment = event.moment
            self._asking_to_quit = event.asking_to_quit
            if event.after_stop:
                self._come_back()
        elif isinstance(event, HelpRequested):
            self._help_shown = not self._help_shown
        elif isinstance(event, OptionChosen):
            self._moment = event.moment
            self._frame = None  # the same second, but another step coming up
        else:
            return
        self.draw()

    def draw(self) -> None:
        """Redraw if what a person would see has changed."""
        if self._moment is None:
            return
        frame = self._frame_for(self._moment)
        if frame == self._frame:
            return
        self._frame = frame
        self._writer.show(self.render(self._moment).lines)
        self.frames_drawn += 1

    def _frame_for(self, moment: Moment) -> Frame:
        segment = moment.segment
        width = self.console.width
        phase_count = whole_seconds_left(moment.remaining)
        pacer = (
            pacer_fill(segment, moment.elapsed, pacer_width(width)) if segment.kind in BREATH else 0
        )
        return Frame(
            index=moment.index,
            size=(width, self.console.height),
            big_text=self._big_text(moment),
            ending=self._ending(moment),
            pacer=pacer,
            phase_count=phase_count if segment.kind in BREATH else 0,
            position=int(self._starts[moment.index] + moment.elapsed),
            paused=moment.paused,
            asking_to_quit=self._asking_to_quit,
            help_shown=self._help_shown,
            duration=moment.duration,
        )

    def _big_text(self, moment: Moment) -> str:
        segment = moment.segment
        if segment.kind is K.REP:
            return f"{segment.rep}/{segment.reps}"
        if segment.self_paced and self._interactive:
            return format_clock(math.floor(moment.elapsed))
        if segment.kind in BREATH:
            later = later_in_block(self._plan, moment.index)
            return format_clock(whole_seconds_left(moment.remaining + later / self._speed))
        return format_clock(whole_seconds_left(moment.remaining))

    @staticmethod
    def _ending(moment: Moment) -> bool:
        return (
            moment.segment.kind in COUNTED_DOWN
            and moment.duration > COUNTDOWN_FROM
            and 0 < moment.remaining <= COUNTDOWN_FROM
        )

    def render(self, moment: Moment) -> Lines:
        """The whole frame for ``moment``, laid out for the window (see ``clock.lay_out``)."""
        plan = self._plan
        segment = moment.segment
        width = self.console.width
        style = PAUSED_STYLE if moment.paused else _STYLES[segment.kind]
        word = self._word(moment)
        title = Text(headline(plan, segment), style="bold")
        if segment.kind is K.PREP:
            title = Text.assemble(("First: ", "bold"), (headline(plan, segment), "bold"))
        label = Text(word.upper(), style=style)
        if counters(segment):
            label.append(f" · {counters(segment)}")
        if self._ending(moment):
            label.append(" · ending", style="bold yellow")
        pacer = [self._pacer(moment, width)] if segment.kind in BREATH else []
        status = self._status(moment)
        notes, stop, coming, keys = (
            self._rendered(moment, part, build)
            for part, build in (
                ("notes", lambda: self._middle(moment)),
                ("stop", lambda: [Text(stop_reminder(plan, segment), style="red")]),
                ("next", lambda: [Text(coming_up(plan, moment.index), style="dim")]),
                ("keys", lambda: [Text(SHORT_HELP, style="dim")]),
            )
        )
        clock = self._big_text(moment)
        progress = self._progress(moment, width)
        tail: dict[Part, RenderableType] = {
            Part.NEXT: coming,
            Part.PROGRESS: progress,
            Part.FOOTER: keys,
        }
        layout = lay_out(
            Screen(
                width=width,
                height=self.console.height,
                clock=clock,
                word=word.upper(),
                fixed_rows=self._height([title, label, *pacer, *status]) + len(stop.lines),
                part_rows={
                    Part.SPACING: SPACING_ROWS,
                    Part.NOTES: len(notes.lines),
                    Part.NEXT: len(coming.lines),
                    Part.PROGRESS: self._height([progress]),
                    Part.FOOTER: len(keys.lines),
                },
                blocks=self._blocks,
                word_first=moment.paused,
            )
        )
        spacing = [Text()] if layout.shows(Part.SPACING) else []
        rows: list[RenderableType] = [title, label, *spacing]
        if layout.word_scale is not None:
            rows += [self._big(word.upper(), layout.word_scale, style), Text()]
        clock_style = "dim" if moment.paused else style
        if self._ending(moment):
            clock_style = "bold yellow"
        if layout.clock_scale is None:
            rows.append(Text("  " + clock, style=clock_style))
        else:
            rows.append(self._big(clock, layout.clock_scale, clock_style))
        rows += spacing + pacer
        if layout.shows(Part.NOTES):
            rows.append(notes)
        rows += [*status, stop]
        rows += [row for part, row in tail.items() if layout.shows(part)]
        return Lines(tuple(line for row in rows for line in self._lines_of(row)))

    def _lines_of(self, row: RenderableType) -> Iterable[tuple[RichSegment, ...]]:
        """The screen lines of one part of a frame. Rendering a frame through a Group costs
        rich a pass over every line per nesting level, most of a frame's CPU at 200x60; parts
        that are already lines, and text that fits the width, skip it."""
        if isinstance(row, Lines):
            return row.lines
        if isinstance(row, Text) and row.cell_len <= self.console.width and _one_line(row):
            return (tuple(row.render(self.console)),)
        return tuple(map(tuple, self.console.render_lines(row, pad=False, new_lines=False)))

    def _rendered(self, moment: Moment, part: str, build: Callable[[], list[Text]]) -> Lines:
        """A part that stays the same through a segment, rendered once per segment and size."""
        key = (part, moment.index, self._help_shown, self.console.size)
        if key not in self._steady:
            if len(self._steady) > STEADY_PARTS_KEPT:
                self._steady.clear()
            texts = build()
            for text in texts:
                text.no_wrap = text.cell_len <= self.console.width
            lines = self.console.render_lines(Group(*texts), pad=False, new_lines=False)
            self._steady[key] = Lines(tuple(tuple(line) for line in lines))
        return self._steady[key]

    def _height(self, rows: list[Text]) -> int:
        """Terminal rows these lines take, a line too long for the window wrapped."""
        width = self.console.width
        return sum(
            len(row.wrap(self.console, width)) if row.cell_len > width else 1 for row in rows
        )

    def _word(self, moment: Moment) -> str:
        """What to do now, or that the run is paused: the header and the big word say it."""
        return PAUSED_WORD if moment.paused else phase_label(moment.segment)

    def _big(self, text: str, scale: int, style: str) -> Lines:
        """``text`` in big type, centred in the window: a segment a row, none of Text's
        wrapping. The indent takes the style too, as spaces show no bold or colour."""
        indent = " " * max(0, (self.console.width - columns(text, scale)) // 2)
        rows = draw(text, scale, blocks=self._blocks)
        return Lines(tuple((RichSegment(indent + row, Style.parse(style)),) for row in rows))

    def _pacer(self, moment: Moment, width: int) -> Text:
        """The breath pacer across the window, with the phase word and its count beside it."""
        segment = moment.segment
        cells = pacer_width(width)
        full = pacer_fill(segment, moment.elapsed, cells)
        head = _PACER_HEADS.get(segment.kind, "") if full < cells else ""
        empty = _PACER_EMPTY.get(segment.kind, "░") * (cells - full - len(head))
        count = whole_seconds_left(moment.remaining)
        fill_style = "dim" if moment.paused else _STYLES[segment.kind].removeprefix("bold ")
        return Text.assemble(
            ("█" * full + head, fill_style),
            (empty, "dim"),
            (f"  {PHASE_WORDS[segment.kind]} {count}", "bold"),
        )

    def _middle(self, moment: Moment) -> list[Text]:
        plan = self._plan
        segment = moment.segment
        width = self.console.width
        if self._help_shown:
            return [*_help_rows(width), Text()]
        rows: list[Text] = []
        if segment.kind is K.SET:
            action = "press Enter or space when done" if self._interactive else "timed"
            rows.append(Text(f"{segment.reps} reps at your own pace: {action}", style="bold"))
        exercise = exercise_of(plan, segment)
        option = option_line(plan, segment, interactive=self._interactive)
        if option is not None:
            rows.append(Text(option, style="bold cyan"))
        if segment.kind in (K.PREP, K.TRANSITION) and exercise is not None:
            for sign in exercise.stop_signs[1:3]:
                rows += _hanging_rows(f"• Stop if: {sign}", width, "red")
        elif segment.kind in (K.REST, K.NOTE) and segment.text:
            rows.append(Text(segment.text))
        else:
            for cue in key_cues(plan, segment):
                rows += _hanging_rows(f"• {cue}", width)
        rows.append(Text())
        return rows

    def _status(self, moment: Moment) -> list[Text]:
        if self._asking_to_quit:
            return [Text("Quit this routine?  y = quit · any other key = carry on", "bold reverse")]
        if moment.paused:
            return [Text("PAUSED · press space to go on", style="bold reverse")]
        return []

    def _progress(self, moment: Moment, width: int) -> Text:
        plan = self._plan
        position = self._starts[moment.index] + moment.elapsed
        total = self._starts[-1]
        text = progress_text(position, total, step_number(plan, moment.segment))
        bar_width = width - len(text) - 1
        if bar_width < 10:
            return Text(text, style="dim")
        done = round(bar_width * min(1.0, position / total)) if total else bar_width
        return Text.assemble(("━" * done, "green"), ("─" * (bar_width - done), "dim"), " " + text)


def _hanging_rows(line: str, width: int, style: str = "") -> list[Text]:
    """``line`` as rows that fit ``width``, its later lines under the text after its bullet:
    rich's own wrapping would start them at the edge, where they read as items of their own."""
    return [Text(part, style=style) for part in hanging(line, width)]


HELP_KEY_WIDTH = 6
"""The column the keys take in the ``?`` panel; what each does wraps under its own start."""


def _help_rows(width: int) -> list[Text]:
    """The ``?`` panel: each key, then what it does, wrapped under the same column."""
    rows: list[Text] = []
    for key, what in HELP:
        first, *rest = hanging(what, width - HELP_KEY_WIDTH)
        rows.append(Text.assemble((f"{key:<{HELP_KEY_WIDTH}}", "bold"), first))
        rows += [Text(" " * HELP_KEY_WIDTH + part) for part in rest]
    return rows
