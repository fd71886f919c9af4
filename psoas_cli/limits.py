"""The bounds of values a person sets, shared by the command line and the config file.

A leaf with no imports, so the command line can name its limits without loading more.
"""

MAX_CUE_SECONDS = 600.0
"""The longest get-ready, switch-sides or next-up cue: 10 minutes."""

MAX_SPEED = 1000
"""The fastest preview, as a multiple of real time."""

MIN_SPEED = 0.1
"""The slowest run, as a multiple of real time: ten times slower; less would stall a run."""

MAX_VOLUME = 100
"""The loudest volume, as a percentage; 0 is silent."""

DEFAULT_VOLUME = 80
"""The volume a run starts at: loud enough across a room, with room to go up."""

MAX_RECORD_ID = 2**63 - 1
"""The largest session ID or count SQLite can hold; a larger one is a typing mistake."""

MAX_LIST_LIMIT = 1_000_000
"""The most sessions --limit may ask for; more than anyone records, and readable in --help."""

MAX_STEP_DIGITS = 6
"""More digits than any step number or day count has; longer text is not turned into an int."""

MAX_WEEKLY_GOAL = 14
"""The most runs a week a goal may ask for: two a day."""

SECONDS_PER_SELF_PACED_REP = 3.0
"""Our estimate for a rep done at the person's own pace; no article gives one. Here rather
than in the plan so that ``psoas list`` can say it without loading the plan."""

MAX_PLAN_SEGMENTS = 100_000
"""The most segments a routine's plan may hold; a real one has a few hundred."""

MAX_PLAN_SECONDS = 24 * 3600.0
"""The longest a routine may take in all: a day."""

MIN_COLUMNS = 20
MAX_COLUMNS = 1000
"""The range COLUMNS is held to: 0 or a negative width would print nothing, and a huge one
would pad every line to megabytes."""

MIN_LINES = 5
MAX_LINES = 1000
"""The range LINES is held to, for the same reasons."""


def clamped_setting(setting: str | None, least: int, most: int) -> int | None:
    """A whole number from the environment held to ``least``..``most``; None when it is unset
    or not a whole number in ASCII digits, so the terminal's own size is used.

    Counted by its digits before ``int`` is called, so 5,000 digits are simply too many.
    """
    text = (setting or "").strip()
    negative = text[:1] == "-"
    digits = text[1:] if negative else text
    if not (digits.isascii() and digits.isdigit()):
        return None
    if negative:
        return least
    if len(digits.lstrip("0")) > len(str(most)):
        return most
    return min(max(int(digits), least), most)


PAIN_SCALE = range(11)
"""Pain ratings, 0 (none) to 10 (the worst imaginable), as asked before and after a run."""
