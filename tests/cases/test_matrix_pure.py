"""The matrix engine on hand-made plain data (no database)."""

import pytest

from cases import matrix as m
from cases.classify import ClassSpec

# Codebook: Actors (1) > Industry (2) > Suppliers (3); Academia (4) under Actors.
PATHS = {1: "/1/", 2: "/1/2/", 3: "/1/2/3/", 4: "/1/4/"}
ANNA, BO, CY = 10, 11, 12


def fact(excerpt, document, coder, start, end, code):
    return m.CodingFact(excerpt, document, coder, start, end, code, PATHS[code])


CODINGS = [
    fact(1, 100, ANNA, 0, 10, 3),  # Suppliers, doc 100
    fact(2, 100, BO, 5, 20, 2),  # Industry, doc 100 (overlaps excerpt 1)
    fact(3, 101, ANNA, 0, 5, 4),  # Academia, doc 101
    fact(4, 102, None, 0, 50, 2),  # consensus Industry, doc 102
    fact(5, 102, CY, 10, 30, 2),  # Cy's Industry, doc 102
]
ROWS = [
    m.RowSpec("industry", "Industry", code_id=2, descendants=True),
    m.RowSpec("industry-only", "Industry (exact)", code_id=2, descendants=False),
    m.RowSpec("academia", "Academia", code_id=4),
    m.RowSpec("actors", "Actors", code_id=1),
]
ALPHA = m.ColumnSpec("alpha", "Alpha", frozenset({100, 101}))
BETA = m.ColumnSpec("beta", "Beta", frozenset({102}))
CHARS = {100: 100, 101: 50, 102: 200}
CODERS = {100: {ANNA, BO}, 101: {ANNA, BO}, 102: {CY}}


def compute(mode="presence", source="any", coder_id=None, **kw):
    return m.compute_matrix(
        rows=ROWS,
        columns=[ALPHA, BETA],
        codings=CODINGS,
        mode=mode,
        source=source,
        coder_id=coder_id,
        document_coders=CODERS,
        document_chars=CHARS,
        **kw,
    )


def test_union_length_merges_overlaps_and_touching_spans():
    assert m.union_length([]) == 0
    assert m.union_length([(0, 10), (5, 20)]) == 20
    assert m.union_length([(0, 5), (5, 8), (10, 12)]) == 10
    assert m.union_length([(10, 12), (0, 3), (1, 2)]) == 5


def test_presence_with_any_coder_and_descendants():
    cells = compute()
    assert cells[("industry", "alpha")].display == "X"
    assert cells[("industry", "alpha")].excerpt_ids == (1, 2)
    assert cells[("academia", "alpha")].display == "X"
    assert cells[("academia", "beta")].display == ""
    # Consensus excerpts do not count for "any coder"; Cy's own does.
    assert cells[("industry", "beta")].excerpt_ids == (5,)


def test_row_without_descendants_counts_only_the_code_itself():
    cells = compute(mode="excerpts")
    assert cells[("industry-only", "alpha")].value == 1  # excerpt 2 only; 1 is on Suppliers
    assert cells[("industry", "alpha")].value == 2


def test_documents_mode_counts_documents():
    cells = compute(mode="documents")
    assert cells[("actors", "alpha")].value == 2
    assert cells[("actors", "alpha")].display == "2"
    assert cells[("academia", "beta")].display == ""


def test_coverage_is_union_of_spans_over_all_characters_of_the_case():
    cells = compute(mode="coverage")
    # Alpha: doc 100 spans [0,10)+[5,20) = 20 chars, doc 101 [0,5) = 5; total 150 chars.
    assert cells[("actors", "alpha")].value == pytest.approx(25 / 150)
    assert cells[("actors", "alpha")].display == "16.7 %"
    assert cells[("industry", "beta")].value == pytest.approx(20 / 200)


def test_all_coders_needs_every_coder_of_the_document():
    cells = compute(source="all")
    assert cells[("industry", "alpha")].display == "X"  # Anna (Suppliers) and Bo (Industry)
    assert cells[("academia", "alpha")].display == ""  # only Anna of Anna and Bo
    assert cells[("industry", "beta")].display == "X"  # Cy is doc 102's only coder


def test_majority_needs_more_than_half():
    coders = {**CODERS, 101: {ANNA, BO, CY}}
    cells = m.compute_matrix(
        rows=ROWS,
        columns=[ALPHA],
        codings=CODINGS,
        mode="presence",
        source="majority",
        document_coders=coders,
    )
    assert cells[("academia", "alpha")].display == ""  # 1 of 3
    assert cells[("industry", "alpha")].display == "X"  # 2 of 2 in doc 100


def test_one_chosen_coder_and_consensus():
    cells = compute(source="coder", coder_id=BO)
    assert cells[("industry", "alpha")].excerpt_ids == (2,)
    assert cells[("academia", "alpha")].display == ""
    cells = compute(source="consensus", mode="excerpts")
    assert cells[("industry", "beta")].excerpt_ids == (4,)
    assert cells[("industry", "alpha")].value == 0


def test_override_keeps_the_computed_value():
    cells = compute(overrides={("academia", "beta"): ("*", "Pilot project mentioned in interview")})
    cell = cells[("academia", "beta")]
    assert cell.overridden and cell.shown == "*"
    assert cell.display == "" and cell.reason.startswith("Pilot")


def test_custom_yes_symbol():
    assert compute(yes_symbol="✓")[("industry", "alpha")].display == "✓"


def test_grouped_columns_merge_documents_by_value():
    columns = m.group_columns(
        [
            ("a", "Alpha", frozenset({100})),
            ("b", "Beta", frozenset({101})),
            ("c", "Gamma", frozenset({102})),
        ],
        {"a": "Vestland", "b": "Vestland", "c": ""},
    )
    assert [c.label for c in columns] == ["Vestland", "(no value)"]
    assert columns[0].document_ids == {100, 101}
    assert columns[0].key == "group-" + b"Vestland".hex()


def test_classification_row_names_the_first_matching_class():
    classes = (
        ClassSpec("Both", all_of=frozenset({2, 4})),
        ClassSpec("Industry only", all_of=frozenset({2})),
    )
    rows = [m.RowSpec("helix", "Helix", classes=classes)]
    cells = m.compute_matrix(
        rows=rows,
        columns=[ALPHA, BETA],
        codings=CODINGS,
        mode="presence",
        source="any",
        document_coders=CODERS,
    )
    assert cells[("helix", "alpha")].display == "Both"
    assert cells[("helix", "alpha")].excerpt_ids == (1, 2, 3)
    assert cells[("helix", "beta")].display == "Industry only"


def test_unknown_mode_is_an_error():
    with pytest.raises(ValueError):
        compute(mode="colour")


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("mode", ["presence", "excerpts", "documents", "coverage"])
@pytest.mark.parametrize("source", ["any", "all", "majority", "coder", "consensus"])
def test_sparse_matrix_matches_the_cell_by_cell_definition(seed, mode, source):
    """compute_matrix takes shortcuts (only the documents a row has hits in); on random data
    every cell must equal compute_cell's, the plain definition."""
    import random

    rng = random.Random(seed)
    paths = {1: "/1/", 2: "/1/2/", 3: "/1/2/3/", 4: "/1/4/", 5: "/5/", 6: "/5/6/"}
    coders = [ANNA, BO, CY, None]
    codings = []
    for n in range(rng.randrange(0, 120)):
        document, coder, start = rng.randrange(10), rng.choice(coders), rng.randrange(80)
        end = start + 1 + rng.randrange(30)
        # Some excerpts carry two codes (often of one row): such an excerpt counts once.
        for code in rng.sample(list(paths), rng.choice([1, 1, 2])):
            codings.append(m.CodingFact(n, document, coder, start, end, code, paths[code]))
    rows = [
        m.RowSpec(f"r{code}{d}", "", code_id=code, descendants=d)
        for code in paths
        for d in (True, False)
    ]
    columns = [
        m.ColumnSpec(f"c{i}", "", frozenset(rng.sample(range(12), rng.randrange(0, 4))))
        for i in range(8)
    ]
    document_coders = {d: set(rng.sample([ANNA, BO, CY], rng.randrange(0, 3))) for d in range(12)}
    chars = {d: rng.randrange(0, 200) for d in range(12)}
    cells = m.compute_matrix(
        rows=rows,
        columns=columns,
        codings=codings,
        mode=mode,
        source=source,
        coder_id=BO,
        document_coders=document_coders,
        document_chars=chars,
    )
    # The selector hands the codings over as columns: the same cells, the same choice of codings.
    table = m.CodingTable.from_facts(codings)
    assert table.for_source(source, BO).facts() == m.select_source(codings, source, BO)
    from_table = m.compute_matrix(
        rows=rows,
        columns=columns,
        codings=table,
        mode=mode,
        source=source,
        coder_id=BO,
        document_coders=document_coders,
        document_chars=chars,
    )
    assert from_table == cells
    hits = m.index_codings(m.select_source(codings, source, BO), rows)
    for row in rows:
        for column in columns:
            expected = m.compute_cell(
                hits.get(row.key, {}),
                column,
                mode=mode,
                source=source,
                document_coders=document_coders,
                document_chars=chars,
            )
            assert cells[(row.key, column.key)] == expected, (row.key, column.key)


def test_a_reconciled_document_counts_its_consensus_for_the_all_coders_sources():
    # Doc 102 is reconciled: its consensus excerpt 4 replaces Cy's excerpt 5.
    for source in ("any", "all", "majority"):
        cells = compute(mode="excerpts", source=source, reconciled=frozenset({102}))
        assert cells[("industry", "beta")].excerpt_ids == (4,), source
    # A reconciled document without consensus codings counts nothing, whatever the coders did.
    everyone = compute(source="any", reconciled=frozenset({100}))
    assert everyone[("industry", "alpha")].display == ""
    chosen = compute(source="coder", coder_id=CY, reconciled=frozenset({102}))
    assert chosen[("industry", "beta")].excerpt_ids == (5,)


def test_a_cell_reads_its_evidence_only_when_asked_and_keeps_notes():
    cells = compute(mode="excerpts")
    cell = cells[("actors", "alpha")]
    assert cell._evidence is not None  # not read yet: a page shows cells without their ids
    assert (cell.value, cell.excerpt_ids, cell.document_ids) == (3, (1, 2, 3), (100, 101))
    assert cell._evidence is None
    assert cell.footnotes == ()
    cell.add_footnote(2)
    cell.add_footnote(5)
    assert list(cell.footnotes) == [2, 5]
    assert cell != m.Cell(3, "3", (1, 2, 3), (100, 101))
    assert cell == m.Cell(3, "3", (1, 2, 3), (100, 101), footnotes=[2, 5])
    assert m.Cell(1, "1") != m.Cell(True, "1")  # a count is not a presence mark


def test_codings_as_columns_round_trip_and_know_each_documents_coders():
    table = m.CodingTable.from_facts(CODINGS)
    assert len(table) == 5 and table.facts() == CODINGS
    assert table.document_coders() == {100: {ANNA, BO}, 101: {ANNA}, 102: {CY}}
    empty = m.CodingTable.from_rows([], {})
    assert len(empty) == 0 and empty.document_coders() == {}
    assert m.compute_matrix(
        rows=ROWS, columns=[ALPHA], codings=empty, mode="coverage", source="all"
    )[("industry", "alpha")] == m.Cell(0.0, "")
