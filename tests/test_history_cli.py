"""`psoas history`, `psoas stats` and the run's history options, through the command line."""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from fakes import FakeClock, fake_session

from psoas_cli import session as session_module
from psoas_cli.cli import cli
from psoas_cli.paths import history_path


@pytest.fixture(autouse=True)
def instant_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """`psoas run` on a fake clock, so a recorded run takes milliseconds, not minutes."""
    clock = FakeClock()
    started = datetime.now().astimezone()
    monkeypatch.setattr(
        session_module,
        "standard_session",
        lambda: fake_session(clock, sys.stdout, started=started),
    )


def psoas(*args: str) -> tuple[int, str, str]:
    """Run psoas; its exit code, standard output and standard error."""
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def two_runs() -> None:
    """A rated, noted breathing minute and a hang test, recorded without a keyboard."""
    code, out, _ = psoas(
        "run",
        "breathing-minute",
        "--pain-before",
        "6",
        "--pain-after",
        "3",
        "--note",
        "desk day",
        "--no-prep",
    )
    assert code == 0, out
    assert psoas("run", "hang-test", "--no-prep")[0] == 0


def test_history_before_any_run_says_how_to_start() -> None:
    """An empty history is not an error and creates no file."""
    assert psoas("history") == (
        0,
        "No sessions recorded yet. Start one with: psoas run daily-10min\n",
        "",
    )
    assert not history_path().exists()


def test_history_lists_runs_newest_first_with_ratings() -> None:
    """Both runs appear with routine, time, outcome and pain before → after."""
    two_runs()
    code, out, _ = psoas("history")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == ["ID", "Started", "Routine", "Time", "Outcome", "Pain", "Note"]
    assert lines[1].split()[3:] == ["hang-test", "1:15", "completed", "-"]
    assert lines[2].split()[3:] == [
        "breathing-minute",
        "1:00",
        "completed",
        "6",
        "→",
        "3",
        "desk",
        "day",
    ]


def test_history_filters_and_machine_readable_output() -> None:
    """--routine, --since, --json and --csv agree on what was recorded."""
    two_runs()
    data = json.loads(psoas("history", "--json", "--routine", "hang-test")[1])
    assert [d["routine"] for d in data] == ["hang-test"]
    assert data[0]["outcome"] == "completed"
    assert psoas("history", "--json", "--since", "2999-01-01")[1] == "[]\n"
    assert len(json.loads(psoas("history", "--json", "--since", "7d")[1])) == 2
    rows = psoas("history", "--csv")[1].splitlines()
    assert rows[0].startswith("id,started,routine,title,active_seconds")
    assert rows[2].split(",")[2:9] == [
        "breathing-minute",
        "Breathing minute",
        "60",
        "0",
        "completed",
        "6",
        "3",
    ]
    code, _, err = psoas("history", "--since", "last tuesday")
    assert code == 2
    assert "'last tuesday' is not a date like 2026-11-01, today, yesterday, 10d or 4w." in err


def test_delete_removes_one_session_and_an_unknown_id_is_an_error() -> None:
    """delete ID -y removes it and says what it was; a wrong id exits 1 with a hint."""
    two_runs()
    code, out, _ = psoas("history", "delete", "1", "-y")
    assert code == 0
    assert out.startswith("Deleted session 1: breathing-minute, ")
    assert [d["id"] for d in json.loads(psoas("history", "--json")[1])] == [2]
    assert psoas("history", "delete", "1", "-y")[::2] == (
        1,
        "Error: there is no session 1; see psoas history.\n",
    )


def test_export_and_import_through_the_command_line(tmp_path: Path) -> None:
    """Export, delete, import: the session is back; importing again adds nothing."""
    two_runs()
    backup = tmp_path / "backup.json"
    code, _, err = psoas("history", "export", str(backup))
    assert (code, err) == (0, f"Exported 2 sessions to {backup}.\n")
    before = json.loads(psoas("history", "--json")[1])
    psoas("history", "delete", "2", "-y")
    assert psoas("history", "import", str(backup))[1] == (
        f"Imported 1 of 2 sessions from {backup}; 1 was already here.\n"
    )
    after = json.loads(psoas("history", "--json")[1])
    assert [{**d, "id": 0} for d in after] == [{**d, "id": 0} for d in before]
    assert psoas("history", "import", str(backup))[1].startswith("Imported 0 of 2")
    code, _, err = psoas("history", "export", str(backup))
    assert code == 1
    assert f"{backup} already exists; choose another name or remove it first." in err


def test_export_takes_the_same_filters_as_the_list(tmp_path: Path) -> None:
    """export --routine writes only that routine's sessions; '-' writes to standard output."""
    two_runs()
    code, out, _ = psoas("history", "export", "-", "--routine", "hang-test")
    assert code == 0
    assert [s["routine"] for s in json.loads(out)["sessions"]] == ["hang-test"]


def test_the_old_history_flags_still_work_for_one_release(tmp_path: Path) -> None:
    """--export, --delete -y and --import, now hidden, do what the subcommands do."""
    two_runs()
    backup = tmp_path / "backup.json"
    assert psoas("history", "--export", str(backup))[::2] == (
        0,
        f"Exported 2 sessions to {backup}.\n",
    )
    assert psoas("history", "--delete", "2", "-y")[1].startswith("Deleted session 2: hang-test")
    assert psoas("history", "--import", str(backup))[1] == (
        f"Imported 1 of 2 sessions from {backup}; 1 was already here.\n"
    )
    help_text = psoas("history", "--help")[1]
    assert "--delete" not in help_text and "--export" not in help_text


def test_listing_options_do_not_mix_with_a_subcommand() -> None:
    """Options that filter the list are a usage error before delete, export or import."""
    code, _, err = psoas("history", "--json", "delete", "1")
    assert code == 2
    assert (
        "the options before 'delete' are for listing sessions; see psoas history delete --help"
        in err
    )
    assert not history_path().exists()


def test_delete_wants_a_positive_whole_number() -> None:
    """An ID of 0 or a word is a usage error that says what an ID is, not a lookup."""
    for bad in ("0", "twelve"):
        code, _, err = psoas("history", "delete", bad)
        assert code == 2
        assert f"Invalid value for 'ID': '{bad}' is not a session ID (a whole number" in err


def test_a_damaged_history_is_reported_by_every_command_and_never_touched() -> None:
    """history, stats and delete exit 1 with one message; run still completes; same bytes."""
    path = history_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00garbage" * 512)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    message = (
        f"Error: the history file {path} is damaged or is not a psoas database "
        "(file is not a database). psoas leaves it as it is; move it aside to start a new "
        "history.\n"
    )
    for args in (["history"], ["stats"], ["history", "delete", "1", "-y"]):
        assert psoas(*args)[::2] == (1, message), args
    code, out, _ = psoas("run", "breathing-minute", "--no-prep")
    assert code == 0
    assert "This run will not be recorded: the history file" in out
    assert "Completed breathing-minute in 1:00." in out
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_history_options_need_the_history() -> None:
    """Ratings or a note with --no-history are a usage error; --no-history records nothing."""
    code, _, err = psoas("run", "breathing-minute", "--no-history", "--pain-before", "3")
    assert code == 2
    assert "--pain-before, --pain-after and --note need the history on." in err
    assert psoas("run", "breathing-minute", "--no-history", "--no-prep")[0] == 0
    assert not history_path().exists()
    assert psoas("run", "breathing-minute", "--pain-after", "11")[0] == 2


def test_the_config_file_can_turn_the_history_off(psoas_home: Path) -> None:
    """history: false under run: records nothing; --history on the command line still wins."""
    psoas_home.mkdir()
    (psoas_home / "config.yaml").write_text("run:\n  history: false\n", encoding="utf-8")
    assert psoas("run", "breathing-minute", "--no-prep")[0] == 0
    assert not history_path().exists()
    assert psoas("run", "breathing-minute", "--no-prep", "--history")[0] == 0
    assert len(json.loads(psoas("history", "--json")[1])) == 1


def test_stats_follow_the_goal_in_the_config_file(psoas_home: Path) -> None:
    """goal: 3 under stats: in config.yaml sets the weekly goal; --goal overrides it."""
    two_runs()
    (psoas_home / "config.yaml").write_text("stats:\n  goal: 3\n", encoding="utf-8")
    code, out, _ = psoas("stats")
    assert code == 0
    assert "This week: 2 of 3 sessions ■■□" in out
    assert "This week: 2 of 7 sessions" in psoas("stats", "--goal", "7")[1]
    data = json.loads(psoas("stats", "--json")[1])
    assert (data["goal"], data["sessions"], data["current_streak"]) == (3, 2, 1)
    (psoas_home / "config.yaml").write_text("stats:\n  goal: 40\n", encoding="utf-8")
    code, _, err = psoas("stats")
    assert code == 1
    assert "config.yaml:2:9: stats.goal: must be between 1 and 14, got 40" in err


def test_every_config_setting_names_an_option_of_its_command() -> None:
    """A setting click cannot match to a parameter would be silently ignored; none is."""
    from psoas_cli.config import SETTINGS  # noqa: PLC0415

    for command, settings in SETTINGS.items():
        params = {p.name for p in cli.commands[command].params}
        assert set(settings) <= params, command


def test_delete_without_a_terminal_needs_yes() -> None:
    """Nobody can answer "Delete?" through a pipe: a usage error says to add -y; nothing goes."""
    two_runs()
    code, _, err = psoas("history", "delete", "1")
    assert code == 2
    assert "no terminal to ask at: add -y to delete session 1 without asking." in err
    assert [d["id"] for d in json.loads(psoas("history", "--json")[1])] == [2, 1]


def test_run_help_says_yes_asks_nothing() -> None:
    """The --yes help says it skips the questions after the run too."""
    help_text = " ".join(psoas("run", "--help")[1].split())
    assert "-y, --yes Start at once; ask nothing before or after." in help_text


def test_a_filter_that_matches_nothing_says_so() -> None:
    """With sessions recorded, an empty filtered list names the filter, not "recorded yet"."""
    two_runs()
    assert psoas("history", "--routine", "nope") == (0, "No sessions match --routine nope.\n", "")
    filtered = psoas("history", "--since", "2026-01-01", "--routine", "nope")
    assert filtered[1] == "No sessions match --since 2026-01-01 --routine nope.\n"


def test_one_session_is_counted_in_the_singular(tmp_path: Path) -> None:
    """Export, import and stats say "1 session", not "1 sessions"."""
    assert psoas("run", "breathing-minute", "--no-prep")[0] == 0
    target = tmp_path / "one.json"
    assert psoas("history", "export", str(target))[2] == f"Exported 1 session to {target}.\n"
    assert psoas("history", "import", str(target))[1] == (
        f"Imported 0 of 1 session from {target}; 1 was already here.\n"
    )
    stats = psoas("stats", "--goal", "1")[1]
    assert "This week: 1 of 1 session " in stats
    assert "In all: 1 session, 1 min" in stats


def test_piped_stats_and_history_have_no_trailing_padding() -> None:
    """stats and the history table printed into a pipe end each line at its last character."""
    two_runs()
    for command in ("stats", "history"):
        output = psoas(command)[1]
        assert output.strip()
        assert [line for line in output.splitlines() if line != line.rstrip()] == []
