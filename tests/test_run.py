"""A guided run as a person sees it: the plain transcript, the live screen, the summary."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from bigtype import read_big
from click.testing import CliRunner
from fakes import FakeClock, ScriptedCommands, fake_session
from rich.cells import cell_len
from rich.console import Console

from psoas_cli.cli import cli
from psoas_cli.display.live import LiveDisplay, make_live_console
from psoas_cli.display.plain import PlainDisplay
from psoas_cli.library.catalog import Catalog, load_catalog
from psoas_cli.library.describe import step_name
from psoas_cli.library.guidance import BEFORE_YOU_START, RED_FLAGS
from psoas_cli.library.model import NoteStep
from psoas_cli.library.plan import Plan, SegmentKind, build_plan
from psoas_cli.outcome import Outcome
from psoas_cli.run.engine import (
    Command,
    HelpRequested,
    Moment,
    Paused,
    RunReport,
    SegmentStarted,
    Tick,
)
from psoas_cli.run.narration import safety_lines
from psoas_cli.session import MORE_PROMPT, Pager, RunSettings, make_plan
from psoas_cli.text import hanging

K = SegmentKind


def plain_run(plan: Plan, settings: RunSettings | None = None) -> tuple[str, Outcome, float]:
    """Run in plain mode with no keyboard on a fake clock; the transcript and how it ended."""
    clock = FakeClock()
    out = io.StringIO()
    report = fake_session(clock, out).run(plan, settings or RunSettings())
    return out.getvalue(), report.outcome, clock.now - 1000.0


def test_plain_transcript_of_the_breathing_minute(builtin_catalog: Catalog) -> None:
    """Plain mode prints the safety screen, one line per breath phase, and the summary."""
    plan = build_plan(builtin_catalog.routines["breathing-minute"].routine)
    text, outcome, seconds = plain_run(plan)
    lines = text.splitlines()
    assert lines[0] == "Breathing minute: 1 step, 1:05"
    assert "Stop, and see a professional, if you notice:" in lines
    assert not [line for line in lines if "Press" in line or "press" in line]  # no keyboard
    start = lines.index(
        "Step 1 of 1: 360° diaphragm breathing: breathe in 5 s, out 5 s, 1 min (6 breaths)"
    )
    assert lines[start + 1 : start + 3] == [
        "  Set up: Sit or stand tall, or lie on your back.",
        "  Set up: Put a hand on each side of your lower ribs.",
    ]
    assert lines[start + 3].startswith("  Keep in mind: ")
    assert "  Stop if: Dizziness or tingling in the hands; breathe normally and rest" in lines
    body = lines[lines.index("Get ready: 5 s") :]
    assert body[:4] == [
        "Get ready: 5 s",
        "360° diaphragm breathing: 6 breaths",
        "Inhale 5",
        "Exhale 5",
    ]
    assert body[2:14] == ["Inhale 5", "Exhale 5"] * 6
    assert body[14:] == [
        "",
        "Completed breathing-minute in 1:05.",
        "Steps done: 1 of 1.",
        "",
        "Saved as session 1: see psoas history, psoas stats.",
    ]
    assert "\x1b" not in text and "\a" not in text
    assert outcome is Outcome.COMPLETED
    assert seconds == pytest.approx(65.0)


def test_the_safety_screen_opens_with_having_pain_assessed(builtin_catalog: Catalog) -> None:
    """Before step 1: have the pain assessed, then the red flags, then the routine's own notes."""
    routine = builtin_catalog.routines["abdominal-release"].routine
    lines = plain_run(build_plan(routine))[0].splitlines()
    notes = [line for line in lines if line.startswith("  • ")]
    assert notes[:2] == [f"  • {BEFORE_YOU_START}", f"  • {RED_FLAGS}"]
    assert notes[2 : 2 + len(routine.safety)] == [f"  • {note}" for note in routine.safety]
    assert "GP, physiotherapist or osteopath" in BEFORE_YOU_START
    step_one = next(i for i, line in enumerate(lines) if line.startswith("Step 1 of"))
    assert lines.index(notes[0]) < step_one


def test_plain_transcript_names_sides_sets_and_reps(builtin_catalog: Catalog) -> None:
    """Holds say their side and set, switches and rests are announced, reps are counted."""
    plan = build_plan(builtin_catalog.routines["daily-10min"].routine)
    text, _, seconds = plain_run(plan)
    lines = text.splitlines()
    for expected in (
        "Couch stretch, left side: hold 30 s (set 1 of 2)",
        "Switch sides: 5 s",
        "Couch stretch, right side: hold 30 s (set 1 of 2)",
        "Rest 10 s",
        "Psoas march (dead-bug progression): 10 reps each side, alternating (set 1 of 3)",
        "Rep 3 of 10, left",
        "Rep 3 of 10, right",
        "Band hip flexion, left side: 12 reps (set 2 of 2)",
        "Rep 12 of 12",
        "No keyboard: self-paced sets are timed at 3 s per rep.",
        "Reverse lunge, left side: 10 reps at your own pace (set 1 of 2), timed at 30 s "
        "(no keyboard).",
    ):
        assert expected in lines, expected
    assert seconds == pytest.approx(809.0)


def test_speed_shortens_the_run_but_not_the_words(builtin_catalog: Catalog) -> None:
    """At 10x the run takes a tenth of the time and the transcript still reads 'hold 30 s'."""
    plan = build_plan(builtin_catalog.routines["kneeling-stretch"].routine)
    normal, _, normal_seconds = plain_run(plan)
    fast, _, fast_seconds = plain_run(plan, RunSettings(speed=10))
    assert fast_seconds == pytest.approx(normal_seconds / 10)
    assert fast.replace("At 10x speed: 0:", "").count("hold") == normal.count("hold")
    assert "At 10x speed:" in fast


def moment_at(plan: Plan, kind: SegmentKind, elapsed: float, *, paused: bool = False) -> Moment:
    index = next(i for i, s in enumerate(plan.segments) if s.kind is kind)
    segment = plan.segments[index]
    return Moment(
        index=index,
        segment=segment,
        duration=segment.duration,
        remaining=segment.duration - elapsed,
        elapsed=elapsed,
        paused=paused,
    )


def screen(plan: Plan, moment: Moment, width: int) -> str:
    console = Console(file=io.StringIO(), width=width, height=30, color_system=None, record=True)
    display = LiveDisplay(console, plan, interactive=True)
    console.print(display.render(moment))
    return console.export_text()


@pytest.mark.parametrize("width", [40, 100])
def test_live_screen_during_a_hold(builtin_catalog: Catalog, width: int) -> None:
    """A hold shows name and side, set, big time, cues, stop sign, what is next and progress."""
    plan = build_plan(builtin_catalog.routines["daily-10min"].routine)
    text = screen(plan, moment_at(plan, K.HOLD, 12.0), width)
    lines = text.splitlines()
    assert lines[0] == "Couch stretch, left side"
    assert lines[1] == "HOLD · set 1 of 2"
    assert "0:18" in read_big(lines)
    assert "• Tailbone tucked, back glute on" in lines
    assert any(line.startswith("Stop if: Sharp pain in the knee") for line in lines)
    assert "Next: Switch sides, 5 s" in lines
    assert "2:22 of 13:29 · step 2 of 5" in text
    assert all(len(line) <= width for line in lines)


@pytest.mark.parametrize("width", [40, 100])
def test_live_breath_pacer_fills_and_empties(builtin_catalog: Catalog, width: int) -> None:
    """The pacer is partly full mid-inhale, with the phase word and its count beside it."""
    plan = build_plan(builtin_catalog.routines["breathing-minute"].routine)
    inhale = screen(plan, moment_at(plan, K.INHALE, 2.0), width)
    exhale = screen(plan, moment_at(plan, K.EXHALE, 4.0), width)
    pacer_in = next(line for line in inhale.splitlines() if "Inhale 3" in line)
    pacer_out = next(line for line in exhale.splitlines() if "Exhale 1" in line)
    cells = pacer_in.index("  Inhale")
    assert 0 < pacer_in.count("█") < cells
    assert 0 < pacer_out.count("█") < pacer_in.count("█")
    assert "INHALE · breath 1 of 6" in inhale
    assert "0:58" in read_big(inhale.splitlines())


def test_a_move_step_says_its_movement_not_hold(builtin_catalog: Catalog) -> None:
    """The abdominal release's rolling and pivoting parts say ROLL and PIVOT, never HOLD."""
    plan = build_plan(builtin_catalog.routines["abdominal-release"].routine)
    lines = screen(plan, moment_at(plan, K.MOVE, 10.0), 100).splitlines()
    assert lines[:2] == ["Front abdominal release", "ROLL"]
    transcript, outcome, _ = plain_run(plan)
    assert outcome is Outcome.COMPLETED
    assert "Front abdominal release: roll 1 min 30 s" in transcript
    assert "Front abdominal release, left side: pivot 1 min 30 s" in transcript
    assert ": hold" not in transcript


def test_live_screen_marks_the_last_seconds_and_pauses(builtin_catalog: Catalog) -> None:
    """The last three seconds of a hold say so; a paused run says how to go on."""
    plan = build_plan(builtin_catalog.routines["daily-10min"].routine)
    ending = screen(plan, moment_at(plan, K.HOLD, 28.0), 100)
    assert "HOLD · set 1 of 2 · ending" in ending
    paused = screen(plan, moment_at(plan, K.HOLD, 5.0, paused=True), 100)
    assert "PAUSED · press space to go on" in paused


def test_live_display_redraws_only_when_the_screen_changes(builtin_catalog: Catalog) -> None:
    """Ten ticks inside one second draw one frame; a new second or a pause draws again."""
    plan = build_plan(builtin_catalog.routines["daily-10min"].routine)
    console = Console(file=io.StringIO(), width=100, height=30, color_system=None)
    display = LiveDisplay(console, plan, interactive=True)
    with display:
        display(SegmentStarted(moment_at(plan, K.HOLD, 0.0)))
        for tenth in range(1, 10):
            display(Tick(moment_at(plan, K.HOLD, tenth / 10)))
        assert display.frames_drawn == 1
        display(Tick(moment_at(plan, K.HOLD, 1.0)))
        display(Paused(moment_at(plan, K.HOLD, 1.0, paused=True)))
        assert display.frames_drawn == 3


def test_run_command_plain_without_a_terminal() -> None:
    """`psoas run` in a pipe runs in plain mode, ends with a summary and exits 0."""
    result = CliRunner().invoke(cli, ["run", "breathing-minute", "--speed", "1000"])
    assert result.exit_code == 0, result.output
    assert "Inhale 5" in result.output
    assert "Completed breathing-minute in 0:00." in result.output


def test_dry_run_prints_the_timeline() -> None:
    """--dry-run lists each block with its start and length, and the total, without waiting."""
    result = CliRunner().invoke(cli, ["run", "daily-10min", "--dry-run", "--no-prep"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1:4] == [
        "  start   time  what",
        "   0:00   2:00  Belly breathing with pelvic tilts: 12 breaths",
        "   2:00   0:05  Couch stretch (get into position)",
    ]
    assert lines[-1] == "Total: ~13:24 (self-paced sets estimated at 3 s per rep)"


def test_from_accepts_a_step_number_or_an_exercise() -> None:
    """--from 2 and --from couch-stretch start at the same step; a wrong step is a usage error."""
    by_number = CliRunner().invoke(cli, ["run", "daily-10min", "--dry-run", "--from", "2"])
    by_name = CliRunner().invoke(
        cli, ["run", "daily-10min", "--dry-run", "--from", "couch-stretch"]
    )
    assert by_number.output == by_name.output
    assert "Couch stretch, left side: hold 30 s (set 1 of 2)" in by_number.output.splitlines()[3]
    wrong = CliRunner().invoke(cli, ["run", "daily-10min", "--from", "9"])
    assert wrong.exit_code == 2
    assert "daily-10min has steps 1 to 5." in wrong.output


def test_run_refuses_unclear_targets(tmp_path: Path) -> None:
    """No routine, two routines, or an exercise instead of a routine are usage errors."""
    neither = CliRunner().invoke(cli, ["run"])
    both = CliRunner().invoke(cli, ["run", "daily-10min", "--file", str(tmp_path / "x.yaml")])
    exercise = CliRunner().invoke(cli, ["run", "couch-stretch"])
    for result in (neither, both, exercise):
        assert result.exit_code == 2
    assert "is an exercise, not a routine: psoas show couch-stretch" in exercise.output
    missing = CliRunner().invoke(cli, ["run", "daily-10mn"])
    assert missing.exit_code == 1
    assert "did you mean 'daily-10min'?" in missing.output


def test_config_file_sets_option_defaults(psoas_home: Path) -> None:
    """Values in config.yaml become defaults; the command line still wins."""
    psoas_home.mkdir(parents=True)
    (psoas_home / "config.yaml").write_text("run:\n  prep: 12s\n  switch: 0\n", encoding="utf-8")
    from_file = CliRunner().invoke(cli, ["run", "kneeling-stretch", "--dry-run"])
    assert "   0:00   0:12  Get ready" in from_file.output
    assert "Switch sides" not in from_file.output
    given = CliRunner().invoke(cli, ["run", "kneeling-stretch", "--dry-run", "--prep", "3"])
    assert "   0:00   0:03  Get ready" in given.output


def test_config_file_mistakes_name_file_line_and_field(psoas_home: Path) -> None:
    """A wrong setting stops the run with file:line:column, the field and what is expected."""
    psoas_home.mkdir(parents=True)
    config = psoas_home / "config.yaml"
    config.write_text("run:\n  prep: soon\n  loud: true\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", "daily-10min", "--dry-run"])
    assert result.exit_code == 1
    assert (
        f'{config}:2:9: run.prep: expected a duration like 30, 30s, 2m or 1:30, got "soon"'
        in result.output
    )
    assert f"{config}:3:3: run.loud: unknown field for 'run' settings" in result.output
    assert result.output.index(":2:9:") < result.output.index(":3:3:")
    assert "Traceback" not in result.output


def run_with_keys(plan: Plan, script: list[tuple[float, Command]]) -> tuple[str, RunReport, float]:
    """A plain run on the fake clock with keys pressed at given seconds; transcript, report,
    and the seconds it took."""
    clock = FakeClock()
    out = io.StringIO()
    keys = ScriptedCommands(clock, script, typed=["enter"] * 4)
    settings = RunSettings(yes=True, history_wanted=False)
    report = fake_session(clock, out, keys=keys).run(plan, settings)
    return out.getvalue(), report, clock.now - clock.start


def get_ready_starts(plan: Plan, step: int) -> float:
    """The second into the run at which the get-ready before ``step`` begins."""
    index = next(
        i for i, s in enumerate(plan.segments) if s.kind is K.TRANSITION and s.step == step
    )
    return sum(s.duration for s in plan.segments[:index])


def test_the_other_option_is_offered_at_its_get_ready_and_taken_with_a(
    builtin_catalog: Catalog,
) -> None:
    """In release-20min, a at the kneeling stretch's get-ready runs the overhead version."""
    plan = build_plan(builtin_catalog.routines["release-20min"].routine)
    offer = (
        "If the kneeling stretch makes your low back arch, press a for Overhead kneeling "
        "psoas stretch instead."
    )
    main, main_report, main_seconds = run_with_keys(plan, [])
    assert offer in main and "Kneeling psoas stretch, left side: hold 2 min" in main
    assert "Overhead kneeling psoas stretch" not in main.split(offer)[1]
    assert main_seconds == pytest.approx(plan.total)
    pressed_at = get_ready_starts(plan, 1) + 2.0
    other, report, seconds = run_with_keys(plan, [(pressed_at, Command.OTHER_OPTION)])
    assert "Doing the other option: Overhead kneeling psoas stretch." in other
    assert "Step 2 of 3: Overhead kneeling psoas stretch: breathe in 4 s, out 6 s" in other
    assert "Overhead kneeling psoas stretch, left side" in other
    assert "Kneeling psoas stretch, left side: hold" not in other
    assert report.outcome is main_report.outcome is Outcome.COMPLETED
    assert report.steps_done == main_report.steps_done == (0, 1, 2)
    chosen = build_plan(plan.routine, chosen=frozenset({1}))
    assert seconds == pytest.approx(chosen.total)
    assert chosen.total < plan.total


def test_pressing_a_again_goes_back_and_a_outside_a_get_ready_does_nothing(
    builtin_catalog: Catalog,
) -> None:
    """a twice at the get-ready returns to the main exercise; a during a hold changes nothing."""
    plan = build_plan(builtin_catalog.routines["release-20min"].routine)
    at = get_ready_starts(plan, 1)
    twice, _, seconds = run_with_keys(
        plan, [(at + 1.0, Command.OTHER_OPTION), (at + 2.0, Command.OTHER_OPTION)]
    )
    assert "Doing the other option" in twice
    assert "Kneeling psoas stretch, left side: hold 2 min" in twice
    assert seconds == pytest.approx(plan.total)
    during_hold, _, seconds = run_with_keys(plan, [(30.0, Command.OTHER_OPTION)])
    assert "Doing the other option" not in during_hold
    assert seconds == pytest.approx(plan.total)


def test_the_live_get_ready_offers_the_other_option(builtin_catalog: Catalog) -> None:
    """The get-ready screen before the kneeling stretch says who the other option is for."""
    plan = build_plan(builtin_catalog.routines["release-20min"].routine)
    index = next(i for i, s in enumerate(plan.segments) if s.kind is K.TRANSITION)
    segment = plan.segments[index]
    moment = Moment(
        index=index,
        segment=segment,
        duration=segment.duration,
        remaining=3.0,
        elapsed=segment.duration - 3.0,
        paused=False,
    )
    text = " ".join(screen(plan, moment, 100).split())
    assert "press a for Overhead kneeling psoas stretch instead." in text


def test_a_step_skipped_after_taking_its_other_option_is_named_as_that_option(
    builtin_catalog: Catalog,
) -> None:
    """The summary names the exercise that was actually skipped, not the one it replaced."""
    plan = build_plan(builtin_catalog.routines["release-20min"].routine)
    at = get_ready_starts(plan, 1)
    text, report, _ = run_with_keys(
        plan, [(at + 1.0, Command.OTHER_OPTION), (at + 10.0, Command.SKIP)]
    )
    assert report.steps_skipped == (1,)
    assert "skipped: Overhead kneeling psoas stretch." in text


def test_without_a_keyboard_the_other_option_is_named_with_its_dose() -> None:
    """A run nobody can press keys in says what the option is and that it times the main one."""
    routine = load_catalog().routines["release-20min"].routine
    text, _, _ = plain_run(build_plan(routine))
    assert (
        "If the kneeling stretch makes your low back arch, Overhead kneeling psoas stretch "
        "(breathe in 4 s, out 6 s, 4 breaths, each side) is the other option; it can be chosen "
        "at a keyboard, so this run times the main one."
    ) in text


def assert_bullets_hang(lines: list[str], width: int) -> None:
    """Every line fits, and each line after a bullet's first is indented under its text."""
    assert all(len(line) <= width for line in lines)
    in_bullet = False
    for line in lines:
        if line.startswith("  • "):
            in_bullet = True
        elif in_bullet and line:
            assert line.startswith("    ") and not line.startswith("     "), line
        else:
            in_bullet = False


def test_wrapped_safety_bullets_keep_their_indent_on_the_live_screen(
    builtin_catalog: Catalog,
) -> None:
    """At 40 columns each safety bullet wraps under its own text, not the screen's edge."""
    plan = build_plan(builtin_catalog.routines["daily-10min"].routine)
    console = Console(file=io.StringIO(), width=40, height=30, color_system=None, record=True)
    LiveDisplay(console, plan, interactive=True).lines(safety_lines(plan))
    lines = console.export_text().splitlines()
    assert sum(line.startswith("    ") for line in lines) > 5
    assert_bullets_hang(lines, 40)


def test_text_on_the_live_screen_is_printed_as_written(builtin_catalog: Catalog) -> None:
    """Lines outside the frame come out as the words wrapped to the window, line for line:
    an emoji code or brackets in a note stay text, as typed."""
    plan = build_plan(builtin_catalog.routines["daily-10min"].routine)
    out = io.StringIO()
    note = "Note: :thumbs_up: after [bold]the long drive[/bold] :pill:"
    console = make_live_console(out)
    LiveDisplay(console, plan, interactive=True).lines([*safety_lines(plan), "", note])
    written = [*safety_lines(plan), "", note]
    expected = [part for line in written for part in hanging(line, console.width)]
    assert out.getvalue().splitlines() == expected
    assert out.getvalue().splitlines()[-1] == note


def test_text_two_cells_wide_is_wrapped_to_the_window_on_the_live_screen(
    builtin_catalog: Catalog,
) -> None:
    """A note in characters two cells wide, whose length understates its width, still fits
    the window line by line: rich measures and wraps it."""
    plan = build_plan(builtin_catalog.routines["daily-10min"].routine)
    console = Console(file=io.StringIO(), width=40, height=30, color_system=None, record=True)
    note = "メモ: " + "腰の前をゆっくり伸ばす " * 4
    LiveDisplay(console, plan, interactive=True).lines([note])
    shown = console.export_text().splitlines()
    assert len(shown) > 2
    assert all(cell_len(line) <= 40 for line in shown)
    assert "".join(shown).replace(" ", "") == note.replace(" ", "")


def test_wrapped_lines_of_the_live_screen_keep_their_indent_at_40_columns(
    builtin_catalog: Catalog,
) -> None:
    """At 40 columns a wrapped setup line or cue carries on under its text after the bullet,
    and a key's meaning in the ? panel under the meanings' column, never at the edge."""
    plan = build_plan(builtin_catalog.routines["release-20min"].routine)
    prep = screen(plan, moment_at(plan, K.PREP, 1.0), 40).splitlines()
    assert "• Hug one knee to your chest with both" in prep
    hug = prep.index("• Hug one knee to your chest with both")
    assert prep[hug + 1] == "  hands; feel the low back press flat"
    daily = build_plan(builtin_catalog.routines["daily-10min"].routine)
    console = Console(file=io.StringIO(), width=40, height=30, color_system=None, record=True)
    display = LiveDisplay(console, daily, interactive=True)
    display(HelpRequested())
    console.print(display.render(moment_at(daily, K.HOLD, 5.0)))
    panel = [line.rstrip() for line in console.export_text().splitlines()]
    start = next(n for n, line in enumerate(panel) if line.startswith("n  →  skip"))
    assert panel[start : start + 2] == [
        "n  →  skip this side or set (or end a",
        "      get-ready, switch or rest now)",
    ]
    assert all(len(line) <= 40 for line in panel)


def test_the_safety_screen_comes_a_screenful_at_a_time_on_a_small_terminal(
    builtin_catalog: Catalog,
) -> None:
    """At 40x15 each page holds at most the 13 lines that fit above the prompt and its row,
    every line is shown once, and q at a prompt cancels the run before it starts."""
    plan = build_plan(builtin_catalog.routines["daily-10min"].routine)
    out = io.StringIO()
    keys = ScriptedCommands(FakeClock(), typed=[" ", "enter"])
    pager = Pager(PlainDisplay(out, plan, interactive=True, width=40), keys, (40, 15))
    assert pager.lines(safety_lines(plan))
    shown = out.getvalue().splitlines()
    pages = "\n".join(shown).split(MORE_PROMPT)
    assert len(pages) == 3 and keys.typed == []
    assert all(len(page.strip("\n").splitlines()) <= 13 for page in pages)
    expected = [part for line in safety_lines(plan) for part in hanging(line, 40)]
    assert [line for line in shown if line != MORE_PROMPT] == expected
    cancelled = Pager(PlainDisplay(io.StringIO(), plan, interactive=True, width=40), keys, (40, 15))
    keys.typed = ["q"]
    assert not cancelled.lines(safety_lines(plan))


def test_wrapped_safety_bullets_keep_their_indent_in_plain_lines(
    builtin_catalog: Catalog,
) -> None:
    """Plain lines at a 40-column terminal wrap the same way; into a pipe they stay whole."""
    plan = build_plan(builtin_catalog.routines["daily-10min"].routine)
    out = io.StringIO()
    PlainDisplay(out, plan, interactive=False, width=40).lines(safety_lines(plan))
    lines = out.getvalue().splitlines()
    assert sum(line.startswith("    ") for line in lines) > 5
    assert_bullets_hang(lines, 40)
    piped = io.StringIO()
    PlainDisplay(piped, plan, interactive=False).lines(safety_lines(plan))
    assert piped.getvalue().splitlines() == safety_lines(plan)


def test_from_a_later_step_the_summary_numbers_steps_as_the_screen_does(
    builtin_catalog: Catalog,
) -> None:
    """After --from 4 of 5 the opening and the summary say steps 4 to 5 of 5, as each step does."""
    settings = RunSettings(start_step=3, history_wanted=False)
    plan = make_plan(builtin_catalog.routines["daily-10min"].routine, settings)
    text = plain_run(plan, settings)[0]
    assert "Step 4 of 5: Band hip flexion" in text
    assert "Daily 10-minute psoas routine: steps 4 to 5 of 5, about 5:24\n" in text
    assert "Steps done: 2 of 2 (steps 4 to 5 of 5).\n" in text


def test_a_note_step_is_called_by_what_it_says(builtin_catalog: Catalog) -> None:
    """The hang test's first step is named by its note, in show and in the run, not "Note"."""
    plan = build_plan(builtin_catalog.routines["hang-test"].routine)
    text = plain_run(plan, RunSettings(history_wanted=False))[0]
    assert (
        "Step 1 of 2: Sit on the end of a firm bench or bed, then lie back with your hips near "
        "the edge.\n"
    ) in text
    shown = CliRunner().invoke(cli, ["show", "hang-test"]).output
    assert "1  Sit on the end of a firm bench or bed" in shown
    assert "Note" not in shown.replace("Note where", "")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Stand up.", "Stand up"),
        (
            "Sit on the end of a firm bench or bed, then lie back.",
            "Sit on the end of a firm bench or bed",
        ),
        (
            "Kneel down slowly and carefully in front of the wall with a cushion under the knee",
            "Kneel down slowly and carefully in…",
        ),
    ],
)
def test_a_note_title_is_its_first_clause_shortened(text: str, title: str) -> None:
    """A note's title is its text up to the first clause break, at most 40 characters."""
    assert step_name(NoteStep(text=text, duration=5.0)) == title
