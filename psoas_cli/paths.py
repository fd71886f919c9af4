"""Where the user's own files live: one function decides, so every feature agrees."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from psoas_cli.errors import PsoasError

HOME_VARIABLE = "PSOAS_HOME"


def _home() -> Path:
    """The user's home folder, or one clear error saying what to set when there is none
    (no HOME and no passwd entry, as under ``docker --user``)."""
    return _expanded(Path("~"))


def _expanded(path: Path) -> Path:
    """``path`` with a leading ``~`` expanded; pathlib raises RuntimeError (KeyError before
    Python 3.12 on some systems) when no home can be found, which must not be a traceback."""
    try:
        return path.expanduser()
    except (RuntimeError, KeyError):
        raise PsoasError(
            f"cannot find your home folder to keep psoas's files in: set {HOME_VARIABLE} "
            "to the folder psoas should use (or set HOME)."
        ) from None


def user_dir() -> Path:
    """The user's psoas folder: ``$PSOAS_HOME``, else the platform's config folder."""
    override = _home_override()
    if override is not None:
        return override
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or _home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = _home() / "Library" / "Application Support"
    else:
        base = _xdg_folder("XDG_CONFIG_HOME") or _home() / ".config"
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
        base = Path(os.environ.get("LOCALAPPDATA") or _home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = _home() / "Library" / "Application Support"
    else:
        base = _xdg_folder("XDG_DATA_HOME") or _home() / ".local" / "share"
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
    return _expanded(Path(override)) if override else None


def user_routines_dir() -> Path:
    """The user's routine files, laid out like the built-in ``routines/`` folder."""
    return user_dir() / "routines"


def user_exercises_dir() -> Path:
    """The user's own exercise files, which may add to or replace built-in ones."""
    return user_routines_dir() / "exercises"


def user_programmes_dir() -> Path:
    """The user's programme files, beside their routines: ``programmes/`` in the same folder."""
    return user_dir() / "programmes"
