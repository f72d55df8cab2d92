"""Views: each works, refuses the wrong roles and methods, and explains bad input."""

import csv
import gc
import io
from urllib.parse import urljoin

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import AttributeDefinition, Case, CellOverride, ClassificationRule, Matrix
from cases.services import attributes as attribute_services
from cases.services import cases as case_services
from cases.services import classifications as classification_services
from cases.services import matrices as matrix_services
from tests.conftest import client_for


def url(name, project, **kwargs):
    return reverse(f"cases:{name}", kwargs={"project": project.code, **kwargs})


def body(response) -> str:
    return response.content.decode()


# --- cases ----------------------------------------------------------------------------------


def test_case_list_shows_cases_and_attributes(study, project, viewer, django_assert_num_queries):
    population = attribute_services.attribute_create(
        project=project, name="Population", type="number"
    )
    attribute_services.attribute_values_set(case=study.alpha, values={population: "12000"})
    client = client_for(viewer)
    response = client.get(url("case-list", project))
    assert response.status_code == 200
    assert "Alpha kommune" in body(response) and "12000" in body(response)


def test_case_list_query_count_is_pinned(study, project, viewer, django_assert_num_queries):
    client = client_for(viewer)
    client.get(url("case-list", project))  # warm the session
    for i in range(4):
        case_services.case_create(project=project, name=f"Extra {i}")
    # session with its user, membership (with the project: whether to show pseudonyms),
    # definitions, cases, attribute values
    with django_assert_num_queries(5):
        client.get(url("case-list", project))


def test_case_create_by_lead_with_attributes(project, lead):
    attribute_services.attribute_create(project=project, name="Population", type="number")
    definition = AttributeDefinition.objects.get()
    response = client_for(lead).post(
        url("case-create", project),
        {"name": "Gamma", "pseudonym": "G", "kind": "municipality", f"attr_{definition.pk}": "42"},
    )
    case = Case.objects.get(name="Gamma")
    assert response.status_code == 302
    assert case.attribute_values.get().number == 42


def test_case_create_bad_input(project, lead, coder):
    case_services.case_create(project=project, name="Gamma")
    client = client_for(lead)
    response = client.post(url("case-create", project), {"name": "gamma", "kind": "municipality"})
    assert response.status_code == 200 and "exists already" in body(response)
    response = client.post(url("case-create", project), {"name": "Delta", "kind": "planet"})
    assert response.status_code == 200 and not Case.objects.filter(name="Delta").exists()
    assert client_for(coder).post(url("case-create", project), {"name": "X"}).status_code == 403


def test_case_detail_update_and_delete(study, project, lead, coder):
    client = client_for(lead)
    detail = client.get(url("case-detail", project, case=study.alpha.code))
    assert "Joint regional strategy" in body(detail) and "Challenges" in body(detail)
    response = client.post(
        url("case-update", project, case=study.alpha.code),
        {"name": "Alpha", "pseudonym": "A", "kind": "organization", "description": "Renamed"},
    )
    assert response.status_code == 302
    study.alpha.refresh_from_db()
    assert (study.alpha.name, study.alpha.kind) == ("Alpha", "organization")
    delete_url = url("case-delete", project, case=study.alpha.code)
    assert client.get(delete_url).status_code == 405
    assert client_for(coder).post(delete_url).status_code == 403
    assert client.post(delete_url).status_code == 302
    assert not Case.objects.filter(pk=study.alpha.pk).exists()


def test_outsider_gets_404_for_a_case(study, project, outsider):
    response = client_for(outsider).get(url("case-detail", project, case=study.alpha.code))
    assert response.status_code == 404


def test_link_documents_from_either_side(study, project, lead):
    client = client_for(lead)
    response = client.post(
        url("case-documents", project, case=study.beta.code),
        {"documents": [study.plan.pk, study.joint.pk]},
    )
    assert response.status_code == 302
    assert set(study.beta.documents.all()) == {study.plan, study.joint}
    response = client.post(
        url("document-cases", project, document=study.plan.code), {"cases": [study.alpha.pk]}
    )
    assert response.status_code == 302
    assert list(study.plan.cases.all()) == [study.alpha]
    bad = client.post(url("document-cases", project, document=study.plan.code), {"cases": [999]})
    assert bad.status_code == 200 and list(study.plan.cases.all()) == [study.alpha]


def test_writeup_edit_renders_citation_and_refuses_unknown_excerpts(study, project, lead, viewer):
    dimension = project.case_dimensions.get(name="Challenges")
    edit = url("writeup-edit", project, case=study.alpha.code, dimension=dimension.code)
    client = client_for(lead)
    response = client.post(edit, {"text": f"Broadband.\n[[excerpt:{study.e1.code}]]"})
    assert response.status_code == 302
    detail = client.get(url("case-detail", project, case=study.alpha.code))
    assert f"“{study.e1.text}”" in body(detail)
    viewer_detail = client_for(viewer).get(url("case-detail", project, case=study.alpha.code))
    assert study.e1.text not in body(viewer_detail)
    bad = client.post(edit, {"text": "[[excerpt:00000000-0000-0000-0000-000000000000]]"})
    assert bad.status_code == 200 and "No excerpt of this project" in body(bad)


def test_writeup_page_offers_the_cases_excerpts_and_warns_on_anothers(study, project, lead):
    dimension = project.case_dimensions.get(name="Challenges")
    edit = url("writeup-edit", project, case=study.beta.code, dimension=dimension.code)
    client = client_for(lead)
    page = body(client.get(edit))
    # Beta's only document is the joint strategy: its excerpts are offered, the plan's are not.
    assert f"[[excerpt:{study.e2.code}]]" in page and f"[[excerpt:{study.e3.code}]]" in page
    assert f"[[excerpt:{study.e1.code}]]" not in page
    assert "[[excerpt:CODE]]" in page  # the help text's placeholder is not swallowed as a tag
    saved = client.post(
        edit, {"text": f"[[excerpt:{study.e2.code}]]\n[[excerpt:{study.e1.code}]]"}, follow=True
    )
    messages = [str(m) for m in saved.context["messages"]]
    assert "1 cited excerpt comes from a document that is not this case's." in messages


def test_case_settings_attributes_and_dimensions(project, lead):
    client = client_for(lead)
    assert client.post(url("case-settings", project), {"anonymize": "on"}).status_code == 302
    project.refresh_from_db()
    assert project.anonymize
    client.post(url("attribute-create", project), {"name": "Size", "type": "choice", "choices": ""})
    assert not AttributeDefinition.objects.exists()
    client.post(
        url("attribute-create", project), {"name": "Size", "type": "choice", "choices": "S\nL"}
    )
    definition = AttributeDefinition.objects.get()
    assert definition.choices == ["S", "L"]
    page = client.get(url("case-settings", project))
    assert "Size" in body(page)
    client.post(url("attribute-delete", project, attribute=definition.code))
    assert not AttributeDefinition.objects.exists()
    client.post(url("dimension-create", project), {"name": "Geography"})
    dimension = project.case_dimensions.get()
    client.post(url("dimension-delete", project, dimension=dimension.code))
    assert not project.case_dimensions.exists()


# --- import / export ------------------------------------------------------------------------


def upload(text: str, name="cases.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text)


def test_import_preview_then_confirm(project, lead):
    attribute_services.attribute_create(project=project, name="Population", type="number")
    client = client_for(lead)
    preview = client.post(
        url("case-import", project),
        {"file": upload("name,kind,Population\nAlpha,municipality,1 200\nBeta,,300\n")},
    )
    assert preview.status_code == 200 and "Import 2 cases" in body(preview)
    assert not Case.objects.exists()
    confirm = client.post(
        url("case-import", project),
        {"payload": preview.context["payload"], "filename": "cases.csv"},
    )
    assert confirm.status_code == 302
    assert Case.objects.get(name="Alpha").attribute_values.get().number == 1200


def test_import_errors_name_row_and_column(project, lead):
    attribute_services.attribute_create(project=project, name="Population", type="number")
    response = client_for(lead).post(
        url("case-import", project), {"file": upload("name,Population\nAlpha,lots\n")}
    )
    assert "Row 2, column Population: “lots” is not a number" in body(response)
    assert "nothing was imported" in body(response)
    assert not Case.objects.exists()


def test_import_refuses_other_file_types_and_garbage(project, lead):
    client = client_for(lead)
    response = client.post(url("case-import", project), {"file": upload("x", "cases.pdf")})
    assert "Upload a .csv or .xlsx file" in body(response)
    response = client.post(url("case-import", project), {"payload": "%%%", "filename": "a.csv"})
    assert "The file is empty" in body(response)


def test_case_export_csv_and_xlsx_round_trip(study, project, viewer):
    client = client_for(viewer)
    response = client.get(url("case-export", project) + "?format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["name", "pseudonym", "kind", "description", "part of"]
    assert rows[1] == ["Alpha kommune", "Alpha", "municipality", "", ""]
    response = client.get(url("case-export", project) + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A3"].value == "Beta kommune"
    refused = client.get(url("case-export", project) + "?format=pdf")
    assert refused.status_code == 400
    assert refused.content.decode() == "Unknown export format “pdf”: choose csv, xlsx."


def test_a_case_named_with_control_characters_exports_to_xlsx_and_back(
    study, project, lead, viewer
):
    # A name pasted from a PDF may hold control characters, which openpyxl refuses: the
    # export failed. They go in as the escapes spreadsheet programs read back as characters;
    # text that looks like such an escape has its underscore escaped, so it reads as written.
    for name in ("Gamma\x01 kommune", "Delta _x0041_ kommune"):
        created = client_for(lead).post(
            url("case-create", project), {"name": name, "kind": "municipality"}
        )
        assert created.status_code == 302
    response = client_for(viewer).get(url("case-export", project) + "?format=xlsx")
    assert response.status_code == 200
    # openpyxl reads the cells' text as stored, escapes and all.
    names = [row[0].value for row in load_workbook(io.BytesIO(response.content)).active]
    assert "Gamma_x0001_ kommune" in names and "Delta _x005F_x0041_ kommune" in names
    # ... and our own import reads the file back as the names were.
    Case.objects.filter(name__in=["Gamma\x01 kommune", "Delta _x0041_ kommune"]).delete()
    client = client_for(lead)
    preview = client.post(
        url("case-import", project), {"file": upload(response.content, name="cases.xlsx")}
    )
    assert preview.status_code == 200 and "payload" in preview.context
    confirm = client.post(
        url("case-import", project),
        {"payload": preview.context["payload"], "filename": "cases.xlsx"},
    )
    assert confirm.status_code == 302
    assert Case.objects.filter(name__in=["Gamma\x01 kommune", "Delta _x0041_ kommune"]).count() == 2


# --- matrices -------------------------------------------------------------------------------


def test_matrix_list_and_detail(study, project, viewer):
    client = client_for(viewer)
    assert "Table 3" in body(client.get(url("matrix-list", project)))
    detail = client.get(url("matrix-detail", project, matrix=study.matrix.code))
    assert detail.status_code == 200
    assert "Cooperates with the following ecosystem actors" in body(detail)
    # Each cell links to its evidence with a URL relative to the matrix page (a third the size).
    industry = study.rows["Industry"]
    href = f"rows/{industry.code}/cells/{study.alpha.code}/"
    assert f'<td><a href="{href}" translate="no">X</a></td>' in body(detail)
    evidence = urljoin(url("matrix-detail", project, matrix=study.matrix.code), href)
    assert evidence == url(
        "cell-evidence",
        project,
        matrix=study.matrix.code,
        row=industry.code,
        column=study.alpha.code,
    )
    assert study.e1.text not in body(detail) and client.get(evidence).status_code == 200
    # The page pauses the garbage collector while it builds its cells, and only meanwhile.
    assert gc.isenabled()


def test_matrix_create_edit_and_build_rows(project, lead, study):
    client = client_for(lead)
    response = client.post(
        url("matrix-create", project),
        {
            "name": "Benefits",
            "column_mode": "all",
            "cell_mode": "coverage",
            "source": "majority",
            "legend": "X = yes\n= no",
        },
    )
    matrix = Matrix.objects.get(name="Benefits")
    assert response.status_code == 302 and matrix.legend[1] == {"symbol": "", "meaning": "no"}
    client.post(url("section-create", project, matrix=matrix.code), {"title": "Benefit types"})
    section = matrix.sections.get()
    client.post(
        url("row-create", project, matrix=matrix.code),
        {"section": section.pk, "code": study.industry.pk, "include_descendants": "on"},
    )
    row = section.rows.get()
    assert row.label == "Industry"
    bad = client.post(url("row-create", project, matrix=matrix.code), {"section": section.pk})
    assert bad.status_code == 302 and section.rows.count() == 1
    edit = client.get(url("matrix-edit", project, matrix=matrix.code))
    assert "Benefit types" in body(edit)
    response = client.post(
        url("matrix-edit", project, matrix=matrix.code),
        {
            "name": "Benefits",
            "column_mode": "all",
            "cell_mode": "presence",
            "source": "coder",
            "legend": "X = yes",
        },
    )
    assert response.status_code == 200 and "Choose the coder" in body(response)
    client.post(url("row-delete", project, matrix=matrix.code, row=row.code))
    assert not section.rows.exists()
    client.post(url("matrix-delete", project, matrix=matrix.code))
    assert not Matrix.objects.filter(pk=matrix.pk).exists()


def test_override_with_reason(study, project, lead, coder):
    override = url(
        "cell-override",
        project,
        matrix=study.matrix.code,
        row=study.rows["Academia"].code,
        column=study.alpha.code,
    )
    client = client_for(lead)
    assert "Computed value" in body(client.get(override))
    missing = client.post(override, {"symbol": "*", "reason": "  "})
    assert missing.status_code == 200 and not CellOverride.objects.exists()
    assert client.post(override, {"symbol": "*", "reason": "Pilot only"}).status_code == 302
    stored = CellOverride.objects.get()
    assert (stored.symbol, stored.computed, stored.reason) == ("*", "X", "Pilot only")
    detail = client.get(url("matrix-detail", project, matrix=study.matrix.code))
    assert "matrix-overridden" in body(detail) and "Pilot only" in body(detail)
    assert client_for(coder).post(override, {"symbol": "X", "reason": "x"}).status_code == 403
    client.post(override, {"action": "clear"})
    assert not CellOverride.objects.exists()
    unknown = override.replace(str(study.alpha.code), "nope")
    assert client.get(unknown).status_code == 404


def test_evidence_drill_down_respects_blind_mode(study, project, lead, coder, viewer):
    evidence = url(
        "cell-evidence",
        project,
        matrix=study.matrix.code,
        row=study.rows["Industry"].code,
        column=study.alpha.code,
    )
    lead_page = client_for(lead).get(evidence)
    assert study.e1.text in body(lead_page) and "2 excerpts behind this cell" in body(lead_page)
    partial = client_for(lead).get(evidence, headers={"HX-Request": "true"})
    assert "<html" not in body(partial) and "evidence" in body(partial)
    academia = url(
        "cell-evidence",
        project,
        matrix=study.matrix.code,
        row=study.rows["Academia"].code,
        column=study.beta.code,
    )
    coder_page = client_for(coder).get(academia)  # coder2's excerpt: not counted for coder
    assert study.e2.text not in body(coder_page)
    viewer_page = client_for(viewer).get(academia)
    assert "1 of them is hidden from you" in body(viewer_page)
    assert study.e2.text not in body(viewer_page)


def test_footnotes(study, project, lead):
    client = client_for(lead)
    add = url("footnote-create", project, matrix=study.matrix.code)
    client.post(add, {"text": "Nothing attached"})
    assert not study.matrix.footnotes.exists()
    client.post(add, {"text": "The region provides a common solution.", "column": study.beta.code})
    note = study.matrix.footnotes.get()
    assert note.column == str(study.beta.code)
    client.post(url("footnote-delete", project, matrix=study.matrix.code, footnote=note.code))
    assert not study.matrix.footnotes.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "tex", "md", "html"])
def test_matrix_export_downloads(study, project, viewer, fmt):
    response = client_for(viewer).get(
        url("matrix-export", project, matrix=study.matrix.code) + f"?format={fmt}"
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="table-3.{fmt}"'
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[:4] == [
            ["", "Alpha kommune", "Beta kommune"],
            ["Cooperates with the following ecosystem actors", "", ""],
            ["Industry", "X", "X"],
            ["Academia", "X", "X"],
        ]


def test_matrix_export_unknown_format_is_a_bad_request(study, project, viewer):
    response = client_for(viewer).get(
        url("matrix-export", project, matrix=study.matrix.code) + "?format=docx"
    )
    assert response.status_code == 400
    assert response.content.decode() == (
        "Unknown export format “docx”: choose csv, xlsx, tex, md, html."
    )


@pytest.mark.parametrize(
    ("name", "choices"),
    [
        ("case-export", "csv, xlsx"),
        ("matrix-export", "csv, xlsx, tex, md, html"),
        ("frequency-table", "csv"),
        ("coding-trail", "csv"),
    ],
)
def test_every_cases_export_refuses_an_unknown_format_as_plain_text(
    study, project, lead, name, choices
):
    kwargs = {"matrix": study.matrix.code} if name == "matrix-export" else {}
    response = client_for(lead).get(url(name, project, **kwargs) + "?format=<b>bogus</b>")
    assert response.status_code == 400
    # Plain text: the echoed value can never become markup.
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert body(response) == f"Unknown export format “<b>bogus</b>”: choose {choices}."


# --- classifications and tables -------------------------------------------------------------


def test_classification_create_and_detail(study, project, lead, viewer):
    client = client_for(lead)
    response = client.post(
        url("classification-create", project),
        {
            "name": "Helix",
            "applies_to": "document",
            "classes": "Both: all Industry, Actors/Academia\nIndustry: any Industry; none Academia",
        },
    )
    rule = ClassificationRule.objects.get()
    assert response.status_code == 302
    assert [c.name for c in rule.classes.all()] == ["Both", "Industry"]
    detail = client_for(viewer).get(url("classification-detail", project, classification=rule.code))
    assert "1 of 2 ≈ 50 %" in body(detail) and "Joint regional strategy" in body(detail)
    client.post(url("classification-delete", project, classification=rule.code))
    assert not ClassificationRule.objects.exists()


@pytest.mark.parametrize(
    ("classes", "message"),
    [
        ("Both all Industry", "Line 1: write"),
        ("Both: some Industry", "start each condition with all, any or none"),
        ("Both: all Nothing", "no code is named"),
        ("Other:\nBoth: all Industry", "Line 1: the class needs a condition; only the last"),
    ],
)
def test_classification_bad_input(study, project, lead, classes, message):
    response = client_for(lead).post(
        url("classification-create", project),
        {"name": "Helix", "applies_to": "document", "classes": classes},
    )
    assert response.status_code == 200 and message in body(response)


def test_classification_is_edited_and_may_end_with_a_catch_all(study, project, lead):
    client = client_for(lead)
    client.post(
        url("classification-create", project),
        {"name": "Helix", "applies_to": "document", "classes": "Both: all Industry, Academia"},
    )
    rule = ClassificationRule.objects.get()
    edit = url("classification-edit", project, classification=rule.code)
    form = client.get(edit)
    # The classes come back as lines, codes by their path.
    assert "Both: all Actors/Industry, Actors/Academia" in body(form)
    response = client.post(
        edit,
        {
            "name": "Helix model",
            "applies_to": "document",
            "classes": "Both: all Actors/Industry, Actors/Academia\nOther:",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.name == "Helix model"
    assert [c.name for c in rule.classes.all()] == ["Both", "Other"]
    detail = body(client.get(url("classification-detail", project, classification=rule.code)))
    # Joint regional strategy has both; the Alpha strategy (Suppliers only) falls to Other.
    assert "None of the classes" not in detail and "Other" in detail


def test_frequency_table_and_trail(study, project, lead, viewer):
    client = client_for(lead)
    page = client.get(url("frequency-table", project))
    assert "Industry" in body(page) and "Suppliers" in body(page)
    exported = client.get(url("frequency-table", project) + "?format=csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows == [
        ["cluster", "category", "documents coded", "total codings", "concepts"],
        ["Actors", "Academia", "1", "1", ""],
        ["Actors", "Industry", "2", "2", "Suppliers"],
    ]
    trail = client.get(url("coding-trail", project) + "?format=csv")
    grid = list(csv.reader(io.StringIO(trail.content.decode("utf-8-sig"))))
    assert grid[0][:3] == ["document", "coder", "passage"]
    assert "Suppliers" in trail.content.decode("utf-8-sig")
    # Each row names its coder, so two coders' identical passages do not look like duplicates.
    assert study.e1.coder.name in {row[1] for row in grid[1:]}
    assert study.e1.coder.name in body(client.get(url("coding-trail", project)))
    viewer_trail = client_for(viewer).get(url("coding-trail", project))
    assert study.e1.text not in body(viewer_trail)


def _frequency_csv(client, project, query=""):
    response = client.get(url("frequency-table", project) + "?format=csv" + query)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_blind_coder_is_offered_only_their_own_codings_in_the_frequency_table(
    study, project, coder
):
    project.blind_coding = True
    project.save()
    client = client_for(coder)
    page = client.get(url("frequency-table", project))
    assert page.status_code == 200
    assert page.context["form"].fields["coder"].choices == [(str(coder.pk), coder.name)]
    assert "Blind coding: these counts are your own codings only." in body(page)
    # coder2's excerpt of Academia is not counted; the coder's two Industry codings are.
    own = [
        ["cluster", "category", "documents coded", "total codings", "concepts"],
        ["Actors", "Academia", "0", "0", ""],
        ["Actors", "Industry", "2", "2", "Suppliers"],
    ]
    assert _frequency_csv(client, project) == own
    assert _frequency_csv(client, project, f"&coder={coder.pk}") == own


@pytest.mark.parametrize("other", ["coder2", "lead", "owner", "consensus"])
def test_blind_coder_cannot_ask_for_someone_elses_frequency_counts(
    study, project, coder, cast, other
):
    project.blind_coding = True
    project.save()
    value = "consensus" if other == "consensus" else cast[other].pk
    for query in [f"?coder={value}", f"?coder={value}&format=csv"]:
        response = client_for(coder).get(url("frequency-table", project) + query)
        assert response.status_code == 400
        assert body(response) == (
            "Blind coding: you can count only your own codings, not another coder’s."
        )


def test_frequency_table_offers_every_coder_when_blinding_does_not_apply(
    study, project, coder, coder2, lead
):
    project.blind_coding = True
    project.save()
    lead_page = client_for(lead).get(url("frequency-table", project))
    offered = dict(lead_page.context["form"].fields["coder"].choices)
    assert {"", "consensus", str(coder.pk), str(coder2.pk), str(lead.pk)} <= set(offered)
    assert "these counts are your own codings only" not in body(lead_page)
    assert _frequency_csv(client_for(lead), project, f"&coder={coder2.pk}")[1] == [
        "Actors",
        "Academia",
        "1",
        "1",
        "",
    ]
    project.blind_coding = False
    project.save()
    coder_page = client_for(coder).get(url("frequency-table", project) + f"?coder={coder2.pk}")
    assert coder_page.status_code == 200
    assert str(coder2.pk) in dict(coder_page.context["form"].fields["coder"].choices)
    assert "these counts are your own codings only" not in body(coder_page)


# --- the study's layout, editing and reordering rows ----------------------------------------


def test_new_matrix_from_the_study_layout(study, project, lead):
    client = client_for(lead)
    form = client.get(url("matrix-create", project))
    assert "Start from the study&#x27;s Table 3 layout" in body(form)
    response = client.post(
        url("matrix-create", project),
        {
            "name": "Cross-case",
            "layout": "study",
            "column_mode": "all",
            "cell_mode": "presence",
            "source": "any",
            "legend": "X = yes\n= no",
        },
        follow=True,
    )
    matrix = Matrix.objects.get(name="Cross-case")
    assert matrix.sections.count() == 4
    assert "18 of 20 rows have no code of the same name" in body(response)
    detail = client.get(url("matrix-detail", project, matrix=matrix.code))
    assert body(detail).count("no code mapped") == 18
    bad = client.post(url("matrix-create", project), {"name": "X", "layout": "other"})
    assert bad.status_code == 200 and "Select a valid choice" in body(bad)


def test_edit_page_has_row_and_section_controls(study, project, lead):
    edit = body(client_for(lead).get(url("matrix-edit", project, matrix=study.matrix.code)))
    assert (
        url("row-move", project, matrix=study.matrix.code, row=study.rows["Industry"].code) in edit
    )
    assert url("section-move", project, matrix=study.matrix.code) in edit
    assert 'aria-label="Move up: Industry" disabled' in edit  # the first row cannot go up
    # Cells on the edit page link to the evidence too, one level up from edit/.
    assert f'href="../rows/{study.rows["Industry"].code}/cells/' in edit


def test_row_update_maps_a_row_and_refuses_bad_input(study, project, lead, coder, outsider):
    row = study.rows["Academia"]
    edit = url("row-update", project, matrix=study.matrix.code, row=row.code)
    client = client_for(lead)
    assert client.get(edit).status_code == 200
    section = study.matrix.sections.get()
    response = client.post(
        edit, {"section": section.pk, "label": "Universities", "code": study.actors.pk}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.label, row.codebook_code, row.include_descendants) == (
        "Universities",
        study.actors,
        False,  # an unticked box
    )
    rule = classification_services.classification_create(
        project=project, name="Helix", classes=[("A", [study.actors], [], [])], user=lead
    )
    both = client.post(edit, {"section": section.pk, "code": study.actors.pk, "rule": rule.pk})
    assert both.status_code == 200 and "either a code or a classification" in body(both)
    nothing = client.post(edit, {"section": section.pk, "label": ""})
    assert nothing.status_code == 200 and "needs a label" in body(nothing)
    assert client_for(coder).get(edit).status_code == 403
    assert client_for(outsider).get(edit).status_code == 404


def test_row_and_section_move(study, project, lead, coder):
    client = client_for(lead)
    academia = study.rows["Academia"]
    move = url("row-move", project, matrix=study.matrix.code, row=academia.code)
    assert client.get(move).status_code == 405
    assert client.post(move, {"direction": "up"}).status_code == 302
    assert [r.label for r in study.matrix.sections.get().rows.all()] == ["Academia", "Industry"]
    again = client.post(move, {"direction": "up"}, follow=True)
    assert "nothing moved" in body(again)
    bad = client.post(move, {"direction": "left"}, follow=True)
    assert "Choose what to move" in body(bad)
    assert client_for(coder).post(move, {"direction": "down"}).status_code == 403
    second = matrix_services.section_create(matrix=study.matrix, title="Benefits")
    move_section = url("section-move", project, matrix=study.matrix.code)
    client.post(move_section, {"section": second.pk, "direction": "up"})
    assert study.matrix.sections.first() == second
    other = matrix_services.matrix_create(project=project, name="Other", user=lead)
    foreign = matrix_services.section_create(matrix=other, title="Elsewhere")
    refused = client.post(move_section, {"section": foreign.pk, "direction": "up"}, follow=True)
    assert "Choose what to move" in body(refused)


def test_evidence_of_a_label_only_row_says_no_code_is_mapped(study, project, lead):
    matrix = matrix_services.matrix_create_from_study_layout(
        project=project, name="Layout", user=lead
    )
    row = matrix.sections.first().rows.get(label="Other municipalities")
    evidence = url(
        "cell-evidence", project, matrix=matrix.code, row=row.code, column=study.alpha.code
    )
    page = body(client_for(lead).get(evidence, headers={"HX-Request": "true"}))
    assert "No code is mapped to this row yet" in page
    assert url("row-update", project, matrix=matrix.code, row=row.code) in page


def _import(client, project, table: str):
    preview = client.post(url("case-import", project), {"file": upload(table)})
    payload = {"payload": preview.context["payload"], "filename": "cases.csv"}
    return client.post(url("case-import", project), payload, follow=True)


def test_a_norwegian_reader_gets_import_problems_and_counts_in_norwegian(project, lead):
    attribute_services.attribute_create(project=project, name="Population", type="number")
    client = client_for(lead)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nb"
    refused = client.post(
        url("case-import", project), {"file": upload("name,Population\nAlpha,lots\n,3\n")}
    )
    assert "Rad 2, kolonne Population: «lots» er ikke et tall" in body(refused)
    assert "Rad 3, kolonne name: en case må ha et navn" in body(refused)
    assert not Case.objects.exists()
    # One and two: the singular and the plural of each count.
    assert "Importert: 1 ny case, 0 oppdaterte." in body(_import(client, project, "name\nAlpha\n"))
    again = _import(client, project, "name\nAlpha\nBeta\nGamma\n")
    assert "Importert: 2 nye caser, 1 oppdatert." in body(again)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    english = _import(client, project, "name\nDelta\n")
    assert "Imported: 1 new case, 0 updated." in body(english)
