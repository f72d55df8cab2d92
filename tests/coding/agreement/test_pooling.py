"""An agreement run's arithmetic on plain data, without a database: value patterns, one
document's partial, and the documents pooled."""

from __future__ import annotations

import json
import math
import random

import numpy as np
import pytest

from coding.agreement import (
    bootstrap_alpha_ci,
    coincidence_matrix,
    krippendorff_alpha,
    unitized_alpha_details,
)
from coding.agreement.alpha import Coincidences, alpha_from_coincidences
from coding.agreement.partials import document_partial
from coding.agreement.patterns import coincidence_sums, pattern_coincidences
from coding.agreement.pooling import NO_PAIRS, RunPool, binary_alphas, bootstrap_ci, finalize
from coding.wording import Notice

SPEC = {
    "unit": "document",
    "coders": [1, 2],
    "documents": [10, 11, 12],
    "rows": [100, 101],
    "code_map": {"100": 100, "101": 101},
    "names": {"100": "Industry", "101": "Academia"},
    "segment": "sentence",
    "threshold": 0.5,
    "overlap": 0.9,
}


def _doc(pk: int, present=(1, 2)) -> dict:
    return {
        "id": pk,
        "code": f"00000000-0000-0000-0000-{pk:012d}",
        "title": f"Document {pk}",
        "text": "Ten chars. Ten chars.",
        "paragraphs": [],
        "turns": [],
        "pages": [],
        "present": list(present),
    }


def _excerpt(pk: int, coder: int, codes: list[int], start: int = 0, end: int = 9) -> dict:
    return {
        "id": pk,
        "uuid": f"e-{pk}",
        "coder": coder,
        "start": start,
        "end": end,
        "version": 1,
        "codes": codes,
    }


def test_pattern_coincidences_equal_krippendorffs_matrix_for_each_pattern():
    for key, column in {"10": [1, 0], "11": [1, 1], "1-0": [1, None, 0], "0": [0]}.items():
        ours = pattern_coincidences(key)
        theirs = coincidence_matrix([[v] for v in column])
        full = np.zeros((2, 2))
        for i, a in enumerate(theirs.values):
            for j, b in enumerate(theirs.values):
                full[int(a), int(b)] = theirs.matrix[i, j]
        assert ours == pytest.approx(full)


def test_documents_are_pooled_by_summing_coincidences_not_averaging_alpha():
    partials = [
        document_partial(SPEC, _doc(10), [_excerpt(1, 1, [100]), _excerpt(2, 2, [100])]),
        document_partial(SPEC, _doc(11), [_excerpt(3, 1, [100, 101])]),
        document_partial(SPEC, _doc(12), [_excerpt(4, 2, [101]), _excerpt(5, 1, [101])]),
    ]
    results = finalize(SPEC, partials, n_boot=50, seed=0)
    # Units are (document, code): coder 1 and coder 2 per document, Industry then Academia.
    coder1 = [1, 0, 1, 1, 0, 1]
    coder2 = [1, 0, 0, 0, 0, 1]
    pooled = results["pooled"]["values"]["alpha"]
    assert pooled == pytest.approx(krippendorff_alpha([coder1, coder2]))
    industry = results["rows"][0]
    assert industry["values"]["alpha"] == pytest.approx(
        krippendorff_alpha([coder1[::2], coder2[::2]])
    )
    assert industry["disagreement_count"] == 1
    assert results["excerpts"] == [[1, 1], [2, 1], [3, 1], [4, 1], [5, 1]]


def test_a_document_only_one_coder_was_present_in_leaves_no_pairs():
    partial = document_partial(SPEC, _doc(10, present=(1,)), [_excerpt(1, 1, [100])])
    results = finalize(SPEC, [partial], n_boot=10, seed=0)
    assert results["pooled"]["values"]["alpha"] is None
    assert results["pooled"]["reasons"]["alpha"] == NO_PAIRS


def test_bootstrap_over_patterns_matches_the_unit_bootstrap_width():
    data = [[1, 1, 0, 0, 1, 0, 1, 1, 0, 0] * 5, [1, 0, 0, 0, 1, 0, 1, 1, 1, 0] * 5]
    patterns: dict[str, float] = {}
    for x, y in zip(*data, strict=True):
        patterns[f"{x}{y}"] = patterns.get(f"{x}{y}", 0) + 1
    ours = bootstrap_ci(patterns, n_coders=2, n_boot=2000, seed=1)
    theirs = bootstrap_alpha_ci(data, n_boot=2000, seed=1)
    assert ours[0] == pytest.approx(theirs[0], abs=0.05)
    assert ours[1] == pytest.approx(theirs[1], abs=0.05)


def test_binary_alphas_are_alpha_from_coincidences_to_the_last_bit():
    # As the bootstrap makes them: multinomial counts over pattern coincidences of three and
    # four coders (fractions ÷ (m − 1)), with tiny, empty and one-valued replicates.
    rng = np.random.default_rng(3)
    keys = ["110", "101", "111", "000", "10-", "0-1", "1100", "1110", "0001"]
    stack = np.stack([pattern_coincidences(key) for key in keys])
    draws = rng.multinomial(40, np.full(len(keys), 1 / len(keys)), size=3000)
    draws = np.concatenate([draws, rng.integers(0, 2, size=(200, len(keys)))])
    draws[:5] = 0
    draws[5:10, 2:] = 0
    matrices = np.stack([np.einsum("p,pij->ij", d.astype(np.float64), stack) for d in draws])
    ours = binary_alphas(matrices)
    theirs = np.array([alpha_from_coincidences(Coincidences((0, 1), m)) for m in matrices])
    assert np.isnan(theirs).any() and not np.isnan(theirs).all()
    assert np.array_equal(ours, theirs, equal_nan=True)
    assert ours.tobytes() == theirs.tobytes()


def test_light_kappa_says_how_many_pairs_it_left_out():
    from coding.agreement.alpha import Coincidences
    from coding.agreement.pooling import coefficients

    # Coders 2 and 3 never apply the code: their pair's κ is 0/0 and leaves Light's mean,
    # which is then the mean of the two pairs with coder 1 (both 0).
    values, reasons = coefficients(
        {"100": 1.0, "000": 2.0}, Coincidences((), np.zeros((0, 0))), n_coders=3, wanted=["kappa"]
    )
    assert values["light"] == pytest.approx(0.0)
    # Stored as a notice (message id and numbers), worded in the reader's language when shown.
    assert str(Notice.from_stored(reasons["light"])).startswith(
        "mean of 2 of 3 coder pairs; 1 undefined"
    )


def test_pairable_values_count_the_values_of_units_two_coders_rated():
    from coding.agreement.patterns import pairable_values

    # Two units rated by both (4 values), one by coder 1 alone (not pairable).
    assert pairable_values({"11": 1.0, "10": 1.0, "1-": 1.0}) == 4.0


def _part(document: int, patterns: dict[str, float]) -> dict:
    return {
        "document": document,
        "ref": [f"d-{document}", f"Document {document}"],
        "excerpts": [],
        "refs": {},
        "codes": {"100": {"patterns": patterns, "disagreements": [], "disagreement_count": 0}},
    }


def test_four_coders_coincidences_are_summed_in_document_order_whatever_the_arrival():
    """With four coders a unit's coincidences are thirds, whose sums depend on their order:
    the pool sums each row's in the run's document order, however the parts arrive."""
    rng = random.Random(5)
    spec = {**SPEC, "unit": "character", "coders": [1, 2, 3, 4], "rows": [100]}
    spec["documents"] = list(range(30))
    parts = [
        _part(d, {"1100": rng.randint(1, 10**6), "1000": rng.randint(1, 10**6), "0000": 7.0})
        for d in spec["documents"]
    ]
    sums = [coincidence_sums(p["codes"]["100"]["patterns"]) for p in parts]

    def alpha(order) -> float:
        o00 = o01 = o11 = 0.0
        for i in order:
            o00, o01, o11 = o00 + sums[i][0], o01 + sums[i][1], o11 + sums[i][2]
        return alpha_from_coincidences(Coincidences((0, 1), np.array([[o00, o01], [o01, o11]])))

    in_order = alpha(range(30))
    assert in_order != alpha(reversed(range(30)))  # the order shows in the last bits
    expected = json.dumps(finalize(spec, parts))
    assert json.loads(expected)["rows"][0]["values"]["alpha"] == in_order
    for _trial in range(3):
        pool = RunPool(spec)
        for part in rng.sample(parts, len(parts)):
            pool.add(part)
        assert json.dumps(pool.finish()) == expected


def test_unitized_alpha_per_code_is_each_codes_alone_over_the_documents_end_to_end():
    """Each code's uα is that of its spans alone, the documents laid end to end (the same
    floats), whatever other codes overlap it; a code nobody applied is undefined."""
    rng = random.Random(7)
    spec = {**SPEC, "unit": "character", "coders": [1, 2, 3], "rows": [100, 101, 102]}
    spec["code_map"] = {str(r): r for r in spec["rows"]}
    spans: dict[int, dict[str, list]] = {row: {"1": [], "2": [], "3": []} for row in spec["rows"]}
    partials, offset, pk = [], 0, 0
    for document in spec["documents"]:
        doc = _doc(document, present=(1, 2, 3))
        excerpts = []
        for coder in (1, 2, 3):
            for _ in range(rng.randint(0, 4)):
                start = rng.randint(0, 19)
                end = rng.randint(start + 1, 21)
                codes = rng.sample([100, 101], rng.randint(1, 2))  # 102 never applied
                pk += 1
                excerpts.append(_excerpt(pk, coder, codes, start, end))
                for code in codes:
                    spans[code][str(coder)].append((start + offset, end + offset, code))
        excerpts.sort(key=lambda e: (e["start"], e["end"], e["id"]))
        partials.append(document_partial(spec, doc, excerpts))
        offset += len(doc["text"])
    per_code = finalize(spec, partials)["unitized"]["per_code"]
    for row in spec["rows"]:
        alone = unitized_alpha_details(spans[row], offset).u
        assert per_code[str(row)]["u_alpha"] == (None if math.isnan(alone) else alone)
    assert per_code["100"]["u_alpha"] is not None and per_code["102"]["reason"]
