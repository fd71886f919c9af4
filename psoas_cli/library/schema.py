"""The JSON Schema for routine and exercise files, shipped in the package for editors."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any


def routine_schema() -> dict[str, Any]:
    """The schema of a routine file."""
    data: dict[str, Any] = json.loads(
        files("psoas_cli.library").joinpath("routine.schema.json").read_text(encoding="utf-8")
    )
    return data


def exercise_schema() -> dict[str, Any]:
    """The schema of an exercise file, sharing the routine schema's definitions."""
    routine = routine_schema()
    return {
        "$schema": routine["$schema"],
        "$id": "urn:psoas-cli:exercise",
        "title": "psoas exercise file",
        "$ref": "#/$defs/exercise",
        "$defs": routine["$defs"],
    }
