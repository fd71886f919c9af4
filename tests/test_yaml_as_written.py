"""YAML as people write it: merge keys, YAML 1.1 numbers and words, tabs in text."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from test_loader import load, problems

from psoas_cli.config import load_defaults
from psoas_cli.durations import misread_number, parse_duration
from psoas_cli.errors import RoutineFileError
from psoas_cli.library.model import Exercise, HoldStep, Sides, StepKind
from psoas_cli.library.schema import routine_schema
from psoas_cli.library.yaml_reader import read_yaml


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


def hold_problems(hold: str, exercises: dict[str, Exercise]) -> list[str]:
    return problems(f"title: T\nsteps:\n  - {{exercise: couch-stretch, hold: {hold}}}\n", exercises)


@pytest.mark.parametrize(
    ("hold", "why"),
    [
        ("030", "030 starts with 0, which YAML reads as an octal number (030 is 24)"),
        ("0x1E", "0x1E is a hexadecimal number"),
        ("0o17", "0o17 is an octal number"),
        ("1_000", "1_000 has an underscore, which YAML drops (1_000 is 1000)"),
        ('"030"', "030 starts with 0, which YAML reads as an octal number (030 is 24)"),
    ],
)
def test_numbers_yaml_misreads_are_refused_as_durations(
    hold: str, why: str, exercises: dict[str, Exercise]
) -> None:
    """A duration YAML 1.1 would read as another number is refused, saying why."""
    assert hold_problems(hold, exercises) == [
        f"my.yaml:3:37: steps[0].hold: {why}; write seconds in decimal, like 30 or 30s"
    ]


@pytest.mark.parametrize(("hold", "seconds"), [("1:30", 90.0), ("0:45", 45.0), ('"1:30"', 90.0)])
def test_minutes_and_seconds_read_alike_quoted_or_not(
    hold: str, seconds: float, exercises: dict[str, Exercise]
) -> None:
    """m:ss is minutes and seconds however it is written, not YAML 1.1's base 60 guess."""
    routine = load(f"title: T\nsteps:\n  - {{exercise: couch-stretch, hold: {hold}}}\n", exercises)
    step = routine.steps[0]
    assert isinstance(step, HoldStep) and step.hold == seconds


@pytest.mark.parametrize(
    ("field", "word", "meaning"),
    [("tip", "yes", "true"), ("sides", "off", "false"), ("tip", "On", "true")],
)
def test_yaml_11_booleans_in_words_say_to_quote(
    field: str, word: str, meaning: str, exercises: dict[str, Exercise]
) -> None:
    """A word YAML reads as true or false says so and how to keep it a word."""
    found = problems(
        f"title: T\nsteps:\n  - exercise: couch-stretch\n    hold: 30s\n    {field}: {word}\n",
        exercises,
    )
    assert len(found) == 1
    assert found[0].startswith(f"my.yaml:5:{7 + len(field)}: steps[0].{field}: expected ")
    assert found[0].endswith(
        f'got {word}, which YAML reads as {meaning}; put it in quotes ("{word}") to mean the word'
    )


def test_y_and_n_stay_words(exercises: dict[str, Exercise]) -> None:
    """y and n are words here: the reader does not take them for true and false."""
    routine = load("title: T\nsteps:\n  - {rest: 5s, tip: n}\n  - {rest: 5s, tip: y}\n", exercises)
    assert [step.tip for step in routine.steps] == ["n", "y"]  # type: ignore[union-attr]


def test_readme_config_example_works_as_pasted(tmp_path: Path) -> None:
    """The README's config.yaml, with `yes: false` under run, loads as written."""
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("```yaml\nrun:\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "config.yaml"
    path.write_text("run:\n" + example, encoding="utf-8")
    defaults = load_defaults(path)
    assert defaults["run"]["yes"] is False
    assert defaults["run"]["history"] is True


@pytest.mark.parametrize(
    "text",
    [
        "45",
        "4.5",
        "45s",
        "2m",
        "1m30s",
        "1h",
        "1:30",
        "0:45",
        "1:02:03",
        "030",
        "0x1E",
        "1_000",
        "0o17",
        "1:5",
        "1:75",
        "thirty",
    ],
)
def test_parser_and_schema_agree_on_duration_text(text: str) -> None:
    """The schema's duration pattern accepts exactly the text the loader reads as a duration."""
    pattern = routine_schema()["$defs"]["duration"]["oneOf"][1]["pattern"]
    read = parse_duration(text) is not None and misread_number(text) is None
    assert (re.search(pattern, text) is not None) == read


def test_readme_names_the_clock_form() -> None:
    """The README's list of duration forms includes m:ss, with its meaning."""
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "`1:30` (1 min 30 s, quoted or not)" in " ".join(readme.split())


@pytest.mark.parametrize("style", ["|", ">"])
def test_a_tab_inside_a_block_scalar_is_text(style: str) -> None:
    """A tab that starts a line of block text, after its indentation, is read as text."""
    root = read_yaml(f"note: {style}\n  \tindented\n".encode(), "my.yaml")
    assert root is not None and root.pairs is not None
    assert root.pairs[0][1].value == "\tindented\n"


def test_a_tab_before_block_text_is_still_indentation() -> None:
    """A tab where the block's indentation should be is still named as indentation."""
    with pytest.raises(RoutineFileError) as caught:
        read_yaml(b"note: |\n\tindented\n", "my.yaml")
    assert str(caught.value) == (
        "my.yaml:2:1: a tab character is used for indentation; YAML needs spaces"
    )


def test_schema_steps_and_durations_carry_titles() -> None:
    """Editors name a wrong step or duration by its title, not only "Expected number"."""
    defs = routine_schema()["$defs"]
    steps = ["step", "alternative", *(f"{kind.value}Step" for kind in StepKind)]
    assert all(defs[name].get("title") for name in steps)
    duration = defs["duration"]
    assert duration["title"] == "a duration: 30, 30s, 2m or 1:30"
    assert all(branch["title"] == duration["title"] for branch in duration["oneOf"])
    assert "30, 30s, 2m or 1:30" in duration["description"]


@pytest.mark.parametrize(("reps", "why"), [("010", "010 starts with 0"), ("0x0A", "0x0A is a")])
def test_counts_yaml_misreads_are_refused(
    reps: str, why: str, exercises: dict[str, Exercise]
) -> None:
    """A count YAML 1.1 would read as another number (010 is 8) is refused too."""
    found = problems(
        f"title: T\nsteps:\n  - {{exercise: couch-stretch, reps: {reps}}}\n", exercises
    )
    assert len(found) == 1
    assert found[0].startswith(f"my.yaml:3:37: steps[0].reps: {why}")
    assert found[0].endswith("; write it in decimal, like 10")


def test_a_wrong_duration_names_every_form(exercises: dict[str, Exercise]) -> None:
    """The message for a wrong duration lists the same forms as the schema's title."""
    assert hold_problems("thirty", exercises) == [
        'my.yaml:3:37: steps[0].hold: expected a duration like 30, 30s, 2m or 1:30, got "thirty"'
    ]
