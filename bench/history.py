"""History at ten times the data: stats and the history table linear, exports flat in memory.

Targets (issue 12):
  psoas stats      with 36,500 sessions <= 1.5 x its time with 3,650
  psoas history    (the table) with 36,500 sessions <= 1.5 x its time with 3,650
  history --json, --csv and export with 36,500 sessions: peak memory < 60 MB
  history import   of a 36,500-session export <= 12 x the time of a 3,650-session one
  recording adds < 10 ms to a run's start and < 10 ms to its end

Both histories span the same ten years, one session a day and ten a day, rated, with a hang
test every fourteenth session, and are written through the real store in one transaction.
Commands run as a user runs them (the installed script, a fresh process each time),
interleaved round after round so machine noise hits both sides of a ratio alike; ratios are
judged on the median CPU time (user + system), wall time printed beside it. Peak memory is
the child's ru_maxrss, beside the floor of a Python that imports click and rich.console,
measured the same way in the same run. Recording is timed in a fresh Python that has already
imported what a run imports without history (the command line, with click, included: click
loads uuid, which the history's ids need too), started away from the checkout so it imports
the installed package; see ``RECORDING``. Exits 1 when a target is missed.

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
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from startup import Timing, one_run, psoas_command

from psoas_cli.history.store import CheckResult, History, RunRecord
from psoas_cli.library.model import Side
from psoas_cli.outcome import Outcome

DAYS = 3650
SMALL = 3650
LARGE = 36_500
TARGET_SCALING = 1.5
TARGET_PEAK_MB = 60.0
TARGET_IMPORT_SCALING = 12.0
TARGET_RECORDING_MS = 10.0
MEMORY_FLOOR = "import click, rich.console"
AWAY = tempfile.gettempdir()
"""Where the timed commands run: away from the checkout, as startup.py's do."""

RECORDING = """
import json, sys, time
from pathlib import Path
import psoas_cli.cli
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

PEAK = """
import resource, subprocess, sys
with open(sys.argv[1], "wb") as out:
    subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""
"""Runs one command and prints its peak resident memory in KiB: the only child waited for."""


def ten_years(count: int, today: date) -> Iterator[RunRecord]:
    """``count`` sessions spread evenly over the ten years up to ``today``, newest first."""
    zone = timezone(timedelta(hours=1))
    per_day = count // DAYS
    for n in range(count):
        day = today - timedelta(days=n // per_day)
        started = datetime(day.year, day.month, day.day, 6 + n % per_day, 30, tzinfo=zone)
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
        yield RunRecord(
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


def build_home(home: Path, count: int) -> None:
    """A PSOAS_HOME whose history holds ``count`` sessions, written in one transaction."""
    path = home / "history.sqlite3"
    with History.open(path) as history:
        history.import_records(list(ten_years(count, datetime.now().astimezone().date())))
        if history.count() != count:
            sys.exit(f"the bench history holds {history.count()} sessions, not {count}")


def peak_kib(command: list[str], env: dict[str, str], output: Path) -> int:
    """The peak resident memory of one run of ``command``, its output written to ``output``."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK, str(output), *command],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout)


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


def interleaved(
    command: list[str], envs: dict[int, dict[str, str]], rounds: int
) -> dict[int, Timing]:
    """Median CPU and wall time of ``command`` in each environment, run in turn round after
    round, after one warm-up run in each."""
    runs: dict[int, list[Timing]] = {count: [] for count in envs}
    for env in envs.values():
        one_run(command, env, AWAY)
    for _ in range(rounds):
        for count, env in envs.items():
            runs[count].append(one_run(command, env, AWAY))
    return {
        count: (statistics.median(c for c, _ in timings), statistics.median(w for _, w in timings))
        for count, timings in runs.items()
    }


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def judge_times(psoas: list[str], envs: dict[int, dict[str, str]], rounds: int) -> int:
    """Print stats' and the table's times at both sizes and their ratios; the misses."""
    missed = 0
    print(f"median of {rounds} interleaved runs")
    print(f"  {'command':<34} {'cpu':>9} {'wall':>9}")
    for words in (["stats"], ["history"]):
        name = "psoas " + " ".join(words)
        timing = interleaved([*psoas, *words], envs, rounds)
        for count, (cpu, wall) in timing.items():
            label = f"{name}, {count:,} sessions"
            print(f"  {label:<34} {cpu * 1000:6.1f} ms {wall * 1000:6.1f} ms")
        ratio = timing[LARGE][0] / timing[SMALL][0]
        missed += ratio > TARGET_SCALING
        print(
            f"  cpu {name} {LARGE:,} / {SMALL:,}: {ratio:.2f}x "
            f"(target <= {TARGET_SCALING}x) {verdict(ratio <= TARGET_SCALING)}"
        )
    return missed


def judge_memory(psoas: list[str], env: dict[str, str], work: Path) -> int:
    """Print the peak memory of each way out of the large history, beside the floor."""
    missed = 0
    print(f"peak memory with {LARGE:,} sessions (ru_maxrss of the child)")
    output = work / "output"
    floor = peak_kib([sys.executable, "-c", MEMORY_FLOOR], env, output) / 1024
    print(f"  {'python -c ' + repr(MEMORY_FLOOR):<34} {floor:6.1f} MB (floor)")
    for words in (["history", "--json"], ["history", "--csv"], ["history", "export"]):
        command = [*psoas, *words]
        if words[-1] == "export":
            command.append(str(work / "export.json"))
        peak = peak_kib(command, env, output) / 1024
        missed += peak >= TARGET_PEAK_MB
        label = "psoas " + " ".join(words)
        print(
            f"  {label:<34} {peak:6.1f} MB, {peak / floor:.2f}x the floor "
            f"(target < {TARGET_PEAK_MB:.0f} MB) {verdict(peak < TARGET_PEAK_MB)}"
        )
    return missed


def judge_import(psoas: list[str], envs: dict[int, dict[str, str]], work: Path) -> int:
    """Print the time to import each history's export into a fresh one, and the ratio."""
    imports = {}
    for count, env in envs.items():
        exported = work / f"export-{count}.json"
        subprocess.run(
            [*psoas, "history", "export", str(exported)], env=env, check=True, capture_output=True
        )
        fresh = [{**env, "PSOAS_HOME": str(work / f"import-{count}-{n}")} for n in range(3)]
        command = [*psoas, "history", "import", str(exported)]
        imports[count] = min(one_run(command, env, AWAY)[0] for env in fresh)
    for count, cpu in imports.items():
        label = f"psoas history import, {count:,}"
        print(f"  {label:<34} {cpu * 1000:6.1f} ms cpu (best of 3)")
    ratio = imports[LARGE] / imports[SMALL]
    print(
        f"  cpu import {LARGE:,} / {SMALL:,}: {ratio:.2f}x "
        f"(target <= {TARGET_IMPORT_SCALING:.0f}x) {verdict(ratio <= TARGET_IMPORT_SCALING)}"
    )
    return int(ratio > TARGET_IMPORT_SCALING)


def judge_recording(path: Path, rounds: int) -> int:
    """Print what recording adds to a run's start and end with the large history."""
    missed = 0
    start, end = recording_times(path, rounds)
    for moment, seconds in (("start", start), ("end", end)):
        ok = seconds * 1000 < TARGET_RECORDING_MS
        missed += not ok
        print(
            f"  recording at a run's {moment:<5}        {seconds * 1000:6.2f} ms "
            f"(target < {TARGET_RECORDING_MS:.0f} ms) {verdict(ok)}"
        )
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    psoas = psoas_command()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        envs = {}
        for count in (SMALL, LARGE):
            home = work / f"home-{count}"
            home.mkdir()
            build_home(home, count)
            envs[count] = {**os.environ, "PSOAS_HOME": str(home), "COLUMNS": "100"}
        listed = subprocess.run(
            [*psoas, "history", "--json"], env=envs[LARGE], capture_output=True, check=True
        )
        if len(json.loads(listed.stdout)) != LARGE:
            sys.exit("psoas history --json did not list every session")
        print(f"histories of {SMALL:,} and {LARGE:,} sessions (Python {sys.version.split()[0]})")
        missed = judge_times(psoas, envs, args.rounds)
        missed += judge_memory(psoas, envs[LARGE], work)
        missed += judge_import(psoas, envs, work)
        missed += judge_recording(Path(envs[LARGE]["PSOAS_HOME"]) / "history.sqlite3", args.rounds)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
