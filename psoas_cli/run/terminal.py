"""Single keys without Enter or echo, and a terminal that is always given back as it was.

POSIX uses termios (cbreak: no echo, no line buffering, Ctrl-C still interrupts); Windows
uses msvcrt. With no keyboard, waiting is plain sleeping, so a run works in a pipe or a
cron job. SIGTERM, SIGHUP and SIGQUIT are turned into the same interrupt as Ctrl-C, so
every way out passes through the same ``finally`` blocks, and only the first of them
interrupts, so those blocks run to their end.
"""

from __future__ import annotations

import os
import signal
import stat
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from types import FrameType
from typing import IO, Protocol

from psoas_cli.limits import MAX_COLUMNS, MAX_LINES, MIN_COLUMNS, MIN_LINES, clamped_setting
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
    """Keys from a terminal, read one at a time; use only inside ``raw_keys``.

    ``wake_fd`` is read alongside the terminal: a signal writes to it (``raw_keys`` makes it
    the process's wake-up fd), so a Ctrl-Z, fg or kill ends a wait at once, whichever
    thread the signal was delivered to.
    """

    interactive = True

    def __init__(
        self,
        stream: IO[str],
        clock: Callable[[], float] = time.monotonic,
        wake_fd: int | None = None,
    ) -> None:
        self._fd: int | None = stream.fileno()
        self._wake_fd = wake_fd
        self._pending: deque[str] = deque()
        self._clock = clock
        self._stopped_at: float | None = None
        self._continued = False
        self.before_stop: Callable[[], None] = lambda: None
        """What to give back before the program stops (Ctrl-Z): the run sets its screen's."""
        self.after_continue: Callable[[], None] = lambda: None
        """What to take again when the program runs on (fg): the run sets its screen lock's."""

    def now(self) -> float:
        """The clock as a run should read it: from a stop (Ctrl-Z) until the next command
        reports it, the time the stop began, so a stop that lands between a wait and the
        clock read never counts as exercise."""
        return self._clock() if self._stopped_at is None else self._stopped_at

    def stopping(self) -> None:
        """Note when the program stops (Ctrl-Z) and give the screen back; called by the
        SIGTSTP handler, so it only notes and hands over, never runs the engine."""
        if self._stopped_at is None:
            self._stopped_at = self._clock()
        self.before_stop()

    def continued(self) -> None:
        """Note that the program runs again (fg); the next command reports the stop. A
        SIGCONT with no stop before it (a closed window sends one with SIGHUP) is no stop."""
        self._continued = self._stopped_at is not None
        if self._continued:
            self.after_continue()

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

            watched = [fd for fd in (self._fd, self._wake_fd) if fd is not None]
            ready, _, _ = select.select(watched, [], [], max(0.0, timeout))
            if self._wake_fd is not None and self._wake_fd in ready:
                _drain(self._wake_fd)
            if self._fd is None or self._fd not in ready:
                return ""
            try:
                data = os.read(self._fd, 64)
            except OSError:
                data = b""
            if not data:
                # The terminal hung up (its window closed while SIGHUP was ignored): no
                # key will come, and select would report it ready again at once forever.
                self._fd = None
                return ""
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
    return _terminal_measure(stream, ("COLUMNS", MIN_COLUMNS, MAX_COLUMNS), 0)


def terminal_lines(stream: IO[str]) -> int | None:
    """How many lines the terminal ``stream`` shows (LINES first, as rich reads it); None
    for a pipe or a file, which has no screenful."""
    return _terminal_measure(stream, ("LINES", MIN_LINES, MAX_LINES), 1)


def _terminal_measure(
    stream: IO[str], setting: tuple[str, int, int], size_field: int
) -> int | None:
    """The environment's ``setting`` (name, least, most) when set and sane, else that
    field of the terminal's size (0 columns, 1 lines); None for no terminal."""
    if not is_terminal(stream):
        return None
    name, least, most = setting
    measure = clamped_setting(os.environ.get(name), least, most)
    if measure is not None:
        return measure
    try:
        return os.get_terminal_size(stream.fileno())[size_field]
    except (OSError, ValueError):
        return None


def _drain(fd: int) -> None:
    """Empty a non-blocking pipe of the wake-ups written to it."""
    try:
        while os.read(fd, 512):
            pass
    except BlockingIOError:
        pass


@contextmanager
def _signal_wake_pipe() -> Iterator[int]:
    """A pipe the C-level signal handler writes to (``signal.set_wakeup_fd``) for the
    block; yields its reading end.

    Python runs signal handlers only in the main thread and only between bytecodes, so a
    signal delivered to another thread (the history writer's) would otherwise leave the main
    thread asleep in select until its timeout.
    """
    read_fd, write_fd = os.pipe()
    os.set_blocking(read_fd, False)
    os.set_blocking(write_fd, False)
    previous = signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
    try:
        yield read_fd
    finally:
        signal.set_wakeup_fd(previous)
        os.close(read_fd)
        os.close(write_fd)


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
    with _signal_wake_pipe() as wake_fd:
        keyboard = Keyboard(stream, clock, wake_fd)

        def on_stop(signum: int, frame: FrameType | None) -> None:
            del signum, frame
            keyboard.stopping()
            with suppress(termios.error):  # a terminal that hung up keeps nothing
                termios.tcsetattr(fd, termios.TCSANOW, saved)
            stop()  # returns once the process is continued
            signal.signal(signal.SIGTSTP, on_stop)

        def on_continue(signum: int, frame: FrameType | None) -> None:
            # Also sent with SIGHUP when the window closes, to a terminal that is gone.
            del signum, frame
            with suppress(termios.error):
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
            # A terminal that hung up (its window closed) has no settings left to restore.
            with suppress(termios.error):
                termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _silence_hung_up_output() -> None:
    """Point standard output and error at the null device where they were a terminal that
    hung up (a closed window): every write there would fail, so the clean-up, summary and
    exit message go nowhere instead, and the run still ends as interrupted with its record
    saved. A character device that is no longer a terminal is one that hung up (or the null
    device already); files, pipes and live terminals are left alone."""
    for fd in (1, 2):
        try:
            hung_up = stat.S_ISCHR(os.fstat(fd).st_mode) and not os.isatty(fd)
        except OSError:
            continue
        if hung_up:
            null = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(null, fd)
            finally:
                os.close(null)


ENDING_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT")
"""Signals that mean "stop now" (Ctrl-C, kill, a closed window, Ctrl-\\): each ends a run
as Ctrl-C does. Named, since Windows has only SIGINT and SIGTERM."""


LATE = frozenset(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGQUIT") if hasattr(signal, name)
)
"""Ending signals that come twice on their own: a closed window sends SIGHUP to the process
group and again on hang-up, and a late copy must not kill psoas before it has exited."""


def _absorb(signum: int, frame: FrameType | None) -> None:
    """Take a late ending signal and do nothing: the run it would end has ended. (Not
    SIG_IGN, which would read as "started ignoring" to a later run in the same process.)"""
    del signum, frame


@contextmanager
def ending_signals_interrupt() -> Iterator[None]:
    """Within the block, Ctrl-C, SIGTERM, SIGHUP and SIGQUIT end the run as Ctrl-C does:
    cleanly, keeping what was done.

    Only the first one interrupts: a burst (Ctrl-C pressed again while the record is saved,
    kill sent again, a shell sending HUP then TERM) must not interrupt the ``finally``
    blocks that restore the terminal and save the record. The block must therefore hold
    all of a run's clean-up, the terminal's included. A signal the run was started ignoring
    (``nohup`` ignores SIGHUP) stays ignored. After an interruption psoas is on its way
    out with its own exit status, so the signals in LATE are absorbed from then on; Ctrl-C
    gets its usual meaning back.
    """
    signums = [
        signum
        for name in ENDING_SIGNALS
        if hasattr(signal, name)
        and signal.getsignal(signum := getattr(signal, name)) is not signal.SIG_IGN
    ]
    interrupted = False

    def interrupt(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        nonlocal interrupted
        if not interrupted:
            interrupted = True
            _silence_hung_up_output()
            raise KeyboardInterrupt

    previous = {signum: signal.signal(signum, interrupt) for signum in signums}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, _absorb if interrupted and signum in LATE else handler)
