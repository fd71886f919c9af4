"""Routine and exercise files become model values, or every problem in them is reported."""

from __future__ import annotations

import time
from textwrap import dedent

import pytest

from psoas_cli.errors import RoutineFileError
from psoas_cli.library.loader import parse_exercise, parse_routine
from psoas_cli.library.model import (
    BreathPattern,
    BreathStep,
    Exercise,
    HoldStep,
    Level,
    MoveStep,
    NoteStep,
    RepsStep,
    RestStep,
    Routine,
    Sides,
    StepKind,
)


def load(text: str, exercises: dict[str, Exercise], name: str = "my") -> Routine:
    return parse_routine(dedent(text).encode(), "my.yaml", exercises, name)


def problems(text: str, exercises: dict[str, Exercise]) -> list[str]:
    with pytest.raises(RoutineFileError) as caught:
        load(text, exercises)
    return [str(p) for p in caught.value.problems]


def test_complete_routine_loads(exercises: dict[str, Exercise]) -> None:
    """Every step kind and field reads into the model with its values."""
    routine = load(
        """
        name: full
        title: Full
        description: All of it.
        source: Somewhere
        level: intermediate
        equipment: mat
        tags: [a, b]
        safety: [Be careful.]
        frequency: Daily
        steps:
          - exercise: couch-stretch
            hold: 1m30s
            sides: both
            sets: 2
            rest: 15
            tip: Tuck.
            dose_note: Ours.
          - exercise: diaphragm-breathing-360
            breath: {inhale: 4, hold_in: 2, exhale: 6, hold_out: 1}
            duration: 2m
          - exercise: psoas-march
            reps: 10
            sets: 3
            sides: alternate
            tempo: 2s
            rest: 30s
          - rest: 45s
            tip: Drink water.
          - note: Move to the wall.
        """,
        exercises,
    )
    assert routine.level is Level.INTERMEDIATE
    assert routine.equipment == ("mat",)
    steps = routine.steps
    assert steps[0] == HoldStep(
        exercise=exercises["couch-stretch"],
        hold=90.0,
        sides=Sides.BOTH,
        sets=2,
        rest=15.0,
        tip="Tuck.",
        dose_note="Ours.",
    )
    assert steps[1] == BreathStep(
        exercise=exercises["diaphragm-breathing-360"],
        pattern=BreathPattern(inhale=4, hold_in=2, exhale=6, hold_out=1),
        duration=120.0,
    )
    assert steps[2] == RepsStep(
        exercise=exercises["psoas-march"],
        reps=10,
        sets=3,
        sides=Sides.ALTERNATE,
        tempo=2.0,
        rest=30.0,
    )
    assert steps[3] == RestStep(duration=45.0, tip="Drink water.")
    assert steps[4] == NoteStep(text="Move to the wall.", duration=10.0)


def test_each_step_knows_the_kind_its_file_named(exercises: dict[str, Exercise]) -> None:
    """A step's kind is the field that named it, also where rest is a field of another kind."""
    routine = load(
        """
        title: T
        steps:
          - {exercise: couch-stretch, hold: 30s, sets: 2, rest: 10s}
          - {exercise: front-abdominal-release, move: 90s, action: roll, sets: 2, rest: 10s}
          - {exercise: diaphragm-breathing-360, breath: {inhale: 4, exhale: 6}, cycles: 3}
          - {exercise: psoas-march, reps: 10, sets: 2, rest: 10s}
          - {rest: 45s}
          - {note: Move to the wall.}
        """,
        exercises,
    )
    assert [step.kind for step in routine.steps] == list(StepKind)


def test_a_move_step_runs_for_a_time_and_says_its_movement(
    exercises: dict[str, Exercise],
) -> None:
    """move: is timed like a hold; its action word defaults to 'move' and must be one word."""
    routine = load(
        """
        title: T
        steps:
          - {exercise: front-abdominal-release, move: 90s, action: pivot, sides: both}
          - {exercise: front-abdominal-release, move: 1m}
        """,
        exercises,
    )
    pivot, plain_move = routine.steps
    assert isinstance(pivot, MoveStep) and isinstance(plain_move, MoveStep)
    assert (pivot.move, pivot.action, pivot.sides) == (90.0, "pivot", Sides.BOTH)
    assert (plain_move.move, plain_move.action) == (60.0, "move")
    bad = """
        title: T
        steps:
          - {exercise: front-abdominal-release, move: 1m, action: Roll it, hold: 3s}
        """
    assert problems(bad, exercises) == [
        "my.yaml:4:5: steps[0]: a step is one kind of work; this one has hold and move"
    ]
    assert problems(bad.replace(", hold: 3s", ""), exercises) == [
        "my.yaml:4:59: steps[0].action: 'Roll it' should be one lowercase word of at most 12 "
        "letters, such as roll or pivot: it is shown large while the step runs"
    ]


def test_a_step_may_carry_another_option_for_some_people(
    exercises: dict[str, Exercise],
) -> None:
    """alternative: is another exercise step with when; it cannot nest or be a rest."""
    routine = load(
        """
        title: T
        steps:
          - exercise: kneeling-psoas-stretch
            hold: 90s
            alternative:
              when: your back arches
              exercise: overhead-kneeling-psoas-stretch
              breath: {inhale: 4, exhale: 6}
              cycles: 4
        """,
        exercises,
    )
    (step,) = routine.steps
    assert isinstance(step, HoldStep) and step.alternative is not None
    assert step.alternative.when == "your back arches"
    assert isinstance(step.alternative.step, BreathStep)
    assert [e.id for e in routine.exercises] == [
        "kneeling-psoas-stretch",
        "overhead-kneeling-psoas-stretch",
    ]
    bad = """
        title: T
        steps:
          - exercise: kneeling-psoas-stretch
            hold: 90s
            alternative:
              exercise: couch-stretch
              hold: 30s
              alternative: {exercise: couch-stretch, hold: 3s, when: x}
          - exercise: couch-stretch
            hold: 30s
            alternative: {rest: 30s, when: tired}
          - rest: 10s
            alternative: {exercise: couch-stretch, hold: 3s, when: x}
        """
    assert problems(bad, exercises) == [
        "my.yaml:7:7: steps[0].alternative.when: required field is missing",
        "my.yaml:9:20: steps[0].alternative.alternative: an alternative cannot have an alternative",
        "my.yaml:12:18: steps[1].alternative: an alternative is an exercise to do instead: "
        "a hold, move, breath or reps",
        "my.yaml:14:18: steps[2].alternative: belongs to breath or hold or move or reps steps, "
        "not to a rest step",
    ]


def test_name_defaults_to_file_name(exercises: dict[str, Exercise]) -> None:
    """A routine without a name field is called by its file name."""
    routine = load("title: T\nsteps: [{rest: 10}]\n", exercises, name="evening")
    assert routine.name == "evening"


def test_exercise_alias_resolves(exercises: dict[str, Exercise]) -> None:
    """A step may name an exercise by one of its aliases."""
    routine = load(
        "title: T\nsteps:\n  - exercise: half-kneeling-lunge\n    hold: 20s\n", exercises
    )
    assert routine.exercises[0].id == "kneeling-hip-flexor-stretch"


def test_inline_exercise(exercises: dict[str, Exercise]) -> None:
    """A routine may define its own exercise inline; its id comes from its name."""
    routine = load(
        """
        title: T
        steps:
          - exercise: {name: Wall lean, steps: [Lean on the wall.], stop_signs: [Pain]}
            hold: 20s
        """,
        exercises,
    )
    (exercise,) = routine.exercises
    assert (exercise.id, exercise.steps, exercise.stop_signs) == (
        "wall-lean",
        ("Lean on the wall.",),
        ("Pain",),
    )


def test_an_inline_name_without_letters_or_digits_is_a_problem(
    exercises: dict[str, Exercise],
) -> None:
    """A name like '!!!' gives no id; that is reported at the name, not silently dropped."""
    text = """
        title: T
        steps:
          - exercise: {name: "!!!"}
            hold: 20s
        """
    assert problems(text, exercises) == [
        "my.yaml:4:22: steps[0].exercise.name: needs a letter or digit to name the exercise "
        "by; or give an id"
    ]


def test_error_format_matches_the_documented_example(exercises: dict[str, Exercise]) -> None:
    """A bad duration reads file:line:column: field path: what was expected and what was found."""
    text = """\
    title: T
    steps:
      - rest: 10
      - rest: 10
      - exercise: couch-stretch
        hold: thirty
    """
    assert problems(text, exercises) == [
        'my.yaml:6:11: steps[2].hold: expected a duration like 30, 30s, 2m or 1:30, got "thirty"'
    ]


def test_wrong_types(exercises: dict[str, Exercise]) -> None:
    """Values of the wrong type are each named with what was expected."""
    text = """\
    title: [not, text]
    tags: {a: 1}
    level: 3
    steps:
      - exercise: psoas-march
        reps: ten
        sets: 2.5
        sides: true
    """
    assert problems(text, exercises) == [
        "my.yaml:1:8: title: expected text, got a list",
        "my.yaml:2:7: tags: expected text, got a mapping",
        "my.yaml:3:8: level: expected one of beginner, intermediate, advanced, got 3",
        'my.yaml:6:11: steps[0].reps: expected a whole number, got "ten"',
        "my.yaml:7:11: steps[0].sets: expected a whole number, got 2.5",
        "my.yaml:8:12: steps[0].sides: expected one of none, left, right, both, alternate, got true",
    ]


def test_missing_required_fields(exercises: dict[str, Exercise]) -> None:
    """Missing title, steps and exercise are each reported where they should be."""
    assert problems("description: nothing else\n", exercises) == [
        "my.yaml:1:1: title: required field is missing",
        "my.yaml:1:1: steps: required field is missing",
    ]
    assert problems("title: T\nsteps:\n  - hold: 30s\n", exercises) == [
        "my.yaml:3:5: steps[0].exercise: required field is missing"
    ]


def test_unknown_keys_suggest_the_closest(exercises: dict[str, Exercise]) -> None:
    """Misspelt fields are reported with a 'did you mean' hint."""
    text = """\
    title: T
    descripton: typo
    steps:
      - exercise: couch-stretch
        hodl: 30s
        hold: 30s
        colour: red
    """
    assert problems(text, exercises) == [
        "my.yaml:2:1: descripton: unknown field for a routine; did you mean 'description'?",
        "my.yaml:5:5: steps[0].hodl: unknown field for a hold step; did you mean 'hold'?",
        "my.yaml:7:5: steps[0].colour: unknown field for a hold step",
    ]


def test_unknown_exercise_suggests_closest_id(exercises: dict[str, Exercise]) -> None:
    """An exercise id that does not exist gets the closest real id."""
    text = "title: T\nsteps:\n  - exercise: couch-strech\n    hold: 30s\n"
    assert problems(text, exercises) == [
        "my.yaml:3:15: steps[0].exercise: no exercise named 'couch-strech'; "
        "did you mean 'couch-stretch'?"
    ]


@pytest.mark.parametrize(
    ("hold", "message"),
    [
        ("0", "must be more than 0 s, got 0"),
        ("-5s", 'expected a duration like 30, 30s, 2m or 1:30, got "-5s"'),
        ("-5", "must be more than 0 s, got -5"),
        ("3h", "3 h is too long; the most here is 1 h"),
        ("61m", "1 h 1 min is too long; the most here is 1 h"),
    ],
)
def test_zero_negative_and_absurd_durations(
    exercises: dict[str, Exercise], hold: str, message: str
) -> None:
    """A hold of zero, below zero or of hours is refused with the limit named."""
    text = f"title: T\nsteps:\n  - exercise: couch-stretch\n    hold: {hold}\n"
    assert problems(text, exercises) == [f"my.yaml:4:11: steps[0].hold: {message}"]


def test_breath_cycles_and_duration_contradict(exercises: dict[str, Exercise]) -> None:
    """Breath work takes cycles or a duration, never both, and needs one of them."""
    both = """\
    title: T
    steps:
      - exercise: diaphragm-breathing-360
        breath: {inhale: 5, exhale: 5}
        cycles: 6
        duration: 1m
      - exercise: diaphragm-breathing-360
        breath: {inhale: 5, exhale: 5}
    """
    assert problems(both, exercises) == [
        "my.yaml:3:5: steps[0]: give either cycles or duration for breath work, not both",
        "my.yaml:7:5: steps[1]: breath work needs cycles (how many breaths) or duration",
    ]


def test_other_contradictions(exercises: dict[str, Exercise]) -> None:
    """Two kinds in one step, a field of another kind, and rest without sets are refused."""
    text = """\
    title: T
    steps:
      - exercise: couch-stretch
        hold: 30s
        reps: 10
      - exercise: couch-stretch
        hold: 30s
        tempo: 2s
      - exercise: couch-stretch
        hold: 30s
        rest: 10s
      - exercise: diaphragm-breathing-360
        breath: {inhale: 5, exhale: 5}
        duration: 4s
    """
    assert problems(text, exercises) == [
        "my.yaml:3:5: steps[0]: a step is one kind of work; this one has hold and reps",
        "my.yaml:8:12: steps[1].tempo: belongs to reps steps, not to a hold step",
        "my.yaml:11:11: steps[2].rest: rest is the pause between sets, and this step has one "
        "set; add sets, or make the rest its own step",
        "my.yaml:14:15: steps[3].duration: shorter than one breath (10 s)",
    ]


def test_alternate_sides_only_for_reps(exercises: dict[str, Exercise]) -> None:
    """Alternating sides makes sense for reps only."""
    text = "title: T\nsteps:\n  - exercise: couch-stretch\n    hold: 30s\n    sides: alternate\n"
    assert problems(text, exercises) == [
        'my.yaml:5:12: steps[0].sides: expected one of none, left, right, both, got "alternate"'
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "my.yaml:1:1: the file is empty"),
        ("# nothing\n", "my.yaml:1:1: the file is empty"),
        ("- a\n- b\n", "my.yaml:1:1: the top level must be a mapping of fields, got a list"),
        ("just text\n", "my.yaml:1:1: the top level must be a mapping of fields, got text"),
        ("42\n", "my.yaml:1:1: the top level must be a mapping of fields, got a number"),
        ("title: T\nsteps: []\n", "my.yaml:2:8: steps: a routine needs at least one step"),
        ("title: T\nsteps:\n", "my.yaml:2:7: steps: expected a list of steps, got nothing"),
        (
            "title: T\nsteps:\n  - {}\n",
            "my.yaml:3:5: steps[0]: a step needs one of hold, move, breath, reps, rest or note",
        ),
        (
            "title: T\nsteps:\n\t- rest: 3\n",
            "my.yaml:3:1: a tab character is used for indentation; YAML needs spaces",
        ),
        (
            "title: T\ntitle: U\nsteps: [{rest: 3}]\n",
            "my.yaml:2:1: title: field appears twice (first on line 1)",
        ),
        (
            "name: Daily Routine\ntitle: T\nsteps: [{rest: 3}]\n",
            "my.yaml:1:7: name: 'Daily Routine' must be lowercase letters, digits and dashes "
            "(at most 60), like daily-10min",
        ),
    ],
)
def test_file_level_problems(exercises: dict[str, Exercise], text: str, message: str) -> None:
    """Empty files, wrong top levels, empty step lists, tabs and repeats each get one message."""
    assert problems(text, exercises) == [message]


def test_wrong_shared_fields_do_not_hide_the_kinds_own(exercises: dict[str, Exercise]) -> None:
    """A wrong exercise, tip, sides or dose note still lets hold, breath and reps be checked."""
    text = """\
    title: T
    steps:
      - exercise: nope
        hold: 0
        tip: 5
      - exercise: couch-stretch
        sides: sideways
        breath: {inhale: 0, exhale: 4}
        cycles: 0
      - exercise: psoas-march
        dose_note: [a]
        reps: 0
    """
    assert problems(text, exercises) == [
        "my.yaml:3:15: steps[0].exercise: no exercise named 'nope'",
        "my.yaml:4:11: steps[0].hold: must be more than 0 s, got 0",
        "my.yaml:5:10: steps[0].tip: expected text, got 5",
        'my.yaml:7:12: steps[1].sides: expected one of none, left, right, both, got "sideways"',
        "my.yaml:8:22: steps[1].breath.inhale: must be more than 0 s, got 0",
        "my.yaml:9:13: steps[1].cycles: must be between 1 and 500, got 0",
        "my.yaml:11:16: steps[2].dose_note: expected text, got a list",
        "my.yaml:12:11: steps[2].reps: must be between 1 and 500, got 0",
    ]


def test_every_problem_is_reported_in_file_order(exercises: dict[str, Exercise]) -> None:
    """Problems across the whole file come together, sorted by position."""
    text = """\
    title: T
    steps:
      - exercise: nope
        hold: 30s
      - exercise: couch-stretch
        hold: 0
      - rest: forever
    levl: x
    """
    found = problems(text, exercises)
    assert [p.split(":")[1] for p in found] == ["3", "6", "7", "8"]


def test_python_tag_in_routine_is_refused(exercises: dict[str, Exercise]) -> None:
    """safe reading only: an object tag is a located error."""
    assert problems("title: !!python/name:os.system\nsteps: [{rest: 3}]\n", exercises) == [
        "my.yaml:1:8: unsupported YAML tag !!python/name:os.system; "
        "only plain text, numbers, lists and mappings are read"
    ]


def test_alias_expansion_is_bounded(exercises: dict[str, Exercise]) -> None:
    """Aliases that multiply work are stopped with a message, quickly."""
    big = ", ".join(f'"line {i}"' for i in range(2000))
    lines = [
        "title: T",
        f"x: &s {{exercise: {{name: Big, steps: [{big}]}}, hold: 30s}}",
        "steps: [" + ", ".join(["*s"] * 2000) + "]",
    ]
    start = time.perf_counter()
    found = problems("\n".join(lines) + "\n", exercises)
    assert time.perf_counter() - start < 1.0
    assert "aliases expand to more than 100,000 values; stopped reading" in found[-1]


def test_exercise_file_loads_and_requires_id() -> None:
    """Exercise files need an id and a name; lists accept a single line of text."""
    exercise = parse_exercise(
        b"id: wall-sit\nname: Wall sit\nsteps: Sit against the wall.\nstop_signs: [Knee pain]\n",
        "wall-sit.yaml",
    )
    assert exercise == Exercise(
        id="wall-sit", name="Wall sit", steps=("Sit against the wall.",), stop_signs=("Knee pain",)
    )
    with pytest.raises(RoutineFileError) as caught:
        parse_exercise(b"name: Wall sit\nstop_sign: [x]\n", "e.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "e.yaml:1:1: id: required field is missing",
        "e.yaml:2:1: stop_sign: unknown field for an exercise; did you mean 'stop_signs'?",
    ]


def test_empty_or_misshapen_move_and_alternative_fields_are_named(
    exercises: dict[str, Exercise],
) -> None:
    """An empty action or when, a list as the alternative and a zero move each get a line."""
    text = """
        title: T
        steps:
          - {exercise: couch-stretch, move: 10, action: ""}
          - {exercise: couch-stretch, hold: 10, alternative: []}
          - {exercise: couch-stretch, hold: 10, alternative: {when: "", exercise: couch-stretch, hold: 5}}
          - {exercise: couch-stretch, move: 0}
        """
    assert problems(text, exercises) == [
        "my.yaml:4:49: steps[0].action: must not be empty",
        "my.yaml:5:54: steps[1].alternative: expected a step to do instead, with when, got a list",
        "my.yaml:6:61: steps[2].alternative.when: must not be empty",
        "my.yaml:7:37: steps[3].move: must be more than 0 s, got 0",
    ]
