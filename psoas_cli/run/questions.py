"""The questions around a run: pain before and after (a test's self-checks are asked in the
run, right after each side).

Asked only when someone is at the keyboard; read key by key because the terminal is in
cbreak mode for the run (so echoing is done here). Enter alone always skips: a rating is
welcome, never required.
"""

from __future__ import annotations

from typing import IO

from psoas_cli.limits import PAIN_SCALE
from psoas_cli.run.terminal import KeySource
from psoas_cli.text import digits_only
from psoas_cli.value import Value

PAIN_BEFORE_INTRO = (
    "How much does it hurt right now, from 0 (not at all) to 10 (the worst)? Type a number "
    "and press Enter to begin; Enter alone begins without a rating, q cancels."
)
PAIN_BEFORE_PROMPT = "Pain now, 0-10: "
PAIN_AFTER_PROMPT = "Pain now, 0 to 10? (Enter skips) "

CANCEL_KEYS = frozenset({"q", "escape"})
"""Keys that cancel a question, or the start of a run."""


class Rating(Value, kw_only=False):
    """A pain rating, None when skipped; ``cancelled`` when q or Escape was pressed."""

    value: int | None
    cancelled: bool = False


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
