"""Whatever bytes arrive, the loader returns a routine or the project's own error."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psoas_cli.errors import RoutineFileError
from psoas_cli.library.loader import parse_exercise, parse_routine
from psoas_cli.library.model import Exercise, Routine

pytestmark = pytest.mark.slow

FIELD_NAMES = st.sampled_from(
    [
        "name",
        "title",
        "steps",
        "exercise",
        "hold",
        "breath",
        "reps",
        "sets",
        "sides",
        "rest",
        "tempo",
        "cycles",
        "duration",
        "inhale",
        "exhale",
        "note",
        "id",
        "level",
        "tags",
        "x",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(["30s", "2m", "1m30s", "couch-stretch", "both", "0"]),
)
STRUCTURES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(FIELD_NAMES, children, max_size=6)
    ),
    max_leaves=40,
)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(data: bytes, exercises: dict[str, Exercise]) -> object:
    """The loader's result, or its error after checking every problem is located."""
    try:
        return parse_routine(data, "fuzz.yaml", exercises, "fuzz")
    except RoutineFileError as exc:
        error = exc
    assert error.problems
    assert all(p.line >= 1 and p.column >= 1 for p in error.problems)
    return error


@SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes(data: bytes) -> None:
    """Random bytes give a routine or a located RoutineFileError, never anything else."""
    exercises: dict[str, Exercise] = {}
    assert isinstance(outcome(data, exercises), Routine | RoutineFileError)


@SETTINGS
@given(st.text(max_size=400))
def test_arbitrary_text(text: str) -> None:
    """Random text gives a routine or a located RoutineFileError."""
    assert isinstance(
        outcome(text.encode("utf-8", "surrogatepass"), {}), Routine | RoutineFileError
    )


@SETTINGS
@given(STRUCTURES)
def test_arbitrary_yaml_structures(value: Any) -> None:
    """Any YAML structure, near-valid or not, gives a routine or a located error."""
    data = yaml.safe_dump(value, allow_unicode=True).encode()
    exercises = {"couch-stretch": Exercise(id="couch-stretch", name="Couch stretch")}
    assert isinstance(outcome(data, exercises), Routine | RoutineFileError)


@SETTINGS
@given(st.dictionaries(FIELD_NAMES, STRUCTURES, max_size=8))
def test_arbitrary_exercise_files(value: dict[str, Any]) -> None:
    """Exercise files obey the same rule: an Exercise or a located error."""
    data = yaml.safe_dump(value, allow_unicode=True).encode()
    try:
        result: object = parse_exercise(data, "fuzz.yaml")
    except RoutineFileError as exc:
        result = exc.problems
    assert isinstance(result, Exercise) or (isinstance(result, tuple) and result)
