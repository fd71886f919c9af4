"""Following a programme from the command line: plan start, stop and the week, today, run
with no name, the active programme in the history (a migration) and in exports, and the
four weeks of starter lived through on a fake clock against a real history file."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result
from fakes import FakeClock, fake_session, record

from psoas_cli import cli as cli_module
from psoas_cli.cli import cli
from psoas_cli.history.stats import schedule_sessions
from psoas_cli.history.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    ActiveProgramme,
    History,
    RunRecord,
)
from psoas_cli.library.catalog import Catalog
from psoas_cli.library.guidance import PAIN_WORSENED, SEE_A_PROFESSIONAL
from psoas_cli.library.model import HoldStep, RepsStep
from psoas_cli.library.plan import build_plan
from psoas_cli.library.schedule import ChangeKind, today_view
from psoas_cli.outcome import Outcome
from psoas_cli.paths import history_path
from psoas_cli.session import RunSettings

MONDAY = date(2026, 11, 2)
ZONE = ZoneInfo("Europe/London")


@pytest.fixture
def on_day(monkeypatch: pytest.MonkeyPatch) -> list[date]:
    """The day the command line takes as today; set its one item to move the calendar."""
    today = [MONDAY]
    monkeypatch.setattr(cli_module, "_local_today", lambda: today[0])
    return today


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={"NO_COLOR": "1", "COLUMNS": "100"})


def add(*records_to_add: RunRecord) -> None:
    with History.open(history_path()) as history:
        history.import_records(list(records_to_add))


def at(day: date, hour: int = 8) -> datetime:
    return datetime.combine(day, time(hour), ZONE)


def test_without_a_programme_today_plan_and_run_say_how_to_choose_one(
    on_day: list[date],
) -> None:
    """today, plan and run with no name exit 2 with one line naming plan start."""
    for args in (["today"], ["plan"], ["run"]):
        result = run(*args)
        assert result.exit_code == 2, args
        assert result.output.startswith("Error: you are not following a programme. ")
        assert "psoas plan start starter" in result.output
        assert "Usage:" not in result.output


def test_plan_start_stop_and_unknown_names(on_day: list[date]) -> None:
    """plan start records the programme from today or --on; stop ends it; an unknown name
    is one error with a suggestion."""
    started = run("plan", "start", "starter", "--on", "thursday")
    assert started.exit_code == 0
    assert "from Thursday 05 November 2026, for 4 weeks" in started.output
    with History.open(history_path()) as history:
        assert history.active_programme() == ActiveProgramme(
            name="starter", start=MONDAY + timedelta(days=3)
        )
    wrong = run("plan", "start", "startr")
    assert (wrong.exit_code, wrong.output) == (
        1,
        "Error: no programme named 'startr'; did you mean 'starter'?\n",
    )
    assert run("plan", "start", "starter", "--on", "someday").exit_code == 2
    assert run("plan", "stop").output == (
        "Stopped following starter. Your sessions stay in your history.\n"
    )
    assert run("plan", "stop").output == "No programme was being followed.\n"


def test_today_lists_the_day_in_order_with_doses_and_done(on_day: list[date]) -> None:
    """On a Monday starter has the hang test, the daily routine, strength and the bridge,
    by time of day; a finished one is ticked and run with no name takes the next."""
    run("plan", "start", "starter")
    add(record(at(MONDAY, 7), routine="hang-test", minutes=2))
    result = run("today")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Monday 02 November 2026  Starter programme, four weeks, week 1 of 4"
    assert [line for line in lines if line[:1].isdigit()] == [
        "1. 07:15  hang-test  ✓ done",
        "2. 07:30  daily-10min  to do",
        "3. 18:00  strength  to do",
        "4. 21:00  supported-bridge  to do",
    ]
    assert "   holds 30 s; reps 10, 12" in lines
    dry = run("run", "--dry-run")
    assert dry.exit_code == 0
    assert dry.output.startswith("Today's next routine in starter: daily-10min\n")
    data = json.loads(run("today", "--json").output)
    assert [(i["routine"], i["done"]) for i in data["items"]][:2] == [
        ("hang-test", True),
        ("daily-10min", False),
    ]
    assert data["week"] == 1


def test_a_good_week_grows_what_run_runs_and_today_says_why(
    on_day: list[date], builtin_catalog: Catalog
) -> None:
    """After a week of pain going down, week 2's daily routine holds 35 s, today gives the
    reason on one line, and run with no name runs those doses."""
    run("plan", "start", "starter")
    add(*(record(at(MONDAY + timedelta(days=d)), pain=(3, 2)) for d in range(7)))
    on_day[0] = MONDAY + timedelta(days=7)
    add(record(at(on_day[0], 7), routine="hang-test", minutes=2))
    today = run("today").output
    assert "   holds 35 s; reps 11, 12" in today
    assert (
        "   Grown since Mon 9 Nov: pain after stayed at or below pain before, and at most 3, "
        "all last week." in today
    )
    dry = run("run", "--dry-run").output
    assert "holds 35 s; reps 11, 12: pain after stayed at or below" in dry
    assert "Couch stretch, left side: hold 35 s" in dry


def test_pain_that_worsens_eases_off_and_repeats_the_stop_signs(on_day: list[date]) -> None:
    """A session whose pain rose by 3 shows the stop signs at once and eases the doses from
    the next day; three in two weeks also send the person to a professional."""
    run("plan", "start", "starter")
    add(*(record(at(MONDAY + timedelta(days=d)), pain=(2, 2)) for d in range(7)))
    tuesday = MONDAY + timedelta(days=8)
    add(record(at(tuesday), pain=(2, 5)))
    on_day[0] = tuesday
    same_day = run("today").output
    assert PAIN_WORSENED in same_day.replace("\n", " ")
    assert "pain that gets worse right after a stretch" in same_day
    on_day[0] = tuesday + timedelta(days=1)
    next_day = run("today").output
    assert "Eased off since Wed 11 Nov: a step back: on Tue 10 Nov pain rose from 2 to 5." in (
        next_day.replace("\n   ", " ")
    )
    assert "   holds 30 s; reps 10, 12" in next_day
    add(
        record(at(tuesday, 18), routine="strength", outcome=Outcome.HURT, minutes=3),
        record(at(tuesday + timedelta(days=1), 21), routine="supported-bridge", pain=(1, 4)),
    )
    paused = run("plan").output
    assert SEE_A_PROFESSIONAL in paused.replace("\n", " ")


def test_plan_shows_the_week_with_done_missed_and_next_progression(
    on_day: list[date],
) -> None:
    """plan marks each day done, missed, due or planned, counts the week, and says what
    next week will do to the doses and why."""
    run("plan", "start", "starter")
    add(*(record(at(MONDAY + timedelta(days=d)), pain=(2, 1)) for d in (0, 1, 2)))
    on_day[0] = MONDAY + timedelta(days=3)
    result = run("plan")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Starter programme, four weeks  week 1 of 4, Mon 2 Nov to Sun 8 Nov"
    assert lines[2] == "daily-10min       ✓  ✓  ✓  ●  ○  ○  ○   3/7"
    assert lines[3] == "strength          ·  ·  ·  ●  ·  ○  ·   0/2"
    assert lines[4] == "supported-bridge  ✗  ✗  ✗  ●  ○  ·  ·   0/5, 3 missed"
    assert "This week: 3 of 17 sessions done, 4 missed." in lines
    assert (
        "- daily-10min grows to holds 35 s; reps 11, 12: pain after stayed at or below pain "
        "before, and at most 3, all last week" in " ".join(result.output.split())
    )


def test_a_history_from_before_programmes_migrates_and_keeps_its_records(
    tmp_path: Path,
) -> None:
    """A version-2 file, as psoas wrote it before programmes, gains the programme table,
    keeps its sessions and self-checks, and can then follow a programme."""
    path = tmp_path / "h.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + MIGRATIONS[1] + "PRAGMA user_version = 2;")
    started = at(MONDAY)
    db.execute(
        "INSERT INTO sessions (uid, routine, title, started, utc_offset, day, ended, "
        "active_seconds, paused_seconds, steps_done, steps_skipped, steps_total, outcome, "
        "pain_before, pain_after, note) VALUES ('u1', 'daily-10min', 'Daily', ?, 0, "
        "'2026-11-02', ?, 701, 0, 5, 0, 5, 'completed', 4, 2, '')",
        (started.timestamp(), started.timestamp() + 701),
    )
    db.execute(
        "INSERT INTO self_checks VALUES (1, 'hang', 'Where?', 'left', 'level', 0)",
    )
    db.commit()
    db.close()
    with History.open(path) as history:
        assert history.active_programme() is None
        (kept,) = history.records()
        history.start_programme(ActiveProgramme(name="starter", start=MONDAY))
    assert (kept.routine, kept.pain_before, kept.pain_after) == ("daily-10min", 4, 2)
    assert [c.answer for c in kept.checks] == ["level"]
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    with History.open(path) as history:
        assert history.active_programme() == ActiveProgramme(name="starter", start=MONDAY)


def test_the_programme_travels_with_export_and_import(
    on_day: list[date], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An export names the programme followed; importing it into a history without one
    follows it from the same day, and one that follows another keeps its own."""
    run("plan", "start", "starter", "--on", "2026-10-26")
    add(record(at(MONDAY)))
    exported = tmp_path / "backup.json"
    assert run("history", "export", str(exported)).exit_code == 0
    assert json.loads(exported.read_text())["programme"] == {
        "name": "starter",
        "start": "2026-10-26",
    }
    monkeypatch.setenv("PSOAS_HOME", str(tmp_path / "elsewhere"))
    imported = run("history", "import", str(exported))
    assert "Now following starter, from Monday 26 October 2026, as exported." in imported.output
    with History.open(history_path()) as history:
        assert history.active_programme() == ActiveProgramme(
            name="starter", start=date(2026, 10, 26)
        )
        history.start_programme(ActiveProgramme(name="starter", start=MONDAY))
    again = run("history", "import", str(exported)).output
    assert "this history keeps starter from 2026-11-02" in again


def test_an_export_with_a_broken_programme_is_refused(tmp_path: Path) -> None:
    """A programme without a valid start date is one message naming the field."""
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            {"psoas_history": 1, "programme": {"name": "starter", "start": "soon"}, "sessions": []}
        )
    )
    result = run("history", "import", str(path))
    assert result.exit_code == 1
    assert f"{path}: programme: expected a programme's name and start date" in result.output


@pytest.mark.slow
def test_four_weeks_of_starter_on_a_fake_clock_against_a_real_history(
    builtin_catalog: Catalog,
) -> None:
    """Each day for four weeks, today's items run on a fake clock and are recorded in the
    history file; the schedule read back from it asks for exactly starter's prescription,
    and with pain going down the doses grow each week up to their caps."""
    routines = {name: e.routine for name, e in builtin_catalog.routines.items()}
    starter = builtin_catalog.programmes["starter"].programme
    with History.open(history_path()) as history:
        history.start_programme(ActiveProgramme(name="starter", start=MONDAY))
    runs: dict[str, int] = {}
    couch_holds: list[float] = []
    for offset in range(28):
        day = MONDAY + timedelta(days=offset)
        with History.open(history_path()) as history:
            sessions = schedule_sessions(history.records())
        today = today_view(starter, MONDAY, day, sessions, routines)
        assert not any(item.done for item in today.items)
        for item in today.items:
            started = datetime.combine(day, item.entry.at or time(12), ZONE)
            clock = FakeClock()
            settings = RunSettings(plain=True, yes=True, pain_before=3, pain_after=2)
            report = fake_session(clock, started=started).run(build_plan(item.routine), settings)
            assert report.outcome is Outcome.COMPLETED
            runs[item.routine.name] = runs.get(item.routine.name, 0) + 1
            if item.routine.name == "daily-10min":
                couch_holds += [s.hold for s in item.routine.steps if isinstance(s, HoldStep)]
                if offset % 7 == 0 and offset:
                    assert item.change is not None
                    assert item.change.kind is ChangeKind.UP
    assert runs == {
        "daily-10min": 28,
        "strength": 8,
        "supported-bridge": 20,
        "breathing-minute": 8,
        "hang-test": 4,
    }
    assert [couch_holds[d] for d in (0, 7, 14, 21)] == [30.0, 35.0, 40.0, 45.0]
    with History.open(history_path()) as history:
        sessions = schedule_sessions(history.records())
    strength = today_view(starter, MONDAY, MONDAY + timedelta(days=21), sessions, routines)
    assert len(sessions) == 68
    grown = next(i for i in strength.items if i.routine.name == "strength").routine
    assert [s.reps for s in grown.steps if isinstance(s, RepsStep)] == [12, 12, 12]


def test_stats_shows_adherence_week_by_week_beside_the_goal(on_day: list[date]) -> None:
    """With a programme, stats adds each programme week's sessions done against those
    prescribed, and --json carries them; without one, the section is not there."""
    add(*(record(at(MONDAY + timedelta(days=d))) for d in range(3)))
    on_day[0] = MONDAY + timedelta(days=8)
    assert "sessions done of those prescribed" not in run("stats").output
    run("plan", "start", "starter", "--on", "2026-11-02")
    output = run("stats").output
    assert "This week: 0 of 5 sessions" in output
    assert "Starter programme, four weeks: sessions done of those prescribed" in output
    assert "  week 1  02 Nov  ████░░░░░░░░░░░░░░░░  3/17" in output
    assert "  week 2  09 Nov  ░░░░░░░░░░░░░░░░░░░░  0/17" in output
    weeks = json.loads(run("stats", "--json").output)["programme"]["weeks"]
    assert weeks == [
        {"start": "2026-11-02", "done": 3, "prescribed": 17},
        {"start": "2026-11-09", "done": 0, "prescribed": 17},
    ]


def test_today_says_why_doses_were_kept(on_day: list[date]) -> None:
    """After a week without pain ratings, today says the doses were kept and why."""
    run("plan", "start", "starter")
    add(*(record(at(MONDAY + timedelta(days=d))) for d in range(7)))
    on_day[0] = MONDAY + timedelta(days=8)
    today = " ".join(run("today").output.split())
    assert (
        "holds 30 s; reps 10, 12 Kept as they were since Mon 9 Nov: no session that week had "
        "pain rated before and after, so doses stay." in today
    )


def test_plan_fits_a_narrow_terminal_and_has_no_outlook_before_the_start(
    on_day: list[date],
) -> None:
    """At 40 columns the week grid keeps one line per routine with single-letter days;
    before the programme starts there is no next-week outlook to speak of."""
    run("plan", "start", "starter", "--on", "2026-11-09")
    result = CliRunner().invoke(cli, ["plan"], env={"NO_COLOR": "1", "COLUMNS": "40"})
    lines = result.output.splitlines()
    assert "                  M T W T F S S  done" in lines
    assert "daily-10min       ○ ○ ○ ○ ○ ○ ○  0/7" in lines
    assert "Next week" not in result.output


@pytest.mark.slow
@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_today_is_the_local_date_of_the_zone_psoas_runs_in(zone: str) -> None:
    """Run in a real process under TZ, today is that zone's calendar date: at UTC+14 and
    UTC-11, a day apart at any moment, each names its own date and programme week."""
    env = {**os.environ, "TZ": zone}
    local = ZoneInfo(zone)
    before = datetime.now(local).date()
    subprocess.run(
        [sys.executable, "-m", "psoas_cli", "plan", "start", "starter", "--on", "today"],
        env=env,
        check=True,
        capture_output=True,
    )
    shown = subprocess.run(
        [sys.executable, "-m", "psoas_cli", "today", "--json"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    after = datetime.now(local).date()
    data = json.loads(shown.stdout)
    assert date.fromisoformat(data["date"]) in {before, after}
    assert data["start"] in {before.isoformat(), after.isoformat()}
    assert data["week"] == 1
