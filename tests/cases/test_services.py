"""Services: cases, typed attributes, links, write-ups, matrices, overrides, classifications."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cases.models import AttributeValue, Case, CaseWriteup, CellOverride, Dimension
from cases.services import attributes as attribute_services
from cases.services import cases as case_services
from cases.services import classifications as classification_services
from cases.services import matrices as matrix_services
from cases.services import writeups as writeup_services
from cases.tabular import CaseRecord
from tests.factories import CodeFactory, DocumentFactory, ExcerptFactory


@pytest.fixture
def attributes(project):
    return {
        "population": attribute_services.attribute_create(
            project=project, name="Population", type="number"
        ),
        "county": attribute_services.attribute_create(
            project=project, name="County", type="choice", choices=["Vestland", "Rogaland", " "]
        ),
        "plan": attribute_services.attribute_create(
            project=project, name="Adopted digitalization plan", type="boolean"
        ),
        "adopted": attribute_services.attribute_create(
            project=project, name="Adopted on", type="date"
        ),
        "notes": attribute_services.attribute_create(project=project, name="Notes", type="text"),
    }


def test_case_create_with_every_attribute_type(project, attributes):
    case = case_services.case_create(
        project=project,
        name="Alpha kommune",
        pseudonym="Alpha",
        kind="municipality",
        attributes={
            "Population": "12 000",
            attributes["county"]: "Vestland",
            "adopted digitalization plan": True,
            "Adopted on": dt.date(2019, 3, 1),
            "Notes": "Coastal",
        },
    )
    values = {v.definition.name: v.value for v in case.attribute_values.all()}
    assert values == {
        "Population": 12000.0,
        "County": "Vestland",
        "Adopted digitalization plan": True,
        "Adopted on": dt.date(2019, 3, 1),
        "Notes": "Coastal",
    }
    assert attributes["county"].choices == ["Vestland", "Rogaland"]
    # The four default write-up dimensions exist once the first case does.
    assert list(Dimension.objects.filter(project=project).values_list("name", flat=True)) == [
        "Focus areas",
        "Current projects",
        "Actors in the ecosystem",
        "Challenges",
    ]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("Population", "many", "Population: “many” is not a number"),
        ("County", "Oslo", "is not one of the choices"),
        ("Elevation", "3", "No case attribute is named"),
    ],
)
def test_bad_attribute_values_create_nothing(project, attributes, name, value, message):
    with pytest.raises(ValidationError, match=message):
        case_services.case_create(project=project, name="Alpha", attributes={name: value})
    assert not Case.objects.exists()


def test_blank_value_clears_it(project, attributes):
    case = case_services.case_create(project=project, name="Alpha", attributes={"Population": "3"})
    attribute_services.attribute_values_set(case=case, values={"Population": " "})
    assert not AttributeValue.objects.exists()


def test_choice_attribute_needs_choices_and_names_are_unique(project, attributes):
    with pytest.raises(ValidationError, match="needs at least one choice"):
        attribute_services.attribute_create(project=project, name="Size", type="choice", choices=[])
    with pytest.raises(ValidationError, match="exists already"):
        attribute_services.attribute_create(project=project, name="population", type="text")


def test_region_contains_member_cases_but_not_itself(project):
    region = case_services.case_create(project=project, name="Region", kind="region")
    member = case_services.case_create(project=project, name="Epsilon", parent=region)
    assert list(region.members.all()) == [member]
    with pytest.raises(ValidationError, match="part of itself"):
        case_services.case_update(
            case=region, name="Region", pseudonym="", kind="region", description="", parent=member
        )


def test_duplicate_case_name(project):
    case_services.case_create(project=project, name="Alpha")
    with pytest.raises(ValidationError, match="exists already"):
        case_services.case_create(project=project, name="alpha")


def test_one_document_belongs_to_several_cases(study):
    assert set(study.joint.cases.all()) == {study.alpha, study.beta}
    case_services.document_set_cases(document=study.plan, cases=[study.alpha, study.beta])
    assert set(study.beta.documents.all()) == {study.plan, study.joint}


def test_links_across_projects_are_refused(study):
    other = DocumentFactory()
    with pytest.raises(ValidationError):
        case_services.case_set_documents(case=study.alpha, documents=[other])


def test_writeup_cites_excerpts_of_the_project_only(study, lead):
    dimension = Dimension.objects.filter(project=study.alpha.project).first()
    text = f"Industry matters.\n[[excerpt:{study.e1.code}]]"
    writeup = writeup_services.writeup_save(
        case=study.alpha, dimension=dimension, text=text, user=lead
    )
    assert writeup_services.cited_excerpt_codes(writeup.text) == [str(study.e1.code)]
    foreign = ExcerptFactory(codes=[])
    with pytest.raises(ValidationError, match=str(foreign.code)):
        writeup_services.writeup_save(
            case=study.alpha, dimension=dimension, text=f"[[excerpt:{foreign.code}]]", user=lead
        )
    assert CaseWriteup.objects.get().text == text


def test_import_creates_and_updates_all_or_nothing(project, attributes):
    case_services.case_create(project=project, name="Alpha", pseudonym="A")
    counts = case_services.cases_import(
        project=project,
        records=[
            CaseRecord(2, "Alpha", attributes={"Population": 5.0}, parent="Region"),
            CaseRecord(3, "Region", kind="region"),
        ],
    )
    assert counts == {"created": 1, "updated": 1}
    alpha = Case.objects.get(name="Alpha")
    assert alpha.parent.name == "Region" and alpha.pseudonym == "A"
    with pytest.raises(ValidationError, match="Row 2, column part of"):
        case_services.cases_import(
            project=project, records=[CaseRecord(2, "Gamma", parent="Nowhere")]
        )
    assert not Case.objects.filter(name="Gamma").exists()


def test_template_matrix_keeps_rows_with_codes(study):
    assert list(study.rows) == ["Industry", "Academia"]
    assert study.matrix.legend[0] == {"symbol": "X", "meaning": "yes"}


def test_override_needs_a_reason_and_a_legend_symbol(study, lead):
    row = study.rows["Academia"]
    column = str(study.alpha.code)
    with pytest.raises(ValidationError, match="reason"):
        matrix_services.cell_override_set(row=row, column=column, symbol="*", reason=" ", user=lead)
    with pytest.raises(ValidationError, match="legend"):
        matrix_services.cell_override_set(row=row, column=column, symbol="?", reason="x", user=lead)
    matrix_services.cell_override_set(
        row=row, column=column, symbol="*", reason="Pilot", user=lead, computed="X"
    )
    override = CellOverride.objects.get()
    assert (override.symbol, override.computed, override.user) == ("*", "X", lead)
    matrix_services.cell_override_clear(row=row, column=column)
    assert not CellOverride.objects.exists()


def test_matrix_settings_are_checked(project, lead):
    with pytest.raises(ValidationError, match="coder"):
        matrix_services.matrix_create(project=project, name="M", user=lead, source="coder")
    with pytest.raises(ValidationError, match="attribute"):
        matrix_services.matrix_create(project=project, name="M", user=lead, column_mode="grouped")


def test_legend_parse():
    assert matrix_services.legend_parse("X = yes\n\n = no") == [
        {"symbol": "X", "meaning": "yes"},
        {"symbol": "", "meaning": "no"},
    ]
    with pytest.raises(ValidationError, match="line 1"):
        matrix_services.legend_parse("X yes")


def test_row_stands_for_code_or_classification(study, project, lead):
    section = study.matrix.sections.get()
    with pytest.raises(ValidationError):
        matrix_services.row_create(section=section, label="Nothing")
    with pytest.raises(ValidationError, match="another project"):
        matrix_services.row_create(section=section, code=CodeFactory())


def test_classification_needs_conditions_except_a_last_catch_all(project, lead):
    code = CodeFactory(project=project)
    # A class without a condition before another would take every unit: refused, nothing kept.
    with pytest.raises(ValidationError, match="needs a condition: only the last"):
        classification_services.classification_create(
            project=project,
            name="Helix",
            classes=[("B", [], [], []), ("A", [code], [], [])],
            user=lead,
        )
    assert not project.classification_rules.exists()
    rule = classification_services.classification_create(
        project=project,
        name="Helix",
        classes=[("A", [code], [], []), ("Other", [], [], [])],
        user=lead,
    )
    assert [c.name for c in rule.classes.all()] == ["A", "Other"]


def test_matrix_from_the_study_layout_maps_rows_to_codes_by_name(study, project, lead):
    CodeFactory(project=project, name="smart CITY", parent=study.actors)
    matrix = matrix_services.matrix_create_from_study_layout(
        project=project, name="Table 3b", user=lead
    )
    sections = list(matrix.sections.all())
    assert sections[0].title == "Cooperates with the following ecosystem actors"
    assert [s.position for s in sections] == list(range(len(sections)))
    rows = {r.label: r for s in sections for r in s.rows.all()}
    assert len(rows) == 20
    assert rows["Industry"].codebook_code == study.industry
    assert rows["Industry"].include_descendants
    assert rows["Smart city"].codebook_code.name == "smart CITY"
    # No code of that name: kept as a label-only row to map later.
    assert rows["Other municipalities"].codebook_code is None
    assert rows["Other municipalities"].rule is None
    assert [r.position for r in sections[0].rows.all()] == [0, 1, 2, 3]


def test_matrix_from_the_study_layout_with_a_taken_name_creates_nothing(study, project, lead):
    with pytest.raises(ValidationError, match="exists already"):
        matrix_services.matrix_create_from_study_layout(project=project, name="table 3", user=lead)
    assert project.matrices.count() == 1


def test_rows_and_sections_move_up_and_down(study, project, lead):
    section = study.matrix.sections.get()
    labels = lambda: [r.label for r in section.rows.all()]  # noqa: E731
    assert labels() == ["Industry", "Academia"]
    assert matrix_services.row_move(row=study.rows["Academia"], direction="up")
    assert labels() == ["Academia", "Industry"]
    assert not matrix_services.row_move(row=study.rows["Academia"], direction="up")  # already first
    assert matrix_services.row_move(row=study.rows["Academia"], direction="down")
    assert labels() == ["Industry", "Academia"]
    second = matrix_services.section_create(matrix=study.matrix, title="Benefits")
    titles = lambda: [s.title for s in study.matrix.sections.all()]  # noqa: E731
    assert matrix_services.section_move(section=second, direction="up")
    assert titles() == ["Benefits", section.title]
    assert not matrix_services.section_move(section=second, direction="up")
    with pytest.raises(ValidationError):
        matrix_services.section_move(section=second, direction="sideways")


def test_moving_renumbers_tied_positions(study, project, lead):
    section = study.matrix.sections.get()
    section.rows.update(position=0)  # older data: ties; a swap of numbers would do nothing
    first, second = list(section.rows.all())
    assert matrix_services.row_move(row=second, direction="up")
    assert [r.pk for r in section.rows.all()] == [second.pk, first.pk]


def test_row_update_maps_a_label_only_row_and_refuses_bad_input(study, project, lead):
    matrix = matrix_services.matrix_create_from_study_layout(
        project=project, name="Layout", user=lead
    )
    row = matrix.sections.first().rows.get(label="Other municipalities")
    other = matrix.sections.last()
    matrix_services.row_update(row=row, section=other, label="", code=study.academia)
    row.refresh_from_db()
    assert (row.label, row.codebook_code, row.section) == ("Academia", study.academia, other)
    assert row.position == other.rows.count() - 1  # at the end of its new section
    matrix_services.row_update(row=row, section=other, label="Other municipalities")
    row.refresh_from_db()
    assert row.codebook_code is None  # back to a label-only row
    with pytest.raises(ValidationError, match="needs a label"):
        matrix_services.row_update(row=row, section=other, label=" ")
    with pytest.raises(ValidationError, match="another matrix"):
        matrix_services.row_update(row=row, section=study.matrix.sections.get(), label="X")
    with pytest.raises(ValidationError, match="another project"):
        matrix_services.row_update(row=row, section=other, label="X", code=CodeFactory())
