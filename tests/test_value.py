"""Values are frozen, typed, compare by class and fields, and cost no generated code."""

from __future__ import annotations

import subprocess
import sys
from typing import ClassVar

import pytest

from psoas_cli.library.model import BreathPattern, Exercise, HoldStep, MoveStep, RestStep
from psoas_cli.value import FrozenValueError, Value, as_dict, replace


class Point(Value, kw_only=False):
    """Two numbers that may be given in order."""

    x: int
    y: int = 0


class Pair(Value, kw_only=False):
    """The same fields as Point under another name."""

    x: int
    y: int = 0


class Labelled(Point):
    """A point with a name: its fields follow the point's."""

    label: str = ""
    kind: ClassVar[str] = "labelled"


def test_values_cannot_be_changed() -> None:
    """Assigning or deleting a field fails at run time, and mypy refuses the assignment."""
    pattern = BreathPattern(inhale=4, exhale=6)
    with pytest.raises(FrozenValueError):
        pattern.inhale = 5  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del pattern.exhale
    assert pattern == BreathPattern(inhale=4, exhale=6)


def test_equal_fields_make_equal_values_of_one_class_only() -> None:
    """Same fields and class: equal and hashed alike; a hold and a move are never equal."""
    couch = Exercise(id="couch", name="Couch stretch")
    assert HoldStep(exercise=couch, hold=30) == HoldStep(exercise=couch, hold=30.0)
    assert hash(HoldStep(exercise=couch, hold=30)) == hash(HoldStep(exercise=couch, hold=30))
    assert HoldStep(exercise=couch, hold=30) != HoldStep(exercise=couch, hold=45)
    assert RestStep(duration=30) != HoldStep(exercise=couch, hold=30)
    assert MoveStep(exercise=couch, move=30) != HoldStep(exercise=couch, hold=30)


def test_values_are_not_tuples_and_other_classes_differ() -> None:
    """Unlike NamedTuples, a value equals neither a tuple nor another class's same fields."""
    assert Point(1, 2) != Pair(1, 2)
    assert Point(1, 2) != (1, 2)
    assert len({Point(1, 2), Point(x=1, y=2), Pair(1, 2)}) == 2


def test_replace_and_repr_work_as_for_a_dataclass() -> None:
    """replace makes a changed copy and refuses unknown names; repr shows every field."""
    rest = RestStep(duration=30)
    assert replace(rest, duration=45) == RestStep(duration=45)
    assert rest == RestStep(duration=30)
    assert repr(rest) == "RestStep(duration=30, tip='')"
    with pytest.raises(TypeError, match="unexpected keyword argument 'seconds'"):
        replace(rest, seconds=45)


def test_missing_and_unknown_fields_are_named() -> None:
    """A missing or unknown keyword is a TypeError naming it, as a dataclass gives."""
    with pytest.raises(TypeError, match="missing 2 required keyword-only arguments: 'id', 'name'"):
        Exercise()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        Exercise(id="couch", name="Couch stretch", colour="red")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="takes 1 positional arguments but 2 were given"):
        RestStep(30)  # type: ignore[call-arg]


def test_fields_in_order_for_classes_that_allow_it() -> None:
    """A kw_only=False class takes fields in order, but not too many or any twice."""
    assert Point(3) == Point(x=3, y=0)
    with pytest.raises(TypeError, match="takes 3 positional arguments but 4 were given"):
        Point(1, 2, 3)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="multiple values for argument 'x'"):
        Point(1, x=2)  # type: ignore[misc]


def test_subclasses_add_fields_after_their_bases() -> None:
    """Inherited fields come first, defaults are inherited, class variables are not fields."""
    point = Labelled(1, label="hip")
    assert list(as_dict(point)) == ["x", "y", "label"]
    assert as_dict(point) == {"x": 1, "y": 0, "label": "hip"}
    assert repr(point) == "Labelled(x=1, y=0, label='hip')"
    assert point != Point(1)


def test_shared_mutable_or_binding_defaults_are_refused() -> None:
    """A list default, or a function that would become a method, is refused when declared."""
    with pytest.raises(ValueError, match="mutable default"):

        class Bad(Value):
            items: list[int] = []  # noqa: RUF012 - the mistake under test

    with pytest.raises(ValueError, match="would bind"):

        class Worse(Value):
            pick: object = str.upper


def test_declaring_values_loads_no_dataclass_machinery() -> None:
    """The engine, plan, catalog and history store import without dataclasses or typing_extensions."""
    modules = "psoas_cli.run.engine, psoas_cli.library.catalog, psoas_cli.history.stats"
    probe = f"import sys, {modules}; print(sorted({{'dataclasses', 'typing_extensions'}} & set(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
