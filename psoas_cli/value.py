"""Frozen, typed value classes that cost a plain class to declare.

A frozen dataclass compiles its methods with ``exec`` when its module is imported, about a
millisecond a class, and a NamedTuple builds a tuple type; with some sixty value classes on
the way to a run's first frame that was most of psoas's own start-up time. A ``Value``
subclass only has its field names and defaults read once, from its annotations as written
(never evaluated), and shares one ``__init__``, ``__eq__``, ``__hash__`` and ``__repr__``.

For mypy a ``Value`` is a frozen, keyword-only dataclass (``dataclass_transform``), so
constructor calls, field types and assignments are checked exactly as for one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: object) -> object:
        """At run time the marker does nothing: it only tells type checkers what Value is."""
        return lambda cls: cls


V = TypeVar("V", bound="Value")

MUTABLE_DEFAULTS = (list, dict, set, bytearray)
"""Defaults that one instance could change under every other; refused as dataclasses do."""


class FrozenValueError(AttributeError):
    """A field of a value was assigned or deleted."""


def _is_class_variable(annotation: object) -> bool:
    """Whether an annotation, as written, declares a class variable rather than a field."""
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return annotation is ClassVar or getattr(annotation, "__origin__", None) is ClassVar


@dataclass_transform(frozen_default=True, kw_only_default=True)
class Value:
    """Values equal when their class and fields are; hashed and shown by their fields.

    Subclasses declare fields as annotations, defaults as plain class attributes, and
    inherit the fields of their Value bases first. Defaults stay on the class, so an
    instance stores only what it was given. Fields are keywords only, unless the class is
    declared ``class Tick(Value, kw_only=False)``: then they may also be given in order, as
    for a plain dataclass or a NamedTuple.
    """

    __slots__ = ()

    _field_names: ClassVar[tuple[str, ...]] = ()
    _field_set: ClassVar[frozenset[str]] = frozenset()
    _required: ClassVar[frozenset[str]] = frozenset()
    _positional: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, *, kw_only: bool = True, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        bases = [base for base in reversed(cls.__mro__[1:]) if issubclass(base, Value)]
        inherited = dict.fromkeys(name for base in bases for name in base._field_names)
        own = [
            name
            for name, annotation in cls.__annotations__.items()
            if not _is_class_variable(annotation) and name not in inherited
        ]
        for name in own:
            _check_default(cls, name, cls.__dict__.get(name))
        cls._field_names = (*inherited, *own)
        cls._field_set = frozenset(cls._field_names)
        cls._required = frozenset(name for name in cls._field_names if not hasattr(cls, name))
        positional = dict.fromkeys(name for base in bases for name in base._positional)
        cls._positional = (*positional, *([] if kw_only else own))

    def __init__(self, *positional: Any, **values: Any) -> None:
        cls = self.__class__
        if positional:
            values = _by_name(cls, positional, values)
        if not (values.keys() <= cls._field_set and cls._required <= values.keys()):
            raise _wrong_fields(cls, values)
        self.__dict__.update(values)

    def _values(self) -> tuple[object, ...]:
        return tuple([getattr(self, name) for name in self._field_names])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Value)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._field_names)
        return f"{self.__class__.__qualname__}({shown})"

    if not TYPE_CHECKING:
        # Hidden from mypy, which already treats every field as read-only.

        def __setattr__(self, name: str, value: object) -> None:
            raise FrozenValueError(f"cannot assign to field {name!r}")

        def __delattr__(self, name: str) -> None:
            raise FrozenValueError(f"cannot delete field {name!r}")


def _check_default(cls: type[Value], name: str, default: object) -> None:
    """Refuse a default that every instance would share and could change, and one that,
    read through an instance, would turn into something else (a function, a method)."""
    if isinstance(default, MUTABLE_DEFAULTS):
        raise ValueError(f"{cls.__qualname__}.{name}: a mutable default is shared by all")
    if hasattr(type(default), "__get__"):
        raise ValueError(f"{cls.__qualname__}.{name}: a default read as {default!r} would bind")


def _by_name(
    cls: type[Value], positional: tuple[Any, ...], values: dict[str, Any]
) -> dict[str, Any]:
    """Fields given in order joined to those given by name, refused as Python refuses them."""
    if len(positional) > len(cls._positional):
        takes, given = len(cls._positional) + 1, len(positional) + 1
        message = f"{cls.__qualname__}.__init__() takes {takes} positional arguments"
        raise TypeError(f"{message} but {given} were given")
    named = dict(zip(cls._positional, positional, strict=False))
    for name in values:
        if name in named:
            message = f"{cls.__qualname__}.__init__() got multiple values for argument {name!r}"
            raise TypeError(message)
    named.update(values)
    return named


def _wrong_fields(cls: type[Value], values: dict[str, Any]) -> TypeError:
    """The error a dataclass's ``__init__`` gives for missing or unknown keywords."""
    unknown = [name for name in values if name not in cls._field_set]
    if unknown:
        return TypeError(
            f"{cls.__qualname__}.__init__() got an unexpected keyword argument {unknown[0]!r}"
        )
    missing = [name for name in cls._field_names if name in cls._required and name not in values]
    listed = ", ".join(repr(name) for name in missing)
    plural = "s" if len(missing) > 1 else ""
    return TypeError(
        f"{cls.__qualname__}.__init__() missing {len(missing)} required keyword-only "
        f"argument{plural}: {listed}"
    )


def as_dict(value: Value) -> dict[str, Any]:
    """A value's fields by name, not copied deeply: for SQL parameters and JSON."""
    return {name: getattr(value, name) for name in value._field_names}


def replace(value: V, **changes: Any) -> V:
    """A copy of ``value`` with some fields changed; unknown names are a TypeError."""
    return value.__class__(**{**as_dict(value), **changes})
