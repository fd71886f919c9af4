"""YAML as people write it: merge keys, YAML 1.1 numbers and words, tabs in text."""

from __future__ import annotations

import time
from textwrap import dedent

import pytest

from psoas_cli.errors import RoutineFileError
from psoas_cli.library.loader import parse_routine
from psoas_cli.library.model import Exercise, HoldStep, Routine, Sides


def load(text: str, exercises: dict[str, Exercise]) -> Routine:
    return parse_routine(dedent(text).encode(), "my.yaml", exercises, "my")


def problems(text: str, exercises: dict[str, Exercise]) -> list[str]:
    with pytest.raises(RoutineFileError) as caught:
        load(text, exercises)
    return [str(p) for p in caught.value.problems]


def test_merge_key_copies_fields_and_explicit_keys_win(exercises: dict[str, Exercise]) -> None:
    """`<<: *base` brings in the base step's fields; a field written in the step wins."""
    routine = load(
        """\
        title: T
        steps:
          - &base {exercise: couch-stretch, hold: 30s, sides: both}
          - <<: *base
            hold: 45s
        """,
        exercises,
    )
    first, second = routine.steps
    assert isinstance(first, HoldStep) and isinstance(second, HoldStep)
    assert (second.hold, second.sides, second.exercise) == (45.0, Sides.BOTH, first.exercise)


def test_merge_key_takes_a_list_and_the_first_map_wins(exercises: dict[str, Exercise]) -> None:
    """`<<: [*a, *b]` merges both; where they share a key, the earlier one wins."""
    routine = load(
        """\
        title: T
        steps:
          - &a {exercise: couch-stretch, hold: 20s}
          - &b {exercise: psoas-march, hold: 40s, sides: left}
          - <<: [*a, *b]
        """,
        exercises,
    )
    third = routine.steps[2]
    assert isinstance(third, HoldStep)
    assert (third.exercise.id, third.hold, third.sides) == ("couch-stretch", 20.0, Sides.LEFT)


def test_merge_key_needs_a_mapping(exercises: dict[str, Exercise]) -> None:
    """Merging a text or a list of texts is a located error with the field path."""
    found = problems("title: T\nsteps:\n  - exercise: couch-stretch\n    <<: 30s\n", exercises)
    assert found == [
        "my.yaml:4:9: steps[0].<<: a merge key (<<) takes a mapping or a list of mappings, "
        "like <<: *base; got text"
    ]


def test_merged_values_count_against_the_budget(exercises: dict[str, Exercise]) -> None:
    """A chain of merges that would copy a huge number of fields is refused, quickly."""
    lines = ["title: T", "steps:", "  - &m0 {k0: 0}"]
    lines += [f"  - &m{i} {{<<: *m{i - 1}, k{i}: {i}}}" for i in range(1, 3000)]
    start = time.perf_counter()
    with pytest.raises(RoutineFileError) as caught:
        load("\n".join(lines) + "\n", exercises)
    assert time.perf_counter() - start < 2.0
    assert "merge keys copy more than" in str(caught.value)
