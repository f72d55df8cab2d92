"""The study's frequency table against hand-counted fixtures (no database)."""

from cases.tables import CodeNode, CodingRef, frequency_table, top_categories

# Actors(1) > Academia(2) > Universities(3), Innovation labs(4); Actors > Industry(5) > Suppliers(6)
# Value(7) > Cost(8)
CODES = [
    CodeNode(1, "Actors", "/1/", 0, None, 0),
    CodeNode(2, "Academia", "/1/2/", 1, 1, 0),
    CodeNode(3, "Universities", "/1/2/3/", 2, 2, 0),
    CodeNode(4, "Innovation labs", "/1/2/4/", 2, 2, 1),
    CodeNode(5, "Industry", "/1/5/", 1, 1, 1),
    CodeNode(6, "Suppliers", "/1/5/6/", 2, 5, 0),
    CodeNode(7, "Value", "/7/", 0, None, 1),
    CodeNode(8, "Cost", "/7/8/", 1, 7, 0),
]
CODINGS = [
    CodingRef(1, 100, 3),  # doc 100: Universities
    CodingRef(1, 100, 4),  # same excerpt also Innovation labs: a second coding
    CodingRef(2, 101, 3),  # doc 101: Universities
    CodingRef(3, 101, 2),  # doc 101: Academia itself
    CodingRef(4, 100, 6),  # doc 100: Suppliers
    CodingRef(5, 100, 1),  # coded at cluster level: counts for no category
]


def test_frequency_table_hand_counted():
    table = frequency_table(CODES, CODINGS)
    assert [(r.cluster, r.category, r.documents, r.codings, r.concepts) for r in table] == [
        ("Actors", "Academia", 2, 4, ["Universities", "Innovation labs"]),
        ("Actors", "Industry", 1, 1, ["Suppliers"]),
        ("Value", "Cost", 0, 0, []),
    ]
    assert table[0].document_ids == [100, 101]


def test_top_categories_per_cluster():
    top = top_categories(frequency_table(CODES, CODINGS), n=1)
    assert [r.category for r in top["Actors"]] == ["Academia"]
    assert top["Value"] == []


def test_level_zero_counts_clusters():
    table = frequency_table(CODES, CODINGS, level=0)
    assert [(r.category, r.documents, r.codings) for r in table] == [
        ("Actors", 2, 6),
        ("Value", 0, 0),
    ]
