"""Where the user's own files live: one function decides, so every feature agrees."""

from __future__ import annotations

import os
import sys
from pathlib import Path

HOME_VARIABLE = "PSOAS_HOME"


def user_dir() -> Path:
    """The user's psoas folder: ``$PSOAS_HOME``, else the platform's config folder."""
    override = os.environ.get(HOME_VARIABLE)
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "psoas"


def user_routines_dir() -> Path:
    """The user's routine files, laid out like the built-in ``routines/`` folder."""
    return user_dir() / "routines"


def user_exercises_dir() -> Path:
    """The user's own exercise files, which may add to or replace built-in ones."""
    return user_routines_dir() / "exercises"
