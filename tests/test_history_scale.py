"""A long history read without holding it: stats from SQL and streamed rows equal the figures
the record-by-record definitions give, and --json, --csv and export written in pieces equal
what one dump of every record wrote."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from psoas_cli.display.console import make_console
from psoas_cli.display.progress import CHECK_ROUNDS_SHOWN, print_stats
from psoas_cli.history.files import (
    FORMAT_KEY,
    FORMAT_VERSION,
    csv_chunks,
    export_chunks,
    json_list_chunks,
    record_data,
    spreadsheet_cell,
)
from psoas_cli.history.stats import (
    COUNTS_AFTER_SECONDS,
    COUNTS_SQL,
    MAY_HAVE_WORSENED_SQL,
    WEEKS_SHOWN,
    Stats,
    charted,
    check_series,
    counts,
    current_streak,
    longest_streak,
    read_stats,
    schedule_sessions,
    stats_data,
    weeks,
    worsened,
)
from psoas_cli.history.store import (
    ActiveProgramme,
    CheckResult,
    History,
    RunRecord,
    outcome_code,
    side_code,
)
from psoas_cli.library.catalog import load_catalog
from psoas_cli.library.model import Side
from psoas_cli.library.schedule import adherence
from psoas_cli.limits import PAIN_SCALE
from psoas_cli.outcome import Outcome
from psoas_cli.value import replace

TODAY = date(2026, 11, 22)
ZONES = (
    timezone(timedelta(hours=1)),  # Berlin in winter
    timezone(timedelta(hours=2)),  # Berlin in summer: the same places change zone in March
    timezone(timedelta(hours=-5, minutes=-30)),
    timezone(timedelta(hours=14)),
    timezone(timedelta(hours=-12)),
)
"""Offsets as far apart as the world has, so a local date is up to a day from UTC's."""


def old_stats(records: Sequence[RunRecord], today: date, goal: int = 5) -> Stats:
    """The figures as ``psoas stats`` computed them from a list of every record, newest
    first, before it read the history in SQL: the definitions the new path must meet."""
    counted = [r for r in records if counts(r)]
    days = {r.day for r in counted}
    minutes_by_day: dict[date, float] = {}
    for record in counted:
        minutes_by_day[record.day] = (
            minutes_by_day.get(record.day, 0.0) + record.active_seconds / 60
        )
    return Stats(
        today=today,
        goal=goal,
        sessions=len(counted),
        minutes=sum(minutes_by_day.values()),
        current_streak=current_streak(days, today),
        longest_streak=longest_streak(days),
        weeks=weeks([r for r in records if charted(r)], today, WEEKS_SHOWN),
        minutes_by_day=minutes_by_day,
        checks=check_series(r for r in records if r.checks),
        pain_worse=tuple(sorted((r for r in records if worsened(r)), key=lambda r: r.started)),
    )


def generated(count: int, seed: int) -> list[RunRecord]:
    """``count`` runs of every kind over two years to TODAY: each outcome, short and long,
    rated or not and getting worse, self-checks on one or both sides, several a day, at
    midnight and a microsecond before it, in zones a day apart, around the 2026 clock
    changes, and pairs that started at the same moment."""
    rng = random.Random(seed)
    runs: list[RunRecord] = []
    for n in range(count):
        day = TODAY - timedelta(days=rng.randrange(730))
        if n % 10 == 0:
            day = rng.choice((date(2026, 3, 29), date(2026, 10, 25), TODAY, TODAY - timedelta(1)))
        hour, minute, second, micro = rng.choice(
            ((0, 0, 0, 0), (23, 59, 59, 999_999), (7, 30, 0, 0), (12, 0, 0, 123_456))
        )
        started = datetime(day.year, day.month, day.day, hour, minute, second, micro)
        started = started.replace(tzinfo=rng.choice(ZONES))
        if n % 17 == 1 and runs:
            started = runs[-1].started
        seconds = rng.choice((0.0, 30.5, COUNTS_AFTER_SECONDS - 0.001, COUNTS_AFTER_SECONDS, 701.3))
        outcome = rng.choice(list(Outcome))
        sides: tuple[Side | None, ...] = rng.choice(((), (), (Side.LEFT, Side.RIGHT), (None,)))
        checks = tuple(
            CheckResult(
                test=rng.choice(("hang-test", "thomas-test")),
                question="Where did the thigh settle?",
                side=side,
                answer=rng.choice(("level", "=above", "below")),
                rank=rng.randrange(3),
            )
            for side in sides
        )
        runs.append(
            RunRecord(
                id=0,
                uid=f"run-{seed}-{n}",
                routine=rng.choice(("daily-10min", "hang-test", "=cmd")),
                title='A "quoted", comma\'d title',
                started=started,
                ended=started + timedelta(seconds=seconds + 5),
                active_seconds=seconds,
                paused_seconds=rng.choice((0.0, 4.5)),
                steps_done=rng.randrange(3),
                steps_skipped=rng.randrange(2),
                steps_total=5,
                outcome=outcome,
                pain_before=rng.choice((None, 0, 3, 8)),
                pain_after=rng.choice((None, 0, 5, 10)),
                note=rng.choice(("", "fine", "two\nlines", "é ✓", "+1", "\r")),
                checks=checks,
            )
        )
    return runs


@pytest.fixture
def stored(tmp_path: Path) -> Iterator[History]:
    """A history holding 1,500 generated runs."""
    with History.open(tmp_path / "history.sqlite3") as history:
        history.import_records(generated(1500, seed=12))
        yield history


@pytest.mark.parametrize("today", [TODAY, date(2026, 3, 30), date(2025, 1, 1)])
def test_stats_read_in_sql_equal_the_record_by_record_figures(stored: History, today: date) -> None:
    """Every figure and answers in their order are what the list of every record gave;
    minutes, which SQLite adds up per day as seconds, to within a millionth of a minute
    (the order of a float sum moves its last bit, never what stats shows)."""
    new = read_stats(stored, today, goal=4)
    old = old_stats(stored.records(), today, goal=4)
    assert new.minutes == pytest.approx(old.minutes, abs=1e-6)
    assert new.minutes_by_day.keys() == old.minutes_by_day.keys()
    for day, minutes in old.minutes_by_day.items():
        assert new.minutes_by_day[day] == pytest.approx(minutes, abs=1e-6), day
    assert replace(new, minutes=0.0, minutes_by_day={}) == replace(
        old, minutes=0.0, minutes_by_day={}
    )
    assert json.dumps(stats_data(new)) == json.dumps(stats_data(old))
    assert new.sessions > 500 and new.pain_worse and new.checks


def screen(stats: Stats) -> str:
    """What ``psoas stats`` prints of ``stats`` at 100 columns."""
    out = io.StringIO()
    print_stats(make_console(out), stats)
    return out.getvalue()


@pytest.mark.parametrize("rounds", [1, 3, CHECK_ROUNDS_SHOWN])
def test_the_screen_reads_only_the_last_rounds_of_each_self_check(
    stored: History, rounds: int
) -> None:
    """With ``rounds``, each self-check series is exactly the last rounds of the whole
    series, in order, and every other figure is the same; the screen, which shows the last
    CHECK_ROUNDS_SHOWN, prints the same either way."""
    whole = read_stats(stored, TODAY)
    cut = read_stats(stored, TODAY, rounds=rounds)
    assert [(s.test, s.question, s.rounds[-rounds:]) for s in whole.checks] == [
        (s.test, s.question, s.rounds) for s in cut.checks
    ]
    assert replace(cut, checks=()) == replace(whole, checks=())
    if rounds == CHECK_ROUNDS_SHOWN:
        assert screen(cut) == screen(whole)


def test_an_sqlite_without_window_functions_reads_every_round(
    stored: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before SQLite 3.25 the screen's read falls back to every round, and shows the same."""
    whole = read_stats(stored, TODAY)
    monkeypatch.setattr("sqlite3.sqlite_version_info", (3, 24, 0))
    old_sqlite = read_stats(stored, TODAY, rounds=CHECK_ROUNDS_SHOWN)
    assert old_sqlite == whole
    assert screen(old_sqlite) == screen(whole)


def test_runs_that_started_together_are_cut_as_the_whole_series_orders_them(
    tmp_path: Path,
) -> None:
    """Five runs with self-checks that started at the same moment, the latest of all: the
    last two rounds read alone are the last two of the whole series, tie order included."""
    runs = generated(40, seed=3)
    moment = datetime(2026, 11, 23, 8, 0, tzinfo=ZONES[0])
    check = CheckResult(test="hang-test", question="Where?", side=Side.LEFT, answer="level", rank=0)
    tied = [
        replace(
            runs[0],
            uid=f"tied-{n}",
            started=moment,
            ended=moment + timedelta(minutes=1),
            checks=(replace(check, answer=f"answer {n}", rank=n),),
        )
        for n in range(5)
    ]
    with History.open(tmp_path / "history.sqlite3") as history:
        history.import_records([*runs, *tied])
        whole = read_stats(history, TODAY)
        cut = read_stats(history, TODAY, rounds=2)
    hang = next(s for s in whole.checks if s.test == "hang-test")
    assert len(hang.rounds) > 5
    last_two = next(s for s in cut.checks if s.test == "hang-test").rounds
    assert last_two == hang.rounds[-2:]
    assert [r.answers[Side.LEFT].answer for r in last_two] == ["answer 1", "answer 0"]


def test_stats_of_an_empty_history_and_of_one_session(tmp_path: Path) -> None:
    """No sessions counts nothing; one session is one day of one streak."""
    with History.open(tmp_path / "history.sqlite3") as history:
        assert read_stats(history, TODAY) == old_stats([], TODAY)
        assert read_stats(history, TODAY).sessions == 0
        history.import_records(generated(1, seed=3)[:1])
        one = read_stats(history, TODAY)
        assert one == old_stats(history.records(), TODAY)


def test_a_row_sql_cannot_vouch_for_is_skipped_as_the_list_skips_it(
    stored: History, tmp_path: Path
) -> None:
    """A hand-edited row is named unreadable and left out of stats, exactly as before."""
    with sqlite3.connect(tmp_path / "history.sqlite3") as db:
        db.execute("UPDATE sessions SET started = 'soon' WHERE id = 7")
        db.execute("UPDATE sessions SET utc_offset = 999999 WHERE id = 8")
    stored.unreadable.clear()
    figures = read_stats(stored, TODAY)
    assert stored.unreadable == {7, 8}
    assert figures == old_stats(stored.records(), TODAY)


def test_pre_1970_runs_are_counted_record_by_record(tmp_path: Path) -> None:
    """A run imported from before 1970, which some systems cannot convert, still counts the
    same way as the record-by-record figures count it."""
    old = generated(30, seed=5)
    old[0] = replace(old[0], started=datetime(1969, 7, 20, 20, 17, tzinfo=ZONES[0]))
    with History.open(tmp_path / "history.sqlite3") as history:
        history.import_records(old)
        assert not history.all_plain()
        assert read_stats(history, TODAY) == old_stats(history.records(), TODAY)


@pytest.mark.parametrize("outcome", list(Outcome))
def test_the_sql_rules_agree_with_counts_and_worsened(tmp_path: Path, outcome: Outcome) -> None:
    """For each outcome, steps done, time and pair of ratings, SQL counts a run exactly when
    ``counts`` does, and lets through every run where ``worsened`` is true."""
    runs: list[tuple[int, float, int | None, int | None]] = []
    for done in (0, 1):
        for seconds in (0.0, COUNTS_AFTER_SECONDS - 0.001, COUNTS_AFTER_SECONDS, 3600.0):
            for before in (None, *PAIN_SCALE):
                for after in (None, *PAIN_SCALE):
                    runs.append((done, seconds, before, after))
    with sqlite3.connect(":memory:") as db:
        db.execute(
            "CREATE TABLE sessions (outcome, steps_done, active_seconds, pain_before, pain_after)"
        )
        db.executemany(
            "INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
            [(outcome_code(outcome), *run) for run in runs],
        )
        counted = [bool(v) for (v,) in db.execute(f"SELECT {COUNTS_SQL} FROM sessions")]
        sieved = [bool(v) for (v,) in db.execute(f"SELECT {MAY_HAVE_WORSENED_SQL} FROM sessions")]
    base = generated(1, seed=1)[0]
    for (done, seconds, before, after), in_sql, let_through in zip(
        runs, counted, sieved, strict=True
    ):
        run = replace(
            base,
            outcome=outcome,
            steps_done=done,
            active_seconds=seconds,
            pain_before=before,
            pain_after=after,
        )
        assert in_sql == counts(run)
        assert let_through or not worsened(run)


def test_a_programme_looks_back_no_further_than_the_day_before_its_start(
    stored: History,
) -> None:
    """Each built-in programme's weeks, started on days across the history, are the same
    from the sessions since the day before its start as from every session."""
    every = schedule_sessions(stored.records())
    catalog = load_catalog()
    for entry in catalog.programmes.values():
        for start in (TODAY - timedelta(days=40), TODAY - timedelta(days=9), TODAY):
            recent = schedule_sessions(stored.records(since=start - timedelta(days=1)))
            assert adherence(entry.programme, start, TODAY, recent) == adherence(
                entry.programme, start, TODAY, every
            )


def test_since_picks_the_local_days_in_every_zone(stored: History) -> None:
    """--since keeps exactly the runs whose local date is that day or later, even where the
    local date is a day ahead of or behind UTC's."""
    every = stored.records()
    for since in (TODAY, TODAY - timedelta(days=1), date(2026, 3, 29), date(2025, 1, 1)):
        assert stored.records(since=since) == [r for r in every if r.day >= since]


def test_records_one_at_a_time_are_the_list_oldest_first_or_newest(stored: History) -> None:
    """Streamed records, with their self-checks, equal the list, in either order."""
    every = stored.records()
    assert list(stored.each_record()) == every
    assert list(stored.each_record(oldest_first=True)) == every[::-1]
    assert list(stored.each_record(routine="hang-test", limit=9)) == stored.records(
        routine="hang-test", limit=9
    )


def old_csv(records: Sequence[RunRecord]) -> str:
    """CSV as ``history --csv`` wrote it in one go, before it was written row by row."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        (
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
    )
    for r in records:
        checks = "; ".join(
            f"{side_code(c.side)}: {c.answer}" if c.side else c.answer for c in r.checks
        )
        writer.writerow(
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
    return out.getvalue()


def old_export(records: Sequence[RunRecord], programme: ActiveProgramme | None) -> str:
    """An export as it was written in one go from every record, newest first."""
    document: dict[str, Any] = {FORMAT_KEY: FORMAT_VERSION, "exported": "2026-11-22T08:00:00+01:00"}
    if programme is not None:
        document["programme"] = {"name": programme.name, "start": programme.start.isoformat()}
    document["sessions"] = [record_data(r, with_id=False) for r in reversed(records)]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("count", [0, 1, 300])
def test_pieces_join_into_exactly_the_old_json_csv_and_export(tmp_path: Path, count: int) -> None:
    """--json, --csv and export written record by record are byte for byte the old output,
    with no sessions, one, and many with notes, formulas and self-checks."""
    exported = datetime(2026, 11, 22, 8, tzinfo=ZONES[0])
    with History.open(tmp_path / "history.sqlite3") as history:
        history.import_records(generated(count, seed=count))
        every = history.records()
        as_json = "".join(json_list_chunks(record_data(r) for r in history.each_record()))
        assert as_json == json.dumps([record_data(r) for r in every], indent=2, ensure_ascii=False)
        assert "".join(csv_chunks(history.each_record())) == old_csv(every)
        for programme in (None, ActiveProgramme(name="starter", start=TODAY)):
            pieces = export_chunks(history.each_record(oldest_first=True), exported, programme)
            assert "".join(pieces) == old_export(every, programme)


def test_nested_lists_are_indented_as_one_dump_indents_them() -> None:
    """A list inside a list's items, empty or not, keeps json.dumps's indentation."""
    items = [{"a": [], "b": [1, {"c": "x\ny"}]}, [], {}]
    assert "".join(json_list_chunks(items)) == json.dumps(items, indent=2)
    inside = "{\n  " + '"k": ' + "".join(json_list_chunks(items, depth=1)) + "\n}"
    assert inside == json.dumps({"k": items}, indent=2)


@pytest.mark.slow
@pytest.mark.parametrize("words", ["history --json", "history --csv", "history export -"])
def test_output_cut_short_mid_history_ends_quietly(tmp_path: Path, words: str) -> None:
    """A reader that goes away while the history still streams out leaves exit 141 and
    nothing on stderr: no read left hanging on a closed file."""
    with History.open(tmp_path / "history.sqlite3") as history:
        history.import_records(generated(2000, seed=4))
    result = subprocess.run(
        f"{sys.executable} -m psoas_cli {words} | head -c 100; exit ${{PIPESTATUS[0]}}",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PSOAS_HOME": str(tmp_path)},
    )
    assert result.stderr == ""
    assert result.returncode == 141
