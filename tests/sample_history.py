"""Six weeks of mornings, the history the README's `psoas history` and `psoas stats` show.

Made the same way every time (a seeded generator, fixed dates and a fixed zone), so those
transcripts are real output that a test can check.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

from psoas_cli.history.store import CheckResult, RunRecord
from psoas_cli.library.model import Side
from psoas_cli.outcome import Outcome

TODAY = date(2026, 11, 21)
"""The Saturday the transcripts were taken on."""

ZONE = timezone(timedelta(hours=1))
DAYS = 42
DAILY_SECONDS = 809.0
"""daily-10min's planned time with its default cues (13:29)."""

HANG_QUESTION = "Where did the hanging thigh settle?"
HANG_ANSWERS = ("level with the bench, or below it", "a little above level", "well above level")


def _hang_test(started: datetime, week: int, uid: str) -> RunRecord:
    """An evening hang test; the left side lags the right by one week or two."""
    ranks = {Side.LEFT: 2 if week < 3 else 1, Side.RIGHT: 1 if week < 4 else 0}
    checks = tuple(
        CheckResult(
            test="bench-edge-hang-test",
            question=HANG_QUESTION,
            side=side,
            answer=HANG_ANSWERS[rank],
            rank=rank,
        )
        for side, rank in ranks.items()
    )
    return _record(
        uid, "hang-test", "Bench-edge hang test (self-check)", started, 72.0, checks=checks
    )


def _record(
    uid: str,
    routine: str,
    title: str,
    started: datetime,
    seconds: float,
    *,
    checks: tuple[CheckResult, ...] = (),
    pain: tuple[int | None, int | None] = (None, None),
) -> RunRecord:
    """A completed run of five steps with no pauses, as the history would keep it."""
    return RunRecord(
        id=0,
        uid=uid,
        routine=routine,
        title=title,
        started=started,
        ended=started + timedelta(seconds=seconds),
        active_seconds=seconds,
        paused_seconds=0.0,
        steps_done=5,
        steps_skipped=0,
        steps_total=5,
        outcome=Outcome.COMPLETED,
        pain_before=pain[0],
        pain_after=pain[1],
        note="",
        checks=checks,
    )


def six_weeks_of_mornings() -> list[RunRecord]:
    """daily-10min most mornings with pain easing week by week, a hang test each Saturday."""
    chance = random.Random(2026)
    records = []
    for n in range(DAYS):
        day = TODAY - timedelta(days=DAYS - 1 - n)
        week = n // 7
        if chance.random() < 0.12 and n < DAYS - 11:
            continue
        minute = chance.randrange(0, 40)
        started = datetime(day.year, day.month, day.day, 7, 5 + minute, tzinfo=ZONE)
        before = max(0, min(10, round(5 - week * 0.6 + chance.uniform(-1, 1))))
        after = max(0, before - chance.choice((1, 2, 2, 3)))
        records.append(
            _record(
                f"sample-{n}",
                "daily-10min",
                "Daily 10-minute psoas routine",
                started,
                DAILY_SECONDS,
                pain=(before, after),
            )
        )
        if day.weekday() == 5:
            evening = started.replace(hour=18, minute=30 + chance.randrange(0, 20))
            records.append(_hang_test(evening, week, f"sample-hang-{n}"))
    return records
