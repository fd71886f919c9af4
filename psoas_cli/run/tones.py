"""The sounds of a run, made at run time: one short, recognisable figure per cue.

Pure and standard library only. Each figure is a few notes (a pitch that may glide, a level,
an envelope) summed into mono 16-bit samples at one sample rate. The ear tells them apart by
pitch and shape: the inhale rises and the exhale falls, a switch goes high-low twice, the last
second of a countdown is a higher pip than the two before it, the end is a chord. Every note
fades in and out over a few milliseconds, so nothing clicks, and the loudest sample stays
below full scale, so nothing clips.
"""

from __future__ import annotations

import cmath
import math
from array import array
from enum import Enum
from functools import cache, lru_cache

from psoas_cli.value import Value

SAMPLE_RATE = 22_050
"""Samples a second: every sound, tone or voice, is played at this rate. It is espeak-ng's
own rate, so speech needs no resampling, and four times the highest overtone of any cue."""

FULL_SCALE = 32_767
HEADROOM = 0.7
"""The loudest sample of a cue at volume 100, as a share of full scale, so that two cues
sounding at once (a rep over a countdown pip) still do not clip."""

FADE_SECONDS = 0.005
"""The shortest fade in or out of a note: short enough for a click-like rep, long enough
that the start and end of the wave make no click of their own."""

HARMONIC_SHARE = 0.25
"""How much of the second harmonic each note carries: a pure sine is hard to hear on laptop
speakers, and the overtone makes it carry without sounding harsh."""


class Tone(Enum):
    """A cue's sound; ``COUNTDOWN_LAST`` is the pip on the last second."""

    GET_READY = "get ready"
    NEXT = "next exercise"
    START = "start"
    SWITCH = "switch sides"
    REST = "rest"
    INHALE = "inhale"
    HOLD_BREATH = "hold the breath"
    EXHALE = "exhale"
    REP = "rep"
    COUNTDOWN = "countdown"
    COUNTDOWN_LAST = "last second"
    FINISH = "finish"


class Note(Value, kw_only=False):
    """One note of a figure: when it starts and how long it lasts (seconds), its pitch at the
    start and at the end (Hz, gliding between them), its level (0-1), its fade in and out
    (seconds), and whether it dies away like a struck bell instead of holding steady."""

    at: float
    length: float
    pitch: float
    end_pitch: float
    level: float = 1.0
    attack: float = FADE_SECONDS
    release: float = FADE_SECONDS
    struck: bool = False


def _note(
    at: float,
    length: float,
    pitch: float,
    *,
    level: float = 1.0,
    attack: float = FADE_SECONDS,
    release: float = FADE_SECONDS,
    struck: bool = False,
) -> Note:
    """A note that keeps its pitch."""
    return Note(at, length, pitch, pitch, level, attack, release, struck)


FIGURES: dict[Tone, tuple[Note, ...]] = {
    # Three quick notes going up: something is about to begin.
    Tone.GET_READY: tuple(
        _note(0.12 * i, 0.1, p, level=0.8) for i, p in enumerate((392, 494, 587))
    ),
    # Two notes going up a fifth: the next exercise.
    Tone.NEXT: (_note(0.0, 0.16, 523, level=0.8), _note(0.18, 0.22, 784, level=0.8)),
    # A bright struck chime: go.
    Tone.START: (_note(0.0, 0.6, 1047, struck=True), _note(0.0, 0.6, 1568, level=0.4, struck=True)),
    # High, low, high, low: change sides.
    Tone.SWITCH: tuple(
        _note(0.2 * i, 0.17, 880 if i % 2 == 0 else 587, attack=0.01, release=0.03)
        for i in range(4)
    ),
    # One low, soft, slowly swelling note: rest.
    Tone.REST: (_note(0.0, 0.8, 294, level=0.7, attack=0.2, release=0.3),),
    # A glide up and a glide down, the breath's own direction.
    Tone.INHALE: (Note(0.0, 0.6, 330, 587, level=0.8, attack=0.05, release=0.1),),
    Tone.EXHALE: (Note(0.0, 0.6, 587, 330, level=0.8, attack=0.05, release=0.1),),
    # A soft, steady middle note: stay still.
    Tone.HOLD_BREATH: (_note(0.0, 0.4, 440, level=0.5, attack=0.05, release=0.1),),
    # A very short high knock for each rep.
    Tone.REP: (_note(0.0, 0.03, 1760, level=0.8, attack=0.002, struck=True),),
    # Short pips for 3 and 2, a higher and longer one for 1.
    Tone.COUNTDOWN: (_note(0.0, 0.08, 1000, level=0.8),),
    Tone.COUNTDOWN_LAST: (_note(0.0, 0.16, 1500, level=0.9),),
    # A closing C major chord that rings out.
    Tone.FINISH: tuple(
        _note(0.0, 1.2, p, level=0.6, attack=0.01, struck=True) for p in (523, 659, 784, 1047)
    ),
}
"""The notes of each cue's figure."""


def gain(volume: int) -> float:
    """The amplitude factor for a volume of 0-100: a square law, so 50 is a quarter of full
    amplitude (12 dB down), which the ear hears as roughly half as loud."""
    return (max(0, min(volume, 100)) / 100) ** 2


def _fade(note: Note, t: float) -> float:
    """The raised-cosine fade in and out at ``t`` seconds into the note: smooth at both
    ends, so the wave starts and stops at zero."""
    level = 1.0
    if t < note.attack:
        level *= 0.5 - 0.5 * math.cos(math.pi * t / note.attack)
    left = note.length - t
    if left < note.release:
        level *= 0.5 - 0.5 * math.cos(math.pi * max(0.0, left) / note.release)
    return level


def _render(note: Note, into: list[float]) -> None:
    """Add ``note`` to ``into`` at its place.

    The pitch glides exponentially, as the ear hears pitch, and the phase adds up the
    frequency sample by sample, so a glide has no steps; a struck note decays
    exponentially. Growth factors per sample keep the loop to multiplications, and a steady
    pitch needs no sine at all (sin 2x = 2 sin x cos x): synthesis runs at run time and
    must stay cheap.
    """
    first = round(note.at * SAMPLE_RATE)
    count = round(note.length * SAMPLE_RATE)
    step = 2 * math.pi * note.pitch / SAMPLE_RATE
    glide = (note.end_pitch / note.pitch) ** (1 / count)
    decay = math.exp(-4.0 / count) if note.struck else 1.0
    fade_in = round(note.attack * SAMPLE_RATE)
    fade_out = count - round(note.release * SAMPLE_RATE)
    level = note.level
    if glide == 1.0:
        # A steady pitch turns by the same angle every sample: one complex product.
        turn = cmath.exp(1j * step)
        point = 1 + 0j
        for i in range(count):
            point *= turn
            wave = point.imag * (1 + 2 * HARMONIC_SHARE * point.real)
            if i < fade_in or i >= fade_out:
                wave *= _fade(note, i / SAMPLE_RATE)
            into[first + i] += level * wave
            level *= decay
        return
    sin = math.sin
    phase = 0.0
    for i in range(count):
        phase += step
        step *= glide
        wave = sin(phase) + HARMONIC_SHARE * sin(2 * phase)
        if i < fade_in or i >= fade_out:
            wave *= _fade(note, i / SAMPLE_RATE)
        into[first + i] += level * wave
        level *= decay


@cache
def _shape(tone: Tone) -> tuple[float, ...]:
    """The figure at full level, its loudest sample at ``HEADROOM``; made once per run."""
    notes = FIGURES[tone]
    length = max(round((n.at + n.length) * SAMPLE_RATE) for n in notes)
    mixed = [0.0] * (length + 1)
    for note in notes:
        _render(note, mixed)
    loudest = max(abs(x) for x in mixed) or 1.0
    return tuple(x * HEADROOM / loudest for x in mixed[:length])


@lru_cache(maxsize=64)
def samples(tone: Tone, volume: int) -> array[int]:
    """The cue's sound as mono 16-bit samples at ``SAMPLE_RATE``, at ``volume`` (0-100)."""
    scale = gain(volume) * FULL_SCALE
    return array("h", (round(x * scale) for x in _shape(tone)))


def duration(tone: Tone) -> float:
    """How long the cue's sound lasts, in seconds."""
    return max(n.at + n.length for n in FIGURES[tone])
