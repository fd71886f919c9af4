"""Where the user's own files live: one function decides, so every feature agrees.

Worked out as text with ``os.path`` and made a ``Path`` only on the way out: ``psoas list``
asks whether the user has files at all before anything else, and importing pathlib (with
the URL parsing it brings) would cost it more than the rest of psoas's own work.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from psoas_cli.errors import PsoasError

if TYPE_CHECKING:
    from pathlib import Path

HOME_VARIABLE = "PSOAS_HOME"


def _path(text: str) -> Path:
    from pathlib import Path  # noqa: PLC0415 - see the module's docstring

    return Path(text)


def _home() -> str:
    """The user's home folder, or one clear error saying what to set when there is none
    (no HOME and no passwd entry, as under ``docker --user``)."""
    return _expanded("~")


def _expanded(path: str) -> str:
    """``path`` with a leading ``~`` expanded; a ``~`` left in place means no home could be
    found (the case pathlib raises RuntimeError for), which must not be a traceback."""
    expanded = os.path.expanduser(path)
    if expanded[:1] == "~":
        raise PsoasError(
            f"cannot find your home folder to keep psoas's files in: set {HOME_VARIABLE} "
            "to the folder psoas should use (or set HOME)."
        )
    return expanded


def user_dir() -> Path:
    """The user's psoas folder: ``$PSOAS_HOME``, else the platform's config folder."""
    return _path(_user_folder())


def _user_folder() -> str:
    override = _home_override()
    if override is not None:
        return override
    if sys.platform == "win32":
        base = os.environ.get("APPDATA") or os.path.join(_home(), "AppData", "Roaming")
    elif sys.platform == "darwin":
        base = os.path.join(_home(), "Library", "Application Support")
    else:
        base = _xdg_folder("XDG_CONFIG_HOME") or os.path.join(_home(), ".config")
    return os.path.join(base, "psoas")


CONFIG_NAME = "config.yaml"


def config_file() -> str:
    """Where the config file lives, in the user's psoas folder beside their routines; as
    text, since every run asks whether it exists and most find none."""
    return os.path.join(_user_folder(), CONFIG_NAME)


def user_data_dir() -> Path:
    """Where psoas keeps what it records: ``$PSOAS_HOME`` too, else the platform's data folder.

    Linux separates data (``~/.local/share``) from settings so that a user can back up or
    wipe one without the other; macOS and Windows keep both in one place.
    """
    override = _home_override()
    if override is not None:
        return _path(override)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.join(_home(), "AppData", "Local")
    elif sys.platform == "darwin":
        base = os.path.join(_home(), "Library", "Application Support")
    else:
        base = _xdg_folder("XDG_DATA_HOME") or os.path.join(_home(), ".local", "share")
    return _path(os.path.join(base, "psoas"))


def _xdg_folder(variable: str) -> str | None:
    """An XDG base folder from the environment, if set to an absolute path. The spec calls a
    relative one invalid, to be ignored: it would put the history wherever psoas was run."""
    folder = os.environ.get(variable) or "."
    return folder if os.path.isabs(folder) else None


def user_cache_dir() -> str:
    """Where psoas keeps what it can always make again (the user routines as read): under
    ``$PSOAS_HOME`` too, else the platform's cache folder, which backups may skip."""
    override = _home_override()
    if override is not None:
        return os.path.join(override, "cache")
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.join(_home(), "AppData", "Local")
        return os.path.join(base, "psoas", "Cache")
    if sys.platform == "darwin":
        return os.path.join(_home(), "Library", "Caches", "psoas")
    return os.path.join(_xdg_folder("XDG_CACHE_HOME") or os.path.join(_home(), ".cache"), "psoas")


def history_path() -> Path:
    """The history database."""
    return user_data_dir() / "history.sqlite3"


def _home_override() -> str | None:
    override = os.environ.get(HOME_VARIABLE)
    return _expanded(override) if override else None


def user_folders() -> tuple[str, str, str]:
    """The user's exercise, routine and programme folders, as text: enough to ask whether
    there are any user files without loading pathlib."""
    routines = os.path.join(_user_folder(), "routines")
    return os.path.join(routines, "exercises"), routines, os.path.join(_user_folder(), "programmes")


def user_exercises_dir() -> Path:
    """The user's own exercise files, which may add to or replace built-in ones."""
    return _path(user_folders()[0])


def user_programmes_dir() -> Path:
    """The user's programme files, beside their routines: ``programmes/`` in the same folder."""
    return _path(user_folders()[2])
