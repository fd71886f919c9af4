"""The screen kept awake while a run is live: which inhibitor each platform gets, that it is
held for the run and released on every way out, and that no process outlives it."""

from __future__ import annotations

import functools
import io
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

import pytest
from fakes import FakeClock, FakeInhibitor, ScriptedCommands, fake_session

from psoas_cli import session as session_module
from psoas_cli.library.catalog import Catalog
from psoas_cli.library.plan import build_plan
from psoas_cli.outcome import Outcome
from psoas_cli.run import terminal
from psoas_cli.run.awake import (
    ES_CONTINUOUS,
    ES_DISPLAY_REQUIRED,
    ChildInhibitor,
    ExecutionStateInhibitor,
    find_inhibitor,
    linux_command,
    on_path,
    spawn_child,
)
from psoas_cli.run.engine import Command
from psoas_cli.session import NO_INHIBITOR_NOTICE, RunSettings, Session
from psoas_cli.sound_mode import SoundMode


def which_of(*present: str) -> functools.partial[str | None]:
    """A ``which`` that finds only the named programs, in /usr/bin."""
    return functools.partial(
        lambda names, name: f"/usr/bin/{name}" if name in names else None, present
    )


def test_gnome_gets_its_session_manager_inhibitor() -> None:
    """On GNOME, which ignores logind's idle locks, gnome-session-inhibit holds an idle lock
    around cat, even where systemd-inhibit exists too."""
    found = linux_command(
        which_of("gnome-session-inhibit", "systemd-inhibit"),
        {"XDG_CURRENT_DESKTOP": "ubuntu:GNOME"},
        systemd_booted=True,
    )
    assert found is not None
    name, command = found
    assert name == "gnome-session-inhibit"
    assert command[0] == "/usr/bin/gnome-session-inhibit"
    assert command[command.index("--inhibit") + 1] == "idle"
    assert command[-1] == "cat"


def test_other_linux_desktops_get_a_logind_idle_lock() -> None:
    """On KDE (or with no desktop named) systemd-inhibit blocks idle, if systemd runs."""
    which = which_of("gnome-session-inhibit", "systemd-inhibit")
    found = linux_command(which, {"XDG_CURRENT_DESKTOP": "KDE"}, systemd_booted=True)
    assert found is not None
    name, command = found
    assert name == "systemd-inhibit"
    assert command[:3] == ("/usr/bin/systemd-inhibit", "--what=idle", "--mode=block")
    assert "--who=psoas" in command and command[-1] == "cat"
    assert linux_command(which, {}, systemd_booted=False) is None
    assert linux_command(which_of(), {"XDG_CURRENT_DESKTOP": "GNOME"}, True) is None


def test_macos_gets_caffeinate_tied_to_this_process() -> None:
    """caffeinate keeps the display awake (-d) and ends by itself when psoas does (-w pid)."""
    inhibitor = find_inhibitor("darwin", which_of("caffeinate"), {})
    assert isinstance(inhibitor, ChildInhibitor)
    assert inhibitor.command == ("/usr/bin/caffeinate", "-d", "-w", str(os.getpid()))
    assert find_inhibitor("darwin", which_of(), {}) is None


@pytest.mark.skipif(sys.platform == "win32", reason="execute bits are POSIX")
def test_programs_are_found_on_path_as_shutil_finds_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first executable file of that name along PATH; not a folder, not a file that
    cannot run, not the current folder that an empty entry names."""
    plain, folders, runnable = tmp_path / "plain", tmp_path / "folders", tmp_path / "bin"
    for folder in (plain, folders, runnable):
        folder.mkdir()
    (plain / "systemd-inhibit").write_text("#!/bin/sh\n")
    (folders / "systemd-inhibit").mkdir()
    (runnable / "systemd-inhibit").write_text("#!/bin/sh\n")
    (runnable / "systemd-inhibit").chmod(0o755)
    (tmp_path / "caffeinate").write_text("#!/bin/sh\n")
    (tmp_path / "caffeinate").chmod(0o755)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", os.pathsep.join(["", str(plain), str(folders), str(runnable)]))
    assert on_path("systemd-inhibit") == str(runnable / "systemd-inhibit")
    assert on_path("caffeinate") is None
    assert on_path("gnome-session-inhibit") is None


def test_windows_asks_for_the_display_and_then_stops_asking() -> None:
    """Hold sets the display-required state to last; release clears it."""
    states: list[int] = []

    def set_state(state: int) -> int:
        states.append(state)
        return 1

    inhibitor = ExecutionStateInhibitor(set_state)
    inhibitor.hold()
    inhibitor.release()
    assert states[0] & ES_DISPLAY_REQUIRED and states[0] & ES_CONTINUOUS
    assert states[1] == ES_CONTINUOUS


class FakeChild:
    """A started process that ends when told; notes what it was told."""

    def __init__(self, log: list[str]) -> None:
        self.log = log
        self.stdin = io.BytesIO()
        self.code: int | None = None

    def poll(self) -> int | None:
        return self.code

    def terminate(self) -> None:
        self.log.append("terminate")
        self.code = -15

    def kill(self) -> None:
        self.log.append("kill")

    def wait(self, timeout: float | None = None) -> int:
        self.log.append("wait")
        return self.code or 0


def test_a_child_inhibitor_starts_once_and_ends_what_it_started() -> None:
    """Hold starts the command once however often it is called; release closes its input,
    ends it and waits for it; a second release does nothing."""
    log: list[str] = []
    children: list[FakeChild] = []

    def spawn(command: Sequence[str]) -> FakeChild:
        log.append(" ".join(command))
        children.append(FakeChild(log))
        return children[-1]

    inhibitor = ChildInhibitor("stand-in", ["inhibit", "cat"], spawn)
    inhibitor.hold()
    inhibitor.hold()
    inhibitor.release()
    inhibitor.release()
    assert log == ["inhibit cat", "terminate", "wait"]
    assert children[0].stdin.closed


def test_a_command_that_cannot_start_leaves_the_run_alone() -> None:
    """A program that vanished since it was found raises nothing; release then has nothing
    to end."""

    def spawn(command: Sequence[str]) -> FakeChild:
        raise FileNotFoundError(command[0])

    inhibitor = ChildInhibitor("gone", ["gone"], spawn)
    inhibitor.hold()
    inhibitor.release()


class TerminalOut(io.StringIO):
    """Standard output that says it is a terminal, so the run has a screen to keep awake."""

    def isatty(self) -> bool:
        return True


def _run(
    catalog: Catalog,
    keys: ScriptedCommands | None = None,
    settings: RunSettings | None = None,
    out: io.StringIO | None = None,
) -> tuple[FakeInhibitor, str, Outcome]:
    """Run the breathing minute on the keys' clock (or a new one) with a fake inhibitor."""
    clock = keys.clock if keys is not None else FakeClock()
    inhibitor = FakeInhibitor()
    out = out or TerminalOut()
    plan = build_plan(catalog.routines["breathing-minute"].routine)
    session = fake_session(clock, out, keys=keys, inhibitor=inhibitor)
    report = session.run(plan, settings or RunSettings(plain=True, yes=True))
    return inhibitor, out.getvalue(), report.outcome


@pytest.mark.parametrize(
    ("script", "outcome"),
    [
        ([], Outcome.COMPLETED),
        ([(10.0, Command.QUIT), (11.0, Command.CONFIRM)], Outcome.QUIT),
        ([(10.0, Command.HURT)], Outcome.HURT),
    ],
)
def test_held_for_the_run_and_released_at_its_end(
    builtin_catalog: Catalog, script: list[tuple[float, Command]], outcome: Outcome
) -> None:
    """Completed, quit or stopped with "!": one hold when the run starts, one release when it
    ends, and no notice."""
    clock = FakeClock()
    keys = ScriptedCommands(clock, script, typed=["enter", "enter"])
    inhibitor, out, ended = _run(builtin_catalog, keys, RunSettings(plain=True))
    assert ended is outcome
    assert inhibitor.calls == ["hold", "release"]
    assert NO_INHIBITOR_NOTICE not in out


class NotingInhibitor(FakeInhibitor):
    """Notes what the screen showed when the screen was first held."""

    def __init__(self, out: io.StringIO) -> None:
        super().__init__()
        self.out = out
        self.shown_at_hold: str | None = None

    def hold(self) -> None:
        if self.shown_at_hold is None:
            self.shown_at_hold = self.out.getvalue()
        super().hold()


def test_held_once_the_first_segment_is_on_screen(builtin_catalog: Catalog) -> None:
    """Starting the inhibitor waits until the run's first segment is drawn, so it never
    delays the first frame; it is held from then on and released at the end."""
    out = TerminalOut()
    inhibitor = NotingInhibitor(out)
    plan = build_plan(builtin_catalog.routines["breathing-minute"].routine)
    session = fake_session(FakeClock(), out, inhibitor=inhibitor)
    report = session.run(plan, RunSettings(plain=True, yes=True, sound=SoundMode.OFF))
    assert report.outcome is Outcome.COMPLETED
    assert inhibitor.calls == ["hold", "release"]
    assert inhibitor.shown_at_hold is not None
    assert "Get ready" in inhibitor.shown_at_hold
    assert "Inhale" not in inhibitor.shown_at_hold


class Interrupting(ScriptedCommands):
    """Keys that raise ``error`` at the first wait of the run, as Ctrl-C, a signal or a
    fault would."""

    def __init__(self, clock: FakeClock, error: BaseException) -> None:
        super().__init__(clock, interactive=False)
        self.error = error

    def next_command(self, timeout: float) -> None:
        raise self.error


def test_released_after_ctrl_c(builtin_catalog: Catalog) -> None:
    """Ctrl-C (and SIGTERM or SIGHUP, which psoas turns into it) ends the run interrupted,
    the screen released."""
    keys = Interrupting(FakeClock(), KeyboardInterrupt())
    inhibitor, _, outcome = _run(builtin_catalog, keys)
    assert outcome is Outcome.INTERRUPTED
    assert inhibitor.calls == ["hold", "release"]


def test_released_when_the_run_fails(builtin_catalog: Catalog) -> None:
    """An error inside the run propagates, and the screen is released all the same."""
    clock = FakeClock()
    inhibitor = FakeInhibitor()
    keys = Interrupting(clock, RuntimeError("keys broke"))
    session = fake_session(clock, TerminalOut(), keys=keys, inhibitor=inhibitor)
    plan = build_plan(builtin_catalog.routines["breathing-minute"].routine)
    with pytest.raises(RuntimeError, match="keys broke"):
        session.run(plan, RunSettings(plain=True, yes=True))
    assert inhibitor.calls == ["hold", "release"]


def test_not_held_for_a_run_cancelled_at_the_safety_screen(builtin_catalog: Catalog) -> None:
    """q before the start holds nothing."""
    keys = ScriptedCommands(FakeClock(), typed=["q"])
    inhibitor, _, _ = _run(builtin_catalog, keys, RunSettings(plain=True, history_wanted=False))
    assert inhibitor.calls == []


def test_not_held_when_turned_off_or_without_a_screen(builtin_catalog: Catalog) -> None:
    """--no-keep-awake holds nothing, and nor does a run printing to a pipe or a file."""
    off = RunSettings(plain=True, yes=True, keep_awake=False)
    assert _run(builtin_catalog, settings=off)[0].calls == []
    assert _run(builtin_catalog, out=io.StringIO())[0].calls == []


def test_said_once_when_nothing_can_keep_the_screen_awake(builtin_catalog: Catalog) -> None:
    """With no inhibitor the safety screen says so in one line and the run goes on."""
    out = TerminalOut()
    plan = build_plan(builtin_catalog.routines["breathing-minute"].routine)
    session = fake_session(FakeClock(), out)
    session.inhibitor = lambda: None
    report = session.run(plan, RunSettings(plain=True, yes=True))
    assert report.outcome is Outcome.COMPLETED
    text = " ".join(out.getvalue().split())  # plain lines are wrapped to the terminal
    assert text.count(NO_INHIBITOR_NOTICE) == 1
    assert text.index(NO_INHIBITOR_NOTICE) < text.index("Get ready")


@pytest.fixture
def keyboard_terminal() -> Iterator[IO[str]]:
    """The terminal end of a fresh pseudo-terminal, to read keys from; closed afterwards."""
    import pty  # noqa: PLC0415

    keyboard_fd, terminal_fd = pty.openpty()
    with os.fdopen(terminal_fd, "r", encoding="utf-8") as stream:
        yield stream
    os.close(keyboard_fd)


@pytest.mark.skipif(sys.platform == "win32", reason="Ctrl-Z and signals are POSIX only")
@pytest.mark.parametrize("ending", [signal.SIGTERM, signal.SIGHUP])
def test_released_while_stopped_taken_again_on_fg_released_at_a_signal(
    keyboard_terminal: IO[str],
    builtin_catalog: Catalog,
    monkeypatch: pytest.MonkeyPatch,
    ending: signal.Signals,
) -> None:
    """At a real keyboard: Ctrl-Z releases the screen, fg takes it again, and SIGTERM or
    SIGHUP ends the run with it released."""
    monkeypatch.setattr(
        session_module, "raw_keys", functools.partial(terminal.raw_keys, stop=lambda: None)
    )
    inhibitor = FakeInhibitor()
    events = [(0.1, signal.SIGTSTP), (0.2, signal.SIGCONT), (0.4, ending)]
    timers = [threading.Timer(at, os.kill, args=(os.getpid(), s)) for at, s in events]
    session = Session(keyboard_terminal, TerminalOut(), io.StringIO(), inhibitor=lambda: inhibitor)
    plan = build_plan(builtin_catalog.routines["daily-10min"].routine)
    for timer in timers:
        timer.start()
    report = session.run(plan, RunSettings(speed=20, yes=True, sound=SoundMode.OFF, plain=True))
    for timer in timers:
        timer.join()
    assert report.outcome is Outcome.INTERRUPTED
    assert inhibitor.calls == ["hold", "release", "hold", "release"]


STAND_IN = ("sh", "-c", "cat; :")
"""A harmless stand-in for systemd-inhibit: a wrapper that runs cat as its own child (the
``:`` keeps sh from handing its process over to cat), as the real wrappers do."""


def _session_members(session_id: int) -> list[int]:
    """Live (not zombie) processes in a session, read from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[3]) == session_id:
            members.append(int(entry.name))
    return members


def _gone(session_id: int, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while _session_members(session_id):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


needs_proc = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux only)"
)


@needs_proc
def test_a_real_inhibitor_process_ends_at_release() -> None:
    """A real wrapper and its cat run while held; after release none of them is left."""
    started: list[subprocess.Popen[bytes]] = []

    def spawn(command: Sequence[str]) -> subprocess.Popen[bytes]:
        child = spawn_child(command)
        assert isinstance(child, subprocess.Popen)
        started.append(child)
        return child

    inhibitor = ChildInhibitor("stand-in", STAND_IN, spawn)
    inhibitor.hold()
    session_id = started[0].pid  # the wrapper leads a session of its own
    deadline = time.monotonic() + 5
    while len(_session_members(session_id)) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(_session_members(session_id)) == 2
    inhibitor.release()
    assert _gone(session_id)


HOLDER_SCRIPT = """
import sys, time
from psoas_cli.run.awake import ChildInhibitor, spawn_child

def spawn(command):
    child = spawn_child(command)
    print(child.pid, flush=True)
    return child

ChildInhibitor("stand-in", sys.argv[1:], spawn).hold()
time.sleep(60)
"""
"""Stands in for psoas: holds the stand-in inhibitor, says its process id, and waits."""


@needs_proc
def test_no_inhibitor_process_outlives_a_killed_psoas() -> None:
    """Even kill -9, which runs no clean-up, leaves no process behind: cat reads the end of
    the pipe from the dead process and ends, and its wrapper with it."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER_SCRIPT, *STAND_IN], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None
    session_id = int(holder.stdout.readline())
    assert _session_members(session_id)
    holder.kill()
    holder.wait()
    assert _gone(session_id)
