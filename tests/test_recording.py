"""Runs go into the history as they happen: partial records at every kind of ending, the
questions asked around a run, and a run that still works when the history cannot."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from itertools import accumulate
from pathlib import Path

import pytest
from fakes import FakeClock, ScriptedCommands, fake_session

from psoas_cli.display.plain import PlainDisplay
from psoas_cli.history.store import History, HistoryError, RunRecord
from psoas_cli.library.catalog import Catalog
from psoas_cli.library.plan import Plan, build_plan
from psoas_cli.outcome import Outcome
from psoas_cli.paths import history_path
from psoas_cli.run import recorder
from psoas_cli.run.engine import Answer, Command, Event, RunReport, SegmentStarted, Stopped
from psoas_cli.session import RunSettings, Session

C = Command
CET = timezone(timedelta(hours=1))
MORNING = datetime(2026, 11, 20, 7, 30, tzinfo=CET)


class Interrupting(ScriptedCommands):
    """Ctrl-C arrives once the clock reaches ``at`` seconds into the run."""

    def __init__(self, clock: FakeClock, at: float, *, interactive: bool = False) -> None:
        super().__init__(clock, interactive=interactive)
        self.at = at

    def next_command(self, timeout: float) -> Command | Stopped | Answer | None:
        if self.clock.now + timeout >= self.start + self.at:
            self.clock.now = self.start + self.at
            raise KeyboardInterrupt
        return super().next_command(timeout)


def run(
    plan: Plan,
    keys: ScriptedCommands | None = None,
    settings: RunSettings | None = None,
    clock: FakeClock | None = None,
) -> str:
    """Run on a fake clock and fake wall clock that moves with it; returns what was printed."""
    clock = clock or (keys.clock if keys else FakeClock())
    out = io.StringIO()
    session = fake_session(clock, out, keys=keys, started=MORNING)
    session.run(plan, settings or RunSettings(plain=True))
    return out.getvalue()


def recorded() -> list[RunRecord]:
    """Every session in the test's history, newest first."""
    history = History.read(history_path())
    if history is None:
        return []
    with history:
        return history.records()


def written_soon(wanted: Callable[[RunRecord], bool]) -> tuple[Outcome, int]:
    """The one record's outcome and steps once ``wanted`` holds (the writer thread has caught
    up), or as they are after two seconds."""
    deadline = time.monotonic() + 2.0
    while True:
        sessions = recorded()
        if sessions and (wanted(sessions[0]) or time.monotonic() > deadline):
            return sessions[0].outcome, sessions[0].steps_done
        time.sleep(0.01)


def step_ends(plan: Plan) -> list[float]:
    """Seconds from the start at which each step of the plan is done."""
    ends = list(accumulate(s.duration for s in plan.segments))
    return [
        max(e for e, s in zip(ends, plan.segments, strict=True) if s.step == step)
        for step in plan.step_indices
    ]


@pytest.fixture
def daily(builtin_catalog: Catalog) -> Plan:
    """The daily 10-minute routine as it runs by default."""
    return build_plan(builtin_catalog.routines["daily-10min"].routine)


def test_a_completed_run_is_recorded_with_its_ratings_and_note(daily: Plan) -> None:
    """Without a keyboard, ratings come from the options and the record is complete."""
    out = run(daily, settings=RunSettings(plain=True, pain_before=5, pain_after=3, note="stiff"))
    (session,) = recorded()
    assert session.routine == "daily-10min"
    assert session.title == "Daily 10-minute psoas routine"
    assert session.outcome is Outcome.COMPLETED
    assert session.active_seconds == pytest.approx(daily.total)
    assert (session.steps_done, session.steps_skipped, session.steps_total) == (5, 0, 5)
    assert (session.pain_before, session.pain_after, session.note) == (5, 3, "stiff")
    assert session.started == MORNING
    assert session.ended == MORNING + timedelta(seconds=daily.total)
    assert out.rstrip().endswith("Saved as session 1: see psoas history, psoas stats.")


@pytest.mark.parametrize("at", [2.0, 130.0, 333.3, 600.0])
def test_ctrl_c_anywhere_leaves_a_record_true_to_that_moment(daily: Plan, at: float) -> None:
    """Interrupted during get-ready, at a step boundary, mid-set and late: time and steps match."""
    clock = FakeClock()
    run(daily, Interrupting(clock, at), RunSettings(plain=True))
    (session,) = recorded()
    assert session.outcome is Outcome.INTERRUPTED
    assert session.active_seconds == pytest.approx(at)
    assert session.steps_done == sum(1 for end in step_ends(daily) if end <= at)
    assert session.ended == MORNING + timedelta(seconds=at)


@pytest.mark.parametrize(
    ("script", "outcome", "seconds"),
    [
        ([(200.0, C.QUIT), (203.0, C.CONFIRM)], Outcome.QUIT, 200.0),
        ([(90.0, C.HURT)], Outcome.HURT, 90.0),
        ([(10.0, C.PAUSE), (70.0, C.PAUSE), (140.0, C.QUIT), (141.0, C.QUIT)], Outcome.QUIT, 80.0),
    ],
)
def test_quit_and_this_hurts_are_recorded_as_such(
    daily: Plan, script: list[tuple[float, Command]], outcome: Outcome, seconds: float
) -> None:
    """q then y, '!', and a paused-then-quit run: outcome and active time (pauses excluded)."""
    clock = FakeClock()
    run(daily, ScriptedCommands(clock, script), RunSettings(plain=True, yes=True))
    (session,) = recorded()
    assert session.outcome is outcome
    assert session.active_seconds == pytest.approx(seconds)


def test_the_record_is_kept_up_to_date_during_the_run(daily: Plan) -> None:
    """Another reader sees each finished step while the run is still going (as after kill -9)."""
    third_step_done = step_ends(daily)[2]
    seen: list[tuple[Outcome, int]] = []

    class Peeking(ScriptedCommands):
        def next_command(self, timeout: float) -> Command | Stopped | Answer | None:
            if not seen and self.clock.now >= self.start + third_step_done + 1:
                seen.append(written_soon(lambda s: s.steps_done == 3))
            return super().next_command(timeout)

    run(daily, Peeking(FakeClock(), interactive=False), RunSettings(plain=True))
    assert seen == [(Outcome.INTERRUPTED, 3)]
    assert recorded()[0].outcome is Outcome.COMPLETED


def test_at_a_keyboard_pain_is_asked_before_and_after(daily: Plan) -> None:
    """Typing 10, two Backspaces, 4 and Enter starts the run rated 4; 2 and Enter rate it after."""
    keys = ScriptedCommands(
        FakeClock(),
        [(30.0, C.QUIT), (31.0, C.CONFIRM)],
        typed=["1", "0", "backspace", "backspace", "4", "enter", "2", "enter"],
    )
    out = run(daily, keys)
    (session,) = recorded()
    assert (session.pain_before, session.pain_after) == (4, 2)
    assert session.outcome is Outcome.QUIT
    assert "Pain now, 0-10: 10\b \b\b \b4\n" in out
    assert "Pain now, 0 to 10? (Enter skips) 2\n" in out


def test_enter_skips_the_ratings_and_q_at_the_first_question_cancels(daily: Plan) -> None:
    """Enter leaves a rating empty; q before the start records nothing at all."""
    run(daily, ScriptedCommands(FakeClock(), [(5.0, C.HURT)], typed=["enter", "enter"]))
    (session,) = recorded()
    assert (session.pain_before, session.pain_after) == (None, None)
    out = run(daily, ScriptedCommands(FakeClock(), typed=["q"]))
    assert "Not started." in out
    assert len(recorded()) == 1


def test_the_hang_test_asks_after_each_side_while_the_person_still_knows(
    builtin_catalog: Catalog,
) -> None:
    """Each side's question comes as that side's hold ends, before the switch; the digits
    pressed are stored with their rank, and the pain question still ends the run."""
    plan = build_plan(builtin_catalog.routines["hang-test"].routine)
    left_ends = 5 + 10 + 30
    right_ends = left_ends + 4 + 5 + 30  # answered 4 s after the left side, then the switch
    script = [(left_ends + 4, Answer(1)), (right_ends + 2, Answer(3))]
    out = run(plan, ScriptedCommands(FakeClock(), script, typed=["enter", "enter"]))
    (session,) = recorded()
    assert [(c.side and c.side.value, c.answer, c.rank) for c in session.checks] == [
        ("left", "level with the bench, or below it", 0),
        ("right", "well above level", 2),
    ]
    assert (
        "Left side: Where did the hanging thigh settle?\n"
        "  1  level with the bench, or below it\n"
        "  2  a little above level\n"
        "  3  well above level\n"
        "Press 1-3 (Enter skips).\n"
        "Left side: level with the bench, or below it\n"
        "Switch sides: 5 s\n"
    ) in out
    right = out.index("Right side: Where did the hanging thigh settle?")
    assert right < out.index("Completed hang-test") < out.index("Pain now, 0 to 10?")
    assert session.active_seconds == pytest.approx(right_ends + 2)


def test_enter_at_a_self_check_skips_it_and_says_so(builtin_catalog: Catalog) -> None:
    """Enter leaves the left side unanswered (and says so); the right side's answer is kept."""
    plan = build_plan(builtin_catalog.routines["hang-test"].routine)
    script: list[tuple[float, Command | Answer]] = [(46.0, C.DONE), (82.0, Answer(2))]
    out = run(plan, ScriptedCommands(FakeClock(), script, typed=["enter", "enter"]))
    assert "Skipped: the self-check, left side\nSwitch sides: 5 s" in out
    (session,) = recorded()
    assert [(c.side and c.side.value, c.rank) for c in session.checks] == [("right", 1)]
    assert session.outcome is Outcome.COMPLETED and session.steps_done == 2


def test_without_a_keyboard_or_with_yes_no_self_check_waits(builtin_catalog: Catalog) -> None:
    """Nobody to answer: the hang test runs straight through in its own time, asking nothing."""
    plan = build_plan(builtin_catalog.routines["hang-test"].routine)
    clock = FakeClock()
    out = run(plan, ScriptedCommands(clock, typed=["enter"]), RunSettings(plain=True, yes=True))
    assert "Where did the hanging thigh settle?" not in out
    assert clock.now - clock.start == pytest.approx(plan.total)
    assert "Where did the hanging thigh settle?" not in run(plan)


def test_the_self_check_is_not_asked_when_the_test_was_not_done(builtin_catalog: Catalog) -> None:
    """Quitting before the test step asks no self-check question."""
    plan = build_plan(builtin_catalog.routines["hang-test"].routine)
    keys = ScriptedCommands(
        FakeClock(), [(3.0, C.QUIT), (4.0, C.CONFIRM)], typed=["enter", "enter"]
    )
    out = run(plan, keys)
    assert "Where did the hanging thigh settle?" not in out
    assert recorded()[0].checks == ()


def test_no_history_and_previews_record_nothing(daily: Plan) -> None:
    """--no-history writes no file; a sped-up preview says it is not recorded."""
    run(daily, settings=RunSettings(plain=True, history_wanted=False))
    assert not history_path().exists()
    out = run(daily, settings=RunSettings(plain=True, speed=10))
    assert "A preview at 10x speed is not recorded in history." in out
    assert not history_path().exists()


def test_a_damaged_history_does_not_stop_the_run(builtin_catalog: Catalog) -> None:
    """The run completes, says once why it is not recorded, and the file is untouched."""
    plan = build_plan(builtin_catalog.routines["breathing-minute"].routine)
    path = history_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database" * 100)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    out = run(plan, ScriptedCommands(FakeClock(), typed=["x"]))
    assert out.count(f"the history file {path} is damaged") == 1
    assert "This run will not be recorded: the history file" in out
    assert "Completed breathing-minute in 1:05." in out
    assert "Pain now, 0-10" not in out
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_write_failing_mid_run_is_reported_after_it(
    daily: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the disk fills during the run, the run goes on and the summary says what happened."""

    def full(self: History, *args: object) -> None:
        raise HistoryError("there is no room left to write the history file X (the disk is full).")

    monkeypatch.setattr(History, "update", full)
    out = run(daily)
    assert "Completed daily-10min in 13:29." in out
    assert out.rstrip().endswith(
        "Your history shows this run only in part (as interrupted): there is no room left to "
        "write the history file X (the disk is full)."
    )
    assert recorded()[0].outcome is Outcome.INTERRUPTED


def test_nothing_is_asked_after_ctrl_c(daily: Plan) -> None:
    """Ctrl-C means leave now: the record is kept and no question follows."""
    out = run(daily, Interrupting(FakeClock(), 20.0, interactive=True))
    assert "Pain now, 0-10: \n" in out
    assert "Pain now, 0 to 10?" not in out
    assert recorded()[0].outcome is Outcome.INTERRUPTED


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT])
def test_an_ending_signal_during_a_real_run_leaves_an_interrupted_record(
    builtin_catalog: Catalog, signum: signal.Signals
) -> None:
    """A real clock and a real SIGTERM, SIGHUP or SIGQUIT a moment in: interrupted then."""
    plan = build_plan(builtin_catalog.routines["daily-10min"].routine)
    timer = threading.Timer(0.3, os.kill, args=(os.getpid(), signum))
    timer.start()
    report = Session(io.StringIO(), io.StringIO(), io.StringIO()).run(plan, RunSettings(plain=True))
    timer.join()
    (session,) = recorded()
    assert report.outcome is session.outcome is Outcome.INTERRUPTED
    assert 0.2 < session.active_seconds < 2.0


def test_a_crash_in_the_display_still_leaves_a_record(
    daily: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The display failing at the third step propagates, and the record keeps two steps done."""
    real = PlainDisplay.__call__

    def failing(self: PlainDisplay, event: Event) -> None:
        if isinstance(event, SegmentStarted) and event.moment.segment.step == 2:
            raise RuntimeError("display broke")
        real(self, event)

    monkeypatch.setattr(PlainDisplay, "__call__", failing)
    with pytest.raises(RuntimeError, match="display broke"):
        run(daily)
    (session,) = recorded()
    assert (session.outcome, session.steps_done) == (Outcome.INTERRUPTED, 2)
    assert session.active_seconds == pytest.approx(step_ends(daily)[1])


class Timed(ScriptedCommands):
    """Notes the real time of every wait the engine makes, to show the clock never stalls."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__(clock, interactive=False)
        self.waits: list[float] = []

    def next_command(self, timeout: float) -> Command | Stopped | Answer | None:
        self.waits.append(time.monotonic())
        return super().next_command(timeout)


@pytest.fixture
def locked() -> Iterator[Callable[[], None]]:
    """A history that another program holds with BEGIN EXCLUSIVE; yields the release."""
    History.open(history_path()).close()
    other = sqlite3.connect(history_path(), isolation_level=None, check_same_thread=False)
    other.execute("BEGIN EXCLUSIVE")
    yield other.close
    other.close()


@pytest.mark.slow
def test_a_locked_history_never_stalls_the_run(daily: Plan, locked: Callable[[], None]) -> None:
    """Held for 1.5 s from the start: the run goes on at once and is stored whole afterwards."""
    threading.Timer(1.5, locked).start()
    keys = Timed(FakeClock())
    began = time.monotonic()
    out = run(daily, keys)
    assert keys.waits[-1] - began < 1.0
    assert out.rstrip().endswith("Saved as session 1: see psoas history, psoas stats.")
    (session,) = recorded()
    assert session.outcome is Outcome.COMPLETED
    assert session.active_seconds == pytest.approx(daily.total)
    assert session.steps_done == 5


@pytest.mark.slow
def test_a_history_locked_past_the_run_is_reported_plainly(
    daily: Plan, locked: Callable[[], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Held throughout: the run is not slowed, waits a bounded time after, and says why."""
    monkeypatch.setattr(recorder, "FINAL_WAIT_SECONDS", 1.0)
    keys = Timed(FakeClock())
    began = time.monotonic()
    out = run(daily, keys)
    ended = time.monotonic()
    assert keys.waits[-1] - began < 0.5
    assert ended - began < 4.0
    assert "Saving to your history, which another program has locked..." in out
    assert out.rstrip().endswith(
        f"Not recorded in your history: the history file {history_path()} stayed locked by "
        "another program until 1 s after the run, so psoas stopped waiting to save it."
    )
    locked()
    assert recorded() == []


@pytest.mark.slow
def test_a_burst_of_sigterms_still_saves_the_record(
    daily: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More SIGTERMs arriving while the final record is saved do not interrupt the saving."""
    real_save = recorder.Recorder.save

    def save_under_fire(self: recorder.Recorder, report: RunReport) -> None:
        if sent.is_set():
            for _ in range(3):
                os.kill(os.getpid(), signal.SIGTERM)
        real_save(self, report)

    monkeypatch.setattr(recorder.Recorder, "save", save_under_fire)
    sent = threading.Event()

    def terminate() -> None:
        sent.set()
        os.kill(os.getpid(), signal.SIGTERM)

    timer = threading.Timer(0.3, terminate)
    timer.start()
    out = io.StringIO()
    report = Session(io.StringIO(), out, io.StringIO()).run(daily, RunSettings(plain=True))
    timer.join()
    assert report.outcome is Outcome.INTERRUPTED
    (session,) = recorded()
    assert session.outcome is Outcome.INTERRUPTED
    assert session.active_seconds == pytest.approx(report.active_seconds, abs=0.01)
    assert 0.2 < session.active_seconds < 2.0
    assert "Saved as session 1" in out.getvalue()


def test_yes_at_a_keyboard_asks_nothing_after_the_run(builtin_catalog: Catalog) -> None:
    """--yes is for unattended runs: no pain question and no self-check wait for an answer."""
    plan = build_plan(builtin_catalog.routines["hang-test"].routine)
    keys = ScriptedCommands(FakeClock(), typed=["1", "3"])
    out = run(plan, keys, RunSettings(plain=True, yes=True))
    assert "Pain now" not in out
    assert "Where did the hanging thigh settle?" not in out
    (session,) = recorded()
    assert (session.outcome, session.pain_after, session.checks) == (Outcome.COMPLETED, None, ())
    assert keys.typed == ["1", "3"]


class CtrlCWhenTypingRunsOut(ScriptedCommands):
    """Types its keys at the questions, then Ctrl-C at the next one."""

    def wait_for_key(self) -> str | None:
        if not self.typed:
            raise KeyboardInterrupt
        return super().wait_for_key()


def test_ctrl_c_at_the_after_run_questions_keeps_the_run_completed(
    builtin_catalog: Catalog,
) -> None:
    """The self-check answered in the run is kept, the half-typed pain is not, the run stays
    completed, and the screen says so."""
    plan = build_plan(builtin_catalog.routines["hang-test"].routine)
    script: list[tuple[float, Command | Answer]] = [(49.0, Answer(1)), (86.0, C.DONE)]
    keys = CtrlCWhenTypingRunsOut(FakeClock(), script, typed=["enter", "3"])
    report = fake_session(keys.clock, out := io.StringIO(), keys=keys, started=MORNING).run(
        plan, RunSettings(plain=True)
    )
    (session,) = recorded()
    assert report.outcome is session.outcome is Outcome.COMPLETED
    assert (session.pain_after, [c.rank for c in session.checks]) == (None, [0])
    assert (
        "Pain now, 0 to 10? (Enter skips) 3\n\n"
        "Questions stopped; the run stays recorded as completed.\n"
    ) in out.getvalue()
    assert "Saved as session 1: see psoas history, psoas stats." in out.getvalue()


def test_the_history_opens_while_the_run_screen_is_set_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Making the recorder does not wait for the history file to open; asking whether it
    failed (as the safety screen does) waits, and then says all is well."""
    opening = threading.Event()
    opened = History.open

    def slow_open(cls: type[History], path: Path, *, busy_timeout: float) -> History:
        opening.wait(5)
        return opened(path, busy_timeout=busy_timeout)

    monkeypatch.setattr(History, "open", classmethod(slow_open))
    made = time.monotonic()
    kept = recorder.Recorder(tmp_path / "history.db", clock=time.monotonic, now=datetime.now)
    assert time.monotonic() - made < 0.2
    threading.Timer(0.3, opening.set).start()
    assert kept.problem == ""
    assert time.monotonic() - made >= 0.3
    kept.close()
