"""Option defaults from ``config.yaml`` in the user folder, checked as strictly as routines.

The file holds one section per command, with option names as keys::

    run:
      prep: 10s
      sound: voice
    stats:
      goal: 4

What it returns is click's ``default_map``, so an option given on the command line always
wins over the file, and the file wins over the built-in default.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from psoas_cli.limits import MAX_CUE_SECONDS, MAX_SPEED, MAX_VOLUME, MAX_WEEKLY_GOAL
from psoas_cli.paths import config_file
from psoas_cli.sound_mode import SoundMode

if TYPE_CHECKING:
    from pathlib import Path

    from psoas_cli.library.loader import FieldReader
    from psoas_cli.library.yaml_reader import Node


def _duration(reader: FieldReader, node: Node, path: str) -> object:
    return reader.duration(node, path, most=MAX_CUE_SECONDS, zero_ok=True)


def _flag(reader: FieldReader, node: Node, path: str) -> object:
    from psoas_cli.library.loader import describe  # noqa: PLC0415

    if isinstance(node.value, bool):
        return node.value
    reader.report(node, path, f"expected true or false, got {describe(node)}")
    return None


def _speed(reader: FieldReader, node: Node, path: str) -> object:
    value = node.value
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= MAX_SPEED:
        return float(value)
    reader.report(node, path, f"expected a number above 0 and at most {MAX_SPEED:g}")
    return None


def _sound(reader: FieldReader, node: Node, path: str) -> object:
    mode = reader.choice(node, path, tuple(SoundMode))
    return None if mode is None else mode.value


def _volume(reader: FieldReader, node: Node, path: str) -> object:
    return reader.count(node, path, most=MAX_VOLUME, least=0)


def _goal(reader: FieldReader, node: Node, path: str) -> object:
    return reader.count(node, path, most=MAX_WEEKLY_GOAL)


Check = Callable[["FieldReader", "Node", str], object]

SETTINGS: Mapping[str, Mapping[str, Check]] = {
    "run": {
        "prep": _duration,
        "switch": _duration,
        "transition": _duration,
        "speed": _speed,
        "sound": _sound,
        "volume": _volume,
        "quiet": _flag,
        "voice": _flag,
        "yes": _flag,
        "plain": _flag,
        "history": _flag,
        "keep_awake": _flag,
    },
    "stats": {
        "goal": _goal,
    },
}
"""Every setting the file may hold, by command, with the check its value must pass."""


def load_defaults(path: Path | None = None) -> dict[str, dict[str, object]]:
    """Defaults by command name (from the user's config file unless ``path`` is given); an
    absent file means none, a wrong one is an error.

    The file reader, yaml and pathlib load only when there is a file, so commands start fast.
    """
    shown = config_file() if path is None else str(path)
    if not os.path.isfile(shown):
        return {}
    from pathlib import Path  # noqa: PLC0415

    from psoas_cli.errors import RoutineFileError  # noqa: PLC0415
    from psoas_cli.library.loader import FieldReader, read_file  # noqa: PLC0415
    from psoas_cli.library.yaml_reader import read_yaml  # noqa: PLC0415

    root = read_yaml(read_file(Path(shown), shown), shown)
    if root is None:
        return {}
    reader = FieldReader(shown)
    defaults: dict[str, dict[str, object]] = {}
    sections = reader.fields(root, "", SETTINGS.keys(), "the config file") or {}
    for command, (node, section_path) in sections.items():
        checks = SETTINGS[command]
        found = reader.fields(node, section_path, checks.keys(), f"'{command}' settings") or {}
        values = {
            name: checks[name](reader, value, where) for name, (value, where) in found.items()
        }
        defaults[command] = {name: value for name, value in values.items() if value is not None}
    if reader.problems:
        raise RoutineFileError(sorted(reader.problems, key=lambda p: (p.line, p.column)))
    return defaults
