"""History as files: the JSON export that ``--import`` reads back, and rows for --json/--csv.

An export holds every record with its ratings, note and self-check answers, keyed by a
``uid`` made when the run started, so importing the same file twice adds nothing the second
time. A file is checked whole before anything is written, and every mistake names its place.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from psoas_cli.errors import PsoasError
from psoas_cli.history.store import (
    OUTCOMES_BY_CODE,
    PAIN_SCALE,
    CheckResult,
    RunRecord,
    outcome_code,
    side_code,
    side_from_code,
)
from psoas_cli.reading import read_regular

FORMAT_KEY = "psoas_history"
FORMAT_VERSION = 1
MAX_PROBLEMS = 20

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


def export_text(records: Sequence[RunRecord], exported: datetime) -> str:
    """Everything in the history as one JSON document, oldest record first."""
    document = {
        FORMAT_KEY: FORMAT_VERSION,
        "exported": exported.isoformat(timespec="seconds"),
        "sessions": [record_data(r, with_id=False) for r in reversed(records)],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def csv_text(records: Sequence[RunRecord]) -> str:
    """Records as CSV with a header row, one row per record."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in records:
        checks = "; ".join(
            f"{side_code(c.side)}: {c.answer}" if c.side else c.answer for c in r.checks
        )
        writer.writerow(
            (
                r.id,
                r.started.isoformat(timespec="seconds"),
                r.routine,
                r.title,
                f"{r.active_seconds:.0f}",
                f"{r.paused_seconds:.0f}",
                outcome_code(r.outcome),
                "" if r.pain_before is None else r.pain_before,
                "" if r.pain_after is None else r.pain_after,
                r.steps_done,
                r.steps_skipped,
                r.steps_total,
                r.note,
                checks,
            )
        )
    return out.getvalue()


def read_export(path: Path) -> list[RunRecord]:
    """The records in an export file, all checked before any is returned."""
    try:
        text = read_regular(path).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise HistoryFileError(f"cannot read {path}: {exc}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HistoryFileError(
            f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}"
        ) from None
    reader = _Reader(str(path))
    records = reader.document(document)
    if reader.problems:
        shown = reader.problems[:MAX_PROBLEMS]
        more = len(reader.problems) - len(shown)
        if more:
            shown.append(f"... and {more} more")
        raise HistoryFileError("\n".join(shown))
    return records


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
        return [r for r in records if r is not None]

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
        return record if len(self.problems) == before else None

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
            self.report(f"{where}.{name}", f"{problem}, got {json.dumps(item[name])}")
            return None
        return value


def _text(value: object) -> tuple[object, str]:
    ok = isinstance(value, str) and value.strip() != ""
    return value, "" if ok else "expected text"


def _seconds(value: object) -> tuple[object, str]:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
    return value, "" if ok else "expected a number of seconds, 0 or more"


def _count(value: object) -> tuple[object, str]:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return value, "" if ok else "expected a whole number, 0 or more"


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
    return (moment, "") if moment.utcoffset() is not None else (None, problem)


def _note(value: object) -> tuple[object, str]:
    return value, "" if isinstance(value, str) else "expected text"


def _outcome(value: object) -> tuple[object, str]:
    if isinstance(value, str) and value in OUTCOMES_BY_CODE:
        return OUTCOMES_BY_CODE[value], ""
    return None, "expected one of " + ", ".join(OUTCOMES_BY_CODE)


def _side(value: object) -> tuple[object, str]:
    if value in ("left", "right", "none"):
        return side_from_code(str(value)), ""
    return None, "expected left, right or none"
