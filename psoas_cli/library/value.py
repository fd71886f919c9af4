"""The base of the library's frozen value classes: equality, hashing and repr from fields.

A frozen dataclass compiles six methods per class when its module is imported, and with
a couple of dozen classes that compiling was the largest part of loading the model.
Declared ``@dataclass(frozen=True, eq=False, repr=False)`` on this base, a class compiles
only ``__init__`` and the two methods that keep it frozen; the rest is shared here.
``dataclasses.fields`` and ``replace`` work on them as on any dataclass.
"""

from __future__ import annotations

from dataclasses import fields


class Value:
    """Values equal when their class and fields are; hashed and shown by their fields."""

    __slots__ = ()

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, field.name) for field in fields(self))  # type: ignore[arg-type]

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Value)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))  # type: ignore[arg-type]
        return f"{self.__class__.__qualname__}({shown})"
