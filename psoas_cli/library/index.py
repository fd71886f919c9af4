"""The built-in library as one prebuilt JSON file, so that starting psoas reads no YAML.

The index beside the built-in YAML files holds every built-in exercise, routine and
programme as plain JSON, each routine's summary for ``psoas list``, and a fingerprint (size
and CRC-32) of each YAML file it was made from. Every start compares those fingerprints
with the files; when they differ (a checkout where someone edited a routine) the YAML is
read as before and ``stale`` says why, so an out-of-date index is never used silently.
Regenerate it with ``python -m psoas_cli.library.index``.

JSON, not pickle: the file could sit in a writable place, and reading JSON runs no code.
A marshal copy of the same data (``index.marshal``, plain dicts, lists, text and numbers)
is what a start reads, as Python reads its own compiled files from the same folder.
"""

from __future__ import annotations

import marshal
import os
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from psoas_cli import __version__
from psoas_cli.errors import PsoasError
from psoas_cli.value import Value, as_dict

if TYPE_CHECKING:
    from pathlib import Path
    from types import ModuleType

    from psoas_cli.library.model import Exercise, Routine
    from psoas_cli.library.programme import Programme

INDEX_NAME = "index.json"
FAST_INDEX_NAME = "index.marshal"
"""The same data in marshal form, written beside the JSON: it loads several times faster
and without importing json, which together cost a run's first frame about 3 ms. The JSON
stays the copy people read and review; a test keeps the two equal."""
INDEX_FORMAT = 1
"""Bumped whenever the layout of the index changes, so an older one is never misread."""
REGENERATE = "python -m psoas_cli.library.index"
YAML_SUFFIXES = (".yaml", ".yml")
FOLDERS = ("exercises", "", "programmes")
"""The built-in folders, as paths under the routines folder, in the order they are read."""

Json = Any
"""A value as json.loads returns it."""


class RoutineSummary(Value):
    """What ``psoas list`` shows of a routine: enough for the table, filters and --json,
    without building the routine's steps."""

    name: str
    title: str
    seconds: float
    approximate: bool
    level: str
    equipment: tuple[str, ...]
    tags: tuple[str, ...]
    origin: str
    path: str
    overrides: str = ""

    def data(self) -> dict[str, object]:
        """The summary as ``psoas list --json`` prints it."""
        return {
            "name": self.name,
            "title": self.title,
            "total_seconds": round(self.seconds, 3),
            "approximate": self.approximate,
            "level": self.level,
            "equipment": list(self.equipment),
            "tags": list(self.tags),
            "origin": self.origin,
            "path": self.path,
            "overrides": self.overrides or None,
        }


def builtin_folder() -> str:
    """The folder of built-in YAML files: inside the package once installed, at the top of
    a checkout (where an editable install finds it too). Found from this file's place, as
    importlib.resources would cost more to import than the whole index takes to read."""
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    installed = os.path.join(package, "routines")
    return (
        installed
        if os.path.isdir(installed)
        else os.path.join(os.path.dirname(package), "routines")
    )


def builtin_files() -> list[tuple[str, str]]:
    """Each built-in YAML file as messages name it (``routines/exercises/x.yaml``) and its
    path, sorted by folder then name."""
    root = builtin_folder()
    found = []
    for folder in FOLDERS:
        directory = os.path.join(root, folder) if folder else root
        shown = f"routines/{folder}/" if folder else "routines/"
        found += [(shown + name, os.path.join(directory, name)) for name in yaml_names(directory)]
    return found


def yaml_names(folder: str) -> list[str]:
    """The names of the YAML files in a folder, sorted; none when it does not exist."""
    try:
        with os.scandir(folder) as entries:
            return sorted(
                entry.name
                for entry in entries
                if os.path.splitext(entry.name)[1] in YAML_SUFFIXES and entry.is_file()
            )
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise PsoasError(f"{folder}: cannot read the folder: {exc.strerror}") from None


def yaml_files(folder: str) -> list[Path]:
    """The YAML files in one of the user's folders, sorted; none when it does not exist.
    pathlib is loaded only when there are some: a run of a file beside no user library
    would otherwise pay more for it than for reading the file."""
    names = yaml_names(folder)
    if not names:
        return []
    from pathlib import Path  # noqa: PLC0415

    return [Path(folder, name) for name in names]


def fingerprints(files: list[tuple[str, str]]) -> dict[str, list[int]]:
    """Each file's size and CRC-32: a change to any byte of a routine changes its print."""
    prints = {}
    for shown, path in files:
        data = _read(path)
        prints[shown] = [len(data), zlib.crc32(data)]
    return prints


def _read(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


@cache
def _read_index() -> tuple[Json | None, str]:
    """The index's data, or None and why it cannot be used."""
    path = os.path.join(builtin_folder(), INDEX_NAME)
    try:
        data = _index_data(path)
    except (OSError, ValueError) as exc:
        return None, f"the built-in index {path} cannot be read ({exc})"
    if not isinstance(data, dict) or data.get("format") != INDEX_FORMAT:
        return None, f"the built-in index {path} is in another format"
    if data.get("version") != __version__:
        return None, f"the built-in index {path} was made for psoas {data.get('version')}"
    if data.get("files") != fingerprints(builtin_files()):
        return None, f"the built-in YAML files have changed since {path} was made"
    return data, ""


def _index_data(path: str) -> Json:
    """The index at ``path``, from its marshal copy beside it; from the JSON itself when
    that copy is missing or unreadable (a Python whose marshal format has moved on)."""
    try:
        return marshal.loads(_read(os.path.join(os.path.dirname(path), FAST_INDEX_NAME)))
    except (OSError, ValueError, EOFError, TypeError):
        import json  # noqa: PLC0415 - only when the marshal copy cannot be used

        return json.loads(_read(path).decode("utf-8"))


def stale() -> str:
    """Why the built-in library is being read from its YAML files, as a note a developer
    can act on; empty when the index is used."""
    reason = _read_index()[1]
    if not reason:
        return ""
    return f"{reason}; reading the YAML files instead (to update the index, run: {REGENERATE})"


def builtin_summaries() -> list[RoutineSummary] | None:
    """The built-in routines' summaries from the index; None when it cannot be used."""
    data = _read_index()[0]
    if data is None:
        return None
    return [_summary(item["path"], item["summary"]) for item in data["routines"]]


def _summary(path: str, summary: Json) -> RoutineSummary:
    return RoutineSummary(
        name=summary["name"],
        title=summary["title"],
        seconds=summary["seconds"],
        approximate=summary["approximate"],
        level=summary["level"],
        equipment=tuple(summary["equipment"]),
        tags=tuple(summary["tags"]),
        origin="built-in",
        path=path,
    )


def builtin_exercises() -> list[tuple[str, Exercise]]:
    """Each built-in exercise with the path messages give it."""
    data = _read_index()[0]
    if data is None:
        return _parse_exercises()
    decode = _decoder(_model_classes(), {})
    return [(item["path"], decode(item["exercise"])) for item in data["exercises"]]


class BuiltinExercises(Mapping[str, "Exercise"]):
    """The built-in exercises by id and alias, ids winning over aliases as in
    ``exercise_index``, each built from the index the first time it is looked up: a routine
    file names one or two of them, and building all costs a run's first frame more than
    reading the file."""

    def __init__(self, encoded: Json) -> None:
        self._encoded = {_id(exercise): exercise for exercise in encoded}
        aliases = {
            alias: ident
            for ident, exercise in self._encoded.items()
            for alias in exercise["fields"].get("aliases", ())
            if alias not in self._encoded
        }
        self._ids = {**aliases, **{ident: ident for ident in self._encoded}}
        self._built: dict[str, Exercise] = {}
        self._decode = _decoder(_model_classes(), {})

    def __getitem__(self, name: str) -> Exercise:
        ident = self._ids[name]
        built = self._built.get(ident)
        if built is None:
            built = self._built[ident] = self._decode(self._encoded[ident])
        return built

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def builtin_exercise_map() -> BuiltinExercises | None:
    """The built-in exercises, built as they are looked up; None when the index cannot be
    used (they must then be read from YAML, all at once)."""
    data = _read_index()[0]
    return (
        None if data is None else BuiltinExercises(item["exercise"] for item in data["exercises"])
    )


def builtin_routine(name: str) -> tuple[str, Routine] | None:
    """The built-in routine called ``name`` and its path, building only it and the exercises
    it uses, as a run needs no other; None when there is none or the index cannot be used
    (the whole library must then be read to find it)."""
    data = _read_index()[0]
    if data is None:
        return None
    for item in data["routines"]:
        if item["summary"]["name"] == name:
            classes = _model_classes()
            encoded = {_id(e["exercise"]): e["exercise"] for e in data["exercises"]}
            decode_exercise = _decoder(classes, {})
            used = {
                ident: decode_exercise(encoded[ident]) for ident in _exercise_ids(item["routine"])
            }
            return item["path"], _decoder(classes, used)(item["routine"])
    return None


def builtin_exercise_ids() -> set[str]:
    """The ids of the built-in exercises, from the index without building them."""
    data = _read_index()[0]
    if data is None:
        return {exercise.id for _, exercise in _parse_exercises()}
    return {_id(item["exercise"]) for item in data["exercises"]}


def _id(exercise: Json) -> str:
    """An encoded exercise's id."""
    ident: str = exercise["fields"]["id"]
    return ident


def _exercise_ids(value: Json) -> set[str]:
    """The ids of the exercises an encoded value refers to, found as the decoder finds them."""
    if isinstance(value, list):
        return {ident for item in value for ident in _exercise_ids(item)}
    if not isinstance(value, dict):
        return set()
    if "exercise_id" in value:
        return {value["exercise_id"]}
    if "set" in value:
        return _exercise_ids(value["set"])
    return _exercise_ids(list(value.get("fields", {}).values()))


def builtin_routines(exercises: Mapping[str, Exercise]) -> list[tuple[str, Routine]]:
    """Each built-in routine, its exercises taken from ``exercises`` (by id, then alias):
    a user's own exercise file of the same id is what the built-in routine then runs."""
    data = _read_index()[0]
    if data is None:
        return _parse_routines(exercises)
    decode = _decoder(_model_classes(), exercises)
    return [(item["path"], decode(item["routine"])) for item in data["routines"]]


def builtin_programmes(routines: Mapping[str, Routine]) -> list[tuple[str, Programme]]:
    """Each built-in programme; read from YAML, it is checked against ``routines``."""
    data = _read_index()[0]
    if data is None:
        return _parse_programmes(routines)
    decode = _decoder(_programme_classes(), {})
    return [(item["path"], decode(item["programme"])) for item in data["programmes"]]


def parse_builtin_yaml() -> tuple[
    list[tuple[str, Exercise]], list[tuple[str, Routine]], list[tuple[str, Programme]]
]:
    """The whole built-in library read from its YAML files, as the index must hold it."""
    exercises = _parse_exercises()
    routines = _parse_routines(exercise_index(exercise for _, exercise in exercises))
    programmes = _parse_programmes({routine.name: routine for _, routine in routines})
    return exercises, routines, programmes


def exercise_index(exercises: Iterable[Exercise]) -> dict[str, Exercise]:
    """Exercises by id and by alias, ids winning over aliases."""
    by_id = {exercise.id: exercise for exercise in exercises}
    by_alias = {alias: ex for ex in by_id.values() for alias in ex.aliases if alias not in by_id}
    return {**by_alias, **by_id}


def _parse_exercises() -> list[tuple[str, Exercise]]:
    from psoas_cli.library.loader import parse_exercise  # noqa: PLC0415

    return [(shown, parse_exercise(body, shown)) for shown, body in _yaml("exercises")]


def _parse_routines(exercises: Mapping[str, Exercise]) -> list[tuple[str, Routine]]:
    from psoas_cli.library.loader import parse_routine  # noqa: PLC0415

    return [
        (shown, parse_routine(body, shown, exercises, _stem(shown))) for shown, body in _yaml("")
    ]


def _parse_programmes(routines: Mapping[str, Routine]) -> list[tuple[str, Programme]]:
    from psoas_cli.library.programme_loader import parse_programme  # noqa: PLC0415

    return [
        (shown, parse_programme(body, shown, routines, _stem(shown)))
        for shown, body in _yaml("programmes")
    ]


def _yaml(folder: str) -> list[tuple[str, bytes]]:
    """The bytes of each built-in YAML file in one folder."""
    prefix = f"routines/{folder}/" if folder else "routines/"
    return [
        (shown, _read(path))
        for shown, path in builtin_files()
        if shown.rsplit("/", 1)[0] + "/" == prefix
    ]


def _stem(shown: str) -> str:
    return shown.rsplit("/", 1)[-1].rsplit(".", 1)[0]


def routine_decoder(exercises: Mapping[str, Exercise]) -> Callable[[Json], Any]:
    """A function that turns an encoded routine back into one, its exercises taken from
    ``exercises``: how the built-in index and the cache of user files are read."""
    return _decoder(_model_classes(), exercises)


def _model_classes() -> dict[str, type]:
    """The routine model's classes by name: what the index may build for routines and
    exercises, and nothing else."""
    from psoas_cli.library import model  # noqa: PLC0415

    return _classes(model)


def _programme_classes() -> dict[str, type]:
    """The classes a programme may be built from: loaded only when programmes are wanted."""
    from psoas_cli.library import model, programme  # noqa: PLC0415

    return _classes(model, programme)


def _classes(*modules: ModuleType) -> dict[str, type]:
    return {
        cls.__name__: cls
        for module in modules
        for cls in vars(module).values()
        if isinstance(cls, type) and cls.__module__ == module.__name__
    }


def _decoder(types: Mapping[str, type], exercises: Mapping[str, Exercise]) -> Callable[[Json], Any]:
    """A function that turns encoded JSON back into values of ``types``, exercises named by
    id taken from ``exercises``."""
    from datetime import time  # noqa: PLC0415

    def decode(value: Json) -> Any:
        if isinstance(value, list):
            return tuple(decode(item) for item in value)
        if not isinstance(value, dict):
            return value
        if "exercise_id" in value:
            return exercises[value["exercise_id"]]
        if "enum" in value:
            return types[value["enum"]](value["value"])
        if "set" in value:
            return frozenset(decode(item) for item in value["set"])
        if "time" in value:
            return time.fromisoformat(value["time"])
        fields = {name: decode(item) for name, item in value["fields"].items()}
        return types[value["type"]](**fields)

    return decode


def encode(value: object, exercises: Mapping[str, Exercise]) -> Json:
    """A model value as JSON; an exercise equal to the library's one of its id is written as
    that id, so routines share their exercises as when read from YAML."""
    from datetime import time  # noqa: PLC0415
    from enum import Enum  # noqa: PLC0415

    def encoded(value: object) -> Json:
        if isinstance(value, tuple):
            return [encoded(item) for item in value]
        if isinstance(value, frozenset):
            return {"set": sorted(encoded(item) for item in value)}
        if isinstance(value, Enum):
            return {"enum": type(value).__name__, "value": value.value}
        if isinstance(value, time):
            return {"time": value.isoformat()}
        if isinstance(value, Value):
            ident = getattr(value, "id", None)
            # The same object first: a routine read against the library holds its exercises.
            known = exercises.get(ident) if isinstance(ident, str) else None
            if known is not None and (known is value or known == value):
                return {"exercise_id": ident}
            fields = as_dict(value).items()
            return {"type": type(value).__name__, "fields": {n: encoded(v) for n, v in fields}}
        return value

    return encoded(value)


def index_text() -> str:
    """The index as it should read now, made by parsing every built-in YAML file."""
    from psoas_cli.library.plan import routine_seconds  # noqa: PLC0415

    exercises, routines, programmes = parse_builtin_yaml()
    by_id = {exercise.id: exercise for _, exercise in exercises}
    none: dict[str, Exercise] = {}
    routine_items = []
    for path, routine in routines:
        seconds, approximate = routine_seconds(routine)
        summary = {
            "name": routine.name,
            "title": routine.title,
            "seconds": seconds,
            "approximate": approximate,
            "level": routine.level.value,
            "equipment": list(routine.equipment),
            "tags": list(routine.tags),
        }
        routine_items.append({"path": path, "summary": summary, "routine": encode(routine, by_id)})
    data = {
        "format": INDEX_FORMAT,
        "version": __version__,
        "made_by": REGENERATE,
        "files": fingerprints(builtin_files()),
        "exercises": [{"path": p, "exercise": encode(e, none)} for p, e in exercises],
        "routines": routine_items,
        "programmes": [{"path": p, "programme": encode(g, none)} for p, g in programmes],
    }
    import json  # noqa: PLC0415 - only the generator writes it

    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def fast_index_bytes(text: str) -> bytes:
    """The marshal copy of the index whose JSON is ``text``: the same data, read back."""
    import json  # noqa: PLC0415 - only the generator writes it

    return marshal.dumps(json.loads(text))


def main() -> None:
    """Write the index, and its marshal copy, beside the built-in YAML files."""
    text = index_text()
    for name, data in (
        (INDEX_NAME, text.encode("utf-8")),
        (FAST_INDEX_NAME, fast_index_bytes(text)),
    ):
        path = os.path.join(builtin_folder(), name)
        with open(path, "wb") as file:
            file.write(data)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
