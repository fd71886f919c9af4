"""Start-up cost of the browse commands, measured side by side with their dependency floor.

Targets (issue 2):
  psoas --help  <= 1.2 x  python -c "import click"
  psoas list    <= 1.2 x  python -c "import click, rich.console, yaml"
  psoas list with 1,000 routine files in the user folder < 1 s

Commands run interleaved, round after round, so that machine noise hits both sides of a
ratio alike. Ratios are judged on the median CPU time (user + system) of each command,
which other load on a shared machine disturbs far less than wall time; the median wall
time is printed beside it. The 1,000-file target is judged on the larger of the two.
Exits 1 when a target is missed. POSIX only (it reads the children's CPU time).

    python bench/startup.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUTINE = """\
name: user-{n:04d}
title: User routine {n}
level: beginner
tags: [bench]
steps:
  - exercise: couch-stretch
    hold: 30s
    sides: both
    sets: 2
    rest: 10s
  - exercise: psoas-march
    reps: 10
    sets: 3
    sides: alternate
    tempo: 2s
    rest: 15s
  - exercise: diaphragm-breathing-360
    breath: {{inhale: 5, exhale: 5}}
    duration: 1m
"""

Timing = tuple[float, float]


def psoas_command() -> list[str]:
    """The installed console script beside this Python, as a user runs it."""
    script = Path(sys.executable).parent / "psoas"
    if not script.exists():
        sys.exit(f"no psoas script at {script}; install the project first: pip install .")
    return [str(script)]


def one_run(command: list[str], env: dict[str, str]) -> Timing:
    """CPU and wall seconds of one run of the command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def measure(commands: dict[str, list[str]], env: dict[str, str], rounds: int) -> dict[str, Timing]:
    """Median CPU and wall time of each command over interleaved rounds, after a warm-up."""
    runs: dict[str, list[Timing]] = {name: [] for name in commands}
    for command in commands.values():
        one_run(command, env)
    for _ in range(rounds):
        for name, command in commands.items():
            runs[name].append(one_run(command, env))
    return {
        name: (statistics.median(c for c, _ in timings), statistics.median(w for _, w in timings))
        for name, timings in runs.items()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    args = parser.parse_args()
    psoas = psoas_command()
    python = sys.executable
    missed = 0
    with tempfile.TemporaryDirectory() as empty, tempfile.TemporaryDirectory() as crowded:
        env = {**os.environ, "PSOAS_HOME": empty, "COLUMNS": "100"}
        floor_list = "import click, rich.console, yaml"
        medians = measure(
            {
                "import click": [python, "-c", "import click"],
                "psoas --help": [*psoas, "--help"],
                floor_list: [python, "-c", floor_list],
                "psoas list": [*psoas, "list"],
            },
            env,
            args.rounds,
        )
        print(f"median of {args.rounds} interleaved runs (Python {sys.version.split()[0]})")
        print(f"  {'command':<34} {'cpu':>9} {'wall':>9}")
        for name, (cpu, wall) in medians.items():
            print(f"  {name:<34} {cpu * 1000:6.1f} ms {wall * 1000:6.1f} ms")
        for ours, floor in (("psoas --help", "import click"), ("psoas list", floor_list)):
            ratio = medians[ours][0] / medians[floor][0]
            verdict = "ok" if ratio <= 1.2 else "MISSED"
            missed += verdict != "ok"
            print(f"  cpu {ours} / {floor}: {ratio:.2f}x (target <= 1.2x) {verdict}")

        folder = Path(crowded) / "routines"
        folder.mkdir()
        for n in range(1000):
            (folder / f"user-{n:04d}.yaml").write_text(ROUTINE.format(n=n), encoding="utf-8")
        crowded_env = {**env, "PSOAS_HOME": crowded}
        listed = subprocess.run(
            [*psoas, "list", "--json"], env=crowded_env, capture_output=True, text=True, check=True
        )
        if listed.stdout.count('"origin": "user"') != 1000:
            sys.exit("not every user routine was listed")
        (cpu, wall) = measure({"big": [*psoas, "list"]}, crowded_env, max(5, args.rounds // 4))[
            "big"
        ]
        worst = max(cpu, wall)
        verdict = "ok" if worst < 1.0 else "MISSED"
        missed += verdict != "ok"
        print(
            f"  psoas list, 1,000 user routine files: cpu {cpu * 1000:.0f} ms, "
            f"wall {wall * 1000:.0f} ms (target < 1000 ms) {verdict}"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
