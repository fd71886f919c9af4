"""Keeps one run's history record up to date while it happens.

The record is written when the run starts (as interrupted, with nothing done), brought up to
date at every step, pause and ending, and finished with the outcome; so Ctrl-C, SIGTERM or a
crash anywhere leaves a record that is right up to the last step. A storage fault stops the
recording and is reported once; it never stops the run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

from psoas_cli.history.store import CheckResult, History, HistoryError, NewRecord, RunProgress
from psoas_cli.library.plan import Plan
from psoas_cli.outcome import Outcome
from psoas_cli.run.engine import Event, Paused, RunReport, SegmentStarted

T = TypeVar("T")


def progress_of(report: RunReport) -> RunProgress:
    """What the history keeps of the engine's report: how many steps, not which."""
    return RunProgress(
        outcome=report.outcome,
        active_seconds=report.active_seconds,
        paused_seconds=report.paused_seconds,
        steps_done=len(report.steps_done),
        steps_skipped=len(report.steps_skipped),
    )


class Recorder:
    """An engine listener that writes the run it hears about into the history."""

    def __init__(
        self, path: Path, *, clock: Callable[[], float], now: Callable[[], datetime]
    ) -> None:
        self._clock = clock
        self._now = now
        self._history: History | None = None
        self._record_id: int | None = None
        self._started_at = 0.0
        self._started = now()
        self._report_so_far: Callable[[Outcome], RunReport] | None = None
        self._step: int | None = None
        self.problem = ""
        """Why recording stopped, in words for the person; empty while all is well."""
        try:
            self._history = History.open(path)
        except HistoryError as exc:
            self.problem = str(exc)

    @property
    def partly_recorded(self) -> bool:
        """A record was started but a later write failed, so it stops short of the end."""
        return bool(self.problem) and self._record_id is not None

    @property
    def record_id(self) -> int | None:
        """The id the run is recorded under, once it has started and while recording works."""
        return self._record_id if self._history is not None else None

    def begin(self, plan: Plan, *, pain_before: int | None, note: str) -> None:
        """Record the run as started now."""
        self._started_at = self._clock()
        self._started = self._now()
        self._record_id = self._write(
            lambda history: history.start(
                NewRecord(
                    routine=plan.routine.name,
                    title=plan.routine.title,
                    started=self._started,
                    steps_total=len(plan.step_indices),
                    pain_before=pain_before,
                    note=note,
                )
            )
        )

    def follow(self, report_so_far: Callable[[Outcome], RunReport]) -> None:
        """Where to ask how far the run has got (the engine's ``report``)."""
        self._report_so_far = report_so_far

    def __call__(self, event: Event) -> None:
        """Save progress as each step starts and at each pause; ``Session`` saves the end."""
        if self._report_so_far is not None and (
            isinstance(event, Paused)
            or (isinstance(event, SegmentStarted) and event.moment.segment.step != self._step)
        ):
            if isinstance(event, SegmentStarted):
                self._step = event.moment.segment.step
            self.save(self._report_so_far(Outcome.INTERRUPTED))

    def save(self, report: RunReport) -> None:
        """Bring the record up to date with ``report``."""
        ended = self._started + timedelta(seconds=self._clock() - self._started_at)
        progress = progress_of(report)
        self._write_to_record(lambda history, record_id: history.update(record_id, progress, ended))

    def add_pain_after(self, pain: int) -> None:
        """Keep the rating given after the run."""
        self._write_to_record(lambda history, record_id: history.set_pain_after(record_id, pain))

    def add_checks(self, checks: Sequence[CheckResult]) -> None:
        """Keep self-check answers."""
        if checks:
            self._write_to_record(lambda history, record_id: history.add_checks(record_id, checks))

    def close(self) -> None:
        """Let go of the database."""
        if self._history is not None:
            self._history.close()
            self._history = None

    def _write_to_record(self, write: Callable[[History, int], None]) -> None:
        """Write to this run's record, once it has one."""
        record_id = self._record_id
        if record_id is not None:
            self._write(lambda history: write(history, record_id))

    def _write(self, write: Callable[[History], T]) -> T | None:
        """Do one write; the first fault is kept for the person and ends the recording."""
        if self._history is None:
            return None
        try:
            return write(self._history)
        except HistoryError as exc:
            self.problem = str(exc)
            self.close()
            return None
