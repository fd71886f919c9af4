"""The built-in library carries every exercise, routine, dose and safety fact of CONTENT.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from psoas_cli.library.catalog import Catalog
from psoas_cli.library.guidance import BEFORE_YOU_START, HABITS, RED_FLAGS
from psoas_cli.library.model import (
    BreathPattern,
    BreathStep,
    Exercise,
    HoldStep,
    MoveStep,
    NoteStep,
    RepsStep,
    RestStep,
    Routine,
    Sides,
)
from psoas_cli.library.plan import build_plan
from psoas_cli.run.narration import safety_lines

ARTICLES = {
    "How to release the psoas muscle (hip flexor) to improve posture",
    "How to Release Your Psoas With Effective Exercises",
    "Hip Flexor Pain? It Might Actually Be Your Psoas Muscle—Here's How To Release It",
    "Know Your Psoas Muscles: The Deep Hip Flexors Every Active Person Should Understand",
    "Psoas - Get To Know Your Muscles",
}

CONTENT_EXERCISES = {
    "hip-to-knee-stretch",
    "kneeling-psoas-stretch",
    "overhead-kneeling-psoas-stretch",
    "face-down-hip-flexor-stretch",
    "kneeling-hip-flexor-stretch",
    "constructive-rest",
    "psoas-ball-release",
    "supported-bridge",
    "front-abdominal-release",
    "bench-edge-hang-test",
    "couch-stretch",
    "belly-breathing-pelvic-tilts",
    "hip-ball-release",
    "psoas-march",
    "band-hip-flexion",
    "reverse-lunge",
    "diaphragm-breathing-360",
    "psoas-lean-stretch",
    "bridge-stretch",
    "band-marching",
}

ROUTINES = {
    "daily-10min",
    "release-20min",
    "kneeling-stretch",
    "constructive-rest",
    "supported-bridge",
    "abdominal-release",
    "breathing-minute",
    "strength",
    "hang-test",
    "desk-break",
    "psoas-ball-release",
    "hip-ball-release",
    "belly-breathing",
}

PSOAS_ADDITION = "psoas's addition, not from the articles"
BELLY_RISKS = ("pregnant", "surgery", "hernia", "aortic aneurysm", "blood thinners")
README = Path(__file__).resolve().parent.parent / "README.md"


def routine(catalog: Catalog, name: str) -> Routine:
    return catalog.routines[name].routine


def test_every_content_exercise_and_routine_ships(builtin_catalog: Catalog) -> None:
    """All 20 exercises and 13 routines named in CONTENT.md and the issues are built in."""
    assert set(builtin_catalog.exercises) == CONTENT_EXERCISES
    assert set(builtin_catalog.routines) == ROUTINES


@pytest.mark.parametrize("ident", sorted(CONTENT_EXERCISES))
def test_exercise_is_complete(builtin_catalog: Catalog, ident: str) -> None:
    """Each exercise has instructions, cues, mistakes, stop signs, a dose and its article."""
    exercise = builtin_catalog.exercises[ident].exercise
    assert exercise.source in ARTICLES
    assert exercise.summary and exercise.setup and exercise.steps and exercise.cues
    assert exercise.mistakes and exercise.stop_signs and exercise.dose and exercise.target


@pytest.mark.parametrize("name", sorted(ROUTINES))
def test_routine_is_complete(builtin_catalog: Catalog, name: str) -> None:
    """Each routine has a source, safety notes, and a dose note on every exercise step."""
    r = routine(builtin_catalog, name)
    if r.name == "desk-break":
        assert "Psoas - Get To Know Your Muscles" in r.source
    else:
        assert r.source in ARTICLES
    assert r.safety and r.description and r.frequency
    for step in r.steps:
        if not isinstance(step, RestStep | NoteStep):
            assert step.dose_note, f"{name}: {step.exercise.id} has no dose note"


def test_daily_10min_is_the_article_routine(
    builtin_catalog: Catalog, exercises: dict[str, Exercise]
) -> None:
    """daily-10min is exactly the 10-minute mini routine, step by step."""
    steps = routine(builtin_catalog, "daily-10min").steps
    assert len(steps) == 5
    breathing, couch, march, band, lunges = steps
    assert isinstance(breathing, BreathStep)
    assert breathing.exercise.id == "belly-breathing-pelvic-tilts" and breathing.duration == 120
    assert isinstance(couch, HoldStep)
    assert (couch.exercise.id, couch.hold, couch.sets, couch.sides) == (
        "couch-stretch",
        30,
        2,
        Sides.BOTH,
    )
    assert isinstance(march, RepsStep) and march.exercise.id == "psoas-march"
    assert march.sets == 3 and 8 <= march.reps <= 10 and march.sides is Sides.ALTERNATE
    assert isinstance(band, RepsStep)
    assert (band.exercise.id, band.sets, band.reps, band.sides) == (
        "band-hip-flexion",
        2,
        12,
        Sides.BOTH,
    )
    assert isinstance(lunges, RepsStep)
    assert (lunges.exercise.id, lunges.sets, lunges.reps, lunges.sides) == (
        "reverse-lunge",
        2,
        10,
        Sides.BOTH,
    )


def test_release_20min_follows_the_programme(builtin_catalog: Catalog) -> None:
    """Three stretches with the overhead one as the kneeling one's option, in 15-20 min."""
    steps = routine(builtin_catalog, "release-20min").steps
    assert [s.exercise.id for s in steps if not isinstance(s, RestStep | NoteStep)] == [
        "hip-to-knee-stretch",
        "kneeling-psoas-stretch",
        "face-down-hip-flexor-stretch",
    ]
    hip, kneeling, face_down = steps
    assert isinstance(hip, HoldStep) and 120 <= hip.hold <= 180 and hip.sides is Sides.BOTH
    assert isinstance(kneeling, HoldStep) and kneeling.alternative is not None
    overhead = kneeling.alternative.step
    assert overhead.exercise.id == "overhead-kneeling-psoas-stretch"
    assert isinstance(overhead, BreathStep) and overhead.cycles in (3, 4)
    assert "arch" in kneeling.alternative.when
    assert isinstance(face_down, HoldStep) and face_down.hold == 60
    total = build_plan(routine(builtin_catalog, "release-20min")).total
    assert 15 * 60 <= total <= 20 * 60


def test_single_exercise_routines_carry_article_doses(builtin_catalog: Catalog) -> None:
    """Kneeling series, constructive rest, bridge and breathing minute sit inside the ranges."""
    (kneeling,) = routine(builtin_catalog, "kneeling-stretch").steps
    assert isinstance(kneeling, HoldStep)
    assert 20 <= kneeling.hold <= 30 and kneeling.sets == 3 and kneeling.sides is Sides.BOTH
    (rest,) = routine(builtin_catalog, "constructive-rest").steps
    assert isinstance(rest, HoldStep) and 300 <= rest.hold <= 600
    (bridge,) = routine(builtin_catalog, "supported-bridge").steps
    assert isinstance(bridge, HoldStep) and bridge.hold == 300
    (minute,) = routine(builtin_catalog, "breathing-minute").steps
    assert isinstance(minute, BreathStep)
    assert minute.pattern == BreathPattern(inhale=5, exhale=5) and minute.duration == 60


def test_abdominal_release_has_three_parts_in_order(builtin_catalog: Catalog) -> None:
    """Contractions (10, holds of 3-5 s), rolling 1-2 min, then pivoting 2-4 min, as moves."""
    contract, roll, turn = routine(builtin_catalog, "abdominal-release").steps
    assert isinstance(contract, BreathStep) and contract.cycles == 10
    assert 3 <= contract.pattern.hold_in <= 5
    assert isinstance(roll, MoveStep) and 60 <= roll.move <= 120 and roll.action == "roll"
    assert isinstance(turn, MoveStep) and turn.action == "pivot"
    sides = 2 if turn.sides is Sides.BOTH else 1
    assert 120 <= turn.move * sides <= 240
    safety = " ".join(routine(builtin_catalog, "abdominal-release").safety).lower()
    assert "empty stomach" in safety and "pulse" in safety and "soft ball" in safety


def test_strength_uses_the_article_doses(builtin_catalog: Catalog) -> None:
    """Strength: march, band flexion and lunges inside 2-3 x 8-12, 3 x 10-15 and 3 x 8-12."""
    march, band, lunges = routine(builtin_catalog, "strength").steps
    assert isinstance(march, RepsStep) and 2 <= march.sets <= 3 and 8 <= march.reps <= 12
    assert isinstance(band, RepsStep) and band.sets == 3 and 10 <= band.reps <= 15
    assert isinstance(lunges, RepsStep) and lunges.sets == 3 and 8 <= lunges.reps <= 12


def test_hang_test_checks_each_side(builtin_catalog: Catalog) -> None:
    """The self-check is guided on both sides."""
    steps = routine(builtin_catalog, "hang-test").steps
    checks = [s for s in steps if isinstance(s, HoldStep)]
    assert [c.exercise.id for c in checks] == ["bench-edge-hang-test"]
    assert checks[0].sides is Sides.BOTH


def test_desk_break_is_two_to_three_minutes(builtin_catalog: Catalog) -> None:
    """The desk break fits in 2-3 minutes of work and uses library exercises."""
    r = routine(builtin_catalog, "desk-break")
    plan = build_plan(r)
    work = sum(plan.step_seconds(i) for i in range(len(r.steps)))
    assert 120 <= work <= 180
    assert all(e.id in builtin_catalog.exercises for e in r.exercises)


def test_ball_work_carries_its_warnings(builtin_catalog: Catalog) -> None:
    """Every ball exercise warns about sharp pain and a pulse under the ball."""
    for ident in ("psoas-ball-release", "hip-ball-release", "front-abdominal-release"):
        signs = " ".join(builtin_catalog.exercises[ident].exercise.stop_signs).lower()
        assert "pulse" in signs and "sharp" in signs, ident


def test_couch_stretch_id(exercises: dict[str, Exercise]) -> None:
    """The couch stretch is found by the id the issue names."""
    assert exercises["couch-stretch"].name == "Couch stretch"


def test_ball_and_breathing_routines_carry_article_doses(builtin_catalog: Catalog) -> None:
    """Psoas ball 30-60 s per spot, hip ball 1-2 min per side, belly breathing 5 minutes."""
    (psoas_ball,) = routine(builtin_catalog, "psoas-ball-release").steps
    assert isinstance(psoas_ball, HoldStep) and psoas_ball.exercise.id == "psoas-ball-release"
    assert 30 <= psoas_ball.hold <= 60 and psoas_ball.sides is Sides.BOTH
    (hip_ball,) = routine(builtin_catalog, "hip-ball-release").steps
    assert isinstance(hip_ball, HoldStep) and hip_ball.exercise.id == "hip-ball-release"
    assert 60 <= hip_ball.hold <= 120 and hip_ball.sides is Sides.BOTH
    (breathing,) = routine(builtin_catalog, "belly-breathing").steps
    assert isinstance(breathing, BreathStep)
    assert breathing.exercise.id == "belly-breathing-pelvic-tilts" and breathing.duration == 300
    for step in (psoas_ball, hip_ball, breathing):
        assert "article gives" in step.dose_note or "as in the article" in step.dose_note


def test_the_breath_hold_part_warns_of_dizziness(builtin_catalog: Catalog) -> None:
    """Part (a) holds the breath: its tip, the routine and the exercise say to breathe if dizzy."""
    release = routine(builtin_catalog, "abdominal-release")
    contract = release.steps[0]
    assert isinstance(contract, BreathStep) and contract.pattern.hold_in
    assert "dizzy" in contract.tip.lower() and "breathe normally" in contract.tip.lower()
    assert any("dizzy" in note and PSOAS_ADDITION in note for note in release.safety)
    exercise = contract.exercise
    assert any("Dizziness" in sign and PSOAS_ADDITION in sign for sign in exercise.stop_signs)
    assert "dizzy" in exercise.steps[0]
    assert not any("bracing" in cue.lower() for cue in exercise.cues)


@pytest.mark.parametrize("name", ["abdominal-release", "psoas-ball-release"])
def test_belly_ball_work_says_who_asks_a_clinician_first(
    builtin_catalog: Catalog, name: str
) -> None:
    """Belly pressure: pregnancy, surgery, hernia, aneurysm, blood thinners, marked as psoas's."""
    r = routine(builtin_catalog, name)
    for where in (" ".join(r.safety), " ".join(r.exercises[0].setup)):
        assert all(risk in where for risk in BELLY_RISKS) and PSOAS_ADDITION in where


def test_psoas_ball_release_prefers_the_soft_ball(builtin_catalog: Catalog) -> None:
    """The article allows a tennis ball; psoas prefers a soft one on the belly, and says so."""
    safety = routine(builtin_catalog, "psoas-ball-release").safety
    assert any("soft" in n and "tennis ball" in n and PSOAS_ADDITION in n for n in safety)


def test_the_red_flags_say_not_to_start_but_to_see_a_doctor() -> None:
    """Bladder, bowel, saddle numbness, fever, weight loss, night pain, a fall: no exercise."""
    for flag in ("bladder", "bowel", "saddle", "fever", "weight loss", "night pain", "a fall"):
        assert flag in RED_FLAGS
    assert RED_FLAGS.startswith("Do not start, and see a doctor at once")
    assert PSOAS_ADDITION in RED_FLAGS


def test_the_safety_screen_gives_the_red_flags_before_the_routine_notes(
    builtin_catalog: Catalog,
) -> None:
    """Before any run: first the assessment, then the red flags, then the routine's own notes."""
    lines = safety_lines(build_plan(routine(builtin_catalog, "abdominal-release")))
    start = lines.index("Before you start:")
    assert lines[start + 1 : start + 3] == [f"  • {BEFORE_YOU_START}", f"  • {RED_FLAGS}"]


@pytest.mark.parametrize("name", ["daily-10min", "strength"])
def test_strength_reps_are_slow_and_controlled(builtin_catalog: Catalog, name: str) -> None:
    """March and band flexion are timed at 3-4 s a rep, and the tempo is marked psoas's choice."""
    for step in routine(builtin_catalog, name).steps:
        if isinstance(step, RepsStep) and step.exercise.id in ("psoas-march", "band-hip-flexion"):
            assert step.tempo is not None and 3 <= step.tempo <= 4
            assert "slow, controlled" in step.dose_note and "psoas's choice" in step.dose_note


@pytest.mark.parametrize(
    "name",
    ["abdominal-release", "constructive-rest", "kneeling-stretch", "release-20min", "hang-test"],
)
def test_own_choice_frequencies_say_so(builtin_catalog: Catalog, name: str) -> None:
    """Where an article gives no frequency, the routine's frequency is marked as psoas's choice."""
    assert "psoas's choice" in routine(builtin_catalog, name).frequency


def test_daily_10min_lists_its_equipment_and_strength_days(builtin_catalog: Catalog) -> None:
    """The band's anchor and a support for balance are listed; strength days may skip its end."""
    daily = routine(builtin_catalog, "daily-10min")
    assert "band anchor" in daily.equipment and any("balance" in e for e in daily.equipment)
    assert "2 to 3 days a week" in daily.description and "strength routine" in daily.description


def test_exercise_facts_from_the_articles(exercises: dict[str, Exercise]) -> None:
    """Hug the other knee, core on before the bridge lifts, foam rollers in Safety, no slopes."""
    hip_to_knee = exercises["hip-to-knee-stretch"]
    assert "Hug one knee to your chest" in " ".join(hip_to_knee.setup)
    assert "along the floor" in " ".join(hip_to_knee.steps)
    bridge = " ".join(exercises["supported-bridge"].steps)
    assert bridge.index("engage the core") < bridge.index("lift the hips")
    assert "foam" not in exercises["hip-ball-release"].summary
    safety = README.read_text(encoding="utf-8").split("## Safety")[1].split("\n## ")[0]
    assert "foam roller on the front of the hip does not reach the psoas" in safety
    assert not any("psoas" in m for m in exercises["hip-ball-release"].mistakes)
    assert any("walk and run" in habit and "uphill" in habit for habit in HABITS)
