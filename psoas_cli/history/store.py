"""The session history: a SQLite file that is written as a run goes and never given up lightly.

Every write is one ``BEGIN IMMEDIATE`` transaction in WAL mode with a busy timeout, so two
psoas processes can record at once without losing or corrupting anything. The schema carries
its version in ``PRAGMA user_version`` and only ever moves forward through ``MIGRATIONS``.
A file that psoas cannot read or write is reported as a :class:`HistoryError` and left
exactly as it was: nothing here deletes, replaces or "repairs" a database.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any

from psoas_cli.errors import PsoasError
from psoas_cli.library.model import Side
from psoas_cli.outcome import Outcome

MIGRATIONS: tuple[str, ...] = (
    # 1: sessions with their pain ratings and note.
    """
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        routine TEXT NOT NULL,
        title TEXT NOT NULL,
        started REAL NOT NULL,
        utc_offset INTEGER NOT NULL,
        day TEXT NOT NULL,
        ended REAL NOT NULL,
        active_seconds REAL NOT NULL,
        paused_seconds REAL NOT NULL,
        steps_done INTEGER NOT NULL,
        steps_skipped INTEGER NOT NULL,
        steps_total INTEGER NOT NULL,
        outcome TEXT NOT NULL
            CHECK (outcome IN ('completed', 'quit', 'hurt', 'interrupted')),
        pain_before INTEGER CHECK (pain_before BETWEEN 0 AND 10),
        pain_after INTEGER CHECK (pain_after BETWEEN 0 AND 10),
        note TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX sessions_by_start ON sessions (started);
    """,
    # 2: self-check answers, one row per side, removed with their session.
    """
    CREATE TABLE self_checks (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        test TEXT NOT NULL,
        question TEXT NOT NULL,
        side TEXT NOT NULL CHECK (side IN ('left', 'right', 'none')),
        answer TEXT NOT NULL,
        rank INTEGER NOT NULL CHECK (rank >= 0),
        PRIMARY KEY (session_id, test, side)
    );
    """,
)
"""Schema changes in order; entry N-1 takes a database from version N-1 to N. Never edit one."""

SCHEMA_VERSION = len(MIGRATIONS)

BUSY_TIMEOUT_SECONDS = 10.0
"""How long a write waits for another psoas process to finish its own."""

PAIN_SCALE = range(11)


class HistoryError(PsoasError):
    """The history database cannot be used; the text says which file and what to do."""


@dataclass(frozen=True, kw_only=True)
class NewRecord:
    """What is known when a run starts."""

    routine: str
    title: str
    started: datetime
    steps_total: int
    pain_before: int | None = None
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class RunProgress:
    """How far a run has got, in the counts the history keeps; the run layer fills it in."""

    outcome: Outcome
    active_seconds: float
    paused_seconds: float
    steps_done: int
    steps_skipped: int


@dataclass(frozen=True, kw_only=True)
class CheckResult:
    """One self-check answer: which test, which side, and the answer's place (0 = best)."""

    test: str
    question: str
    side: Side | None
    answer: str
    rank: int


@dataclass(frozen=True, kw_only=True)
class RunRecord:
    """One recorded run as the history keeps it; ``started`` and ``ended`` are local times."""

    id: int
    uid: str
    routine: str
    title: str
    started: datetime
    ended: datetime
    active_seconds: float
    paused_seconds: float
    steps_done: int
    steps_skipped: int
    steps_total: int
    outcome: Outcome
    pain_before: int | None
    pain_after: int | None
    note: str
    checks: tuple[CheckResult, ...] = ()

    @property
    def day(self) -> date:
        """The local date the run started on, which is what streaks count."""
        return self.started.date()


def outcome_code(outcome: Outcome) -> str:
    """The word stored for an outcome: stable, unlike the text shown for it."""
    return outcome.name.lower()


def side_code(side: Side | None) -> str:
    """The word stored for a side; a one-sided check has none."""
    return side.value if side is not None else "none"


def side_from_code(code: str) -> Side | None:
    """The side a stored word stands for."""
    return None if code == "none" else Side(code)


@cache
def _zone(utc_offset: int) -> timezone:
    """The fixed zone of a stored offset; shared, since a history has only a few."""
    return timezone(timedelta(seconds=utc_offset))


OUTCOMES_BY_CODE = {outcome_code(outcome): outcome for outcome in Outcome}
"""The outcome each stored word stands for."""


def _offset_seconds(moment: datetime) -> int:
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("history times must carry their UTC offset")
    return int(offset.total_seconds())


_SESSION_COLUMNS = (
    "id, uid, routine, title, started, utc_offset, ended, active_seconds, paused_seconds, "
    "steps_done, steps_skipped, steps_total, outcome, pain_before, pain_after, note"
)


def _record(row: Sequence[Any], checks: Sequence[CheckResult] = ()) -> RunRecord:
    """A ``_SESSION_COLUMNS`` row as a record; positional, as this runs for every session."""
    (ident, uid, routine, title, started, offset, ended, active, paused, done, skipped, total,
     outcome, pain_before, pain_after, note) = row  # fmt: skip
    zone = _zone(offset)
    return RunRecord(
        id=ident,
        uid=uid,
        routine=routine,
        title=title,
        started=datetime.fromtimestamp(started, zone),
        ended=datetime.fromtimestamp(ended, zone),
        active_seconds=active,
        paused_seconds=paused,
        steps_done=done,
        steps_skipped=skipped,
        steps_total=total,
        outcome=OUTCOMES_BY_CODE[outcome],
        pain_before=pain_before,
        pain_after=pain_after,
        note=note,
        checks=tuple(checks),
    )


_CHECK_COLUMNS = "test, question, side, answer, rank"


def _check(row: Sequence[Any]) -> CheckResult:
    test, question, side, answer, rank = row
    return CheckResult(
        test=test, question=question, side=side_from_code(side), answer=answer, rank=rank
    )


def describe_fault(path: Path, error: sqlite3.Error | OSError) -> str:
    """One sentence a person can act on, naming the file, for whatever SQLite or the OS said."""
    reason = str(error) or type(error).__name__
    lowered = reason.lower()
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return (
            f"the history file {path} is damaged or is not a psoas database ({reason}). "
            "psoas leaves it as it is; move it aside to start a new history."
        )
    if "full" in lowered or "no space" in lowered:
        return f"there is no room left to write the history file {path} (the disk is full)."
    if "readonly" in lowered or "read-only" in lowered or "permission" in lowered:
        return (
            f"the history file {path} cannot be written ({reason}); "
            f"check the permissions of {path.parent}."
        )
    if "unable to open" in lowered:
        return (
            f"the history file {path} cannot be opened ({reason}); check that {path.parent} "
            "exists and that you may read and write in it."
        )
    if "locked" in lowered or "busy" in lowered:
        return (
            f"the history file {path} stayed locked by another program for "
            f"{BUSY_TIMEOUT_SECONDS:g} s; try again."
        )
    return f"the history file {path} cannot be used ({reason})."


@contextmanager
def _explaining_faults(path: Path) -> Iterator[None]:
    """What SQLite or the OS says about ``path``, raised as a HistoryError a person can act on."""
    try:
        yield
    except (sqlite3.Error, OSError) as exc:
        raise HistoryError(describe_fault(path, exc)) from None


class History:
    """An open history database; every method is one transaction or one read."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection

    @classmethod
    def open(cls, path: Path) -> History:
        """The history at ``path`` for writing, created or migrated to the current schema.

        A file from a newer psoas, or one SQLite cannot read, is an error and is left as it is.
        """
        with _explaining_faults(path):
            path.parent.mkdir(parents=True, exist_ok=True)
        return cls._migrated(cls._connected(path, "mode=rwc"))

    @classmethod
    def read(cls, path: Path) -> History | None:
        """The history at ``path`` for reading, or None when there is none yet.

        Needs no write access unless the file is on an older schema and must be migrated.
        """
        if not path.exists():
            return None
        try:
            history = cls._connected(path, "mode=rw")
        except HistoryError:
            # A folder the user may not write: SQLite cannot make the files WAL needs even to
            # read, so read the file as a snapshot; no psoas can be writing to it there.
            history = cls._connected(path, "mode=ro&immutable=1")
        return cls._migrated(history)

    @classmethod
    def _migrated(cls, history: History) -> History:
        try:
            history._migrate()
        except HistoryError:
            history.close()
            raise
        return history

    @classmethod
    def _connected(cls, path: Path, query: str) -> History:
        with _explaining_faults(path):
            connection = sqlite3.connect(
                f"{path.resolve().as_uri()}?{query}",
                uri=True,
                timeout=BUSY_TIMEOUT_SECONDS,
                isolation_level=None,
            )
        history = cls(path, connection)
        try:
            with history._reading() as db:
                db.execute("PRAGMA foreign_keys = ON")
                db.execute("PRAGMA synchronous = NORMAL")
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()
                history._version()
        except HistoryError:
            connection.close()
            raise
        return history

    def close(self) -> None:
        """Let go of the file; WAL contents are folded back in by the last one out."""
        self._db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------

    def start(self, session: NewRecord) -> int:
        """Record a run as it starts, as if interrupted at once, and return its id.

        Starting pessimistic means a run that is killed outright still leaves an honest
        record; later updates only make it more complete.
        """
        started = session.started.timestamp()
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO sessions (uid, routine, title, started, utc_offset, day, ended, "
                "active_seconds, paused_seconds, steps_done, steps_skipped, steps_total, "
                "outcome, pain_before, note) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, ?, 'interrupted', ?, ?)",
                (
                    uuid.uuid4().hex,
                    session.routine,
                    session.title,
                    started,
                    _offset_seconds(session.started),
                    session.started.date().isoformat(),
                    started,
                    session.steps_total,
                    session.pain_before,
                    session.note,
                ),
            )
        return int(cursor.lastrowid or 0)

    def update(self, session_id: int, progress: RunProgress, ended: datetime) -> None:
        """Bring a run's record up to date with what has been done by ``ended``."""
        with self._transaction() as db:
            db.execute(
                "UPDATE sessions SET ended = ?, active_seconds = ?, paused_seconds = ?, "
                "steps_done = ?, steps_skipped = ?, outcome = ? WHERE id = ?",
                (
                    ended.timestamp(),
                    round(progress.active_seconds, 3),
                    round(progress.paused_seconds, 3),
                    progress.steps_done,
                    progress.steps_skipped,
                    outcome_code(progress.outcome),
                    session_id,
                ),
            )

    def set_pain_after(self, session_id: int, pain: int) -> None:
        """Add the rating given after the run."""
        with self._transaction() as db:
            db.execute("UPDATE sessions SET pain_after = ? WHERE id = ?", (pain, session_id))

    def add_checks(self, session_id: int, checks: Sequence[CheckResult]) -> None:
        """Keep self-check answers; answering the same side again replaces the answer."""
        with self._transaction() as db:
            self._insert_checks(db, session_id, checks)

    @staticmethod
    def _insert_checks(
        db: sqlite3.Connection, session_id: int, checks: Sequence[CheckResult]
    ) -> None:
        db.executemany(
            "INSERT OR REPLACE INTO self_checks "
            "(session_id, test, question, side, answer, rank) VALUES (?, ?, ?, ?, ?, ?)",
            [(session_id, c.test, c.question, side_code(c.side), c.answer, c.rank) for c in checks],
        )

    def import_records(self, records: Sequence[RunRecord]) -> int:
        """Add sessions from another history, skipping any already here; returns how many
        were added. All or nothing: one transaction."""
        added = 0
        with self._transaction() as db:
            for record in records:
                if db.execute("SELECT 1 FROM sessions WHERE uid = ?", (record.uid,)).fetchone():
                    continue
                cursor = db.execute(
                    "INSERT INTO sessions (uid, routine, title, started, utc_offset, day, ended, "
                    "active_seconds, paused_seconds, steps_done, steps_skipped, steps_total, "
                    "outcome, pain_before, pain_after, note) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        record.uid,
                        record.routine,
                        record.title,
                        record.started.timestamp(),
                        _offset_seconds(record.started),
                        record.day.isoformat(),
                        record.ended.timestamp(),
                        record.active_seconds,
                        record.paused_seconds,
                        record.steps_done,
                        record.steps_skipped,
                        record.steps_total,
                        outcome_code(record.outcome),
                        record.pain_before,
                        record.pain_after,
                        record.note,
                    ),
                )
                self._insert_checks(db, int(cursor.lastrowid or 0), record.checks)
                added += 1
        return added

    def delete(self, session_id: int) -> RunRecord | None:
        """Remove one session; returns what was removed, or None if there was no such id."""
        with self._transaction() as db:
            row = db.execute(
                f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
            if row is None:
                return None
            db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        return _record(row)

    # -- reading ---------------------------------------------------------------------------

    def records(
        self,
        *,
        since: date | None = None,
        routine: str | None = None,
        limit: int | None = None,
    ) -> list[RunRecord]:
        """Sessions newest first, from local date ``since`` on, of one routine if given."""
        where, params = _filters(since, routine)
        sql = f"SELECT {_SESSION_COLUMNS} FROM sessions{where} ORDER BY started DESC, id DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._reading() as db:
            rows = db.execute(sql, params).fetchall()
            checks: dict[int, list[CheckResult]] = {}
            if rows:
                for session_id, *check in db.execute(
                    f"SELECT session_id, {_CHECK_COLUMNS} FROM self_checks "
                    f"WHERE session_id IN ({sql.replace(_SESSION_COLUMNS, 'id', 1)}) "
                    "ORDER BY session_id, test, side",
                    params,
                ):
                    checks.setdefault(session_id, []).append(_check(check))
        return [_record(row, checks.get(row[0], ())) for row in rows]

    def record(self, session_id: int) -> RunRecord | None:
        """One session by id, with its self-checks."""
        with self._reading() as db:
            row = db.execute(
                f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
            checks = db.execute(
                f"SELECT {_CHECK_COLUMNS} FROM self_checks "
                "WHERE session_id = ? ORDER BY test, side",
                (session_id,),
            ).fetchall()
        return None if row is None else _record(row, [_check(c) for c in checks])

    def count(self, *, since: date | None = None, routine: str | None = None) -> int:
        """How many sessions ``sessions`` would return without a limit."""
        where, params = _filters(since, routine)
        with self._reading() as db:
            return int(db.execute(f"SELECT count(*) FROM sessions{where}", params).fetchone()[0])

    # -- plumbing --------------------------------------------------------------------------

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """One read, whose faults are reported like a write's."""
        with _explaining_faults(self.path):
            yield self._db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write: all of it or none of it, waiting politely for other writers."""
        with _explaining_faults(self.path):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _version(self) -> int:
        """The schema version, refusing one newer than this psoas knows."""
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"the history file {self.path} was written by a newer psoas (schema {version}; "
                f"this one knows up to {SCHEMA_VERSION}). Upgrade psoas to use it; "
                "the file is left as it is."
            )
        return version

    def _migrate(self) -> None:
        """Bring the schema up to date; another process may be doing the same, so the
        version is read again inside the transaction."""
        with self._reading() as db:
            if self._version() == SCHEMA_VERSION:
                return
            db.execute("PRAGMA journal_mode = WAL").fetchone()
        with self._transaction() as db:
            current = self._version()
            for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
                for statement in _statements(script):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")


def _filters(since: date | None, routine: str | None) -> tuple[str, list[str]]:
    """The WHERE clause and its parameters for the history's two filters."""
    where, params = [], []
    if since is not None:
        where.append("day >= ?")
        params.append(since.isoformat())
    if routine is not None:
        where.append("routine = ?")
        params.append(routine)
    return (" WHERE " + " AND ".join(where) if where else ""), params


def since_date(text: str, today: date) -> date | None:
    """A --since value as a local date: 2026-11-01, today, yesterday, 10d or 4w ago; None if
    it is none of those."""
    text = text.strip().lower()
    named = {"today": 0, "yesterday": 1}
    if text in named:
        return today - timedelta(days=named[text])
    if len(text) > 1 and text[:-1].isdigit() and text[-1] in "dw":
        days = int(text[:-1]) * (7 if text[-1] == "w" else 1)
        return today - timedelta(days=days) if days <= 36_500 else None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _statements(script: str) -> Sequence[str]:
    """A migration's statements, split so each runs inside the migration's transaction."""
    return [part.strip() for part in script.split(";") if part.strip()]
