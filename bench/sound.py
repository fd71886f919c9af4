"""How promptly and how cheaply `psoas run` sounds its cues, each beside a floor from the same run.

Targets (issue 10):
  cue to sound   median <= 30 ms, worst <= 50 ms from the cue's scheduled time
  CPU            hold <= 0.3 %, breath pacing <= 1 % of one core, 200x60 window, tones on
  end            "Completed" within 50 ms of the plan's end, sounds on
  first frame    with tones at most 1.05x the same run's with --sound off (issue 12)

Sound is played into a private PulseAudio server's null sink and recorded from its monitor
with parec (tests/pulse.py), so it needs Debian's pulseaudio and pulseaudio-utils; Linux
only. A cue's scheduled time is the run's start, seen as the moment its first step's line
arrives from plain mode, plus the cue's second in the plan. The time a sound began is read
from the recording, whose sample 0 is placed by the earliest-arriving block, so the figures
are absolute on the machine's monotonic clock (a few ms early at worst). Floors: the same
device path driven by a minimal loop with no run around it (cue to sound), the same run
with --sound off (CPU, end). Exits 1 when a target is missed.

    python bench/sound.py
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fakes import FakeAudio, FakeClock, ScriptedCommands
from pulse import missing_programs, onsets, pulse_server, recording

from psoas_cli.library.catalog import (
    RoutineEntry,
    load_catalog,
)
from psoas_cli.library.plan import PlanOptions, build_plan
from psoas_cli.limits import DEFAULT_VOLUME
from psoas_cli.run import tones
from psoas_cli.run.cues import ToneCues
from psoas_cli.run.engine import Engine
from psoas_cli.run.tones import Tone

CUES = """\
name: bench-cues
title: Bench cues
steps:
  - exercise: couch-stretch
    hold: 6s
  - exercise: diaphragm-breathing-360
    breath: {inhale: 2, exhale: 2}
    cycles: 4
"""

HOLD = """\
name: bench-hold
title: Bench hold
steps:
  - exercise: couch-stretch
    hold: 30s
"""

BREATH = """\
name: bench-breath
title: Bench breath
steps:
  - exercise: diaphragm-breathing-360
    breath: {inhale: 4, exhale: 4}
    cycles: 4
"""

END = """\
name: bench-end
title: Bench end
steps:
  - exercise: couch-stretch
    hold: 4s
"""

THRESHOLD = 300
"""A recorded sample this far from zero is sound; the null sink's silence is exactly 0."""

TICKS = os.sysconf("SC_CLK_TCK")


def expected_cues(path: Path) -> list[tuple[float, Tone]]:
    """Each cue's second in the run and its tone, from the engine on a fake clock."""
    entry = load_catalog().with_file(str(path))
    assert isinstance(entry, RoutineEntry)
    plan = build_plan(entry.routine, PlanOptions(prep=0.0))
    clock = FakeClock()
    audio = FakeAudio(clock)
    by_sound = {tones.samples(t, DEFAULT_VOLUME).tobytes(): t for t in Tone}
    cues = ToneCues(audio, DEFAULT_VOLUME, clock, plan=plan)
    Engine(
        plan,
        clock=clock,
        commands=ScriptedCommands(clock, interactive=False),
        listeners=[cues],
        wakers=[cues],
    ).run()
    return sorted((at, by_sound[sound.tobytes()]) for at, sound in audio.played)


def lag(tone: Tone) -> int:
    """Samples from a tone's first sample to where ``onsets`` finds it (its fade-in)."""
    return onsets(tones.samples(tone, DEFAULT_VOLUME), THRESHOLD)[0]


AWAY = tempfile.gettempdir()
"""Where psoas runs: away from the checkout, whose folder "python -m" would put first on
the path, so that the installed package is measured, not the source tree."""


def psoas(*args: str) -> list[str]:
    return [sys.executable, "-m", "psoas_cli", *args]


def timed_lines(argv: list[str], env: dict[str, str]) -> list[tuple[float, str]]:
    """Run ``argv`` with a pipe for output; each line with the moment it arrived."""
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True, cwd=AWAY)
    assert process.stdout is not None
    lines = [(time.monotonic(), line.rstrip("\n")) for line in process.stdout]
    process.wait(60)
    return lines


def first_arrival(lines: list[tuple[float, str]], start: str) -> float:
    found = [at for at, line in lines if line.startswith(start)]
    if not found:
        sys.exit("psoas did not print " + repr(start) + ":\n" + "\n".join(t for _, t in lines))
    return found[0]


def latencies_of_psoas(env: dict[str, str], routine: Path) -> list[float]:
    """Seconds from each cue's scheduled time to its sound in the recording."""
    expected = expected_cues(routine)
    args = ("run", "--file", str(routine), "--yes", "--no-prep", "--plain", "--no-history")
    with recording(env) as recorded:
        lines = timed_lines(psoas(*args, "--sound", "tones"), env)
    start = first_arrival(lines, "Step 1 of")
    return _match(recorded[0], expected, start)


FLOOR = """\
import sys, time
from psoas_cli.run.audio import START_SECONDS, open_device
from psoas_cli.run.tones import Tone, samples
plan = [(float(at), Tone[name]) for at, name in (item.split(":") for item in sys.argv[1:])]
output = open_device()
start = time.monotonic() + 0.5
print(start, flush=True)
for at, tone in plan:
    sound = samples(tone, 80)
    time.sleep(max(0.0, start + at - START_SECONDS - time.monotonic()))
    output.play_in(sound, start + at - time.monotonic())
time.sleep(1.5)
output.close()
"""


PLAYER = """\
import subprocess, sys, time
from psoas_cli.run.tones import Tone, samples
plan = [(float(at), Tone[name]) for at, name in (item.split(":") for item in sys.argv[1:])]
player = ["pacat", "--raw", "--format=s16le", "--rate=22050", "--channels=1"]
start = time.monotonic() + 0.5
print(start, flush=True)
playing = []
for at, tone in plan:
    sound = samples(tone, 80).tobytes()
    time.sleep(max(0.0, start + at - time.monotonic()))
    process = subprocess.Popen(player, stdin=subprocess.PIPE)
    process.stdin.write(sound)
    process.stdin.close()
    playing.append(process)
for process in playing:
    process.wait()
"""


def latencies_of_loop(env: dict[str, str], routine: Path, loop: str = "device") -> list[float]:
    """The same cues at the same times from a bare loop: through psoas's device path, or
    through a system player (pacat) started for each cue."""
    expected = expected_cues(routine)
    plan = [f"{at}:{tone.name}" for at, tone in expected]
    with recording(env) as recorded:
        done = subprocess.run(
            [sys.executable, "-c", FLOOR if loop == "device" else PLAYER, *plan],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    start = float(done.stdout.split()[0])
    return _match(recorded[0], expected, start)


def startup_costs(env: dict[str, str]) -> dict[str, float]:
    """Median seconds, of 5, to load psoas's playback path (its own binding to miniaudio's
    compiled library), to import miniaudio's Python layer (which psoas no longer loads), to
    open the device, and to start a system player process, each in a fresh interpreter;
    importing click, which every psoas command pays, is the floor."""
    scripts = {
        "import click (floor)": "import time; t = time.perf_counter(); import click",
        "load the playback path": (
            "import time; t = time.perf_counter(); import psoas_cli.run.audio, "
            "psoas_cli.run.playback"
        ),
        "import miniaudio (not used)": "import time; t = time.perf_counter(); import miniaudio",
        "open the device (after loading)": (
            "import time; from psoas_cli.run.audio import open_device; "
            "import psoas_cli.run.playback; t = time.perf_counter(); open_device().close()"
        ),
        "start pacat and let it exit": (
            "import subprocess, time; t = time.perf_counter(); "
            "subprocess.run(['pacat', '--raw', '/dev/null'], check=True)"
        ),
    }
    costs = {}
    for label, script in scripts.items():
        code = script + "; print(time.perf_counter() - t)"
        runs = [
            float(
                subprocess.run(
                    [sys.executable, "-c", code],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
            for _ in range(5)
        ]
        costs[label] = statistics.median(runs)
    return costs


def _match(recorded: object, expected: list[tuple[float, Tone]], start: float) -> list[float]:
    from pulse import Recording  # noqa: PLC0415

    assert isinstance(recorded, Recording)
    found = onsets(recorded.samples, THRESHOLD)
    if len(found) != len(expected):
        sys.exit(f"heard {len(found)} sounds, expected {len(expected)}")
    return [
        recorded.time_of(at - lag(tone)) - (start + second)
        for at, (second, tone) in zip(found, expected, strict=True)
    ]


def cpu_in_pty(argv: list[str], env: dict[str, str], window: tuple[float, float]) -> float:
    """CPU share of one core used by ``argv`` in a 200x60 pty between the window's seconds."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 60, 200, 0, 0))
    process = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, cwd=AWAY
    )
    os.close(slave)
    stop = threading.Event()

    def drain() -> None:
        while not stop.is_set():
            if select.select([master], [], [], 0.05)[0]:
                try:
                    if not os.read(master, 65536):
                        return
                except OSError:
                    return

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    time.sleep(window[0])
    first = (time.monotonic(), _cpu(process.pid))
    time.sleep(window[1] - window[0])
    share = (_cpu(process.pid) - first[1]) / (time.monotonic() - first[0])
    process.wait(120)
    stop.set()
    reader.join(5)
    os.close(master)
    return share


def first_frame(argv: list[str], env: dict[str, str], mark: bytes) -> float:
    """Seconds from spawning ``argv`` in a 200x60 pty to ``mark`` on its screen; then it is
    stopped."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 60, 200, 0, 0))
    spawned = time.monotonic()
    process = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, cwd=AWAY
    )
    os.close(slave)
    output = b""
    seen = None
    while seen is None and select.select([master], [], [], 10)[0]:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        output += chunk
        if mark in output:
            seen = time.monotonic() - spawned
    process.terminate()
    # Keep reading until it has gone: a full pty would block its last writes, and its exit.
    deadline = time.monotonic() + 10
    while process.poll() is None and time.monotonic() < deadline:
        if select.select([master], [], [], 0.05)[0]:
            try:
                os.read(master, 65536)
            except OSError:
                break
    process.wait(10)
    os.close(master)
    if seen is None:
        sys.exit(f"no {mark!r} on the screen:\n{output.decode(errors='replace')}")
    return seen


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def end_delay(env: dict[str, str], routine: Path, sound: str) -> float:
    """Seconds from the plan's end to the "Completed" line."""
    args = ("run", "--file", str(routine), "--yes", "--no-prep", "--plain", "--no-history")
    lines = timed_lines(psoas(*args, "--sound", sound), env)
    return first_arrival(lines, "Completed") - first_arrival(lines, "Step 1 of") - 4.0


def judge(value: float, limit: float, unit: str, what: str) -> bool:
    met = value <= limit
    verdict = "ok" if met else "MISSED"
    print(f"  {what:<44} {value:7.2f} {unit} (target <= {limit:g} {unit}) {verdict}")
    return met


def main() -> int:
    missing = missing_programs()
    if missing:
        print(f"needs {', '.join(missing)} (Debian: pulseaudio, pulseaudio-utils)")
        return 1
    ok = True
    print(f"psoas sound (Python {sys.version.split()[0]}, {os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory() as tmp, pulse_server() as pulse_env:
        folder = Path(tmp)
        env = {**pulse_env, "PSOAS_HOME": str(folder / "home"), "TERM": "xterm-256color"}
        files = {}
        for name, text in (("cues", CUES), ("hold", HOLD), ("breath", BREATH), ("end", END)):
            files[name] = folder / f"{name}.yaml"
            files[name].write_text(text, encoding="utf-8")

        print("the playback path, in a fresh interpreter (median of 5):")
        costs = startup_costs(env)
        for label, seconds in costs.items():
            print(f"  {label:<44} {seconds * 1000:7.1f} ms")
        ratio = costs["load the playback path"] / costs["import click (floor)"]
        print(f"  ratio playback path / import click: {ratio:.2f}x")

        print("cue to sound, from the recording (a 6 s hold, then 8 breaths of 2 s):")
        mine = [ms * 1000 for ms in latencies_of_psoas(env, files["cues"])]
        floor = [ms * 1000 for ms in latencies_of_loop(env, files["cues"])]
        player = [ms * 1000 for ms in latencies_of_loop(env, files["cues"], "player")]
        for label, values in (
            ("psoas run", mine),
            ("floor: bare loop, same device", floor),
            ("bare loop, pacat started per cue", player),
        ):
            relative = [v - values[0] for v in values]
            print(
                f"  {label:<44} median {statistics.median(values):6.1f} ms, worst "
                f"{max(values, key=abs):6.1f} ms; after the first cue: worst "
                f"{max(relative, key=abs):6.1f} ms ({len(values)} cues)"
            )
        ok &= judge(statistics.median(mine), 30, "ms", "cue to sound, median")
        ok &= judge(max(abs(v) for v in mine), 50, "ms", "cue to sound, worst")
        spread = max(mine) - min(mine)
        floor_spread = max(floor) - min(floor)
        print(
            f"  spread (latest - earliest): psoas {spread:.1f} ms, floor {floor_spread:.1f} ms, "
            f"ratio {spread / max(floor_spread, 0.1):.2f}x"
        )

        print("CPU, seconds 5 to 25 of a 30 s+ run, live screen at 200x60:")
        run = ("run", "--yes", "--no-prep", "--no-history", "--file")
        for name, limit in (("hold", 0.3), ("breath", 1.0)):
            tones_on = cpu_in_pty(psoas(*run, str(files[name]), "--sound", "tones"), env, (5, 25))
            silent = cpu_in_pty(psoas(*run, str(files[name]), "--sound", "off"), env, (5, 25))
            print(f"  {name} with --sound off (floor){'':<20} {silent * 100:7.2f} %")
            ok &= judge(tones_on * 100, limit, "%", f"{name}, tones on")
            print(f"  ratio tones / off: {tones_on / max(silent, 1e-6):.2f}x")

        print("first frame from process start, live screen at 200x60 (median of 5):")
        frames = {}
        for sound in ("off", "tones"):
            argv = psoas(*run, str(files["hold"]), "--sound", sound)
            frames[sound] = statistics.median(first_frame(argv, env, b"HOLD") for _ in range(5))
            print(f"  --sound {sound:<36} {frames[sound] * 1000:7.1f} ms")
        ok &= judge(frames["tones"] / frames["off"], 1.05, "x", "first frame, ratio tones / off")

        print('end of the plan to "Completed" (plain mode, a 4 s hold):')
        with_sound = [end_delay(env, files["end"], "tones") * 1000 for _ in range(3)]
        without = [end_delay(env, files["end"], "off") * 1000 for _ in range(3)]
        print(f"  --sound off (floor){'':<25} median {statistics.median(without):6.1f} ms")
        ok &= judge(statistics.median(with_sound), 50, "ms", "tones on, median of 3")
        ok &= judge(max(with_sound), 50, "ms", "tones on, worst of 3")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
