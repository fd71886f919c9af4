"""Spoken words through the run's audio output: synthesised to a buffer, then played.

A speech program (espeak-ng or espeak; ``say`` on macOS) writes WAV, which the ``wave``
module decodes; the samples are resampled to the output's rate and queued like any tone, so
speech and tones share one device, and a missing device is found and said once. Synthesis
runs in a worker thread, phrases known in advance are made before they are needed, and
every speech process is waited for (with a time limit), so none outlives the run.
"""

from __future__ import annotations

import io
import itertools
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import wave
from array import array
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from psoas_cli.run.audio import SoundOutput
from psoas_cli.run.tones import SAMPLE_RATE, gain
from psoas_cli.value import Value

SPEECH_SECONDS = 5.0
"""The longest one phrase may take to synthesise; a speech program still busy then is killed."""

WORDS_PER_MINUTE = "160"
"""A calm speaking rate, a little slower than espeak-ng's default."""


class SpeechCommand(Value, kw_only=False):
    """A speech program and how it hands over WAV: on standard output, or in a file it is
    told to write (``say``), named where ``{file}`` stands in ``argv``."""

    argv: tuple[str, ...]
    to_file: bool = False


def find_speech_command(
    which: Callable[[str], str | None] = shutil.which, platform: str = sys.platform
) -> SpeechCommand | None:
    """The first speech program here that can write WAV; None when there is none."""
    for name in ("espeak-ng", "espeak"):
        path = which(name)
        if path:
            return SpeechCommand((path, "--stdout", "-s", WORDS_PER_MINUTE))
    path = which("say") if platform == "darwin" else None
    if path:
        return SpeechCommand((path, "-o", "{file}", f"--data-format=LEI16@{SAMPLE_RATE}"), True)
    return None


Runner = Callable[[Sequence[str]], bytes]
"""Runs a speech program to its end (or its time limit) and returns its standard output."""


def run_to_end(argv: Sequence[str]) -> bytes:
    """Run ``argv`` and wait for it: killed and reaped if it takes over ``SPEECH_SECONDS``."""
    try:
        done = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=SPEECH_SECONDS,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return b""
    return done.stdout if done.returncode == 0 else b""


def synthesise(command: SpeechCommand, text: str, run: Runner = run_to_end) -> bytes:
    """The WAV bytes of ``text`` spoken; empty when the program fails."""
    if not command.to_file:
        return run([*command.argv, text])
    fd, name = tempfile.mkstemp(suffix=".wav", prefix="psoas-")
    os.close(fd)
    try:
        run([name if part == "{file}" else part for part in command.argv] + [text])
        return Path(name).read_bytes()
    finally:
        Path(name).unlink(missing_ok=True)


def decode(wav: bytes, volume: int) -> array[int]:
    """Mono 16-bit samples at ``SAMPLE_RATE`` from WAV bytes, at ``volume``; empty when
    the bytes are not 16-bit PCM WAV.

    espeak-ng streams its WAV with a placeholder length, so the frames are whatever follows
    the header. Channels are averaged; another rate is resampled by linear interpolation,
    which is plenty for speech.
    """
    try:
        with wave.open(io.BytesIO(wav)) as reader:
            channels, width, rate = (
                reader.getnchannels(),
                reader.getsampwidth(),
                reader.getframerate(),
            )
            frames = reader.readframes(reader.getnframes())
    except (wave.Error, EOFError):
        return array("h")
    if width != 2 or rate <= 0:
        return array("h")
    raw = array("h")
    raw.frombytes(frames[: len(frames) // 2 * 2])
    if sys.byteorder == "big":
        raw.byteswap()
    mono = [sum(raw[i : i + channels]) / channels for i in range(0, len(raw), channels)]
    if rate != SAMPLE_RATE and mono:
        step = rate / SAMPLE_RATE
        count = int(len(mono) / step)
        last = len(mono) - 1
        mono = [
            mono[int(p)] + (mono[min(int(p) + 1, last)] - mono[int(p)]) * (p - int(p))
            for p in (i * step for i in range(count))
        ]
    scale = gain(volume)
    return array("h", (round(x * scale) for x in mono))


_SAY = 0
_PREPARE = 1
"""Queue priorities: a phrase to say now goes before phrases made ahead."""

_STOP = ""
"""The phrase that tells the worker to end."""


class Speech:
    """Says phrases through ``output``; made in a worker thread and kept for next time."""

    def __init__(
        self, command: SpeechCommand, output: SoundOutput, volume: int, run: Runner = run_to_end
    ) -> None:
        self._command = command
        self._output = output
        self._volume = volume
        self._run = run
        self._made: dict[str, array[int]] = {}
        self._jobs: queue.PriorityQueue[tuple[int, int, str]] = queue.PriorityQueue()
        self._order = itertools.count()
        self._worker = threading.Thread(target=self._work, name="psoas-speech", daemon=True)
        self._worker.start()

    def prepare(self, phrases: Iterable[str]) -> None:
        """Make these phrases ahead, so they sound on time when said."""
        for phrase in dict.fromkeys(phrases):
            self._jobs.put((_PREPARE, next(self._order), phrase))

    def say(self, phrase: str) -> None:
        """Speak ``phrase`` now, or as soon as it is made; never waits."""
        made = self._made.get(phrase)
        if made is not None:
            self._output.play(made)
        else:
            self._jobs.put((_SAY, next(self._order), phrase))

    def finish_saying(self) -> None:
        """Wait until every phrase asked for has been made and queued (each program is
        killed at ``SPEECH_SECONDS``)."""
        self._jobs.join()

    def close(self) -> None:
        """Drop phrases not yet made and wait for the worker and its speech program (each
        program is killed at ``SPEECH_SECONDS``), so no process outlives the run."""
        while True:
            try:
                self._jobs.get_nowait()
            except queue.Empty:
                break
            self._jobs.task_done()
        self._jobs.put((_SAY - 1, next(self._order), _STOP))
        self._worker.join(SPEECH_SECONDS + 1)

    def _work(self) -> None:
        while True:
            priority, _, phrase = self._jobs.get()
            try:
                if phrase == _STOP:
                    return
                made = self._made.get(phrase)
                if made is None:
                    made = decode(synthesise(self._command, phrase, self._run), self._volume)
                    self._made[phrase] = made
                if priority == _SAY:
                    self._output.play(made)
            finally:
                self._jobs.task_done()
