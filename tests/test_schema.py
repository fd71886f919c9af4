"""The shipped JSON Schema and the loader agree, so editors and psoas never disagree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from psoas_cli.library.index import builtin_folder
from psoas_cli.library.loader import BREATH_PATTERN_KEYS, EXERCISE_KEYS, ROUTINE_KEYS, STEP_KEYS
from psoas_cli.library.model import StepKind
from psoas_cli.library.schema import exercise_schema, routine_schema

ROUTINE_FILES = sorted(p.name for p in Path(builtin_folder()).iterdir() if p.name.endswith(".yaml"))
EXERCISE_FILES = sorted(p.name for p in (Path(builtin_folder()) / "exercises").iterdir())


def test_schema_is_valid_json_schema() -> None:
    """Both schemas are themselves valid draft 2020-12 schemas."""
    jsonschema.Draft202012Validator.check_schema(routine_schema())
    jsonschema.Draft202012Validator.check_schema(exercise_schema())


def test_schema_fields_match_loader_fields() -> None:
    """Every field the loader reads is in the schema and the schema has no others."""
    schema = routine_schema()
    defs: dict[str, Any] = schema["$defs"]
    assert set(schema["properties"]) == ROUTINE_KEYS
    assert set(defs["exercise"]["properties"]) == EXERCISE_KEYS
    assert set(defs["breathPattern"]["properties"]) == BREATH_PATTERN_KEYS
    for kind, keys in STEP_KEYS.items():
        assert set(defs[f"{kind.value}Step"]["properties"]) == keys, kind


def test_every_step_kind_has_its_fields() -> None:
    """The loader lists fields for each kind of step, so the schema check covers every kind."""
    assert set(STEP_KEYS) == set(StepKind)


@pytest.mark.parametrize("filename", ROUTINE_FILES)
def test_builtin_routines_pass_the_schema(filename: str) -> None:
    """Every built-in routine file is valid under the shipped schema."""
    data = yaml.safe_load((Path(builtin_folder()) / filename).read_text(encoding="utf-8"))
    jsonschema.validate(data, routine_schema())


@pytest.mark.parametrize("filename", EXERCISE_FILES)
def test_builtin_exercises_pass_the_schema(filename: str) -> None:
    """Every built-in exercise file is valid under the exercise schema."""
    data = yaml.safe_load(
        (Path(builtin_folder()) / "exercises" / filename).read_text(encoding="utf-8")
    )
    jsonschema.validate(data, exercise_schema())


@pytest.mark.parametrize(
    "routine",
    [
        {"title": "T"},
        {"title": "T", "steps": []},
        {"title": "T", "steps": [{"exercise": "x", "hold": "thirty"}]},
        {"title": "T", "steps": [{"exercise": "x", "hold": 30, "reps": 3}]},
        {"title": "T", "steps": [{"exercise": "x", "breath": {"inhale": 5, "exhale": 5}}]},
        {"title": "T", "steps": [{"exercise": "x", "hold": 30, "sides": "alternate"}]},
        {"title": "T", "levl": "beginner", "steps": [{"rest": 5}]},
    ],
)
def test_schema_rejects_what_the_loader_rejects(routine: dict[str, Any]) -> None:
    """Typical mistakes are flagged by the schema too, so an editor shows them while typing."""
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(routine, routine_schema())
