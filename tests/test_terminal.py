"""Keys arrive one at a time without echo, and the terminal is given back on every way out."""

from __future__ import annotations

import io
import os
import signal
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import pytest

from psoas_cli.library.catalog import Catalog
from psoas_cli.library.guidance import STOP_ADVICE
from psoas_cli.library.plan import build_plan
from psoas_cli.outcome import Outcome
from psoas_cli.run.engine import Command
from psoas_cli.run.keys import command_for, decode
from psoas_cli.session import RunSettings, Session
from psoas_cli.sound_mode import SoundMode

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")


def test_decode_turns_bytes_into_key_names() -> None:
    """Arrows, space, Enter and letters are named; unknown escape sequences do not leak."""
    assert decode(" \rnQ\x1b[C\x1b[D\x1bOC\x1b[15~+!") == [
        "space",
        "enter",
        "n",
        "q",
        "right",
        "left",
        "right",
        "other",
        "+",
        "!",
    ]
    assert decode("\x1b") == ["escape"]
    assert decode("\xe0K") == ["left"]


def test_bindings_match_the_documented_keys() -> None:
    """Each key in the help does what the help says."""
    assert command_for("space") is Command.PAUSE
    assert command_for("right") is command_for("n") is Command.SKIP
    assert command_for("left") is command_for("b") is Command.BACK
    assert command_for("+") is Command.EXTEND
    assert command_for("q") is Command.QUIT
    assert command_for("!") is Command.HURT
    assert command_for("?") is Command.HELP
    assert command_for("x") is Command.OTHER


@dataclass
class Pty:
    """A pseudo-terminal: the program's side and the side a person types into."""

    terminal: IO[str]
    keyboard_fd: int

    def type(self, text: str) -> None:
        os.write(self.keyboard_fd, text.encode())

    def settings(self) -> list[object]:
        import termios  # noqa: PLC0415

        return termios.tcgetattr(self.terminal.fileno())


@pytest.fixture
def pty_pair() -> Iterator[Pty]:
    """A fresh pseudo-terminal, closed afterwards."""
    import pty  # noqa: PLC0415

    keyboard_fd, terminal_fd = pty.openpty()
    terminal = os.fdopen(terminal_fd, "r", encoding="utf-8")
    try:
        yield Pty(terminal, keyboard_fd)
    finally:
        terminal.close()
        os.close(keyboard_fd)


def drain(fd: int) -> None:
    """Read what the program wrote so the pseudo-terminal never fills up."""
    import select  # noqa: PLC0415

    while select.select([fd], [], [], 0)[0]:
        try:
            if not os.read(fd, 65536):
                return
        except OSError:
            return


def run_in_pty(
    pty_pair: Pty,
    catalog: Catalog,
    keys: str,
    *,
    at: float = 0.05,
    name: str = "breathing-minute",
    out: io.StringIO | None = None,
) -> Outcome:
    """Run a routine fast with the pty as keyboard, typing ``keys`` after ``at`` seconds."""
    plan = build_plan(catalog.routines[name].routine)
    timer = threading.Timer(at, pty_pair.type, args=(keys,))
    timer.start()
    session = Session(pty_pair.terminal, out or io.StringIO(), io.StringIO())
    try:
        return session.run(plan, RunSettings(speed=200, yes=True, sound=SoundMode.OFF)).outcome
    finally:
        timer.cancel()
        drain(pty_pair.keyboard_fd)


def test_keys_come_without_echo_and_settings_return(
    pty_pair: Pty, builtin_catalog: Catalog
) -> None:
    """During a run echo and line mode are off; after it the settings are exactly as before."""
    import termios  # noqa: PLC0415

    before = pty_pair.settings()
    seen: list[int] = []

    def look() -> None:
        seen.append(int(pty_pair.settings()[3]))  # type: ignore[call-overload]

    threading.Timer(0.05, look).start()
    assert run_in_pty(pty_pair, builtin_catalog, "", at=0.2) is Outcome.COMPLETED
    assert seen and not seen[0] & (termios.ECHO | termios.ICANON)
    assert pty_pair.settings() == before


@pytest.mark.slow
def test_ctrl_s_does_not_freeze_the_run(pty_pair: Pty, builtin_catalog: Catalog) -> None:
    """Flow control is off during a run, so Ctrl-S cannot stop the screen; on again after."""
    import termios  # noqa: PLC0415

    assert int(pty_pair.settings()[0]) & termios.IXON  # type: ignore[call-overload]
    seen: list[int] = []

    def look() -> None:
        seen.append(int(pty_pair.settings()[0]))  # type: ignore[call-overload]

    threading.Timer(0.05, look).start()
    assert run_in_pty(pty_pair, builtin_catalog, "\x13", at=0.1) is Outcome.COMPLETED
    assert seen and not seen[0] & termios.IXON
    assert int(pty_pair.settings()[0]) & termios.IXON  # type: ignore[call-overload]


def test_quit_and_this_hurts_give_the_terminal_back(
    pty_pair: Pty, builtin_catalog: Catalog
) -> None:
    """q then y quits and ! stops with the stop-sign guidance; both restore the terminal."""
    before = pty_pair.settings()
    assert run_in_pty(pty_pair, builtin_catalog, "qy") is Outcome.QUIT
    assert pty_pair.settings() == before
    out = io.StringIO()
    assert run_in_pty(pty_pair, builtin_catalog, "!", out=out) is Outcome.HURT
    assert pty_pair.settings() == before
    lines = out.getvalue().splitlines()
    start = lines.index("Stopped because it hurts.")
    assert lines[start + 1] == "Ease out of the position slowly and rest."
    assert "Warning signs for 360° diaphragm breathing:" in lines
    assert "  • pain that gets worse right after a stretch" in lines
    assert lines[-1] == STOP_ADVICE


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT])
def test_signals_interrupt_cleanly(
    pty_pair: Pty, builtin_catalog: Catalog, signum: signal.Signals
) -> None:
    """Ctrl-C, SIGTERM, SIGHUP and SIGQUIT end the run as interrupted, keep the report and
    restore the terminal."""
    before = pty_pair.settings()
    plan = build_plan(builtin_catalog.routines["daily-10min"].routine)
    timer = threading.Timer(0.1, os.kill, args=(os.getpid(), signum))
    timer.start()
    session = Session(pty_pair.terminal, io.StringIO(), io.StringIO())
    report = session.run(plan, RunSettings(speed=20, yes=True, sound=SoundMode.OFF))
    timer.join()
    assert report.outcome is Outcome.INTERRUPTED
    assert 0.05 < report.active_seconds < 2
    assert pty_pair.settings() == before
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    assert signal.getsignal(signal.SIGHUP) is signal.SIG_DFL


def test_an_exception_in_the_display_still_restores_the_terminal(
    pty_pair: Pty, builtin_catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash inside the run propagates, and the terminal settings are back all the same."""
    before = pty_pair.settings()

    def broken(self: object, lines: list[str]) -> None:
        raise RuntimeError("display broke")

    monkeypatch.setattr("psoas_cli.display.plain.PlainDisplay.lines", broken)
    with pytest.raises(RuntimeError, match="display broke"):
        run_in_pty(pty_pair, builtin_catalog, "")
    assert pty_pair.settings() == before


def test_ctrl_z_gives_the_terminal_back_and_fg_takes_it_again(pty_pair: Pty) -> None:
    """While stopped the settings are the saved ones; after fg cbreak returns, keys work and
    the first command is the stop with its time."""
    import termios  # noqa: PLC0415

    from psoas_cli.run.engine import Stopped  # noqa: PLC0415
    from psoas_cli.run.terminal import raw_keys  # noqa: PLC0415

    before = pty_pair.settings()
    during_stop: list[list[object]] = []
    gave_screen: list[bool] = []
    now = [100.0]
    with raw_keys(
        pty_pair.terminal, lambda: now[0], lambda: during_stop.append(pty_pair.settings())
    ) as keyboard:
        keyboard.before_stop = lambda: gave_screen.append(True)
        signal.raise_signal(signal.SIGTSTP)
        now[0] = 160.0
        signal.raise_signal(signal.SIGCONT)
        assert not int(pty_pair.settings()[3]) & termios.ICANON  # type: ignore[call-overload]
        assert keyboard.next_command(0.5) == Stopped(at=100.0)
        pty_pair.type(" ")
        assert keyboard.next_command(0.5) is Command.PAUSE
    assert during_stop == [before] and gave_screen == [True]
    assert pty_pair.settings() == before
    assert signal.getsignal(signal.SIGTSTP) is signal.SIG_DFL
