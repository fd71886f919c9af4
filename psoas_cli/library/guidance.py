"""Safety guidance that applies to every routine, in one place for every screen that shows it."""

from __future__ import annotations

BEFORE_YOU_START = (
    "Have hip or low-back pain assessed by a GP, physiotherapist or osteopath before you "
    "rely on self-care: it can have many causes, and these routines do not replace that."
)
"""Opens the safety screen of every run, and show and the handout carry it too (000-002)."""

STOP_SIGNS = (
    "sharp, shooting or radiating pain, or pain that runs down the leg (a nerve may be involved)",
    "pain that gets worse right after a stretch",
    "movement that stays badly restricted",
    "pain that has lasted more than a week despite regular self-care",
)
"""The first is the one the run keeps on screen."""

RED_FLAGS = (
    "Do not start, and see a doctor at once, if back or hip pain comes with new bladder or "
    "bowel trouble, numbness in the groin or saddle area, fever or unexplained weight loss, "
    "night pain that rest does not ease, or after a fall or accident (psoas's addition, not "
    "from the articles)."
)
"""Signs that need a doctor, not exercise: said before every start, after the assessment."""

PAIN_WORSENED = (
    "Pain rose by 2 or more after a session, or one was stopped because it hurt, in the last "
    "two weeks; that routine's doses step back from the next day. Take it gently, and stop "
    "and see a professional if you notice:"
)
"""Said by the programme views after pain worsened (psoas's addition to the articles' stop
sign "pain gets worse right after a stretch"), before the stop signs again."""

SEE_A_PROFESSIONAL = (
    "Pain has worsened 3 times within two weeks, so the programme's doses will not grow for "
    "now. Please have it looked at by a physiotherapist, GP or osteopath before you go on."
)
"""Said when repeated worsening pauses a programme's progression."""

STOP_ADVICE = "Stop and see a health professional, such as a physiotherapist, GP or osteopath."

PAIN_WORSE_BY = 2
"""A rise of this much on the 0-10 scale from before a session to after it is the stop sign
"pain that gets worse", not just a number to keep (psoas's addition to the articles)."""


def pain_worsened(before: int | None, after: int | None, *, hurt: bool) -> bool:
    """Whether a session showed the stop sign "pain that gets worse": it was stopped with
    "!" (``hurt``), or pain after was at least PAIN_WORSE_BY above pain before.

    The after-run warning, ``psoas stats`` and a programme's step-back all ask this.
    """
    if hurt:
        return True
    return before is not None and after is not None and after - before >= PAIN_WORSE_BY


PAIN_WORSE_MEANING = (
    "Pain that gets worse during or right after a session is a stop sign: today the "
    "routine asked more of your hip than it could give."
)
"""What the stop sign means, said after such a session, before it is saved."""

PAIN_WORSE_ADVICE = (
    "Ease off: rest today, and next time go less deep, hold for less time, do fewer reps.",
    "If it happens again, or the pain is still there in a day or two, see a health "
    "professional, such as a physiotherapist, GP or osteopath, before you go on.",
    "If it is sharp or shooting, or runs down the leg, see one before you exercise again.",
)
"""What to do about it, and when to see a professional (psoas's addition, after the
articles' stop sign "pain that gets worse right after a stretch")."""

HABITS = (
    "get up and move every 30 to 45 minutes when you sit for long stretches.",
    "a standing desk for part of the day gives the hip flexors a break from sitting.",
    "sleep on your side, a pillow between your knees, rather than curled up tight.",
    "while the front of the hip is sore, walk and run on the flat, not uphill or on slopes.",
    "ten minutes of warmth on the front of the belly each day can help the area relax.",
    "on long drives, cruise control lets you stretch your legs out now and then.",
    "note your pain (0 to 10) and a mobility check such as the hang test to see change.",
)
"""Everyday habits from the articles, offered one at a time after a completed run."""
