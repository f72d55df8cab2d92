"""The harness's vocabulary: sizes, targets, measured rows, the run context and the registry."""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Size:
    """How big each scenario's synthetic data is. `full` is the scale the issues name."""

    name: str
    repeats: int
    pdf_pages: int
    upload_files: int
    upload_pages: int
    view_chars: int
    view_excerpts: int
    huge_chars: int  # the longest document writes are measured on (issue 21: up to 5 M)
    codebook_codes: int
    merge_codings: int
    run_documents: int
    run_coders: int
    run_codes: int
    run_excerpts: int
    run_chars: int
    alpha_units: int
    alpha_coders: int
    alpha_categories: int
    unitized_chars: int
    unitized_coders: int
    matrix_rows: int
    matrix_columns: int
    matrix_codings: int
    concurrent_users: int
    requests_per_user: int


SIZES = {
    "tiny": Size(
        name="tiny",
        repeats=1,
        pdf_pages=6,
        upload_files=3,
        upload_pages=2,
        view_chars=30_000,
        view_excerpts=150,
        huge_chars=60_000,
        codebook_codes=60,
        merge_codings=300,
        run_documents=3,
        run_coders=3,
        run_codes=15,
        run_excerpts=300,
        run_chars=8_000,
        alpha_units=2_000,
        alpha_coders=5,
        alpha_categories=30,
        unitized_chars=30_000,
        unitized_coders=5,
        matrix_rows=6,
        matrix_columns=10,
        matrix_codings=600,
        concurrent_users=3,
        requests_per_user=2,
    ),
    "small": Size(
        name="small",
        repeats=5,
        pdf_pages=150,
        upload_files=30,
        upload_pages=4,
        view_chars=300_000,
        view_excerpts=1_000,
        huge_chars=1_000_000,
        codebook_codes=1_000,
        merge_codings=10_000,
        run_documents=26,
        run_coders=3,
        run_codes=150,
        run_excerpts=3_000,
        run_chars=20_000,
        alpha_units=20_000,
        alpha_coders=5,
        alpha_categories=30,
        unitized_chars=300_000,
        unitized_coders=5,
        matrix_rows=60,
        matrix_columns=300,
        matrix_codings=10_000,
        concurrent_users=20,
        requests_per_user=5,
    ),
    "full": Size(
        name="full",
        repeats=10,
        pdf_pages=150,
        upload_files=30,
        upload_pages=8,
        view_chars=1_500_000,
        view_excerpts=5_000,
        huge_chars=5_000_000,
        codebook_codes=1_000,
        merge_codings=10_000,
        run_documents=26,
        run_coders=3,
        run_codes=150,
        run_excerpts=15_000,
        run_chars=40_000,
        alpha_units=20_000,
        alpha_coders=5,
        alpha_categories=30,
        unitized_chars=300_000,
        unitized_coders=5,
        matrix_rows=60,
        matrix_columns=300,
        matrix_codings=50_000,
        concurrent_users=20,
        requests_per_user=10,
    ),
}


@dataclass(frozen=True)
class Target:
    """A limit from the issues. `at_scale` says whether this run's data is the size the
    target was set for; a tiny run reports the figure but no verdict."""

    limit: float
    text: str
    at_scale: bool = True
    at_least: bool = False  # a rate to reach (met at or above the limit), not a time to beat


@dataclass
class Row:
    """One line of the report: a measured figure, or why it was not measured."""

    scenario: str
    label: str
    samples: list[float] = field(default_factory=list)
    unit: str = "s"
    target: Target | None = None
    peak_memory_mb: float | None = None
    note: str = ""
    status: str = "measured"  # measured | not measured | error
    reason: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def p95(self) -> float | None:
        if not self.samples:
            return None
        ordered = sorted(self.samples)
        # Nearest-rank p95: with ten samples it is the slowest one, never an interpolation.
        rank = max(1, -(-95 * len(ordered) // 100))
        return ordered[rank - 1]

    @property
    def verdict(self) -> str:
        if self.status != "measured":
            return ""
        if self.target is None:
            return "no target set"
        if not self.target.at_scale:
            return "target is for full-scale data"
        if self.target.at_least:
            return "met" if (self.median or 0) >= self.target.limit else "MISSED"
        # The slow runs are the ones a researcher remembers: judge the p95, not the median.
        return "met" if (self.p95 or 0) < self.target.limit else "MISSED"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(median=self.median, p95=self.p95, verdict=self.verdict)
        return data


class NotAvailable(Exception):
    """The feature a scenario measures is not in this tree yet (or cannot run here)."""


@dataclass
class Context:
    size: Size
    repeats: int
    smoke: bool
    database_url: str
    redis_url: str
    media_root: Path
    work: Path
    notes: list[str] = field(default_factory=list)

    def rows(self, scenario: str) -> Callable[..., Row]:
        def make(label: str, **kwargs: Any) -> Row:
            return Row(scenario=scenario, label=label, **kwargs)

        return make

    def target(
        self, limit: float, text: str, *, at_scale: bool | None = None, at_least: bool = False
    ) -> Target:
        scale = self.size.name != "tiny" if at_scale is None else at_scale
        return Target(limit, text, scale, at_least)


def timed(
    func: Callable[[], Any],
    *,
    repeats: int,
    setup: Callable[[], Any] | None = None,
    memory: bool = False,
) -> tuple[list[float], float | None]:
    """Run `func` `repeats` times (after `setup`, untimed) and return the wall times.

    Peak memory is taken in one extra, untimed run under tracemalloc (which slows Python down
    too much to time the same run), so it reports what the code allocates, in MB.
    """
    samples: list[float] = []
    for _ in range(repeats):
        if setup:
            setup()
        gc.collect()
        began = time.perf_counter()
        func()
        samples.append(time.perf_counter() - began)
    peak = None
    if memory:
        if setup:
            setup()
        gc.collect()
        tracemalloc.start()
        try:
            func()
            peak = tracemalloc.get_traced_memory()[1] / 1_048_576
        finally:
            tracemalloc.stop()
    return samples, peak


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    run: Callable[[Context], list[Row]]


REGISTRY: dict[str, Scenario] = {}


def scenario(name: str, title: str) -> Callable[[Callable[[Context], list[Row]]], Any]:
    def register(func: Callable[[Context], list[Row]]) -> Callable[[Context], list[Row]]:
        REGISTRY[name] = Scenario(name, title, func)
        return func

    return register
