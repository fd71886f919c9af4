"""The bounds of values a person sets, shared by the command line and the config file.

A leaf with no imports, so the command line can name its limits without loading more.
"""

MAX_CUE_SECONDS = 600.0
"""The longest get-ready, switch-sides or next-up cue: 10 minutes."""

MAX_SPEED = 1000
"""The fastest preview, as a multiple of real time."""

MAX_WEEKLY_GOAL = 14
"""The most runs a week a goal may ask for: two a day."""

MAX_PLAN_SEGMENTS = 100_000
"""The most segments a routine's plan may hold; a real one has a few hundred."""

MAX_PLAN_SECONDS = 24 * 3600.0
"""The longest a routine may take in all: a day."""
