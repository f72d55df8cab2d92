"""Classification rules over code presence (pure: no Django).

A rule is an ordered list of classes; a unit (a document or a case) gets the first class whose
condition holds. A code counts as present when it or any code below it is coded, so the set of
present codes is the set of all ancestors (inclusive) of the coded codes.

The helix model is the worked example: test "quintuple" (government + industry + academia +
society + environment) before "quadruple" before "triple", so each unit lands in its highest class.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ClassSpec:
    name: str
    all_of: frozenset[int] = frozenset()
    any_of: frozenset[int] = frozenset()
    none_of: frozenset[int] = frozenset()

    @property
    def codes(self) -> frozenset[int]:
        """The codes whose excerpts are the evidence for this class."""
        return self.all_of | self.any_of


def path_ids(path: str) -> tuple[int, ...]:
    """'/3/17/40/' -> (3, 17, 40): a code and its ancestors, root first."""
    return tuple(int(part) for part in path.strip("/").split("/") if part)


def present_codes(paths: Iterable[str]) -> set[int]:
    """Every code that counts as present given the paths of the coded codes."""
    present: set[int] = set()
    for path in paths:
        present.update(path_ids(path))
    return present


def matches(present: set[int] | frozenset[int], spec: ClassSpec) -> bool:
    if not spec.all_of <= present:
        return False
    if spec.any_of and not (spec.any_of & present):
        return False
    return not (spec.none_of & present)


def classify(present: set[int] | frozenset[int], classes: Iterable[ClassSpec]) -> str | None:
    for spec in classes:
        if matches(present, spec):
            return spec.name
    return None


@dataclass
class ClassCount:
    name: str
    count: int
    total: int
    units: list = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # what a page prints for each unit

    @property
    def percent(self) -> float:
        return 100.0 * self.count / self.total if self.total else 0.0

    @property
    def sentence(self) -> str:
        """'4 of 26 ≈ 15 %' (rounded to whole percent, as a report would)."""
        return f"{self.count} of {self.total} ≈ {round(self.percent)} %"


def summarize(
    assigned: Mapping[Hashable, str | None], classes: Iterable[ClassSpec]
) -> list[ClassCount]:
    """Counts per class in rule order, plus "unclassified" (name "") when any unit fits none.

    Each count keeps its units, so every number can be opened to the documents behind it.
    """
    total = len(assigned)
    counts = [ClassCount(spec.name, 0, total) for spec in classes]
    by_name = {count.name: count for count in counts}
    rest = ClassCount("", 0, total)
    for unit, name in assigned.items():
        target = by_name.get(name) if name is not None else None
        target = target or rest
        target.count += 1
        target.units.append(unit)
    return counts + ([rest] if rest.count else [])
