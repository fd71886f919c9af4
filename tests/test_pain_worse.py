"""Pain that gets worse is a stop sign: the one rule, the warning after such a run (before it is
saved), and how ``psoas stats`` marks those sessions and keeps them in the pain chart."""

from __future__ import annotations

import io
import json
import re
import sys
from datetime import datetime

import pytest
from click.testing import CliRunner
from fakes import FakeClock, ScriptedCommands, fake_session, record
from rich.console import Console
from sample_history import TODAY, ZONE, six_weeks_of_mornings

from psoas_cli import session as session_module
from psoas_cli.cli import cli
from psoas_cli.display.progress import print_stats
from psoas_cli.history.stats import compute_stats, stats_data
from psoas_cli.history.store import RunRecord
from psoas_cli.library.catalog import Catalog
from psoas_cli.library.guidance import (
    PAIN_WORSE_ADVICE,
    PAIN_WORSE_BY,
    PAIN_WORSE_MEANING,
    pain_worsened,
)
from psoas_cli.library.plan import build_plan
from psoas_cli.outcome import Outcome
from psoas_cli.run.engine import Command
from psoas_cli.session import RunSettings

WARNING = [PAIN_WORSE_MEANING, *(f"  • {advice}" for advice in PAIN_WORSE_ADVICE)]


@pytest.mark.parametrize(
    ("before", "after", "outcome", "worse"),
    [
        (3, 3 + PAIN_WORSE_BY, Outcome.COMPLETED, True),
        (3, 4, Outcome.COMPLETED, False),
        (0, 10, Outcome.QUIT, True),
        (6, 2, Outcome.COMPLETED, False),
        (None, 9, Outcome.COMPLETED, False),
        (3, None, Outcome.INTERRUPTED, False),
        (None, None, Outcome.HURT, True),
        (5, 1, Outcome.HURT, True),
    ],
)
def test_the_rule_is_a_rise_of_two_or_a_stop_with_the_hurt_key(
    before: int | None, after: int | None, outcome: Outcome, worse: bool
) -> None:
    """Pain after at least 2 above pain before, or any "!" stop, is the stop sign; not
    a rise of 1, a fall, or a rating missing on either side."""
    assert pain_worsened(before, after, hurt=outcome is Outcome.HURT) is worse


@pytest.fixture
def instant_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """`psoas run` on a fake clock, so a recorded run takes milliseconds."""
    clock = FakeClock()
    monkeypatch.setattr(session_module, "standard_session", lambda: fake_session(clock, sys.stdout))


@pytest.mark.usefixtures("instant_runs")
def test_a_rise_of_two_is_explained_in_plain_mode_before_it_is_saved() -> None:
    """Piped, a run rated 3 then 5 ends with what that means and when to see someone, and only
    then "Saved as session 1"."""
    result = CliRunner().invoke(
        cli, ["run", "breathing-minute", "--pain-before", "3", "--pain-after", "5"]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = lines.index("Your pain went from 3 before to 5 after.")
    assert lines[start + 1 :] == [
        *WARNING,
        "",
        "Saved as session 1: see psoas history, psoas stats.",
    ]
    assert lines[start - 1] == "" and lines[start - 2] == "Steps done: 1 of 1."


@pytest.mark.usefixtures("instant_runs")
def test_a_rise_of_one_is_just_saved() -> None:
    """Pain 3 then 4 is kept without a warning."""
    result = CliRunner().invoke(
        cli, ["run", "breathing-minute", "--pain-before", "3", "--pain-after", "4"]
    )
    assert result.exit_code == 0, result.output
    assert PAIN_WORSE_MEANING not in result.stdout
    assert result.stdout.rstrip().endswith("Saved as session 1: see psoas history, psoas stats.")


def test_a_stop_with_the_hurt_key_is_explained_after_the_pain_question(
    builtin_catalog: Catalog,
) -> None:
    """At a keyboard, "!" then a pain rating: the warning comes after the question, before the
    record is saved, naming the stop and the rise."""
    clock = FakeClock()
    keys = ScriptedCommands(clock, [(20.0, Command.HURT)], typed=["2", "enter", "6", "enter"])
    out = io.StringIO()
    plan = build_plan(builtin_catalog.routines["breathing-minute"].routine)
    report = fake_session(clock, out, keys=keys).run(plan, RunSettings())
    assert report.outcome is Outcome.HURT
    text = out.getvalue()
    warning = text.index("You stopped because it hurt. Your pain went from 2 before to 6 after.")
    assert text.index("Stopped because it hurts.") < warning
    assert text.index("Pain now, 0 to 10?") < warning
    assert text.index(PAIN_WORSE_ADVICE[1]) < text.index("Saved as session 1")


def test_a_stop_with_the_hurt_key_is_explained_when_nothing_is_recorded(
    builtin_catalog: Catalog,
) -> None:
    """With the history off, "!" still ends with what the stop sign means."""
    clock = FakeClock()
    keys = ScriptedCommands(clock, [(20.0, Command.HURT)])
    out = io.StringIO()
    plan = build_plan(builtin_catalog.routines["breathing-minute"].routine)
    fake_session(clock, out, keys=keys).run(plan, RunSettings(history_wanted=False, yes=True))
    lines = out.getvalue().splitlines()
    assert lines[-len(WARNING) - 1 :] == ["You stopped because it hurt.", *WARNING]


def _with_warnings() -> list[RunRecord]:
    """The sample six weeks, plus a 30-second "!" stop and a completed run where pain rose."""
    stop = record(
        datetime(2026, 11, 19, 20, 0, tzinfo=ZONE),
        minutes=0.5,
        outcome=Outcome.HURT,
        routine="couch-stretch",
        pain=(3, 9),
    )
    rise = record(datetime(2026, 11, 12, 20, 0, tzinfo=ZONE), pain=(2, 5))
    return [*six_weeks_of_mornings(), stop, rise]


def _screen(records: list[RunRecord]) -> list[str]:
    console = Console(file=io.StringIO(), width=100, record=True, color_system=None)
    print_stats(console, compute_stats(records, TODAY))
    return [line.rstrip() for line in console.export_text().splitlines()]


def test_stats_mark_the_weeks_and_list_the_sessions_where_pain_got_worse() -> None:
    """Both weeks carry a mark, and a list names each session, newest last, with advice."""
    lines = _screen(_with_warnings())
    plain = _screen(six_weeks_of_mornings())
    marked = [line for line in lines if line.endswith("! worse in 1 session")]
    assert [line.split()[:2] for line in marked] == [["09", "Nov"], ["16", "Nov"]]
    start = lines.index("Pain got worse: a stop sign")
    assert lines[start + 1 : start + 3] == [
        "     0  2026-11-12 20:00  daily-10min  pain 2 → 5",
        "     0  2026-11-19 20:00  couch-stretch  stopped: it hurt, pain 3 → 9",
    ]
    advice = " ".join(line.strip() for line in lines[start + 3 : start + 5])
    assert advice == PAIN_WORSE_ADVICE[1]
    assert not any("worse" in line for line in plain)


def test_a_short_stop_with_the_hurt_key_stays_in_the_pain_chart() -> None:
    """A 30-second "!" stop does not count as a session, yet its ratings lift that week's
    pain averages; without it the week reads lower."""
    with_stop = compute_stats(_with_warnings(), TODAY)
    without = compute_stats(six_weeks_of_mornings(), TODAY)
    assert with_stop.this_week.sessions == without.this_week.sessions
    assert with_stop.this_week.minutes == without.this_week.minutes
    assert with_stop.this_week.pain_after is not None and without.this_week.pain_after is not None
    assert with_stop.this_week.pain_after > without.this_week.pain_after
    assert with_stop.this_week.pain_worse == 1


def test_stats_json_marks_the_weeks_and_lists_the_sessions() -> None:
    """--json gives each week's count of such sessions and every one of them."""
    data = json.loads(json.dumps(stats_data(compute_stats(_with_warnings(), TODAY))))
    assert [w["pain_worse"] for w in data["weeks"][-3:]] == [0, 1, 1]
    assert data["pain_worse"] == [
        {
            "id": 0,
            "started": "2026-11-12T20:00:00+01:00",
            "routine": "daily-10min",
            "outcome": "completed",
            "pain_before": 2,
            "pain_after": 5,
        },
        {
            "id": 0,
            "started": "2026-11-19T20:00:00+01:00",
            "routine": "couch-stretch",
            "outcome": "hurt",
            "pain_before": 3,
            "pain_after": 9,
        },
    ]


def test_stats_with_only_a_short_hurt_stop_still_warn() -> None:
    """A history of one "!" stop after ten seconds shows the warning, not "nothing to count"."""
    stop = record(datetime(2026, 11, 21, 8, 0, tzinfo=ZONE), minutes=0.2, outcome=Outcome.HURT)
    lines = _screen([stop])
    assert "Pain got worse: a stop sign" in lines
    assert not any(line.startswith("Nothing to count yet") for line in lines)


class TerminalOut(io.StringIO):
    """Standard output that says it is a terminal, so the run draws its live screen."""

    def isatty(self) -> bool:
        return True


def test_the_live_screen_says_it_too_before_saving(builtin_catalog: Catalog) -> None:
    """On the live screen a rise from 3 to 6 is explained after the run, before it is saved."""
    out = TerminalOut()
    plan = build_plan(builtin_catalog.routines["breathing-minute"].routine)
    settings = RunSettings(yes=True, pain_before=3, pain_after=6)
    fake_session(FakeClock(), out).run(plan, settings)
    text = " ".join(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.getvalue()).split())
    assert "\x1b[?1049h" in out.getvalue()  # the live screen, not plain lines
    warning = text.index("Your pain went from 3 before to 6 after.")
    assert text.index("Completed breathing-minute") < warning
    assert warning < text.index(PAIN_WORSE_MEANING) < text.index("Saved as session 1")
