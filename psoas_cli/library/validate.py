"""Checking routine and exercise files named by the user, all problems at once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from psoas_cli.durations import format_clock
from psoas_cli.errors import Problem, RoutineFileError
from psoas_cli.library.catalog import file_stem, load_catalog
from psoas_cli.library.index import YAML_SUFFIXES
from psoas_cli.library.loader import (
    FileKind,
    file_kind,
    parse_exercise,
    parse_routine,
    read_file,
)
from psoas_cli.library.model import Routine
from psoas_cli.library.plan import routine_seconds
from psoas_cli.library.programme_loader import parse_programme
from psoas_cli.text import counted
from psoas_cli.value import Value


class ValidationReport(Value, kw_only=False):
    """What to print, and whether every file was valid."""

    lines: tuple[str, ...]
    ok: bool


def validate_files(paths: Iterable[Path]) -> ValidationReport:
    """Validate files and folders of them; exercises first, so routines can use them, and
    programmes last, so they can use both the library's routines and those given here."""
    files, missing = _expand(paths)
    results: dict[Path, list[str]] = {}
    failed: set[Path] = set()
    routine_files: list[tuple[Path, bytes]] = []
    programme_files: list[tuple[Path, bytes]] = []
    catalog = load_catalog()
    index = catalog.exercise_index()
    for path in files:
        try:
            data = read_file(path, str(path))
            kind = file_kind(data, str(path))
            if kind is FileKind.PROGRAMME:
                programme_files.append((path, data))
                continue
            if kind is FileKind.ROUTINE:
                routine_files.append((path, data))
                continue
            exercise = parse_exercise(data, str(path))
        except RoutineFileError as exc:
            results[path] = [str(p) for p in exc.problems]
            failed.add(path)
            continue
        index[exercise.id] = exercise
        results[path] = [f"{path}: ok, exercise {exercise.id}"]
    names: dict[str, Path] = {}
    routines = {name: entry.routine for name, entry in catalog.routines.items()}
    for path, data in routine_files:
        try:
            routine = parse_routine(data, str(path), index, file_stem(path))
        except RoutineFileError as exc:
            results[path] = [str(p) for p in exc.problems]
            failed.add(path)
            continue
        if routine.name in names:
            message = f"routine name {routine.name!r} is also used by {names[routine.name]}"
            results[path] = [str(Problem(str(path), 1, 1, "name", message))]
            failed.add(path)
            continue
        names[routine.name] = path
        routines[routine.name] = routine
        seconds, approximate = routine_seconds(routine)
        total = ("about " if approximate else "") + format_clock(seconds)
        steps = counted(len(routine.steps), "step")
        results[path] = [f"{path}: ok, routine {routine.name} ({steps}, {total})"]
    for path, data in programme_files:
        results[path] = _programme_lines(path, data, routines)
        if not results[path][0].startswith(f"{path}: ok"):
            failed.add(path)
    lines = [*missing, *(line for path in files for line in results[path])]
    bad = len(missing) + len(failed)
    lines.append(_summary(len(files) + len(missing), bad))
    return ValidationReport(tuple(lines), bad == 0)


def _programme_lines(path: Path, data: bytes, routines: Mapping[str, Routine]) -> list[str]:
    """What validating one programme file prints: its problems, or one line saying it is ok."""
    try:
        programme = parse_programme(data, str(path), routines, file_stem(path))
    except RoutineFileError as exc:
        return [str(p) for p in exc.problems]
    entries = counted(len(programme.entries), "routine")
    return [f"{path}: ok, programme {programme.name} ({programme.weeks} weeks, {entries})"]


def _summary(checked: int, bad: int) -> str:
    files = counted(checked, "file")
    if not bad:
        return f"{files} checked, all valid."
    return f"{files} checked, {bad} with problems."


def _expand(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """Files to check, and a line for every path that names nothing to check."""
    files: list[Path] = []
    missing: list[str] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in YAML_SUFFIXES and p.is_file())
            if not found:
                missing.append(f"{path}: no .yaml files in this folder")
            files += found
        elif path.exists():
            files.append(path)
        else:
            missing.append(f"{path}: no such file")
    return files, missing
