"""History at scale: ten years of daily sessions, and what recording adds to a run.

Targets (issue 4):
  psoas stats    < 300 ms with 3,650 sessions with pain ratings (and self-checks)
  psoas history  < 300 ms with the same history
  recording adds < 10 ms to a run's start and < 10 ms to its end

stats and history run as a user runs them (the installed script, a fresh process each
time); the median wall time is judged and CPU time printed beside it. Recording is timed
in a fresh Python that has already imported what a run imports without history, started
away from the checkout so it imports the installed package. Writes go through the
recorder's writer thread, so the start figure is what the run itself waits for: loading
sqlite3 and the history code, starting the writer and waiting while it opens (and checks)
the database, then queueing the first record, which the writer stores beside the run. The
end figure, timed once the first record is stored (as it is long before a real run ends),
is queueing the last update and the pain rating, then waiting until the writer has stored
both and closed the file. Exits 1 when a target is missed.

    python bench/history.py [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from startup import measure, psoas_command

from psoas_cli.history.store import CheckResult, History, RunRecord
from psoas_cli.library.model import Side
from psoas_cli.outcome import Outcome

YEARS_OF_DAYS = 3650
TARGET_COMMAND_MS = 300.0
TARGET_RECORDING_MS = 10.0

RECORDING = """
import json, sys, time
from pathlib import Path
from psoas_cli.session import local_now
from psoas_cli.library.catalog import load_catalog
from psoas_cli.run.engine import RunReport
from psoas_cli.outcome import Outcome
from psoas_cli.library.plan import build_plan
plan = build_plan(load_catalog().routines["daily-10min"].routine)
t0 = time.perf_counter()
from psoas_cli.run.recorder import Recorder
recorder = Recorder(Path(sys.argv[1]), clock=time.monotonic, now=local_now)
recorder.begin(plan, pain_before=4, note="")
t1 = time.perf_counter()
# Minutes pass before a real run ends: by then the writer has long stored the first record.
assert recorder.written(10.0)
t1_end = time.perf_counter()
recorder.save(RunReport(Outcome.COMPLETED, 700.0, 0.0, (0, 1, 2, 3, 4), (), 5, 0))
recorder.add_pain_after(2)
recorder.close()
t2 = time.perf_counter()
assert not recorder.problem, recorder.problem
print(json.dumps([t1 - t0, t2 - t1_end]))
"""


def ten_years(today: date) -> list[RunRecord]:
    """A session every day for ten years, rated, with a hang test every fortnight."""
    zone = timezone(timedelta(hours=1))
    records = []
    for n in range(YEARS_OF_DAYS):
        day = today - timedelta(days=n)
        started = datetime(day.year, day.month, day.day, 7, 30, tzinfo=zone)
        checks: tuple[CheckResult, ...] = ()
        if n % 14 == 0:
            checks = tuple(
                CheckResult(
                    test="bench-edge-hang-test",
                    question="Where did the hanging thigh settle?",
                    side=side,
                    answer=("level", "a little above", "well above")[n % 3],
                    rank=n % 3,
                )
                for side in (Side.LEFT, Side.RIGHT)
            )
        records.append(
            RunRecord(
                id=0,
                uid=f"bench-{n}",
                routine="hang-test" if checks else "daily-10min",
                title="Daily 10-minute psoas routine",
                started=started,
                ended=started + timedelta(minutes=12),
                active_seconds=701.0,
                paused_seconds=0.0,
                steps_done=5,
                steps_skipped=0,
                steps_total=5,
                outcome=Outcome.COMPLETED if n % 9 else Outcome.QUIT,
                pain_before=n % 8,
                pain_after=max(0, n % 8 - 2),
                note="",
                checks=checks,
            )
        )
    return records


def recording_times(path: Path, rounds: int) -> tuple[float, float]:
    """Median seconds recording adds at a run's start and at its end, each in a fresh Python."""
    starts, ends = [], []
    for _ in range(rounds):
        # Run away from the checkout: "python -c" puts the current folder first on the path,
        # and from the repository's root that is the source tree, not the installed package.
        done = subprocess.run(
            [sys.executable, "-c", RECORDING, str(path)],
            check=False,
            capture_output=True,
            text=True,
            cwd=path.parent,
        )
        if done.returncode:
            sys.exit(f"recording failed:\n{done.stderr}")
        start, end = json.loads(done.stdout)
        starts.append(start)
        ends.append(end)
    return statistics.median(starts), statistics.median(ends)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    psoas = psoas_command()
    missed = 0
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "PSOAS_HOME": home, "COLUMNS": "100"}
        path = Path(home) / "history.sqlite3"
        with History.open(path) as history:
            history.import_records(ten_years(datetime.now().astimezone().date()))
            count = history.count()
        size = path.stat().st_size / 1e6
        print(f"history: {count} sessions, {size:.1f} MB (Python {sys.version.split()[0]})")
        listed = subprocess.run(
            [*psoas, "history", "--json"], env=env, capture_output=True, text=True, check=True
        )
        if len(json.loads(listed.stdout)) != count:
            sys.exit("psoas history --json did not list every session")
        medians = measure(
            {
                "psoas stats": [*psoas, "stats"],
                "psoas history": [*psoas, "history"],
                "psoas history --json (all)": [*psoas, "history", "--json"],
            },
            env,
            args.rounds,
        )
        print(f"median of {args.rounds} interleaved runs")
        print(f"  {'command':<28} {'cpu':>9} {'wall':>9}")
        for name, (cpu, wall) in medians.items():
            judged = name in ("psoas stats", "psoas history")
            verdict = ("ok" if wall < TARGET_COMMAND_MS / 1000 else "MISSED") if judged else ""
            missed += verdict == "MISSED"
            target = f"(target < {TARGET_COMMAND_MS:.0f} ms) {verdict}" if judged else ""
            print(f"  {name:<28} {cpu * 1000:6.1f} ms {wall * 1000:6.1f} ms {target}")
        start, end = recording_times(path, args.rounds)
        for moment, seconds in (("start", start), ("end", end)):
            verdict = "ok" if seconds * 1000 < TARGET_RECORDING_MS else "MISSED"
            missed += verdict != "ok"
            print(
                f"  recording at a run's {moment:<5}     {seconds * 1000:6.2f} ms "
                f"(target < {TARGET_RECORDING_MS:.0f} ms) {verdict}"
            )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
