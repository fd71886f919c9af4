"""Routine and exercise files to model values, reporting every problem with its place.

Validation reads only the fields it expects, to a fixed depth, and counts every value it
touches, so even a file built to expand through aliases costs bounded work.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from enum import Enum
from typing import TYPE_CHECKING, TypeAlias, TypedDict, TypeVar

from psoas_cli.durations import format_clock, format_duration, misread_number, parse_duration
from psoas_cli.errors import Problem, RoutineFileError
from psoas_cli.library.model import (
    DEFAULT_ACTION,
    Alternative,
    BreathPattern,
    BreathStep,
    Exercise,
    ExerciseStep,
    HoldStep,
    Level,
    MoveStep,
    NoteStep,
    RepsStep,
    RestStep,
    Routine,
    SelfCheck,
    Sides,
    Step,
    StepKind,
)
from psoas_cli.library.plan import PlanOptions, step_size
from psoas_cli.library.yaml_reader import MAX_BYTES, Node, read_yaml
from psoas_cli.limits import MAX_PLAN_SECONDS, MAX_PLAN_SEGMENTS
from psoas_cli.reading import read_regular
from psoas_cli.value import replace

if TYPE_CHECKING:
    from os import PathLike

E = TypeVar("E", bound=Enum)
T = TypeVar("T")

ROUTINE_KEYS = frozenset(
    {
        "name",
        "title",
        "description",
        "source",
        "level",
        "equipment",
        "tags",
        "safety",
        "frequency",
        "steps",
    }
)
EXERCISE_KEYS = frozenset(
    {
        "id",
        "name",
        "aliases",
        "summary",
        "setup",
        "steps",
        "cues",
        "mistakes",
        "stop_signs",
        "equipment",
        "target",
        "dose",
        "source",
        "check",
    }
)
SELF_CHECK_KEYS = ("question", "answers")
MAX_CHECK_ANSWERS = 9
"""Answers are picked with one digit key."""
BREATH_PATTERN_KEYS = frozenset({"inhale", "hold_in", "exhale", "hold_out"})
ALTERNATIVE_KEY = "alternative"
WHEN_KEY = "when"
"""In an alternative: who should take it, said when it is offered."""
_EXERCISE_STEP_KEYS = frozenset({"exercise", "sides", "tip", "dose_note", ALTERNATIVE_KEY})
STEP_KEYS: Mapping[StepKind, frozenset[str]] = {
    StepKind.HOLD: _EXERCISE_STEP_KEYS | {"hold", "sets", "rest"},
    StepKind.MOVE: _EXERCISE_STEP_KEYS | {"move", "action", "sets", "rest"},
    StepKind.BREATH: _EXERCISE_STEP_KEYS | {"breath", "cycles", "duration"},
    StepKind.REPS: _EXERCISE_STEP_KEYS | {"reps", "sets", "tempo", "rest"},
    StepKind.REST: frozenset({"rest", "tip"}),
    StepKind.NOTE: frozenset({"note", "duration"}),
}
"""The fields each kind of step may have; a step's kind is named by the field of the same name."""
ALL_STEP_KEYS = frozenset().union(*STEP_KEYS.values())
SIDES_FOR_KIND: Mapping[StepKind, tuple[Sides, ...]] = {
    StepKind.HOLD: (Sides.NONE, Sides.LEFT, Sides.RIGHT, Sides.BOTH),
    StepKind.MOVE: (Sides.NONE, Sides.LEFT, Sides.RIGHT, Sides.BOTH),
    StepKind.BREATH: (Sides.NONE, Sides.LEFT, Sides.RIGHT, Sides.BOTH),
    StepKind.REPS: tuple(Sides),
}
"""Alternating sides only makes sense for reps."""

MAX_STEP_SECONDS = 3600.0
MAX_BREATH_PHASE = 60.0
MAX_REPS = 500
MAX_SETS = 20
MAX_CYCLES = 500
MAX_TEMPO = 60.0
MAX_NOTE_SECONDS = 600.0
MAX_ACTION_LETTERS = 12
"""A move step's action word is shown in large letters; longer words do not fit a phone."""
_ACTION = re.compile(rf"^[a-z]{{1,{MAX_ACTION_LETTERS}}}$")
DEFAULT_NOTE_SECONDS = 10.0
MAX_VISITS = 100_000
MAX_PROBLEMS = 50
_MAX_READ = MAX_BYTES + 1
"""Read one byte past the YAML limit: enough to refuse a huge file without reading it whole."""

_EXERCISE_LISTS = (
    "aliases",
    "setup",
    "steps",
    "cues",
    "mistakes",
    "stop_signs",
    "equipment",
    "target",
)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")

Fields: TypeAlias = dict[str, tuple[Node, str]]
"""A mapping's values by field name, each with its path (like steps[0].hold) for messages."""


class _StopReading(Exception):
    """Raised when reading a file further is pointless: nothing to read, or too much.

    Too much means more problems or values than any real routine has, so a hostile file
    costs bounded work; the problems found so far are still reported.
    """


class FieldReader:
    """Reads typed values out of nodes, recording a Problem for each mistake."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[Problem] = []
        self.visits = 0

    def report(self, node: Node, path: str, message: str) -> None:
        """Record a problem at the node; past MAX_PROBLEMS, more would only bury the first."""
        self.problems.append(Problem(self.filename, node.line, node.column, path, message))
        if len(self.problems) >= MAX_PROBLEMS:
            raise _StopReading

    def visit(self, node: Node) -> Node:
        """Count a value read, so a file whose aliases expand without end is refused."""
        self.visits += 1
        if self.visits > MAX_VISITS:
            self.problems.append(
                Problem(
                    self.filename,
                    node.line,
                    node.column,
                    "",
                    f"aliases expand to more than {MAX_VISITS:,} values; stopped reading",
                )
            )
            raise _StopReading
        return node

    def fields(self, node: Node, path: str, allowed: Collection[str], what: str) -> Fields | None:
        """A mapping's values by key, with unknown and repeated keys reported."""
        self.visit(node)
        if node.pairs is None:
            self.report(
                node, path, f"expected a mapping of fields for {what}, got {describe(node)}"
            )
            return None
        found: Fields = {}
        for key, value in node.pairs:
            self.visit(key)
            if not isinstance(key.value, str):
                self.report(key, path, f"field names must be text, got {describe(key)}")
                continue
            child = f"{path}.{key.value}" if path else key.value
            if key.value in found:
                first = found[key.value][0]
                self.report(key, child, f"field appears twice (first on line {first.line})")
            elif key.value not in allowed:
                self.report(
                    key, child, f"unknown field for {what}{did_you_mean(key.value, allowed)}"
                )
            else:
                found[key.value] = (value, child)
        return found

    def require(
        self, node: Node, path: str, found: Mapping[str, object], names: Collection[str]
    ) -> None:
        """Report each of ``names`` missing from ``found``, at the mapping that lacks it."""
        for name in names:
            if name not in found:
                self.report(node, f"{path}.{name}" if path else name, "required field is missing")

    def text(self, node: Node, path: str) -> str | None:
        """Text, trimmed; blank text is reported, as it would show as nothing."""
        self.visit(node)
        if isinstance(node.value, str) and node.items is None and node.pairs is None:
            if not node.value.strip():
                self.report(node, path, "must not be empty")
                return None
            return node.value.strip()
        self.report(node, path, f"expected text, got {describe(node)}")
        return None

    def texts(self, node: Node, path: str) -> tuple[str, ...] | None:
        """A list of text; a single text is taken as a list of one."""
        self.visit(node)
        if node.items is None:
            single = self.text(node, path)
            return None if single is None else (single,)
        values = [self.text(item, f"{path}[{i}]") for i, item in enumerate(node.items)]
        return tuple(v for v in values if v is not None)

    def slug(self, node: Node, path: str) -> str | None:
        """A name people type on the command line, so kept to one simple shape."""
        value = self.text(node, path)
        if value is not None and not _SLUG.match(value):
            self.report(
                node,
                path,
                f"{value!r} must be lowercase letters, digits and dashes "
                "(at most 60), like daily-10min",
            )
            return None
        return value

    def duration(
        self, node: Node, path: str, *, most: float, zero_ok: bool = False
    ) -> float | None:
        """Seconds from 30, 30s, 1m30s or 1:30: above 0 (or 0 where ``zero_ok``), at most ``most``.

        Read from the text as written, so YAML 1.1's own reading of 030 or 1:30 never counts.
        """
        self.visit(node)
        written = node.value if node.written is None else node.written
        why = misread_number(written) if isinstance(written, str) else None
        if why is not None:
            self.report(node, path, f"{why}; write seconds in decimal, like 30 or 30s")
            return None
        seconds = parse_duration(written) if node.items is None and node.pairs is None else None
        if seconds is None:
            self.report(
                node, path, f"expected a duration like 30, 30s, 2m or 1:30, got {describe(node)}"
            )
            return None
        if seconds < 0 or (seconds == 0 and not zero_ok):
            self.report(node, path, f"must be more than 0 s, got {describe(node)}")
            return None
        if seconds > most:
            self.report(
                node,
                path,
                f"{format_duration(seconds)} is too long; the most here is {format_duration(most)}",
            )
            return None
        return seconds

    def count(self, node: Node, path: str, *, most: int, least: int = 1) -> int | None:
        """A whole number from ``least`` to ``most``; true and false are not numbers here.

        A number YAML 1.1 misread (010 as 8, 0x0A as 10) is refused, as for durations.
        """
        self.visit(node)
        value = node.value
        why = misread_number(node.written) if node.written is not None else None
        if why is not None:
            self.report(node, path, f"{why}; write it in decimal, like 10")
            return None
        if not isinstance(value, int) or isinstance(value, bool) or node.items is not None:
            self.report(node, path, f"expected a whole number, got {describe(node)}")
            return None
        if not least <= value <= most:
            self.report(node, path, f"must be between {least} and {most}, got {value}")
            return None
        return value

    def choice(self, node: Node, path: str, options: tuple[E, ...]) -> E | None:
        """The option whose value the node holds; the message lists them in the given order."""
        self.visit(node)
        for option in options:
            if node.value == option.value:
                return option
        names = ", ".join(str(o.value) for o in options)
        self.report(node, path, f"expected one of {names}, got {describe(node)}")
        return None


def kind(node: Node) -> str:
    """What sort of value a node holds, without its text: for a file that is not a routine
    at all, whose text (notes, a key, a password) is none of the message's business."""
    if node.pairs is not None:
        return "a mapping"
    if node.items is not None:
        return "a list"
    if node.value is None:
        return "nothing"
    if isinstance(node.value, bool):
        return "true or false"
    return "text" if isinstance(node.value, str) else "a number"


def describe(node: Node) -> str:
    """How a wrong value is named in a message."""
    if node.pairs is not None:
        return "a mapping"
    if node.items is not None:
        return "a list"
    value = node.value
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return _boolean_word(node.written, value)
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return '"' + shown.replace('"', '\\"') + '"'
    if node.written is not None:
        return node.written if len(node.written) <= 40 else node.written[:37] + "..."
    return str(value)


def _boolean_word(written: str | None, value: bool) -> str:
    """Name a true or false; a word YAML 1.1 took for one (yes, off) says so and how to keep it."""
    meaning = "true" if value else "false"
    if written is None or written.lower() == meaning:
        return meaning
    return (
        f'{written}, which YAML reads as {meaning}; put it in quotes ("{written}") to mean the word'
    )


def did_you_mean(word: str, choices: Collection[str]) -> str:
    """A '; did you mean X?' hint, or nothing when no choice is close."""
    close = suggest(word, choices)
    return f"; did you mean {close[0]!r}?" if close else ""


MAX_SUGGESTIONS = 3
"""Names a "did you mean" offers at most: enough to choose from, short enough to read."""

MIN_PART = 3
"""Letters a name needs before it is looked for inside other names; 'a' is in most."""


def suggest(name: str, candidates: Iterable[str]) -> list[str]:
    """The names that were probably meant: those starting with ``name``, then those holding
    it, since people type the first word ('couch' for couch-stretch); failing that, the one
    closest in spelling.

    difflib is imported only when a name is wrong: it is slow to import for the common case.
    """
    known = sorted(set(candidates))
    if len(name) >= MIN_PART:
        starting = [c for c in known if c.startswith(name)]
        holding = [c for c in known if name in c and c not in starting]
        if starting or holding:
            return [*starting, *holding][:MAX_SUGGESTIONS]
    import difflib  # noqa: PLC0415

    return difflib.get_close_matches(name, known, n=1, cutoff=0.6)


def parse_exercise(data: bytes, filename: str) -> Exercise:
    """Read an exercise file."""
    return parse_document(
        data, filename, lambda reader, root: _exercise(reader, root, "", inline=False)
    )


def parse_routine(
    data: bytes, filename: str, exercises: Mapping[str, Exercise], default_name: str
) -> Routine:
    """Read a routine file, resolving exercise ids through ``exercises`` (ids and aliases)."""
    return parse_document(
        data, filename, lambda reader, root: _routine(reader, root, exercises, default_name)
    )


class FileKind(Enum):
    """What a library file holds, told by one top-level field."""

    ROUTINE = "routine"
    EXERCISE = "exercise"
    PROGRAMME = "programme"


def file_kind(data: bytes, filename: str) -> FileKind:
    """Exercise files have a top-level ``id``, programme files ``entries``; any other file is
    read as a routine, whose own problems then say what is wrong with it."""
    root = read_yaml(data, filename)
    keys = (
        {k.value for k, _ in root.pairs} if root is not None and root.pairs is not None else set()
    )
    if "id" in keys:
        return FileKind.EXERCISE
    return FileKind.PROGRAMME if "entries" in keys else FileKind.ROUTINE


def read_file(path: str | PathLike[str], shown_as: str) -> bytes:
    """A file's bytes, or a RoutineFileError that says why it cannot be read."""
    try:
        return read_regular(path, _MAX_READ)
    except OSError as exc:
        raise RoutineFileError(
            [Problem(shown_as, 1, 1, "", f"cannot read: {exc.strerror or exc}")]
        ) from None


def parse_document(data: bytes, filename: str, read: Callable[[FieldReader, Node], T | None]) -> T:
    """A file's value, read from its top-level mapping; any problem refuses the whole file.

    The problems come sorted by place, the order a person fixes them in.
    """
    reader = FieldReader(filename)
    root = read_yaml(data, filename)
    try:
        value = read(reader, _root(reader, root))
    except _StopReading:
        value = None
    if reader.problems or value is None:
        raise RoutineFileError(sorted(reader.problems, key=_position))
    return value


def _position(problem: Problem) -> tuple[int, int]:
    return problem.line, problem.column


def _root(reader: FieldReader, root: Node | None) -> Node:
    """The file's top-level mapping; with none, there is nothing more to read."""
    if root is None:
        reader.problems.append(Problem(reader.filename, 1, 1, "", "the file is empty"))
        raise _StopReading
    if root.pairs is None:
        reader.report(root, "", f"the top level must be a mapping of fields, got {kind(root)}")
        raise _StopReading
    return root


def _routine(
    reader: FieldReader, root: Node, exercises: Mapping[str, Exercise], default_name: str
) -> Routine | None:
    found = reader.fields(root, "", ROUTINE_KEYS, "a routine")
    if found is None:
        return None
    reader.require(root, "", found, ("title", "steps"))
    name = (
        reader.slug(*found["name"]) if "name" in found else default_slug(reader, root, default_name)
    )
    title = reader.text(*found["title"]) if "title" in found else None
    optional = {
        k: reader.text(*found[k]) for k in ("description", "source", "frequency") if k in found
    }
    lists = {k: reader.texts(*found[k]) for k in ("equipment", "tags", "safety") if k in found}
    level = reader.choice(*found["level"], tuple(Level)) if "level" in found else Level.BEGINNER
    steps = _steps(reader, *found["steps"], exercises) if "steps" in found else None
    if reader.problems or name is None or title is None or steps is None or level is None:
        return None
    routine = Routine(
        name=name,
        title=title,
        steps=steps,
        level=level,
        description=optional.get("description") or "",
        source=optional.get("source") or "",
        frequency=optional.get("frequency") or "",
        equipment=lists.get("equipment") or (),
        tags=lists.get("tags") or (),
        safety=lists.get("safety") or (),
    )
    if "equipment" in found:
        return routine
    return replace(routine, equipment=equipment_used(routine))


def equipment_used(routine: Routine) -> tuple[str, ...]:
    """What a routine's exercises need, each once in order of first use: the equipment of a
    routine that names none, so list and show still say what to get out before starting.
    (An explicit ``equipment: []`` is the writer saying none is needed.)"""
    return tuple(dict.fromkeys(item for ex in routine.exercises for item in ex.equipment))


def default_slug(
    reader: FieldReader, root: Node, default_name: str, what: str = "routine"
) -> str | None:
    """The name a file without a name field takes from its file name, if that can be one."""
    if _SLUG.match(default_name):
        return default_name
    reader.report(
        root,
        "name",
        f"the file name {default_name!r} cannot serve as the {what}'s name; "
        "add a name field like daily-10min",
    )
    return None


def _steps(
    reader: FieldReader, node: Node, path: str, exercises: Mapping[str, Exercise]
) -> tuple[Step, ...] | None:
    reader.visit(node)
    if node.items is None:
        reader.report(node, path, f"expected a list of steps, got {describe(node)}")
        return None
    if not node.items:
        reader.report(node, path, "a routine needs at least one step")
        return None
    read = [_step(reader, item, f"{path}[{i}]", exercises) for i, item in enumerate(node.items)]
    steps = tuple(step for step in read if step is not None)
    if len(steps) != len(read):
        return None
    return steps if _within_limits(reader, node, path, steps) else None


def _within_limits(reader: FieldReader, node: Node, path: str, steps: tuple[Step, ...]) -> bool:
    """Whether the steps' plan stays within MAX_PLAN_SEGMENTS and MAX_PLAN_SECONDS.

    Counted step by step, without building a segment, so a small file whose aliases repeat a
    big step is refused at the step that crosses a limit before any command builds its plan.
    """
    whole = Routine(name="", title="", steps=steps)
    options = PlanOptions()
    segments = 0
    seconds = 0.0
    for index, item in enumerate(node.items or ()):
        size = step_size(whole, index, options)
        segments += size.segments
        seconds += size.seconds
        if segments > MAX_PLAN_SEGMENTS:
            limit = f"have more than {MAX_PLAN_SEGMENTS:,} segments"
        elif seconds > MAX_PLAN_SECONDS:
            limit = f"take more than {format_clock(MAX_PLAN_SECONDS)} in all"
        else:
            continue
        reader.report(
            item, f"{path}[{index}]", f"the plan would {limit}; split the routine into smaller ones"
        )
        return False
    return True


def _step_kind(reader: FieldReader, node: Node, path: str) -> StepKind | None:
    """The kind of step a mapping is, from the field that names its kind.

    rest is also a field of hold and reps steps (the pause between sets), so a step is a
    rest step only when no other kind is named.
    """
    keys = {k.value for k, _ in node.pairs or []}
    named = [kind for kind in StepKind if kind is not StepKind.REST and kind.value in keys]
    if len(named) > 1:
        kinds = " and ".join(kind.value for kind in named)
        reader.report(node, path, f"a step is one kind of work; this one has {kinds}")
        return None
    if named:
        return named[0]
    if StepKind.REST.value in keys:
        return StepKind.REST
    names = [kind.value for kind in StepKind]
    reader.report(node, path, f"a step needs one of {', '.join(names[:-1])} or {names[-1]}")
    return None


def _mapping_kind(reader: FieldReader, node: Node, path: str, expected: str) -> StepKind | None:
    """The kind of a step written as a mapping; anything else is reported as not ``expected``."""
    reader.visit(node)
    if node.pairs is None:
        reader.report(node, path, f"expected {expected}, got {describe(node)}")
        return None
    return _step_kind(reader, node, path)


def _step(
    reader: FieldReader, node: Node, path: str, exercises: Mapping[str, Exercise]
) -> Step | None:
    kind = _mapping_kind(reader, node, path, "a step (a mapping of fields)")
    if kind is None:
        return None
    found = _step_fields(reader, node, path, kind)
    if found is None:
        return None
    if kind is StepKind.REST:
        return _rest_step(reader, found)
    if kind is StepKind.NOTE:
        return _note_step(reader, found)
    return _exercise_step(reader, node, path, kind=kind, found=found, exercises=exercises)


def _step_fields(
    reader: FieldReader, node: Node, path: str, kind: StepKind, *, alternative: bool = False
) -> Fields | None:
    """The step's fields; a field of another kind of step is reported, then left out.

    An alternative also has ``when`` and may not have an alternative of its own.
    """
    allowed = STEP_KEYS[kind] - {ALTERNATIVE_KEY} | {WHEN_KEY} if alternative else STEP_KEYS[kind]
    misplaced = {k.value for k, _ in node.pairs or [] if k.value in ALL_STEP_KEYS - allowed}
    what = f"an alternative {kind.value} step" if alternative else f"a {kind.value} step"
    found = reader.fields(node, path, allowed | misplaced, what)
    if found is None:
        return None
    for name in sorted(misplaced):
        key_node, key_path = found.pop(name)
        if alternative and name == ALTERNATIVE_KEY:
            reader.report(key_node, key_path, "an alternative cannot have an alternative")
            continue
        owners = " or ".join(sorted(k.value for k, keys in STEP_KEYS.items() if name in keys))
        reader.report(key_node, key_path, f"belongs to {owners} steps, not to {what}")
    return found


def _rest_step(reader: FieldReader, found: Fields) -> RestStep | None:
    rest = reader.duration(*found["rest"], most=MAX_STEP_SECONDS)
    tip = reader.text(*found["tip"]) if "tip" in found else ""
    return None if rest is None or tip is None else RestStep(duration=rest, tip=tip)


def _note_step(reader: FieldReader, found: Fields) -> NoteStep | None:
    text = reader.text(*found["note"])
    duration = (
        reader.duration(*found["duration"], most=MAX_NOTE_SECONDS)
        if "duration" in found
        else DEFAULT_NOTE_SECONDS
    )
    return None if text is None or duration is None else NoteStep(text=text, duration=duration)


class _SharedFields(TypedDict):
    """The fields hold, breath and reps steps share; as a TypedDict, ``**shared`` passes them."""

    exercise: Exercise
    sides: Sides
    tip: str
    dose_note: str


def _exercise_step(
    reader: FieldReader,
    node: Node,
    path: str,
    *,
    kind: StepKind,
    found: Fields,
    exercises: Mapping[str, Exercise],
) -> ExerciseStep | None:
    """A step of work on an exercise: the fields every kind shares, then the kind's own.

    The kind's own fields are read even when a shared one is wrong, so every problem in the
    step is reported at once; a step with any problem is left out.
    """
    before = len(reader.problems)
    shared = _shared_fields(reader, node, path, kind=kind, found=found, exercises=exercises)
    step: ExerciseStep | None
    if kind is StepKind.HOLD:
        step = _hold_step(reader, found, shared)
    elif kind is StepKind.MOVE:
        step = _move_step(reader, found, shared)
    elif kind is StepKind.BREATH:
        step = _breath_step(reader, node, path, found, shared)
    else:
        step = _reps_step(reader, found, shared)
    if ALTERNATIVE_KEY in found:
        alternative = _alternative(reader, *found[ALTERNATIVE_KEY], exercises)
        if step is not None and alternative is not None:
            step = replace(step, alternative=alternative)
    return step if len(reader.problems) == before else None


def _alternative(
    reader: FieldReader, node: Node, path: str, exercises: Mapping[str, Exercise]
) -> Alternative | None:
    """Another exercise step to do instead, with who it is for (``when``)."""
    kind = _mapping_kind(reader, node, path, "a step to do instead, with when")
    if kind is None:
        return None
    if kind in (StepKind.REST, StepKind.NOTE):
        reader.report(
            node, path, "an alternative is an exercise to do instead: a hold, move, breath or reps"
        )
        return None
    found = _step_fields(reader, node, path, kind, alternative=True)
    if found is None:
        return None
    reader.require(node, path, found, (WHEN_KEY,))
    when = reader.text(*found[WHEN_KEY]) if WHEN_KEY in found else None
    step = _exercise_step(reader, node, path, kind=kind, found=found, exercises=exercises)
    return None if step is None or when is None else Alternative(step=step, when=when)


def _shared_fields(
    reader: FieldReader,
    node: Node,
    path: str,
    *,
    kind: StepKind,
    found: Fields,
    exercises: Mapping[str, Exercise],
) -> _SharedFields | None:
    reader.require(node, path, found, ("exercise",))
    exercise = _exercise_ref(reader, *found["exercise"], exercises) if "exercise" in found else None
    tip = reader.text(*found["tip"]) if "tip" in found else ""
    dose_note = reader.text(*found["dose_note"]) if "dose_note" in found else ""
    sides = reader.choice(*found["sides"], SIDES_FOR_KIND[kind]) if "sides" in found else Sides.NONE
    if exercise is None or sides is None or tip is None or dose_note is None:
        return None
    return _SharedFields(exercise=exercise, sides=sides, tip=tip, dose_note=dose_note)


def _sets_and_rest(reader: FieldReader, found: Fields) -> tuple[int, float] | None:
    """Sets, and the rest between them, which needs more than one set to sit between."""
    sets = reader.count(*found["sets"], most=MAX_SETS) if "sets" in found else 1
    rest = reader.duration(*found["rest"], most=MAX_STEP_SECONDS) if "rest" in found else 0.0
    if sets is None or rest is None:
        return None
    if rest and sets == 1:
        reader.report(
            *found["rest"],
            "rest is the pause between sets, and this step has one set; "
            "add sets, or make the rest its own step",
        )
        return None
    return sets, rest


def _hold_step(reader: FieldReader, found: Fields, shared: _SharedFields | None) -> HoldStep | None:
    hold = reader.duration(*found["hold"], most=MAX_STEP_SECONDS)
    sets_and_rest = _sets_and_rest(reader, found)
    if shared is None or hold is None or sets_and_rest is None:
        return None
    sets, rest = sets_and_rest
    return HoldStep(hold=hold, sets=sets, rest=rest, **shared)


def _move_step(reader: FieldReader, found: Fields, shared: _SharedFields | None) -> MoveStep | None:
    move = reader.duration(*found["move"], most=MAX_STEP_SECONDS)
    action = reader.text(*found["action"]) if "action" in found else DEFAULT_ACTION
    if action is not None and not _ACTION.match(action):
        reader.report(
            *found["action"],
            f"{action!r} should be one lowercase word of at most {MAX_ACTION_LETTERS} letters, "
            "such as roll or pivot: it is shown large while the step runs",
        )
        return None
    sets_and_rest = _sets_and_rest(reader, found)
    if shared is None or move is None or action is None or sets_and_rest is None:
        return None
    sets, rest = sets_and_rest
    return MoveStep(move=move, action=action, sets=sets, rest=rest, **shared)


def _breath_step(
    reader: FieldReader,
    node: Node,
    path: str,
    found: Fields,
    shared: _SharedFields | None,
) -> BreathStep | None:
    pattern = _pattern(reader, *found["breath"])
    if "cycles" in found and "duration" in found:
        reader.report(node, path, "give either cycles or duration for breath work, not both")
        return None
    if "cycles" not in found and "duration" not in found:
        reader.report(node, path, "breath work needs cycles (how many breaths) or duration")
        return None
    cycles = reader.count(*found["cycles"], most=MAX_CYCLES) if "cycles" in found else None
    duration = (
        reader.duration(*found["duration"], most=MAX_STEP_SECONDS) if "duration" in found else None
    )
    if pattern is not None and duration is not None and duration < pattern.cycle:
        reader.report(
            *found["duration"], f"shorter than one breath ({format_duration(pattern.cycle)})"
        )
        return None
    if shared is None or pattern is None or (cycles is None and duration is None):
        return None
    return BreathStep(pattern=pattern, cycles=cycles, duration=duration, **shared)


def _pattern(reader: FieldReader, node: Node, path: str) -> BreathPattern | None:
    found = reader.fields(node, path, BREATH_PATTERN_KEYS, "a breath pattern")
    if found is None:
        return None
    reader.require(node, path, found, ("inhale", "exhale"))
    phases = {
        key: reader.duration(*found[key], most=MAX_BREATH_PHASE, zero_ok=key.startswith("hold"))
        for key in found
    }
    if any(v is None for v in phases.values()) or "inhale" not in found or "exhale" not in found:
        return None
    return BreathPattern(**{k: v for k, v in phases.items() if v is not None})


def _reps_step(reader: FieldReader, found: Fields, shared: _SharedFields | None) -> RepsStep | None:
    reps = reader.count(*found["reps"], most=MAX_REPS)
    tempo = reader.duration(*found["tempo"], most=MAX_TEMPO) if "tempo" in found else None
    sets_and_rest = _sets_and_rest(reader, found)
    if shared is None or reps is None or sets_and_rest is None:
        return None
    if "tempo" in found and tempo is None:
        return None
    sets, rest = sets_and_rest
    return RepsStep(reps=reps, sets=sets, tempo=tempo, rest=rest, **shared)


def _exercise_ref(
    reader: FieldReader, node: Node, path: str, exercises: Mapping[str, Exercise]
) -> Exercise | None:
    reader.visit(node)
    if node.pairs is not None:
        return _exercise(reader, node, path, inline=True)
    name = reader.text(node, path)
    if name is None:
        return None
    if name in exercises:
        return exercises[name]
    reader.report(node, path, f"no exercise named {name!r}{did_you_mean(name, exercises)}")
    return None


def _exercise(reader: FieldReader, node: Node, path: str, *, inline: bool) -> Exercise | None:
    found = reader.fields(node, path, EXERCISE_KEYS, "an exercise")
    if found is None:
        return None
    reader.require(node, path, found, ("name",) if inline else ("id", "name"))
    before = len(reader.problems)
    name = reader.text(*found["name"]) if "name" in found else None
    ident = reader.slug(*found["id"]) if "id" in found else _id_from_name(name or "")
    if ident is None and name is not None and "id" not in found:
        name_node, name_path = found["name"]
        reader.report(
            name_node, name_path, "needs a letter or digit to name the exercise by; or give an id"
        )
    single: dict[str, str] = {
        k: reader.text(*found[k]) or "" for k in ("summary", "dose", "source") if k in found
    }
    lists: dict[str, tuple[str, ...]] = {
        k: reader.texts(*found[k]) or () for k in _EXERCISE_LISTS if k in found
    }
    for i, alias in enumerate(lists.get("aliases", ())):
        if not _SLUG.match(alias):
            aliases_node, aliases_path = found["aliases"]
            reader.report(
                aliases_node,
                f"{aliases_path}[{i}]",
                f"{alias!r} must be lowercase letters, digits and dashes",
            )
    check = _self_check(reader, *found["check"]) if "check" in found else None
    if len(reader.problems) != before or ident is None or name is None:
        return None
    return Exercise(
        id=ident,
        name=name,
        summary=single.get("summary", ""),
        dose=single.get("dose", ""),
        source=single.get("source", ""),
        aliases=lists.get("aliases", ()),
        setup=lists.get("setup", ()),
        steps=lists.get("steps", ()),
        cues=lists.get("cues", ()),
        mistakes=lists.get("mistakes", ()),
        stop_signs=lists.get("stop_signs", ()),
        equipment=lists.get("equipment", ()),
        target=lists.get("target", ()),
        check=check,
    )


def _id_from_name(name: str) -> str | None:
    """An inline exercise needs no id: 'Wall lean' is called wall-lean."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or None


def _self_check(reader: FieldReader, node: Node, path: str) -> SelfCheck | None:
    found = reader.fields(node, path, SELF_CHECK_KEYS, "a self-check")
    if found is None:
        return None
    reader.require(node, path, found, SELF_CHECK_KEYS)
    question = reader.text(*found["question"]) if "question" in found else None
    answers = reader.texts(*found["answers"]) if "answers" in found else None
    if question is None or answers is None:
        return None
    answers_node, answers_path = found["answers"]
    if not 2 <= len(answers) <= MAX_CHECK_ANSWERS:
        reader.report(
            answers_node,
            answers_path,
            f"give 2 to {MAX_CHECK_ANSWERS} answers, best first; got {len(answers)}",
        )
        return None
    repeated = sorted({a for a in answers if answers.count(a) > 1})
    if repeated:
        reader.report(answers_node, answers_path, f"{repeated[0]!r} is listed twice")
        return None
    return SelfCheck(question=question, answers=answers)
