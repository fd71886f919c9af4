"""End to end in a real terminal: psoas run under tmux, driven by keys, read off the screen."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from bigtype import read_big

from psoas_cli.display.clock import columns as big_columns
from psoas_cli.library.catalog import load_catalog
from psoas_cli.library.plan import build_plan
from psoas_cli.run.narration import safety_lines
from psoas_cli.session import MORE_PROMPT
from psoas_cli.text import hanging

TMUX = shutil.which("tmux")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        TMUX is None, reason="tmux is not installed here (.ci/run installs it where apt-get works)"
    ),
]

Screen = Callable[[str], str]


class Tmux(NamedTuple):
    """A tmux window running a shell: keys to send, text to wait for, and tmux itself."""

    send: Callable[..., None]
    wait_for: Screen
    command: Callable[..., None]


@pytest.fixture
def tmux(request: pytest.FixtureRequest, tmp_path: Path, psoas_home: Path) -> Iterator[Tmux]:
    """A tmux window running a shell, 100x30 unless a test asks for another size (columns,
    rows) through indirect parametrisation; yields send-keys and wait-for-text helpers."""
    assert TMUX is not None
    columns, rows = getattr(request, "param", (100, 30))
    # One server per test: a server still shutting down would refuse the next test's.
    socket = f"psoas-test-{os.getpid()}-{tmp_path.name}"
    base = [TMUX, "-L", socket]
    env = {**os.environ, "PSOAS_HOME": str(psoas_home), "PS1": "$ ", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    subprocess.run(
        [
            *base,
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            str(columns),
            "-y",
            str(rows),
            "-s",
            "e2e",
            "bash --norc --noprofile",
        ],
        check=True,
        env=env,
        cwd=tmp_path,
    )

    def command(*args: str) -> None:
        subprocess.run([*base, *args], check=True)

    def send(*keys: str) -> None:
        command("send-keys", "-t", "e2e", *keys)

    def wait_for(text: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = subprocess.run(
                [*base, "capture-pane", "-p", "-t", "e2e"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            if text in screen:
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")

    try:
        yield Tmux(send, wait_for, command)
    finally:
        subprocess.run([*base, "kill-server"], check=False, capture_output=True)


def test_a_run_in_a_real_terminal(tmux: Tmux) -> None:
    """Begin, pause, resume, skip and quit by key; the screen shows each; the shell is sane."""
    send, wait_for, _ = tmux
    command = [sys.executable, "-m", "psoas_cli", "run", "daily-10min", "--speed", "5", "--quiet"]
    send(shlex.join(command) + "; echo EXIT=$?", "Enter")
    wait_for("Press any key to begin, or q to cancel.")
    send("Enter")
    screen = wait_for("GET READY")
    assert "First: Belly breathing with pelvic tilts" in screen
    assert "space pause · n skip · N skip exercise · b back" in screen
    send("Space")
    wait_for("PAUSED · press space to go on")
    send("Space")
    screen = wait_for("INHALE · breath")
    assert "Inhale" in screen and "█" in screen
    send("n")
    screen = wait_for("Couch stretch")
    send("q")
    wait_for("Quit this routine?")
    send("y")
    screen = wait_for("EXIT=130")
    assert "Quit daily-10min after" in screen
    assert "Steps done: 0 of 5; skipped: Belly breathing with pelvic tilts" in screen
    modes = "stty -a | tr ' ;' '\\n\\n' | grep -x -e -echo -e echo -e -icanon -e icanon"
    send(f'echo "MODES-$((1+1)) $({modes} | tr "\\n" " ")"', "Enter")
    screen = wait_for("MODES-2 ")
    settings = next(line for line in screen.splitlines() if "MODES-2 " in line).split()[1:]
    assert sorted(settings) == ["echo", "icanon"]


def test_ctrl_z_and_fg_pause_the_run(tmux: Tmux) -> None:
    """Ctrl-Z gives the shell back with its settings; fg redraws, paused, and keys work."""
    send, wait_for, _ = tmux
    command = [sys.executable, "-m", "psoas_cli", "run", "daily-10min", "--quiet", "--no-history"]
    send(shlex.join(command), "Enter")
    wait_for("Press any key to begin, or q to cancel.")
    send("Enter")
    wait_for("GET READY")
    send("C-z")
    wait_for("Stopped")
    send("stty -a | grep -o -e '-icanon' -e ' icanon' | sed \"s/^/MODE-$((1+1))/\"", "Enter")
    assert "MODE-2 icanon" in wait_for("MODE-2")
    send("fg", "Enter")
    screen = wait_for("PAUSED · press space to go on")
    assert "space go on · n skip · N skip exercise · b back" in screen
    send("q")
    wait_for("Quit this routine?")
    send("y")
    wait_for("Quit daily-10min after")


def _running(pid: int) -> bool:
    """Whether a process is alive (a zombie waiting for its parent is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _held(log: Path, count: int, *, alive: bool) -> int:
    """The ``count``-th inhibitor pid the stand-in logged, once it is (or is no longer) alive."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        pids = log.read_text().split() if log.exists() else []
        if len(pids) >= count and _running(int(pids[count - 1])) is alive:
            return int(pids[count - 1])
        time.sleep(0.02)
    raise AssertionError(f"inhibitor {count} never became {'alive' if alive else 'gone'}")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux only)")
def test_the_screen_is_kept_awake_only_while_the_run_is_live(tmux: Tmux, tmp_path: Path) -> None:
    """A stand-in gnome-session-inhibit runs from the start, is gone while psoas is stopped
    (Ctrl-Z), runs again after fg and is gone once the run is quit."""
    send, wait_for, _ = tmux
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "held"
    stand_in = bin_dir / "gnome-session-inhibit"
    stand_in.write_text(f'#!/bin/sh\necho "$$" >> {shlex.quote(str(log))}\nshift 6\nexec "$@"\n')
    stand_in.chmod(0o755)
    command = [sys.executable, "-m", "psoas_cli", "run", "daily-10min", "--quiet", "--no-history"]
    scene = f"PATH={shlex.quote(str(bin_dir))}:$PATH XDG_CURRENT_DESKTOP=GNOME"
    send(f"{scene} {shlex.join(command)}", "Enter")
    screen = wait_for("Press any key to begin, or q to cancel.")
    assert "keep the screen awake" not in screen
    assert not log.exists()
    send("Enter")
    wait_for("GET READY")
    first = _held(log, 1, alive=True)
    send("C-z")
    wait_for("Stopped")
    assert _held(log, 1, alive=False) == first
    send("fg", "Enter")
    wait_for("PAUSED · press space to go on")
    second = _held(log, 2, alive=True)
    send("q")
    wait_for("Quit this routine?")
    send("y")
    wait_for("Quit daily-10min after")
    assert _held(log, 2, alive=False) == second


EXIT_WRITER = """
import signal, subprocess, sys
signal.signal(signal.SIGHUP, lambda signum, frame: None)
code = subprocess.call(sys.argv[2:])
open(sys.argv[1], "w").write(f"EXIT={code}")
"""
"""Runs a command and writes down its exit code, outliving the window that closes: a shell
would die with it (and a shell told to ignore SIGHUP would pass that on to psoas)."""


def test_closing_the_window_ends_the_run_cleanly_and_keeps_the_record(
    tmux: Tmux, tmp_path: Path
) -> None:
    """The window closes (tmux kills the pane: the shell and psoas get SIGHUP) three seconds
    in: psoas exits 130 with no traceback, and history --json reads back an interrupted run
    of the seconds the screen showed."""
    send, wait_for, command = tmux
    (tmp_path / "exit_writer.py").write_text(EXIT_WRITER)
    status, errors = tmp_path / "status", tmp_path / "errors"
    run = [sys.executable, "-m", "psoas_cli", "run", "breathing-minute", "--yes", "--quiet"]
    send(
        shlex.join([sys.executable, "exit_writer.py", str(status), *run]) + f" 2>{errors}",
        "Enter",
    )
    wait_for("0:03 of 1:05")
    command("kill-pane", "-t", "e2e")
    deadline = time.monotonic() + 15.0
    # The writer creates the file before it writes to it: wait for what it says.
    while not (status.exists() and status.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert status.read_text() == "EXIT=130"
    # Where the hang-up lands decides whether the one-line notice is written; never more.
    assert errors.read_text() in ("", "Interrupted.\n")
    history = subprocess.run(
        [sys.executable, "-m", "psoas_cli", "history", "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    (record,) = json.loads(history.stdout)
    assert (record["routine"], record["outcome"]) == ("breathing-minute", "interrupted")
    assert 3.0 <= record["active_seconds"] < 4.5


def _next_page(wait_for: Screen, previous: str) -> str:
    """The screen once it has changed from ``previous`` and ends in a prompt or question."""
    deadline = time.monotonic() + 15.0
    screen = previous
    while time.monotonic() < deadline:
        screen = wait_for("")
        shown = [line for line in screen.splitlines() if line.strip()]
        if screen != previous and shown and shown[-1].startswith((MORE_PROMPT, "Pain now")):
            return screen
        time.sleep(0.05)
    raise AssertionError(f"no new page came; the screen was:\n{screen}")


@pytest.mark.parametrize("tmux", [(40, 15)], indirect=True)
def test_the_safety_screen_pages_at_40_by_15(tmux: Tmux) -> None:
    """At 40x15 the text before a run comes a screenful at a time: space turns the page,
    every line of the safety screen is on a page, and the last ends at the pain question."""
    send, wait_for, _ = tmux
    command = [sys.executable, "-m", "psoas_cli", "run", "daily-10min", "--quiet"]
    send("clear; " + shlex.join(command), "Enter")
    pages = [_next_page(wait_for, "")]
    while "Pain now, 0-10:" not in pages[-1]:
        assert len(pages) < 10, pages
        send("Space")
        pages.append(_next_page(wait_for, pages[-1]))
    assert len(pages) >= 3
    assert pages[0].splitlines()[0] == "Daily 10-minute psoas routine: 5 steps,"
    # In order: each line is looked for after the one found before it.
    seen = iter([line.rstrip() for page in pages for line in page.splitlines()])
    plan = build_plan(load_catalog().routines["daily-10min"].routine)
    wrapped = [part for line in safety_lines(plan) for part in hanging(line, 40)]
    missing = [line for line in wrapped if line and not any(line == s for s in seen)]
    assert missing == []
    send("q")
    wait_for("Not started.")


def test_a_pause_fills_the_screen(tmux: Tmux) -> None:
    """Space during an exhale: PAUSED in big type across the window, the time still big below,
    and the header says PAUSED, not EXHALE."""
    send, wait_for, _ = tmux
    command = [
        *(sys.executable, "-m", "psoas_cli", "run", "breathing-minute"),
        *("--quiet", "--no-history", "--no-prep"),
    ]
    send(shlex.join(command), "Enter")
    wait_for("Press any key to begin, or q to cancel.")
    send("Enter")
    wait_for("EXHALE · breath 1 of 6")
    send("Space")
    lines = wait_for("PAUSED · press space to go on").splitlines()
    big = read_big(lines)
    assert "PAUSED" in big, "\n".join(lines)
    assert big_columns("PAUSED", big["PAUSED"]) >= 50
    assert any(clock.startswith("0:") for clock in big)
    header = next(line for line in lines if "breath 1 of 6" in line)
    assert header.startswith("PAUSED · breath 1 of 6")
    assert "EXHALE" not in "\n".join(lines[: lines.index(header) + 1])
    send("q")
    wait_for("Quit this routine?")
    send("y")
    wait_for("Quit breathing-minute after")


def test_the_keys_stay_on_screen_through_breath_phases(tmux: Tmux) -> None:
    """? shows the keys; they are still there after the inhale turns to exhale and back;
    ? again hides them."""
    send, wait_for, _ = tmux
    command = [sys.executable, "-m", "psoas_cli", "run", "breathing-minute", "--speed", "5"]
    send(shlex.join([*command, "--quiet", "--no-prep"]), "Enter")
    wait_for("Press any key to begin, or q to cancel.")
    send("Enter")
    wait_for("INHALE · breath 1 of 6")
    send("?")
    for phase in ("EXHALE · breath 1 of 6", "INHALE · breath 2 of 6", "EXHALE · breath 2 of 6"):
        screen = wait_for(phase)
        assert "N     skip the whole exercise (also n twice within 2 s)" in screen, screen
    send("?")
    screen = wait_for("INHALE · breath 3 of 6")
    assert "skip the whole exercise (also" not in screen
    send("q", "y")
    wait_for("Quit breathing-minute after")


HANG_TEST_SHORT = """\
name: quick-hang
title: Quick hang test
steps:
  - exercise: bench-edge-hang-test
    hold: 2s
    sides: both
"""


def test_the_hang_test_asks_after_each_side(tmux: Tmux, tmp_path: Path) -> None:
    """After the left side's hold the screen asks where the thigh settled; the digit answers
    it and the switch follows; the right side is asked the same way, and both are kept."""
    send, wait_for, _ = tmux
    routine = tmp_path / "quick-hang.yaml"
    routine.write_text(HANG_TEST_SHORT, encoding="utf-8")
    psoas = [sys.executable, "-m", "psoas_cli"]
    run = [*psoas, "run", "--file", str(routine), "--quiet", "--no-prep", "--switch", "1"]
    send(shlex.join(run), "Enter")
    wait_for("Pain now, 0-10:")
    send("Enter")
    # During each hold "Next:" already names the question; the answers show it is asked.
    screen = wait_for("1-3 answer · Enter skip")
    assert "Left side: Where did the hanging thigh settle?" in screen
    assert "2  a little above level" in screen
    assert "Right side:" not in screen
    send("2")
    wait_for("Right side: Where did the hanging thigh settle?")
    screen = wait_for("1-3 answer · Enter skip")
    assert "Right side: Where did the hanging thigh settle?" in screen
    send("3")
    wait_for("Pain now, 0 to 10?")
    send("Enter")
    wait_for("Saved as session 1")
    send(shlex.join([*psoas, "stats"]), "Enter")
    screen = wait_for("well above level")
    assert "Self-check: Where did the hanging thigh settle?" in screen
    assert "a little above level" in screen
