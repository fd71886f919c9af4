"""The domain: exercises, routines and their steps, as immutable values.

Pure data with no I/O, so the loader, the plan and every renderer share one vocabulary.
"""

from __future__ import annotations

from enum import Enum
from typing import ClassVar

from psoas_cli.value import Value


class Sides(Enum):
    """How a step uses the body's two sides."""

    NONE = "none"
    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"
    ALTERNATE = "alternate"


class Side(Enum):
    """The side being worked right now."""

    LEFT = "left"
    RIGHT = "right"


class StepKind(Enum):
    """The kinds of step a routine holds, by the name files and --json give them."""

    HOLD = "hold"
    MOVE = "move"
    BREATH = "breath"
    REPS = "reps"
    REST = "rest"
    NOTE = "note"


class Level(Enum):
    """Who a routine is written for."""

    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class SelfCheck(Value):
    """A question put after a test exercise, per side, whose answers history compares.

    The answers keep their order (best first), so a result can be compared with another side
    or another week by its position as well as its words.
    """

    question: str
    answers: tuple[str, ...]


class Exercise(Value):
    """One movement, described once and referred to by id from any routine."""

    id: str
    name: str
    summary: str = ""
    aliases: tuple[str, ...] = ()
    setup: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    mistakes: tuple[str, ...] = ()
    stop_signs: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    target: tuple[str, ...] = ()
    dose: str = ""
    source: str = ""
    check: SelfCheck | None = None


class BreathPattern(Value):
    """One breath cycle in seconds; a zero hold means no hold."""

    inhale: float
    hold_in: float = 0.0
    exhale: float
    hold_out: float = 0.0

    @property
    def cycle(self) -> float:
        """Seconds for one full breath."""
        return self.inhale + self.hold_in + self.exhale + self.hold_out


class HoldStep(Value):
    """A timed position, per side or not, possibly in several sets."""

    kind: ClassVar[StepKind] = StepKind.HOLD

    exercise: Exercise
    hold: float
    sides: Sides = Sides.NONE
    sets: int = 1
    rest: float = 0.0
    tip: str = ""
    dose_note: str = ""
    alternative: Alternative | None = None


DEFAULT_ACTION = "move"
"""What a move step says it is doing when its file does not name the movement."""


class MoveStep(Value):
    """Movement for a time, such as rolling over a ball: timed like a hold, but not still.

    ``action`` is the one word shown and said while it runs (ROLL, PIVOT), so nobody is told
    to hold still while they are meant to move.
    """

    kind: ClassVar[StepKind] = StepKind.MOVE

    exercise: Exercise
    move: float
    action: str = DEFAULT_ACTION
    sides: Sides = Sides.NONE
    sets: int = 1
    rest: float = 0.0
    tip: str = ""
    dose_note: str = ""
    alternative: Alternative | None = None


class BreathStep(Value):
    """Breath-paced work, for a number of cycles or for a duration filled with whole cycles."""

    kind: ClassVar[StepKind] = StepKind.BREATH

    exercise: Exercise
    pattern: BreathPattern
    cycles: int | None = None
    duration: float | None = None
    sides: Sides = Sides.NONE
    tip: str = ""
    dose_note: str = ""
    alternative: Alternative | None = None


class RepsStep(Value):
    """Counted repetitions: timed by a tempo, or self-paced when there is none."""

    kind: ClassVar[StepKind] = StepKind.REPS

    exercise: Exercise
    reps: int
    sets: int = 1
    sides: Sides = Sides.NONE
    tempo: float | None = None
    rest: float = 0.0
    tip: str = ""
    dose_note: str = ""
    alternative: Alternative | None = None


class RestStep(Value):
    """A pause between exercises."""

    kind: ClassVar[StepKind] = StepKind.REST

    duration: float
    tip: str = ""


class NoteStep(Value):
    """A short instruction shown on its own, such as moving to a wall."""

    kind: ClassVar[StepKind] = StepKind.NOTE

    text: str
    duration: float


ExerciseStep = HoldStep | MoveStep | BreathStep | RepsStep
"""The steps that work on an exercise, as opposed to a rest or a note."""


class Alternative(Value):
    """Another way to do a step, for the people ``when`` describes: an easier option.

    Offered at the step's get-ready; a routine's total counts the main step, not this.
    """

    step: ExerciseStep
    when: str


Step = ExerciseStep | RestStep | NoteStep


class Routine(Value):
    """A named, ordered prescription of steps with its safety notes."""

    name: str
    title: str
    steps: tuple[Step, ...]
    description: str = ""
    source: str = ""
    level: Level = Level.BEGINNER
    equipment: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    safety: tuple[str, ...] = ()
    frequency: str = ""

    @property
    def exercises(self) -> tuple[Exercise, ...]:
        """Each exercise the routine uses, once, in order of first use; alternatives too."""
        seen: dict[str, Exercise] = {}
        for step in self.steps:
            if isinstance(step, ExerciseStep):
                seen.setdefault(step.exercise.id, step.exercise)
                if step.alternative is not None:
                    other = step.alternative.step.exercise
                    seen.setdefault(other.id, other)
        return tuple(seen.values())
