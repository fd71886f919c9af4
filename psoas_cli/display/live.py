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
from dataclasses import dataclass
from typing import IO

from rich.console import Console, Group
from rich.live import Live
from rich.text import Text

from psoas_cli.display.console import make_console
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

K = SegmentKind

_FONT = {
    "0": ("█▀█", "█ █", "▀▀▀"),
    "1": ("▀█ ", " █ ", "▀▀▀"),
    "2": ("▀▀█", "█▀▀", "▀▀▀"),
    "3": ("▀▀█", " ▀█", "▀▀▀"),
    "4": ("█ █", "▀▀█", "  ▀"),
    "5": ("█▀▀", "▀▀█", "▀▀▀"),
    "6": ("█▀▀", "█▀█", "▀▀▀"),
    "7": ("▀▀█", "  █", "  ▀"),
    "8": ("█▀█", "█▀█", "▀▀▀"),
    "9": ("█▀█", "▀▀█", "▀▀▀"),
    ":": (" ", "▀", "▀"),
    "/": ("  █", " █ ", "▀  "),
    " ": (" ", " ", " "),
}
"""Three-row block digits: large enough to read from a mat, small enough for 40 columns."""

PACER_MAX_CELLS = 20
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
    K.EXHALE: "bold cyan",
    K.HOLD_OUT: "bold cyan",
}


def make_live_console(stream: IO[str]) -> Console:
    """A console on the run's output that follows its size, NO_COLOR and TERM."""
    return make_console(stream)


def big(text: str) -> list[str]:
    """``text`` in the three-row block font."""
    glyphs = [_FONT.get(char, _FONT[" "]) for char in text]
    return [" ".join(glyph[row] for glyph in glyphs) for row in range(3)]


def pacer_width(console_width: int) -> int:
    """Cells of the breath pacer for a terminal this wide."""
    return max(8, min(PACER_MAX_CELLS, console_width - 16))


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
    notice: str


class LiveDisplay:
    """Draws the run with rich Live; redraws only when a frame differs from the last."""

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
        self._live = Live(
            console=console,
            auto_refresh=False,
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._frame: Frame | None = None
        self._moment: Moment | None = None
        self._asking_to_quit = False
        self._help_shown = False
        self._guidance_cache: tuple[tuple[int, int, int, bool], list[Text]] | None = None
        self._notice = ""
        # The segment and the second within it where the notice was first drawn.
        self._notice_from: tuple[int, float] | None = None
        self.frames_drawn = 0

    def __enter__(self) -> LiveDisplay:
        # The alternate screen keeps the safety text in the scrollback; Live's own screen
        # mode would also pad every frame to the full height, which costs CPU per frame.
        self.console.set_alt_screen(True)
        self._live.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            self._live.stop()
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
        self._live.update(Group(), refresh=True)  # forget the height of the last frame
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
        self._guidance_cache = None
        self._starts = self._segment_starts(plan)

    def lines(self, lines: list[str]) -> None:
        """Print text above the live area (notices), keeping the frame below it."""
        for line in lines:
            for part in hanging(line, self.console.width):
                self._live.console.print(part, markup=False, highlight=False)

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
        self._follow_notice(self._moment)
        frame = self._frame_for(self._moment)
        if frame == self._frame:
            return
        self._frame = frame
        self._live.update(self.render(self._moment), refresh=True)
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

    def render(self, moment: Moment) -> Group:
        """The whole frame for ``moment``, fitted to the window's height."""
        plan = self._plan
        segment = moment.segment
        width = self.console.width
        style = _STYLES[segment.kind]
        title = Text(headline(plan, segment), style="bold")
        if segment.kind is K.PREP:
            title = Text.assemble(("First: ", "bold"), (headline(plan, segment), "bold"))
        label = Text(phase_label(segment).upper(), style=style)
        if counters(segment):
            label.append(f" · {counters(segment)}")
        if self._ending(moment):
            label.append(" · ending", style="bold yellow")
        top: list[Text] = [title, label, Text()]
        digits_style = "bold yellow" if self._ending(moment) else style
        big_text = self._big_text(moment)
        if big_text:  # a self-check has no clock: its question takes the room
            top += [Text("  " + row, style=digits_style) for row in big(big_text)]
            top.append(Text())
        top += self._doing_now(moment)
        bottom = [
            *self._status(moment),
            Text(coming_up(plan, moment.index), style="dim"),
            self._progress(moment, width),
        ]
        keys = self._footer(moment)
        bottom += [Text(keys, style="dim")] if keys else []
        room = self.console.height - sum(self._height(row) for row in [*top, *bottom])
        rows = [*top, *self._guidance_for(moment, room), *bottom]
        # Wrapping is most of rich's cost per frame; only lines too long for the screen need it.
        for row in rows:
            row.no_wrap = row.cell_len <= width
        return Group(*rows)

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
            cells = pacer_width(self.console.width)
            full = pacer_fill(segment, moment.elapsed, cells)
            count = whole_seconds_left(moment.remaining)
            rows.append(
                Text.assemble(
                    ("█" * full, "cyan"),
                    ("░" * (cells - full), "dim"),
                    (f"  {PHASE_WORDS[segment.kind]} {count}", "bold"),
                )
            )
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

    def _guidance_for(self, moment: Moment, room: int) -> list[Text]:
        """The guidance, worked out once per segment, size and help state: it does not
        change with the seconds, and the pacer redraws several times a second."""
        key = (moment.index, room, self.console.width, self._help_shown)
        if self._guidance_cache is None or self._guidance_cache[0] != key:
            self._guidance_cache = (key, self._guidance(moment, room))
        return self._guidance_cache[1]

    def _guidance(self, moment: Moment, room: int) -> list[Text]:
        """The keys when asked for, else the setup or cues, then every stop sign, in ``room``
        rows. Short of room the lines above the stop signs give way from the last up, the last
        one left cut short. The stop signs shrink to the first, saying how many more there
        are, when they do not fit on their own, or to make room for the setup at a get-ready
        or for the keys asked for."""
        plan = self._plan
        segment = moment.segment
        if self._help_shown:
            shown = [Text.assemble((f"{key:<6}", "bold"), what) for key, what in HELP]
        elif segment.kind in (K.PREP, K.TRANSITION):
            shown = [Text(f"• {line}") for line in setup_lines(plan, segment)]
        elif segment.kind in (K.REST, K.NOTE) and segment.text:
            shown = [Text(segment.text)]
        elif segment.kind is K.CHECK:
            shown = []
        else:
            shown = [Text(f"• {cue}") for cue in key_cues(plan, segment)]
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
        reds = [Text(sign, style="red") for sign in kept_signs]
        if fitting:
            return [*shown[:fitting], Text(), *reds]
        left = room - self._rows([], kept_signs)
        return [*([self._cut(shown[0], left)] if shown and left > 0 else []), *reds]

    def _cut(self, line: Text, rows: int) -> Text:
        """``line`` cut short with an ellipsis to fit in ``rows`` screen rows."""
        text = line.plain
        while len(text) > 1 and self._height(Text(text + "…")) > rows:
            text = text[: max(1, len(text) - len(text) // 8)].rstrip()
        return Text(text + "…", style=line.style)

    def _height(self, row: Text) -> int:
        """Screen rows a line takes, wrapped as rich will wrap it."""
        width = self.console.width
        if row.cell_len <= width:
            return 1
        return len(row.wrap(self.console, width))

    def _rows(self, shown: list[Text], signs: tuple[str, ...]) -> int:
        """Rows the guidance takes: what is shown, a blank line after it, the stop signs."""
        lines = [*shown, *([Text()] if shown else []), *map(Text, signs)]
        return sum(self._height(row) for row in lines)

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
