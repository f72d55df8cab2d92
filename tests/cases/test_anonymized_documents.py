"""Anonymized cases: document titles that carry a case's real name stay hidden from members
who see pseudonyms (coders and viewers), on every cases page; leads still see them."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from cases.services import attributes as attribute_services
from cases.services import cases as case_services
from cases.services import classifications as classification_services
from cases.services import matrices as matrix_services
from cases.services import writeups as writeup_services
from coding.labels import Labels
from tests.conftest import client_for
from tests.factories import CodeFactory, DocumentFactory, ExcerptFactory

REAL_NAME = "Fjellstad"


def url(name, project, **kwargs):
    return reverse(f"cases:{name}", kwargs={"project": project.code, **kwargs})


@pytest.fixture
def hidden(project, lead, coder):
    # not blind, so viewers and coders see the excerpts (and their documents) behind results
    project.blind_coding = False
    project.save()
    industry = CodeFactory(project=project, name="Industry")
    strategy = DocumentFactory(
        project=project, title=f"Smart {REAL_NAME} 2022–2026", kind="strategy", page_count=12
    )
    interview = DocumentFactory(
        project=project, title=f"Intervju {REAL_NAME} ordfører", kind="transcript", page_count=0
    )
    case = case_services.case_create(project=project, name=REAL_NAME, pseudonym="Kommune A")
    case_services.case_set_documents(case=case, documents=[strategy, interview])
    excerpt = ExcerptFactory(document=strategy, coder=coder, start=0, end=8, codes=[industry])
    dimension = attribute_services.dimension_create(project=project, name="Governance")
    writeup_services.writeup_save(
        case=case, dimension=dimension, text=f"See [[excerpt:{excerpt.code}]]", user=lead
    )
    matrix = matrix_services.matrix_create_from_template(
        project=project, name="Actors", sections=[("Actors", [("Industry", industry)])], user=lead
    )
    row = matrix.sections.get().rows.get()
    project.anonymize = True
    project.save()
    return SimpleNamespace(
        case=case, strategy=strategy, interview=interview, excerpt=excerpt, matrix=matrix, row=row
    )


def pages(project, hidden):
    return {
        "case list": url("case-list", project),
        "case page": url("case-detail", project, case=hidden.case.code),
        "matrix page": url("matrix-detail", project, matrix=hidden.matrix.code),
        "evidence panel": url(
            "cell-evidence",
            project,
            matrix=hidden.matrix.code,
            row=hidden.row.code,
            column=hidden.case.code,
        ),
        "coding trail": url("coding-trail", project),
    }


@pytest.mark.parametrize("role", ["viewer", "coder"])
def test_pseudonym_readers_see_no_real_case_name_anywhere(project, hidden, cast, role):
    client = client_for(cast[role])
    for page, address in pages(project, hidden).items():
        html = client.get(address).content.decode()
        assert REAL_NAME not in html, page
        assert hidden.excerpt.text in html or page in ("case list", "matrix page"), page
        assert "Kommune A" in html or page == "coding trail", page


def test_pseudonym_readers_see_kind_and_number_with_a_working_link(project, hidden, viewer):
    client = client_for(viewer)
    html = client.get(url("case-detail", project, case=hidden.case.code)).content.decode()
    assert "Strategy document 1 (12 pages)" in html
    assert "Interview transcript 1" in html
    link = reverse("coding:document-detail", args=[project.code, hidden.strategy.code])
    assert f'href="{link}"' in html
    assert client.get(link).status_code == 200
    # the write-up's citation names the document the same way
    assert f"“{hidden.excerpt.text}”" in html
    assert html.count("Strategy document 1 (12 pages)") == 2


def test_evidence_panel_fragment_names_documents_by_kind(project, hidden, viewer):
    address = pages(project, hidden)["evidence panel"]
    html = client_for(viewer).get(address, headers={"HX-Request": "true"}).content.decode()
    assert "Strategy document 1 (12 pages)" in html and REAL_NAME not in html


def test_lead_still_sees_real_names_and_titles(project, hidden, lead):
    client = client_for(lead)
    for page in ("case list", "case page", "matrix page", "evidence panel"):
        html = client.get(pages(project, hidden)[page]).content.decode()
        assert REAL_NAME in html, page
    html = client.get(url("case-detail", project, case=hidden.case.code)).content.decode()
    assert f"Smart {REAL_NAME} 2022–2026" in html and "Strategy document 1" not in html


def test_titles_show_when_the_project_does_not_anonymize(project, hidden, viewer):
    project.anonymize = False
    project.save()
    html = client_for(viewer).get(url("case-detail", project, case=hidden.case.code))
    assert f"Smart {REAL_NAME} 2022–2026" in html.content.decode()


def test_document_classification_names_documents_by_kind_for_viewers(project, hidden, lead, viewer):
    industry = hidden.row.codebook_code
    rule = classification_services.classification_create(
        project=project, name="Helix", classes=[("Industry", [industry], [], [])], user=lead
    )
    address = url("classification-detail", project, classification=rule.code)
    assert REAL_NAME not in client_for(viewer).get(address).content.decode()
    assert REAL_NAME in client_for(lead).get(address).content.decode()


def test_document_numbers_are_per_kind_in_upload_order(project):
    first = DocumentFactory(project=project, kind="strategy", page_count=1)
    DocumentFactory(project=project, kind="report")
    second = DocumentFactory(project=project, kind="strategy", page_count=3)
    names = Labels(project_id=project.pk, disguise=True)
    assert names(first) == "Strategy document 1 (1 page)"
    assert names(second) == "Strategy document 2 (3 pages)"
    plain = Labels(project_id=project.pk, disguise=False)
    assert plain(first) == first.title


def test_document_names_cost_one_query_only_when_anonymized(project, django_assert_num_queries):
    documents = [DocumentFactory(project=project), DocumentFactory(project=project)]
    plain = Labels(project_id=project.pk, disguise=False)
    with django_assert_num_queries(0):
        [plain(d) for d in documents]
    names = Labels(project_id=project.pk, disguise=True)
    with django_assert_num_queries(1):
        [names(d) for d in documents]
