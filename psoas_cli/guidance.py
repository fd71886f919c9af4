"""Safety guidance that applies to every routine, in one place for every screen that shows it."""

from __future__ import annotations

BEFORE_YOU_START = (
    "Pain around the hip and low back can have many causes. If you have it, ask a health "
    "professional (a GP, physiotherapist or osteopath) to assess it; these routines do not "
    "replace that."
)

STOP_SIGNS = (
    "sharp, shooting or radiating pain, or pain that runs down the leg (a nerve may be involved)",
    "pain that gets worse right after a stretch",
    "movement that stays badly restricted",
    "pain that has lasted more than a week despite regular self-care",
)

STOP_ADVICE = "Stop and see a health professional, such as a physiotherapist, GP or osteopath."
