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

HABITS = (
    "Stand up and move every 30 to 45 minutes of sitting.",
    "A standing desk, used part of the day, breaks up long sitting.",
    "Sleep on your side with a pillow between the knees rather than curled up tight.",
    "While the hips are sore, keep away from uphill or sloping runs for a while.",
    "Ten minutes of heat on the front of the belly each day can help the area relax.",
    "On long drives, use cruise control now and then so you can stretch the legs.",
    "Track how you are doing with a 0-10 pain rating and the hang test.",
)
