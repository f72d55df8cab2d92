"""The helix rule on a known fixture (no database)."""

from cases.classify import ClassSpec, classify, matches, present_codes, summarize

GOV, IND, ACA, SOC, ENV = 1, 2, 3, 4, 5
TRIPLE = frozenset({GOV, IND, ACA})
HELIX = [
    ClassSpec("Quintuple helix", all_of=TRIPLE | {SOC, ENV}),
    ClassSpec("Quadruple helix", all_of=TRIPLE | {SOC}),
    ClassSpec("Triple helix", all_of=TRIPLE),
]


def test_present_codes_include_ancestors():
    assert present_codes(["/1/7/9/", "/2/"]) == {1, 7, 9, 2}


def test_conditions_all_any_none():
    spec = ClassSpec("x", all_of=frozenset({1}), any_of=frozenset({2, 3}), none_of=frozenset({4}))
    assert matches({1, 3}, spec)
    assert not matches({1}, spec)  # none of the any-of codes
    assert not matches({1, 2, 4}, spec)  # a forbidden code
    assert not matches({2, 3}, spec)  # missing an all-of code


def test_helix_classes_in_order():
    assert classify({GOV, IND, ACA, SOC, ENV}, HELIX) == "Quintuple helix"
    assert classify({GOV, IND, ACA, SOC}, HELIX) == "Quadruple helix"
    assert classify({GOV, IND, ACA, ENV}, HELIX) == "Triple helix"
    assert classify({GOV, IND}, HELIX) is None


def test_four_of_twenty_six_strategies_is_about_fifteen_percent():
    assigned = {f"doc{i}": "Quintuple helix" for i in range(4)}
    assigned |= {f"doc{i}": "Quadruple helix" for i in range(4, 14)}
    assigned |= {f"doc{i}": "Triple helix" for i in range(14, 20)}
    assigned |= {f"doc{i}": None for i in range(20, 26)}
    counts = summarize(assigned, HELIX)
    assert [(c.name, c.count) for c in counts] == [
        ("Quintuple helix", 4),
        ("Quadruple helix", 10),
        ("Triple helix", 6),
        ("", 6),
    ]
    assert counts[0].sentence == "4 of 26 ≈ 15 %"
    assert counts[0].units == ["doc0", "doc1", "doc2", "doc3"]
