"""--sound, --volume and psoas sounds as a person types them, and their config.yaml keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from psoas_cli.cli import cli
from psoas_cli.outcome import Outcome
from psoas_cli.run.audio import NoAudioOutput
from psoas_cli.run.engine import RunReport
from psoas_cli.session import SAMPLED_CUES, RunSettings, Session
from psoas_cli.sound_mode import SoundMode


def run_settings(monkeypatch: pytest.MonkeyPatch, *args: str) -> RunSettings:
    """The settings `psoas run breathing-minute ARGS` would run with."""
    seen: list[RunSettings] = []

    def run(self: Session, plan: object, settings: RunSettings) -> RunReport:
        seen.append(settings)
        return RunReport(Outcome.COMPLETED, 0.0, 0.0, (), (), 1, 0)

    monkeypatch.setattr(Session, "run", run)
    result = CliRunner().invoke(cli, ["run", "breathing-minute", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return seen[0]


@pytest.mark.parametrize(
    ("args", "sound"),
    [
        ((), SoundMode.TONES),
        (("--sound", "voice"), SoundMode.VOICE),
        (("--sound", "BELL"), SoundMode.BELL),
        (("--quiet",), SoundMode.OFF),
        (("--sound", "tones", "--quiet"), SoundMode.OFF),
        (("--voice",), SoundMode.VOICE),
        (("--bells",), SoundMode.BELL),
        (("--sound", "off", "--voice"), SoundMode.OFF),
    ],
)
def test_sound_options_and_their_old_spellings(
    monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], sound: SoundMode
) -> None:
    """Tones by default; --quiet is --sound off; the hidden --voice and --bells still work
    but never override a --sound that says otherwise."""
    assert run_settings(monkeypatch, *args).sound is sound


def test_volume_is_0_to_100(monkeypatch: pytest.MonkeyPatch) -> None:
    """80 unless told; 0 and 100 are allowed; 101 and -1 are usage errors naming the range."""
    assert run_settings(monkeypatch).volume == 80
    assert run_settings(monkeypatch, "--volume", "0").volume == 0
    for wrong in ("101", "-1", "loud"):
        result = CliRunner().invoke(cli, ["run", "breathing-minute", "--volume", wrong])
        assert result.exit_code == 2
        assert "Invalid value for '--volume'" in result.output


def test_an_unknown_sound_is_a_usage_error_listing_the_choices() -> None:
    """--sound loud says which sounds there are."""
    result = CliRunner().invoke(cli, ["run", "breathing-minute", "--sound", "loud"])
    assert result.exit_code == 2
    assert "'loud' is not one of 'tones', 'bell', 'voice', 'off'" in result.output


def test_config_sets_sound_and_volume_for_run_and_sounds(
    monkeypatch: pytest.MonkeyPatch, psoas_home: Path
) -> None:
    """sound: and volume: under run: are the defaults of run and of psoas sounds alike."""
    psoas_home.mkdir(parents=True)
    (psoas_home / "config.yaml").write_text("run:\n  sound: bell\n  volume: 35\n", encoding="utf-8")
    settings = run_settings(monkeypatch)
    assert (settings.sound, settings.volume) == (SoundMode.BELL, 35)
    heard: list[RunSettings] = []

    def sample(session: Session, settings: RunSettings) -> bool:
        heard.append(settings)
        return True

    monkeypatch.setattr("psoas_cli.session.sample_sounds", sample)
    assert CliRunner().invoke(cli, ["sounds"]).exit_code == 0
    assert (heard[0].sound, heard[0].volume) == (SoundMode.BELL, 35)


def test_config_mistakes_in_sound_settings_name_file_line_and_field(psoas_home: Path) -> None:
    """A sound that does not exist or a volume out of range: file:line:column and the field."""
    psoas_home.mkdir(parents=True)
    config = psoas_home / "config.yaml"
    config.write_text("run:\n  sound: loud\n  volume: 150\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", "daily-10min", "--dry-run"])
    assert result.exit_code == 1
    assert f'{config}:2:10: run.sound: expected one of tones, bell, voice, off, got "loud"' in (
        result.output
    )
    assert f"{config}:3:11: run.volume: must be between 0 and 100, got 150" in result.output


def sounds(monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    monkeypatch.setattr("psoas_cli.session.SAMPLE_GAP_SECONDS", 0.0)
    return CliRunner().invoke(cli, ["sounds", *args], catch_exceptions=False)


def test_psoas_sounds_names_every_cue_it_plays(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each cue's name is printed as it plays, in a run's order; exit 0."""
    result = sounds(monkeypatch)
    assert result.exit_code == 0
    assert result.output.splitlines() == [name for name, _ in SAMPLED_CUES]


def test_psoas_sounds_without_audio_output_says_so_and_exits_1(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No device: one notice first, the cues still named, exit 1."""

    def no_device() -> None:
        raise NoAudioOutput("no playback device found")

    monkeypatch.setattr("psoas_cli.run.audio.open_device", no_device)
    result = sounds(monkeypatch)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("No audio output (no playback device found)")
    assert lines[1:] == [name for name, _ in SAMPLED_CUES]


def test_psoas_sounds_with_sound_off_plays_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """--sound off has nothing to play and says so."""
    result = sounds(monkeypatch, "--sound", "off")
    assert result.exit_code == 0
    assert result.output == "Nothing to play with --sound off.\n"
