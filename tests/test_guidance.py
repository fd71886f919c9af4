"""Guidance at the right moment: what the live screen and plain mode show while a routine runs,
driven through the engine on the fake clock with scripted keys."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest
from fakes import FakeClock, ScriptedCommands, fake_session
from rich.console import Console

from psoas_cli.display.live import LiveDisplay
from psoas_cli.library.catalog import Catalog
from psoas_cli.library.plan import Plan, PlanOptions, SegmentKind, build_plan
from psoas_cli.run.engine import Answer, Command, Engine, Event, SegmentStarted, Tick
from psoas_cli.session import RunSettings

K = SegmentKind
C = Command


@dataclass
class Snapshots:
    """What the live screen shows at given seconds into the run, as text."""

    display: LiveDisplay
    clock: FakeClock
    at: list[float]
    screens: dict[float, str] = field(default_factory=dict)

    def __call__(self, event: Event) -> None:
        if not isinstance(event, Tick | SegmentStarted) or not self.at:
            return
        if self.clock.now - self.clock.start >= self.at[0] - 1e-9:
            console = self.display.console
            copy = Console(
                file=io.StringIO(),
                width=console.width,
                height=console.height,
                color_system=None,
                record=True,
            )
            copy.print(self.display.render(event.moment))
            self.screens[self.at.pop(0)] = copy.export_text()


def live_run(
    plan: Plan,
    script: Sequence[tuple[float, Command | Answer]] = (),
    *,
    at: Sequence[float],
    size: tuple[int, int] = (100, 30),
    interactive: bool = True,
) -> dict[float, str]:
    """Run ``plan`` through the live display on the fake clock, quitting after the last of
    ``at``; the screen at each of them."""
    clock = FakeClock()
    console = Console(
        file=io.StringIO(), width=size[0], height=size[1], color_system=None, force_terminal=True
    )
    display = LiveDisplay(console, plan, interactive=interactive)
    snapshots = Snapshots(display, clock, sorted(at))
    end = max(at) + 0.5
    commands = ScriptedCommands(
        clock, [*script, (end, C.QUIT), (end, C.CONFIRM)], interactive=interactive
    )
    with display:
        Engine(plan, clock=clock, commands=commands, listeners=[display, snapshots]).run()
    return snapshots.screens


def lines_of(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


@pytest.fixture
def daily(builtin_catalog: Catalog) -> Plan:
    """The daily routine: breathing 0-125 s, couch stretch next-up at 125 s, left side 130 s."""
    return build_plan(builtin_catalog.routines["daily-10min"].routine)


def test_get_ready_and_next_up_show_how_to_get_into_position(daily: Plan) -> None:
    """The first get-ready shows the breathing's setup; the couch stretch's next-up its own."""
    screens = live_run(daily, at=[1.0, 126.0])
    first, next_up = lines_of(screens[1.0]), lines_of(screens[126.0])
    assert first[:2] == ["First: Belly breathing with pelvic tilts", "GET READY"]
    assert "• Lie on your back, knees bent, feet flat on the floor." in first
    assert next_up[:2] == ["Couch stretch", "GET INTO POSITION"]
    setup = next((n for n, line in enumerate(next_up) if line.startswith("• Kneel")), -1)
    assert next_up[setup : setup + 3] == [
        "• Kneel with your back to a wall or the front of a couch, knee on padding a little way out from it.",
        "• Slide that foot up the wall or couch behind you and put the other foot flat in front.",
        "",
    ]
    assert "Stop if: Sharp pain in the knee, hip or low back" in next_up


def test_every_stop_sign_is_shown_alike_through_the_whole_hold(daily: Plan) -> None:
    """From the hold's first second to its last, both couch-stretch stop signs read 'Stop if:'."""
    screens = live_run(daily, at=[131.0, 159.0])
    for text in screens.values():
        lines = lines_of(text)
        assert [line for line in lines if "Stop if" in line or "•" in line][-2:] == [
            "Stop if: Sharp pain in the knee, hip or low back",
            "Stop if: Pain or tingling running down the leg",
        ]


BOTH_SIGNS = [
    "Stop if: Sharp pain in the knee, hip or low back",
    "Stop if: Pain or tingling running down the leg",
]


@pytest.mark.parametrize(
    ("height", "cues", "signs"),
    [
        (30, 3, BOTH_SIGNS),
        (15, 3, BOTH_SIGNS),
        (14, 2, BOTH_SIGNS),
        (12, 1, BOTH_SIGNS),
        (11, 0, BOTH_SIGNS),
        (10, 0, ["Stop if: Sharp pain in the knee, hip or low back (+1 more)"]),
    ],
)
def test_a_short_window_gives_up_cues_before_stop_signs(
    daily: Plan, height: int, cues: int, signs: list[str]
) -> None:
    """As the window shrinks the cues go first; the stop signs stay, and when even they do
    not fit, the first one says how many more there are; nothing runs off the screen."""
    text = live_run(daily, at=[135.0], size=(100, height))[135.0]
    lines = lines_of(text)
    assert len([line for line in lines if line.startswith("• ")]) == cues
    assert [line for line in lines if line.startswith("Stop if")] == signs
    assert len(lines) <= height


def test_help_stays_on_screen_through_breath_phases_until_asked_again(
    builtin_catalog: Catalog,
) -> None:
    """? at 6 s shows the keys through the inhales and exhales after; ? again hides them."""
    plan = build_plan(builtin_catalog.routines["breathing-minute"].routine)
    screens = live_run(plan, [(6.0, C.HELP), (31.0, C.HELP)], at=[7.0, 12.0, 18.0, 30.0, 33.0])
    for moment in (7.0, 12.0, 18.0, 30.0):
        assert "N     skip the whole exercise (also n twice within 2 s)" in screens[moment]
    assert "skip the whole exercise" not in screens[33.0]
    assert ("INHALE" in screens[7.0]) and ("EXHALE" in screens[12.0])


def test_the_footer_shows_only_the_keys_that_work_now(daily: Plan) -> None:
    """A hold offers + 10 s; a self-paced set says Enter/space ends it and offers no + or
    pause; paused, space goes on."""
    lunge_set = next(i for i, s in enumerate(daily.segments) if s.kind is K.SET)
    set_starts = sum(s.duration for s in daily.segments[:lunge_set])
    screens = live_run(daily, [(140.0, C.PAUSE)], at=[135.0, 141.0])
    hold, paused = lines_of(screens[135.0])[-1], lines_of(screens[141.0])[-1]
    assert (
        hold
        == "space pause · n skip · N skip exercise · b back · + 10 s · q quit · ! hurts · ? keys"
    )
    assert paused.startswith("space go on · n skip")
    at_set = live_run(daily, [(141.0, C.PAUSE), (142.0, C.PAUSE)], at=[set_starts + 1])
    footer = lines_of(at_set[set_starts + 1])[-1]
    assert (
        footer == "Enter/space done · n skip · N skip exercise · b back · q quit · ! hurts · ? keys"
    )


def test_without_a_keyboard_no_keys_are_offered(daily: Plan) -> None:
    """With nobody at a keyboard the screen names no key at all."""
    text = live_run(daily, at=[135.0], interactive=False)[135.0]
    assert "q quit" not in text and "space" not in text
    assert lines_of(text)[-1].endswith("step 2 of 5")


def test_skip_and_back_say_what_they_did_on_screen(daily: Plan) -> None:
    """n in the left side says 'Skipped: left side' over the switch; b says where it went."""
    screens = live_run(daily, [(135.0, C.SKIP), (150.0, C.BACK)], at=[136.0, 151.0, 158.0])
    assert "Skipped: left side, set 1 of 2" in screens[136.0]
    assert "SWITCH SIDES" in screens[136.0]
    assert "Back to: Couch stretch (from its start)" in screens[151.0]
    assert "Back to:" not in screens[158.0]


def test_plus_lengthens_the_total_shown(daily: Plan) -> None:
    """+ in a hold adds 10 s to the hold, to the total in the progress line, and says so."""
    screens = live_run(daily, [(135.0, C.EXTEND)], at=[134.0, 136.0])
    assert "of 13:29 · step 2 of 5" in screens[134.0]
    assert "of 13:39 · step 2 of 5" in screens[136.0]
    assert "10 s more" in screens[136.0]


def test_skip_back_and_plus_are_said_in_plain_mode_too(daily: Plan) -> None:
    """Plain lines name what skip and back did, and N names the exercise it left."""
    clock = FakeClock()
    out = io.StringIO()
    script = [(135.0, C.SKIP), (150.0, C.BACK), (152.0, C.SKIP_EXERCISE)]
    keys = ScriptedCommands(clock, script, interactive=False)
    fake_session(clock, out, keys=keys).run(
        daily, RunSettings(plain=True, yes=True, history_wanted=False)
    )
    lines = out.getvalue().splitlines()
    skipped = lines.index("Skipped: left side, set 1 of 2")
    assert lines[skipped + 1] == "Switch sides: 5 s"
    assert "Back to: Couch stretch (from its start)" in lines
    assert "Skipped: Couch stretch" in lines
    assert "Steps done: 4 of 5; skipped: Couch stretch." in lines


def test_the_hang_test_question_fills_the_live_screen_after_each_side(
    builtin_catalog: Catalog,
) -> None:
    """After the left side the screen asks the question with numbered answers and the keys
    to answer; the answer is shown as the switch begins."""
    routine = builtin_catalog.routines["hang-test"].routine
    plan = build_plan(routine, PlanOptions(self_checks=True))
    screens = live_run(plan, [(50.0, Answer(2))], at=[46.0, 51.0])
    question = lines_of(screens[46.0])
    assert question[1] == "SELF-CHECK"
    assert "Left side: Where did the hanging thigh settle?" in question
    assert "  2  a little above level" in question
    assert (
        question[-1]
        == "1-3 answer · Enter skip · n skip · N skip exercise · b back · q quit · ! hurts · ? keys"
    )
    assert "Left side: a little above level" in screens[51.0]
    assert "SWITCH SIDES" in screens[51.0]


def test_the_stop_key_is_promised_only_to_someone_at_a_keyboard(builtin_catalog: Catalog) -> None:
    """The safety screen names ! at a keyboard; piped, with no keyboard, it names no key."""
    plan = build_plan(builtin_catalog.routines["breathing-minute"].routine)
    promise = "Press ! at any moment if something hurts: the run stops at once."
    for interactive in (True, False):
        clock = FakeClock()
        out = io.StringIO()
        keys = ScriptedCommands(clock, interactive=interactive)
        settings = RunSettings(plain=True, yes=True, history_wanted=False)
        fake_session(clock, out, keys=keys).run(plan, settings)
        assert (promise in out.getvalue().splitlines()) is interactive


def test_a_40_by_15_window_keeps_the_setup_a_stop_sign_and_the_keys_that_matter(
    daily: Plan, builtin_catalog: Catalog
) -> None:
    """At 40x15 the next-up still shows the setup (its wrapped lines under the bullet's text),
    the stop signs shrink to one
    that counts the rest, the footer keeps space, q, ! and ?, and nothing runs off the screen;
    a self-check's question and answers fit too."""
    lines = lines_of(live_run(daily, at=[126.0], size=(40, 15))[126.0])
    setup = lines.index("• Kneel with your back to a wall or the")
    assert lines[setup + 1].startswith("  front of a couch")
    assert "low back (+1 more)" in lines
    assert lines[-1] == "space pause · q quit · ! hurts · ? keys"
    assert len(lines) <= 15 and all(len(line) <= 40 for line in lines)
    plan = build_plan(builtin_catalog.routines["hang-test"].routine, PlanOptions(self_checks=True))
    check = lines_of(live_run(plan, [(50.0, Answer(1))], at=[46.0], size=(40, 15))[46.0])
    assert "  3  well above level" in check
    assert len(check) <= 15


def test_the_keys_asked_for_at_40_by_15_start_with_pause_hurts_and_quit(daily: Plan) -> None:
    """At 40x15 ? gives the keys the big clock's room (the time stays, as a line): space,
    ! and q come first, and nothing runs off the screen."""
    lines = lines_of(live_run(daily, [(134.0, C.HELP)], at=[135.0], size=(40, 15))[135.0])
    panel = [line for line in lines if line.startswith(("space pause / resume", "!  ", "q  "))]
    assert [line.split()[0] for line in panel] == ["space", "!", "q"]
    assert any(line.strip().startswith("0:") for line in lines)
    assert len(lines) <= 15


def test_during_a_hang_test_hold_next_is_its_question(builtin_catalog: Catalog) -> None:
    """A side's hold says that the question about it comes next, not a hold of 0 s."""
    from psoas_cli.run.narration import coming_up  # noqa: PLC0415

    plan = build_plan(builtin_catalog.routines["hang-test"].routine, PlanOptions(self_checks=True))
    hold = next(i for i, s in enumerate(plan.segments) if s.kind is SegmentKind.HOLD)
    assert coming_up(plan, hold) == "Next: Left side: Where did the hanging thigh settle?"
