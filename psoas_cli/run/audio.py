"""The computer's audio output, in-process: one playback device per run, fed by a mixer.

Cues and speech are queued on the mixer and return at once; the device's own thread asks the
mixer for the next few milliseconds of sound, so playing never waits on the clock's path.
The device plays through miniaudio (the one audio dependency, imported only when a run or
``psoas sounds`` opens it) on a real backend only: miniaudio's null backend would "play"
in silence, so it is never accepted. A device feeding silence still costs CPU in every
period, so the device starts when a sound is queued and stops once it has been quiet a
while; starting it again takes well under a millisecond.
"""

from __future__ import annotations

import os
import threading
from array import array
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

from psoas_cli.run.tones import FULL_SCALE, SAMPLE_RATE

if TYPE_CHECKING:
    import miniaudio

PERIOD_MILLISECONDS = 10
"""The device asks for sound this often: the most a cue waits for its turn to be played."""

PERIODS = 2
"""Periods in the device's buffer: the fewest that play without gaps on a busy machine."""

IDLE_STOP_SECONDS = 0.1
"""Quiet this long, the device stops until the next sound, so a long hold costs no CPU."""

WARM_SECONDS = 0.3
"""How long a device started ahead of a cue (``warm``) keeps running with nothing to play:
starting a stopped device delays its first sound by tens of milliseconds, so the run starts
it a little before each cue is due."""

OPEN_WAIT_SECONDS = 3.0
"""The longest a run waits for the audio output to open before it rings the bell instead."""


class NoAudioOutput(Exception):
    """No audio output could be opened; the message says why, for the one notice."""


class SoundOutput(Protocol):
    """Where sounds go: played at once, mixed with any still sounding, never blocking."""

    def play(self, sound: array[int]) -> None:
        """Queue mono 16-bit samples at ``SAMPLE_RATE`` to sound now."""

    def warm(self) -> None:
        """Get ready to play at once: a sound is due within ``WARM_SECONDS``."""

    def seconds_left(self) -> float:
        """How long what is queued will go on sounding."""
        ...

    def silence(self) -> None:
        """Stop everything sounding now (a stop with Ctrl-Z); the next sound plays again."""

    def close(self) -> None:
        """Stop and let go of the output; safe to call more than once."""


class Mixer:
    """Sums the sounds queued on it into the blocks the device asks for; thread-safe."""

    def __init__(self) -> None:
        # Re-entrant: a Ctrl-Z handler clears the mixer on the main thread, which may be
        # inside ``add`` or ``frames_left`` at that moment.
        self._lock = threading.RLock()
        self._playing: list[tuple[array[int], int]] = []

    def add(self, sound: array[int]) -> None:
        """Start ``sound`` with the next block."""
        if sound:
            with self._lock:
                self._playing.append((sound, 0))

    def clear(self) -> None:
        """Forget every sound still playing."""
        with self._lock:
            self._playing = []

    def frames_left(self) -> int:
        """Samples still to be played of the longest sound."""
        with self._lock:
            return max((len(sound) - at for sound, at in self._playing), default=0)

    def block(self, frames: int) -> array[int]:
        """The next ``frames`` samples (fewer, or none, when less is left), clamped to full
        scale where sounds overlap."""
        with self._lock:
            parts = [sound[at : at + frames] for sound, at in self._playing]
            self._playing = [(s, at + frames) for s, at in self._playing if at + frames < len(s)]
        if len(parts) <= 1:
            return parts[0] if parts else array("h")
        mixed = [0] * max(len(p) for p in parts)
        for part in parts:
            for i, value in enumerate(part):
                mixed[i] += value
        return array("h", (max(-FULL_SCALE, min(FULL_SCALE, v)) for v in mixed))


def _real_backends() -> list[miniaudio.Backend]:
    """Every backend this build of miniaudio has, except those that play nowhere."""
    import miniaudio  # noqa: PLC0415

    nowhere = {miniaudio.Backend.NULL, miniaudio.Backend.CUSTOM, miniaudio.Backend.WEBAUDIO}
    return [b for b in miniaudio.get_enabled_backends() if b not in nowhere]


class DeviceOutput:
    """A miniaudio playback device fed by a ``Mixer``, started on demand.

    ``play`` only queues and, when the device is stopped, wakes the control thread that
    starts it; the device's thread pulls mixed blocks and, after ``IDLE_STOP_SECONDS`` of
    nothing to play, asks the control thread to stop it. The device's thread never waits on
    a lock that the control thread holds while it starts or stops the device.
    """

    def __init__(self, device: miniaudio.PlaybackDevice) -> None:
        self.backend: str = device.backend
        self._device = device
        self._mixer = Mixer()
        self._poke = threading.Event()
        self._device_lock = threading.Lock()
        self._wanted = False
        self._running = False
        self._closing = False
        self._warm_frames = 0
        self._control = threading.Thread(target=self._run_control, name="psoas-audio", daemon=True)
        self._control.start()

    def play(self, sound: array[int]) -> None:
        self._mixer.add(sound)
        if not self._wanted:
            self._wanted = True
            self._poke.set()

    def warm(self) -> None:
        self._warm_frames = round(WARM_SECONDS * SAMPLE_RATE)
        if not self._wanted:
            self._wanted = True
            self._poke.set()

    def seconds_left(self) -> float:
        frames = self._mixer.frames_left()
        if not frames:
            return 0.0
        return frames / SAMPLE_RATE + PERIOD_MILLISECONDS * PERIODS / 1000

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
            if not self._running and self._mixer.frames_left():
                # A sound was queued just as the device went idle.
                self._wanted = True
                self._set_running(want=True)

    def _set_running(self, *, want: bool) -> None:
        """Start or stop the device; a failure to start leaves it stopped, sounds dropped."""
        import miniaudio  # noqa: PLC0415

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
            except miniaudio.MiniaudioError:
                self._mixer.clear()
                self._wanted = want = False
            self._running = want

    def _blocks(self) -> Generator[array[int], int, None]:
        """The device's feed: mixed blocks, until it has been quiet for a while and no
        sound is expected."""
        frames = yield array("h")
        quiet = 0
        while True:
            block = self._mixer.block(frames)
            quiet = 0 if block else quiet + frames
            self._warm_frames -= frames
            idle = quiet >= IDLE_STOP_SECONDS * SAMPLE_RATE and self._warm_frames <= 0
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
        import miniaudio  # noqa: PLC0415
    except ImportError as exc:
        raise NoAudioOutput(f"the miniaudio package cannot be loaded ({exc})") from None
    try:
        with _native_errors_muted():
            device = miniaudio.PlaybackDevice(
                output_format=miniaudio.SampleFormat.SIGNED16,
                nchannels=1,
                sample_rate=SAMPLE_RATE,
                buffersize_msec=PERIOD_MILLISECONDS,
                callback_periods=PERIODS,
                backends=_real_backends(),
                app_name="psoas",
            )
    except miniaudio.MiniaudioError:
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
