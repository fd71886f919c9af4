"""History as files: the JSON export that ``--import`` reads back, and rows for --json/--csv.

Each is written in pieces, a record at a time, so a history of any length goes out with
flat memory; the pieces join into exactly what one ``json.dumps`` of the whole would be.

An export holds every record with its ratings, note and self-check answers, keyed by a
``uid`` made when the run started, so importing the same file twice adds nothing the second
time. A file is checked whole before anything is written, and every mistake names its place.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from psoas_cli.errors import PsoasError
from psoas_cli.history.store import (
    OUTCOMES_BY_CODE,
    ActiveProgramme,
    CheckResult,
    RunRecord,
    outcome_code,
    side_code,
    side_from_code,
)
from psoas_cli.limits import PAIN_SCALE
from psoas_cli.reading import read_regular
from psoas_cli.value import Value

FORMAT_KEY = "psoas_history"
FORMAT_VERSION = 1
MAX_PROBLEMS = 20

MAX_IMPORT_BYTES = 50 * 2**20
"""The largest file import reads: 50 MB, ten times a decade of daily sessions."""

SQLITE_INT_MAX = 2**63 - 1
"""The largest whole number SQLite stores as one; a larger one would come back as a float."""

MAX_INT_DIGITS = len(str(SQLITE_INT_MAX))

MAX_SHOWN = 80
"""The most characters of a wrong value a message repeats."""

CSV_COLUMNS = (
    "id",
    "started",
    "routine",
    "title",
    "active_seconds",
    "paused_seconds",
    "outcome",
    "pain_before",
    "pain_after",
    "steps_done",
    "steps_skipped",
    "steps_total",
    "note",
    "self_checks",
)


class HistoryFileError(PsoasError):
    """A history file that cannot be imported, with each problem on its own line."""


def record_data(record: RunRecord, *, with_id: bool = True) -> dict[str, Any]:
    """A record as plain data; the export leaves out the local id, which is per database."""
    data: dict[str, Any] = {"id": record.id} if with_id else {}
    data.update(
        uid=record.uid,
        routine=record.routine,
        title=record.title,
        started=record.started.isoformat(timespec="seconds"),
        ended=record.ended.isoformat(timespec="seconds"),
        active_seconds=record.active_seconds,
        paused_seconds=record.paused_seconds,
        steps_done=record.steps_done,
        steps_skipped=record.steps_skipped,
        steps_total=record.steps_total,
        outcome=outcome_code(record.outcome),
        pain_before=record.pain_before,
        pain_after=record.pain_after,
        note=record.note,
        self_checks=[
            {
                "test": c.test,
                "question": c.question,
                "side": side_code(c.side),
                "answer": c.answer,
                "rank": c.rank,
            }
            for c in record.checks
        ],
    )
    return data


PROGRAMME_KEY = "programme"
"""The active programme in an export: optional, so exports from before programmes still read."""


def export_chunks(
    oldest_first: Iterable[RunRecord],
    exported: datetime,
    programme: ActiveProgramme | None = None,
) -> Iterator[str]:
    """The records as one JSON document, in pieces, with the active programme when there
    is one; ``oldest_first`` is the order the file keeps them in."""
    head: dict[str, Any] = {
        FORMAT_KEY: FORMAT_VERSION,
        "exported": exported.isoformat(timespec="seconds"),
    }
    if programme is not None:
        head[PROGRAMME_KEY] = {"name": programme.name, "start": programme.start.isoformat()}
    head["sessions"] = []
    opening = _dumped(head)
    empty_list_and_close = "[]\n}"
    yield opening.removesuffix(empty_list_and_close)
    yield from json_list_chunks((record_data(r, with_id=False) for r in oldest_first), depth=1)
    yield "\n}\n"


def json_list_chunks(items: Iterable[Any], *, depth: int = 0) -> Iterator[str]:
    """A JSON list as ``json.dumps(list, indent=2)`` writes it ``depth`` levels deep, in
    pieces of one item each. An item's own lines are indented by adding to each newline:
    JSON text keeps newlines inside strings escaped, so every newline is a line break."""
    inside = "\n" + "  " * (depth + 1)
    opened = False
    for item in items:
        yield ("[" if not opened else ",") + inside + _dumped(item).replace("\n", inside)
        opened = True
    yield "\n" + "  " * depth + "]" if opened else "[]"


def _dumped(data: object) -> str:
    """Data as JSON as psoas prints it: indented by two, non-ASCII text kept as it is."""
    return json.dumps(data, indent=2, ensure_ascii=False)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets."""


def spreadsheet_cell(text: str) -> str:
    """Text a spreadsheet shows as text: a formula start gets a leading single quote.

    An imported history can hold a routine name or note like ``=HYPERLINK(...)``; opened from
    ``history --csv`` it would run. The quote is what spreadsheets themselves use to mean
    "this is text"; the JSON export, read by programs, keeps the stored text as it is.
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_new_file(path: Path, chunks: Iterable[str]) -> None:
    """Write the text in ``chunks`` to ``path``, which must not exist, whole or not at all,
    with its line ends as given (a calendar file's CRLF must not become CRCRLF on Windows).

    The text goes to a temporary file in the same folder and is put in place only once it is
    on disk, so a full disk or a crash leaves no half-written export.
    """
    try:
        with tempfile.NamedTemporaryFile(
            "w",
            encoding="utf-8",
            newline="",
            dir=path.parent,
            prefix=f".{path.name}.",
            suffix=".tmp",
            delete=False,
        ) as file:
            temporary = Path(file.name)
            try:
                file.writelines(chunks)
                file.flush()
                os.fsync(file.fileno())
                os.fchmod(file.fileno(), 0o666 & ~_umask())
                _put_in_place(temporary, path)
            finally:
                temporary.unlink(missing_ok=True)
    except FileExistsError:
        raise HistoryFileError(f"{path} already exists; it is left as it is.") from None
    except OSError as exc:
        raise HistoryFileError(f"cannot write {path}: {exc.strerror or exc}") from None


def _put_in_place(temporary: Path, path: Path) -> None:
    """Give the finished file its name without ever replacing a file that appeared meanwhile:
    a hard link fails if the name is taken, where a rename would overwrite it. A file system
    without hard links gets a rename after one last look."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError:
        if path.exists():
            raise FileExistsError(path) from None
        temporary.rename(path)


def _umask() -> int:
    """The process's umask, which a temporary file ignores but a new export should follow."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def csv_chunks(records: Iterable[RunRecord]) -> Iterator[str]:
    """Records as CSV, a header row then one row per record, each row its own piece; text
    cells are never formulas."""
    out = io.StringIO(newline="")
    # Rows end in CRLF, as RFC 4180 says: the writer then quotes a CR inside a note too,
    # which with a bare LF ending it leaves loose, splitting the row in a spreadsheet.
    writer = csv.writer(out, lineterminator="\r\n")

    def line(row: Iterable[object]) -> str:
        out.seek(0)
        out.truncate()
        writer.writerow(row)
        return out.getvalue()

    yield line(CSV_COLUMNS)
    for r in records:
        checks = "; ".join(
            f"{side_code(c.side)}: {c.answer}" if c.side else c.answer for c in r.checks
        )
        yield line(
            (
                r.id,
                r.started.isoformat(timespec="seconds"),
                spreadsheet_cell(r.routine),
                spreadsheet_cell(r.title),
                f"{r.active_seconds:.0f}",
                f"{r.paused_seconds:.0f}",
                outcome_code(r.outcome),
                "" if r.pain_before is None else r.pain_before,
                "" if r.pain_after is None else r.pain_after,
                r.steps_done,
                r.steps_skipped,
                r.steps_total,
                spreadsheet_cell(r.note),
                spreadsheet_cell(checks),
            )
        )


class Export(Value, kw_only=False):
    """What an export file holds: its records, and the programme active when it was made."""

    records: list[RunRecord]
    programme: ActiveProgramme | None


def read_export(path: Path) -> list[RunRecord]:
    """The records in an export file, all checked before any is returned."""
    return read_export_file(path).records


def read_export_file(path: Path) -> Export:
    """An export file's records and programme, all checked before any is returned."""
    text = _export_text(path)
    reader = _Reader(str(path))
    try:
        document = json.loads(
            text, parse_constant=_non_finite, parse_int=_bounded_int, parse_float=float
        )
    except json.JSONDecodeError as exc:
        raise HistoryFileError(
            f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}"
        ) from None
    except RecursionError:
        raise HistoryFileError(
            f"{path}: lists or mappings nested deeper than a psoas export ever is"
        ) from None
    records = reader.document(document)
    programme = reader.programme(document)
    if reader.problems:
        shown = reader.problems[:MAX_PROBLEMS]
        more = len(reader.problems) - len(shown)
        if more:
            shown.append(f"... and {more} more")
        raise HistoryFileError("\n".join(shown))
    return Export(records, programme)


def _export_text(path: Path) -> str:
    """The text of an export file, refused unread past MAX_IMPORT_BYTES or when not UTF-8.

    Reading one byte past the limit, rather than trusting the file's size, also bounds what
    is read from a file whose size the OS does not know.
    """
    too_big = (
        f"{path}: larger than {MAX_IMPORT_BYTES // 2**20} MB, far more than any psoas export; "
        "is it the right file?"
    )
    try:
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise HistoryFileError(too_big)
        data = read_regular(path, MAX_IMPORT_BYTES + 1)
    except OSError as exc:
        raise HistoryFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_IMPORT_BYTES:
        raise HistoryFileError(too_big)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise HistoryFileError(
            f"{path}:{line}:{column}: not valid UTF-8 (byte 0x{data[exc.start]:02x})"
        ) from None


def _non_finite(name: str) -> float:
    """NaN and Infinity, which JSON does not allow but Python's reader takes: kept as floats
    so the field check that meets one can name its place and refuse it."""
    return float(name)


class _LongNumber(Value, kw_only=False):
    """A whole number too long for any count in a history, kept unconverted only to be
    refused: Python will not even convert one past 4,300 digits."""

    digits: int

    def __str__(self) -> str:
        return f"a number of {self.digits} digits"


def _bounded_int(text: str) -> int | _LongNumber:
    """A JSON whole number; one too long for SQLite is marked, not converted."""
    digits = len(text.lstrip("-"))
    return int(text) if digits <= MAX_INT_DIGITS else _LongNumber(digits)


Check = Callable[[object], tuple[object, str]]
"""A field check: the value as the record wants it, and what is wrong ("" when nothing)."""


class _Reader:
    """Checks an export's fields, collecting every problem with its place in the file."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[str] = []

    def report(self, where: str, message: str) -> None:
        self.problems.append(f"{self.filename}: {where}: {message}")

    def document(self, document: object) -> list[RunRecord]:
        if not isinstance(document, dict) or document.get(FORMAT_KEY) != FORMAT_VERSION:
            self.report(
                FORMAT_KEY,
                f"not a psoas history export (expected {FORMAT_KEY!r}: {FORMAT_VERSION}); "
                "make one with: psoas history --export FILE",
            )
            return []
        entries = document.get("sessions")
        if not isinstance(entries, list):
            self.report("sessions", "expected a list of sessions")
            return []
        records = [self.record(item, f"sessions[{i}]") for i, item in enumerate(entries)]
        self.duplicate_uids(entries)
        return [r for r in records if r is not None]

    def programme(self, document: object) -> ActiveProgramme | None:
        """The export's active programme, if it names one: a name and an ISO start date."""
        if not isinstance(document, dict) or PROGRAMME_KEY not in document:
            return None
        value = document[PROGRAMME_KEY]
        name = value.get("name") if isinstance(value, dict) else None
        start = value.get("start") if isinstance(value, dict) else None
        try:
            day = date.fromisoformat(start) if isinstance(start, str) else None
        except ValueError:
            day = None
        if not (_is_text(name) and isinstance(name, str) and name.strip()) or day is None:
            self.report(
                PROGRAMME_KEY,
                f"expected a programme's name and start date (YYYY-MM-DD), got {_shown(value)}",
            )
            return None
        return ActiveProgramme(name=name, start=day)

    def duplicate_uids(self, entries: list[Any]) -> None:
        """Name each session whose uid an earlier one has: import would keep only the first,
        so the file is not the export it claims to be."""
        first: dict[str, int] = {}
        for i, item in enumerate(entries):
            uid = item.get("uid") if isinstance(item, dict) else None
            if not isinstance(uid, str):
                continue
            if uid in first:
                self.report(
                    f"sessions[{i}].uid",
                    f"the same uid as sessions[{first[uid]}]; each session appears once "
                    "in an export",
                )
            else:
                first[uid] = i

    def record(self, item: object, where: str) -> RunRecord | None:
        if not isinstance(item, dict):
            self.report(where, "expected a session (a mapping of fields)")
            return None
        before = len(self.problems)

        def get(name: str, check: Check, *, optional: bool = False) -> Any:
            return self.value(item, where, name, check, optional=optional)

        record = RunRecord(
            id=0,
            uid=get("uid", _text),
            routine=get("routine", _text),
            title=get("title", _text),
            started=get("started", _time),
            ended=get("ended", _time),
            active_seconds=get("active_seconds", _seconds),
            paused_seconds=get("paused_seconds", _seconds),
            steps_done=get("steps_done", _count),
            steps_skipped=get("steps_skipped", _count),
            steps_total=get("steps_total", _count),
            outcome=get("outcome", _outcome),
            pain_before=get("pain_before", _pain, optional=True),
            pain_after=get("pain_after", _pain, optional=True),
            note=get("note", _note, optional=True) or "",
            checks=tuple(self.checks(item.get("self_checks", []), f"{where}.self_checks")),
        )
        self.in_order(record, where)
        return record if len(self.problems) == before else None

    def in_order(self, record: RunRecord, where: str) -> None:
        """Report a record that ends before it starts, which no clock could have written."""
        started: datetime | None = record.started
        ended: datetime | None = record.ended
        if started is not None and ended is not None and ended < started:
            self.report(
                f"{where}.ended",
                f"ends before it started ({started.isoformat()}), got {ended.isoformat()}",
            )

    def checks(self, items: object, where: str) -> list[CheckResult]:
        if not isinstance(items, list):
            self.report(where, "expected a list of self-check answers")
            return []
        results = []
        for i, item in enumerate(items):
            place = f"{where}[{i}]"
            if not isinstance(item, dict):
                self.report(place, "expected a self-check answer (a mapping of fields)")
                continue
            before = len(self.problems)
            result = CheckResult(
                test=self.value(item, place, "test", _text),
                question=self.value(item, place, "question", _text),
                side=self.value(item, place, "side", _side),
                answer=self.value(item, place, "answer", _text),
                rank=self.value(item, place, "rank", _count),
            )
            if len(self.problems) == before:
                results.append(result)
        return results

    def value(
        self, item: dict[str, Any], where: str, name: str, check: Check, *, optional: bool = False
    ) -> Any:
        """The checked value of field ``name``, or None after reporting what is wrong."""
        if name not in item or (optional and item[name] is None):
            if not optional:
                self.report(f"{where}.{name}", "required field is missing")
            return None
        value, problem = check(item[name])
        if problem:
            self.report(f"{where}.{name}", f"{problem}, got {_shown(item[name])}")
            return None
        return value


def _shown(value: object) -> str:
    """A value as the file wrote it, for a message: escaped, and cut short if long."""
    if isinstance(value, _LongNumber):
        return str(value)
    text = json.dumps(value, default=str)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "..."


def _is_text(value: object) -> bool:
    """Text SQLite can keep: a string that is valid Unicode, so no lone surrogate escape."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _text(value: object) -> tuple[object, str]:
    ok = _is_text(value) and str(value).strip() != ""
    return value, "" if ok else "expected text"


def _seconds(value: object) -> tuple[object, str]:
    ok = (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 <= value <= SQLITE_INT_MAX
    )
    return value, "" if ok else "expected a finite number of seconds, 0 or more"


def _count(value: object) -> tuple[object, str]:
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= SQLITE_INT_MAX
    return value, "" if ok else f"expected a whole number from 0 to {SQLITE_INT_MAX}"


def _pain(value: object) -> tuple[object, str]:
    ok = isinstance(value, int) and not isinstance(value, bool) and value in PAIN_SCALE
    return value, "" if ok else "expected a pain rating from 0 to 10, or null"


def _time(value: object) -> tuple[object, str]:
    problem = "expected a date and time with its UTC offset, like 2026-11-21T07:30:00+01:00"
    if not isinstance(value, str):
        return None, problem
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None, problem
    if moment.utcoffset() is None:
        return None, problem
    if not in_calendar(moment):
        return None, "expected a time between the years 1 and 9999 both as written and in UTC"
    return moment, ""


def in_calendar(moment: datetime) -> bool:
    """Whether a time's UTC form is a date too: history stores UTC, and reading a time whose
    UTC form falls in year 0 or 10000 back would fail."""
    try:
        moment.astimezone(timezone.utc)
    except OverflowError:
        return False
    return True


def _note(value: object) -> tuple[object, str]:
    return value, "" if _is_text(value) else "expected text"


def _outcome(value: object) -> tuple[object, str]:
    if isinstance(value, str) and value in OUTCOMES_BY_CODE:
        return OUTCOMES_BY_CODE[value], ""
    return None, "expected one of " + ", ".join(OUTCOMES_BY_CODE)


def _side(value: object) -> tuple[object, str]:
    if value in ("left", "right", "none"):
        return side_from_code(str(value)), ""
    return None, "expected left, right or none"
