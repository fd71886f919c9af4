"""Keeps one run's history record up to date while it happens, off the clock's path.

The record is written when the run starts (as interrupted, with nothing done), brought up to
date at every step, pause and ending, and finished with the outcome; so Ctrl-C, SIGTERM or a
crash anywhere leaves a record that is right up to the last step. A storage fault stops the
recording and is reported once; it never stops the run.

Writes happen on a writer thread, in order, so a database that another program keeps
locked never freezes the countdown or the keys: the thread waits briefly, tries again, and
the run goes on. After the run the last writes get a bounded time (``FINAL_WAIT_SECONDS``);
whatever is still not written then is reported plainly.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from psoas_cli.history.store import (
    BUSY_TIMEOUT_SECONDS,
    CheckResult,
    History,
    HistoryBusy,
    HistoryError,
    NewRecord,
    RunProgress,
)
from psoas_cli.library.plan import Plan
from psoas_cli.outcome import Outcome
from psoas_cli.run.engine import Answered, Event, Paused, RunReport, SegmentStarted

ATTEMPT_SECONDS = 0.25
"""How long one write waits for another program's lock before the writer tries again; short,
so a give-up after the run is noticed quickly."""

FINAL_WAIT_SECONDS = 10.0
"""How long the writes still pending when the run ends may wait for a locked file."""

Write = Callable[[History], None]


def progress_of(report: RunReport) -> RunProgress:
    """What the history keeps of the engine's report: how many steps, not which."""
    return RunProgress(
        outcome=report.outcome,
        active_seconds=report.active_seconds,
        paused_seconds=report.paused_seconds,
        steps_done=len(report.steps_done),
        steps_skipped=len(report.steps_skipped),
    )


def answer_of(answered: Answered) -> CheckResult:
    """A self-check answer as history keeps it."""
    return CheckResult(
        test=answered.test,
        question=answered.check.question,
        side=answered.segment.side,
        answer=answered.check.answers[answered.rank],
        rank=answered.rank,
    )


class Recorder:
    """An engine listener that writes the run it hears about into the history.

    Only the writer thread touches the database; the run's thread just queues writes.
    """

    def __init__(
        self, path: Path, *, clock: Callable[[], float], now: Callable[[], datetime]
    ) -> None:
        self._path = path
        self._clock = clock
        self._now = now
        self._record_id: int | None = None
        self._started_at = 0.0
        self._started = now()
        self._report_so_far: Callable[[Outcome], RunReport] | None = None
        self._step: int | None = None
        self._problem = ""
        self._writes: deque[Write] = deque()
        self._busy = False
        self._stopping = False
        self._giving_up = False
        self._changed = threading.Condition()
        self._opened = threading.Event()
        self._thread = threading.Thread(target=self._work, name="psoas-history", daemon=True)
        # The file is opened on the writer thread while the run's screen is set up;
        # ``problem`` waits for it, so the safety screen can still say if it failed.
        self._thread.start()

    @property
    def problem(self) -> str:
        """Why recording stopped, in words for the person; empty while all is well. Waits
        for the opening of the file, which is the first thing that can fail."""
        self._opened.wait()
        return self._problem

    @property
    def partly_recorded(self) -> bool:
        """A record was started but a later write failed, so it stops short of the end."""
        return bool(self.problem) and self._record_id is not None

    @property
    def record_id(self) -> int | None:
        """The id the run is recorded under, once it has started and while recording works."""
        return None if self.problem else self._record_id

    def begin(self, plan: Plan, *, pain_before: int | None, note: str) -> None:
        """Record the run as started now."""
        self._started_at = self._clock()
        self._started = self._now()
        new = NewRecord(
            routine=plan.routine.name,
            title=plan.routine.title,
            started=self._started,
            steps_total=len(plan.step_indices),
            pain_before=pain_before,
            note=note,
        )

        def start(history: History) -> None:
            self._record_id = history.start(new)

        self._queue(start)

    def follow(self, report_so_far: Callable[[Outcome], RunReport]) -> None:
        """Where to ask how far the run has got (the engine's ``report``)."""
        self._report_so_far = report_so_far

    def __call__(self, event: Event) -> None:
        """Save progress as each step starts and at each pause, and a self-check's answer
        as it is given; ``Session`` saves the end."""
        if isinstance(event, Answered):
            self.add_checks([answer_of(event)])
        if self._report_so_far is not None and (
            isinstance(event, Paused)
            or (isinstance(event, SegmentStarted) and event.moment.segment.step != self._step)
        ):
            if isinstance(event, SegmentStarted):
                self._step = event.moment.segment.step
            self.save(self._report_so_far(Outcome.INTERRUPTED))

    def save(self, report: RunReport) -> None:
        """Bring the record up to date with ``report``, timed now rather than when written."""
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

    def written(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for every queued write; whether they are all done."""
        with self._changed:
            return self._changed.wait_for(self._idle, timeout)

    def finish(self) -> None:
        """Give pending writes ``FINAL_WAIT_SECONDS``; writes still waiting for a lock then
        are dropped and ``problem`` says so, so what is reported is what is stored."""
        if not self.written(FINAL_WAIT_SECONDS):
            with self._changed:
                self._giving_up = True
                self._changed.notify_all()
            self.written(ATTEMPT_SECONDS * 4)

    def close(self) -> None:
        """Finish the pending writes, then let go of the database."""
        self.finish()
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        self._thread.join(ATTEMPT_SECONDS * 4)

    def _idle(self) -> bool:
        return not self._writes and not self._busy

    def _write_to_record(self, write: Callable[[History, int], None]) -> None:
        """Write to this run's record, once the writer has made one."""

        def to_record(history: History) -> None:
            if self._record_id is not None:
                write(history, self._record_id)

        self._queue(to_record)

    def _queue(self, write: Write) -> None:
        with self._changed:
            if not self.problem:
                self._writes.append(write)
                self._changed.notify_all()

    def _work(self) -> None:
        """The writer thread: open the file, then do each write in order until told to stop."""
        try:
            history = self._open()
        finally:
            self._opened.set()
        if history is None:
            return
        try:
            while (write := self._next_write()) is not None:
                self._attempt(history, write)
                with self._changed:
                    self._busy = False
                    self._changed.notify_all()
        finally:
            history.close()

    def _open(self) -> History | None:
        """The history, waiting for another program's lock as long as any write would."""
        deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
        while True:
            try:
                return History.open(self._path, busy_timeout=ATTEMPT_SECONDS)
            except HistoryBusy as exc:
                if time.monotonic() >= deadline:
                    self._problem = str(exc)
                    return None
            except HistoryError as exc:
                self._problem = str(exc)
                return None

    def _next_write(self) -> Write | None:
        """The oldest queued write, or None once stopping with nothing left to do."""
        with self._changed:
            self._changed.wait_for(lambda: bool(self._writes) or self._stopping)
            if not self._writes or self.problem:
                self._writes.clear()
                return None
            self._busy = True
            return self._writes.popleft()

    def _attempt(self, history: History, write: Write) -> None:
        """Do one write, trying again while the file is locked and the run is not given up.

        Any other fault, or giving up, ends the recording with ``problem`` saying why.
        """
        while True:
            try:
                write(history)
                return
            except HistoryBusy:
                if self._giving_up:
                    self._fail(
                        f"the history file {self._path} stayed locked by another program "
                        f"until {FINAL_WAIT_SECONDS:g} s after the run, so psoas stopped "
                        "waiting to save it."
                    )
                    return
            except HistoryError as exc:
                self._fail(str(exc))
                return

    def _fail(self, problem: str) -> None:
        with self._changed:
            self._problem = problem
            self._writes.clear()
