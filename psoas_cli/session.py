"""One guided run from the safety screen to the summary, with the terminal always given back.

Wires the plan, the engine, a display (live or plain), the keyboard and the cues together.
Every exit, whether finished, quit, "this hurts", Ctrl-C, SIGTERM, SIGHUP, SIGQUIT or an
exception, leaves through the same ``with`` blocks, which restore the terminal and keep the
report.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import datetime
from typing import IO, TYPE_CHECKING, Protocol

from psoas_cli.collection import resume_collection
from psoas_cli.library.model import Routine
from psoas_cli.library.plan import (
    SECONDS_PER_SELF_PACED_REP,
    Plan,
    PlanOptions,
    Segment,
    build_plan,
    has_alternative,
    scaled,
)
from psoas_cli.library.plan import starting_at as plan_from_step
from psoas_cli.limits import DEFAULT_VOLUME
from psoas_cli.outcome import Outcome
from psoas_cli.paths import history_path
from psoas_cli.run.awake import Inhibitor, find_inhibitor, released
from psoas_cli.run.engine import (
    EXTEND_SECONDS,
    AfterFirstFrame,
    Cue,
    CueEvent,
    Engine,
    Event,
    Listener,
    RunReport,
    Waker,
    start_cue,
)
from psoas_cli.run.keys import SHORT_HELP
from psoas_cli.run.narration import (
    habit_tip,
    hurt_lines,
    pain_worse_lines,
    safety_lines,
    summary,
)
from psoas_cli.run.questions import (
    CANCEL_KEYS,
    PAIN_AFTER_PROMPT,
    PAIN_BEFORE_INTRO,
    PAIN_BEFORE_PROMPT,
    Rating,
    ask_pain,
)
from psoas_cli.run.terminal import (
    Keyboard,
    KeySource,
    NoKeyboard,
    ending_signals_interrupt,
    is_terminal,
    raw_keys,
    terminal_columns,
    terminal_lines,
)
from psoas_cli.sound_mode import SoundMode
from psoas_cli.text import hanging
from psoas_cli.value import Value, replace

if TYPE_CHECKING:
    from psoas_cli.run.audio import NoAudioOutput, Opener, Opening, SoundOutput
    from psoas_cli.run.cues import BellPlayer
    from psoas_cli.run.recorder import Recorder
    from psoas_cli.run.speech import Speech


class Display(Protocol):
    """A run screen: the live one on rich or plain lines; also an engine listener."""

    def __enter__(self) -> Display: ...

    def __exit__(self, *exc_info: object) -> None: ...

    def __call__(self, event: Event) -> None: ...

    def lines(self, lines: list[str]) -> None:
        """Print text outside the run's frame."""

    def replan(self, plan: Plan) -> None:
        """Follow a new timeline: a step's other option was chosen."""

    def frame_interval(self, segment: Segment) -> float:
        """How often the display wants to hear about a segment."""
        ...

    def leave_screen(self) -> None:
        """Give the screen back for a stop (Ctrl-Z); from a signal handler, so bytes only."""


NO_INHIBITOR_NOTICE = (
    "Nothing here can keep the screen awake during the run (psoas looks for "
    "gnome-session-inhibit, systemd-inhibit or caffeinate): set the screen lock to wait "
    "longer than the routine, or turn this off with --no-keep-awake."
)
"""Said once, on the safety screen, when the screen may sleep or lock mid-run."""

SAVING_NOTICE_SECONDS = 0.5
"""A final save that takes longer than this is waiting for a lock, and the person is told."""


class RunSettings(Value):
    """How to run: cue lengths, speed, where to start, how to sound and what to record."""

    cues: PlanOptions = PlanOptions()
    speed: float = 1.0
    start_step: int = 0
    sound: SoundMode = SoundMode.TONES
    volume: int = DEFAULT_VOLUME
    yes: bool = False
    plain: bool = False
    history_wanted: bool = True
    keep_awake: bool = True
    pain_before: int | None = None
    pain_after: int | None = None
    note: str = ""

    @property
    def recorded(self) -> bool:
        """Whether this run goes into the history: wanted, and not a sped-up preview."""
        return self.history_wanted and self.speed == 1.0


def make_plan(
    routine: Routine, settings: RunSettings, chosen: frozenset[int] = frozenset()
) -> Plan:
    """The timeline this run follows, after --from; --speed applies only to the clock.

    ``chosen`` are the steps done as their alternative.
    """
    plan = build_plan(routine, settings.cues, chosen)
    if settings.start_step:
        plan = plan_from_step(plan, settings.start_step)
    return plan


def wants_plain(stdout: IO[str], forced: bool) -> bool:
    """Plain lines for pipes, dumb terminals and --plain; the live screen otherwise."""
    return forced or not is_terminal(stdout) or os.environ.get("TERM") == "dumb"


def _bell_stream(stdout: IO[str], stderr: IO[str]) -> IO[str] | None:
    """The terminal a person hears: stdout if it is one, else stderr (as in ``| tee log``)."""
    return next((s for s in (stdout, stderr) if is_terminal(s)), None)


def local_now() -> datetime:
    """The wall-clock time here with its UTC offset, as history stores it."""
    return datetime.now().astimezone()


FINISH_WAIT_SECONDS = 3.0
"""The longest psoas waits at exit for its last sound (the closing chord, the last words)
to play out, once everything has been printed."""


class Sounds(Value):
    """What a run sounds through: engine listeners, the wakers that time the bells, what
    must be said about it before the run, and what to stop or wait for at the end."""

    listeners: tuple[Listener, ...] = ()
    wakers: tuple[Waker, ...] = ()
    notices: tuple[str, ...] = ()
    output: SoundOutput | None = None
    speech: Speech | None = None
    bells: BellPlayer | None = None

    def silence(self) -> None:
        """Stop sounding at once (Ctrl-Z): nothing may play on while the program stands."""
        if self.output is not None:
            self.output.silence()

    def play_out(self, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        """Let the last sound finish, up to ``FINISH_WAIT_SECONDS``: called only after
        everything has been printed, so it never holds up "Completed"."""
        if self.bells is not None:
            self.bells.ring_out(sleep)
        if self.speech is not None:
            self.speech.finish_saying()
        if self.output is not None:
            until = clock() + FINISH_WAIT_SECONDS
            while (left := min(self.output.seconds_left(), until - clock())) > 0:
                sleep(left)

    def close(self) -> None:
        """Stop speech and the output on any way out: the device and every speech process
        end with the run."""
        if self.speech is not None:
            self.speech.close()
        if self.output is not None:
            self.output.close()


class Session:
    """The streams, clock and sleep a run uses: the real ones, or a test's.

    ``keys`` is a key source to use instead of the terminal on stdin (tests type through
    one); ``inhibitor`` finds what keeps the screen awake here (tests hand over one that
    starts nothing); ``audio`` opens the output to play through instead of the computer's
    (tests listen through one). A plain class: as a dataclass it cost every run about a
    millisecond before its first frame, to be declared.
    """

    def __init__(
        self,
        stdin: IO[str],
        stdout: IO[str],
        stderr: IO[str],
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = local_now,
        keys: KeySource | None = None,
        inhibitor: Callable[[], Inhibitor | None] = find_inhibitor,
        audio: Opener | None = None,
    ) -> None:
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.clock = clock
        self.sleep = sleep
        self.now = now
        self.keys = keys
        self.inhibitor = inhibitor
        self.audio = audio

    def run(self, plan: Plan, settings: RunSettings) -> RunReport:
        """Show the safety screen, run the plan, print the summary; return what was done."""
        with ExitStack() as stack:
            # First, so that it is undone last: a second Ctrl-C cannot cut short the saving
            # of the record nor the giving back of the terminal.
            stack.enter_context(ending_signals_interrupt())
            recorder = None
            if settings.recorded:
                from psoas_cli.run.recorder import Recorder  # noqa: PLC0415 - sqlite only if used

                # First: the history file opens on its own thread while the rest is set up.
                recorder = Recorder(history_path(), clock=self.clock, now=self.now)
                stack.callback(recorder.close)
            opening = self._open_audio(settings)
            if opening is not None:
                stack.callback(opening.close)
            keys: KeySource = self.keys or NoKeyboard(self.sleep)
            if self.keys is None and is_terminal(self.stdin):
                keys = stack.enter_context(raw_keys(self.stdin, self.clock))
            report = self._run(plan, settings, keys, recorder, opening)
        return report

    def _run(
        self,
        plan: Plan,
        settings: RunSettings,
        keys: KeySource,
        recorder: Recorder | None,
        opening: Opening | None,
    ) -> RunReport:
        """A run's phases in order, ending early if it is cancelled before it starts.

        The safety screen with any notices, the wait to begin (with the pain question), the
        guided run, the summary, then the after-run questions.
        """
        display = self._display(plan, settings, interactive=keys.interactive)
        sounds = self._sounds(plan, settings, opening)
        try:
            report = self._run_with_sounds(
                plan, settings, keys=keys, recorder=recorder, display=display, sounds=sounds
            )
            if report.outcome is Outcome.COMPLETED:
                sounds.play_out(self.clock, self.sleep)
        finally:
            sounds.close()
        return report

    def _run_with_sounds(
        self,
        plan: Plan,
        settings: RunSettings,
        *,
        keys: KeySource,
        recorder: Recorder | None,
        display: Display,
        sounds: Sounds,
    ) -> RunReport:
        """The rest of the run once its sounds are set up: the safety screen and notices, the
        wait to begin, the guided run and everything printed after it."""
        wants_awake = settings.keep_awake and is_terminal(self.stdout)
        awake = self.inhibitor() if wants_awake else None
        pager = self._pager(settings, keys, display)
        notices = [*sounds.notices, *self._notices(plan, settings, keys.interactive, recorder)]
        if wants_awake and awake is None:
            notices = [*notices, NO_INHIBITOR_NOTICE]
        safety = safety_lines(plan, settings.speed, interactive=keys.interactive)
        read = pager.lines(safety) and pager.lines(notices)
        if recorder is not None and recorder.problem:
            recorder = None  # the notices said so; the run goes on unrecorded
        if recorder is not None and keys.interactive and not settings.yes:
            # Someone is there to answer and the answer is kept: ask each side's self-check
            # right after it, in the run.
            settings = replace(settings, cues=replace(settings.cues, self_checks=True))
            plan = make_plan(plan.routine, settings, plan.chosen)
            display.replan(plan)
        start = (
            self._wait_to_begin(settings, keys, pager, asks_rating=recorder is not None)
            if read
            else Rating(settings.pain_before, cancelled=True)
        )
        if start.cancelled:
            display.lines(["Not started."])
            return not_started(plan)
        options = OptionSwitch(plan, settings, display)
        report = self._guided_run(
            plan,
            settings,
            keys=keys,
            display=display,
            sounds=sounds,
            recorder=recorder,
            pain_before=start.value,
            options=options,
            awake=awake,
        )
        plan = options.plan
        self._summary(plan, report, display)
        pain_after = settings.pain_after
        if recorder is not None:
            pain_after = self._after_run_questions(
                settings, report=report, keys=keys, display=display, recorder=recorder
            )
        worse = pain_worse_lines(start.value, pain_after, report.outcome)
        if worse:
            display.lines(["", *worse])
        if recorder is not None:
            self._save(recorder, display)
        if report.outcome is Outcome.COMPLETED and keys.interactive:
            display.lines(["", habit_tip(self.now().toordinal())])
        return report

    def _pager(self, settings: RunSettings, keys: KeySource, display: Display) -> Pager:
        """Pages for the text before the run where someone at a terminal must read it before
        they begin; not for --yes, which starts at once whoever is watching."""
        columns, rows = terminal_columns(self.stdout), terminal_lines(self.stdout)
        if not keys.interactive or settings.yes or columns is None or rows is None:
            return Pager(display, keys, None)
        return Pager(display, keys, (columns, rows))

    def _wait_to_begin(
        self, settings: RunSettings, keys: KeySource, pager: Pager, *, asks_rating: bool
    ) -> Rating:
        """Wait for the person to begin: at a keyboard, by rating their pain when the run is
        recorded (and no rating was given on the command line), else by any key."""
        if not keys.interactive or settings.yes:
            return Rating(settings.pain_before)
        rates = asks_rating and settings.pain_before is None
        invitation = PAIN_BEFORE_INTRO if rates else "Press any key to begin, or q to cancel."
        if not pager.lines(["", f"Keys: {SHORT_HELP}", invitation]):
            return Rating(settings.pain_before, cancelled=True)
        if rates:
            return ask_pain(keys, self.stdout, PAIN_BEFORE_PROMPT)
        cancelled = keys.wait_for_key() in CANCEL_KEYS
        return Rating(settings.pain_before, cancelled=cancelled)

    def _guided_run(
        self,
        plan: Plan,
        settings: RunSettings,
        *,
        keys: KeySource,
        display: Display,
        sounds: Sounds,
        recorder: Recorder | None,
        pain_before: int | None,
        options: OptionSwitch,
        awake: Inhibitor | None,
    ) -> RunReport:
        """Walk the plan on the clock with the screen kept awake from its first frame;
        whatever ends it, the screen may sleep again and the record is saved before anything
        else is printed. The end's sound plays on while "Completed" is printed."""
        # Sounds first: queueing one takes microseconds, drawing a frame takes longer.
        listeners: list[Listener] = [*sounds.listeners, display]
        if recorder is not None:
            recorder.begin(plan, pain_before=pain_before, note=settings.note)
            listeners.append(recorder)
        if awake is not None:
            # Starting a process (and loading subprocess) would delay the first frame, and a
            # screen cannot lock in the milliseconds between.
            listeners.append(AfterFirstFrame(awake.hold))
        listeners.append(AfterFirstFrame(resume_collection))
        engine = Engine(
            scaled(plan, settings.speed),
            # A keyboard's clock stands still at a Ctrl-Z until the engine hears of the stop.
            clock=keys.now if isinstance(keys, Keyboard) else self.clock,
            commands=keys,
            listeners=listeners,
            wakers=sounds.wakers,
            frame_interval=display.frame_interval,
            extend_seconds=EXTEND_SECONDS / settings.speed,
            other_option=options,
        )
        if recorder is not None:
            recorder.follow(engine.report)
        report = None
        try:
            with display, released(awake):
                if isinstance(keys, Keyboard):
                    keys.before_stop = _giving_back(display, sounds, awake)
                    keys.after_continue = _nothing if awake is None else awake.hold
                try:
                    report = engine.run()
                finally:
                    if isinstance(keys, Keyboard):
                        keys.before_stop = keys.after_continue = _nothing
        except KeyboardInterrupt:
            report = engine.report(Outcome.INTERRUPTED)
        finally:
            ended = report or engine.report(Outcome.INTERRUPTED)
            if recorder is not None:
                recorder.save(ended)
        return report

    @staticmethod
    def _summary(plan: Plan, report: RunReport, display: Display) -> None:
        """What was done, and after a "this hurts" stop what to do about it."""
        result = summary(plan, report)
        display.lines(["", result.headline, result.detail])
        if report.outcome is Outcome.HURT:
            display.lines(["", *hurt_lines(plan, report.index)])

    def _after_run_questions(
        self,
        settings: RunSettings,
        *,
        report: RunReport,
        keys: KeySource,
        display: Display,
        recorder: Recorder,
    ) -> int | None:
        """Ask (at a keyboard) how it feels now, keep it and return the pain after, asked or
        given; the self-checks were asked and kept during the run.

        Not after Ctrl-C or SIGTERM: whoever sent it wants psoas gone, not a question; nor
        with --yes, which promises an unattended run that nobody has to answer.
        """
        pain_after = settings.pain_after
        asking = keys.interactive and not settings.yes
        if asking and report.outcome is not Outcome.INTERRUPTED and pain_after is None:
            display.lines([""])
            try:
                pain_after = ask_pain(keys, self.stdout, PAIN_AFTER_PROMPT).value
            except KeyboardInterrupt:
                self._questions_stopped(report, display)
        if pain_after is not None:
            recorder.add_pain_after(pain_after)
        return pain_after

    @staticmethod
    def _save(recorder: Recorder, display: Display) -> None:
        """Finish the record and say where it went, or why it did not."""
        if not recorder.written(SAVING_NOTICE_SECONDS):
            display.lines(["", "Saving to your history, which another program has locked..."])
        recorder.finish()
        if recorder.partly_recorded:
            display.lines(
                [
                    "",
                    "Your history shows this run only in part (as interrupted): "
                    + recorder.problem,
                ]
            )
        elif recorder.problem:
            display.lines(["", f"Not recorded in your history: {recorder.problem}"])
        elif recorder.record_id is not None:
            display.lines(
                ["", f"Saved as session {recorder.record_id}: see psoas history, psoas stats."]
            )

    def _questions_stopped(self, report: RunReport, display: Display) -> None:
        """Ctrl-C at a question stops the questions, not the run that is already over: its
        outcome and the answers given so far stay, and the screen says so."""
        self.stdout.write("\n")
        display.lines(["", f"Questions stopped; the run stays recorded as {report.outcome.value}."])

    def _display(self, plan: Plan, settings: RunSettings, *, interactive: bool) -> Display:
        """Plain lines or the live screen, imported only when used (rich is slow to load)."""
        if wants_plain(self.stdout, settings.plain):
            from psoas_cli.display.plain import PlainDisplay  # noqa: PLC0415

            width = terminal_columns(self.stdout)
            return PlainDisplay(self.stdout, plan, interactive=interactive, width=width)
        from psoas_cli.display.live import LiveDisplay, make_live_console  # noqa: PLC0415

        console = make_live_console(self.stdout)
        return LiveDisplay(console, plan, speed=settings.speed, interactive=interactive)

    def _open_audio(self, settings: RunSettings) -> Opening | None:
        """Start opening the audio output, in a thread, when the run will play through it.

        The sound modules are loaded only here and below: a quiet run never waits for them.
        """
        if settings.sound not in (SoundMode.TONES, SoundMode.VOICE):
            return None
        from psoas_cli.run.audio import Opening, open_device  # noqa: PLC0415

        return Opening(open_device if self.audio is None else self.audio)

    def sounds_for(self, plan: Plan | None, settings: RunSettings) -> Sounds:
        """The sounds of ``settings``, their output opened now; words for the exercise
        names only with a ``plan``."""
        return self._sounds(plan, settings, self._open_audio(settings))

    def _sounds(self, plan: Plan | None, settings: RunSettings, opening: Opening | None) -> Sounds:
        """Tones (with words, for the voice) through the audio output; without one, the
        terminal bell, said once; nothing with --sound off."""
        if settings.sound is SoundMode.OFF:
            return Sounds()
        from psoas_cli.run.audio import NoAudioOutput  # noqa: PLC0415
        from psoas_cli.run.cues import SPOKEN_CUES, SpokenCues, ToneCues, tone_for  # noqa: PLC0415
        from psoas_cli.run.tones import samples  # noqa: PLC0415

        output = opening.result() if opening is not None else None
        if output is None or isinstance(output, NoAudioOutput):
            return self._bells(settings, output)
        speech = None
        notices: tuple[str, ...] = ()
        if settings.sound is SoundMode.VOICE:
            # Loaded only for the voice: it brings subprocess and wave with it.
            from psoas_cli.run.speech import Speech, find_speech_command  # noqa: PLC0415

            command = find_speech_command()
            if command is None:
                notices = (
                    "No speech program found (espeak-ng, espeak, or say on macOS): tones only.",
                )
            else:
                speech = Speech(command, output, settings.volume)
        skipped = SPOKEN_CUES if speech is not None else frozenset()
        tones = ToneCues(output, settings.volume, self.clock, skipped, plan=plan)
        first = start_cue(plan.segments[0]) if plan is not None and plan.segments else None
        if first is not None and first not in skipped:
            # Made now, before the run: the first cue sounds as the run starts, when the
            # other tones are not made yet.
            samples(tone_for(CueEvent(first)), settings.volume)
        words = () if speech is None or plan is None else (SpokenCues(speech, plan),)
        return Sounds(
            listeners=(tones, *words),
            wakers=(tones,),
            notices=notices,
            output=output,
            speech=speech,
        )

    def _bells(self, settings: RunSettings, problem: NoAudioOutput | None) -> Sounds:
        """The terminal bell: asked for, or standing in for an audio output that did not open."""
        from psoas_cli.run.cues import BellPlayer  # noqa: PLC0415

        stream = _bell_stream(self.stdout, self.stderr)
        bells = None if stream is None else BellPlayer(stream, self.clock)
        notices: tuple[str, ...] = ()
        if problem is not None and bells is not None:
            notices = (f"No audio output ({problem}): ringing the terminal bell instead.",)
        elif problem is not None:
            notices = (f"No audio output ({problem}) and no terminal for the bell: no sounds.",)
        if bells is None:
            return Sounds(notices=notices)
        return Sounds(listeners=(bells,), wakers=(bells,), notices=notices, bells=bells)

    @staticmethod
    def _notices(
        plan: Plan,
        settings: RunSettings,
        interactive: bool,
        recorder: Recorder | None,
    ) -> list[str]:
        """What will differ from a normal run, said on the safety screen before it starts."""
        notices = []
        if recorder is not None and recorder.problem:
            notices.append(f"This run will not be recorded: {recorder.problem}")
        elif settings.history_wanted and not settings.recorded:
            notices.append(f"A preview at {settings.speed:g}x speed is not recorded in history.")
        if not interactive and any(s.self_paced for s in plan.segments):
            notices.append(
                f"No keyboard: self-paced sets are timed at {SECONDS_PER_SELF_PACED_REP:g} s "
                "per rep."
            )
        return notices


MORE_PROMPT = "More: space or Enter (q cancels)"
"""Said at the foot of each screenful of the text before a run; short enough for one row at
40 columns."""


class Pager:
    """The text before a run, a screenful at a time, on a screen too short to show it all.

    Someone lying on a mat cannot scroll back: at 40x15 the safety screen would be gone
    before the pain question. So before a line would push unread text off the top, a
    prompt waits for a key. ``screen`` is (columns, rows); None prints everything at once.
    """

    def __init__(self, display: Display, keys: KeySource, screen: tuple[int, int] | None) -> None:
        self._display = display
        self._keys = keys
        self._screen = screen
        self._shown = 0

    def lines(self, lines: list[str]) -> bool:
        """Show ``lines``, waiting at each full screen; False when the person cancelled."""
        if self._screen is None:
            self._display.lines(lines)
            return True
        columns, rows = self._screen
        # Below the text: the prompt (two rows, where it wraps) and the row the cursor is on,
        # where the question after the text is asked.
        room = max(1, rows - len(hanging(MORE_PROMPT, columns)) - 1)
        for line in lines:
            for part in hanging(line, columns):
                if self._shown >= room:
                    self._display.lines([MORE_PROMPT])
                    if self._keys.wait_for_key() in CANCEL_KEYS:
                        return False
                    self._shown = 0
                self._display.lines([part])
                self._shown += 1
        return True


SAMPLED_CUES: tuple[tuple[str, CueEvent], ...] = (
    ("Get ready", CueEvent(Cue.GET_READY)),
    ("Start", CueEvent(Cue.START)),
    ("Inhale", CueEvent(Cue.INHALE)),
    ("Hold the breath", CueEvent(Cue.HOLD_BREATH)),
    ("Exhale", CueEvent(Cue.EXHALE)),
    ("A rep", CueEvent(Cue.REP, 1)),
    ("Countdown: 3", CueEvent(Cue.COUNTDOWN, 3)),
    ("Countdown: 2", CueEvent(Cue.COUNTDOWN, 2)),
    ("Countdown: 1", CueEvent(Cue.COUNTDOWN, 1)),
    ("Switch sides", CueEvent(Cue.SWITCH)),
    ("Rest", CueEvent(Cue.REST)),
    ("Next exercise", CueEvent(Cue.NEXT)),
    ("End of the routine", CueEvent(Cue.FINISH)),
)
"""What ``psoas sounds`` plays, in a run's order, with the name it shows for each."""

SAMPLE_GAP_SECONDS = 0.6
"""Silence after each sampled cue, so each is heard on its own."""


def sample_sounds(session: Session, settings: RunSettings) -> bool:
    """Play every cue once, naming each as it plays (``psoas sounds``); False when there
    was no audio output and the bell rang instead.

    With the voice on, the cues a run speaks say their names here.
    """
    out = session.stdout
    if settings.sound is SoundMode.OFF:
        out.write("Nothing to play with --sound off.\n")
        return True
    from psoas_cli.run.cues import SPOKEN_CUES, WORDS  # noqa: PLC0415

    sounds = session.sounds_for(None, settings)
    try:
        for notice in sounds.notices:
            out.write(notice + "\n")
        for name, event in SAMPLED_CUES:
            out.write(name + "\n")
            out.flush()
            if sounds.speech is not None and event.cue in SPOKEN_CUES:
                sounds.speech.say(WORDS.get(event.cue, name))
            else:
                for listener in sounds.listeners:
                    listener(event)
            sounds.play_out(session.clock, session.sleep)
            session.sleep(SAMPLE_GAP_SECONDS)
    finally:
        sounds.close()
    return sounds.output is not None or settings.sound is SoundMode.BELL


class OptionSwitch:
    """Switches a step between its main exercise and its alternative when asked, mid-run.

    The engine gets the new timeline at its own speed; the display, which words durations
    as they really are, gets it unscaled; ``plan`` is the one the run ends with.
    """

    def __init__(self, plan: Plan, settings: RunSettings, display: Display) -> None:
        self.plan = plan
        self._settings = settings
        self._display = display

    def __call__(self, plan: Plan, step: int) -> Plan | None:
        if not has_alternative(self.plan.routine, step):
            return None
        self.plan = make_plan(self.plan.routine, self._settings, self.plan.chosen ^ {step})
        self._display.replan(self.plan)
        return scaled(self.plan, self._settings.speed)


def _nothing() -> None:
    """No screen to give back: outside the run's frame psoas prints plain lines."""


def _giving_back(display: Display, sounds: Sounds, awake: Inhibitor | None) -> Callable[[], None]:
    """What a stop (Ctrl-Z) gives back: the screen, the speakers (nothing may play on while
    the program stands) and the screen lock while nobody runs."""

    def give_back() -> None:
        display.leave_screen()
        sounds.silence()
        if awake is not None:
            awake.release()

    return give_back


def not_started(plan: Plan) -> RunReport:
    """The report of a run cancelled at the safety screen."""
    return RunReport(
        outcome=Outcome.QUIT,
        active_seconds=0.0,
        paused_seconds=0.0,
        steps_done=(),
        steps_skipped=(),
        steps_total=len(plan.step_indices),
        index=0,
    )


def standard_session() -> Session:
    """The session of a real run: the process's own streams and clock."""
    return Session(sys.stdin, sys.stdout, sys.stderr)
