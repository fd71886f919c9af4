"""User routine files remembered as read, so that listing a thousand of them parses only
those that changed.

Reading a routine file (YAML, then every check) takes about twelve times as long as
building the same routine from the JSON it encodes to. Each routine read well is kept in
one JSON file in the user's cache folder, under its path, beside its size and CRC-32: a
file whose bytes still match is built from the JSON; any other is read again. A file with
problems is never kept, so its warning is given every time.

The whole cache is dropped when psoas's version changes, or when any exercise a routine
could name changes (a user exercise file replacing a built-in one, say), since a routine
is checked against its exercises. The cache is only ever a shortcut: one that cannot be
read, holds something unexpected or cannot be written is ignored, and psoas reads the YAML.
JSON, not pickle: reading it runs no code.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Callable, Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any

from psoas_cli import __version__
from psoas_cli.library.index import encode, routine_decoder
from psoas_cli.library.model import Exercise, Routine

CACHE_NAME = "user-routines.json"
CACHE_FORMAT = 1

Json = Any


def exercises_print(exercises: Mapping[str, Exercise]) -> int:
    """A CRC-32 of every exercise a routine may name, as encoded: it changes whenever one
    of them does, whichever file it came from."""
    by_id = {exercise.id: exercise for exercise in exercises.values()}
    encoded = [encode(by_id[ident], {}) for ident in sorted(by_id)]
    return zlib.crc32(json.dumps(encoded, sort_keys=True).encode("utf-8"))


class RoutineCache:
    """The routines of one catalog load: recalled from the cache file, kept for the next."""

    def __init__(self, folder: str, exercises: Mapping[str, Exercise]) -> None:
        self._path = Path(folder, CACHE_NAME)
        self._exercises = exercises
        self._print = exercises_print(exercises)
        self._decode: Callable[[Json], Any] | None = None
        self._old = self._read()
        self._new: dict[str, Json] = {}

    def _read(self) -> dict[str, Json]:
        """The entries of the cache file, or none when it is missing, unreadable, or made
        by another version or for other exercises."""
        try:
            data = json.loads(self._path.read_bytes().decode("utf-8"))
        except (OSError, ValueError, RecursionError):
            return {}
        if not isinstance(data, dict):
            return {}
        same = (data.get("format"), data.get("version"), data.get("exercises"))
        files = data.get("files")
        if same != (CACHE_FORMAT, __version__, self._print) or not isinstance(files, dict):
            return {}
        return files

    def recall(self, shown: str, data: bytes) -> Routine | None:
        """The routine that the file ``shown``, holding ``data``, was read as before; None
        when it was not kept, has changed since, or its entry cannot be built."""
        entry = self._old.get(shown)
        if not isinstance(entry, dict) or entry.get("print") != _print(data):
            return None
        if self._decode is None:
            self._decode = routine_decoder(self._exercises)
        try:
            routine = self._decode(entry["routine"])
        except Exception:
            return None
        if not isinstance(routine, Routine):
            return None
        self._new[shown] = entry
        return routine

    def keep(self, shown: str, data: bytes, routine: Routine) -> None:
        """Remember that the file ``shown``, holding ``data``, reads as ``routine``."""
        self._new[shown] = {"print": _print(data), "routine": encode(routine, self._exercises)}

    def save(self) -> None:
        """Write the entries of this load, when they differ from what was read: files gone
        drop out. Written whole to a temporary file and moved into place, so a reader never
        sees half of it; a folder that cannot be written leaves psoas as it was."""
        if self._new == self._old:
            return
        data = {
            "format": CACHE_FORMAT,
            "version": __version__,
            "exercises": self._print,
            "files": self._new,
        }
        temporary = self._path.with_name(f"{CACHE_NAME}.{os.getpid()}.tmp")
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            with temporary.open("w", encoding="utf-8") as file:
                json.dump(data, file, ensure_ascii=False, separators=(",", ":"))
            temporary.replace(self._path)
        except OSError:
            with suppress(OSError):
                temporary.unlink()


def _print(data: bytes) -> list[int]:
    """A file's size and CRC-32, as the built-in index fingerprints its files."""
    return [len(data), zlib.crc32(data)]
