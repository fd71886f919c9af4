"""The built-in library comes from its prebuilt index, which must say what the YAML says."""

from __future__ import annotations

import json
import marshal
import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from psoas_cli.cli import cli
from psoas_cli.errors import RoutineFileError
from psoas_cli.library import index
from psoas_cli.library.catalog import (
    Origin,
    RoutineEntry,
    builtin_routine_alone,
    file_to_run,
    load_catalog,
)
from psoas_cli.library.listing import summarise

STALE = f"the index is out of date; regenerate it with: {index.REGENERATE}"


@pytest.fixture(autouse=True)
def fresh_index() -> Iterator[None]:
    """Each test reads the index (or finds it stale) for itself."""
    index._read_index.cache_clear()
    yield
    index._read_index.cache_clear()


def test_the_committed_index_is_the_one_the_yaml_files_make() -> None:
    """routines/index.json is exactly what regenerating it now would write, and its marshal
    copy, which starts read, holds the same data."""
    committed = (Path(index.builtin_folder()) / index.INDEX_NAME).read_text(encoding="utf-8")
    assert committed == index.index_text(), STALE
    fast = (Path(index.builtin_folder()) / index.FAST_INDEX_NAME).read_bytes()
    assert marshal.loads(fast) == json.loads(committed), STALE


def test_the_index_holds_what_a_fresh_parse_of_every_built_in_file_gives() -> None:
    """Exercises, routines and programmes from the index equal those parsed from YAML."""
    assert index.stale() == "", STALE
    exercises, routines, programmes = index.parse_builtin_yaml()
    from_index = index.builtin_exercises()
    assert from_index == exercises
    by_id = index.exercise_index(exercise for _, exercise in from_index)
    assert index.builtin_routines(by_id) == routines
    assert index.builtin_programmes({r.name: r for _, r in routines}) == programmes
    assert [path for path, _ in routines] == [f"routines/{name}" for name in _yaml_names("")]


def test_list_summaries_from_the_index_equal_those_worked_out_from_the_routines() -> None:
    """The times, levels and equipment psoas list shows need no routine built, yet agree."""
    _, routines, _ = index.parse_builtin_yaml()
    worked_out = [summarise(RoutineEntry(r, Origin.BUILT_IN, path)) for path, r in routines]
    assert index.builtin_summaries() == worked_out


def test_an_edited_built_in_file_is_read_from_yaml_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a checkout where a built-in routine was edited, list shows the edit and says the
    index is out of date and how to regenerate it, rather than showing the old title."""
    copy = tmp_path / "routines"
    shutil.copytree(Path(index.builtin_folder()), copy)
    routine = copy / "desk-break.yaml"
    text = routine.read_text(encoding="utf-8")
    routine.write_text(text.replace("title: Desk break", "title: Desk pause"), encoding="utf-8")
    monkeypatch.setattr(index, "builtin_folder", lambda: str(copy))
    result = CliRunner().invoke(cli, ["list"])
    assert result.exit_code == 0
    assert "Desk pause" in result.stdout
    assert "Desk break" not in result.stdout
    assert "have changed since" in result.stderr
    assert f"run: {index.REGENERATE}" in result.stderr
    assert load_catalog().routines["desk-break"].routine.title == "Desk pause"


def test_a_new_built_in_file_makes_the_index_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A routine file added beside the others is listed, not hidden by an older index."""
    copy = tmp_path / "routines"
    shutil.copytree(Path(index.builtin_folder()), copy)
    text = (copy / "desk-break.yaml").read_text(encoding="utf-8")
    added = text.replace("name: desk-break", "name: desk-break-2")
    (copy / "desk-break-2.yaml").write_text(added, encoding="utf-8")
    monkeypatch.setattr(index, "builtin_folder", lambda: str(copy))
    assert "have changed since" in index.stale()
    assert "desk-break-2" in load_catalog().routines


def test_an_index_for_another_version_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index left from another psoas version is set aside and the YAML read instead."""
    copy = tmp_path / "routines"
    shutil.copytree(Path(index.builtin_folder()), copy)
    data = json.loads((copy / index.INDEX_NAME).read_text(encoding="utf-8"))
    data["version"] = "0.0.0"
    (copy / index.INDEX_NAME).write_text(json.dumps(data), encoding="utf-8")
    (copy / index.FAST_INDEX_NAME).write_bytes(index.fast_index_bytes(json.dumps(data)))
    monkeypatch.setattr(index, "builtin_folder", lambda: str(copy))
    assert "was made for psoas 0.0.0" in index.stale()
    assert index.builtin_summaries() is None
    assert len(load_catalog().routines) == len(_yaml_names(""))


@pytest.mark.parametrize("fast", [b"\x00garbage", b"", None], ids=["garbage", "empty", "missing"])
def test_an_unreadable_marshal_copy_falls_back_to_the_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: bytes | None
) -> None:
    """A marshal copy that cannot be read (a Python whose marshal format moved on, a
    damaged file, none at all) leaves the JSON index in use: nothing is stale."""
    copy = tmp_path / "routines"
    shutil.copytree(Path(index.builtin_folder()), copy)
    if fast is None:
        (copy / index.FAST_INDEX_NAME).unlink()
    else:
        (copy / index.FAST_INDEX_NAME).write_bytes(fast)
    monkeypatch.setattr(index, "builtin_folder", lambda: str(copy))
    assert index.stale() == ""
    summaries = index.builtin_summaries()
    assert summaries is not None
    assert len(summaries) == len(_yaml_names(""))


def test_a_user_exercise_replacing_a_built_in_one_reaches_built_in_routines(
    psoas_home: Path,
) -> None:
    """As when built-ins were parsed from YAML, a user's own couch-stretch is what the
    built-in routines run, and list then works from the routines, not the stored summary."""
    folder = psoas_home / "routines" / "exercises"
    folder.mkdir(parents=True)
    (folder / "couch-stretch.yaml").write_text(
        "id: couch-stretch\nname: My couch stretch\nequipment: [sofa]\n", encoding="utf-8"
    )
    routine = load_catalog().routines["daily-10min"].routine
    assert "My couch stretch" in [exercise.name for exercise in routine.exercises]
    listed = CliRunner().invoke(cli, ["list", "--json"])
    assert listed.exit_code == 0
    daily = next(r for r in json.loads(listed.stdout) if r["name"] == "daily-10min")
    assert daily["origin"] == "built-in"


HEAVY = (
    "yaml",
    "sqlite3",
    "subprocess",
    "importlib.resources",
    "psoas_cli.library.loader",
    "psoas_cli.library.yaml_reader",
    "psoas_cli.history.store",
    "json",
)
"""Modules that the browse commands must not load: the YAML parser and loader (the
built-ins come from the index), history storage, process spawning, package resources,
and json (the index is read from its marshal copy; only --json output needs json)."""

NOT_FOR_LIST = (
    "psoas_cli.library.model",
    "psoas_cli.library.plan",
    "psoas_cli.library.catalog",
    "pathlib",
)
"""What ``psoas list`` does without: it shows summaries, never builds a routine, and
finds its files with os.path (pathlib would cost it more than the rest of psoas's work)."""

NOT_FOR_ONE_ROUTINE = ("psoas_cli.library.programme", "pathlib")
"""What showing or running one built-in routine does without: it is built alone from the
index, so no programme is built, and no user file needs a path object."""

NOT_FOR_HELP = (
    "dataclasses",
    "psoas_cli.library",
    "psoas_cli.errors",
    "psoas_cli.value",
    "textwrap",
    "locale",
)
"""What help does without: no library at all (rich loads dataclasses itself, for list), no
error types (only a command that runs can raise one), no textwrap (psoas breaks help lines
itself) and no locale (which gettext loads to look up click's words in catalogues)."""

MODULES_AFTER = """\
import sys
from psoas_cli.cli import main
sys.argv = ["psoas", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
sys.stderr.write("\\n".join(sorted(sys.modules)))
"""


def modules_after(*args: str, home: Path) -> set[str]:
    """The modules loaded by the end of one real psoas command, in a fresh interpreter.

    Started without ``site`` (-S), the checkout and the installed packages on its path:
    an editable install's import hook would otherwise load pathlib before psoas starts.
    """
    places = sysconfig.get_paths()
    path = [str(Path(__file__).resolve().parent.parent), places["purelib"], places["platlib"]]
    env = {**os.environ, "PSOAS_HOME": str(home), "PYTHONPATH": os.pathsep.join(path)}
    done = subprocess.run(
        [sys.executable, "-S", "-c", MODULES_AFTER, *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return set(done.stderr.splitlines())


@pytest.mark.parametrize(
    ("args", "absent"),
    [
        (("--help",), (*HEAVY, *NOT_FOR_LIST, *NOT_FOR_HELP)),
        (("list",), (*HEAVY, *NOT_FOR_LIST)),
        (("show", "daily-10min"), (*HEAVY, *NOT_FOR_ONE_ROUTINE)),
        (("run", "daily-10min", "--dry-run"), (*HEAVY, *NOT_FOR_ONE_ROUTINE)),
    ],
)
def test_browsing_built_ins_loads_no_heavy_module(
    args: tuple[str, ...], absent: tuple[str, ...], psoas_home: Path
) -> None:
    """--help, list, show and a dry run of a built-in load neither YAML nor history code."""
    loaded = modules_after(*args, home=psoas_home)
    assert "psoas_cli.cli" in loaded
    assert sorted(loaded & set(absent)) == []


def test_a_user_file_still_loads_the_yaml_reader(psoas_home: Path) -> None:
    """The lean path is not a shortcut past user files: with one, list parses YAML."""
    folder = psoas_home / "routines"
    folder.mkdir(parents=True)
    (folder / "mine.yaml").write_text(
        "title: Mine\nsteps:\n  - exercise: couch-stretch\n    hold: 30s\n", encoding="utf-8"
    )
    loaded = modules_after("list", home=psoas_home)
    assert "yaml" in loaded
    assert "importlib.resources" not in loaded


def test_a_routine_built_alone_equals_the_one_in_the_whole_catalog() -> None:
    """Every built-in routine built on its own, with only its exercises, is the routine
    and path the whole catalog gives; an exercise's name or an unknown name gives none."""
    catalog = load_catalog()
    for name, entry in catalog.routines.items():
        alone = builtin_routine_alone(name.upper().replace("-", " "))
        assert alone is not None
        assert (alone.routine, alone.path, alone.origin) == (
            entry.routine,
            entry.path,
            entry.origin,
        )
    assert builtin_routine_alone("couch-stretch") is None
    assert builtin_routine_alone("no-such-routine") is None


def _user_couch_stretch(psoas_home: Path) -> None:
    folder = psoas_home / "routines" / "exercises"
    folder.mkdir(parents=True)
    (folder / "my-couch.yaml").write_text(
        "id: couch-stretch\nname: My couch stretch\nequipment: [sofa]\n", encoding="utf-8"
    )


def test_a_user_exercise_replacing_a_built_in_one_reaches_a_run_by_name(
    psoas_home: Path,
) -> None:
    """With a user exercise file (named anything) of a built-in exercise's id, the
    built-in routine psoas run builds uses the user's exercise, not the index's."""
    _user_couch_stretch(psoas_home)
    assert builtin_routine_alone("daily-10min") is None
    result = CliRunner().invoke(cli, ["run", "daily-10min", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "My couch stretch, left side: hold 30 s" in result.stdout
    assert "Couch stretch," not in result.stdout


def test_a_user_routine_of_a_built_in_name_is_what_run_and_show_find(
    user_routine: Callable[[str, str], Path],
) -> None:
    """A user routine file called anything, whose name is a built-in routine's, is what
    psoas run and psoas show give for that name."""
    user_routine("morning.yaml", "name: daily-10min\ntitle: My morning\nsteps:\n  - rest: 20s\n")
    ran = CliRunner().invoke(cli, ["run", "daily-10min", "--dry-run"])
    assert ran.exit_code == 0, ran.output
    assert ran.stdout.startswith("daily-10min: My morning\n")
    shown = CliRunner().invoke(cli, ["show", "daily-10min", "--json"])
    assert json.loads(shown.stdout)["title"] == "My morning"


def test_a_routine_file_run_by_path_uses_the_users_exercises(
    psoas_home: Path, tmp_path: Path
) -> None:
    """psoas run --file reads the routine against the exercises alone, the user's included."""
    _user_couch_stretch(psoas_home)
    routine = tmp_path / "quick.yaml"
    routine.write_text(
        "title: Quick\nsteps:\n  - exercise: couch-stretch\n    hold: 10s\n", encoding="utf-8"
    )
    entry = file_to_run(str(routine))
    assert isinstance(entry, RoutineEntry)
    assert [exercise.name for exercise in entry.routine.exercises] == ["My couch stretch"]


def _yaml_names(folder: str) -> list[str]:
    directory = Path(index.builtin_folder()) / folder
    return sorted(p.name for p in directory.iterdir() if p.suffix == ".yaml")


def test_built_in_exercises_built_as_looked_up_equal_the_whole_index() -> None:
    """The exercises a routine file is read against, built one by one as named, are the
    built-in index by id and alias, every value equal, ids winning over aliases."""
    lazy = index.builtin_exercise_map()
    assert lazy is not None
    whole = index.exercise_index(exercise for _, exercise in index.builtin_exercises())
    assert dict(lazy) == whole
    assert lazy["wall-couch-stretch"] is lazy["couch-stretch"]


@pytest.mark.parametrize(
    "step",
    ["exercise: wall-couch-stretch\n    hold: 10s", "exercise: couch-strech\n    hold: 10s"],
    ids=["by alias", "misspelt"],
)
def test_a_routine_file_reads_the_same_against_exercises_built_as_named(
    tmp_path: Path, step: str
) -> None:
    """run --file gives the routine, or the message, that reading the file against the
    whole catalog gives (show FILE), from a name or an alias, with the same suggestions."""
    routine = tmp_path / "quick.yaml"
    routine.write_text(f"title: Quick\nsteps:\n  - {step}\n", encoding="utf-8")
    outcomes: list[object] = []
    for read in (file_to_run, load_catalog().with_file):
        try:
            outcomes.append(read(str(routine)))
        except RoutineFileError as exc:
            outcomes.append(str(exc))
    assert outcomes[0] == outcomes[1]
    assert "couch-stretch" in str(outcomes[0])
