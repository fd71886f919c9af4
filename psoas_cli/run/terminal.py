"""Single keys without Enter or echo, and a terminal that is always given back as it was.

POSIX uses termios (cbreak: no echo, no line buffering, Ctrl-C still interrupts); Windows
uses msvcrt. With no keyboard, waiting is plain sleeping, so a run works in a pipe or a
cron job. SIGTERM, SIGHUP and SIGQUIT are turned into the same interrupt as Ctrl-C, so
every way out passes through the same ``finally`` blocks.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import IO, Protocol

from psoas_cli.limits import MAX_COLUMNS, MIN_COLUMNS, clamped_setting
from psoas_cli.run.engine import Answer, Command, CommandSource, Stopped
from psoas_cli.run.keys import command_for, decode

_ESCAPE_WAIT = 0.03
"""How long to wait for the rest of an arrow key's escape sequence."""

_WINDOWS_POLL = 0.02
"""msvcrt cannot wait for a key with a timeout, so it is polled this often."""


class KeySource(CommandSource, Protocol):
    """Commands during a run, and a single key at the safety screen."""

    def wait_for_key(self) -> str | None:
        """Block until a key is pressed; None when there is no keyboard."""
        ...


class NoKeyboard:
    """Nobody can press keys: waiting is sleeping, and nothing ever waits for a key."""

    interactive = False

    def __init__(self, sleep: Callable[[float], None] = time.sleep) -> None:
        self._sleep = sleep

    def next_command(self, timeout: float) -> Command | Stopped | Answer | None:
        """Sleep out the timeout; there is never a command."""
        self._sleep(timeout)
        return None

    def wait_for_key(self) -> str | None:
        """There is no key to wait for."""
        return None


class Keyboard:
    """Keys from a terminal, read one at a time; use only inside ``raw_keys``."""

    interactive = True

    def __init__(self, stream: IO[str], clock: Callable[[], float] = time.monotonic) -> None:
        self._fd = stream.fileno()
        self._pending: deque[str] = deque()
        self._clock = clock
        self._stopped_at: float | None = None
        self._continued = False
        self.before_stop: Callable[[], None] = lambda: None
        """What to give back before the program stops (Ctrl-Z): the run sets its screen's."""

    def stopping(self) -> None:
        """Note when the program stops (Ctrl-Z) and give the screen back; called by the
        SIGTSTP handler, so it only notes and hands over, never runs the engine."""
        if self._stopped_at is None:
            self._stopped_at = self._clock()
        self.before_stop()

    def continued(self) -> None:
        """Note that the program runs again (fg); the next command reports the stop."""
        self._continued = True

    def next_command(self, timeout: float) -> Command | Stopped | Answer | None:
        """The next key's command, or None when ``timeout`` passes with no key; after a stop
        and fg, first the stop, so the engine counts the stopped time as paused."""
        key = None if self._continued else self._next_key(timeout)
        if self._continued:
            # Checked again after the wait: a stop during it ends the wait without a key
            # (select retries after the signal, and its deadline has usually passed).
            if key is not None:
                self._pending.appendleft(key)
            at = self._stopped_at if self._stopped_at is not None else self._clock()
            self._continued = False
            self._stopped_at = None
            return Stopped(at)
        return None if key is None else command_for(key)

    def wait_for_key(self) -> str | None:
        """Block until a key is pressed and return its name.

        A stop while waiting here costs no exercise time, so it is forgotten.
        """
        key = None
        while key is None:
            key = self._next_key(3600.0)
        self._continued = False
        self._stopped_at = None
        return key

    def _next_key(self, timeout: float) -> str | None:
        if not self._pending:
            text = self._read(timeout)
            if text:
                self._pending.extend(decode(text))
        return self._pending.popleft() if self._pending else None

    if sys.platform == "win32":

        def _read(self, timeout: float) -> str:
            import msvcrt  # noqa: PLC0415

            deadline = time.monotonic() + timeout
            while not msvcrt.kbhit():
                left = deadline - time.monotonic()
                if left <= 0:
                    return ""
                time.sleep(min(_WINDOWS_POLL, left))
            text = msvcrt.getwch()
            if text in "\x00\xe0":
                text += msvcrt.getwch()
            return text

    else:

        def _read(self, timeout: float) -> str:
            import select  # noqa: PLC0415

            ready, _, _ = select.select([self._fd], [], [], max(0.0, timeout))
            if not ready:
                return ""
            data = os.read(self._fd, 64)
            if data == b"\x1b" and select.select([self._fd], [], [], _ESCAPE_WAIT)[0]:
                data += os.read(self._fd, 64)
            return data.decode("utf-8", errors="replace")


def is_terminal(stream: IO[str]) -> bool:
    """True when ``stream`` is a terminal: typed into (stdin) or watched (stdout)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def terminal_columns(stream: IO[str]) -> int | None:
    """How wide the terminal ``stream`` shows is (COLUMNS first, as rich reads it); None for
    a pipe or a file, whose lines nobody should wrap for a screen they are not on."""
    if not is_terminal(stream):
        return None
    columns = clamped_setting(os.environ.get("COLUMNS"), MIN_COLUMNS, MAX_COLUMNS)
    if columns is not None:
        return columns
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError):
        return None


def _stop_now() -> None:
    """Stop this process as Ctrl-Z would have, had psoas not been listening for it."""
    signal.signal(signal.SIGTSTP, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTSTP)


@contextmanager
def raw_keys(
    stream: IO[str],
    clock: Callable[[], float] = time.monotonic,
    stop: Callable[[], None] = _stop_now,
) -> Iterator[Keyboard]:
    """Single keys without echo or flow control (Ctrl-S) for the duration of the block, then
    the settings as they were.

    Ctrl-Z gives the shell its settings (and, through ``Keyboard.before_stop``, its screen)
    before stopping; fg brings the run's settings back and makes the next command a
    ``Stopped``. ``stop`` is how the process stops: tests stop nothing.
    """
    if sys.platform == "win32":
        yield Keyboard(stream, clock)
        return
    import termios  # noqa: PLC0415
    import tty  # noqa: PLC0415

    fd = stream.fileno()
    saved = termios.tcgetattr(fd)
    keyboard = Keyboard(stream, clock)

    def on_stop(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        keyboard.stopping()
        termios.tcsetattr(fd, termios.TCSANOW, saved)
        stop()  # returns once the process is continued
        signal.signal(signal.SIGTSTP, on_stop)

    def on_continue(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        termios.tcsetattr(fd, termios.TCSANOW, mode)
        keyboard.continued()

    previous = {signal.SIGTSTP: signal.getsignal(signal.SIGTSTP)}
    previous[signal.SIGCONT] = signal.getsignal(signal.SIGCONT)
    try:
        tty.setcbreak(fd, termios.TCSANOW)
        # Ctrl-S would otherwise stop all output (XOFF) and freeze the countdown on screen.
        mode = termios.tcgetattr(fd)
        mode[0] &= ~termios.IXON
        termios.tcsetattr(fd, termios.TCSANOW, mode)
        signal.signal(signal.SIGTSTP, on_stop)
        signal.signal(signal.SIGCONT, on_continue)
        yield keyboard
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


ENDING_SIGNALS = ("SIGTERM", "SIGHUP", "SIGQUIT")
"""Signals that mean "stop now" (kill, a closed window, Ctrl-\\): each ends a run like Ctrl-C.
Named, since Windows has only SIGTERM."""


@contextmanager
def ending_signals_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM, SIGHUP and SIGQUIT end the run like Ctrl-C: cleanly,
    keeping what was done.

    Only the first one interrupts: a burst (kill sent again, a shell sending HUP then TERM)
    must not interrupt the ``finally`` blocks that restore the terminal and save the record.
    """
    signums = [getattr(signal, name) for name in ENDING_SIGNALS if hasattr(signal, name)]
    interrupted = False

    def interrupt(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        nonlocal interrupted
        if not interrupted:
            interrupted = True
            raise KeyboardInterrupt

    previous = {signum: signal.signal(signum, interrupt) for signum in signums}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
