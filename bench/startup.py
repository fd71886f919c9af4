"""Start-up cost of the browse commands, measured side by side with their dependency floor.

Targets (issue 2):
  psoas --help  <= 1.2 x  python -c "import click"
  psoas list    <= 1.2 x  python -c "import click, rich.console, yaml"
  psoas list with 1,000 routine files in the user folder < 1 s

Commands run interleaved, round after round, so that machine noise hits both sides of a
ratio alike; the median of each is reported. Exits 1 when a target is missed.

    python bench/startup.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
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


def psoas_command() -> list[str]:
    """The installed console script beside this Python, as a user runs it."""
    script = Path(sys.executable).parent / ("psoas.exe" if os.name == "nt" else "psoas")
    if not script.exists():
        sys.exit(f"no psoas script at {script}; install the project first: pip install -e .")
    return [str(script)]


def seconds(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
    )
    return time.perf_counter() - start


def measure(commands: dict[str, list[str]], env: dict[str, str], rounds: int) -> dict[str, float]:
    """Median wall time of each command over interleaved rounds, after one warm-up each."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():
        seconds(command, env)
    for _ in range(rounds):
        for name, command in commands.items():
            times[name].append(seconds(command, env))
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    args = parser.parse_args()
    psoas = psoas_command()
    python = sys.executable
    failures = 0
    with tempfile.TemporaryDirectory() as empty, tempfile.TemporaryDirectory() as crowded:
        env = {**os.environ, "PSOAS_HOME": empty, "COLUMNS": "100"}
        medians = measure(
            {
                "import click": [python, "-c", "import click"],
                "psoas --help": [*psoas, "--help"],
                "import click, rich.console, yaml": [
                    python,
                    "-c",
                    "import click, rich.console, yaml",
                ],
                "psoas list": [*psoas, "list"],
            },
            env,
            args.rounds,
        )
        print(f"median of {args.rounds} interleaved runs (Python {sys.version.split()[0]})")
        for name, value in medians.items():
            print(f"  {name:<34} {value * 1000:7.1f} ms")
        for ours, floor in (
            ("psoas --help", "import click"),
            ("psoas list", "import click, rich.console, yaml"),
        ):
            ratio = medians[ours] / medians[floor]
            verdict = "ok" if ratio <= 1.2 else "MISSED"
            failures += verdict != "ok"
            print(f"  {ours} / {floor}: {ratio:.2f}x (target <= 1.2x) {verdict}")

        folder = Path(crowded) / "routines"
        folder.mkdir()
        for n in range(1000):
            (folder / f"user-{n:04d}.yaml").write_text(ROUTINE.format(n=n), encoding="utf-8")
        crowded_env = {**env, "PSOAS_HOME": crowded}
        listed = subprocess.run(
            [*psoas, "list", "--json"], env=crowded_env, capture_output=True, text=True, check=True
        )
        assert listed.stdout.count('"origin": "user"') == 1000, "not every user routine was listed"
        big = measure(
            {"psoas list (1,000 user files)": [*psoas, "list"]},
            crowded_env,
            max(5, args.rounds // 4),
        )
        value = next(iter(big.values()))
        verdict = "ok" if value < 1.0 else "MISSED"
        failures += verdict != "ok"
        print(
            f"  psoas list, 1,000 user routine files: {value * 1000:.0f} ms (< 1000 ms) {verdict}"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
