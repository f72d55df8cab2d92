"""The pure agreement statistics: Krippendorff's α on a large matrix, unitized α on a long text."""

from __future__ import annotations

import random

from bench.core import Context, Row, scenario, timed


def reliability_data(*, coders: int, units: int, categories: int, seed: int = 11) -> list[list]:
    """Coders who mostly agree on a unit's category, with 10 % of values missing."""
    rng = random.Random(seed)
    truth = [rng.randrange(categories) for _ in range(units)]
    data = []
    for _ in range(coders):
        row = []
        for value in truth:
            if rng.random() < 0.10:
                row.append(None)
            elif rng.random() < 0.75:
                row.append(value)
            else:
                row.append(rng.randrange(categories))
        data.append(row)
    return data


@scenario("alpha", "Krippendorff's α (pure)")
def alpha(ctx: Context) -> list[Row]:
    from coding.agreement import krippendorff_alpha

    size = ctx.size
    row = ctx.rows("alpha")
    full = size.alpha_units >= 20_000 and size.alpha_coders >= 5
    rows = []
    for categories in (size.alpha_categories, size.alpha_categories * 10):
        data = reliability_data(
            coders=size.alpha_coders, units=size.alpha_units, categories=categories
        )
        samples, peak = timed(
            lambda d=data: krippendorff_alpha(d), repeats=ctx.repeats, memory=True
        )
        main = categories == size.alpha_categories
        rows.append(
            row(
                f"{size.alpha_coders} coders × {size.alpha_units:,} units, {categories} "
                "categories, 10 % missing",
                samples=samples,
                peak_memory_mb=peak,
                target=ctx.target(0.1, "< 0.1 s", at_scale=full) if main else None,
                note=""
                if main
                else "memory check: 10× the categories must not cost 100× the memory",
            )
        )
    small, large = rows[0].peak_memory_mb or 0, rows[1].peak_memory_mb or 0
    if small:
        rows[1].note += f" (peak memory ×{large / small:.1f} for ×100 categories²)"
    return rows


def unitized_spans(*, coders: int, length: int, seed: int = 12) -> dict[int, list]:
    """Each coder marks most of a shared set of passages, boundaries drifting, values mostly
    shared; a coder's own units never overlap (they cannot on a single-valued continuum)."""
    rng = random.Random(seed)
    passages = []
    position = rng.randint(0, 400)
    while position < length - 200:
        width = rng.randint(50, 800)
        passages.append((position, min(length, position + width), rng.randrange(10)))
        position += width + rng.randint(100, 1200)
    spans: dict[int, list] = {}
    for coder in range(coders):
        mine = []
        last_end = 0
        for start, end, value in passages:
            if rng.random() > 0.85:
                continue
            s = max(last_end, start + rng.randint(-25, 25))
            e = min(length, end + rng.randint(-25, 25))
            if e <= s:
                continue
            mine.append((s, e, value if rng.random() < 0.8 else rng.randrange(10)))
            last_end = e
        spans[coder] = mine
    return spans


@scenario("unitized-alpha", "Unitized α (pure)")
def unitized(ctx: Context) -> list[Row]:
    from coding.agreement import unitized_alpha

    size = ctx.size
    spans = unitized_spans(coders=size.unitized_coders, length=size.unitized_chars)
    samples, peak = timed(
        lambda: unitized_alpha(spans, size.unitized_chars), repeats=ctx.repeats, memory=True
    )
    units = sum(len(v) for v in spans.values())
    return [
        ctx.rows("unitized-alpha")(
            f"{size.unitized_chars:,} characters, {size.unitized_coders} coders, {units:,} units",
            samples=samples,
            peak_memory_mb=peak,
            target=ctx.target(0.5, "< 0.5 s", at_scale=size.unitized_chars >= 300_000),
        )
    ]
