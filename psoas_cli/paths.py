"""Where the user's own files live: one function decides, so every feature agrees."""

from __future__ import annotations

import os
import sys
from pathlib import Path

HOME_VARIABLE = "PSOAS_HOME"


def user_dir() -> Path:
    """The user's psoas folder: ``$PSOAS_HOME``, else the platform's config folder."""
    override = _home_override()
    if override is not None:
        return override
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = _xdg_folder("XDG_CONFIG_HOME") or Path.home() / ".config"
    return base / "psoas"


def user_data_dir() -> Path:
    """Where psoas keeps what it records: ``$PSOAS_HOME`` too, else the platform's data folder.

    Linux separates data (``~/.local/share``) from settings so that a user can back up or
    wipe one without the other; macOS and Windows keep both in one place.
    """
    override = _home_override()
    if override is not None:
        return override
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = _xdg_folder("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return base / "psoas"


def _xdg_folder(variable: str) -> Path | None:
    """An XDG base folder from the environment, if set to an absolute path. The spec calls a
    relative one invalid, to be ignored: it would put the history wherever psoas was run."""
    folder = Path(os.environ.get(variable) or ".")
    return folder if folder.is_absolute() else None


def history_path() -> Path:
    """The history database."""
    return user_data_dir() / "history.sqlite3"


def _home_override() -> Path | None:
    override = os.environ.get(HOME_VARIABLE)
    return Path(override).expanduser() if override else None


def user_routines_dir() -> Path:
    """The user's routine files, laid out like the built-in ``routines/`` folder."""
    return user_dir() / "routines"


def user_exercises_dir() -> Path:
    """The user's own exercise files, which may add to or replace built-in ones."""
    return user_routines_dir() / "exercises"
