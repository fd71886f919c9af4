"""Cues by ear: tones per cue played on time, words through the same output, the bell
only as a fallback, and the end of a run never held up by its last sound."""

from __future__ import annotations

import io
import itertools
import math
import time
import wave
from array import array
from collections.abc import Callable, Generator, Sequence
from typing import NoReturn

import pytest
from fakes import FakeAudio, FakeClock, ScriptedCommands, fake_session

from psoas_cli.library.model import BreathPattern, BreathStep, Exercise, HoldStep, Routine, Sides
from psoas_cli.library.plan import PlanOptions, build_plan
from psoas_cli.run import tones
from psoas_cli.run.audio import (
    DeviceOutput,
    Mixer,
    NoAudioOutput,
)
from psoas_cli.run.cues import PATTERNS, BellPlayer, SpokenCues, ToneCues, tone_for
from psoas_cli.run.engine import Command, Cue, CueEvent, Engine, start_cue
from psoas_cli.run.speech import Speech, SpeechCommand, decode, find_speech_command
from psoas_cli.run.tones import SAMPLE_RATE, Tone
from psoas_cli.session import RunSettings
from psoas_cli.sound_mode import SoundMode

HOLD = Routine(
    name="r",
    title="R",
    steps=(HoldStep(exercise=Exercise(id="s", name="Side stretch"), hold=10, sides=Sides.BOTH),),
)
BREATH = Routine(
    name="b",
    title="B",
    steps=(
        BreathStep(
            exercise=Exercise(id="d", name="Deep breathing"),
            pattern=BreathPattern(inhale=4, exhale=4),
            cycles=2,
        ),
    ),
)


def crossings_per_second(samples: Sequence[int]) -> float:
    """How often the wave crosses zero upwards, a second: its pitch for a near-pure tone."""
    ups = sum(1 for a, b in itertools.pairwise(samples) if a < 0 <= b)
    return ups * SAMPLE_RATE / len(samples)


def goertzel(samples: Sequence[int], frequency: float) -> float:
    """The strength of one frequency in ``samples``."""
    coefficient = 2 * math.cos(2 * math.pi * frequency / SAMPLE_RATE)
    before = earlier = 0.0
    for x in samples:
        before, earlier = x + coefficient * before - earlier, before
    return math.sqrt(max(0.0, before**2 + earlier**2 - coefficient * before * earlier))


def test_every_cue_has_a_sound_of_its_own_length_and_pitch() -> None:
    """Each cue lasts what its figure says, and no two cues share length and opening pitch."""
    shapes = set()
    for tone in Tone:
        sound = tones.samples(tone, 100)
        assert len(sound) == round(tones.duration(tone) * SAMPLE_RATE)
        opening = sound[: SAMPLE_RATE // 50]
        shapes.add((len(sound), round(crossings_per_second(opening), -1)))
    assert len(shapes) == len(Tone)


def test_inhale_rises_and_exhale_falls() -> None:
    """The inhale starts low and ends high, the exhale the other way, and they differ in pitch."""
    inhale = tones.samples(Tone.INHALE, 100)
    exhale = tones.samples(Tone.EXHALE, 100)
    quarter = len(inhale) // 4
    assert crossings_per_second(inhale[:quarter]) < crossings_per_second(inhale[-quarter:])
    assert crossings_per_second(exhale[:quarter]) > crossings_per_second(exhale[-quarter:])
    assert crossings_per_second(inhale[:quarter]) < crossings_per_second(exhale[:quarter]) - 100


def test_the_last_countdown_pip_is_higher_than_the_others() -> None:
    """3 and 2 are 1 kHz pips, 1 is a 1.5 kHz one, as Goertzel finds in each."""
    pip = tones.samples(tone_for(CueEvent(Cue.COUNTDOWN, 3)), 100)
    last = tones.samples(tone_for(CueEvent(Cue.COUNTDOWN, 1)), 100)
    assert goertzel(pip, 1000) > 5 * goertzel(pip, 1500)
    assert goertzel(last, 1500) > 5 * goertzel(last, 1000)


@pytest.mark.parametrize("tone", list(Tone))
def test_sounds_fade_in_and_out_and_never_clip(tone: Tone) -> None:
    """Every cue starts and ends near silence (no click) and stays below full scale."""
    sound = tones.samples(tone, 100)
    edge = 3
    assert max(abs(x) for x in sound[:edge]) < 0.02 * tones.FULL_SCALE
    assert max(abs(x) for x in sound[-edge:]) < 0.02 * tones.FULL_SCALE
    assert max(abs(x) for x in sound) <= tones.HEADROOM * tones.FULL_SCALE + 1


def test_volume_scales_by_a_square_law() -> None:
    """Half volume is a quarter of the amplitude; 0 is silence; 100 reaches the headroom."""
    loudest = max(abs(x) for x in tones.samples(Tone.START, 100))
    half = max(abs(x) for x in tones.samples(Tone.START, 50))
    assert half == pytest.approx(loudest / 4, rel=0.01)
    assert not any(tones.samples(Tone.START, 0))


def test_mixing_two_sounds_adds_them_and_clamps() -> None:
    """Overlapping sounds are summed sample by sample, held to full scale, then run out."""
    mixer = Mixer()
    mixer.add(array("h", [30000, 100, 5]))
    mixer.add(array("h", [30000, -50]))
    assert list(mixer.block(2)) == [32767, 50]
    assert list(mixer.block(2)) == [5]
    assert list(mixer.block(2)) == [] and not mixer.has_sound()


def run_with(routine: Routine, *listeners: object) -> FakeClock:
    clock = FakeClock()
    Engine(
        build_plan(routine),
        clock=clock,
        commands=ScriptedCommands(clock, interactive=False),
        listeners=listeners,  # type: ignore[arg-type]
    ).run()
    return clock


def test_a_breath_routine_plays_each_cue_at_its_second() -> None:
    """Get ready, then inhale and exhale tones at 0, 4, 8, 12 s of the breathing, then the chord."""
    clock = FakeClock()
    audio = FakeAudio(clock)
    Engine(
        build_plan(BREATH),
        clock=clock,
        commands=ScriptedCommands(clock, interactive=False),
        listeners=[ToneCues(audio, 80, clock)],
    ).run()
    heard = [(at, next(t for t in Tone if tones.samples(t, 80) == s)) for at, s in audio.played]
    assert heard == [
        (0.0, Tone.GET_READY),
        (2.0, Tone.COUNTDOWN),
        (3.0, Tone.COUNTDOWN),
        (4.0, Tone.COUNTDOWN_LAST),
        (5.0, Tone.INHALE),
        (9.0, Tone.EXHALE),
        (13.0, Tone.INHALE),
        (17.0, Tone.EXHALE),
        (21.0, Tone.FINISH),
    ]


def heard_tones(audio: FakeAudio) -> list[tuple[float, Tone]]:
    """What the fake output played, as (second, tone)."""
    by_sound = {tones.samples(t, 80).tobytes(): t for t in Tone}
    return sorted((round(at, 3), by_sound[s.tobytes()]) for at, s in audio.played)


class CreepingClock(FakeClock):
    """A fake clock that, like a real one, has moved a little, and unevenly, every time it
    is read."""

    def __init__(self) -> None:
        super().__init__()
        self._steps = itertools.cycle([1e-6, 7e-6, 3e-6, 2e-5])

    def __call__(self) -> float:
        self.now += next(self._steps)
        return self.now


def test_tones_the_plan_foretells_are_queued_ahead_for_their_second() -> None:
    """Woken by the engine, the tones queue each cue of the breath routine 0.2 s before its
    second, for that second (countdown included), once each although the clock creeps
    between reads; each plays once, when the cue comes."""
    clock = CreepingClock()
    audio = FakeAudio(clock)
    plan = build_plan(BREATH)
    tones_ = ToneCues(audio, 80, clock, plan=plan)
    Engine(
        plan,
        clock=clock,
        commands=ScriptedCommands(clock, interactive=False),
        listeners=[tones_],
        wakers=[tones_],
    ).run()
    seconds = [2.0, 3.0, 4.0, 5.0, 9.0, 13.0, 17.0, 21.0]
    assert [(round(a, 3), round(b, 3)) for a, b in audio.queued] == [(s - 0.2, s) for s in seconds]
    assert heard_tones(audio) == [
        (0.0, Tone.GET_READY),
        (2.0, Tone.COUNTDOWN),
        (3.0, Tone.COUNTDOWN),
        (4.0, Tone.COUNTDOWN_LAST),
        (5.0, Tone.INHALE),
        (9.0, Tone.EXHALE),
        (13.0, Tone.INHALE),
        (17.0, Tone.EXHALE),
        (21.0, Tone.FINISH),
    ]


def test_a_pause_just_before_a_cue_withdraws_its_queued_tone() -> None:
    """Paused 0.1 s before the exhale, the exhale queued for 9 s is withdrawn and sounds
    when its time comes after the pause, 0.1 s after resuming at 12 s."""
    clock = FakeClock()
    audio = FakeAudio(clock)
    plan = build_plan(BREATH)
    tones_ = ToneCues(audio, 80, clock, plan=plan)
    Engine(
        plan,
        clock=clock,
        commands=ScriptedCommands(clock, [(8.9, Command.PAUSE), (12.0, Command.PAUSE)]),
        listeners=[tones_],
        wakers=[tones_],
    ).run()
    exhale = tones.samples(Tone.EXHALE, 80)
    assert [(round(at, 6), sound) for at, sound in audio.withdrawn] == [(9.0, exhale)]
    exhales = [at for at, tone in heard_tones(audio) if tone is Tone.EXHALE]
    assert exhales == pytest.approx([12.1, 20.1])


def test_a_skip_plays_the_new_cue_at_once_and_withdraws_the_foretold_one() -> None:
    """Skipping the hold 0.1 s before its countdown pip: the pip queued for 7 s is withdrawn
    and the next segment's cue plays at the skip."""
    clock = FakeClock()
    audio = FakeAudio(clock)
    plan = build_plan(HOLD, PlanOptions(prep=0.0))
    tones_ = ToneCues(audio, 80, clock, plan=plan)
    Engine(
        plan,
        clock=clock,
        commands=ScriptedCommands(clock, [(6.9, Command.SKIP)]),
        listeners=[tones_],
        wakers=[tones_],
    ).run()
    assert [(round(at, 6), len(s)) for at, s in audio.withdrawn] == [
        (7.0, len(tones.samples(Tone.COUNTDOWN, 80)))
    ]
    assert heard_tones(audio)[:2] == [
        (0.0, Tone.START),
        (6.9, tone_for(CueEvent(start_cue(plan.segments[1]) or Cue.FINISH))),
    ]


def test_bells_ring_at_their_pattern_times_and_the_end_rings_out_after() -> None:
    """A switch rings three bells 0.25 s apart, woken by the engine; the end's later bells
    ring only when rung out, so the run returns at its last second."""
    clock = FakeClock()
    rings: list[float] = []

    class Terminal(io.StringIO):
        def write(self, text: str) -> int:
            rings.extend(clock.now - 1000.0 for _ in range(text.count("\a")))
            return len(text)

    bells = BellPlayer(Terminal(), clock)
    engine = Engine(
        build_plan(HOLD),
        clock=clock,
        commands=ScriptedCommands(clock, interactive=False),
        listeners=[bells],
        wakers=[bells],
    )
    engine.run()
    assert clock.now - 1000.0 == 30.0
    assert [t for t in rings if 15 <= t < 16] == [15.0, 15.25, 15.5]
    assert rings[-1] == 30.0
    bells.ring_out(clock.sleep)
    assert rings[-4:] == [30.0, 30.25, 30.5, 31.0]
    assert PATTERNS[Cue.INHALE] != PATTERNS[Cue.EXHALE]


def wav_bytes(samples: list[int], rate: int, channels: int = 1) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(array("h", samples).tobytes())
    return buffer.getvalue()


def test_speech_wav_is_decoded_resampled_and_scaled() -> None:
    """Stereo 44.1 kHz speech becomes mono at the output's rate, at the volume's gain."""
    stereo = [1000, 3000] * 4410
    sound = decode(wav_bytes(stereo, 44100, channels=2), 50)
    assert len(sound) == pytest.approx(2205, abs=1)
    assert set(sound) == {500}
    assert decode(b"not a wav", 80) == array("h")


def test_words_are_spoken_through_the_same_output_and_every_process_waited_for() -> None:
    """Get ready says the exercise's name, switch says so; breath stays tones; the speech
    program runs to its end for each phrase, made once."""
    clock = FakeClock()
    audio = FakeAudio(clock)
    spoken: list[str] = []

    def run(argv: Sequence[str]) -> bytes:
        spoken.append(argv[-1])
        return wav_bytes([len(argv[-1])] * 100, SAMPLE_RATE)

    speech = Speech(SpeechCommand(("espeak-ng", "--stdout")), audio, 100, run)
    plan = build_plan(HOLD)
    words = SpokenCues(speech, plan)
    speech.finish_saying()
    Engine(
        plan,
        clock=clock,
        commands=ScriptedCommands(clock, interactive=False),
        listeners=[
            ToneCues(
                audio, 80, clock, frozenset({Cue.GET_READY, Cue.SWITCH, Cue.START, Cue.FINISH})
            ),
            words,
        ],
    ).run()
    speech.finish_saying()
    speech.close()
    said = [sound[0] for _, sound in audio.played if len(sound) == 100]
    assert said[:2] == [len("Side stretch"), len("Start")]
    assert len("Switch sides") in said
    assert sorted(spoken) == sorted(set(spoken))


def test_the_speech_program_is_found_in_order_or_not_at_all() -> None:
    """espeak-ng before espeak; say only on macOS, writing a file; none means no voice."""
    installed = {
        "espeak": "/usr/bin/espeak",
        "espeak-ng": "/usr/bin/espeak-ng",
        "say": "/usr/bin/say",
    }
    assert find_speech_command(installed.get, "linux") == SpeechCommand(
        ("/usr/bin/espeak-ng", "--stdout", "-s", "160")
    )
    found = find_speech_command({"say": "/usr/bin/say"}.get, "darwin")
    assert found is not None and found.to_file and "{file}" in found.argv
    assert find_speech_command({"say": "/usr/bin/say"}.get, "linux") is None


def test_completed_is_printed_at_the_plans_end_and_the_chord_plays_on() -> None:
    """The run's last second is its end: "Completed" is printed then, with the chord queued
    at that same moment, not a second later."""
    clock = FakeClock()
    out = io.StringIO()
    audio = FakeAudio(clock)
    printed_at: list[float] = []

    class Watching(io.StringIO):
        def write(self, text: str) -> int:
            if "Completed" in text:
                printed_at.append(clock.now - clock.start)
            return out.write(text)

    session = fake_session(clock, Watching(), audio=audio)
    report = session.run(build_plan(HOLD), RunSettings(yes=True, history_wanted=False))
    assert report.outcome.value == "completed"
    chord = tones.samples(Tone.FINISH, RunSettings().volume)
    assert [at for at, s in audio.played if s == chord] == [30.0]
    assert printed_at == [30.0]
    assert audio.closed


def test_no_audio_output_falls_back_to_the_bell_with_one_notice() -> None:
    """When the output cannot open, the run says so once and rings the terminal bell."""
    clock = FakeClock()

    def no_device() -> FakeAudio:
        raise NoAudioOutput("no playback device found")

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    session = fake_session(clock, out)
    session.audio = no_device
    session.run(build_plan(HOLD), RunSettings(yes=True, history_wanted=False, plain=True))
    text = out.getvalue()
    assert text.count("No audio output") == 1
    assert "No audio output (no playback device found): ringing the terminal bell instead." in text
    assert "\a" in text


def test_sound_off_opens_nothing_and_makes_no_sound() -> None:
    """--sound off: no output is opened and nothing is played or rung."""
    clock = FakeClock()
    audio = FakeAudio(clock)
    out = io.StringIO()
    session = fake_session(clock, out, audio=audio)
    session.run(build_plan(HOLD), RunSettings(yes=True, history_wanted=False, sound=SoundMode.OFF))
    assert audio.played == [] and not audio.closed and "\a" not in out.getvalue()


def test_an_output_opened_for_a_run_that_never_starts_is_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An error before the run's sounds are set up still closes the output that opened."""
    clock = FakeClock()
    audio = FakeAudio(clock)
    session = fake_session(clock, audio=audio)

    class Broken(Exception):
        pass

    def broken_display(*args: object, **kwargs: object) -> None:
        raise Broken

    monkeypatch.setattr(session, "_display", broken_display)
    with pytest.raises(Broken):
        session.run(build_plan(HOLD), RunSettings(yes=True, history_wanted=False))
    assert audio.closed


class FakeDevice:
    """A playback device that a test feeds by hand: start keeps the feed, stop drops it."""

    backend = "fake"

    def __init__(self) -> None:
        self.feed: Generator[array[int], int, None] | None = None
        self.starts = 0
        self.closed = False

    def start(self, feed: Generator[array[int], int, None]) -> None:
        self.feed = feed
        self.starts += 1

    def stop(self) -> None:
        self.feed = None

    def close(self) -> None:
        self.closed = True


def wait_until(condition: Callable[[], bool]) -> None:
    """The device's control thread acts soon, not at once: wait for it, briefly."""
    deadline = time.monotonic() + 2
    while not condition():
        assert time.monotonic() < deadline, "the control thread did not act"
        time.sleep(0.001)


def test_the_device_runs_only_while_there_is_sound_and_stops_at_once_for_ctrl_z() -> None:
    """A sound starts the device and is what it plays; quiet stops it; silence() (Ctrl-Z)
    stops it at once and drops what was still to play; close lets it go."""
    device = FakeDevice()
    output = DeviceOutput(device)
    output.play(array("h", [5] * 100))
    wait_until(lambda: device.feed is not None)
    assert device.feed is not None
    assert list(device.feed.send(60)) == [5] * 60
    assert list(device.feed.send(100)) == [5] * 40

    # Fed as a device would be, a block at a time, until it has stopped.
    def stopped_while_fed() -> bool:
        if device.feed is not None:
            device.feed.send(100)
        return device.feed is None

    wait_until(stopped_while_fed)
    output.play(array("h", [7] * 100_000))
    wait_until(lambda: device.feed is not None)
    output.silence()
    assert device.feed is None and output.seconds_left() == 0.0
    output.close()
    assert device.closed and device.starts == 2


def test_a_sound_due_later_begins_at_the_sample_heard_at_its_time() -> None:
    """Due 50 samples after the first block after a start was asked for, a sound is silent
    through the first 40-sample block and begins 10 samples into the next; withdrawn before
    it begins it never sounds, and once begun it plays out."""
    now = 100.0
    mixer = Mixer(clock=lambda: now)
    mixer.restart()
    mixer.add(array("h", [9] * 10), due=now + 50 / SAMPLE_RATE)
    dropped = mixer.add(array("h", [4] * 10), due=now + 200 / SAMPLE_RATE)
    assert list(mixer.block(40)) == []
    assert list(mixer.block(40)) == [0] * 10 + [9] * 10
    mixer.withdraw(dropped)
    assert not mixer.has_sound() and list(mixer.block(200)) == []


def test_the_mixer_can_be_cleared_by_a_handler_on_the_thread_that_holds_it() -> None:
    """A Ctrl-Z handler that clears the mixer while its own thread is inside ``add`` does not
    hang the program."""
    import threading  # noqa: PLC0415

    from psoas_cli.run.audio import Mixer  # noqa: PLC0415

    mixer = Mixer()

    def interrupted_add() -> None:
        with mixer._lock:  # as if the handler ran in the middle of add()
            mixer.clear()

    worker = threading.Thread(target=interrupted_add, daemon=True)
    worker.start()
    worker.join(2.0)
    assert not worker.is_alive()


def test_an_unexpected_failure_to_open_the_output_is_said_at_once() -> None:
    """An opener that fails with anything (not only NoAudioOutput) gives its reason as soon
    as it fails, instead of a thread's traceback and a 3 s wait blamed on time."""
    import time  # noqa: PLC0415

    from psoas_cli.run.audio import NoAudioOutput, Opening  # noqa: PLC0415

    def broken() -> NoReturn:
        raise RuntimeError("device busy")

    began = time.monotonic()
    result = Opening(broken).result()
    assert isinstance(result, NoAudioOutput)
    assert "RuntimeError: device busy" in str(result)
    assert time.monotonic() - began < 1.0
