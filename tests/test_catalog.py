"""Built-in and user routines come together, user files replacing built-ins and saying so."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from psoas_cli.errors import NotFoundError
from psoas_cli.library.catalog import (
    ExerciseEntry,
    Origin,
    RoutineEntry,
    load_catalog,
    looks_like_path,
    normalise,
)
from psoas_cli.paths import history_path, user_dir

MINE = "name: {name}\ntitle: {title}\nsteps:\n  - exercise: couch-stretch\n    hold: 45s\n"


def test_user_dir_honours_psoas_home(psoas_home: Path) -> None:
    """PSOAS_HOME decides the user folder."""
    assert user_dir() == psoas_home


def test_user_dir_defaults_to_config_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Without PSOAS_HOME the platform config folder is used (XDG on Linux)."""
    monkeypatch.delenv("PSOAS_HOME")
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert user_dir() == tmp_path / "cfg" / "psoas"


def test_a_relative_xdg_home_is_ignored(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The XDG spec says a relative XDG_CONFIG_HOME or XDG_DATA_HOME is invalid: the
    defaults under the home folder are used, not a folder under wherever psoas runs."""
    monkeypatch.delenv("PSOAS_HOME")
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", "cfg")
    monkeypatch.setenv("XDG_DATA_HOME", "./data")
    assert user_dir() == tmp_path / ".config" / "psoas"
    assert history_path() == tmp_path / ".local" / "share" / "psoas" / "history.sqlite3"


def test_user_routine_joins_builtins(user_routine: Callable[[str, str], Path]) -> None:
    """A user routine appears beside the built-ins and may use built-in exercises."""
    path = user_routine("evening.yaml", MINE.format(name="evening", title="Evening"))
    catalog = load_catalog()
    entry = catalog.routines["evening"]
    assert (entry.origin, entry.path, entry.overrides) == (Origin.USER, str(path), "")
    assert "daily-10min" in catalog.routines


def test_user_routine_replaces_builtin(user_routine: Callable[[str, str], Path]) -> None:
    """A user routine with a built-in's name replaces it and records which one."""
    user_routine("mine.yaml", MINE.format(name="daily-10min", title="My daily"))
    entry = load_catalog().routines["daily-10min"]
    assert entry.routine.title == "My daily"
    assert (entry.origin, entry.overrides) == (Origin.USER, "routines/daily-10min.yaml")


def test_same_name_in_two_user_files(user_routine: Callable[[str, str], Path]) -> None:
    """Two user files with one name: the first is kept, the second reported by name."""
    first = user_routine("a.yaml", MINE.format(name="twin", title="First"))
    second = user_routine("b.yaml", MINE.format(name="twin", title="Second"))
    catalog = load_catalog()
    assert catalog.routines["twin"].routine.title == "First"
    assert [str(p) for e in catalog.problems for p in e.problems] == [
        f"{second}:1:1: name: routine name 'twin' is already used by {first}; rename one of them"
    ]


def test_broken_user_file_is_set_aside(user_routine: Callable[[str, str], Path]) -> None:
    """A broken user file does not hide the other routines."""
    user_routine("broken.yaml", "title: [\n")
    catalog = load_catalog()
    assert "daily-10min" in catalog.routines
    assert len(catalog.problems) == 1


def test_user_exercise_is_usable(
    psoas_home: Path, user_routine: Callable[[str, str], Path]
) -> None:
    """A user exercise file can be used by a user routine."""
    folder = psoas_home / "routines" / "exercises"
    folder.mkdir(parents=True)
    (folder / "wall-sit.yaml").write_text("id: wall-sit\nname: Wall sit\n", encoding="utf-8")
    user_routine("legs.yaml", "title: Legs\nsteps:\n  - exercise: wall-sit\n    hold: 30s\n")
    catalog = load_catalog()
    assert catalog.routines["legs"].routine.exercises[0].name == "Wall sit"
    assert catalog.exercises["wall-sit"].origin is Origin.USER


def test_find_by_name_id_and_alias() -> None:
    """find takes routine names, exercise ids, aliases, and names typed loosely."""
    catalog = load_catalog()
    assert isinstance(catalog.find("daily-10min"), RoutineEntry)
    by_name = catalog.find("Couch stretch")
    by_alias = catalog.find("half_kneeling_lunge")
    assert isinstance(by_name, ExerciseEntry) and by_name.exercise.id == "couch-stretch"
    assert isinstance(by_alias, ExerciseEntry)
    assert by_alias.exercise.id == "kneeling-hip-flexor-stretch"


def test_find_unknown_suggests() -> None:
    """An unknown name says so and suggests the closest known name."""
    with pytest.raises(NotFoundError) as caught:
        load_catalog().find("daily-10mn")
    assert (
        str(caught.value)
        == "no routine or exercise named 'daily-10mn'; did you mean 'daily-10min'?"
    )
    with pytest.raises(NotFoundError) as caught:
        load_catalog().find("zzzz")
    assert str(caught.value) == "no routine or exercise named 'zzzz'"


def test_routine_wins_over_exercise_of_same_name() -> None:
    """supported-bridge is both; the routine is found, the exercise on request."""
    catalog = load_catalog()
    assert isinstance(catalog.find("supported-bridge"), RoutineEntry)
    assert catalog.find_exercise("supported-bridge").exercise.name == "Supported bridge"


def test_names_and_paths() -> None:
    """Loose names normalise; file-like arguments are treated as paths."""
    assert normalise("  Couch  Stretch ") == "couch-stretch"
    assert (
        looks_like_path("my.yaml") and looks_like_path("./x") and not looks_like_path("daily-10min")
    )


def test_a_part_of_a_name_suggests_the_names_it_begins_or_is_in() -> None:
    """'couch' suggests couch-stretch and wall-couch-stretch; names starting with it come first."""
    with pytest.raises(NotFoundError) as caught:
        load_catalog().find("couch")
    assert str(caught.value) == (
        "no routine or exercise named 'couch'; did you mean 'couch-stretch' or "
        "'wall-couch-stretch'?"
    )
    with pytest.raises(NotFoundError) as caught:
        load_catalog().find("bridge")
    assert caught.value.suggestions == ("bridge-stretch", "block-bridge", "glute-bridge-stretch")
