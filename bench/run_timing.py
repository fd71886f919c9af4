"""How soon `psoas run` draws, how exactly and how cheaply it keeps time, beside floors.

Targets (issues 3, 10 and 12):
  first frame   spawn to the first drawn frame of a quiet, unrecorded run, of a built-in
                routine and of a routine file, <= 1.2 x the floor: the time to the end of
                python -c "import click, rich.live, yaml", medians of interleaved rounds
  end of run    within 20 ms of its start + the plan's total, for a 10 s and a 60 s routine,
                with no growth in the error with length
  CPU           <= 0.3 % of one core in steady state during a hold, <= 1 % during breathing,
                in a 100x30 and in a 200x60 window (issue 10: the clock fills the window)
  peak memory   < 30 MB

Every run happens in a pseudo-terminal of 100x30 (200x60 where said), as a person would see
it, with the installed ``psoas`` script beside this Python: install the project (not
editable) into a virtual environment and run this with that environment's Python from the
repository root; it stops if psoas_cli would be imported from the checkout.

First frame: a run is killed once the keys line at the foot of its first frame is out.
Ratios are judged on the median CPU time up to that moment (read from /proc), which other
load on a shared machine disturbs far less than wall time; wall time and its ratio are
printed beside it. A run with sound on (default tones) and a recorded run are reported, not
judged. The CPU a process spends importing psoas's library and building the built-in
routine it runs (alone, from the index) is measured inside it, and the quiet built-in run's
ratio is printed less that building and less the whole library (the most a lighter library
could leave). psoas starts with garbage collection paused until its first frame, which the
floor as issue 12 names it does not: the floor is timed paused too, and the quiet runs'
ratios to that are printed, not judged, as psoas's own cost.

End of run: "start" is the moment psoas prints its first segment in plain mode (the run's
own start). Spawn-to-exit is printed too, start-up included, beside termdown (run at the
same time), which is installed from the package index into a throwaway virtual environment.
CPU is read from /proc in a window that skips the first and last seconds, beside a floor
measured in the same window: a bare Python process waking as often as a breath phase does;
the floor, the hold and the breath of one window size run side by side. Runs end on their
own (--yes, --no-history) or are killed. Linux only. Exits 1 when a target is missed.

    python bench/run_timing.py [--no-termdown] [--cpu-only] [--rounds N] [--frame-rounds N]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HOLD = """\
name: bench-hold
title: Bench hold
steps:
  - exercise: couch-stretch
    hold: {seconds}s
"""

BREATH = """\
name: bench-breath
title: Bench breath
steps:
  - exercise: diaphragm-breathing-360
    breath: {{inhale: 4, exhale: 4}}
    cycles: {cycles}
"""

TICKS = os.sysconf("SC_CLK_TCK")

FRAME_MARK = b"q quit"
"""In the keys line at the foot of the run screen: there once the whole first frame is."""

BUILT_IN = "daily-10min"

FLOOR_IMPORTS = "import click, rich.live, yaml"
FLOOR_READY = "floor-ready"
"""What the floor prints once its imports are done, timed as psoas's frame is."""
FLOOR_READY_MARK = FLOOR_READY.encode()

TARGET_FRAME_RATIO = 1.2


@dataclass
class Run:
    """One process in a pseudo-terminal: when things appeared, its CPU and memory."""

    spawned: float
    exited: float = 0.0
    marks: dict[str, float] = field(default_factory=dict)
    cpu_at: dict[str, float] = field(default_factory=dict)
    cpu_window: float = 0.0
    max_rss_mb: float = 0.0
    output: bytes = b""


def cpu_seconds(pid: int) -> float:
    """CPU seconds of a running process, from /proc: the scheduler's own count in
    nanoseconds over its threads where the kernel keeps it (clock ticks are 10 ms, too coarse
    for 0.3 % of 20 s), else user + system clock ticks."""
    threads = list(Path(f"/proc/{pid}/task").glob("*/schedstat"))
    if threads:
        return sum(int(thread.read_text().split()[0]) for thread in threads) / 1e9
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def run_in_pty(
    argv: list[str],
    marks: dict[str, bytes],
    window: tuple[float, float] | None = None,
    env: dict[str, str] | None = None,
    *,
    size: tuple[int, int] = (100, 30),
    stop_at: str | None = None,
) -> Run:
    """Run ``argv`` on a fresh pty of ``size`` (columns, rows), noting when each mark first
    appears in its output and the CPU it had used by then; killed once ``stop_at`` has."""
    master, slave = pty.openpty()
    columns, lines = size
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    run = Run(spawned=time.monotonic())
    # Away from the checkout, which "python -m" would put first on the path: the installed
    # package is what is measured.
    process = subprocess.Popen(
        argv,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
        cwd=tempfile.gettempdir(),
    )
    os.close(slave)
    cpu_start = None
    while True:
        now = time.monotonic()
        if window and cpu_start is None and now - run.spawned >= window[0]:
            cpu_start = (now, cpu_seconds(process.pid))
        window_over = window is not None and now - run.spawned >= window[1]
        if cpu_start is not None and not run.cpu_window and window_over:
            run.cpu_window = (cpu_seconds(process.pid) - cpu_start[1]) / (now - cpu_start[0])
        if select.select([master], [], [], 0.01)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                chunk = b""
            stamp = time.monotonic()
            if not chunk:
                break
            run.output += chunk
            _note_marks(run, marks, process.pid, stamp)
            if stop_at in run.marks:
                os.killpg(process.pid, signal.SIGKILL)
                stop_at = None
        elif exited(process.pid):
            break
    _, _, usage = os.wait4(process.pid, 0)
    run.exited = time.monotonic()
    run.max_rss_mb = usage.ru_maxrss / 1024
    os.close(master)
    return run


def _note_marks(run: Run, marks: dict[str, bytes], pid: int, stamp: float) -> None:
    """Note the time and the CPU used of each mark that has just appeared."""
    for name, text in marks.items():
        if name not in run.marks and text in run.output:
            run.marks[name] = stamp
            run.cpu_at[name] = cpu_seconds(pid)


def exited(pid: int) -> bool:
    """Whether the child has ended, leaving it to be reaped by ``os.wait4`` for its usage
    (``Popen.poll`` would reap it first, and ``wait4`` would then fail)."""
    return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def psoas_script() -> Path:
    """The installed console script beside this Python, as a person runs it; the bench
    stops when that package is the checkout itself (an editable install)."""
    script = Path(sys.executable).parent / "psoas"
    if not script.exists():
        sys.exit(f"no psoas script at {script}; install the project first: pip install .")
    where = subprocess.run(
        [sys.executable, "-c", "import psoas_cli; print(psoas_cli.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tempfile.gettempdir(),
    ).stdout.strip()
    if Path(where).resolve().is_relative_to(Path(__file__).resolve().parent.parent):
        sys.exit(f"psoas_cli is imported from the checkout ({where}): use a regular install")
    return script


def termdown_python(folder: Path) -> Path | None:
    """termdown in a throwaway virtual environment, or None when it cannot be installed."""
    venv = folder / "termdown-venv"
    python = venv / "bin" / "python"
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "termdown"], check=True, timeout=300
        )
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"termdown could not be installed ({exc}); comparing without it")
        return None
    return venv / "bin" / "termdown"


def report(label: str, values: list[float], unit: str, scale: float = 1.0) -> float:
    median = statistics.median(values) * scale
    spread = ", ".join(f"{v * scale:.1f}" for v in values)
    print(f"  {label:<50} median {median:7.1f} {unit}  ({spread})")
    return median


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--no-termdown", action="store_true", help="skip the termdown side")
    parser.add_argument("--rounds", type=int, default=3, help="runs of the 10 s routine")
    parser.add_argument("--frame-rounds", type=int, default=9, help="first-frame rounds")
    parser.add_argument("--cpu-only", action="store_true", help="only the CPU measurements")
    options = parser.parse_args()
    script = psoas_script()

    def psoas(*args: str) -> list[str]:
        return [str(script), "run", *args]

    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {**os.environ, "PSOAS_HOME": str(folder / "home"), "TERM": "xterm-256color"}
        files: dict[str, Path] = {}
        for seconds in (10, 30, 60):
            files[f"hold{seconds}"] = folder / f"hold{seconds}.yaml"
            files[f"hold{seconds}"].write_text(HOLD.format(seconds=seconds))
        files["breath32"] = folder / "breath32.yaml"
        files["breath32"].write_text(BREATH.format(cycles=4))
        termdown = None
        if not (options.no_termdown or options.cpu_only):
            termdown = termdown_python(folder)
        quiet = ("--yes", "--quiet", "--no-prep", "--no-history")
        print(f"psoas run timing (Python {sys.version.split()[0]}, {os.cpu_count()} cores)")
        if options.cpu_only:
            return 0 if cpu_in_steady_state(files, psoas, quiet, env, termdown) else 1

        ok &= first_frame(files["hold10"], psoas, env, options.frame_rounds)

        print("end of run after the run's own start, minus the plan's total (plain mode):")
        errors: dict[int, list[float]] = {10: [], 60: []}
        for seconds, rounds in ((10, options.rounds), (60, 1)):
            for _ in range(rounds):
                run = run_in_pty(
                    psoas("--file", str(files[f"hold{seconds}"]), *quiet, "--plain"),
                    {"start": b"\nCouch stretch: hold ", "end": b"Completed"},
                    env=env,
                )
                if len(run.marks) < 2:
                    sys.exit(f"psoas run failed:\n{run.output.decode(errors='replace')}")
                errors[seconds].append(run.marks["end"] - run.marks["start"] - seconds)
        for seconds, values in errors.items():
            report(f"{seconds} s routine", values, "ms", 1000)
            ok &= _judge(max(abs(v) * 1000 for v in values), 20, "ms", f"{seconds} s worst")

        print("spawn to exit, minus the nominal time, start-up included (live screen):")
        pairs = []
        for _ in range(options.rounds):
            argvs = {"psoas": psoas("--file", str(files["hold10"]), *quiet)}
            if termdown:
                argvs["termdown"] = [str(termdown), "10"]
            pairs.append(side_by_side(argvs, env))
        spawn = [pair["psoas"] for pair in pairs]
        report("psoas run (10 s hold)", [r.exited - r.spawned - 10 for r in spawn], "ms", 1000)
        if termdown:
            down = [pair["termdown"] for pair in pairs]
            report("termdown 10, beside it", [r.exited - r.spawned - 10 for r in down], "ms", 1000)
        floor = run_in_pty([sys.executable, "-c", FLOOR_IMPORTS], {}, env=env)
        print(f"  {'floor: peak memory of ' + FLOOR_IMPORTS:<50} {floor.max_rss_mb:7.2f} MB")
        memory = max(r.max_rss_mb for r in spawn)
        ok &= _judge(memory, 30, "MB", "peak memory of a whole run")

        ok &= cpu_in_steady_state(files, psoas, quiet, env, termdown)
    return 0 if ok else 1


@dataclass(frozen=True)
class Starter:
    """A command timed to its first frame: what it prints then, and whether it is judged."""

    argv: list[str]
    mark: bytes = FRAME_MARK
    judged: bool = False


def first_frame(
    hold: Path, psoas: Callable[..., list[str]], env: dict[str, str], rounds: int
) -> bool:
    """Spawn to the first drawn frame, beside the floor and the library's own cost, in
    interleaved rounds; judged for quiet unrecorded runs of a built-in and of a file."""
    print(f"first frame, from spawn (live screen), median of {rounds} interleaved rounds:")
    fast = ("--yes", "--no-prep", "--no-history")
    starters = {
        f"floor: python -c '{FLOOR_IMPORTS}'": Starter(
            [sys.executable, "-c", f"{FLOOR_IMPORTS}; print({FLOOR_READY!r})"], FLOOR_READY_MARK
        ),
        "floor, collector paused (not judged)": Starter(
            [
                sys.executable,
                "-c",
                f"import gc; gc.disable(); {FLOOR_IMPORTS}; print({FLOOR_READY!r})",
            ],
            FLOOR_READY_MARK,
        ),
        f"run {BUILT_IN} --quiet": Starter(psoas(BUILT_IN, *fast, "--quiet"), judged=True),
        "run --file (10 s hold) --quiet": Starter(
            psoas("--file", str(hold), *fast, "--quiet"), judged=True
        ),
        f"run {BUILT_IN}, sound on (tones)": Starter(psoas(BUILT_IN, *fast)),
        f"run {BUILT_IN} --quiet, recorded": Starter(
            psoas(BUILT_IN, "--yes", "--no-prep", "--quiet")
        ),
    }
    runs: dict[str, list[Run]] = {name: [] for name in starters}
    for _ in range(rounds):
        for name, starter in starters.items():
            run = run_in_pty(starter.argv, {"frame": starter.mark}, env=env, stop_at="frame")
            if "frame" not in run.marks:
                sys.exit(f"{name} drew no frame:\n{run.output.decode(errors='replace')}")
            runs[name].append(run)
    print(f"  {'':<44} {'cpu':>9} {'wall':>9}   cpu and wall / floor")
    medians: dict[str, tuple[float, float]] = {}
    met = True
    for name, done in runs.items():
        cpu = statistics.median(r.cpu_at["frame"] for r in done) * 1000
        wall = statistics.median(r.marks["frame"] - r.spawned for r in done) * 1000
        medians[name] = (cpu, wall)
        floor_cpu, floor_wall = next(iter(medians.values()))
        ratio = cpu / floor_cpu
        verdict = ""
        if starters[name].judged:
            verdict = f" (target <= {TARGET_FRAME_RATIO:g}x) "
            verdict += "ok" if ratio <= TARGET_FRAME_RATIO else "MISSED"
            met &= ratio <= TARGET_FRAME_RATIO
        print(
            f"  {name:<44} {cpu:6.1f} ms {wall:6.1f} ms   {ratio:4.2f}x {wall / floor_wall:4.2f}x"
            f"{verdict}"
        )
    paused = medians["floor, collector paused (not judged)"][0]
    for name in (f"run {BUILT_IN} --quiet", "run --file (10 s hold) --quiet"):
        print(
            f"  {name}: {medians[name][0] / paused:4.2f}x the floor with the collector paused, "
            "as psoas starts"
        )
    library = library_cost(env, rounds)
    floor_cpu = next(iter(medians.values()))[0]
    print(
        f"  {'of which importing the library (cpu)':<44} {library[0]:6.1f} ms\n"
        f"  {'of which building ' + BUILT_IN + ' from the index (cpu)':<44} {library[1]:6.1f} ms"
    )
    name = f"run {BUILT_IN} --quiet"
    unloaded = (medians[name][0] - library[1]) / floor_cpu
    without = (medians[name][0] - sum(library)) / floor_cpu
    print(
        f"  {name}: {unloaded:4.2f}x the floor less the building, {without:4.2f}x less the library"
    )
    return met


LIBRARY_COST = f"""
import time
import click, rich.live, yaml
started = time.process_time()
from psoas_cli.library.catalog import builtin_routine_alone
imported = time.process_time()
builtin_routine_alone({BUILT_IN!r})
print(imported - started, time.process_time() - imported)
"""
"""Prints the CPU seconds of importing psoas's library and of building the built-in routine
a run starts with, after the floor's imports, as a run does them."""


def library_cost(env: dict[str, str], rounds: int) -> tuple[float, float]:
    """Median CPU milliseconds of importing the library and of building the run's routine."""
    costs = [
        subprocess.run(
            [sys.executable, "-c", LIBRARY_COST],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=tempfile.gettempdir(),
        ).stdout.split()
        for _ in range(rounds)
    ]
    return (
        statistics.median(float(imported) for imported, _ in costs) * 1000,
        statistics.median(float(loaded) for _, loaded in costs) * 1000,
    )


FLOOR = "import time\nfor _ in range(104): time.sleep(0.25)"
"""A process that wakes four times a second and does nothing: what waking alone costs."""


def cpu_in_steady_state(
    files: dict[str, Path],
    psoas: Callable[..., list[str]],
    quiet: tuple[str, ...],
    env: dict[str, str],
    termdown: Path | None,
) -> bool:
    """CPU of a hold and of breath pacing, in a 100x30 and a 200x60 window, beside the floor;
    the runs of one window size side by side, each in its own pseudo-terminal."""
    ok = True
    for size in ((100, 30), (200, 60)):
        columns, lines = size
        print(f"CPU in steady state, seconds 5 to 25 of a 30 s+ run, {columns}x{lines} window:")
        argvs = {
            "floor": [sys.executable, "-c", FLOOR],
            "hold": psoas("--file", str(files["hold30"]), *quiet),
            "breath pacing": psoas("--file", str(files["breath32"]), *quiet),
        }
        if termdown:
            argvs["termdown 30 (reference)"] = [str(termdown), "30"]
        runs = side_by_side(argvs, env, size, (5, 25))
        floor_percent = runs["floor"].cpu_window * 100
        print(f"  {'floor: python waking 4 times a second':<50} {floor_percent:7.2f} %")
        for what, limit in (("hold", 0.3), ("breath pacing", 1.0)):
            percent = runs[what].cpu_window * 100
            ok &= _judge(percent, limit, "%", what)
            if floor_percent:
                print(f"  {what + ' / floor':<50} {percent / floor_percent:7.1f}x")
        if termdown:
            reference = runs["termdown 30 (reference)"].cpu_window * 100
            print(f"  {'termdown 30 (reference)':<50} {reference:7.2f} %")
    return ok


def side_by_side(
    argvs: dict[str, list[str]],
    env: dict[str, str],
    size: tuple[int, int] = (100, 30),
    window: tuple[float, float] | None = None,
) -> dict[str, Run]:
    """Each command in a pseudo-terminal of its own at the same time (with the CPU read over
    ``window``): they sleep nearly all the time, so they barely meet on the cores."""
    runs: dict[str, Run] = {}

    def one(name: str, argv: list[str]) -> None:
        runs[name] = run_in_pty(argv, {}, window, env, size=size)

    threads = [threading.Thread(target=one, args=item) for item in argvs.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return runs


def _judge(value: float, limit: float, unit: str, what: str) -> bool:
    met = value <= limit
    verdict = "ok" if met else "MISSED"
    print(f"  {what:<50} {value:7.2f} {unit} (target <= {limit:g} {unit}) {verdict}")
    return met


if __name__ == "__main__":
    sys.exit(main())
