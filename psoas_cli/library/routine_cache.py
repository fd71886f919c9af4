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

Its first line says what it was made for and holds the size and CRC-32 of the rest, so a
cut-short or damaged file is never half used; and a file holding any character that could
drive the terminal (which no routine read well can hold) is ignored whole, so nothing in
it can reach the screen. Beyond that it is trusted, like the built-in index: it is psoas's
own output, in the user's own folder. JSON, not pickle: reading it runs no code.
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
from psoas_cli.text import UNSAFE_CHARS, may_hold_unsafe, pattern

CACHE_NAME = "user-routines.json"
CACHE_FORMAT = 1

JSON_ESCAPE = r"(?<!\\)(?:\\\\)*\\u"
"""A ``\\u`` escape in JSON text (a backslash run of odd length, then u): json.dump writes
one only for a control character, which no routine read well holds."""

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

    def _header(self, body: bytes) -> bytes:
        """The cache file's first line, for the entries in ``body``."""
        made_for = {
            "format": CACHE_FORMAT,
            "version": __version__,
            "exercises": self._print,
            "check": _print(body),
        }
        return json.dumps(made_for).encode("utf-8") + b"\n"

    def _read(self) -> dict[str, Json]:
        """The entries of the cache file, or none when it is missing, unreadable, damaged,
        holds a character that could drive the terminal, or was made by another version or
        for other exercises."""
        try:
            head, _, body = self._path.read_bytes().partition(b"\n")
            if head + b"\n" != self._header(body):
                return {}
            text = body.decode("utf-8")
            if _could_drive_the_terminal(text):
                return {}
            files = json.loads(text)
        except (OSError, ValueError, RecursionError):
            return {}
        return files if isinstance(files, dict) else {}

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
        except Exception:  # whatever an entry holds, one that cannot be built is a miss
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
        body = json.dumps(self._new, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        temporary = self._path.with_name(f"{CACHE_NAME}.{os.getpid()}.tmp")
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(self._header(body) + body)
            temporary.replace(self._path)
        except OSError:
            with suppress(OSError):
                temporary.unlink()


def _could_drive_the_terminal(text: str) -> bool:
    """Whether the cache's JSON holds an unsafe character, as itself or escaped."""
    raw = may_hold_unsafe(text) and pattern(UNSAFE_CHARS).search(text) is not None
    return raw or ("\\u" in text and pattern(JSON_ESCAPE).search(text) is not None)


def _print(data: bytes) -> list[int]:
    """A file's size and CRC-32, as the built-in index fingerprints its files."""
    return [len(data), zlib.crc32(data)]
