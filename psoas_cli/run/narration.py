"""What a run says at each moment, in words shared by the live screen and plain mode.

Pure: the same sentences reach a screen reader, a log file and the rich display, and tests
read them without a terminal.
"""

from __future__ import annotations

from psoas_cli.durations import format_clock, format_duration
from psoas_cli.library.describe import alternative_text, dose_text, step_name
from psoas_cli.library.guidance import (
    BEFORE_YOU_START,
    HABITS,
    PAIN_WORSE_ADVICE,
    PAIN_WORSE_MEANING,
    RED_FLAGS,
    STOP_ADVICE,
    STOP_SIGNS,
    pain_worsened,
)
from psoas_cli.library.model import Exercise, ExerciseStep, NoteStep, RepsStep, Sides, Step
from psoas_cli.library.plan import (
    BREATH_KINDS,
    SECONDS_PER_SELF_PACED_REP,
    Plan,
    Segment,
    SegmentKind,
    block,
    next_block,
)
from psoas_cli.outcome import Outcome
from psoas_cli.run.engine import GET_READY, LEAD_IN, Answered, RunReport
from psoas_cli.text import counted
from psoas_cli.value import Value

K = SegmentKind

BREATH = BREATH_KINDS

PHASE_WORDS = {
    K.INHALE: "Inhale",
    K.HOLD_IN: "Hold",
    K.EXHALE: "Exhale",
    K.HOLD_OUT: "Hold",
}

LABELS = {
    K.PREP: "Get ready",
    K.TRANSITION: "Get into position",
    K.HOLD: "Hold",
    K.MOVE: "Move",
    K.SWITCH: "Switch sides",
    K.REST: "Rest",
    K.REP: "Reps",
    K.SET: "Your pace",
    K.NOTE: "Note",
    K.CHECK: "Self-check",
    **PHASE_WORDS,
}
"""The one or two words that say what to do now, shown large on screen."""


def label(segment: Segment) -> str:
    """What to do now in a word or two: a move step says its own movement (Roll, Pivot)."""
    if segment.kind is K.MOVE and segment.text:
        return segment.text.capitalize()
    return LABELS[segment.kind]


HURT_TITLE = "Stopped because it hurts."


def option_line(plan: Plan, segment: Segment, *, interactive: bool) -> str | None:
    """At a step's get-ready, its other option (who it is for) and the key that takes it."""
    if segment.kind not in GET_READY:
        return None
    step = plan.routine.steps[segment.step]
    if not isinstance(step, ExerciseStep) or step.alternative is None:
        return None
    other = step.alternative
    if segment.step in plan.chosen:
        back = f" Press a for {step_name(step)} instead." if interactive else ""
        return f"Doing the other option: {step_name(other.step)}.{back}"
    if interactive:
        return f"If {other.when}, press a for {step_name(other.step)} instead."
    return (
        f"If {other.when}, {step_name(other.step)} ({dose_text(other.step)}) is the other "
        "option; it can be chosen at a keyboard, so this run times the main one."
    )


def step_of(plan: Plan, segment: Segment) -> Step:
    """The routine step a segment belongs to."""
    return plan.step(segment.step)


def exercise_of(plan: Plan, segment: Segment) -> Exercise | None:
    """The exercise being done in a segment, if any."""
    step = step_of(plan, segment)
    return step.exercise if isinstance(step, ExerciseStep) else None


def starts_step(plan: Plan, index: int) -> bool:
    """True for the first segment of a step, where its introduction belongs."""
    return index == 0 or plan.segments[index - 1].step != plan.segments[index].step


def step_number(plan: Plan, segment: Segment) -> tuple[int, int]:
    """Step k of n in the routine, so a run started with --from keeps the routine's numbers."""
    return segment.step + 1, len(plan.routine.steps)


def headline(plan: Plan, segment: Segment) -> str:
    """Name and side: 'Couch stretch, left side'."""
    name = step_name(step_of(plan, segment))
    return f"{name}, {segment.side.value} side" if segment.side else name


def counters(segment: Segment) -> str:
    """Set, breath and rep counters that apply: 'set 1 of 2', 'breath 3 of 12'."""
    parts = []
    if segment.sets > 1:
        parts.append(f"set {segment.set_number} of {segment.sets}")
    if segment.cycles:
        parts.append(f"breath {segment.cycle} of {segment.cycles}")
    if segment.rep:
        parts.append(f"rep {segment.rep} of {segment.reps}")
    return ", ".join(parts)


def key_cues(plan: Plan, segment: Segment, limit: int = 3) -> tuple[str, ...]:
    """The step's tip and the exercise's first cues: what to keep in mind while doing it."""
    step = step_of(plan, segment)
    exercise = exercise_of(plan, segment)
    tip = (getattr(step, "tip", "") or "",)
    cues = exercise.cues if exercise else ()
    return tuple(c for c in (*tip, *cues) if c)[:limit]


def setup_lines(plan: Plan, segment: Segment) -> tuple[str, ...]:
    """How to get into position for the exercise a get-ready leads into: its setup, or its
    first step when its file gives no setup."""
    exercise = exercise_of(plan, segment)
    if exercise is None:
        return ()
    return exercise.setup or exercise.steps[:1]


def stop_lines(plan: Plan, segment: Segment) -> tuple[str, ...]:
    """Every stop sign of the exercise, each said the same way; the general one elsewhere."""
    exercise = exercise_of(plan, segment)
    signs = exercise.stop_signs if exercise and exercise.stop_signs else STOP_SIGNS[:1]
    return tuple(f"Stop if: {sign}" for sign in signs)


def more_stop_signs(line: str, hidden: int) -> str:
    """A stop sign's line that also says how many more there are than the window shows."""
    return f"{line} (+{hidden} more)"


def check_question(plan: Plan, segment: Segment) -> str:
    """A self-check's question with the side it is about: 'Left side: Where did ...?'."""
    check = plan.check(segment)
    question = check.question if check else ""
    return f"{segment.side.value.capitalize()} side: {question}" if segment.side else question


def check_answers(plan: Plan, segment: Segment) -> tuple[str, ...]:
    """A self-check's answers, numbered for the key that picks each."""
    check = plan.check(segment)
    return tuple(f"{n}  {answer}" for n, answer in enumerate(check.answers if check else (), 1))


def check_prompt(plan: Plan, segment: Segment) -> list[str]:
    """A self-check as plain lines: the question, the numbered answers, the keys."""
    answers = check_answers(plan, segment)
    keys = f"Press 1-{len(answers)} (Enter skips)."
    return [check_question(plan, segment), *(f"  {answer}" for answer in answers), keys]


def answered_notice(answered: Answered) -> str:
    """What a self-check answer was taken as: 'Left side: a little above level'."""
    answer = answered.check.answers[answered.rank]
    side = answered.segment.side
    return f"{side.value.capitalize()} side: {answer}" if side else f"Noted: {answer}"


def skipped_notice(plan: Plan, segment: Segment, *, whole_exercise: bool) -> str:
    """What skip left out, in a few words: 'Skipped: left side', 'Skipped: rest'."""
    name = step_name(step_of(plan, segment))
    if whole_exercise:
        return f"Skipped: {name}" if segment.kind in GET_READY else f"Skipped: the rest of {name}"
    if segment.kind is K.CHECK:
        side = f", {segment.side.value} side" if segment.side else ""
        return f"Skipped: the self-check{side}"
    if segment.kind in LEAD_IN:
        return f"Skipped: {LABELS[segment.kind].lower()}"
    parts = [f"{segment.side.value} side"] if segment.side and segment.kind is not K.REP else []
    if segment.sets > 1:
        parts.append(f"set {segment.set_number} of {segment.sets}")
    return "Skipped: " + (", ".join(parts) if parts else name)


def back_notice(plan: Plan, step: int, *, step_before: bool) -> str:
    """Where back went: 'Back to: Couch stretch (from its start)'."""
    where = "the step before" if step_before else "from its start"
    return f"Back to: {step_name(plan.step(step))} ({where})"


def next_index(plan: Plan, index: int) -> int | None:
    """The next segment that is a different thing to do, skipping phases of the same block."""
    return next_block(plan.segments, index)


def later_in_block(plan: Plan, index: int) -> float:
    """Seconds of the current block after this segment (the breaths left on this side)."""
    here = block(plan.segments[index])
    later = 0.0
    for segment in plan.segments[index + 1 :]:
        if block(segment) != here:
            break
        later += segment.duration
    return later


def coming_up(plan: Plan, index: int) -> str:
    """What comes after the current block: 'Next: Switch sides, 5 s'."""
    following = next_index(plan, index)
    if following is None:
        return "Next: the end"
    segment = plan.segments[following]
    if segment.kind is K.CHECK:
        return f"Next: {check_question(plan, segment)}"
    return "Next: " + segment_summary(plan, segment)


def segment_summary(plan: Plan, segment: Segment, *, timed: bool = True) -> str:
    """A segment in a few words: 'Couch stretch, left side: hold 30 s', 'Switch sides, 5 s'."""
    seconds = format_duration(segment.duration)
    kind = segment.kind
    if kind in (K.SWITCH, K.REST, K.PREP):
        return f"{LABELS[kind]}, {seconds}" if timed else LABELS[kind]
    if kind is K.TRANSITION:
        position = f"get into position, {seconds}" if timed else "get into position"
        return f"{step_name(step_of(plan, segment))} ({position})"
    if kind is K.NOTE:
        return segment.text
    if kind in BREATH:
        return f"{headline(plan, segment)}: {segment.cycles} breaths"
    if kind in (K.REP, K.SET):
        pace = " at your own pace" if kind is K.SET else ""
        if _alternates(plan, segment):
            name = step_name(step_of(plan, segment))
            return f"{name}: {segment.reps} reps each side, alternating{pace}"
        return f"{headline(plan, segment)}: {segment.reps} reps{pace}"
    if kind is K.MOVE:
        return f"{headline(plan, segment)}: {segment.text} {seconds}"
    return f"{headline(plan, segment)}: hold {seconds}"


def introduction(plan: Plan, segment: Segment) -> list[str]:
    """A step's opening lines: its name and dose, key cues and its own stop signs."""
    step = step_of(plan, segment)
    number, count = step_number(plan, segment)
    what = (
        dose_text(step) if isinstance(step, NoteStep) else f"{step_name(step)}: {dose_text(step)}"
    )
    lines = [f"Step {number} of {count}: {what}"]
    exercise = exercise_of(plan, segment)
    if exercise is not None:
        lines += [f"  Set up: {line}" for line in setup_lines(plan, segment)]
        lines += [f"  Keep in mind: {cue}" for cue in key_cues(plan, segment)]
        lines += [f"  Stop if: {sign}" for sign in exercise.stop_signs]
    return lines


def plain_line(plan: Plan, segment: Segment, *, interactive: bool) -> str:
    """The one line plain mode prints when a segment starts."""
    seconds = format_duration(segment.duration)
    kind = segment.kind
    if kind in BREATH:
        return f"{PHASE_WORDS[kind]} {segment.duration:g}"
    if kind is K.REP:
        side = f", {segment.side.value}" if _alternates(plan, segment) and segment.side else ""
        return f"Rep {segment.rep} of {segment.reps}{side}"
    if kind is K.SET:
        where = f"{headline(plan, segment)}: {segment.reps} reps at your own pace"
        where += f" ({counters(segment)})" if counters(segment) else ""
        if interactive:
            return f"{where}. Press Enter when the set is done."
        return f"{where}, timed at {seconds} (no keyboard)."
    if kind in (K.HOLD, K.MOVE):
        extra = f" ({counters(segment)})" if counters(segment) else ""
        doing = segment.text if kind is K.MOVE else "hold"
        return f"{headline(plan, segment)}: {doing} {seconds}{extra}"
    if kind is K.REST:
        return f"Rest {seconds}" + (f". {segment.text}" if segment.text else "")
    if kind is K.NOTE:
        return f"{segment.text} ({seconds})"
    if kind is K.CHECK:
        return check_question(plan, segment)
    return f"{LABELS[kind]}: {seconds}"


def opening(plan: Plan, index: int) -> str | None:
    """The line before a block of breaths or reps: 'Psoas march: 10 reps (set 1 of 3)'."""
    segment = plan.segments[index]
    if segment.kind not in BREATH | {K.REP}:
        return None
    if index and block(plan.segments[index - 1]) == block(segment):
        return None
    sets = f" (set {segment.set_number} of {segment.sets})" if segment.sets > 1 else ""
    return segment_summary(plan, segment) + sets


def _alternates(plan: Plan, segment: Segment) -> bool:
    step = step_of(plan, segment)
    return isinstance(step, RepsStep) and step.sides is Sides.ALTERNATE


def progress_text(position: float, total: float, step: tuple[int, int]) -> str:
    """Overall progress: '2:31 of 11:41 · step 2 of 5'."""
    return f"{format_clock(position)} of {format_clock(total)} · step {step[0]} of {step[1]}"


def started_later(plan: Plan) -> bool:
    """Whether the plan begins after the routine's first step (a run with --from)."""
    return bool(plan.step_indices) and plan.step_indices[0] > 0


def steps_covered(plan: Plan) -> str:
    """The steps a plan covers, numbered as each step's own line numbers them: '5 steps',
    or after --from 'steps 4 to 5 of 5', never '2 steps' that the screen calls 4 and 5."""
    if not started_later(plan):
        return counted(len(plan.step_indices), "step")
    first, last = plan.step_indices[0] + 1, plan.step_indices[-1] + 1
    total = len(plan.routine.steps)
    return f"step {last} of {total}" if first == last else f"steps {first} to {last} of {total}"


def safety_lines(plan: Plan, speed: float = 1.0, *, interactive: bool = True) -> list[str]:
    """What to read before starting: have pain assessed, the routine's notes, when to stop,
    and at a keyboard the key that stops the run (without one, no key is promised)."""
    routine = plan.routine
    about = "about " if plan.approximate else ""
    lines = [f"{routine.title}: {steps_covered(plan)}, {about}{format_clock(plan.total)}"]
    if speed != 1:
        lines.append(f"At {speed:g}x speed: {about}{format_clock(plan.total / speed)}")
    lines += ["", "Before you start:"]
    lines += [f"  • {note}" for note in (BEFORE_YOU_START, RED_FLAGS, *routine.safety)]
    lines += ["", "Stop, and see a professional, if you notice:"]
    lines += [f"  • {sign}" for sign in STOP_SIGNS]
    if interactive:
        lines += ["", "Press ! at any moment if something hurts: the run stops at once."]
    return lines


def habit_tip(day: int) -> str:
    """One everyday habit from the articles, a different one each day."""
    return f"Tip: {HABITS[day % len(HABITS)]}"


def hurt_lines(plan: Plan, index: int) -> list[str]:
    """The guidance shown after '!': this exercise's warnings, when to stop, whom to see."""
    exercise = exercise_of(plan, plan.segments[index]) if plan.segments else None
    own = (
        [f"Warning signs for {exercise.name}:", *(f"  • {s}" for s in exercise.stop_signs)]
        if exercise and exercise.stop_signs
        else []
    )
    return [
        HURT_TITLE,
        "Ease out of the position slowly and rest.",
        *own,
        "Do not go on today if any of these apply:",
        *(f"  • {sign}" for sign in STOP_SIGNS),
        STOP_ADVICE,
    ]


def pain_worse_lines(before: int | None, after: int | None, outcome: Outcome) -> list[str]:
    """After a session that showed the stop sign "pain that gets worse": what happened, what
    it means and when to see a professional; nothing after any other session."""
    if not pain_worsened(before, after, hurt=outcome is Outcome.HURT):
        return []
    happened = []
    if outcome is Outcome.HURT:
        happened.append("You stopped because it hurt.")
    if before is not None and after is not None and after > before:
        happened.append(f"Your pain went from {before} before to {after} after.")
    return [
        " ".join(happened),
        PAIN_WORSE_MEANING,
        *(f"  • {advice}" for advice in PAIN_WORSE_ADVICE),
    ]


class Summary(Value, kw_only=False):
    """The few facts printed after every run."""

    headline: str
    detail: str


def summary(plan: Plan, report: RunReport) -> Summary:
    """'Completed daily-10min in 11:41', then steps done and skipped by name."""
    done = len(report.steps_done)
    time_done = format_clock(report.active_seconds)
    completed = (
        f"Completed {plan.routine.name} in {time_done}."
        if done
        else f"Reached the end of {plan.routine.name} after {time_done}, every step skipped."
    )
    heads = {
        Outcome.COMPLETED: completed,
        Outcome.QUIT: f"Quit {plan.routine.name} after {time_done}.",
        Outcome.HURT: f"Stopped {plan.routine.name} after {time_done} because it hurt.",
        Outcome.INTERRUPTED: f"Interrupted {plan.routine.name} after {time_done}.",
    }
    detail = f"Steps done: {done} of {report.steps_total}"
    if started_later(plan):
        detail += f" ({steps_covered(plan)})"
    if report.steps_skipped:
        skipped = ", ".join(step_name(plan.step(i)) for i in report.steps_skipped)
        detail += f"; skipped: {skipped}"
    if report.paused_seconds >= 1:
        detail += f"; paused {format_clock(report.paused_seconds)}"
    return Summary(heads[report.outcome], detail + ".")


def timeline(plan: Plan) -> list[str]:
    """The dry run: each block with its start time and length, then the total."""
    routine = plan.routine
    lines = [f"{routine.name}: {routine.title}", f"{'start':>7}  {'time':>5}  what"]
    index = 0
    position = 0.0
    while index < len(plan.segments):
        end = next_index(plan, index) or len(plan.segments)
        seconds = sum(s.duration for s in plan.segments[index:end])
        segment = plan.segments[index]
        what = segment_summary(plan, segment, timed=False)
        if segment.sets > 1 and segment.kind is not K.REST:
            what += f" (set {segment.set_number} of {segment.sets})"
        lines.append(f"{format_clock(position):>7}  {format_clock(seconds):>5}  {what}")
        option = alternative_text(plan.routine.steps[segment.step])
        if segment.kind in GET_READY and option is not None:
            lines.append(f"{'':>16}{option} (press a at this get-ready)")
        position += seconds
        index = end
    estimate = (
        f" (self-paced sets estimated at {format_duration(SECONDS_PER_SELF_PACED_REP)} per rep)"
        if plan.approximate
        else ""
    )
    lines.append(f"Total: {'~' if plan.approximate else ''}{format_clock(plan.total)}{estimate}")
    return lines
