"""End to end in a real terminal: psoas run under tmux, driven by keys, read off the screen."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        TMUX is None, reason="tmux is not installed here (.ci/run installs it where apt-get works)"
    ),
]

Screen = Callable[[str], str]


@pytest.fixture
def tmux(tmp_path: Path, psoas_home: Path) -> Iterator[tuple[Callable[..., None], Screen]]:
    """A 100x30 tmux window running a shell; yields send-keys and wait-for-text helpers."""
    assert TMUX is not None
    socket = f"psoas-test-{os.getpid()}-{tmp_path.name}"  # one server per test: no reuse race
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
            "100",
            "-y",
            "30",
            "-s",
            "e2e",
            "bash --norc --noprofile",
        ],
        check=True,
        env=env,
        cwd=tmp_path,
    )

    def send(*keys: str) -> None:
        subprocess.run([*base, "send-keys", "-t", "e2e", *keys], check=True)

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
        yield send, wait_for
    finally:
        subprocess.run([*base, "kill-server"], check=False, capture_output=True)


def test_a_run_in_a_real_terminal(tmux: tuple[Callable[..., None], Screen]) -> None:
    """Begin, pause, resume, skip and quit by key; the screen shows each; the shell is sane."""
    send, wait_for = tmux
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


def test_ctrl_z_and_fg_pause_the_run(tmux: tuple[Callable[..., None], Screen]) -> None:
    """Ctrl-Z gives the shell back with its settings; fg redraws, paused, and keys work."""
    send, wait_for = tmux
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


def test_the_keys_stay_on_screen_through_breath_phases(
    tmux: tuple[Callable[..., None], Screen],
) -> None:
    """? shows the keys; they are still there after the inhale turns to exhale and back;
    ? again hides them."""
    send, wait_for = tmux
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


def test_the_hang_test_asks_after_each_side(
    tmux: tuple[Callable[..., None], Screen], tmp_path: Path
) -> None:
    """After the left side's hold the screen asks where the thigh settled; the digit answers
    it and the switch follows; the right side is asked the same way, and both are kept."""
    send, wait_for = tmux
    routine = tmp_path / "quick-hang.yaml"
    routine.write_text(HANG_TEST_SHORT, encoding="utf-8")
    psoas = [sys.executable, "-m", "psoas_cli"]
    run = [*psoas, "run", "--file", str(routine), "--quiet", "--no-prep", "--switch", "1"]
    send(shlex.join(run), "Enter")
    wait_for("Pain now, 0-10:")
    send("Enter")
    screen = wait_for("Left side: Where did the hanging thigh settle?")
    assert "2  a little above level" in screen
    assert "1-3 answer · Enter skip" in screen
    assert "Right side:" not in screen
    send("2")
    screen = wait_for("Right side: Where did the hanging thigh settle?")
    send("3")
    wait_for("Pain now, 0 to 10?")
    send("Enter")
    wait_for("Saved as session 1")
    send(shlex.join([*psoas, "stats"]), "Enter")
    screen = wait_for("Self-check: Where did the hanging thigh settle?")
    assert "a little above level" in screen and "well above level" in screen
