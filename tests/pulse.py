"""A private PulseAudio server with a silent sink, and a recorder of what plays into it.

Used by the recorded-audio tests and by ``bench/sound.py``: psoas plays into the null sink
as into speakers, ``parec`` records the sink's monitor, and the recording is read back for
when each sound began and at what pitch. Nothing depends on the machine's own sound setup:
the server runs in a private folder and is reached only through ``PULSE_SERVER``.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
import threading
import time
from array import array
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

RATE = 22_050
"""The sink's and the recording's rate: psoas's own, so nothing is resampled."""

SINK = "psoas_null"

SETTLE_SECONDS = 2.0
"""How long the recording runs before anything plays: a fresh null sink renders in large
blocks at first, until the recorder's request for low latency reaches it."""

PULSE_PROGRAMS = ("pulseaudio", "parec", "pactl")


def missing_programs() -> list[str]:
    """The programs of Debian's pulseaudio and pulseaudio-utils that are not installed."""
    return [name for name in PULSE_PROGRAMS if shutil.which(name) is None]


@contextmanager
def pulse_server() -> Iterator[dict[str, str]]:
    """Start a private PulseAudio server with a null sink; yield the environment that
    reaches it, and stop it afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="psoas-pulse-"))
    runtime = folder / "run"
    runtime.mkdir(mode=0o700)
    socket = runtime / "native"
    env = {
        **os.environ,
        "XDG_RUNTIME_DIR": str(runtime),
        "HOME": str(folder),
        "PULSE_SERVER": f"unix:{socket}",
    }
    server = subprocess.Popen(
        [
            "pulseaudio",
            "-n",
            "--daemonize=no",
            "--system=false",
            "--exit-idle-time=-1",
            "--use-pid-file=no",
            "-F",
            "/dev/null",
            f"--load=module-null-sink sink_name={SINK} rate={RATE} channels=1",
            f"--load=module-native-protocol-unix auth-anonymous=1 socket={socket}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while subprocess.run(
            ["pactl", "info"], env=env, capture_output=True, check=False
        ).returncode:
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("the private PulseAudio server did not start")
            time.sleep(0.05)
        yield env
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Recording:
    """What the sink played: samples, and the monotonic time sample 0 was played at (an
    estimate that is late by at most the delay of the quickest block to reach us)."""

    samples: array[int]
    start: float

    def time_of(self, index: int) -> float:
        """The monotonic time sample ``index`` was played at."""
        return self.start + index / RATE


@contextmanager
def recording(env: dict[str, str]) -> Iterator[list[Recording]]:
    """Record the null sink's monitor while the block runs; the list holds the recording
    once the block ends."""
    parec = subprocess.Popen(
        [
            "parec",
            f"--device={SINK}.monitor",
            "--format=s16le",
            f"--rate={RATE}",
            "--channels=1",
            "--latency-msec=5",
            "--raw",
        ],
        env=env,
        stdout=subprocess.PIPE,
    )
    assert parec.stdout is not None
    data = bytearray()
    arrivals: list[tuple[float, int]] = []
    stream = parec.stdout

    def read() -> None:
        while chunk := os.read(stream.fileno(), 4096):
            data.extend(chunk)
            arrivals.append((time.monotonic(), len(data) // 2))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    result: list[Recording] = []
    try:
        time.sleep(SETTLE_SECONDS)
        yield result
        time.sleep(0.3)
    finally:
        parec.terminate()
        parec.wait(10)
        reader.join(10)
    samples = array("h")
    samples.frombytes(bytes(data[: len(data) // 2 * 2]))
    start = min(at - count / RATE for at, count in arrivals) if arrivals else 0.0
    result.append(Recording(samples, start))


def onsets(samples: Sequence[int], threshold: int, quiet_seconds: float = 0.15) -> list[int]:
    """Where each sound begins: the first sample above ``threshold`` after at least
    ``quiet_seconds`` of samples below it."""
    found: list[int] = []
    last_loud = -(10**9)
    quiet = int(quiet_seconds * RATE)
    for index, value in enumerate(samples):
        if abs(value) > threshold:
            if index - last_loud > quiet:
                found.append(index)
            last_loud = index
    return found


def pitch(samples: Sequence[int]) -> float:
    """Upward zero crossings a second: the pitch of a near-pure tone, in Hz."""
    ups = sum(1 for a, b in itertools.pairwise(samples) if a < 0 <= b)
    return ups * RATE / max(1, len(samples))
