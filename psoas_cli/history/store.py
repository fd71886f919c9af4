"""The history of recorded runs: a SQLite file written as a run goes, never given up lightly.

Every write is one ``BEGIN IMMEDIATE`` transaction in WAL mode with a busy timeout, so two
psoas processes can record at once without losing or corrupting anything. The schema carries
its version in ``PRAGMA user_version`` and only ever moves forward through ``MIGRATIONS``.
A file that psoas cannot read or write is reported as a :class:`HistoryError` and left
exactly as it was: nothing here deletes, replaces or "repairs" a database.
"""

from __future__ import annotations

import errno
import sqlite3
import stat
import uuid
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from functools import cache
from itertools import groupby
from pathlib import Path
from typing import NamedTuple

from psoas_cli.errors import PsoasError
from psoas_cli.library.model import Side
from psoas_cli.limits import MAX_STEP_DIGITS
from psoas_cli.outcome import Outcome
from psoas_cli.text import digits_only
from psoas_cli.value import Value

MIGRATIONS: tuple[str, ...] = (
    # 1: the sessions table, one record per run with its pain ratings and note.
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
    # 2: self-check answers, one row per side, removed with their record.
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
    # 3: the active programme: at most one row, its name and the local date it started on.
    # Its doses are not stored: they follow from this and the sessions, every time.
    """
    CREATE TABLE programme (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL,
        start TEXT NOT NULL
    );
    """,
)
"""Schema changes in order; entry N-1 takes a database from version N-1 to N. Never edit one."""

SCHEMA_VERSION = len(MIGRATIONS)

BUSY_TIMEOUT_SECONDS = 10.0
"""How long a write waits for another psoas process to finish its own."""


class HistoryError(PsoasError):
    """The history database cannot be used; the text says which file and what to do."""


class HistoryBusy(HistoryError):
    """Another program held the file for longer than the busy timeout: unlike the other
    faults, trying the same write again later may well work."""


class NewRecord(Value):
    """What is known when a run starts."""

    routine: str
    title: str
    started: datetime
    steps_total: int
    pain_before: int | None = None
    note: str = ""


class RunProgress(Value):
    """How far a run has got, in the counts the history keeps; the run layer fills it in."""

    outcome: Outcome
    active_seconds: float
    paused_seconds: float
    steps_done: int
    steps_skipped: int


class CheckResult(Value):
    """One self-check answer: which test, which side, and the answer's place (0 = best)."""

    test: str
    question: str
    side: Side | None
    answer: str
    rank: int


class ActiveProgramme(Value):
    """The programme being followed, by name, and the local date its first week began."""

    name: str
    start: date


class RunRecord(Value):
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
    return None if code == "none" else _SIDES_BY_CODE[code]


_SIDES_BY_CODE = {side.value: side for side in Side}
"""Each side by its stored word: a look-up, where calling the Enum is slow on long reads."""


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


class _RecordRow(NamedTuple):
    """A row of the sessions table: the one list of its columns, each read by name."""

    id: int
    uid: str
    routine: str
    title: str
    started: float
    utc_offset: int
    day: str
    ended: float
    active_seconds: float
    paused_seconds: float
    steps_done: int
    steps_skipped: int
    steps_total: int
    outcome: str
    pain_before: int | None
    pain_after: int | None
    note: str


class _CheckRow(NamedTuple):
    """A row of the self_checks table: the one list of its columns, each read by name."""

    session_id: int
    """The id of the record the answer belongs to; the column keeps its first name."""
    test: str
    question: str
    side: str
    answer: str
    rank: int


def _insert_sql(table: str, columns: Sequence[str], *, replacing: bool = False) -> str:
    """An INSERT of ``columns``, each value bound by its column's name."""
    verb = "INSERT OR REPLACE" if replacing else "INSERT"
    names = ", ".join(columns)
    values = ", ".join(f":{column}" for column in columns)
    return f"{verb} INTO {table} ({names}) VALUES ({values})"


_RECORD_FIELDS = ", ".join(_RecordRow._fields)
_CHECK_FIELDS = ", ".join(_CheckRow._fields)
_INSERT_RECORD = _insert_sql("sessions", [name for name in _RecordRow._fields if name != "id"])
"""Every column but the id, which SQLite gives each new row."""
_INSERT_CHECK = _insert_sql("self_checks", _CheckRow._fields, replacing=True)
_CHECK_COLUMNS = ", ".join(f"self_checks.{name}" for name in _CheckRow._fields)
"""The self_checks columns named by table, for queries that join sessions too."""

WINDOW_FUNCTIONS = (3, 25, 0)
"""The SQLite that first has them (2018); Python 3.10 may be built with an older one."""

_IDS_PER_QUERY = 500
"""Ids bound in one query: well under the 999 variables older SQLite allows."""

LATEST_PLAIN_SECONDS = 253402300799 - 2 * 86400
"""The latest time SQL vouches for: two days inside year 9999 in any zone."""

_PLAIN_ROW = f"""(
    started BETWEEN 0 AND {LATEST_PLAIN_SECONDS} AND ended BETWEEN 0 AND {LATEST_PLAIN_SECONDS}
    AND utc_offset BETWEEN -86399 AND 86399
    AND outcome IN ({", ".join(f"'{code}'" for code in OUTCOMES_BY_CODE)})
)"""
"""Whether SQL can vouch that a sessions row reads as a record: times from the epoch (some
systems convert no earlier ones) to year 9999, numbers since text and blobs sort above
every number, an offset within a day and a known outcome."""


class CheckedRun(Value, kw_only=False):
    """A run's self-check answers, with when it started and its local date."""

    started: datetime
    day: date
    checks: tuple[CheckResult, ...]


class RunSummary(NamedTuple):
    """What stats count of a recorded run; a tuple, since a long history makes many and a
    tuple is several times cheaper to build than a value."""

    id: int
    day: date
    outcome: Outcome
    steps_done: int
    active_seconds: float
    pain_before: int | None
    pain_after: int | None


def _row_of(record: RunRecord) -> _RecordRow:
    """A record as the sessions table stores it: times as UTC seconds and the offset."""
    return _RecordRow(
        id=record.id,
        uid=record.uid,
        routine=record.routine,
        title=record.title,
        started=record.started.timestamp(),
        utc_offset=_offset_seconds(record.started),
        day=record.day.isoformat(),
        ended=record.ended.timestamp(),
        active_seconds=record.active_seconds,
        paused_seconds=record.paused_seconds,
        steps_done=record.steps_done,
        steps_skipped=record.steps_skipped,
        steps_total=record.steps_total,
        outcome=outcome_code(record.outcome),
        pain_before=record.pain_before,
        pain_after=record.pain_after,
        note=record.note,
    )


def _record(row: _RecordRow, checks: Sequence[CheckResult] = ()) -> RunRecord:
    """A sessions row as a record, its times back in the zone they were recorded in."""
    zone = _zone(row.utc_offset)
    return RunRecord(
        id=row.id,
        uid=row.uid,
        routine=row.routine,
        title=row.title,
        started=datetime.fromtimestamp(row.started, zone),
        ended=datetime.fromtimestamp(row.ended, zone),
        active_seconds=row.active_seconds,
        paused_seconds=row.paused_seconds,
        steps_done=row.steps_done,
        steps_skipped=row.steps_skipped,
        steps_total=row.steps_total,
        outcome=OUTCOMES_BY_CODE[row.outcome],
        pain_before=row.pain_before,
        pain_after=row.pain_after,
        note=row.note,
        checks=tuple(checks),
    )


def _check_row_of(record_id: int, check: CheckResult) -> _CheckRow:
    """A self-check answer as the self_checks table stores it."""
    return _CheckRow(
        session_id=record_id,
        test=check.test,
        question=check.question,
        side=side_code(check.side),
        answer=check.answer,
        rank=check.rank,
    )


def _check(row: _CheckRow) -> CheckResult:
    """A self_checks row as the answer it records."""
    return CheckResult(
        test=row.test,
        question=row.question,
        side=side_from_code(row.side),
        answer=row.answer,
        rank=row.rank,
    )


def describe_fault(path: Path, error: sqlite3.Error | OSError) -> str:
    """One sentence a person can act on, naming the file, for whatever SQLite or the OS said."""
    if isinstance(error, OSError) and error.errno == errno.ELOOP:
        return (
            f"the history file {path} is a symbolic link that leads round in a loop; "
            "point it at a file, or remove it to start a new history."
        )
    reason = (isinstance(error, OSError) and error.strerror) or str(error) or type(error).__name__
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
        message = describe_fault(path, exc)
        if isinstance(exc, sqlite3.OperationalError) and _is_busy(exc):
            raise HistoryBusy(message) from None
        raise HistoryError(message) from None


def _exists(path: Path) -> bool:
    """Whether a history file is at ``path``: False when nothing is there yet, a HistoryError
    when what is there cannot be one (a folder, a device, a symbolic link loop, a path that
    may not be looked at), so a history never reads as empty when it is only out of reach."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return False
    except PermissionError:
        raise HistoryError(
            f"the history file {path} cannot be reached (permission denied); "
            f"check the permissions of the folders on the way to {path.parent}."
        ) from None
    except OSError as exc:
        raise HistoryError(describe_fault(path, exc)) from None
    if not stat.S_ISREG(mode):
        raise HistoryError(
            f"the history file {path} is not a file (a folder, pipe or device); "
            "move it aside to start a new history."
        )
    return True


_BUSY_CODES = (5, 6)
"""SQLITE_BUSY and SQLITE_LOCKED, whose names the sqlite3 module has only from Python 3.11."""


def _is_busy(error: sqlite3.OperationalError) -> bool:
    """Whether SQLite gave up waiting for another connection's lock."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _BUSY_CODES
    lowered = str(error).lower()
    return "locked" in lowered or "busy" in lowered


class History:
    """An open history database; every method is one transaction or one read."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection
        self.unreadable: set[int] = set()
        self._closed = False
        """Ids of rows skipped by reads so far because they could not be made into records."""

    @classmethod
    def open(cls, path: Path, *, busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> History:
        """The history at ``path`` for writing, created or migrated to the current schema.

        A file from a newer psoas, or one SQLite cannot read, is an error and is left as it is.
        ``busy_timeout`` is how long each write waits for another program's lock before
        :class:`HistoryBusy`; a run's recorder waits briefly and tries again itself.
        """
        with _explaining_faults(path):
            path.parent.mkdir(parents=True, exist_ok=True)
        _exists(path)  # what cannot be a history is named here, before SQLite or resolve()
        return cls._migrated(cls._connected(path, "mode=rwc", busy_timeout))

    @classmethod
    def read(cls, path: Path) -> History | None:
        """The history at ``path`` for reading, or None when there is none yet.

        Needs no write access unless the file is on an older schema and must be migrated.
        """
        if not _exists(path):
            return None
        try:
            history = cls._connected(path, "mode=rw")
        except HistoryError:
            # A folder the user may not write: SQLite cannot make the files WAL needs even to
            # read, so read the file as a snapshot; no psoas can be writing to it there.
            history = cls._connected(path, "mode=ro&immutable=1")
        if not history._tables():
            # An empty file becomes a history when something is recorded, not when read.
            history.close()
            return None
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
    def _connected(
        cls, path: Path, query: str, busy_timeout: float = BUSY_TIMEOUT_SECONDS
    ) -> History:
        with _explaining_faults(path):
            connection = sqlite3.connect(
                f"{path.resolve().as_uri()}?{query}",
                uri=True,
                timeout=busy_timeout,
                isolation_level=None,
            )
        history = cls(path, connection)
        try:
            with history._reading() as db:
                db.execute("PRAGMA foreign_keys = ON")
                db.execute("PRAGMA synchronous = NORMAL")
                history._refuse_foreign()
                history._version()
        except HistoryError:
            connection.close()
            raise
        return history

    def close(self) -> None:
        """Let go of the file; WAL contents are folded back in by the last one out."""
        self._closed = True
        self._db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------

    def start(self, new: NewRecord) -> int:
        """Record a run as it starts, as if interrupted at once, and return its id.

        Starting pessimistic means a run that is killed outright still leaves an honest
        record; later updates only make it more complete.
        """
        just_started = RunRecord(
            id=0,
            uid=uuid.uuid4().hex,
            routine=new.routine,
            title=new.title,
            started=new.started,
            ended=new.started,
            active_seconds=0.0,
            paused_seconds=0.0,
            steps_done=0,
            steps_skipped=0,
            steps_total=new.steps_total,
            outcome=Outcome.INTERRUPTED,
            pain_before=new.pain_before,
            pain_after=None,
            note=new.note,
        )
        with self._transaction() as db:
            return self._insert(db, just_started)

    def update(self, record_id: int, progress: RunProgress, ended: datetime) -> None:
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
                    record_id,
                ),
            )

    def set_pain_after(self, record_id: int, pain: int) -> None:
        """Add the rating given after the run."""
        with self._transaction() as db:
            db.execute("UPDATE sessions SET pain_after = ? WHERE id = ?", (pain, record_id))

    def add_checks(self, record_id: int, checks: Sequence[CheckResult]) -> None:
        """Keep self-check answers; answering the same side again replaces the answer."""
        with self._transaction() as db:
            self._insert_checks(db, record_id, checks)

    @staticmethod
    def _insert_checks(
        db: sqlite3.Connection, record_id: int, checks: Sequence[CheckResult]
    ) -> None:
        db.executemany(
            _INSERT_CHECK, [_check_row_of(record_id, check)._asdict() for check in checks]
        )

    def import_records(self, records: Sequence[RunRecord]) -> int:
        """Add records from another history, skipping any already here; returns how many
        were added. All or nothing: one transaction."""
        added = 0
        with self._transaction() as db:
            for record in records:
                if db.execute("SELECT 1 FROM sessions WHERE uid = ?", (record.uid,)).fetchone():
                    continue
                self._insert(db, record)
                added += 1
        return added

    @classmethod
    def _insert(cls, db: sqlite3.Connection, record: RunRecord) -> int:
        """Store a record with its self-checks under a new id, which is returned."""
        record_id = int(db.execute(_INSERT_RECORD, _row_of(record)._asdict()).lastrowid or 0)
        cls._insert_checks(db, record_id, record.checks)
        return record_id

    def start_programme(self, active: ActiveProgramme) -> ActiveProgramme | None:
        """Follow ``active`` from now on; returns the programme it replaces, if any."""
        with self._transaction() as db:
            replaced = self._active(db)
            db.execute(
                "INSERT OR REPLACE INTO programme (id, name, start) VALUES (1, ?, ?)",
                (active.name, active.start.isoformat()),
            )
        return replaced

    def stop_programme(self) -> ActiveProgramme | None:
        """Follow no programme; returns the one that was active, if any."""
        with self._transaction() as db:
            stopped = self._active(db)
            db.execute("DELETE FROM programme")
        return stopped

    def active_programme(self) -> ActiveProgramme | None:
        """The programme being followed, or None; a row edited into nonsense counts as none."""
        with self._reading() as db:
            return self._active(db)

    @staticmethod
    def _active(db: sqlite3.Connection) -> ActiveProgramme | None:
        row = db.execute("SELECT name, start FROM programme WHERE id = 1").fetchone()
        if row is None:
            return None
        try:
            return ActiveProgramme(name=str(row[0]), start=date.fromisoformat(str(row[1])))
        except ValueError:
            return None

    def delete(self, record_id: int) -> bool:
        """Remove one record, readable or not; returns whether there was such an id."""
        with self._transaction() as db:
            deleted = db.execute("DELETE FROM sessions WHERE id = ?", (record_id,)).rowcount
        return deleted > 0

    # -- reading ---------------------------------------------------------------------------

    def records(
        self,
        *,
        since: date | None = None,
        routine: str | None = None,
        limit: int | None = None,
    ) -> list[RunRecord]:
        """Records newest first, from local date ``since`` on, of one routine if given."""
        return list(self.each_record(since=since, routine=routine, limit=limit))

    def each_record(
        self,
        *,
        since: date | None = None,
        routine: str | None = None,
        limit: int | None = None,
        oldest_first: bool = False,
    ) -> Generator[RunRecord, None, None]:
        """The records ``records`` lists (or the same, oldest first), one at a time, so that
        a history of any length is written out without being held in memory."""
        where, params = _filters(since, routine)
        order = "" if oldest_first else " DESC"
        chosen = f"FROM sessions{where} ORDER BY started{order}, id{order}"
        if limit is not None:
            chosen += " LIMIT ?"
            params.append(limit)
        checks_in_order = (
            f"SELECT {_CHECK_COLUMNS} FROM self_checks JOIN sessions ON sessions.id = session_id "
            f"WHERE session_id IN (SELECT id {chosen}) "
            f"ORDER BY sessions.started{order}, sessions.id{order}, test, side"
        )
        yield from self._merged(f"SELECT {_RECORD_FIELDS} {chosen}", checks_in_order, params)

    def checked_runs(self, latest: int | None = None) -> Iterator[CheckedRun]:
        """The runs that hold self-check answers, the latest id first, each with its answers
        in the order a record lists them, one at a time; for a history that is
        ``all_plain``. Answers are immutable, so the same answer read again is the same
        object, made once.

        With ``latest``, only each test's answers from its ``latest`` last runs by start
        (of runs that started together, the lower id counts as later, as a stable sort of
        this order by start leaves them), picked by SQLite: a screen showing the last few
        rounds reads those, however long the history. An SQLite too old for window
        functions reads every run, which shows the same.

        The order follows the self_checks key backwards, so SQLite reads only the runs
        with answers; the answers of each run come reversed and are turned round here.
        """
        picked, params = "", []
        if latest is not None and sqlite3.sqlite_version_info >= WINDOW_FUNCTIONS:
            picked = (
                "WITH picked AS (SELECT session_id, test FROM (SELECT session_id, test, "
                "row_number() OVER (PARTITION BY test ORDER BY started DESC, session_id) AS nth "
                "FROM (SELECT DISTINCT session_id, test FROM self_checks) "
                "JOIN sessions ON sessions.id = session_id) WHERE nth <= ?) "
            )
            params.append(latest)
        source = "picked JOIN self_checks USING (session_id, test)" if picked else "self_checks"
        query = (
            f"{picked}SELECT started, utc_offset, day, {_CHECK_COLUMNS} "
            f"FROM {source} JOIN sessions ON sessions.id = self_checks.session_id "
            "ORDER BY self_checks.session_id DESC, self_checks.test DESC, self_checks.side DESC"
        )
        made: dict[tuple[str, str, str, str, int], CheckResult] = {}

        def answer(row: _CheckRow) -> CheckResult:
            key = (row.test, row.question, row.side, row.answer, row.rank)
            found = made.get(key)
            if found is None:
                found = made[key] = _check(row)
            return found

        with self.snapshot(), self._reading() as db:
            read = db.execute(query, params)
            rows = ((values[:3], _CheckRow._make(values[3:])) for values in read)
            for _, answers in groupby(rows, key=lambda row: row[1].session_id):
                checks = list(answers)
                started, utc_offset, day = checks[0][0]
                yield CheckedRun(
                    datetime.fromtimestamp(started, _zone(utc_offset)),
                    date.fromisoformat(day),
                    tuple(answer(check) for _, check in reversed(checks)),
                )

    def records_by_id(self, ids: Sequence[int]) -> list[RunRecord]:
        """The readable records among ``ids``, in the order of ``ids``."""
        found: dict[int, RunRecord] = {}
        for first in range(0, len(ids), _IDS_PER_QUERY):
            chunk: list[str | int] = list(ids[first : first + _IDS_PER_QUERY])
            marks = ", ".join("?" * len(chunk))
            found.update((r.id, r) for r in self._records_where(f"id IN ({marks})", chunk))
        return [found[i] for i in ids if i in found]

    def _records_where(self, condition: str, params: list[str | int]) -> Iterator[RunRecord]:
        """The records a condition on the sessions table picks, newest first."""
        chosen = f"FROM sessions WHERE {condition} ORDER BY started DESC, id DESC"
        checks_in_order = (
            f"SELECT {_CHECK_COLUMNS} FROM self_checks JOIN sessions ON sessions.id = session_id "
            f"WHERE {condition} ORDER BY sessions.started DESC, sessions.id DESC, test, side"
        )
        yield from self._merged(f"SELECT {_RECORD_FIELDS} {chosen}", checks_in_order, params)

    def _merged(
        self, sessions_query: str, checks_query: str, params: Sequence[str | int]
    ) -> Iterator[RunRecord]:
        """Each session row with its self-check rows, read side by side from two queries
        that list them in the same order, inside one read so both see the same history."""
        with self.snapshot(), self._reading() as db:
            check_rows = (_CheckRow._make(values) for values in db.execute(checks_query, params))
            pending = next(check_rows, None)
            for values in db.execute(sessions_query, params):
                row = _RecordRow._make(values)
                checks = []
                while pending is not None and pending.session_id == row.id:
                    checks.append(pending)
                    pending = next(check_rows, None)
                record = self._readable(row, checks)
                if record is not None:
                    yield record

    def all_plain(self) -> bool:
        """Whether SQL can vouch for every row (see ``_PLAIN_ROW``), and no self-check has
        a side psoas never writes: then ``day_seconds`` and ``summaries`` read exactly what
        ``records`` would, without making a record of each row."""
        query = (
            f"SELECT NOT EXISTS (SELECT 1 FROM sessions WHERE NOT {_PLAIN_ROW}) "
            "AND NOT EXISTS (SELECT 1 FROM self_checks "
            "WHERE side NOT IN ('left', 'right', 'none'))"
        )
        with self._reading() as db:
            return bool(db.execute(query).fetchone()[0])

    def minutes_by_day(self, condition: str) -> tuple[int, dict[date, float]]:
        """How many records meet a condition on the sessions table, and their active minutes
        added up by day, the latest day first; for a history that is ``all_plain``.

        Added up by SQLite, which reads the two columns it needs and hands back a row a
        day: this is the one figure that must go through every record of a long history.
        Seconds are summed and turned into minutes once per day.
        """
        query = (
            "SELECT day, count(*), sum(active_seconds) FROM sessions "
            f"WHERE {condition} GROUP BY day ORDER BY day DESC"
        )
        count = 0
        by_day: dict[date, float] = {}
        with self.snapshot(), self._reading() as db:
            for text, runs, seconds in db.execute(query):
                count += runs
                by_day[date.fromisoformat(text)] = seconds / 60
        return count, by_day

    def summaries(self, condition: str) -> Iterator[RunSummary]:
        """What stats count of each record meeting a condition on the sessions table, the
        latest id first, one at a time; for a history that is ``all_plain``. (The id order
        is the table's own, so SQLite reads it straight through.)"""
        query = (
            f"SELECT {', '.join(RunSummary._fields)} FROM sessions WHERE {condition} "
            "ORDER BY id DESC"
        )
        with self.snapshot(), self._reading() as db:
            for row_id, day, outcome, done, active, before, after in db.execute(query):
                yield RunSummary(
                    row_id,
                    date.fromisoformat(day),
                    OUTCOMES_BY_CODE[outcome],
                    done,
                    active,
                    before,
                    after,
                )

    def _whole(self, db: sqlite3.Connection, record_id: int) -> RunRecord | None:
        """One row read whole as a record, or None after noting it as unreadable."""
        row = _fetch_row(db, record_id)
        checks = _fetch_checks(db, "session_id = ?", (record_id,))
        return None if row is None else self._readable(row, checks)

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """One read transaction around several reads, unless one is already open: a run
        recorded meanwhile shows in all of them or in none."""
        if self._db.in_transaction:
            yield
            return
        with self._reading() as db:
            db.execute("BEGIN")
        try:
            yield
        finally:
            # A reader left unfinished (output cut short by a closed pipe) ends when it is
            # collected, which may be after the file was let go: closing ended the read.
            if not self._closed:
                with self._reading() as db:
                    if db.in_transaction:
                        db.execute("COMMIT")

    def record(self, record_id: int) -> RunRecord | None:
        """One record by id, with its self-checks; None if there is none or it is unreadable."""
        with self.snapshot(), self._reading() as db:
            return self._whole(db, record_id)

    def _readable(self, row: _RecordRow, checks: Sequence[_CheckRow]) -> RunRecord | None:
        """A row as a record, or None after noting its id in ``unreadable``: one row edited
        by hand (an unknown outcome, text where a time belongs) must not hide the others."""
        try:
            return _record(row, [_check(check) for check in checks])
        except (KeyError, TypeError, ValueError, OverflowError, OSError):
            self.unreadable.add(row.id)
            return None

    def count(self, *, since: date | None = None, routine: str | None = None) -> int:
        """How many records ``records`` would return without a limit."""
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

    def _tables(self) -> frozenset[str]:
        """The names of the file's own tables; SQLite's internal ones are not counted."""
        return frozenset(
            name
            for (name,) in self._db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
            )
        )

    def _refuse_foreign(self) -> None:
        """Refuse a file that holds somebody else's tables before anything is written to it:
        adding psoas's tables, or switching it to WAL, would change a file that is not ours."""
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        others = foreign_tables(version, self._tables())
        if others:
            raise HistoryError(
                f"the history file {self.path} is not a psoas history (it holds other tables: "
                f"{', '.join(others)}). psoas leaves it as it is; move it aside to start a new "
                "history."
            )

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


PSOAS_TABLES = frozenset({"sessions", "self_checks", "programme"})
"""The tables psoas makes; MIGRATIONS creates each of them."""


def foreign_tables(version: int, tables: frozenset[str]) -> list[str]:
    """The tables that show a database is not psoas's, or none when it is psoas's or empty.

    psoas sets user_version with its first table, so tables at version 0 are somebody
    else's, and so is a numbered file without psoas's sessions table.
    """
    if not tables or (version > 0 and "sessions" in tables):
        return []
    return sorted(tables - PSOAS_TABLES) or sorted(tables)


def _fetch_row(db: sqlite3.Connection, record_id: int) -> _RecordRow | None:
    """The sessions row with this id, if there is one."""
    values = db.execute(
        f"SELECT {_RECORD_FIELDS} FROM sessions WHERE id = ?", (record_id,)
    ).fetchone()
    return None if values is None else _RecordRow._make(values)


def _fetch_checks(
    db: sqlite3.Connection, where: str, params: Sequence[str | int]
) -> list[_CheckRow]:
    """The self_checks rows the condition ``where`` picks, in the order a record lists them."""
    return [
        _CheckRow._make(values)
        for values in db.execute(
            f"SELECT {_CHECK_FIELDS} FROM self_checks WHERE {where} "
            "ORDER BY session_id, test, side",
            params,
        )
    ]


def _filters(since: date | None, routine: str | None) -> tuple[str, list[str | int]]:
    """The WHERE clause and its parameters for the history's two filters."""
    where: list[str] = []
    params: list[str | int] = []
    if since is not None:
        # The day is the local date, never a whole day from the UTC one: the bound on the
        # start time lets SQLite look at the recent rows only.
        where.append("started >= ? AND day >= ?")
        params.extend((_utc_seconds(since - _A_DAY_AND_MORE), since.isoformat()))
    if routine is not None:
        where.append("routine = ?")
        params.append(routine)
    return (" WHERE " + " AND ".join(where) if where else ""), params


_A_DAY_AND_MORE = timedelta(days=2)
"""More than any UTC offset: a local date's runs all start after its midnight less this."""


def _utc_seconds(day: date) -> int:
    """The start of ``day`` in UTC, as stored start times count."""
    return int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp())


def since_date(text: str, today: date) -> date | None:
    """A --since value as a local date: 2026-11-01, today, yesterday, 10d or 4w ago; None if
    it is none of those."""
    text = text.strip().lower()
    named = {"today": 0, "yesterday": 1}
    if text in named:
        return today - timedelta(days=named[text])
    if 1 < len(text) <= MAX_STEP_DIGITS + 1 and digits_only(text[:-1]) and text[-1] in "dw":
        days = int(text[:-1]) * (7 if text[-1] == "w" else 1)
        return today - timedelta(days=days) if days <= 36_500 else None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _statements(script: str) -> Sequence[str]:
    """A migration's statements, split so each runs inside the migration's transaction."""
    return [part.strip() for part in script.split(";") if part.strip()]
