"""Work stays bounded whatever a routine file says: its plan's size is checked before it is built."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from psoas_cli.cli import _terminal_width, cli
from psoas_cli.display.console import make_console, size_held
from psoas_cli.display.live import make_live_console
from psoas_cli.errors import RoutineFileError
from psoas_cli.library.catalog import Catalog
from psoas_cli.library.loader import parse_routine
from psoas_cli.library.model import Exercise
from psoas_cli.library.plan import build_plan, plan_size

BIG_REPS = "{exercise: couch-stretch, reps: 500, sets: 20, sides: alternate, tempo: 0.5s}"
"""20,000 segments and under 3 hours: six of these pass the segment limit, not the time one."""
LONG_HOLD = "{exercise: couch-stretch, hold: 1h, sets: 20, sides: both}"
"""40 hours in 79 segments."""


def refusal(text: str, exercises: dict[str, Exercise]) -> list[str]:
    with pytest.raises(RoutineFileError) as caught:
        parse_routine(text.encode(), "big.yaml", exercises, "big")
    return [str(p) for p in caught.value.problems]


def test_plan_size_matches_the_built_plan(builtin_catalog: Catalog) -> None:
    """The arithmetic count agrees with the segments and seconds build_plan makes."""
    for entry in builtin_catalog.routines.values():
        plan = build_plan(entry.routine)
        size = plan_size(entry.routine)
        assert size.segments >= len(plan.segments), entry.routine.name
        assert size.seconds >= plan.total - 1e-6, entry.routine.name
        if not any(getattr(s, "alternative", None) for s in entry.routine.steps):
            assert size.segments == len(plan.segments), entry.routine.name
            assert size.seconds == pytest.approx(plan.total), entry.routine.name


def test_too_many_segments_refused_at_the_step(exercises: dict[str, Exercise]) -> None:
    """Past 100,000 segments the file is refused at the step that crosses the limit."""
    steps = "\n".join(f"  - {BIG_REPS}" for _ in range(6))
    found = refusal(f"title: Big\nsteps:\n{steps}\n", exercises)
    assert found == [
        "big.yaml:7:5: steps[4]: the plan would have more than 100,000 segments; "
        "split the routine into smaller ones"
    ]


def test_too_long_refused(exercises: dict[str, Exercise]) -> None:
    """A routine over 24 hours in all is refused with its place."""
    found = refusal(f"title: Long\nsteps:\n  - {LONG_HOLD}\n", exercises)
    assert found == [
        "big.yaml:3:5: steps[0]: the plan would take more than 24:00:00 in all; "
        "split the routine into smaller ones"
    ]


def test_the_larger_alternative_counts(exercises: dict[str, Exercise]) -> None:
    """A short step with a 40-hour alternative is refused: either may be run."""
    alt = LONG_HOLD.replace("}", ", when: tired}")
    step = f"{{exercise: couch-stretch, hold: 30s, alternative: {alt}}}"
    found = refusal(f"title: Alt\nsteps:\n  - {step}\n", exercises)
    assert found[0].startswith("big.yaml:3:5: steps[0]: the plan would take more than 24:00:00")


def test_aliased_steps_are_counted_quickly(exercises: dict[str, Exercise]) -> None:
    """Aliases repeating one big reps step are refused in well under a second, unbuilt."""
    text = f"title: Bomb\nsteps: [&s {BIG_REPS}, " + ", ".join(["*s"] * 2000) + "]\n"
    start = time.perf_counter()
    found = refusal(text, exercises)
    assert time.perf_counter() - start < 1.0
    assert "more than 100,000 segments" in found[0]


def test_validate_counts_without_building(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """validate reports a big routine's time from arithmetic, never from a built plan."""

    def no_building(*_: object, **__: object) -> None:
        raise AssertionError("validate built a plan")

    monkeypatch.setattr("psoas_cli.library.validate.build_plan", no_building, raising=False)
    path = tmp_path / "bomb.yaml"
    path.write_text(f"title: Bomb\nsteps: [&s {BIG_REPS}, *s, *s, *s]\n")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "ok, routine bomb (4 steps, 11:07:00)" in result.output


@pytest.mark.slow
def test_show_is_linear_in_steps(tmp_path: Path) -> None:
    """show of a 10,000-step routine takes a moment, not seconds per step squared."""
    path = tmp_path / "many.yaml"
    steps = ", ".join(["*s"] * 9999)
    path.write_text(f"title: Many\nsteps: [&s {{exercise: couch-stretch, hold: 1s}}, {steps}]\n")
    start = time.perf_counter()
    result = CliRunner().invoke(cli, ["show", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - start < 1.5


def run_psoas(*args: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "psoas_cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "name"),
    [
        (("validate",), "fifo.yaml"),
        (("show",), "fifo.yaml"),
        (("run", "--dry-run", "--file"), "fifo.yaml"),
        (("history", "import"), "fifo.json"),
    ],
)
def test_a_fifo_is_refused_not_read_forever(
    tmp_path: Path, args: tuple[str, ...], name: str
) -> None:
    """A named pipe given as a routine or import file is refused at once, never waited on."""
    fifo = tmp_path / name
    os.mkfifo(fifo)
    result = run_psoas(*args, str(fifo), timeout=10)
    assert result.returncode == 1, result.stderr
    assert f"{fifo}" in result.stdout + result.stderr
    assert "not a regular file" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("columns", "width"), [("0", 20), ("5", 20), ("-3", 20), ("1" * 5000, 1000), ("60", 60)]
)
def test_columns_is_clamped(monkeypatch: pytest.MonkeyPatch, columns: str, width: int) -> None:
    """COLUMNS outside 20 to 1000 is taken as the nearest bound, never as nothing or a mile."""
    monkeypatch.setenv("COLUMNS", columns)
    assert make_console(io.StringIO()).width == width
    assert make_live_console(io.StringIO()).width == width
    assert 48 <= _terminal_width() <= 98


def test_list_at_columns_zero_prints_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """COLUMNS=0 used to print nothing at all; now it is the narrowest layout."""
    monkeypatch.setenv("COLUMNS", "0")
    result = CliRunner().invoke(cli, ["list"])
    assert result.exit_code == 0, result.output
    assert "daily-10min" in result.output


def test_a_frame_reads_the_window_size_once_and_the_next_sees_a_resize(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While a frame is drawn the window is measured once; a resize shows in the next frame."""
    monkeypatch.delenv("COLUMNS")
    window = [os.terminal_size((100, 30))]
    asked: list[int] = []

    def terminal_size(fd: int = 1) -> os.terminal_size:
        asked.append(fd)
        return window[0]

    monkeypatch.setattr(os, "get_terminal_size", terminal_size)
    leader, follower = pty.openpty()
    with os.fdopen(follower, "w") as terminal:
        console = make_live_console(terminal)
        with size_held(console):
            assert (console.width, console.height) == (100, 30)
            window[0] = os.terminal_size((60, 20))
            assert [console.width for _ in range(50)] == [100] * 50
            assert len(asked) == 1
        assert (console.width, console.height) == (60, 20)
    os.close(leader)
