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
from typing import IO

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.segment import Segment as RichSegment
from rich.style import Style
from rich.text import Text

from psoas_cli.display.clock import (
    SPACING_ROWS,
    Layout,
    Part,
    Screen,
    blocks_available,
    columns,
    draw,
    lay_out,
)
from psoas_cli.display.clock import rows as clock_rows
from psoas_cli.display.console import make_console, size_held
from psoas_cli.display.frames import FrameWriter, Lines
from psoas_cli.durations import format_clock, format_duration
from psoas_cli.library.plan import Plan, Segment, SegmentKind
from psoas_cli.run.engine import (
    COUNTDOWN_FROM,
    COUNTED_DOWN,
    Answered,
    Event,
    Extended,
    HelpRequested,
    Moment,
    OptionChosen,
    Paused,
    Resumed,
    SegmentStarted,
    Skipped,
    Tick,
    WentBack,
    waits_for_a_key,
    whole_seconds_left,
)
from psoas_cli.run.keys import HELP, footer
from psoas_cli.run.narration import (
    BREATH,
    PHASE_WORDS,
    answered_notice,
    back_notice,
    check_answers,
    check_question,
    coming_up,
    counters,
    headline,
    key_cues,
    later_in_block,
    more_stop_signs,
    option_line,
    progress_text,
    setup_lines,
    skipped_notice,
    step_number,
    stop_lines,
)
from psoas_cli.run.narration import (
    label as phase_label,
)
from psoas_cli.text import hanging
from psoas_cli.value import Value, replace

K = SegmentKind

PACER_LABEL_COLUMNS = 12
"""Room beside the breath pacer for the phase word and its count: "  Exhale 10"."""

PACER_LEAST_CELLS = 8
MAX_FRAMES_PER_SECOND = 4

NOTICE_SECONDS = 3.0
"""How long a notice (skipped, back, 10 s more) stays, within the segment it came with."""

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
    K.CHECK: "bold magenta",
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


class Frame(Value):
    """Everything a frame shows, as plain values; equal frames are never redrawn."""

    segment: int
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
    notice: str


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
        # "+" presses by segment, in run seconds: the total shown grows with them.
        self._extended: dict[int, float] = {}
        self._starts = self._segment_starts(plan)
        self._writer = FrameWriter(console)
        self._frame: Frame | None = None
        self._moment: Moment | None = None
        self._asking_to_quit = False
        self._help_shown = False
        self._blocks = blocks_available(console.encoding)
        self._steady: dict[tuple[object, ...], Lines] = {}
        self._guidance_kept: dict[tuple[object, ...], list[Text]] = {}
        self._notice = ""
        # The segment and the second within it where the notice was first drawn.
        self._notice_from: tuple[int, float] | None = None
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
        for index, segment in enumerate(plan.segments):
            longer = self._extended.get(index, 0.0)
            starts.append(starts[-1] + segment.duration / self._speed + longer)
        return starts

    def replan(self, plan: Plan) -> None:
        """Follow the timeline after a step's other option was chosen."""
        self._plan = plan
        self._starts = self._segment_starts(plan)
        self._steady.clear()
        self._guidance_kept.clear()

    def lines(self, lines: list[str]) -> None:
        """Print text above the live area (notices), keeping the frame below it: in one
        call, as rich's cost is per call (the safety screen is some twenty lines).

        The lines are laid out already (``hanging``), so rich is told not to wrap them
        again, which cost the first frame about 3 ms; unless one is wider on the screen
        than its length says (characters two cells wide), which only rich measures."""
        width = self.console.width
        parts = [part for line in lines for part in hanging(line, width)]
        if parts:
            laid_out = all(cell_len(part) <= width for part in parts)
            text = "\n".join(parts)
            self.console.print(text, markup=False, highlight=False, soft_wrap=laid_out)

    def frame_interval(self, segment: Segment) -> float:
        """Breath phases get a frame per pacer cell; everything else once a second."""
        if segment.kind not in BREATH or segment.duration <= 0:
            return 1.0
        per_cell = segment.duration / self._speed / pacer_width(self.console.width)
        return max(1 / MAX_FRAMES_PER_SECOND, min(1.0, per_cell))

    def __call__(self, event: Event) -> None:
        if isinstance(event, Skipped | WentBack | Answered):
            # Said now, drawn with the segment the run goes on to.
            self._show_notice(self._notice_for(event))
            return
        if isinstance(event, Tick | SegmentStarted):
            self._moment = event.moment
        elif isinstance(event, Extended):
            self._moment = event.moment
            index = event.moment.index
            self._extended[index] = self._extended.get(index, 0.0) + event.seconds
            self._starts = self._segment_starts(self._plan)
            self._show_notice(f"{format_duration(event.seconds * self._speed)} more")
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

    def _notice_for(self, event: Skipped | WentBack | Answered) -> str:
        if isinstance(event, Skipped):
            return skipped_notice(self._plan, event.segment, whole_exercise=event.whole_exercise)
        if isinstance(event, WentBack):
            return back_notice(self._plan, event.step, step_before=event.step_before)
        return answered_notice(event)

    def _show_notice(self, text: str) -> None:
        self._notice = text
        self._notice_from = None

    def _follow_notice(self, moment: Moment) -> None:
        """A notice stays NOTICE_SECONDS into the segment it is first drawn with, and goes
        with that segment if it ends sooner."""
        if not self._notice:
            return
        if self._notice_from is None:
            self._notice_from = (moment.index, moment.elapsed)
        index, since = self._notice_from
        if moment.index != index or moment.elapsed - since >= NOTICE_SECONDS:
            self._notice = ""

    def draw(self) -> None:
        """Redraw if what a person would see has changed."""
        if self._moment is None:
            return
        with size_held(self.console):
            self._follow_notice(self._moment)
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
            segment=moment.index,
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
            notice=self._notice,
        )

    def _big_text(self, moment: Moment) -> str:
        segment = moment.segment
        if segment.kind is K.CHECK:
            return ""
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
        """The whole frame for ``moment``, laid out for the window (see ``clock.lay_out``):
        the largest clock that leaves the guidance whole; in a window too small for that,
        the guidance fitted to the room the smallest clock leaves."""
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
        doing = self._doing_now(moment)
        status = self._status(moment)
        coming, keys = (
            self._rendered(moment, part, build)
            for part, build in (
                ("next", lambda: [Text(coming_up(plan, moment.index), style="dim")]),
                ("keys", lambda: self._footer_rows(moment)),
            )
        )
        clock = self._big_text(moment)
        progress = self._progress(moment, width)
        tail: dict[Part, RenderableType] = {
            Part.NEXT: coming,
            Part.PROGRESS: progress,
            Part.FOOTER: keys,
        }
        whole = self._guidance_for(moment, math.inf)
        screen = Screen(
            width=width,
            height=self.console.height,
            clock=clock,
            word=word.upper(),
            fixed_rows=self._rows_of([title, label, *doing, *status]),
            part_rows={
                Part.SPACING: SPACING_ROWS,
                Part.NOTES: self._rows_of(whole),
                Part.NEXT: len(coming.lines),
                Part.PROGRESS: self._height(progress),
                Part.FOOTER: len(keys.lines),
            },
            blocks=self._blocks,
            word_first=moment.paused,
        )
        layout, notes = self._fit(moment, screen, whole)
        spacing = [Text()] if layout.shows(Part.SPACING) else []
        rows: list[RenderableType] = [title, label, *spacing]
        if layout.word_scale is not None:
            rows += [self._big(word.upper(), layout.word_scale, style), Text()]
        clock_style = "dim" if moment.paused else style
        if self._ending(moment):
            clock_style = "bold yellow"
        if layout.clock_scale is not None:
            rows.append(self._big(clock, layout.clock_scale, clock_style))
        elif clock:  # a self-check has no clock: its question takes the room
            rows.append(Text("  " + clock, style=clock_style))
        rows += [*spacing, *doing, *notes, *status]
        rows += [row for part, row in tail.items() if layout.shows(part)]
        return Lines(tuple(line for row in rows for line in self._lines_of(row)))

    def _fit(self, moment: Moment, screen: Screen, whole: list[Text]) -> tuple[Layout, list[Text]]:
        """The layout and the guidance it leaves room for: all of it beside the largest clock
        that allows; else the smallest clock, no blank lines nor big word (unless paused),
        and as much guidance as fits once its least (the stop signs, shortened) is kept
        before anything else gives way."""
        if not screen.clock:  # a self-check: its question and answers take the clock's room
            room = screen.height - screen.fixed_rows - sum(screen.part_rows.values())
            room += screen.part_rows[Part.NOTES]
            if self._rows_of(whole) <= room:
                return Layout(None, None, frozenset()), whole
            spaceless = Layout(None, None, frozenset({Part.SPACING}))
            return spaceless, self._guidance_for(moment, room + SPACING_ROWS)
        layout = lay_out(screen)
        if layout.shows(Part.NOTES):
            return layout, whole
        if self._help_shown:
            # The keys were asked for: they take the big clock's room, the time stays a line.
            plain = Layout(None, None, frozenset({Part.SPACING, Part.WORD}))
            kept = [Part.NEXT, Part.PROGRESS, Part.FOOTER]
            taken = screen.fixed_rows + 1 + sum(screen.part_rows[part] for part in kept)
            return plain, self._guidance_for(moment, screen.height - taken)
        least = self._rows_of(self._guidance_for(moment, 0))
        parts = {**screen.part_rows, Part.NOTES: 0, Part.SPACING: 0}
        squeezed = replace(
            screen, fixed_rows=screen.fixed_rows + least, part_rows=parts, smallest_clock=True
        )
        layout = lay_out(squeezed)
        if not screen.word_first:
            layout = replace(layout, word_scale=None, dropped=layout.dropped | {Part.WORD})
        layout = replace(layout, dropped=layout.dropped | {Part.SPACING})
        taken = screen.fixed_rows + sum(
            count for part, count in parts.items() if layout.shows(part)
        )
        taken += 1 if layout.clock_scale is None else clock_rows(layout.clock_scale)
        taken += 0 if layout.word_scale is None else clock_rows(layout.word_scale) + 1
        return layout, self._guidance_for(moment, screen.height - taken)

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
        key = (part, moment.index, self._help_shown, moment.paused, self.console.size)
        if key not in self._steady:
            if len(self._steady) > STEADY_PARTS_KEPT:
                self._steady.clear()
            texts = build()
            for text in texts:
                text.no_wrap = text.cell_len <= self.console.width
            lines = self.console.render_lines(Group(*texts), pad=False, new_lines=False)
            self._steady[key] = Lines(tuple(tuple(line) for line in lines))
        return self._steady[key]

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

    def _footer_rows(self, moment: Moment) -> list[Text]:
        """The footer as lines: the keys that work now, or none."""
        keys = self._footer(moment)
        return [Text(keys, style="dim")] if keys else []

    def _footer(self, moment: Moment) -> str:
        """The keys that work now; none when nobody is at a keyboard."""
        if not self._interactive:
            return ""
        segment = moment.segment
        check = self._plan.check(segment)
        return footer(
            segment.kind,
            waits_for_key=waits_for_a_key(segment),
            paused=moment.paused,
            has_option=option_line(self._plan, segment, interactive=True) is not None,
            answers=len(check.answers) if check else 0,
            width=self.console.width,
        )

    def _doing_now(self, moment: Moment) -> list[Text]:
        """What the segment asks of the person right now: the pacer, the set, the question."""
        plan = self._plan
        segment = moment.segment
        rows: list[Text] = []
        if segment.kind in BREATH:
            rows.append(self._pacer(moment, self.console.width))
        if segment.kind is K.SET:
            action = "press Enter or space when done" if self._interactive else "timed"
            rows.append(Text(f"{segment.reps} reps at your own pace: {action}", style="bold"))
        if segment.kind is K.CHECK:
            rows.append(Text(check_question(plan, segment), style="bold"))
            rows += [Text(f"  {answer}") for answer in check_answers(plan, segment)]
        option = option_line(plan, segment, interactive=self._interactive)
        if option is not None:
            rows.append(Text(option, style="bold cyan"))
        return rows

    def _guidance_for(self, moment: Moment, room: float) -> list[Text]:
        """The guidance in ``room`` rows (``math.inf``: all of it), worked out once per
        segment, size and help state: it does not change with the seconds, and the pacer
        redraws several times a second."""
        key = (moment.index, room, self.console.size, self._help_shown)
        if key not in self._guidance_kept:
            if len(self._guidance_kept) > STEADY_PARTS_KEPT:
                self._guidance_kept.clear()
            self._guidance_kept[key] = self._guidance(moment, room)
        return self._guidance_kept[key]

    def _guidance(self, moment: Moment, room: float) -> list[Text]:
        """The keys when asked for, else the setup or cues, then every stop sign, in ``room``
        rows. Short of room the lines above the stop signs give way from the last up, the last
        one left cut short. The stop signs shrink to the first, saying how many more there
        are, when they do not fit on their own, or to make room for the setup at a get-ready
        or for the keys asked for."""
        plan = self._plan
        segment = moment.segment
        width = self.console.width
        if self._help_shown:
            shown = _help_items(width)
        elif segment.kind in (K.PREP, K.TRANSITION):
            shown = [_hanging_item(f"• {line}", width) for line in setup_lines(plan, segment)]
        elif segment.kind in (K.REST, K.NOTE) and segment.text:
            shown = [_hanging_item(segment.text, width)]
        elif segment.kind is K.CHECK:
            shown = []
        else:
            shown = [_hanging_item(f"• {cue}", width) for cue in key_cues(plan, segment)]
        signs = stop_lines(plan, segment)
        collapsed = signs[:1]
        if len(signs) > 1:
            collapsed = (more_stop_signs(signs[0], len(signs) - 1),)
        # The setup at a get-ready and keys asked for are worth a shorter list of stop
        # signs; cues are not.
        wanted = self._help_shown or segment.kind in (K.PREP, K.TRANSITION)
        choices = [signs, collapsed] if wanted else [signs]
        if self._rows([], signs) > room:
            choices = [collapsed]
        for kept_signs in choices:
            fitting = len(shown)
            while fitting and self._rows(shown[:fitting], kept_signs) > room:
                fitting -= 1
            if (fitting or not shown) and self._rows(shown[:fitting], kept_signs) <= room:
                break
        reds = [_hanging_item(sign, width, "red") for sign in kept_signs]
        if fitting:
            return [*shown[:fitting], Text(), *reds]
        left = room - self._rows([], kept_signs)
        return [*([self._cut(shown[0], int(left))] if shown and left > 0 else []), *reds]

    def _cut(self, line: Text, rows: int) -> Text:
        """``line`` (a wrapped item) in at most ``rows`` screen rows, cut short with an
        ellipsis when it needs more."""
        if self._height(line) <= rows:
            return line
        width = self.console.width
        text = " ".join(part.strip() for part in line.plain.split("\n"))
        while len(text) > 1 and len(hanging(text + "…", width)) > rows:
            text = text[: max(1, len(text) - len(text) // 8)].rstrip()
        return _hanging_item(text + "…", width, str(line.style))

    def _height(self, row: Text) -> int:
        """Screen rows a line takes, wrapped as rich will wrap it."""
        width = self.console.width
        if row.cell_len <= width and _one_line(row):
            return 1
        return len(row.wrap(self.console, width))

    def _rows_of(self, texts: Iterable[Text]) -> int:
        """Screen rows these lines take."""
        return sum(self._height(text) for text in texts)

    def _rows(self, shown: list[Text], signs: tuple[str, ...]) -> int:
        """Rows the guidance takes: what is shown, a blank line after it, the stop signs."""
        width = self.console.width
        reds = [_hanging_item(sign, width) for sign in signs]
        return self._rows_of([*shown, *([Text()] if shown else []), *reds])

    def _status(self, moment: Moment) -> list[Text]:
        if self._asking_to_quit:
            return [Text("Quit this routine?  y = quit · any other key = carry on", "bold reverse")]
        if moment.paused:
            return [Text("PAUSED · press space to go on", style="bold reverse")]
        if self._notice:
            return [Text(self._notice, style="bold")]
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


def _hanging_item(line: str, width: int, style: str = "") -> Text:
    """``line`` wrapped to ``width``, its later lines under the text after its bullet: rich's
    own wrapping would start them at the edge, where they read as items of their own."""
    return Text("\n".join(hanging(line, width)), style=style)


HELP_KEY_WIDTH = 6
"""The column the keys take in the ``?`` panel; what each does wraps under its own start."""


def _help_items(width: int) -> list[Text]:
    """The ``?`` panel: each key, then what it does, wrapped under the same column."""
    items: list[Text] = []
    for key, what in HELP:
        first, *rest = hanging(what, width - HELP_KEY_WIDTH)
        item = Text.assemble((f"{key:<{HELP_KEY_WIDTH}}", "bold"), first)
        for part in rest:
            item.append("\n" + " " * HELP_KEY_WIDTH + part)
        items.append(item)
    return items
