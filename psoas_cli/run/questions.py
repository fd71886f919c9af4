"""The questions around a run: pain before and after, and a test's self-check per side.

Asked only when someone is at the keyboard; read key by key because the terminal is in
cbreak mode for the run (so echoing is done here). Enter alone always skips: a rating is
welcome, never required.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from psoas_cli.history.store import PAIN_SCALE, CheckResult
from psoas_cli.library.model import ExerciseStep, SelfCheck, Side, Sides
from psoas_cli.library.plan import Plan
from psoas_cli.run.engine import RunReport
from psoas_cli.run.terminal import KeySource
from psoas_cli.text import digits_only

PAIN_BEFORE_INTRO = (
    "How much does it hurt right now, from 0 (not at all) to 10 (the worst)? Type a number "
    "and press Enter to begin; Enter alone begins without a rating, q cancels."
)
PAIN_BEFORE_PROMPT = "Pain now, 0-10: "
PAIN_AFTER_PROMPT = "Pain now, 0 to 10? (Enter skips) "

CANCEL_KEYS = frozenset({"q", "escape"})
"""Keys that cancel a question, or the start of a run."""


@dataclass(frozen=True)
class Rating:
    """A pain rating, None when skipped; ``cancelled`` when q or Escape was pressed."""

    value: int | None
    cancelled: bool = False


@dataclass(frozen=True)
class DueCheck:
    """A self-check to ask about one side (None: the test has no sides)."""

    test: str
    check: SelfCheck
    side: Side | None


def ask_pain(keys: KeySource, out: IO[str], prompt: str) -> Rating:
    """Read a rating from 0 to 10 typed as digits and ended with Enter."""
    out.write(prompt)
    out.flush()
    typed = ""
    while True:
        key = keys.wait_for_key()
        if key is None or key in CANCEL_KEYS or key == "enter":
            out.write("\n")
            out.flush()
            if key == "enter":
                return Rating(int(typed) if typed else None)
            return Rating(None, cancelled=key is not None)
        if digits_only(key) and int(typed + key) in PAIN_SCALE and len(typed) < 2:
            typed += key
            out.write(key)
        elif key == "backspace" and typed:
            typed = typed[:-1]
            out.write("\b \b")
        out.flush()


def due_checks(plan: Plan, report: RunReport) -> list[DueCheck]:
    """The self-checks of the test steps that were done, one per side worked."""
    due = []
    for index in report.steps_done:
        step = plan.step(index)
        if not isinstance(step, ExerciseStep) or step.exercise.check is None:
            continue
        sides: tuple[Side | None, ...] = {
            Sides.NONE: (None,),
            Sides.LEFT: (Side.LEFT,),
            Sides.RIGHT: (Side.RIGHT,),
        }.get(step.sides, (Side.LEFT, Side.RIGHT))
        due += [DueCheck(step.exercise.id, step.exercise.check, side) for side in sides]
    return due


def ask_check(keys: KeySource, out: IO[str], due: DueCheck) -> CheckResult | None:
    """One side's answer, picked with a digit; Enter, q or Escape skips it."""
    answers = due.check.answers
    side = f"{due.side.value.capitalize()} side: " if due.side is not None else ""
    lines = ["", f"{side}{due.check.question}"]
    lines += [f"  {n}  {answer}" for n, answer in enumerate(answers, 1)]
    out.write("\n".join(lines) + f"\nPress 1-{len(answers)} (Enter skips): ")
    out.flush()
    while True:
        key = keys.wait_for_key()
        if key is None or key in CANCEL_KEYS or key == "enter":
            out.write("skipped\n")
            out.flush()
            return None
        if digits_only(key) and 1 <= int(key) <= len(answers):
            rank = int(key) - 1
            out.write(f"{key}  {answers[rank]}\n")
            out.flush()
            return CheckResult(
                test=due.test,
                question=due.check.question,
                side=due.side,
                answer=answers[rank],
                rank=rank,
            )
