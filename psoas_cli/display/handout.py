"""A routine or exercise as a Markdown handout, to print or give to a physiotherapist.

Text from routine and exercise files goes through ``_text`` (and ``_cell`` in the table), so
a shared file can neither add HTML or a link to the handout nor split or end a table row.
"""

from __future__ import annotations

import re

from psoas_cli.durations import format_clock, format_duration
from psoas_cli.library.catalog import RoutineEntry
from psoas_cli.library.describe import alternative_text, dose_text, step_name
from psoas_cli.library.guidance import BEFORE_YOU_START, RED_FLAGS, STOP_ADVICE, STOP_SIGNS
from psoas_cli.library.model import Exercise, NoteStep, RestStep
from psoas_cli.library.plan import SECONDS_PER_SELF_PACED_REP, Plan


def routine_markdown(entry: RoutineEntry, plan: Plan) -> str:
    """The whole routine: details, safety, the plan, and how to do each exercise."""
    routine = entry.routine
    about = "about " if plan.approximate else ""
    lines = [f"# {_text(routine.title)}", ""]
    if routine.description:
        lines += [_text(routine.description), ""]
    lines += [f"- **Total time:** {about}{format_clock(plan.total)}"]
    lines += [f"- **Level:** {routine.level.value}"]
    if routine.equipment:
        lines += [f"- **Equipment:** {_text(', '.join(routine.equipment))}"]
    if routine.frequency:
        lines += [f"- **How often:** {_text(routine.frequency)}"]
    if routine.source:
        lines += [f"- **Source:** {_text(routine.source)}"]
    lines += ["", "## Safety", "", f"- {BEFORE_YOU_START}", f"- {RED_FLAGS}"]
    lines += [f"- {_text(note)}" for note in routine.safety]
    lines += ["", "**Stop if you notice:**", ""]
    lines += [f"- {sign}" for sign in STOP_SIGNS]
    lines += [
        "",
        STOP_ADVICE,
        "",
        "## Steps",
        "",
        "| # | Step | Dose | Time |",
        "|---|---|---|---|",
    ]
    for index, step in enumerate(routine.steps):
        dose = _cell(dose_text(step))
        if not isinstance(step, RestStep | NoteStep) and step.dose_note:
            dose += f"<br>*{_cell(step.dose_note)}*"
        other = alternative_text(step)
        if other is not None:
            dose += "<br>" + _cell(f"{other} (not counted in the time)")
        seconds = format_duration(plan.step_seconds(index))
        lines.append(f"| {index + 1} | {_cell(step_name(step))} | {dose} | {seconds} |")
    lines += ["", _cue_note(plan), ""]
    for exercise in routine.exercises:
        lines += [*exercise_markdown(exercise, level=2).splitlines(), ""]
    return "\n".join(lines).rstrip() + "\n"


def exercise_markdown(exercise: Exercise, level: int = 1) -> str:
    """How to do one exercise, with its stop signs and source."""
    heading = "#" * level
    lines = [f"{heading} {_text(exercise.name)}", ""]
    if exercise.summary:
        lines += [_text(exercise.summary), ""]
    sections = (
        ("Setup", exercise.setup, True),
        ("How to do it", exercise.steps, True),
        ("Cues", exercise.cues, False),
        ("Common mistakes", exercise.mistakes, False),
        ("Stop if", exercise.stop_signs, False),
    )
    for title, items, numbered in sections:
        if items:
            lines += [f"{heading}# {title}", ""]
            lines += [
                f"{n}. {_text(item)}" if numbered else f"- {_text(item)}"
                for n, item in enumerate(items, 1)
            ]
            lines.append("")
    if exercise.check:
        lines += [f"{heading}# Self-check: {_text(exercise.check.question)}", ""]
        lines += [f"{n}. {_text(answer)}" for n, answer in enumerate(exercise.check.answers, 1)]
        lines.append("")
    facts = [
        ("Dose in the source", exercise.dose),
        ("Equipment", ", ".join(exercise.equipment)),
        ("Targets", ", ".join(exercise.target)),
        ("Source", exercise.source),
    ]
    lines += [f"- **{label}:** {_text(value)}" for label, value in facts if value]
    return "\n".join(lines).rstrip() + "\n"


_LINK_LIKE = re.compile(
    r"[^\s`]*(?:\b[a-z][a-z0-9+.-]*:[^\s`]|\bwww\.|[^\s`@]@[^\s`@]*\.)[^\s`]*?"
    r"(?=[.,;:!?)]*(?:[\s`]|$))",
    re.I,
)
"""A word a renderer would make a link by itself (GitHub's autolinks): a scheme such as
https: or mailto:, www., or an address with @. Escapes do not stop these, so they are set
in a code span instead, where nothing is a link; punctuation after the word stays out."""


def _text(value: str) -> str:
    """File text as Markdown shows it, as text only: no HTML, no link, no image."""
    shown: list[str] = []
    written = 0
    for word in _LINK_LIKE.finditer(value):
        shown += [_escaped(value[written : word.start()]), f"`{word.group()}`"]
        written = word.end()
    return "".join([*shown, _escaped(value[written:])])


def _escaped(value: str) -> str:
    """Text with the characters that start HTML (&, <, >), a link or image ([ and ]) or a code
    span (a backtick could pair with one of ``_text``'s) escaped, and the backslash that could
    undo an escape."""
    for char, escape in (("\\", "\\\\"), ("[", "\\["), ("]", "\\]"), ("`", "\\`")):
        value = value.replace(char, escape)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell(value: str) -> str:
    """File text in a table cell: a pipe would end the cell and a newline the row."""
    return "<br>".join(_text(value).replace("|", "\\|").split("\n"))


def _cue_note(plan: Plan) -> str:
    note = (
        "Step times are the work itself; the total adds psoas's get-ready, switch-sides "
        "and next-up cues."
    )
    if plan.approximate:
        per_rep = format_duration(SECONDS_PER_SELF_PACED_REP)
        note += f" Self-paced sets are counted at an estimate of {per_rep} per rep."
    return note
