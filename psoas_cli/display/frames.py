"""Frames on the terminal, rewritten from the first line that changed.

rich's Live rewrites every line of every frame. With the clock and the phase word in big type
a frame at 200x60 has some fifty lines, and in a breath phase the pacer moves four times a
second while everything above it stays: rewriting only from the first line that differs keeps
a breath phase within its CPU budget. Built on rich's public render hook, as Live is.
"""

from __future__ import annotations

from collections.abc import Sequence
from threading import RLock

from rich.console import (
    Console,
    ConsoleOptions,
    ConsoleRenderable,
    RenderHook,
    RenderResult,
)
from rich.control import Control
from rich.segment import ControlType, Segment

from psoas_cli.value import Value

Line = tuple[Segment, ...]


class Lines(Value, kw_only=False):
    """Screen lines, each ended by a newline but the last, so the cursor stays on the frame."""

    lines: tuple[Line, ...]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The lines as they are."""
        for number, line in enumerate(self.lines):
            if number:
                yield Segment.line()
            yield from line


class FrameWriter(RenderHook):
    """Keeps one frame at the bottom of the output, like rich's Live, and rewrites only the
    lines from the first that changed; anything else printed meanwhile goes above it."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._lock = RLock()
        self._shown: tuple[Line, ...] = ()
        self._frame: tuple[Line, ...] = ()
        self._refreshing = False
        self._size = console.size

    def start(self) -> None:
        """Hide the cursor and take over printing, so notices land above the frame."""
        self.console.show_cursor(False)
        self.console.push_render_hook(self)

    def stop(self) -> None:
        """Erase the frame and give the cursor back."""
        self.console.pop_render_hook()
        with self._lock:
            self.console.control(self._erase_from(0))
            self._shown = self._frame = ()
        self.console.show_cursor(True)

    def show(self, lines: Sequence[Line]) -> None:
        """Put ``lines`` on screen, cropped to the window's height."""
        with self._lock:
            self._frame = tuple(lines[: self.console.height])
            if not self.console.is_interactive:
                return
            if self.console.size != self._size:
                self._size = self.console.size
                self._redraw_whole()
            self._refreshing = True
            try:
                self.console.print(Control())
            finally:
                self._refreshing = False

    def forget(self) -> None:
        """The screen was cleared behind our back (after a stop): the next frame is drawn
        whole, from the top."""
        with self._lock:
            self._shown = ()
            self.console.control(Control.home())

    def _redraw_whole(self) -> None:
        """After a resize the terminal has rewrapped or cut the old frame, so where its lines
        are is unknown: clear the screen (the run's own, alternate one) and start at the top."""
        self._shown = ()
        self.console.control(Control.home(), Control.clear())

    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        """Move up to the first line that changed (to the frame's top when something else
        is printed), then print what was asked and the frame from there down."""
        if not self.console.is_interactive:
            return renderables
        with self._lock:
            keep = self._unchanged_lines() if self._refreshing else 0
            erase = self._erase_from(keep)
            self._shown = self._frame
            return [erase, *renderables, Lines(self._frame[keep:])]

    def _unchanged_lines(self) -> int:
        """Lines at the top the same as on screen; the last line is always written, so the
        cursor ends where the frame does."""
        same = 0
        for shown, new in zip(self._shown, self._frame, strict=False):
            if shown != new:
                break
            same += 1
        return max(0, min(same, len(self._shown) - 1, len(self._frame) - 1))

    def _erase_from(self, keep: int) -> Control:
        """From the end of the frame on screen, erase each line up to line ``keep`` and stay
        at its start."""
        if not self._shown:
            return Control()
        up = ((ControlType.CURSOR_UP, 1), (ControlType.ERASE_IN_LINE, 2))
        return Control(
            ControlType.CARRIAGE_RETURN,
            (ControlType.ERASE_IN_LINE, 2),
            *(up * (len(self._shown) - 1 - keep)),
        )
