"""What declaring one value class costs at import, beside a plain class declared in the same run.

psoas declares some sixty frozen value classes on the way to a run's first frame, so the
cost of one declaration is paid sixty times before anything is drawn. Each form declares
the same four fields; every round declares each form once, interleaved, so machine noise
hits all of them alike, and the median time per class is printed with its ratio to a plain
class (the floor: what Python itself charges for a class statement).

Target (this bench's own, for issue 12's "class creation" item): a Value class costs at
most 5 x a plain class, where a frozen kw_only dataclass costs several tens. Exits 1 when
the target is missed; takes a few seconds.

    python bench/declare.py [--rounds N]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from collections.abc import Callable
from typing import NamedTuple

from psoas_cli.value import Value

TARGET = 5.0
"""Most a Value declaration may cost, as a multiple of a plain class's."""


def plain() -> type:
    """A class statement with annotations and defaults, and nothing made from them."""

    class Plain:
        reps: int
        name: str = "x"
        sizes: tuple[int, ...] = ()
        limit: float | None = None

    return Plain


def value() -> type:
    """A psoas value class."""

    class Declared(Value):
        reps: int
        name: str = "x"
        sizes: tuple[int, ...] = ()
        limit: float | None = None

    return Declared


def named_tuple() -> type:
    """A typing.NamedTuple, which builds a tuple type from the fields."""

    class Declared(NamedTuple):
        reps: int
        name: str = "x"
        sizes: tuple[int, ...] = ()
        limit: float | None = None

    return Declared


def frozen_dataclass() -> type:
    """A frozen kw_only dataclass, which compiles its methods with exec."""

    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Declared:
        reps: int
        name: str = "x"
        sizes: tuple[int, ...] = ()
        limit: float | None = None

    return Declared


FORMS: dict[str, Callable[[], type]] = {
    "plain class (floor)": plain,
    "Value": value,
    "typing.NamedTuple": named_tuple,
    "frozen kw_only dataclass": frozen_dataclass,
}


def seconds(declare: Callable[[], type]) -> float:
    """Wall seconds of one declaration."""
    start = time.perf_counter()
    declare()
    return time.perf_counter() - start


def main() -> int:
    """Print each form's median cost and ratio to the floor; 1 when Value misses its target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    rounds = parser.parse_args().rounds
    times: dict[str, list[float]] = {name: [] for name in FORMS}
    for _ in range(rounds):
        for name, declare in FORMS.items():
            times[name].append(seconds(declare))
    medians = {name: statistics.median(found) for name, found in times.items()}
    floor = medians["plain class (floor)"]
    for name, median in medians.items():
        print(f"{name:26s} {median * 1e3:7.3f} ms a class  {median / floor:6.1f} x floor")
    ratio = medians["Value"] / floor
    met = ratio <= TARGET
    verdict = "met" if met else "MISSED"
    print(f"Value: {ratio:.1f} x a plain class (target <= {TARGET:.0f} x): {verdict}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
