"""Real sound, recorded: psoas plays into a private PulseAudio server's null sink, parec
records it, and the recording shows every cue sounding at its time and as itself."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from pulse import RATE, missing_programs, onsets, pitch, pulse_server, recording

from psoas_cli.limits import DEFAULT_VOLUME
from psoas_cli.run import tones
from psoas_cli.run.cues import tone_for
from psoas_cli.run.tones import Tone
from psoas_cli.session import SAMPLED_CUES

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        bool(missing_programs()),
        reason=f"{', '.join(missing_programs())} not installed here "
        "(.ci/run installs pulseaudio and pulseaudio-utils where apt-get works)",
    ),
]

BREATH = """\
name: sound-check
title: Sound check
steps:
  - exercise: diaphragm-breathing-360
    breath: {inhale: 2, exhale: 2}
    cycles: 2
"""
EXPECTED = [
    (0.0, Tone.INHALE),
    (2.0, Tone.EXHALE),
    (4.0, Tone.INHALE),
    (6.0, Tone.EXHALE),
    (8.0, Tone.FINISH),
]
"""The breath routine's cues, by seconds after its start."""

THRESHOLD = 300
"""A sample this far from zero is sound, not the sink's silence (which is exactly 0)."""

TOLERANCE = 0.05
"""The most a cue may sound early or late, in seconds."""

QUIET_GAP = RATE // 20
"""Quiet this long (50 ms) ends a sound; the longest rest inside one of psoas's figures is
shorter."""

OPENING = RATE // 50
"""The first 20 ms of a sound, where its opening pitch is read."""


def detection_lag(tone: Tone) -> int:
    """Samples from a tone's first sample to where ``onsets`` finds it: its fade-in."""
    return onsets(tones.samples(tone, DEFAULT_VOLUME), THRESHOLD)[0]


def psoas(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "psoas_cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def heard_length(samples: Sequence[int], start: int) -> int:
    """Samples from ``start`` to the last loud one before the next quiet gap."""
    last = start
    for index in range(start, len(samples)):
        if abs(samples[index]) > THRESHOLD:
            last = index
        elif index - last > QUIET_GAP:
            break
    return last - start


def test_a_breath_routine_sounds_every_cue_on_time(tmp_path: Path) -> None:
    """Inhale, exhale and the end chord each begin within 50 ms of their time after the
    first cue (each queued ahead on a device that stopped in between), each is heard whole
    and once (as long and as loud as made), and the inhale opens lower than the exhale."""
    routine = tmp_path / "breath.yaml"
    routine.write_text(BREATH, encoding="utf-8")
    with pulse_server() as env, recording(env) as recorded:
        done = psoas(
            "run",
            "--file",
            str(routine),
            "--sound",
            "tones",
            "--no-history",
            "--yes",
            "--no-prep",
            "--plain",
            env=env,
        )
    assert done.returncode == 0, done.stderr
    assert "No audio output" not in done.stdout
    samples = recorded[0].samples
    found = onsets(samples, THRESHOLD)
    assert len(found) == len(EXPECTED), found
    starts = [
        (at - detection_lag(tone)) / RATE for at, (_, tone) in zip(found, EXPECTED, strict=True)
    ]
    for start, (second, tone) in zip(starts, EXPECTED, strict=True):
        assert abs(start - starts[0] - second) <= TOLERANCE, (tone, start - starts[0])
    for at, (_, tone) in zip(found, EXPECTED, strict=True):
        made = tones.samples(tone, DEFAULT_VOLUME)
        made_length = heard_length(made, detection_lag(tone))
        assert abs(heard_length(samples, at) - made_length) <= RATE // 50, tone
        loudest = max(abs(v) for v in samples[at : at + len(made)])
        assert loudest <= max(abs(v) for v in made) * 1.05, tone
    inhale, exhale = found[0], found[1]
    assert (
        pitch(samples[inhale : inhale + OPENING * 3])
        < pitch(samples[exhale : exhale + OPENING * 3]) - 100
    )


def test_psoas_sounds_plays_every_cue_as_itself() -> None:
    """Each of the 13 sampled cues is heard, one after another, opening at its own pitch."""
    with pulse_server() as env, recording(env) as recorded:
        done = psoas("sounds", "--sound", "tones", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [name for name, _ in SAMPLED_CUES]
    samples = recorded[0].samples
    found = onsets(samples, THRESHOLD)
    assert len(found) == len(SAMPLED_CUES)
    for at, (name, event) in zip(found, SAMPLED_CUES, strict=True):
        tone = tone_for(event)
        # Compared from where each is first heard, the recording and the tone as made.
        lag = detection_lag(tone)
        made = tones.samples(tone, DEFAULT_VOLUME)
        window = min(OPENING * 2, len(made) - lag)
        heard = pitch(samples[at : at + window])
        assert heard == pytest.approx(pitch(made[lag : lag + window]), rel=0.15), name


PLAY_AFTER_MINIAUDIO = """\
import time
import psoas_cli.run.playback
import miniaudio  # its Python layer registers the library's callbacks over psoas's own
from psoas_cli.limits import DEFAULT_VOLUME
from psoas_cli.run.audio import open_device
from psoas_cli.run.tones import Tone, samples

output = open_device()
output.play(samples(Tone.START, DEFAULT_VOLUME))
deadline = time.monotonic() + 3
while output.seconds_left() > 0 and time.monotonic() < deadline:
    time.sleep(0.05)
output.close()
print(output.backend)
"""


def test_the_device_plays_with_miniaudios_own_python_layer_loaded_too() -> None:
    """psoas's binding and miniaudio's Python layer hand the library's calls on alike, so
    with miniaudio's callbacks registered last the start chime is still heard whole and at
    its pitch."""
    with pulse_server() as env, recording(env) as recorded:
        done = subprocess.run(
            [sys.executable, "-c", PLAY_AFTER_MINIAUDIO],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "PulseAudio"
    samples = recorded[0].samples
    found = onsets(samples, THRESHOLD)
    assert len(found) == 1, found
    made = tones.samples(Tone.START, DEFAULT_VOLUME)
    lag = detection_lag(Tone.START)
    assert abs(heard_length(samples, found[0]) - heard_length(made, lag)) <= RATE // 50
    window = OPENING * 2
    heard = pitch(samples[found[0] : found[0] + window])
    assert heard == pytest.approx(pitch(made[lag : lag + window]), rel=0.15)
