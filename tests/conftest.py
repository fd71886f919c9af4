"""Shared fixtures: every test gets its own empty user folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from psoas_cli.library.catalog import Catalog, load_catalog
from psoas_cli.library.model import Exercise


@pytest.fixture(autouse=True)
def psoas_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point PSOAS_HOME at a fresh folder so no test sees the real user's files."""
    home = tmp_path / "psoas-home"
    monkeypatch.setenv("PSOAS_HOME", str(home))
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return home


@pytest.fixture
def user_routine(psoas_home: Path) -> Callable[[str, str], Path]:
    """Write a routine file into the user's routines folder."""

    def write(filename: str, text: str) -> Path:
        folder = psoas_home / "routines"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / filename
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def builtin_catalog() -> Catalog:
    """The built-in library, loaded once."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PSOAS_HOME", "/nonexistent/psoas-home-for-tests")
        return load_catalog()


@pytest.fixture(scope="session")
def exercises(builtin_catalog: Catalog) -> dict[str, Exercise]:
    """Built-in exercises by id and alias."""
    return builtin_catalog.exercise_index()


class SilentOutput:
    """An audio output that opens and plays nothing, for commands run in-process."""

    def play(self, sound: object) -> None:
        """Drop the sound."""

    def play_in(self, sound: object, seconds: float) -> int:
        """Drop the sound."""
        return 0

    def withdraw(self, ticket: int) -> None:
        """Nothing was kept."""

    def seconds_left(self) -> float:
        return 0.0

    def silence(self) -> None:
        """Nothing is sounding."""

    def close(self) -> None:
        """Nothing to let go of."""


@pytest.fixture(autouse=True)
def no_speakers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs in tests open a silent output instead of the machine's speakers, so they sound
    nowhere and print the same whether or not the machine has a sound card."""
    monkeypatch.setattr("psoas_cli.run.audio.open_device", SilentOutput)
