"""Keys arrive one at a time without echo, and the terminal is given back on every way out."""

from __future__ import annotations

import io
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

import pytest

from psoas_cli.library.catalog import Catalog
from psoas_cli.library.guidance import PAIN_WORSE_ADVICE, PAIN_WORSE_MEANING, STOP_ADVICE
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
    assert decode("nNQ") == ["n", "N", "q"]
    assert command_for("N") is Command.SKIP_EXERCISE
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
    assert lines.index(STOP_ADVICE) > start
    assert lines[-len(PAIN_WORSE_ADVICE) - 1 :] == [
        PAIN_WORSE_MEANING,
        *(f"  • {advice}" for advice in PAIN_WORSE_ADVICE),
    ]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT])
def test_signals_interrupt_cleanly(
    pty_pair: Pty, builtin_catalog: Catalog, signum: signal.Signals
) -> None:
    """Ctrl-C, SIGTERM, SIGHUP and SIGQUIT end the run as interrupted, keep the report and
    restore the terminal; a late copy of the signal (a closing window sends SIGHUP twice)
    cannot kill psoas on its way out, and Ctrl-C gets its usual meaning back."""
    from psoas_cli.run.terminal import LATE  # noqa: PLC0415

    before = pty_pair.settings()
    plan = build_plan(builtin_catalog.routines["daily-10min"].routine)
    out = io.StringIO()

    def signal_once_running() -> None:
        """Send the signal 0.1 s into the run itself, however long a loaded machine takes
        to set it up."""
        deadline = time.monotonic() + 10
        while "Step 1 of" not in out.getvalue() and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(0.1)
        os.kill(os.getpid(), signum)

    sender = threading.Thread(target=signal_once_running)
    sender.start()
    session = Session(pty_pair.terminal, out, io.StringIO())
    try:
        report = session.run(plan, RunSettings(speed=20, yes=True, sound=SoundMode.OFF))
        sender.join()
        assert report.outcome is Outcome.INTERRUPTED
        assert 0.05 < report.active_seconds < 2
        assert pty_pair.settings() == before
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        if signum in LATE:
            signal.raise_signal(signum)
    finally:
        for late in LATE:
            signal.signal(late, signal.SIG_DFL)


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


def _signal_from_another_thread(*timed: tuple[float, signal.Signals]) -> threading.Thread:
    """A thread that sends itself each signal that many seconds after the one before, as
    the kernel may deliver a Ctrl-Z to the history writer's thread rather than the main one."""

    def send() -> None:
        for after, signum in timed:
            time.sleep(after)
            signal.pthread_kill(threading.get_ident(), signum)

    sender = threading.Thread(target=send)
    sender.start()
    return sender


def test_ctrl_z_and_fg_wake_a_sleeping_wait_at_once(pty_pair: Pty) -> None:
    """A stop and fg during a 5 s wait, delivered to another thread, end the wait at once
    with the stop, instead of after the wait's timeout."""
    from psoas_cli.run.engine import Stopped  # noqa: PLC0415
    from psoas_cli.run.terminal import raw_keys  # noqa: PLC0415

    with raw_keys(pty_pair.terminal, time.monotonic, lambda: None) as keyboard:
        began = time.monotonic()
        sender = _signal_from_another_thread((0.2, signal.SIGTSTP), (0.1, signal.SIGCONT))
        commands = [keyboard.next_command(5.0)]
        while commands[-1] is None and time.monotonic() - began < 5.0:
            commands.append(keyboard.next_command(5.0))
        waited = time.monotonic() - began
        sender.join()
    assert isinstance(commands[-1], Stopped)
    assert 0.2 <= commands[-1].at - began < waited < 1.0


def test_the_run_clock_stands_still_from_a_stop_until_it_is_reported(pty_pair: Pty) -> None:
    """A Ctrl-Z landing after a wait but before the run reads the clock: the clock reads the
    stop's time until the stop is reported, so the stopped minute is never exercise."""
    from psoas_cli.run.engine import Stopped  # noqa: PLC0415
    from psoas_cli.run.terminal import raw_keys  # noqa: PLC0415

    now = [100.0]
    with raw_keys(pty_pair.terminal, lambda: now[0], lambda: None) as keyboard:
        assert keyboard.next_command(0.0) is None
        signal.raise_signal(signal.SIGTSTP)
        now[0] = 160.0
        signal.raise_signal(signal.SIGCONT)
        assert keyboard.now() == 100.0
        assert keyboard.next_command(0.5) == Stopped(at=100.0)
        assert keyboard.now() == 160.0


@pytest.mark.slow
def test_more_ctrl_c_during_clean_up_breaks_nothing(
    pty_pair: Pty, builtin_catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C ends a run; three more while the record is saved and closed raise nothing:
    the terminal is as it was, and the record is kept true to the moment of the first."""
    from psoas_cli.history.store import History  # noqa: PLC0415
    from psoas_cli.paths import history_path  # noqa: PLC0415
    from psoas_cli.run.recorder import Recorder  # noqa: PLC0415

    def under_fire(real: Callable[[Recorder], None]) -> Callable[[Recorder], None]:
        def pressed_again(self: Recorder) -> None:
            for _ in range(3):
                os.kill(os.getpid(), signal.SIGINT)
            real(self)

        return pressed_again

    monkeypatch.setattr(Recorder, "finish", under_fire(Recorder.finish))
    monkeypatch.setattr(Recorder, "close", under_fire(Recorder.close))
    before = pty_pair.settings()
    plan = build_plan(builtin_catalog.routines["daily-10min"].routine)
    timer = threading.Timer(0.3, os.kill, args=(os.getpid(), signal.SIGINT))
    timer.start()
    out = io.StringIO()
    report = Session(pty_pair.terminal, out, io.StringIO()).run(
        plan, RunSettings(plain=True, yes=True, sound=SoundMode.OFF)
    )
    timer.join()
    drain(pty_pair.keyboard_fd)
    assert pty_pair.settings() == before
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    history = History.read(history_path())
    assert history is not None
    with history:
        (record,) = history.records()
    assert report.outcome is record.outcome is Outcome.INTERRUPTED
    assert record.active_seconds == pytest.approx(report.active_seconds, abs=0.01)
    assert 0.2 < record.active_seconds < 2.0
    assert "Saved as session 1" in out.getvalue()


def test_a_signal_the_run_was_started_ignoring_stays_ignored() -> None:
    """Under nohup SIGHUP is ignored, and a run keeps it so rather than ending on it."""
    from psoas_cli.run.terminal import ending_signals_interrupt  # noqa: PLC0415

    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with ending_signals_interrupt():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_a_sigcont_without_a_stop_does_not_pause_the_run(pty_pair: Pty) -> None:
    """A closed window sends SIGCONT with SIGHUP; with no Ctrl-Z before it, it is no stop."""
    from psoas_cli.run.terminal import raw_keys  # noqa: PLC0415

    with raw_keys(pty_pair.terminal, time.monotonic, lambda: None) as keyboard:
        signal.raise_signal(signal.SIGCONT)
        assert keyboard.next_command(0.0) is None


def test_a_terminal_that_hangs_up_is_waited_on_not_spun_on() -> None:
    """Once the terminal hangs up (its window closed while SIGHUP was ignored), waits still
    take their time instead of returning at once forever, and giving it back raises nothing."""
    import pty  # noqa: PLC0415

    from psoas_cli.run.terminal import raw_keys  # noqa: PLC0415

    keyboard_fd, terminal_fd = pty.openpty()
    with (
        os.fdopen(terminal_fd, "r", encoding="utf-8") as terminal,
        raw_keys(terminal, time.monotonic, lambda: None) as keyboard,
    ):
        os.close(keyboard_fd)
        began = time.monotonic()
        waits = [keyboard.next_command(0.1) for _ in range(3)]
        assert waits == [None, None, None]
        assert time.monotonic() - began >= 0.2
