"""The project's error types and exit codes, named in one place.

Every layer raises these; only the CLI turns them into messages and exit codes, so a user
sees one readable message and never a traceback.
"""

from __future__ import annotations

from enum import IntEnum

from psoas_cli.value import Value


class ExitCode(IntEnum):
    """Process exit codes; the README documents the same table."""

    OK = 0
    ERROR = 1
    USAGE = 2
    INTERRUPTED = 130
    PIPE_CLOSED = 141
    """Output cut short by its reader (``psoas list | head -1``): 128 + SIGPIPE, as the shell
    reports for any Unix tool that a closed pipe stops."""


class Problem(Value, kw_only=False):
    """One thing wrong in a file, located precisely enough to fix without searching.

    A value rather than a frozen dataclass: every command imports this module, and the
    dataclass machinery would cost ``psoas --help`` more than the rest of it.
    """

    file: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class PsoasError(Exception):
    """Base of every error the user may see; its text is the whole message."""

    exit_code: ExitCode = ExitCode.ERROR


class RoutineFileError(PsoasError):
    """A routine or exercise file that cannot be used, with every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class NotFoundError(PsoasError):
    """A name that matches no routine or exercise, with the closest names as a hint."""

    def __init__(self, what: str, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        hint = f"; did you mean {_quote_alternatives(suggestions)}?" if suggestions else ""
        super().__init__(f"no {what} named {name!r}{hint}")


class NoProgrammeError(PsoasError):
    """A command that needs a programme, with none followed: a usage error, said as one line
    that tells how to choose one."""

    exit_code = ExitCode.USAGE

    def __init__(self) -> None:
        super().__init__(
            "you are not following a programme. Choose one with: psoas plan start starter "
            "(all of them: psoas list --programmes), or name a routine: psoas run daily-10min"
        )


def _quote_alternatives(names: list[str]) -> str:
    quoted = [repr(n) for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
