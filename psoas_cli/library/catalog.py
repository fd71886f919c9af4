"""Every routine and exercise psoas knows: built-in, the user's own, or a file named on the line.

A user file with the same name as a built-in one replaces it and says so; a broken user
file is set aside with its problems instead of hiding every other routine.
"""

from __future__ import annotations

import os
from enum import Enum
from typing import TYPE_CHECKING

from psoas_cli.errors import NotFoundError, Problem, PsoasError, RoutineFileError
from psoas_cli.library.index import (
    YAML_SUFFIXES,
    builtin_exercise_map,
    builtin_exercises,
    builtin_programmes,
    builtin_routine,
    builtin_routines,
    exercise_index,
    stale,
    yaml_files,
    yaml_names,
)
from psoas_cli.paths import (
    user_cache_dir,
    user_exercises_dir,
    user_folders,
    user_programmes_dir,
)
from psoas_cli.value import Value

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from os import PathLike
    from pathlib import Path

    from psoas_cli.library.model import Exercise, Routine
    from psoas_cli.library.programme import Programme
    from psoas_cli.library.routine_cache import RoutineCache


class Origin(Enum):
    """Where a routine or exercise was read from."""

    BUILT_IN = "built-in"
    USER = "user"
    FILE = "file"


class RoutineEntry(Value, kw_only=False):
    """A routine with where it came from and, for a user file, the built-in it replaces."""

    routine: Routine
    origin: Origin
    path: str
    overrides: str = ""


class ExerciseEntry(Value, kw_only=False):
    """An exercise with where it came from and, for a user file, the built-in it replaces."""

    exercise: Exercise
    origin: Origin
    path: str
    overrides: str = ""


class ProgrammeEntry(Value, kw_only=False):
    """A programme with where it came from and, for a user file, the built-in it replaces."""

    programme: Programme
    origin: Origin
    path: str
    overrides: str = ""


class Catalog(Value, kw_only=False):
    """The routines and exercises available to commands, and the user files set aside."""

    routines: dict[str, RoutineEntry]
    exercises: dict[str, ExerciseEntry]
    problems: tuple[RoutineFileError, ...]
    programmes: dict[str, ProgrammeEntry]
    stale_index: str = ""
    """Why the built-in library was read from YAML rather than its index; empty normally."""

    def find_programme(self, name: str) -> ProgrammeEntry:
        """A programme by name; NotFoundError with a hint."""
        key = normalise(name)
        if key in self.programmes:
            return self.programmes[key]
        self._refuse_broken(key)
        from psoas_cli.library.loader import suggest  # noqa: PLC0415

        raise NotFoundError("programme", name, suggest(key, list(self.programmes)))

    def exercise_index(self) -> dict[str, Exercise]:
        """Exercises by id and by alias, ids winning over aliases."""
        return exercise_index(entry.exercise for entry in self.exercises.values())

    def names(self) -> list[str]:
        """Every routine name and exercise id, for completion and suggestions."""
        return sorted({*self.routines, *self.exercises})

    def find(self, name: str) -> RoutineEntry | ExerciseEntry:
        """A routine by name, else an exercise by id or alias; NotFoundError with a hint."""
        key = normalise(name)
        if key in self.routines:
            return self.routines[key]
        index = self.exercise_index()
        if key in index:
            return self.exercises[index[key].id]
        self._refuse_broken(key)
        from psoas_cli.library.loader import suggest  # noqa: PLC0415

        raise NotFoundError("routine or exercise", name, suggest(key, [*self.names(), *index]))

    def find_exercise(self, name: str) -> ExerciseEntry:
        """An exercise by id or alias, even where a routine has the same name."""
        index = self.exercise_index()
        key = normalise(name)
        if key not in index:
            self._refuse_broken(key)
            from psoas_cli.library.loader import suggest  # noqa: PLC0415

            raise NotFoundError("exercise", name, suggest(key, list(index)))
        return self.exercises[index[key].id]

    def _refuse_broken(self, key: str) -> None:
        """A name that is a set-aside user file's: its problems are the answer, since "no
        routine named" would send the person looking for a file they can see is there."""
        from pathlib import Path  # noqa: PLC0415 - only a set-aside file needs it

        for error in self.problems:
            path = Path(error.problems[0].file)
            if normalise(file_stem(path)) == key:
                what = _kind_of_folder(path.parent)
                raise PsoasError(f"the {what} {key} in {path} cannot be used:\n{error}")

    def with_file(self, path: str) -> RoutineEntry | ExerciseEntry | ProgrammeEntry:
        """Load a routine, exercise or programme file named by the user, against this
        catalog; messages name it as typed."""
        return _file_entry(path, self.exercise_index, lambda: _routines_by_name(self))


def _routines_by_name(catalog: Catalog) -> dict[str, Routine]:
    return {name: entry.routine for name, entry in catalog.routines.items()}


def _file_entry(
    path: str,
    exercises: Callable[[], Mapping[str, Exercise]],
    routines: Callable[[], Mapping[str, Routine]],
) -> RoutineEntry | ExerciseEntry | ProgrammeEntry:
    """A routine, exercise or programme file named by the user; a routine file is read
    against ``exercises()``, a programme file against ``routines()``, each asked for only
    when the file is of that kind."""
    from psoas_cli.library.loader import (  # noqa: PLC0415
        FileKind,
        file_kind,
        parse_exercise,
        parse_routine,
        read_file,
    )

    data = read_file(path, path)
    kind = file_kind(data, path)
    if kind is FileKind.EXERCISE:
        return ExerciseEntry(parse_exercise(data, path), Origin.FILE, path)
    if kind is FileKind.PROGRAMME:
        from psoas_cli.library.programme_loader import parse_programme  # noqa: PLC0415

        programme = parse_programme(data, path, routines(), file_stem(path))
        return ProgrammeEntry(programme, Origin.FILE, path)
    routine = parse_routine(data, path, exercises(), file_stem(path))
    return RoutineEntry(routine, Origin.FILE, path)


def builtin_routine_alone(name: str) -> RoutineEntry | None:
    """The built-in routine ``name`` names, built alone from the index with just the
    exercises it uses, as ``psoas run`` and ``show`` need nothing else; None when the name
    is no built-in routine's or when the user has exercise or routine files. Any such file
    may replace the routine or one of its exercises (by the name or id inside it, whatever
    the file is called), so then, as for every other name, the whole catalog must be read."""
    if _user_library_files():
        return None
    found = builtin_routine(normalise(name))
    if found is None:
        return None
    path, routine = found
    return RoutineEntry(routine, Origin.BUILT_IN, path)


def file_to_run(path: str) -> RoutineEntry | ExerciseEntry | ProgrammeEntry:
    """A file named by ``psoas run``, read as ``Catalog.with_file`` reads it, but a routine
    file against the exercises alone: no built-in routine or programme is built for it. The
    path stays text, as typed: pathlib would cost the run's first frame more than reading
    and checking the file."""
    return _file_entry(path, _exercises_for_a_file, lambda: _routines_by_name(load_catalog()))


def _user_library_files() -> bool:
    """Whether the user has any exercise or routine file, which could change a built-in."""
    exercises, routines, _ = user_folders()
    return bool(yaml_names(exercises) or yaml_names(routines))


def _exercises_for_a_file() -> Mapping[str, Exercise]:
    """What a routine file given to ``run`` may name: the built-in exercises, each built as
    it is named, unless the user has exercise files, which may replace any of them."""
    exercises_folder, _, _ = user_folders()
    builtin = None if yaml_names(exercises_folder) else builtin_exercise_map()
    return _exercise_index() if builtin is None else builtin


def _exercise_index() -> dict[str, Exercise]:
    """Built-in and user exercises by id and alias, the user's replacing built-in ones."""
    return exercise_index(entry.exercise for entry in _load_exercises([]).values())


def normalise(name: str) -> str:
    """Let people type names the way they say them: 'Couch stretch' finds couch-stretch."""
    return "-".join(name.strip().lower().replace("_", " ").split())


def looks_like_path(name: str) -> bool:
    """A NAME argument that is a file path rather than a routine name."""
    return name.endswith(YAML_SUFFIXES) or "/" in name or "\\" in name


def load_catalog() -> Catalog:
    """Built-in routines and exercises, then the user's, which add to or replace them.

    The YAML loader is imported only for user files: the built-ins come from the index.
    """
    problems: list[RoutineFileError] = []
    exercises = _load_exercises(problems)
    index = exercise_index(entry.exercise for entry in exercises.values())
    routines: dict[str, RoutineEntry] = {}
    for shown, routine in builtin_routines(index):
        routines[routine.name] = RoutineEntry(routine, Origin.BUILT_IN, shown)
    builtin = {name: entry.routine for name, entry in routines.items()}
    _, routines_folder, _ = user_folders()
    files = yaml_files(routines_folder)
    cache = _routine_cache(index) if files else None
    for path in files:
        try:
            routine = _user_routine(path, index, cache)
        except RoutineFileError as exc:
            problems.append(exc)
            continue
        replaced_routine = routines.get(routine.name)
        if replaced_routine is not None and replaced_routine.origin is Origin.USER:
            problems.append(
                _duplicate(path, "name", "routine name", routine.name, replaced_routine.path)
            )
            continue
        overrides = replaced_routine.path if replaced_routine is not None else ""
        routines[routine.name] = RoutineEntry(routine, Origin.USER, str(path), overrides)
    if cache is not None:
        cache.save()
    programmes = _load_programmes(builtin, routines, problems)
    return Catalog(routines, exercises, tuple(problems), programmes, stale())


def _load_exercises(problems: list[RoutineFileError]) -> dict[str, ExerciseEntry]:
    """Built-in exercises, then the user's, which add to or replace them; the user files
    set aside are added to ``problems``."""
    exercises: dict[str, ExerciseEntry] = {}
    for shown, exercise in builtin_exercises():
        exercises[exercise.id] = ExerciseEntry(exercise, Origin.BUILT_IN, shown)
    exercises_folder, _, _ = user_folders()
    for path in yaml_files(exercises_folder):
        try:
            exercise = _user_exercise(path)
        except RoutineFileError as exc:
            problems.append(exc)
            continue
        replaced = exercises.get(exercise.id)
        if replaced is not None and replaced.origin is Origin.USER:
            problems.append(_duplicate(path, "id", "exercise id", exercise.id, replaced.path))
            continue
        overrides = replaced.path if replaced is not None else ""
        exercises[exercise.id] = ExerciseEntry(exercise, Origin.USER, str(path), overrides)
    return exercises


def _load_programmes(
    builtin: dict[str, Routine],
    routine_entries: dict[str, RoutineEntry],
    problems: list[RoutineFileError],
) -> dict[str, ProgrammeEntry]:
    """Built-in programmes, then the user's, which add to or replace them.

    Built-in programmes are checked against the built-in routines, which they were written
    for: a user's own routine of the same name, run in their place, cannot break them.
    """
    routines = {name: entry.routine for name, entry in routine_entries.items()}
    programmes: dict[str, ProgrammeEntry] = {}
    for shown, programme in builtin_programmes(builtin):
        programmes[programme.name] = ProgrammeEntry(programme, Origin.BUILT_IN, shown)
    _, _, programmes_folder = user_folders()
    for path in yaml_files(programmes_folder):
        try:
            programme = _user_programme(path, routines)
        except RoutineFileError as exc:
            problems.append(exc)
            continue
        replaced = programmes.get(programme.name)
        if replaced is not None and replaced.origin is Origin.USER:
            problems.append(
                _duplicate(path, "name", "programme name", programme.name, replaced.path)
            )
            continue
        overrides = replaced.path if replaced is not None else ""
        programmes[programme.name] = ProgrammeEntry(programme, Origin.USER, str(path), overrides)
    return programmes


def _user_exercise(path: Path) -> Exercise:
    """A user's exercise file, through the YAML loader, which only user files need."""
    from psoas_cli.library.loader import parse_exercise, read_file  # noqa: PLC0415

    return parse_exercise(read_file(path, str(path)), str(path))


def _routine_cache(exercises: dict[str, Exercise]) -> RoutineCache:
    from psoas_cli.library.routine_cache import RoutineCache  # noqa: PLC0415

    return RoutineCache(user_cache_dir(), exercises)


def _user_routine(
    path: Path, exercises: dict[str, Exercise], cache: RoutineCache | None = None
) -> Routine:
    """A user's routine file, its exercises found in ``exercises``: built from ``cache``
    when the file is as it was last read, else read and checked, and kept there."""
    from psoas_cli.library.loader import parse_routine, read_file  # noqa: PLC0415

    shown = str(path)
    data = read_file(path, shown)
    routine = cache.recall(shown, data) if cache is not None else None
    if routine is None:
        routine = parse_routine(data, shown, exercises, file_stem(path))
        if cache is not None:
            cache.keep(shown, data, routine)
    return routine


def _user_programme(path: Path, routines: dict[str, Routine]) -> Programme:
    """A user's programme file, checked against ``routines``."""
    from psoas_cli.library.loader import read_file  # noqa: PLC0415
    from psoas_cli.library.programme_loader import parse_programme  # noqa: PLC0415

    return parse_programme(read_file(path, str(path)), str(path), routines, file_stem(path))


def _kind_of_folder(folder: Path) -> str:
    """What the files of a user folder are, for messages about one of them."""
    if folder == user_exercises_dir():
        return "exercise"
    return "programme" if folder == user_programmes_dir() else "routine"


def _duplicate(path: Path, field: str, what: str, name: str, first: str) -> RoutineFileError:
    message = f"{what} {name!r} is already used by {first}; rename one of them"
    return RoutineFileError([Problem(str(path), 1, 1, field, message)])


def file_stem(path: str | PathLike[str]) -> str:
    """The name a routine file gives its routine when it has no name field."""
    return os.path.basename(path).rsplit(".", 1)[0]
