"""User routine files kept as read: the same routines as from YAML, and never a stale one."""

from __future__ import annotations

import json
import os
import shutil
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from psoas_cli.cli import cli
from psoas_cli.library.catalog import Catalog, Origin, load_catalog
from psoas_cli.library.index import YAML_SUFFIXES, builtin_folder
from psoas_cli.library.model import HoldStep, Routine
from psoas_cli.library.routine_cache import CACHE_NAME

ROUTINE = """\
name: my-stretch
title: {title}
steps:
  - exercise: {exercise}
    hold: 30s
    sides: both
"""


def user_routines(catalog: Catalog) -> dict[str, Routine]:
    """The routines the user's own files gave."""
    return {
        name: entry.routine
        for name, entry in catalog.routines.items()
        if entry.origin is Origin.USER
    }


def cache_file(psoas_home: Path) -> Path:
    return psoas_home / "cache" / CACHE_NAME


def cached_entries(psoas_home: Path) -> dict[str, Any]:
    """The entries of the cache file, after its first line."""
    return dict(json.loads(cache_file(psoas_home).read_bytes().partition(b"\n")[2]))


def rewrite_entries(psoas_home: Path, entries: dict[str, Any]) -> None:
    """Write other entries under a first line made for them, as psoas makes it: size and
    CRC-32 of the rest."""
    head = json.loads(cache_file(psoas_home).read_bytes().partition(b"\n")[0])
    body = json.dumps(entries, ensure_ascii=False).encode("utf-8")
    head["check"] = [len(body), zlib.crc32(body)]
    cache_file(psoas_home).write_bytes(json.dumps(head).encode("utf-8") + b"\n" + body)


@pytest.fixture
def yaml_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The routine files read from YAML, in order, as a load reads them."""
    from psoas_cli.library import loader  # noqa: PLC0415

    read: list[str] = []
    parse = loader.parse_routine

    def counted(data: bytes, filename: str, *args: Any) -> Routine:
        read.append(filename)
        return parse(data, filename, *args)

    monkeypatch.setattr("psoas_cli.library.loader.parse_routine", counted)
    return read


@pytest.fixture
def no_yaml_reading(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Make reading a routine file from YAML fail, to prove a load came from the cache."""

    def refuse() -> None:
        def parse_routine(*_: object, **__: object) -> Routine:
            raise AssertionError("a routine file was read from YAML")

        monkeypatch.setattr("psoas_cli.library.loader.parse_routine", parse_routine)

    return refuse


def test_every_routine_built_from_the_cache_equals_its_reading(
    psoas_home: Path, no_yaml_reading: Callable[[], None]
) -> None:
    """Every built-in routine, copied as a user file, comes back from the cache equal to
    what reading its YAML gave, without the YAML being read again."""
    folder = psoas_home / "routines"
    folder.mkdir(parents=True)
    for path in Path(builtin_folder()).iterdir():
        if path.name.endswith(YAML_SUFFIXES):
            shutil.copy(path, folder / path.name)
    read = user_routines(load_catalog())
    assert len(read) >= 10
    assert cache_file(psoas_home).is_file()
    no_yaml_reading()
    assert user_routines(load_catalog()) == read


def test_a_file_edited_in_place_is_read_again(
    user_routine: Callable[[str, str], Path], psoas_home: Path
) -> None:
    """An edit that keeps the file's size and modification time still shows: the cache
    knows a file by its bytes."""
    path = user_routine("mine.yaml", ROUTINE.format(title="Evening A", exercise="couch-stretch"))
    assert load_catalog().routines["my-stretch"].routine.title == "Evening A"
    before = path.stat()
    path.write_text(ROUTINE.format(title="Evening B", exercise="couch-stretch"), "utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert load_catalog().routines["my-stretch"].routine.title == "Evening B"


def test_a_new_exercise_file_is_seen_by_a_kept_routine(
    user_routine: Callable[[str, str], Path], psoas_home: Path
) -> None:
    """A routine naming wall-couch-stretch (the couch stretch's alias) is kept; a user
    exercise of that id, added later, is then what the routine runs, as a fresh read gives."""
    user_routine("mine.yaml", ROUTINE.format(title="Evening", exercise="wall-couch-stretch"))
    step = load_catalog().routines["my-stretch"].routine.steps[0]
    assert isinstance(step, HoldStep)
    assert step.exercise.id == "couch-stretch"
    exercises = psoas_home / "routines" / "exercises"
    exercises.mkdir()
    shutil.copy(Path(builtin_folder(), "exercises", "couch-stretch.yaml"), exercises / "w.yaml")
    text = (exercises / "w.yaml").read_text("utf-8")
    text = text.replace("id: couch-stretch", "id: wall-couch-stretch").replace(
        "name: Couch stretch", "name: My wall stretch"
    )
    (exercises / "w.yaml").write_text(text.replace("aliases: [wall-couch-stretch]\n", ""), "utf-8")
    step = load_catalog().routines["my-stretch"].routine.steps[0]
    assert isinstance(step, HoldStep)
    assert step.exercise.name == "My wall stretch"


def test_a_file_with_problems_is_never_kept_so_its_warning_repeats(
    user_routine: Callable[[str, str], Path], psoas_home: Path
) -> None:
    """A broken routine file is set aside with its message on every list, not only the first."""
    user_routine("broken.yaml", ROUTINE.format(title="Broken", exercise="no-such-exercise"))
    for _ in range(2):
        result = CliRunner().invoke(cli, ["list"])
        assert result.exit_code == 0
        assert "broken.yaml" in result.output
        assert "no-such-exercise" in result.output
    assert not cache_file(psoas_home).exists()


def test_a_damaged_cache_file_is_not_used(
    user_routine: Callable[[str, str], Path], psoas_home: Path, yaml_reads: list[str]
) -> None:
    """One byte changed in the cache (its size kept) fails its CRC: the YAML is read again."""
    user_routine("mine.yaml", ROUTINE.format(title="Evening", exercise="couch-stretch"))
    load_catalog()
    damaged = cache_file(psoas_home).read_bytes().replace(b"Evening", b"Evenint")
    cache_file(psoas_home).write_bytes(damaged)
    assert load_catalog().routines["my-stretch"].routine.title == "Evening"
    assert len(yaml_reads) == 2


@pytest.mark.parametrize(
    "title", ["\x1b]0;owned\x07", "\x9b2J", "right\u202eleft"], ids=["OSC", "C1 CSI", "bidi"]
)
def test_a_cache_holding_a_control_character_is_not_used(
    user_routine: Callable[[str, str], Path], psoas_home: Path, title: str
) -> None:
    """A cache made to carry an escape sequence into a title, with a first line that fits,
    is ignored whole: list shows the title the file holds, and nothing that drives the
    terminal."""
    user_routine("mine.yaml", ROUTINE.format(title="Evening", exercise="couch-stretch"))
    load_catalog()
    entries = cached_entries(psoas_home)
    for entry in entries.values():
        entry["routine"]["fields"]["title"] = title
    rewrite_entries(psoas_home, entries)
    result = CliRunner().invoke(cli, ["list"])
    assert result.exit_code == 0
    assert "Evening" in result.output
    assert not any(char in result.output for char in "\x1b\x07\x9b\u202e")


def test_a_deleted_file_leaves_the_cache(
    user_routine: Callable[[str, str], Path], psoas_home: Path
) -> None:
    """The cache holds the files of the last load only: a removed file drops out of it."""
    kept = user_routine("a.yaml", ROUTINE.format(title="A", exercise="couch-stretch"))
    gone = user_routine("b.yaml", ROUTINE.format(title="B", exercise="couch-stretch"))
    gone.write_text(gone.read_text("utf-8").replace("my-stretch", "other"), "utf-8")
    load_catalog()
    gone.unlink()
    load_catalog()
    assert list(cached_entries(psoas_home)) == [str(kept)]


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b"\xff\xfe",
        b"[" * 100_000,
        b'{"format": 1, "version": "0.0.0", "exercises": 0, "files": {}}',
        b"[1, 2]",
    ],
    ids=["text", "not UTF-8", "nested deep", "another version", "a list"],
)
def test_a_cache_file_that_cannot_be_used_is_ignored(
    content: bytes, user_routine: Callable[[str, str], Path], psoas_home: Path
) -> None:
    """A damaged or foreign cache file changes nothing: the YAML is read and the file
    rewritten."""
    user_routine("mine.yaml", ROUTINE.format(title="Evening", exercise="couch-stretch"))
    cache_file(psoas_home).parent.mkdir(parents=True)
    cache_file(psoas_home).write_bytes(content)
    assert load_catalog().routines["my-stretch"].routine.title == "Evening"
    assert cached_entries(psoas_home)


@pytest.mark.parametrize(
    "routine",
    [{"type": "NoSuchType", "fields": {}}, {"type": "Routine", "fields": {"nope": 1}}, 7],
    ids=["unknown type", "unknown field", "a number"],
)
def test_an_entry_that_cannot_be_built_is_read_from_yaml(
    user_routine: Callable[[str, str], Path], psoas_home: Path, routine: object
) -> None:
    """An entry whose file print matches but whose routine cannot be built is a miss, not
    an error: the file is read from YAML again."""
    user_routine("mine.yaml", ROUTINE.format(title="Evening", exercise="couch-stretch"))
    load_catalog()
    entries = cached_entries(psoas_home)
    for entry in entries.values():
        entry["routine"] = routine
    rewrite_entries(psoas_home, entries)
    assert load_catalog().routines["my-stretch"].routine.title == "Evening"


def test_a_cache_folder_that_cannot_be_made_changes_nothing(
    user_routine: Callable[[str, str], Path], psoas_home: Path
) -> None:
    """With a file where the cache folder should be, list still lists, without a word
    about the cache, and reads the YAML each time."""
    user_routine("mine.yaml", ROUTINE.format(title="Evening", exercise="couch-stretch"))
    (psoas_home / "cache").write_text("in the way", "utf-8")
    for _ in range(2):
        result = CliRunner().invoke(cli, ["list"])
        assert result.exit_code == 0
        assert "my-stretch" in result.output
        assert "cache" not in result.output
    assert (psoas_home / "cache").read_text("utf-8") == "in the way"
