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
    "get up and move every 30 to 45 minutes when you sit for long stretches.",
    "a standing desk for part of the day gives the hip flexors a break from sitting.",
    "sleep on your side with a pillow between the knees rather than curled up tight.",
    "while the front of the hip is sore, leave out uphill and sloped runs for a while.",
    "ten minutes of warmth on the front of the belly each day can help the area relax.",
    "on long drives, cruise control lets you stretch your legs out now and then.",
    "note your pain (0 to 10) and a mobility check such as the hang test to see change.",
)
"""Everyday habits from the articles, offered one at a time after a completed run."""
