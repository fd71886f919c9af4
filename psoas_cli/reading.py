"""Reading a file a person names, refusing anything that is not a regular file.

A FIFO, a terminal or a device such as /dev/zero would be read forever or hang until some
other program writes to it; opened without blocking and checked before the first read,
it is refused at once. A leaf, so routines, config and history imports share one rule.
"""

from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from os import PathLike

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
"""O_NONBLOCK makes opening a FIFO with no writer return at once; regular files ignore it."""

NOT_REGULAR = "not a regular file (a folder, pipe or device); give the path of a file"


class NotRegularFileError(OSError):
    """A path that names a folder, pipe, socket or device instead of a file."""

    def __init__(self, path: str | PathLike[str]) -> None:
        super().__init__(NOT_REGULAR)
        self.strerror = NOT_REGULAR
        self.filename = os.fspath(path)

    def __str__(self) -> str:
        return NOT_REGULAR


def read_regular(path: str | PathLike[str], most: int = -1) -> bytes:
    """Up to ``most`` bytes of a regular file (all with -1); NotRegularFileError otherwise."""
    descriptor = os.open(path, _FLAGS)
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise NotRegularFileError(path)
        return handle.read(most)
