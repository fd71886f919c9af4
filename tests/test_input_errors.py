"""Odd input on the command line ends in one clear message and its exit code, never a traceback."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from fakes import FakeClock, ScriptedCommands
from sample_history import six_weeks_of_mornings

from psoas_cli.cli import cli
from psoas_cli.history.store import History
from psoas_cli.run.engine import Answer, Command
from psoas_cli.run.keys import command_for
from psoas_cli.run.questions import ask_pain

HUGE = "9" * 5000
"""Past Python's 4,300-digit limit for turning text into an int."""


def usage_error(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 2, (result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.output


@pytest.mark.parametrize("speed", ["nan", "inf", "-inf", "0.01", "1e-300"])
def test_speed_out_of_range_is_a_usage_error(speed: str) -> None:
    """--speed must be a real number from 0.1 up, not nan, inf or next to nothing."""
    output = usage_error("run", "daily-10min", "--dry-run", "--speed", speed)
    assert "--speed" in output


@pytest.mark.parametrize("start", ["²", "٣", "1²", HUGE])
def test_from_with_odd_digits_is_a_usage_error(start: str) -> None:
    """--from takes ASCII step numbers; ² and ٣ are named as not a step, not crashed on."""
    assert "--from" in usage_error("run", "daily-10min", "--dry-run", "--from", start)


@pytest.mark.parametrize("since", ["²d", "٣d", "٣w", HUGE + "d"])
def test_since_with_odd_digits_is_a_usage_error(since: str) -> None:
    """--since 10d takes ASCII digits only, and a sane number of them."""
    assert "is not a date" in usage_error("history", "--since", since)


@pytest.mark.parametrize("record", ["²", "٣", "1" + "0" * 30, HUGE])
def test_delete_with_odd_or_huge_ids_is_a_usage_error(record: str) -> None:
    """history delete names IDs that SQLite can hold, in ASCII digits."""
    assert "is not a session ID" in usage_error("history", "delete", record, "-y")


@pytest.mark.parametrize(
    "args",
    [
        ("history", "--limit", "99999999999999999999999"),
        ("history", "--limit", HUGE),
        ("history", "--delete", "1" + "0" * 30, "-y"),
        ("history", "--delete", "٣", "-y"),
        ("stats", "--goal", "99999999999999999999999"),
        ("stats", "--goal", HUGE),
        ("run", "daily-10min", "--dry-run", "--pain-before", HUGE),
    ],
)
def test_huge_integers_are_usage_errors(args: tuple[str, ...]) -> None:
    """Integers past their range, even past 4,300 digits, are refused by name."""
    assert "Invalid value" in usage_error(*args)


def test_huge_limit_with_a_history_is_refused(tmp_path: Path) -> None:
    """SQLite's LIMIT overflowed on a number past 2**63; now the option refuses it."""
    assert "--limit" in usage_error("history", "--limit", str(2**63))


def psoas_into(command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        f"{sys.executable} -m psoas_cli {command}",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    ["list | head -1", "run daily-10min --dry-run | head -2", "show daily-10min | head -1"],
)
def test_a_closed_pipe_ends_quietly(command: str) -> None:
    """Output cut short by head ends with exit 141, as Unix tools do, and nothing on stderr."""
    result = psoas_into(f"{command}; exit ${{PIPESTATUS[0]}}")
    assert result.stderr == ""
    assert result.returncode in (0, 141)


@pytest.mark.slow
def test_a_closed_pipe_exits_141(tmp_path: Path) -> None:
    """Output far past a pipe's buffer into a reader that has gone exits 141, stderr empty."""
    path = tmp_path / "long.yaml"
    path.write_text(
        "title: Long\nsteps: [&s {exercise: couch-stretch, hold: 1s}, "
        + ", ".join(["*s"] * 3000)
        + "]\n"
    )
    result = psoas_into(f"run --file {path} --dry-run | true; exit ${{PIPESTATUS[0]}}")
    assert result.stderr == ""
    assert result.returncode == 141


@pytest.mark.slow
def test_dev_full_is_one_clear_error() -> None:
    """stdout on /dev/full gives one line on stderr and exit 1, no traceback."""
    with open("/dev/full", "w") as full:  # noqa: PTH123
        result = subprocess.run(
            [sys.executable, "-m", "psoas_cli", "list"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=30,
            check=False,
        )
    assert result.returncode == 1
    assert result.stderr == "Error: cannot write the output: No space left on device\n"


@pytest.mark.parametrize("keys", [["²"], ["1", "²"], ["٣"]])
def test_unicode_digits_at_the_pain_prompt_are_ignored(keys: list[str]) -> None:
    """A ² or ٣ typed at the pain prompt is ignored like any other key, not a traceback."""
    out = io.StringIO()
    rating = ask_pain(ScriptedCommands(FakeClock(), typed=keys), out, "Pain: ")
    assert rating.value == (1 if "1" in keys else None)
    assert "²" not in out.getvalue()


def test_unicode_digits_at_a_self_check_are_ignored() -> None:
    """A ² or ٣ pressed at a self-check is just another key, never an answer."""
    assert command_for("²") is Command.OTHER
    assert command_for("٣") is Command.OTHER
    assert command_for("0") is Command.OTHER
    assert command_for("2") == Answer(2)


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [["show", b"\xff"], ["history", "--routine", b"\xff"], ["history", "export", b"a\xff.json"]],
)
def test_non_utf8_arguments_are_one_clear_error(args: list[str | bytes], tmp_path: Path) -> None:
    """Bytes that are not UTF-8 in an argument give one usage error showing them escaped."""
    result = subprocess.run(
        [sys.executable, "-m", "psoas_cli", *args],
        capture_output=True,
        env={"PSOAS_HOME": str(tmp_path), "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8"},
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert b"is not valid UTF-8" in result.stderr
    assert b"\\xff" in result.stderr
    assert not list(tmp_path.iterdir())


NO_PASSWD = (
    "import pwd, sys\n"
    "def missing(uid): raise KeyError(uid)\n"
    "pwd.getpwuid = missing\n"
    "sys.argv = ['psoas', *sys.argv[1:]]\n"
    "from psoas_cli.cli import main\n"
    "main()\n"
)
"""Runs psoas as a user with no passwd entry (as under ``docker --user``)."""


def homeless(*args: str) -> subprocess.CompletedProcess[str]:
    """psoas run with no HOME, XDG folders, PSOAS_HOME or passwd entry."""
    return subprocess.run(
        [sys.executable, "-c", NO_PASSWD, *args],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        timeout=30,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.parametrize("command", ["history", "stats", "list", "show daily-10min"])
def test_no_home_is_one_clear_error(command: str) -> None:
    """With no home folder to be found, a command that needs it says to set PSOAS_HOME."""
    result = homeless(*command.split())
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: cannot find your home folder")
    assert "PSOAS_HOME" in result.stderr


@pytest.mark.parametrize("command", ["--help", "schema"])
def test_no_home_still_allows_commands_without_user_files(command: str) -> None:
    """--help and schema need no user folder, so they work without a home."""
    result = homeless(command)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        "show daily-10min",
        "run breathing-minute --yes --no-history --plain --speed 1000",
        "history",
        "stats",
        "list",
    ],
)
def test_an_ascii_terminal_gets_plain_glyphs(command: str, tmp_path: Path) -> None:
    """With an ASCII output encoding, output falls back to ASCII glyphs instead of crashing."""
    with History.open(tmp_path / "history.sqlite3") as history:
        history.import_records(six_weeks_of_mornings())
    result = subprocess.run(
        [sys.executable, "-m", "psoas_cli", *command.split()],
        capture_output=True,
        env={"PSOAS_HOME": str(tmp_path), "PYTHONIOENCODING": "ascii", "COLUMNS": "80"},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr
    assert result.stdout.isascii()
