"""The consoles every view shares, so they all treat terminals and COLUMNS alike."""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import IO

from rich.console import Console, ConsoleDimensions
from rich.segment import Segment

from psoas_cli.limits import MAX_COLUMNS, MAX_LINES, MIN_COLUMNS, MIN_LINES, clamped_setting

SIZE_SETTINGS = (("COLUMNS", MIN_COLUMNS, MAX_COLUMNS), ("LINES", MIN_LINES, MAX_LINES))


def make_console(file: IO[str] | None = None) -> Console:
    """A console that follows the terminal, NO_COLOR and TERM=dumb, and never highlights.

    Markup is off: square brackets in a routine or a note are text, and ``[link=...]`` in a
    shared file must not become a terminal hyperlink. Emoji codes are off too: ``:pill:`` in
    a note is text, and rich's table of them is not loaded to print plain words.
    """
    return _Console(
        file=file, highlight=False, markup=False, emoji=False, _environ=sane_environment()
    )


def size_held(console: Console) -> AbstractContextManager[object]:
    """Within, ``console`` reads the window's size once (see ``_Console.size``); a console
    of a fixed size, as tests make, is left as it is."""
    return console.size_held() if isinstance(console, _Console) else nullcontext()


class _Console(Console):
    """rich's console, leaving a closed pipe to the command line, which ends every command
    alike (exit 141, nothing on stderr), where rich would exit 1 on its own."""

    _held: ConsoleDimensions | None = None

    @property
    def size(self) -> ConsoleDimensions:
        """The window's size: held while a frame is drawn, read afresh otherwise.

        rich asks the terminal (a system call or two) each time it needs a width, dozens
        of times a frame; at four frames a second that was a quarter of the run screen's
        CPU.
        """
        return self._held if self._held is not None else super().size

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)  # type: ignore[attr-defined]

    @contextmanager
    def size_held(self) -> Iterator[None]:
        """Read the size once for everything drawn within; a resize shows in the next frame."""
        if self._held is not None:
            yield
            return
        self._held = super().size
        try:
            yield
        finally:
            self._held = None

    def on_broken_pipe(self) -> None:
        """Raise the closed pipe on, to the one place that handles it."""
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        """rich pads every line to the width; into a pipe or a file those spaces are only
        noise for diff, grep and editors, so there each line ends at its last character.

        rich offers no public hook for this; this method is where its output becomes text.
        """
        text = super()._render_buffer(buffer)
        return text if self.is_terminal else trailing_blanks(text)


TRAILING_BLANKS = re.compile(r"(?<![ \t])[ \t]+(?=(?:\x1b\[[0-9;]*m)*$)", re.MULTILINE)
"""Spaces at a line's end, also before the style resets that follow them in colour.

Tried only where a run of blanks starts: tried at every blank, each of the 70 spaces that
indent a wrapped line of ``psoas list`` was the start of a failed match, which made the
regex a large part of the cost of listing a thousand routines."""


def trailing_blanks(text: str) -> str:
    """``text`` with the padding at the end of each line taken off."""
    return TRAILING_BLANKS.sub("", text)


def sane_environment() -> dict[str, str]:
    """The environment with COLUMNS and LINES held to a sane range, or left out when they
    are not numbers.

    rich reads them itself, on every measure: at 0 it prints nothing, at a billion it pads
    each line to a gigabyte, and past 4,300 digits it fails. Its ``_environ`` parameter is
    the one way to give it other values while it still follows a resized terminal.
    """
    environment = dict(os.environ)
    for name, least, most in SIZE_SETTINGS:
        value = clamped_setting(environment.pop(name, None), least, most)
        if value is not None:
            environment[name] = str(value)
    return environment
