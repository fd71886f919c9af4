"""The JSON Schema for routine, exercise and programme files, shipped in the package for editors."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from psoas_cli.library.loader import MAX_REPS
from psoas_cli.library.programme import WEEKDAY_NAMES
from psoas_cli.library.programme_loader import (
    MAX_ENTRIES,
    MAX_EVERY_DAYS,
    MAX_PROGRAMME_WEEKS,
    MAX_REPS_STEP,
    MAX_TIMES_A_WEEK,
)


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


def programme_schema() -> dict[str, Any]:
    """The schema of a programme file, sharing the routine schema's text, name and duration
    definitions; psoas validate also checks that each routine exists."""
    routine = routine_schema()
    defs = routine["$defs"]
    count = {"type": "integer", "minimum": 1}
    growth_seconds = {
        "type": "object",
        "additionalProperties": False,
        "required": ["add", "up_to"],
        "properties": {"add": {"$ref": "#/$defs/duration"}, "up_to": {"$ref": "#/$defs/duration"}},
    }
    growth_reps = {
        "type": "object",
        "additionalProperties": False,
        "required": ["add", "up_to"],
        "properties": {
            "add": {**count, "maximum": MAX_REPS_STEP},
            "up_to": {**count, "maximum": MAX_REPS},
        },
    }
    often = {
        "description": "daily, or one of weekdays, times_a_week or every_days.",
        "oneOf": [
            {"const": "daily"},
            _only(
                "weekdays",
                {
                    "type": "array",
                    "minItems": 1,
                    "uniqueItems": True,
                    "items": {"enum": list(WEEKDAY_NAMES)},
                },
            ),
            _only("times_a_week", {**count, "maximum": MAX_TIMES_A_WEEK}),
            _only("every_days", {**count, "maximum": MAX_EVERY_DAYS}),
        ],
    }
    entry = {
        "type": "object",
        "additionalProperties": False,
        "required": ["routine", "often"],
        "properties": {
            "routine": {"$ref": "#/$defs/slug", "description": "A routine's name."},
            "often": often,
            "at": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"},
            "note": {"$ref": "#/$defs/text"},
            "progress": {
                "type": "object",
                "additionalProperties": False,
                "anyOf": [{"required": ["hold"]}, {"required": ["reps"]}],
                "properties": {
                    "hold": growth_seconds,
                    "reps": growth_reps,
                    "pain_at_most": {"type": "integer", "minimum": 0, "maximum": 10},
                },
            },
        },
    }
    return {
        "$schema": routine["$schema"],
        "$id": "urn:psoas-cli:programme",
        "title": "psoas programme file",
        "description": "Which routines to do how often over some weeks: psoas validate FILE.",
        "type": "object",
        "additionalProperties": False,
        "required": ["title", "weeks", "entries"],
        "properties": {
            "name": {"$ref": "#/$defs/slug"},
            "title": {"$ref": "#/$defs/text"},
            "description": {"$ref": "#/$defs/text"},
            "source": {"$ref": "#/$defs/text"},
            "notes": {"$ref": "#/$defs/textList"},
            "weeks": {**count, "maximum": MAX_PROGRAMME_WEEKS},
            "entries": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_ENTRIES,
                "items": {"$ref": "#/$defs/programmeEntry"},
            },
        },
        "$defs": {**defs, "programmeEntry": entry},
    }


def _only(key: str, value: dict[str, Any]) -> dict[str, Any]:
    """A mapping with exactly the one field ``key``."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [key],
        "properties": {key: value},
    }
