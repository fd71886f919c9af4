"""Words and data for routines and exercises, shared by every renderer and by --json.

Pure: nothing here prints, so the terminal view, the Markdown handout and the JSON output
all describe a dose the same way.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from psoas_cli.durations import format_duration
from psoas_cli.library.model import (
    BreathPattern,
    BreathStep,
    Exercise,
    HoldStep,
    MoveStep,
    NoteStep,
    RepsStep,
    RestStep,
    Sides,
    Step,
)
from psoas_cli.library.plan import Plan, PlanOptions, breath_cycles, step_seconds
from psoas_cli.text import counted

if TYPE_CHECKING:
    from psoas_cli.library.catalog import ExerciseEntry, ProgrammeEntry, RoutineEntry
    from psoas_cli.library.programme import Growth
    from psoas_cli.library.programme import ProgrammeEntry as ProgrammeItem
    from psoas_cli.library.schedule import Today

_SIDES = {
    Sides.NONE: "",
    Sides.LEFT: "left side",
    Sides.RIGHT: "right side",
    Sides.BOTH: "each side",
    Sides.ALTERNATE: "each side, alternating",
}


def step_name(step: Step) -> str:
    """What a step is called on screen."""
    if isinstance(step, RestStep):
        return "Rest"
    if isinstance(step, NoteStep):
        return note_title(step.text)
    return step.exercise.name


NOTE_TITLE_WIDTH = 40
"""Characters a note's title may take: a table column or a "skipped:" list, not a paragraph."""

CLAUSE_END = re.compile(r"[,;:.!?](?:\s|$)")


def note_title(text: str) -> str:
    """A note named by what it says, as a step list needs: its first clause ("Sit on the end
    of a firm bench or bed"), cut at a word with an ellipsis when still too long. "Note" for
    every such step told nobody which one it was."""
    end = CLAUSE_END.search(text)
    clause = (text[: end.start()] if end else text).strip()
    if len(clause) <= NOTE_TITLE_WIDTH:
        return clause
    return clause[: NOTE_TITLE_WIDTH - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def alternative_text(step: Step) -> str | None:
    """A step's other option in one line: who it is for, what to do and how much."""
    if isinstance(step, RestStep | NoteStep) or step.alternative is None:
        return None
    other = step.alternative
    return f"If {other.when}: {step_name(other.step)} instead, {dose_text(other.step)}"


def breath_text(pattern: BreathPattern) -> str:
    """A breath pattern the way a person says it: in 4 s, hold 4 s, out 6 s."""
    parts = [f"in {format_duration(pattern.inhale)}"]
    if pattern.hold_in:
        parts.append(f"hold {format_duration(pattern.hold_in)}")
    parts.append(f"out {format_duration(pattern.exhale)}")
    if pattern.hold_out:
        parts.append(f"hold {format_duration(pattern.hold_out)}")
    return "breathe " + ", ".join(parts)


def dose_text(step: Step) -> str:
    """A step's whole prescription on one line."""
    if isinstance(step, RestStep):
        return f"rest {format_duration(step.duration)}"
    if isinstance(step, NoteStep):
        return step.text
    parts: list[str]
    if isinstance(step, HoldStep):
        parts = [f"hold {format_duration(step.hold)}"]
    elif isinstance(step, MoveStep):
        parts = [f"{step.action} {format_duration(step.move)}"]
    elif isinstance(step, BreathStep):
        cycles = breath_cycles(step)
        amount = (
            f"{format_duration(step.duration)} ({cycles} breaths)"
            if step.duration is not None
            else counted(cycles, "breath")
        )
        parts = [breath_text(step.pattern), amount]
    else:
        parts = [counted(step.reps, "rep")]
    if _SIDES[step.sides]:
        parts.append(_SIDES[step.sides])
    if isinstance(step, HoldStep | MoveStep | RepsStep) and step.sets > 1:
        parts.append(f"{step.sets} sets")
    if isinstance(step, RepsStep):
        parts.append(f"{format_duration(step.tempo)} per rep" if step.tempo else "at your own pace")
    if isinstance(step, HoldStep | MoveStep | RepsStep) and step.rest:
        parts.append(f"rest {format_duration(step.rest)} between sets")
    return ", ".join(parts)


def routine_data(entry: RoutineEntry, plan: Plan) -> dict[str, Any]:
    """A routine as plain data for --json, with its computed times."""
    routine = entry.routine
    return {
        "name": routine.name,
        "title": routine.title,
        "description": routine.description,
        "source": routine.source,
        "level": routine.level.value,
        "equipment": list(routine.equipment),
        "tags": list(routine.tags),
        "frequency": routine.frequency,
        "safety": list(routine.safety),
        "origin": entry.origin.value,
        "path": entry.path,
        "overrides": entry.overrides or None,
        "total_seconds": round(plan.total, 3),
        "approximate": plan.approximate,
        "steps": [
            _step_data(step, plan.step_seconds(i), plan.options)
            for i, step in enumerate(routine.steps)
        ],
    }


def exercise_data(exercise: Exercise, entry: ExerciseEntry | None = None) -> dict[str, Any]:
    """An exercise as plain data for --json."""
    data: dict[str, Any] = {
        "id": exercise.id,
        "name": exercise.name,
        "aliases": list(exercise.aliases),
        "summary": exercise.summary,
        "setup": list(exercise.setup),
        "steps": list(exercise.steps),
        "cues": list(exercise.cues),
        "mistakes": list(exercise.mistakes),
        "stop_signs": list(exercise.stop_signs),
        "equipment": list(exercise.equipment),
        "target": list(exercise.target),
        "dose": exercise.dose,
        "source": exercise.source,
        "check": (
            {"question": exercise.check.question, "answers": list(exercise.check.answers)}
            if exercise.check
            else None
        ),
    }
    if entry is not None:
        data.update(origin=entry.origin.value, path=entry.path, overrides=entry.overrides or None)
    return data


def _step_data(step: Step, seconds: float, options: PlanOptions) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": step.kind.value, "dose": dose_text(step), "seconds": seconds}
    if isinstance(step, RestStep):
        data.update(rest=step.duration, tip=step.tip)
        return data
    if isinstance(step, NoteStep):
        data.update(note=step.text, duration=step.duration)
        return data
    data.update(exercise=step.exercise.id, sides=step.sides.value, tip=step.tip)
    data["dose_note"] = step.dose_note
    if isinstance(step, HoldStep):
        data.update(hold=step.hold, sets=step.sets, rest=step.rest)
    elif isinstance(step, MoveStep):
        data.update(move=step.move, action=step.action, sets=step.sets, rest=step.rest)
    elif isinstance(step, BreathStep):
        pattern = step.pattern
        data.update(
            breath={
                "inhale": pattern.inhale,
                "hold_in": pattern.hold_in,
                "exhale": pattern.exhale,
                "hold_out": pattern.hold_out,
            },
            cycles=breath_cycles(step),
            duration=step.duration,
        )
    else:
        data.update(reps=step.reps, sets=step.sets, tempo=step.tempo, rest=step.rest)
    if step.alternative is not None:
        other = step.alternative.step
        data["alternative"] = {
            "when": step.alternative.when,
            **_step_data(other, step_seconds(other, options), options),
        }
    return data


def programme_data(entry: ProgrammeEntry) -> dict[str, Any]:
    """A programme as plain data for --json: its fields as the file gives them."""
    programme = entry.programme
    return {
        "name": programme.name,
        "title": programme.title,
        "description": programme.description,
        "source": programme.source,
        "weeks": programme.weeks,
        "notes": list(programme.notes),
        "entries": [_entry_data(item) for item in programme.entries],
        "origin": entry.origin.value,
        "path": entry.path,
        "overrides": entry.overrides or None,
    }


def _entry_data(item: ProgrammeItem) -> dict[str, Any]:
    # Programmes only when one is described: a run's narration does not pay for them.
    from psoas_cli.library.programme import WEEKDAY_NAMES, Frequency, often_words  # noqa: PLC0415

    often = item.often
    # Only these frequencies' count means something: times a week, days apart.
    counted = often.frequency in (Frequency.PER_WEEK, Frequency.EVERY_DAYS)
    progression = item.progression
    return {
        "routine": item.routine,
        "often": {
            "kind": often.frequency.value,
            "count": often.count if counted else None,
            "weekdays": [WEEKDAY_NAMES[d] for d in sorted(often.weekdays)],
            "words": often_words(often),
        },
        "at": item.at.strftime("%H:%M") if item.at is not None else None,
        "note": item.note,
        "progress": None
        if progression is None
        else {
            "hold": _growth_data(progression.hold),
            "reps": _growth_data(progression.reps),
            "pain_at_most": progression.pain_at_most,
        },
    }


def _growth_data(growth: Growth | None) -> dict[str, float] | None:
    return None if growth is None else {"add": growth.add, "up_to": growth.up_to}


def today_data(today: Today) -> dict[str, Any]:
    """What ``psoas today --json`` prints: the day's items at their doses, with reasons."""
    # The schedule only when a programme is asked about: a run does not pay for it.
    from psoas_cli.library.schedule import Stage, dose_words  # noqa: PLC0415

    return {
        "date": today.day.isoformat(),
        "programme": today.programme.name,
        "start": today.start.isoformat(),
        "week": today.week if today.stage is Stage.RUNNING else None,
        "stage": today.stage.value,
        "items": [
            {
                "routine": item.routine.name,
                "title": item.routine.title,
                "at": item.entry.at.strftime("%H:%M") if item.entry.at is not None else None,
                "done": item.done,
                "doses": dose_words(item.routine, item.entry.progression, 0) or None,
                "change": None
                if item.change is None
                else {
                    "kind": item.change.kind.value,
                    "since": item.change.day.isoformat(),
                    "reason": item.change.reason,
                },
                "note": item.entry.note,
            }
            for item in today.items
        ],
        "pain_worsened_recently": len(today.progress.worsened),
        "progression_paused": today.progress.paused,
    }
