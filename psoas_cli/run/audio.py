"""The computer's audio output, in-process: one playback device per run, fed by a mixer.

Cues and speech are queued on the mixer and return at once; the device's own thread asks the
mixer for the next stretch of sound, so playing never waits on the clock's path.
The device plays through miniaudio's C library (the one audio dependency, loaded only when
a run or ``psoas sounds`` opens it; see ``playback``) on a real backend only: its null
backend would "play" in silence, so it is never accepted.

What a running device costs is one wake-up of its thread (and of PulseAudio's client loop)
per period, whatever it plays, so the periods are long and the device runs only around a
sound: it starts when a sound is queued and stops once it has been quiet a while. A long
period would make a cue late by up to a buffer, so cues, whose times are known ahead, are
queued before they are due with the time they are due (``play_in``): the mixer counts the
samples it has handed over since the device started and puts each sound at the sample that
is heard at its time.
"""

from __future__ import annotations

import itertools
import math
import os
import threading
import time
from array import array
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

from psoas_cli.run.tones import FULL_SCALE, SAMPLE_RATE
from psoas_cli.value import Value, replace

if TYPE_CHECKING:
    from psoas_cli.run.playback import Feed

PERIOD_MILLISECONDS = 100
"""The device asks for sound this often. Each period wakes two threads (miniaudio's and
PulseAudio's client loop); bench/sound.py measured 10 ms periods at about ten times the CPU
of 100 ms ones while the device runs. Cues are on time anyway, being queued ahead."""

PERIODS = 2
"""Periods in the device's buffer: the fewest that play without gaps on a busy machine."""

IDLE_STOP_SECONDS = 0.1
"""Quiet this long, the device stops until the next sound, so a long hold costs no CPU."""

BUFFER_SECONDS = PERIOD_MILLISECONDS * PERIODS / 1000
"""What the device holds, at least: a sound queued now is heard up to this much later.
Stopping the device drops what it holds, so quiet is counted from when the last sound handed
over is heard."""

START_SECONDS = 0.2
"""How long before its time a sound is queued (``play_in``): enough for a stopped device to
start and ask for its first block, so the sound can be placed at its very sample."""

OPEN_WAIT_SECONDS = 3.0
"""The longest a run waits for the audio output to open before it rings the bell instead."""


class NoAudioOutput(Exception):
    """No audio output could be opened; the message says why, for the one notice."""


class SoundOutput(Protocol):
    """Where sounds go: played at once, mixed with any still sounding, never blocking."""

    def play(self, sound: array[int]) -> None:
        """Queue mono 16-bit samples at ``SAMPLE_RATE`` to sound now."""

    def play_in(self, sound: array[int], seconds: float) -> int:
        """Queue ``sound`` to be heard ``seconds`` from now (about ``START_SECONDS``); the
        number returned withdraws it."""
        ...

    def withdraw(self, ticket: int) -> None:
        """Drop a sound queued by ``play_in`` unless it has begun to sound."""

    def seconds_left(self) -> float:
        """How long what is queued will go on sounding."""
        ...

    def silence(self) -> None:
        """Stop everything sounding now (a stop with Ctrl-Z); the next sound plays again."""

    def close(self) -> None:
        """Stop and let go of the output; safe to call more than once."""


class Queued(Value, kw_only=False):
    """A sound on the mixer: the clock time it is due (None: as soon as it can be) and how
    many of its samples have been handed to the device."""

    ticket: int
    sound: array[int]
    due: float | None
    played: int = 0


FILL_GAP_SECONDS = 0.01
"""Blocks asked for within this of the one before belong to the same filling of the buffer."""


class Mixer:
    """Sums the sounds queued on it into the blocks the device asks for; thread-safe.

    It counts the samples handed over since the device (re)started, and places a sound due
    at a clock time at the sample heard then. A started device fills its buffer first (at
    least ``fill_blocks`` blocks, more if asked for at once), and PulseAudio plays nothing
    until it is full: so sample 0 is heard when the last block of that filling is asked for.
    bench/sound.py measured it: counted from the first block instead, cues came ~50 ms late
    in runs where PulseAudio asked for the second block late.
    """

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, fill_blocks: int = PERIODS
    ) -> None:
        # Re-entrant: a Ctrl-Z handler clears the mixer on the main thread, which may be
        # inside ``add`` or ``seconds_left`` at that moment.
        self._lock = threading.RLock()
        self._clock = clock
        self._queued: list[Queued] = []
        self._tickets = itertools.count(1)
        self._fill_blocks = fill_blocks
        self._handed_over = 0
        self._blocks = 0
        self._last_asked = -math.inf
        self._filled = False
        self._first_heard: float | None = None
        self._heard_until = -math.inf

    def add(self, sound: array[int], due: float | None = None) -> int:
        """Queue ``sound`` to begin at clock time ``due``, or with the next block; the
        number returned withdraws it."""
        ticket = next(self._tickets)
        if sound:
            with self._lock:
                self._queued.append(Queued(ticket, sound, due))
        return ticket

    def withdraw(self, ticket: int) -> None:
        """Drop the sound ``ticket`` unless it has begun."""
        with self._lock:
            self._queued = [q for q in self._queued if q.ticket != ticket or q.played]

    def clear(self) -> None:
        """Forget every sound, playing or due."""
        with self._lock:
            self._queued = []
            self._heard_until = -math.inf

    def restart(self) -> None:
        """The device starts again: the next block is the first one heard."""
        with self._lock:
            self._handed_over = 0
            self._blocks = 0
            self._last_asked = -math.inf
            self._filled = False
            self._first_heard = None

    def has_sound(self) -> bool:
        """Whether anything is playing or due."""
        with self._lock:
            return bool(self._queued)

    def heard_until(self) -> float:
        """The clock time the last sound handed over to the device will have been heard."""
        with self._lock:
            return self._heard_until

    def seconds_left(self) -> float:
        """How long until the last queued sound has been handed over."""
        now = self._clock()
        with self._lock:
            return max(
                (
                    max(0.0, (q.due or now) - now) + (len(q.sound) - q.played) / SAMPLE_RATE
                    for q in self._queued
                ),
                default=0.0,
            )

    def block(self, frames: int) -> array[int]:
        """The next ``frames`` samples (fewer, or none, when less is due), clamped to full
        scale where sounds overlap."""
        with self._lock:
            self._note_asked(self._clock())
            first = self._handed_over
            self._handed_over += frames
            parts: list[tuple[int, array[int]]] = []
            kept: list[Queued] = []
            for queued in self._queued:
                offset = self._offset(queued, first)
                if offset >= frames:
                    kept.append(queued)
                    continue
                part = queued.sound[queued.played : queued.played + frames - offset]
                parts.append((offset, part))
                self._note_heard(first + offset + len(part))
                if queued.played + len(part) < len(queued.sound):
                    kept.append(replace(queued, played=queued.played + len(part)))
            self._queued = kept
        return _mixed(parts)

    def _note_asked(self, now: float) -> None:
        """A block is asked for at ``now``: while the buffer is still filling, sample 0 is
        heard no sooner than now."""
        if not self._filled:
            within = now - self._last_asked <= FILL_GAP_SECONDS
            if self._blocks < self._fill_blocks or within:
                self._first_heard = now
            else:
                self._filled = True
        self._blocks += 1
        self._last_asked = now

    def _note_heard(self, end: int) -> None:
        """Samples up to ``end`` of this start hold sound: note when they will have been heard."""
        if self._first_heard is not None:
            heard = self._first_heard + end / SAMPLE_RATE
            self._heard_until = max(self._heard_until, heard)

    def _offset(self, queued: Queued, first: int) -> int:
        """Where in the block starting at sample ``first`` the sound goes on; 0 once it has
        begun, or when its time has passed."""
        if queued.played or queued.due is None or self._first_heard is None:
            return 0
        return max(0, round((queued.due - self._first_heard) * SAMPLE_RATE) - first)


def _mixed(parts: list[tuple[int, array[int]]]) -> array[int]:
    """Parts of sounds, each at its offset, summed into one block."""
    if len(parts) <= 1:
        if not parts:
            return array("h")
        offset, part = parts[0]
        return array("h", bytes(2 * offset)) + part if offset else part
    mixed = [0] * max(offset + len(part) for offset, part in parts)
    for offset, part in parts:
        for i, value in enumerate(part, offset):
            mixed[i] += value
    return array("h", (max(-FULL_SCALE, min(FULL_SCALE, v)) for v in mixed))


class Device(Protocol):
    """What ``DeviceOutput`` drives: ``playback.PlaybackDevice``, or a stand-in in tests."""

    backend: str

    def start(self, feed: Feed) -> None: ...

    def stop(self) -> None: ...

    def close(self) -> None: ...


class DeviceOutput:
    """A playback device fed by a ``Mixer``, started on demand.

    ``play`` only queues and, when the device is stopped, wakes the control thread that
    starts it; the device's thread pulls mixed blocks and, after ``IDLE_STOP_SECONDS`` of
    nothing to play, asks the control thread to stop it. The device's thread never waits on
    a lock that the control thread holds while it starts or stops the device.
    """

    def __init__(self, device: Device) -> None:
        self.backend: str = device.backend
        self._device = device
        self._mixer = Mixer()
        self._poke = threading.Event()
        self._device_lock = threading.Lock()
        self._wanted = False
        self._running = False
        self._closing = False
        self._control = threading.Thread(target=self._run_control, name="psoas-audio", daemon=True)
        self._control.start()

    def play(self, sound: array[int]) -> None:
        self._mixer.add(sound)
        self._want_running()

    def play_in(self, sound: array[int], seconds: float) -> int:
        ticket = self._mixer.add(sound, time.monotonic() + seconds)
        self._want_running()
        return ticket

    def withdraw(self, ticket: int) -> None:
        self._mixer.withdraw(ticket)

    def seconds_left(self) -> float:
        handed_over = self._mixer.heard_until() - time.monotonic()
        if self._mixer.has_sound():
            return max(handed_over, self._mixer.seconds_left() + BUFFER_SECONDS)
        return max(0.0, handed_over)

    def _want_running(self) -> None:
        """Have the control thread start the device, if it is not running or starting."""
        if not self._wanted:
            self._wanted = True
            self._poke.set()

    def silence(self) -> None:
        """Empty the mixer and stop the device now, from a signal handler too: the process
        is about to stop, and a device left running would repeat its buffer or underrun."""
        self._mixer.clear()
        self._wanted = False
        self._set_running(want=False)

    def close(self) -> None:
        self._closing = True
        self._poke.set()
        self._control.join()
        with self._device_lock:
            self._device.close()

    def _run_control(self) -> None:
        """Start and stop the device as the mixer fills and empties, off the clock's path."""
        while True:
            self._poke.wait()
            self._poke.clear()
            if self._closing:
                return
            self._set_running(want=self._wanted)
            if not self._running and self._mixer.has_sound():
                # A sound was queued just as the device went idle.
                self._wanted = True
                self._set_running(want=True)

    def _set_running(self, *, want: bool) -> None:
        """Start or stop the device; a failure to start leaves it stopped, sounds dropped."""
        from psoas_cli.run.playback import DeviceError  # noqa: PLC0415

        with self._device_lock:
            if want == self._running:
                return
            try:
                if want:
                    feed = self._blocks()
                    next(feed)
                    self._device.start(feed)
                else:
                    self._device.stop()
            except DeviceError:
                self._mixer.clear()
                self._wanted = want = False
            self._running = want

    def _blocks(self) -> Generator[array[int], int, None]:
        """The device's feed: mixed blocks, until it has been quiet for a while and no
        sound is due."""
        self._mixer.restart()
        frames = yield array("h")
        while True:
            block = self._mixer.block(frames)
            quiet_since = self._mixer.heard_until()
            idle = (
                not self._mixer.has_sound() and time.monotonic() >= quiet_since + IDLE_STOP_SECONDS
            )
            if idle and self._wanted:
                self._wanted = False
                self._poke.set()
            frames = yield block


@contextmanager
def _native_errors_muted() -> Iterator[None]:
    """Keep the sound libraries' own complaints (ALSA's "cannot find card '0'" on a machine
    with no sound card) off the terminal while the device opens: psoas says it once, in its
    own words. Their C code writes to file descriptor 2, so that is what is muted."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def open_device() -> DeviceOutput:
    """Open the default playback device on a real backend; NoAudioOutput says why not."""
    try:
        from psoas_cli.run.playback import DeviceError, PlaybackDevice  # noqa: PLC0415
    except ImportError as exc:
        raise NoAudioOutput(f"the miniaudio package cannot be loaded ({exc})") from None
    try:
        with _native_errors_muted():
            device = PlaybackDevice(
                sample_rate=SAMPLE_RATE,
                period_milliseconds=PERIOD_MILLISECONDS,
                periods=PERIODS,
                app_name="psoas",
            )
    except DeviceError:
        raise NoAudioOutput("no playback device found") from None
    return DeviceOutput(device)


Opener = Callable[[], SoundOutput]


class Opening:
    """Opens the audio output in a thread, alongside the rest of a run's start-up."""

    def __init__(self, opener: Opener) -> None:
        self._opener = opener
        self._output: SoundOutput | None = None
        self._problem = ""
        self._given_up = False
        self._taken = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._open, name="psoas-audio-open", daemon=True)
        self._thread.start()

    def result(self, timeout: float = OPEN_WAIT_SECONDS) -> SoundOutput | NoAudioOutput:
        """The open output, or why there is none (also when opening took too long)."""
        self._thread.join(timeout)
        with self._lock:
            if self._output is not None:
                self._taken = True
                return self._output
            if not self._problem:
                self._given_up = True
                self._problem = "the audio output did not open in time"
            return NoAudioOutput(self._problem)

    def close(self) -> None:
        """Let go of an output nobody took: the run ended before its sounds were set up."""
        with self._lock:
            self._given_up = True
            left = None if self._taken else self._output
            self._output = None
        if left is not None:
            left.close()

    def _open(self) -> None:
        try:
            output = self._opener()
        except NoAudioOutput as exc:
            with self._lock:
                self._problem = str(exc)
            return
        except Exception as exc:  # any failure to open means: no sound, said once
            with self._lock:
                self._problem = f"the audio output failed to open ({type(exc).__name__}: {exc})"
            return
        with self._lock:
            late = self._given_up
            if not late:
                self._output = output
        if late:
            output.close()
