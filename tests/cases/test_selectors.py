"""The matrix from the database: cells, query count, blind rules, evidence, tables."""

import pytest

from cases.selectors import cases as case_selectors
from cases.selectors import classifications as classification_selectors
from cases.selectors import matrices as matrix_selectors
from cases.selectors import readers
from cases.selectors import tables as table_selectors
from cases.services import attributes as attribute_services
from cases.services import cases as case_services
from cases.services import classifications as classification_services
from cases.services import matrices as matrix_services
from coding.labels import export_labels
from research.models import Membership
from tests.factories import CodeFactory, DocumentFactory, ExcerptFactory


def member(project, user) -> Membership:
    return Membership.objects.select_related("project", "user").get(project=project, user=user)


def shown(view):
    """{(row label, column label): shown text}."""
    return {
        (row.label, column.label): cell.shown
        for _section, rows in view.sections
        for row, cells in rows
        for column, cell in zip(view.columns, cells, strict=True)
    }


def test_cells_count_an_excerpt_for_every_case_of_its_document(study, project, lead):
    view = matrix_selectors.matrix_compute(matrix=study.matrix, membership=member(project, lead))
    assert [c.label for c in view.columns] == ["Alpha kommune", "Beta kommune"]
    assert shown(view) == {
        ("Industry", "Alpha kommune"): "X",
        ("Industry", "Beta kommune"): "X",  # e3 in the joint document
        ("Academia", "Alpha kommune"): "X",  # e2 in the joint document
        ("Academia", "Beta kommune"): "X",
    }


def test_matrix_query_count_is_constant(study, project, lead, django_assert_num_queries):
    membership = member(project, lead)
    # sections, rows, links, codings, assignments, reconciled documents, overrides, footnotes,
    # cases (whether to show pseudonyms is the project's, loaded with the membership)
    with django_assert_num_queries(9):
        matrix_selectors.matrix_compute(matrix=study.matrix, membership=membership)
    for i in range(5):
        document = DocumentFactory(project=project)
        case = case_services.case_create(project=project, name=f"Case {i}")
        case_services.case_set_documents(case=case, documents=[document])
        ExcerptFactory(document=document, coder=lead, codes=[study.academia, study.suppliers])
        matrix_services.row_create(
            section=study.matrix.sections.get(), code=CodeFactory(project=project)
        )
    with django_assert_num_queries(9):
        matrix_selectors.matrix_compute(matrix=study.matrix, membership=membership)


def test_blind_coder_numbers_come_from_their_own_codings(study, project, coder):
    study.matrix.cell_mode = "excerpts"
    view = matrix_selectors.matrix_compute(matrix=study.matrix, membership=member(project, coder))
    assert view.scoped_to_own
    assert shown(view)[("Academia", "Beta kommune")] == ""  # only coder2 coded Academia
    assert shown(view)[("Industry", "Alpha kommune")] == "2"


def test_viewer_sees_results_but_no_evidence_in_a_blind_project(study, project, viewer):
    membership = member(project, viewer)
    view = matrix_selectors.matrix_compute(matrix=study.matrix, membership=membership)
    assert shown(view)[("Academia", "Beta kommune")] == "X"
    cell, excerpts = matrix_selectors.cell_evidence(
        view=view,
        row=study.rows["Academia"],
        column_key=str(study.beta.code),
        membership=membership,
    )
    assert cell.excerpt_ids == (study.e2.pk,)
    assert list(excerpts) == []


def test_evidence_for_a_lead_lists_the_excerpts(study, project, lead):
    membership = member(project, lead)
    view = matrix_selectors.matrix_compute(matrix=study.matrix, membership=membership)
    _cell, excerpts = matrix_selectors.cell_evidence(
        view=view,
        row=study.rows["Industry"],
        column_key=str(study.alpha.code),
        membership=membership,
    )
    assert list(excerpts) == [study.e1, study.e3]


def test_overrides_and_footnotes_in_the_view_and_table(study, project, lead):
    column = str(study.beta.code)
    matrix_services.cell_override_set(
        row=study.rows["Academia"],
        column=column,
        symbol="*",
        reason="Only a pilot",
        user=lead,
        computed="X",
    )
    matrix_services.footnote_create(
        matrix=study.matrix, text="Region solution", user=lead, column=column
    )
    matrix_services.footnote_create(
        matrix=study.matrix, text="Cell note", user=lead, row=study.rows["Industry"], column=column
    )
    view = matrix_selectors.matrix_compute(matrix=study.matrix, membership=member(project, lead))
    cell = view.cell(study.rows["Academia"], column)
    assert (cell.shown, cell.display, cell.reason) == ("*", "X", "Only a pilot")
    assert view.column_notes == {column: [1]}
    assert view.cell(study.rows["Industry"], column).footnotes == [2]
    table = matrix_selectors.matrix_table(view)
    assert table.columns == ["Alpha kommune", "Beta kommune"]
    assert table.column_footnotes == [[], [1]]
    academia = table.sections[0].rows[1].cells[1]
    assert (academia.text, academia.overridden, academia.footnotes) == ("*", True, [3])
    assert table.notes[2].startswith("Academia, Beta kommune: set by a lead (computed: X).")


def test_anonymized_export_labels(study, project, lead, viewer):
    project.anonymize = True
    project.save()
    lead_view = matrix_selectors.matrix_compute(
        matrix=study.matrix, membership=member(project, lead)
    )
    assert [c.label for c in lead_view.columns] == ["Alpha kommune", "Beta kommune"]
    viewer_view = matrix_selectors.matrix_compute(
        matrix=study.matrix, membership=member(project, viewer)
    )
    assert [c.label for c in viewer_view.columns] == ["Alpha", "Beta"]
    export = matrix_selectors.matrix_compute(
        matrix=study.matrix, membership=member(project, lead), labels=export_labels(project)
    )
    assert [c.label for c in export.columns] == ["Alpha", "Beta"]
    rows = case_selectors.cases_export_rows(project=project)
    assert [r[0] for r in rows[1:]] == ["Alpha", "Beta"]
    assert "Alpha kommune" not in str(rows)


def test_grouped_columns_from_an_attribute(study, project, lead):
    county = attribute_services.attribute_create(
        project=project, name="County", type="choice", choices=["Vestland"]
    )
    attribute_services.attribute_values_set(case=study.alpha, values={county: "Vestland"})
    matrix_services.matrix_update(
        matrix=study.matrix, column_mode="grouped", group_attribute=county, cell_mode="documents"
    )
    view = matrix_selectors.matrix_compute(matrix=study.matrix, membership=member(project, lead))
    assert [c.label for c in view.columns] == ["Vestland", "(no value)"]
    assert shown(view)[("Industry", "Vestland")] == "2"
    assert shown(view)[("Academia", "(no value)")] == "1"


def test_chosen_columns(study, project, lead):
    matrix_services.matrix_update(matrix=study.matrix, column_mode="chosen", cases=[study.beta])
    view = matrix_selectors.matrix_compute(matrix=study.matrix, membership=member(project, lead))
    assert [c.label for c in view.columns] == ["Beta kommune"]


def test_helix_classification_of_documents_traceable(study, project, lead):
    rule = classification_services.classification_create(
        project=project,
        name="Helix",
        classes=[
            ("Industry and academia", [study.industry, study.academia], [], []),
            ("Industry", [study.industry], [], []),
        ],
        user=lead,
    )
    result = classification_selectors.classification_result(
        rule=rule, membership=member(project, lead)
    )
    assert [(c.name, c.count, c.total) for c in result.counts] == [
        ("Industry and academia", 1, 2),
        ("Industry", 1, 2),
    ]
    assert result.counts[0].units == [study.joint]
    assert result.counts[0].sentence == "1 of 2 ≈ 50 %"
    matrix_services.row_create(section=study.matrix.sections.get(), rule=rule)
    view = matrix_selectors.matrix_compute(matrix=study.matrix, membership=member(project, lead))
    assert shown(view)[("Helix", "Alpha kommune")] == "Industry and academia"


def test_frequency_rows_and_trail(study, project, lead, coder):
    rows = table_selectors.frequency_rows(membership=member(project, lead))
    assert [(r.category, r.documents, r.codings) for r in rows] == [
        ("Academia", 1, 1),
        ("Industry", 2, 2),
    ]
    mine = table_selectors.frequency_rows(membership=member(project, coder))
    assert [(r.category, r.codings) for r in mine] == [("Academia", 0), ("Industry", 2)]
    trail = table_selectors.coding_trail(membership=member(project, coder))
    assert {t["concept"] for t in trail} == {"Suppliers", "Industry"}
    assert {t["category"] for t in trail} == {"Industry", "Actors"}


def test_writeup_html_quotes_visible_citations_only(study, project, viewer, lead):
    text = f"<b>Note</b>\n[[excerpt:{study.e1.code}]]"
    lead_html = case_selectors.writeup_html(
        text, case_selectors.cited_excerpts(membership=member(project, lead), texts=[text])
    )
    assert "&lt;b&gt;Note&lt;/b&gt;" in lead_html
    assert f"“{study.e1.text}”" in lead_html
    viewer_html = case_selectors.writeup_html(
        text, case_selectors.cited_excerpts(membership=member(project, viewer), texts=[text])
    )
    assert study.e1.text not in viewer_html and "cannot see" in viewer_html


@pytest.mark.parametrize("blind", [True, False])
def test_result_scope(project, coder, viewer, lead, blind):
    project.blind_coding = blind
    project.save()
    assert readers.result_coder_scope(member(project, coder)) == (coder.pk if blind else None)
    assert readers.result_coder_scope(member(project, viewer)) is None
    assert readers.result_coder_scope(member(project, lead)) is None


def test_label_only_rows_are_blank_but_take_overrides(
    study, project, lead, django_assert_num_queries
):
    matrix = matrix_services.matrix_create_from_study_layout(
        project=project, name="Layout", user=lead
    )
    membership = member(project, lead)
    with django_assert_num_queries(9):
        view = matrix_selectors.matrix_compute(matrix=matrix, membership=membership)
    cells = shown(view)
    assert cells[("Industry", "Alpha kommune")] == "X"
    assert cells[("Other municipalities", "Alpha kommune")] == ""
    row = matrix.sections.first().rows.get(label="Other municipalities")
    matrix_services.cell_override_set(
        row=row,
        column=str(study.alpha.code),
        symbol="*",
        reason="Said so in the interview",
        user=lead,
    )
    view = matrix_selectors.matrix_compute(matrix=matrix, membership=membership)
    assert shown(view)[("Other municipalities", "Alpha kommune")] == "*"


def test_one_cell_of_the_matrix_computes_only_its_row_and_column(study, project, lead):
    row = study.rows["Industry"]
    view = matrix_selectors.matrix_compute(
        matrix=study.matrix,
        membership=member(project, lead),
        only_row=row,
        only_column=str(study.alpha.code),
    )
    assert shown(view) == {("Industry", "Alpha kommune"): "X"}
    assert view.cell(row, str(study.alpha.code)).excerpt_ids == tuple(
        sorted([study.e1.pk, study.e3.pk])
    )
