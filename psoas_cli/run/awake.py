"""Keep the screen awake while a run is live: a 5-minute bridge outlasts most screen locks.

No library is needed; each platform has its own way, and psoas uses the one that is there:

- GNOME listens only to its session manager, so ``gnome-session-inhibit --inhibit idle``;
- KDE Plasma, sway (swayidle) and other logind-aware desktops honour an idle lock from
  ``systemd-inhibit --what=idle --mode=block``;
- macOS has ``caffeinate -d`` (no display sleep), told to end with psoas (``-w``);
- Windows has ``SetThreadExecutionState``, called through ctypes.

On Linux the lock is held by a wrapper around ``cat`` reading a pipe from psoas: when psoas
closes the pipe, or dies in any way, ``cat`` reads its end and exits, and the wrapper with it,
so no process outlives the run. Processes are started by an injected ``spawn`` so tests
need not start any; subprocess is imported only when one is started.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager, suppress
from typing import IO, TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterator

WHO = "psoas"
WHY = "A guided routine is running; the screen shows its countdown."

RELEASE_WAIT_SECONDS = 1.0
"""How long an inhibitor process may take to end once told; after that it is killed."""

SYSTEMD_BOOTED = "/run/systemd/system"
"""Present when systemd (and so logind, which systemd-inhibit asks) runs this system."""


class Inhibitor(Protocol):
    """Something that keeps the screen awake between ``hold`` and ``release``; both may be
    called again (Ctrl-Z releases, fg holds again) and ``release`` when nothing is held."""

    name: str

    def hold(self) -> None: ...

    def release(self) -> None: ...


class Child(Protocol):
    """The part of a started process an inhibitor uses (subprocess.Popen has it)."""

    @property
    def stdin(self) -> IO[bytes] | None: ...

    def poll(self) -> int | None: ...

    def terminate(self) -> None: ...

    def kill(self) -> None: ...

    def wait(self, timeout: float | None = None) -> int: ...


Spawn = Callable[[Sequence[str]], Child]


def spawn_child(command: Sequence[str]) -> Child:
    """Start ``command`` with a pipe from psoas as its input, silent, in a session of its own
    so that Ctrl-C and Ctrl-Z at the terminal reach psoas, which ends or pauses it."""
    import subprocess  # noqa: PLC0415 - only when a run holds the screen awake

    return subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


class ChildInhibitor:
    """Holds the screen awake for as long as a process it started runs."""

    def __init__(self, name: str, command: Sequence[str], spawn: Spawn = spawn_child) -> None:
        self.name = name
        self.command = tuple(command)
        self._spawn = spawn
        self._child: Child | None = None

    def hold(self) -> None:
        """Start the process unless it runs; a system that refuses it leaves the run as it
        would be without one, since the screen is a convenience, not the run."""
        if self._child is not None and self._child.poll() is None:
            return
        try:
            self._child = self._spawn(self.command)
        except OSError:
            self._child = None

    def release(self) -> None:
        """End the process and wait for it, so nothing is left behind."""
        child, self._child = self._child, None
        if child is None:
            return
        if child.stdin is not None:
            child.stdin.close()
        if child.poll() is not None:
            return
        import subprocess  # noqa: PLC0415 - loaded already by whoever started the child

        # Every wait has a timeout: this may run in the Ctrl-Z handler while the main thread
        # is inside the same Popen, and a wait without one would block on its lock for good.
        child.terminate()
        try:
            child.wait(RELEASE_WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            with suppress(subprocess.TimeoutExpired):
                child.wait(RELEASE_WAIT_SECONDS)


ES_CONTINUOUS = 0x80000000
ES_SYSTEM_REQUIRED = 0x00000001
ES_DISPLAY_REQUIRED = 0x00000002


class ExecutionStateInhibitor:
    """Windows: the thread that runs the routine asks for the display, then stops asking."""

    name = "SetThreadExecutionState"

    def __init__(self, set_state: Callable[[int], int]) -> None:
        self._set_state = set_state

    def hold(self) -> None:
        self._set_state(ES_CONTINUOUS | ES_DISPLAY_REQUIRED | ES_SYSTEM_REQUIRED)

    def release(self) -> None:
        self._set_state(ES_CONTINUOUS)


def _windows_inhibitor() -> Inhibitor | None:
    if sys.platform != "win32":
        return None
    import ctypes  # noqa: PLC0415

    return ExecutionStateInhibitor(ctypes.windll.kernel32.SetThreadExecutionState)


HOLDER = ("cat",)
"""What a Linux inhibitor runs: it reads the pipe from psoas and ends when that closes."""


def _desktops(environ: Mapping[str, str]) -> set[str]:
    return {d.strip().upper() for d in environ.get("XDG_CURRENT_DESKTOP", "").split(":")}


def linux_command(
    which: Callable[[str], str | None],
    environ: Mapping[str, str],
    systemd_booted: bool,
) -> tuple[str, tuple[str, ...]] | None:
    """The inhibitor this Linux desktop honours (its name and command), or None."""
    gnome = which("gnome-session-inhibit")
    if gnome and "GNOME" in _desktops(environ):
        gnome_asks = ("--app-id", WHO, "--reason", WHY, "--inhibit", "idle")
        return "gnome-session-inhibit", (gnome, *gnome_asks, *HOLDER)
    systemd = which("systemd-inhibit")
    if systemd and systemd_booted:
        logind_asks = ("--what=idle", "--mode=block", f"--who={WHO}", f"--why={WHY}")
        return "systemd-inhibit", (systemd, *logind_asks, *HOLDER)
    return None


def on_path(program: str) -> str | None:
    """Where ``program`` is on PATH, as ``shutil.which`` would say for a plain name.

    Looked up here because shutil brings the archive modules with it, and this runs before
    the first frame of every run. Empty PATH entries are skipped: they mean the current
    folder, and nothing is started from there.
    """
    for folder in os.environ.get("PATH", os.defpath).split(os.pathsep):
        candidate = os.path.join(folder, program)
        if folder and os.access(candidate, os.X_OK) and not os.path.isdir(candidate):
            return candidate
    return None


def find_inhibitor(
    platform: str = sys.platform,
    which: Callable[[str], str | None] = on_path,
    environ: Mapping[str, str] = os.environ,
    spawn: Spawn = spawn_child,
) -> Inhibitor | None:
    """The way to keep the screen awake here, or None when there is none."""
    if platform == "win32":
        return _windows_inhibitor()
    if platform == "darwin":
        caffeinate = which("caffeinate")
        if caffeinate is None:
            return None
        command = (caffeinate, "-d", "-w", str(os.getpid()))
        return ChildInhibitor("caffeinate", command, spawn)
    found = linux_command(which, environ, os.path.isdir(SYSTEMD_BOOTED))
    return None if found is None else ChildInhibitor(*found, spawn)


@contextmanager
def released(inhibitor: Inhibitor | None) -> Iterator[None]:
    """The screen free to sleep again however the block ends, whether or not it was held."""
    try:
        yield
    finally:
        if inhibitor is not None:
            inhibitor.release()
