"""Hostile, hand-edited and foreign history files: each gets one readable message, and no
command leaves a file changed that it had no business changing."""

from __future__ import annotations

import hashlib
import json
import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fakes import record

from psoas_cli.cli import cli
from psoas_cli.history.files import MAX_IMPORT_BYTES, export_chunks
from psoas_cli.history.store import History, HistoryError
from psoas_cli.paths import history_path

CET = timezone(timedelta(hours=1))
STARTED = datetime(2026, 11, 20, 7, 30, tzinfo=CET)


def psoas(*args: str) -> tuple[int, str, str]:
    """Run psoas; its exit code, standard output and standard error."""
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def fingerprint(path: Path) -> tuple[str, int]:
    """A file's content digest and mode: what must not change when nothing was written."""
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mode


def good_export() -> dict[str, Any]:
    """An export of four ordinary sessions, as plain data to spoil."""
    records = [record(STARTED + timedelta(days=day)) for day in range(4)]
    data: dict[str, Any] = json.loads("".join(export_chunks(reversed(records), STARTED)))
    return data


def _set(field: str, value: object) -> Callable[[dict[str, Any]], None]:
    """An edit that puts ``value`` in ``field`` of the fourth session."""

    def edit(data: dict[str, Any]) -> None:
        data["sessions"][3][field] = value

    return edit


def _raw(field: str, text: str) -> Callable[[dict[str, Any]], None]:
    """An edit that puts raw JSON ``text`` (not a Python value) in ``field``."""

    def edit(data: dict[str, Any]) -> None:
        data["sessions"][3][field] = _Raw(text)

    return edit


class _Raw:
    """JSON text written as it is, for values json.dumps would refuse or change."""

    def __init__(self, text: str) -> None:
        self.text = text


def _dumped(data: dict[str, Any]) -> str:
    """``data`` as JSON with each _Raw value spliced in verbatim."""
    raws: list[str] = []

    def mark(value: object) -> str:
        assert isinstance(value, _Raw)
        raws.append(value.text)
        return f"@@raw{len(raws) - 1}@@"

    text = json.dumps(data, default=mark)
    for index, raw in enumerate(raws):
        text = text.replace(f'"@@raw{index}@@"', raw)
    return text


def _same_uid(data: dict[str, Any]) -> None:
    data["sessions"][3]["uid"] = data["sessions"][1]["uid"]


def _ended_early(data: dict[str, Any]) -> None:
    data["sessions"][3]["ended"] = "2026-11-20T07:29:59+01:00"


BAD_VALUES = [
    pytest.param(
        _raw("active_seconds", "NaN"),
        "sessions[3].active_seconds: expected a finite number",
        id="nan",
    ),
    pytest.param(
        _raw("paused_seconds", "Infinity"),
        "sessions[3].paused_seconds: expected a finite number",
        id="infinity",
    ),
    pytest.param(
        _raw("active_seconds", "1e999"),
        "sessions[3].active_seconds: expected a finite number",
        id="overflowing-float",
    ),
    pytest.param(
        _raw("steps_done", "9223372036854775808"),
        "sessions[3].steps_done: expected a whole",
        id="past-sqlite-integers",
    ),
    pytest.param(
        _raw("steps_total", "9" * 5000),
        "sessions[3].steps_total: expected a whole number",
        id="past-python-digit-limit",
    ),
    pytest.param(
        _set("started", "0001-01-01T00:00:00+23:59"),
        "sessions[3].started: expected a time between the years 1 and 9999",
        id="year-0-in-utc",
    ),
    pytest.param(
        _set("ended", "9999-12-31T23:59:59-23:59"),
        "sessions[3].ended: expected a time between the years 1 and 9999",
        id="year-10000-in-utc",
    ),
    pytest.param(
        _ended_early,
        "sessions[3].ended: ends before it started (2026-11-20T07:30:00+01:00)",
        id="ended-before-started",
    ),
    pytest.param(
        _set("outcome", "aborted"),
        "sessions[3].outcome: expected one of completed, quit",
        id="unknown-outcome",
    ),
    pytest.param(_raw("note", '"\\ud800"'), "sessions[3].note: expected text", id="lone-surrogate"),
    pytest.param(
        _same_uid,
        "sessions[3].uid: the same uid as sessions[1]; each session appears once",
        id="duplicate-uid",
    ),
]


@pytest.mark.parametrize(("edit", "message"), BAD_VALUES)
def test_import_refuses_each_bad_value_with_its_place_and_writes_nothing(
    tmp_path: Path, edit: Callable[[dict[str, Any]], None], message: str
) -> None:
    """One message naming the file, the field and why; exit 1; the history keeps its bytes."""
    assert psoas("history", "import", str(_write(tmp_path / "ok.json", good_export())))[0] == 0
    before = fingerprint(history_path())
    data = good_export()
    edit(data)
    path = _write(tmp_path / "bad.json", data)
    code, out, err = psoas("history", "import", str(path))
    assert (code, out) == (1, "")
    assert err.startswith(f"Error: {path}: {message}"), err
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    assert fingerprint(history_path()) == before


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(_dumped(data), encoding="utf-8")
    return path


def test_import_refuses_a_file_over_the_size_limit_without_reading_it(tmp_path: Path) -> None:
    """A file past 50 MB is refused by its size; nothing is created."""
    path = tmp_path / "huge.json"
    with path.open("wb") as file:
        file.truncate(MAX_IMPORT_BYTES + 1)
    code, _, err = psoas("history", "import", str(path))
    assert (code, err) == (
        1,
        f"Error: {path}: larger than 50 MB, far more than any psoas export; "
        "is it the right file?\n",
    )
    assert not history_path().exists()


def test_import_refuses_deep_nesting_and_bad_utf8_with_one_message(tmp_path: Path) -> None:
    """Nesting past what an export has, and bytes that are not UTF-8, are named, not raised."""
    deep = tmp_path / "deep.json"
    deep.write_text('{"psoas_history": 1, "sessions": ' + "[" * 100_000 + "]" * 100_000 + "}")
    code, _, err = psoas("history", "import", str(deep))
    assert (code, err) == (
        1,
        f"Error: {deep}: lists or mappings nested deeper than a psoas export ever is\n",
    )
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"psoas_history": 1,\n "sessions": ["caf\xe9"]}')
    code, _, err = psoas("history", "import", str(latin))
    assert (code, err) == (1, f"Error: {latin}:2:19: not valid UTF-8 (byte 0xe9)\n")
    assert not history_path().exists()


def _foreign_database(path: Path, *, user_version: int) -> None:
    """Somebody else's SQLite file: a table of its own, in rollback-journal mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        db.execute("INSERT INTO notes (body) VALUES ('mine')")
        db.execute(f"PRAGMA user_version = {user_version}")
        db.commit()
    path.chmod(0o640)


@pytest.mark.parametrize("user_version", [0, 1, 3])
def test_somebody_elses_database_is_refused_and_left_exactly_as_it_was(
    tmp_path: Path, user_version: int
) -> None:
    """Every history command exits 1 with one message; bytes, mode and folder stay the same."""
    path = history_path()
    _foreign_database(path, user_version=user_version)
    before = fingerprint(path)
    folder = sorted(path.parent.iterdir())
    export = _write(tmp_path / "good.json", good_export())
    message = (
        f"Error: the history file {path} is not a psoas history (it holds other tables: "
        "notes). psoas leaves it as it is; move it aside to start a new history.\n"
    )
    for args in (
        ["history"],
        ["history", "--json"],
        ["stats"],
        ["history", "export", str(tmp_path / "out.json")],
        ["history", "delete", "1", "-y"],
        ["history", "import", str(export)],
    ):
        assert psoas(*args)[::2] == (1, message), args
    assert fingerprint(path) == before
    assert sorted(path.parent.iterdir()) == folder
    assert not (tmp_path / "out.json").exists()


def test_an_empty_database_is_read_as_no_history_and_only_a_write_sets_it_up() -> None:
    """Reading an empty SQLite file changes nothing; recording into it makes it a history."""
    path = history_path()
    path.parent.mkdir(parents=True)
    path.touch(mode=0o600)
    before = fingerprint(path)
    assert psoas("history")[0] == 0
    assert psoas("stats", "--json")[0] == 0
    assert fingerprint(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
    export = _write(path.parent / "good.json", good_export())
    assert psoas("history", "import", str(export))[0] == 0
    assert len(json.loads(psoas("history", "--json")[1])) == 4


def _limit_file_size() -> None:
    """In the child: writes past 1,000 bytes fail, as on a nearly full disk."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))


def test_an_export_that_cannot_be_finished_leaves_no_file(tmp_path: Path) -> None:
    """A write that fails half-way exits 1 with one message and leaves nothing behind."""
    assert psoas("history", "import", str(_write(tmp_path / "in.json", good_export())))[0] == 0
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "backup.json"
    result = subprocess.run(
        [sys.executable, "-m", "psoas_cli", "history", "export", str(target)],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=_limit_file_size,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (
        1,
        f"Error: cannot write {target}: File too large\n",
    )
    assert list(folder.iterdir()) == []


def test_an_export_never_replaces_an_existing_file(tmp_path: Path) -> None:
    """An existing FILE is an error (exit 1) and keeps its bytes and mode."""
    target = tmp_path / "backup.json"
    target.write_text("mine\n", encoding="utf-8")
    before = fingerprint(target)
    code, _, err = psoas("history", "export", str(target))
    assert code == 1
    assert f"{target} already exists" in err
    assert fingerprint(target) == before


def _hand_edit(statement: str) -> None:
    """Change the history as a person with the sqlite3 shell might, checks off."""
    with closing(sqlite3.connect(history_path())) as db:
        db.execute("PRAGMA ignore_check_constraints = ON")
        db.execute(statement)
        db.commit()


def test_rows_that_cannot_be_read_are_skipped_by_name_and_can_be_deleted(tmp_path: Path) -> None:
    """history, stats and export show the rest and name each bad row once; delete removes it."""
    assert psoas("history", "import", str(_write(tmp_path / "in.json", good_export())))[0] == 0
    _hand_edit("UPDATE sessions SET outcome = 'aborted' WHERE id = 1")
    _hand_edit("UPDATE sessions SET started = 'yesterday' WHERE id = 2")
    _hand_edit("UPDATE sessions SET ended = 1e300 WHERE id = 3")
    skipped = [
        f"skipped session {n}: its stored values cannot be read; "
        f"remove it with: psoas history delete {n}"
        for n in (1, 2, 3)
    ]
    for args in (["history", "--json"], ["stats", "--json"], ["history"], ["stats"]):
        code, out, err = psoas(*args)
        assert (code, err.splitlines()) == (0, skipped), args
        assert "Traceback" not in out
    assert len(json.loads(psoas("history", "--json")[1])) == 1
    code, _, err = psoas("history", "export", str(tmp_path / "out.json"))
    assert (code, err.splitlines()) == (
        0,
        [*skipped, f"Exported 1 session to {tmp_path / 'out.json'}."],
    )
    for n in (1, 2, 3):
        assert psoas("history", "delete", str(n), "-y")[::2] == (
            0,
            "",
        ), n
    assert psoas("history", "--json")[2] == ""
    assert len(json.loads(psoas("history", "--json")[1])) == 1


def _symlink_loop(path: Path) -> None:
    path.symlink_to(path.name)


def _folder(path: Path) -> None:
    path.mkdir()


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        pytest.param(
            _symlink_loop, "is a symbolic link that leads round in a loop", id="symlink-loop"
        ),
        pytest.param(_folder, "is not a file (a folder, pipe or device)", id="folder"),
    ],
)
@pytest.mark.parametrize(
    "command", [["history"], ["history", "--json"], ["stats"], ["history", "delete", "1", "-y"]]
)
def test_a_history_path_that_cannot_be_a_file_is_an_error_not_an_empty_history(
    make: Callable[[Path], None], reason: str, command: list[str]
) -> None:
    """A symlink loop or a folder where the history file belongs is one error naming the path,
    exit 1, never read as "no sessions" nor a traceback."""
    path = history_path()
    path.parent.mkdir(parents=True)
    make(path)
    code, out, err = psoas(*command)
    assert (code, out) == (1, "")
    assert err == f"Error: the history file {path} {reason}" + err.split(reason, 1)[1]
    assert err.count("\n") == 1


def test_a_run_cannot_record_into_a_symlink_loop_and_says_so(tmp_path: Path) -> None:
    """Opening a symlink loop to record is the same readable error, not a crash on the path."""
    path = tmp_path / "history.sqlite3"
    path.symlink_to(path.name)
    with pytest.raises(HistoryError, match="leads round in a loop"):
        History.open(path)
