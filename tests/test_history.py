"""The history database: schema and migrations, writes from two processes, export and import,
and every fault leaving the user's file exactly as it was."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sqlite3
import stat
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from fakes import record

from psoas_cli.history import store
from psoas_cli.history.files import HistoryFileError, export_chunks, read_export
from psoas_cli.history.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    CheckResult,
    History,
    HistoryError,
    NewRecord,
    RunProgress,
)
from psoas_cli.library.model import Side
from psoas_cli.outcome import Outcome
from psoas_cli.value import replace

CET = timezone(timedelta(hours=1))
STARTED = datetime(2026, 11, 20, 7, 30, tzinfo=CET)


def _open(path: Path) -> History:
    return History.open(path)


def _use(path: Path, *, write: bool) -> History | None:
    return History.open(path) if write else History.read(path)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _progress(outcome: Outcome, seconds: float, done: int) -> RunProgress:
    return RunProgress(
        outcome=outcome,
        active_seconds=seconds,
        paused_seconds=4.0,
        steps_done=done,
        steps_skipped=0,
    )


def _new(routine: str = "daily-10min", started: datetime = STARTED) -> NewRecord:
    return NewRecord(
        routine=routine,
        title="Daily 10-minute psoas routine",
        started=started,
        steps_total=8,
        pain_before=4,
        note="left hip tight",
    )


def test_a_new_database_is_created_on_the_current_schema_in_wal_mode(tmp_path: Path) -> None:
    """Opening for writing creates the folder and file, at the newest schema, in WAL mode."""
    path = tmp_path / "data" / "history.sqlite3"
    with _open(path):
        pass
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"sessions", "self_checks"} <= tables
    db.close()


def test_reading_a_history_that_does_not_exist_creates_nothing(tmp_path: Path) -> None:
    """`psoas history` before any run reports no file and leaves none behind."""
    path = tmp_path / "history.sqlite3"
    assert History.read(path) is None
    assert not path.exists()


def test_a_run_is_recorded_pessimistically_then_brought_up_to_date(tmp_path: Path) -> None:
    """A just-started run reads as interrupted with nothing done; updates fill it in."""
    with _open(tmp_path / "h.sqlite3") as history:
        record_id = history.start(_new())
        first = history.records()[0]
        assert (first.outcome, first.active_seconds, first.steps_done) == (
            Outcome.INTERRUPTED,
            0.0,
            0,
        )
        history.update(
            record_id, _progress(Outcome.COMPLETED, 700.5, 8), STARTED + timedelta(minutes=12)
        )
        history.set_pain_after(record_id, 2)
        done = history.records()[0]
    assert done.outcome is Outcome.COMPLETED
    assert done.active_seconds == 700.5
    assert (done.steps_done, done.steps_skipped, done.steps_total) == (8, 0, 8)
    assert (done.pain_before, done.pain_after, done.note) == (4, 2, "left hip tight")
    assert done.started == STARTED
    assert done.started.utcoffset() == timedelta(hours=1)
    assert done.ended == STARTED + timedelta(minutes=12)


def test_self_check_answers_are_kept_per_side_and_removed_with_their_record(
    tmp_path: Path,
) -> None:
    """Left and right answers come back with the record and go when it is deleted."""
    checks = (
        CheckResult(test="hang", question="Where?", side=Side.LEFT, answer="level", rank=0),
        CheckResult(test="hang", question="Where?", side=Side.RIGHT, answer="well above", rank=2),
    )
    with _open(tmp_path / "h.sqlite3") as history:
        record_id = history.start(_new("hang-test"))
        history.add_checks(record_id, checks)
        assert history.records()[0].checks == checks
        assert history.delete(record_id) is True
        assert history.records() == []
        assert history.delete(record_id) is False
        left = history._db.execute("SELECT count(*) FROM self_checks").fetchone()[0]
    assert left == 0


def test_records_filter_by_local_date_and_routine_newest_first(tmp_path: Path) -> None:
    """--since compares local dates and --routine names; the newest record comes first."""
    with _open(tmp_path / "h.sqlite3") as history:
        for days, routine in ((0, "a"), (1, "b"), (2, "a"), (3, "a")):
            history.start(_new(routine, STARTED + timedelta(days=days)))
        since = (STARTED + timedelta(days=1)).date()
        assert [r.routine for r in history.records(since=since)] == ["a", "a", "b"]
        assert [r.started.day for r in history.records(routine="a", limit=2)] == [23, 22]


def test_a_limited_listing_carries_the_self_checks_of_exactly_its_records(
    tmp_path: Path,
) -> None:
    """records() with a filter and a limit gives each record it returns its own answers."""
    with _open(tmp_path / "h.sqlite3") as history:
        for days, routine in ((0, "a"), (1, "b"), (2, "a"), (3, "a")):
            record_id = history.start(_new(routine, STARTED + timedelta(days=days)))
            answer = f"day {days}"
            history.add_checks(
                record_id,
                [CheckResult(test="hang", question="Where?", side=None, answer=answer, rank=0)],
            )
        listed = history.records(routine="a", limit=2)
        one = history.record(listed[1].id)
    assert [[c.answer for c in r.checks] for r in listed] == [["day 3"], ["day 2"]]
    assert one == listed[1]


def test_the_row_types_name_every_column_of_their_tables_in_order(tmp_path: Path) -> None:
    """Reads and inserts take their column names from tables the migrations really make."""
    with _open(tmp_path / "h.sqlite3") as history:
        for table, row in (("sessions", store._RecordRow), ("self_checks", store._CheckRow)):
            columns = tuple(c[1] for c in history._db.execute(f"PRAGMA table_info({table})"))
            assert row._fields == columns


def test_migrating_from_the_first_schema_keeps_every_record(tmp_path: Path) -> None:
    """A version-1 file, as the first release wrote it, gains self-checks and loses nothing."""
    path = tmp_path / "h.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + "PRAGMA user_version = 1;")
    db.execute(
        "INSERT INTO sessions (uid, routine, title, started, utc_offset, day, ended, "
        "active_seconds, paused_seconds, steps_done, steps_skipped, steps_total, outcome, "
        "pain_before, pain_after, note) VALUES ('u1', 'daily-10min', 'Daily', ?, 3600, "
        "'2026-11-20', ?, 701, 0, 8, 0, 8, 'completed', 5, 3, 'first')",
        (STARTED.timestamp(), STARTED.timestamp() + 701),
    )
    db.commit()
    db.close()
    with _open(path) as history:
        (old,) = history.records()
        history.add_checks(
            old.id,
            [CheckResult(test="hang", question="Where?", side=None, answer="level", rank=0)],
        )
        migrated = history.records()[0]
    assert (old.uid, old.routine, old.pain_before, old.pain_after, old.note) == (
        "u1",
        "daily-10min",
        5,
        3,
        "first",
    )
    assert old.started == STARTED
    assert migrated.checks[0].answer == "level"
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_file_from_a_newer_psoas_is_refused_and_left_alone(tmp_path: Path) -> None:
    """A schema this version does not know is an error naming the file; the file is unchanged."""
    path = tmp_path / "h.sqlite3"
    with _open(path):
        pass
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    before = _digest(path)
    for write in (True, False):
        with pytest.raises(HistoryError, match="newer psoas") as error:
            _use(path, write=write)
        assert str(path) in str(error.value)
    assert _digest(path) == before


def test_a_corrupt_file_gives_one_clear_message_and_stays_as_it_was(tmp_path: Path) -> None:
    """Garbage where the database should be: named, explained, never overwritten."""
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"these are not the bytes of a database\n" * 200)
    before = _digest(path)
    for write in (True, False):
        with pytest.raises(HistoryError) as error:
            _use(path, write=write)
        assert str(error.value) == (
            f"the history file {path} is damaged or is not a psoas database "
            "(file is not a database). psoas leaves it as it is; move it aside to start "
            "a new history."
        )
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.sqlite3"]


def _as_ordinary_user(action: Callable[[], str]) -> str:
    """Run ``action`` as an ordinary user: root ignores file permissions, so root forks and
    drops to 'nobody' for it. Returns what the action returned or the error it raised."""
    if os.geteuid() != 0:
        return action()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        os.close(read_end)
        try:
            os.setgid(65534)
            os.setuid(65534)
            message = action()
        except BaseException as exc:
            message = f"{type(exc).__name__}: {exc}"
        os.write(write_end, message.encode())
        os._exit(0)
    os.close(write_end)
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    os.waitpid(pid, 0)
    return b"".join(chunks).decode()


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder outside pytest's private tmp tree, so an unprivileged child can reach it."""
    folder = Path(tempfile.mkdtemp(prefix="psoas-perm-"))
    folder.chmod(0o755)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        path.chmod(stat.S_IRWXU)
    for path in sorted(folder.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    folder.rmdir()


def _try_history(path: Path, *, write: bool) -> Callable[[], str]:
    def action() -> str:
        try:
            history = _use(path, write=write)
        except HistoryError as exc:
            return str(exc)
        if history is None:
            return "absent"
        with history:
            if write:
                history.start(_new())
            return f"{len(history.records())} sessions"

    return action


def test_an_unreadable_file_is_named_and_left_alone(shared_dir: Path) -> None:
    """A history file the user may not read: one message, and its bytes are unchanged."""
    path = shared_dir / "history.sqlite3"
    with _open(path) as history:
        history.start(_new())
    path.chmod(0)
    before = _digest(path)
    for write in (True, False):
        message = _as_ordinary_user(_try_history(path, write=write))
        assert message.startswith(f"the history file {path} cannot be opened"), message
    assert _digest(path) == before


def test_a_read_only_folder_still_shows_history_but_refuses_to_record(shared_dir: Path) -> None:
    """Reading works without write access; recording says the folder cannot be written."""
    path = shared_dir / "history.sqlite3"
    with _open(path) as history:
        history.start(_new())
    shared_dir.chmod(0o555)
    before = _digest(path)
    assert _as_ordinary_user(_try_history(path, write=False)) == "1 sessions"
    message = _as_ordinary_user(_try_history(path, write=True))
    assert message.startswith(f"the history file {path} cannot be"), message
    assert str(shared_dir) in message
    assert _digest(path) == before
    new_home = shared_dir / "new" / "history.sqlite3"
    message = _as_ordinary_user(_try_history(new_home, write=True))
    assert message.startswith(f"the history file {new_home} cannot be"), message


def test_a_full_disk_is_reported_and_the_earlier_records_survive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When SQLite runs out of room the write fails cleanly and what was there stays."""
    path = tmp_path / "h.sqlite3"
    with _open(path) as history:
        history.start(_new())
    real_connect = sqlite3.connect

    def cramped(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection: sqlite3.Connection = real_connect(*args, **kwargs)
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")
        return connection

    def fill(history: History) -> None:
        for _ in range(200):
            history.start(replace(_new(), note="x" * 2000))

    monkeypatch.setattr(sqlite3, "connect", cramped)
    with _open(path) as history:
        with pytest.raises(HistoryError) as error:
            fill(history)
        assert str(error.value) == (
            f"there is no room left to write the history file {path} (the disk is full)."
        )
    monkeypatch.undo()
    with _open(path) as history:
        assert len(history.records()) >= 1
        assert history._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _write_records(path: str, label: str, count: int) -> None:
    with History.open(Path(path)) as history:
        for n in range(count):
            record_id = history.start(_new(f"{label}-{n % 3}"))
            history.update(record_id, _progress(Outcome.COMPLETED, 60.0, 8), STARTED)


@pytest.mark.slow
def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    """Two psoas processes recording at the same time: every record kept, file intact."""
    path = tmp_path / "h.sqlite3"
    context = multiprocessing.get_context("spawn")
    writers = [
        context.Process(target=_write_records, args=(str(path), label, 150))
        for label in ("first", "second")
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=120)
        assert writer.exitcode == 0
    with _open(path) as history:
        records = history.records()
        assert history._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert len(records) == 300
    assert {s.routine.split("-")[0] for s in records} == {"first", "second"}
    assert all(s.outcome is Outcome.COMPLETED for s in records)


def test_export_then_import_round_trips_and_skips_what_is_already_there(tmp_path: Path) -> None:
    """Everything exported comes back identical, and importing twice adds nothing."""
    checks = (
        CheckResult(test="hang", question="Where?", side=Side.LEFT, answer="level", rank=0),
        CheckResult(test="hang", question="Where?", side=Side.RIGHT, answer="above", rank=1),
    )
    source = [
        record(STARTED, pain=(5, 2), checks=checks),
        record(STARTED + timedelta(days=1), minutes=3, outcome=Outcome.HURT, pain=(6, None)),
        record(datetime(2026, 7, 1, 21, 0, tzinfo=timezone(timedelta(hours=2)))),
    ]
    with _open(tmp_path / "a.sqlite3") as first:
        assert first.import_records(source) == 3
        exported = "".join(export_chunks(first.each_record(oldest_first=True), STARTED))
    export = tmp_path / "export.json"
    export.write_text(exported, encoding="utf-8")
    with _open(tmp_path / "b.sqlite3") as second:
        assert second.import_records(read_export(export)) == 3
        assert second.import_records(read_export(export)) == 0
        restored = second.records()
    expected = sorted(source, key=lambda r: r.started, reverse=True)
    assert [replace(r, id=0) for r in restored] == [replace(r, id=0) for r in expected]
    assert [r.started.utcoffset() for r in restored] == [
        timedelta(hours=1),
        timedelta(hours=1),
        timedelta(hours=2),
    ]


def test_an_import_file_with_mistakes_names_each_one_and_imports_nothing(tmp_path: Path) -> None:
    """Every wrong field is reported with its place; no partial import happens."""
    good = json.loads("".join(export_chunks([record(STARTED)], STARTED)))
    bad = json.loads(json.dumps(good))
    bad["sessions"][0]["pain_before"] = 11
    bad["sessions"][0].pop("routine")
    bad["sessions"].append({**good["sessions"][0], "started": "yesterday", "uid": "other"})
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(HistoryFileError) as error:
        read_export(path)
    assert str(error.value).splitlines() == [
        f"{path}: sessions[0].routine: required field is missing",
        f"{path}: sessions[0].pain_before: expected a pain rating from 0 to 10, or null, got 11",
        f"{path}: sessions[1].started: expected a date and time with its UTC offset, like "
        '2026-11-21T07:30:00+01:00, got "yesterday"',
    ]


def test_an_import_file_that_is_not_json_gives_its_line_and_column(tmp_path: Path) -> None:
    """A broken file is pointed at precisely."""
    path = tmp_path / "broken.json"
    path.write_text('{"psoas_history": 1,\n  "sessions": [,]}\n', encoding="utf-8")
    with pytest.raises(HistoryFileError, match=rf"^{path}:2:16: not valid JSON"):
        read_export(path)


def test_a_history_behind_a_folder_the_user_may_not_enter_is_named(shared_dir: Path) -> None:
    """A history whose folder the user may not search is one message naming the file, for
    reading and for recording, not an empty history or a traceback."""
    private = shared_dir / "private"
    path = private / "history.sqlite3"
    with _open(path) as history:
        history.start(_new())
    private.chmod(0o700)
    for write in (True, False):
        message = _as_ordinary_user(_try_history(path, write=write))
        assert message == (
            f"the history file {path} cannot be reached (permission denied); "
            f"check the permissions of the folders on the way to {private}."
        )
