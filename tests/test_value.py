"""The model's values stay frozen, typed dataclasses that compare by class and fields."""

from __future__ import annotations

import dataclasses

import pytest

from psoas_cli.library.model import BreathPattern, Exercise, HoldStep, MoveStep, RestStep


def test_values_cannot_be_changed() -> None:
    """Assigning or deleting a field fails as on any frozen dataclass."""
    pattern = BreathPattern(inhale=4, exhale=6)
    with pytest.raises(dataclasses.FrozenInstanceError):
        pattern.inhale = 5  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del pattern.exhale


def test_equal_fields_make_equal_values_of_one_class_only() -> None:
    """Same fields and class: equal and hashed alike; a hold and a move are never equal."""
    couch = Exercise(id="couch", name="Couch stretch")
    assert HoldStep(exercise=couch, hold=30) == HoldStep(exercise=couch, hold=30.0)
    assert hash(HoldStep(exercise=couch, hold=30)) == hash(HoldStep(exercise=couch, hold=30))
    assert HoldStep(exercise=couch, hold=30) != HoldStep(exercise=couch, hold=45)
    assert RestStep(duration=30) != HoldStep(exercise=couch, hold=30)
    assert MoveStep(exercise=couch, move=30) != HoldStep(exercise=couch, hold=30)


def test_replace_and_repr_work_as_for_any_dataclass() -> None:
    """dataclasses.replace makes a changed copy; repr names the class and every field."""
    rest = RestStep(duration=30)
    assert dataclasses.replace(rest, duration=45) == RestStep(duration=45)
    assert repr(rest) == "RestStep(duration=30, tip='')"
