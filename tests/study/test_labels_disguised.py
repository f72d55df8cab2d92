"""A project that shows pseudonyms only: no page or export shows a coder or a viewer a
document's title or a case's name (coding.labels names them everywhere); leads and owners
still see them on the pages, and files that leave the tool carry the disguise for everyone."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from cases.services import cases as case_services
from cases.services import classifications as classification_services
from cases.services import matrices as matrix_services
from coding import labels
from coding.models import Assignment
from coding.reconcile import services as reconcile_services
from coding.runs import services as run_services
from research.models import Membership
from study.docsets.services import document_set_create
from study.memos.services import memo_create
from study.search.saved import saved_search_create
from tests.coding.runs.factories import TEXT
from tests.conftest import client_for
from tests.factories import CodeFactory, DocumentFactory, ExcerptFactory, JobFactory

REAL = "Fjellstad"  # in the document's title, its file name and the case's name
TITLE = f"Smart {REAL} 2022–2026"
CASE = f"{REAL} kommune"


@pytest.fixture
def start_run(project, lead, coder, coder2, django_capture_on_commit_callbacks):
    def start(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            run = run_services.agreement_run_start(
                project=project, requested_by=lead, coders=[coder, coder2], **kwargs
            )
        run.refresh_from_db()
        return run

    return start


@pytest.fixture
def world(project, owner, lead, coder, coder2, viewer, start_run):
    project.blind_coding = False  # coders and viewers see the excerpts behind results
    project.save()
    industry = CodeFactory(project=project, name="Industry")
    sensors = CodeFactory(project=project, name="Sensors")
    document = DocumentFactory(
        project=project, title=TITLE, original_name=f"{REAL.lower()}-strategi.pdf", text=TEXT
    )
    for user in (coder, coder2):
        Assignment.objects.create(document=document, coder=user)
    first = ExcerptFactory(document=document, coder=coder, start=0, end=42, codes=[industry])
    ExcerptFactory(document=document, coder=coder, start=0, end=42, codes=[sensors])
    ExcerptFactory(document=document, coder=coder2, start=0, end=42, codes=[industry])
    case = case_services.case_create(project=project, name=CASE, pseudonym="Kommune A")
    case_services.case_set_documents(case=case, documents=[document])
    matrix = matrix_services.matrix_create_from_template(
        project=project, name="Actors", sections=[("Actors", [("Industry", industry)])], user=lead
    )
    rule = classification_services.classification_create(
        project=project, name="Helix", classes=[("Industry", [industry], [], [])], user=lead
    )
    rule_cases = classification_services.classification_create(
        project=project,
        name="Helix cases",
        classes=[("Industry", [industry], [], [])],
        user=lead,
        applies_to="case",
    )
    run = start_run(unit="segment", documents_mode="picked", documents=[document])
    memo_create(
        project=project,
        user=lead,
        title="Notes",
        links={"documents": [document], "cases": [case]},
    )
    document_set_create(project=project, user=lead, name="Plans", documents=[document])
    searched = saved_search_create(
        membership=Membership.objects.get(project=project, user=viewer),
        name="Kommunen",
        query="Kommunen",
        filters={},
    )
    reconciliation = reconcile_services.reconciliation_open(
        project=project, documents=[document], coders=[coder, coder2], user=lead
    )
    upload = JobFactory(
        project=project, kind="documents.ingest", params={"file": f"{REAL.lower()}-strategi.pdf"}
    )
    project.anonymize = True
    project.save()
    return SimpleNamespace(
        upload=upload,
        document=document,
        excerpt=first,
        industry=industry,
        sensors=sensors,
        case=case,
        matrix=matrix,
        row=matrix.sections.get().rows.get(),
        rule=rule,
        rule_cases=rule_cases,
        run=run,
        searched=searched,
        reconciliation=reconciliation,
    )


def _url(name: str, project, query: str = "", **kwargs) -> str:
    address = reverse(name, kwargs={"project": project.code, **kwargs})
    return f"{address}?{query}" if query else address


def pages(project, w) -> dict[str, str]:
    """Every page and export that names a document or a case, readable by viewers."""
    doc, code = w.document.code, w.industry.code
    cell = f"a={w.industry.code}&b={w.sensors.code}"
    return {
        "document list": _url("coding:document-list", project),
        "document page": _url("coding:document-detail", project, document=doc),
        "retrieval": _url("coding:retrieval", project, f"code={code}"),
        "retrieval csv": _url("coding:retrieval-export", project, f"code={code}&format=csv"),
        "retrieval xlsx": _url("coding:retrieval-export", project, f"code={code}&format=xlsx"),
        "agreement list": _url("study:agreement-list", project),
        "agreement run": _url("coding:agreement-run", project, run=w.run.code),
        "agreement code": _url(
            "coding:agreement-code", project, run=w.run.code, code=w.sensors.code
        ),
        "search": _url("study:search", project, "q=Kommunen"),
        "saved search": _url("study:saved-search-run", project, saved=w.searched.code),
        "co-occurrence": _url("study:cooccurrence", project, "by=document"),
        "co-occurrence cell": _url("study:cooccurrence-cell", project, f"by=document&{cell}"),
        "code matrix": _url("study:code-matrix", project),
        "code matrix xlsx": _url("study:code-matrix", project, "format=xlsx"),
        "code matrix csv": _url("study:code-matrix", project, "format=csv"),
        "code matrix cell": _url("study:code-matrix-cell", project, f"code={code}&document={doc}"),
        "word frequencies": _url("study:word-frequencies", project),
        "memos": _url("study:memo-list", project),
        "document sets": _url("study:document-set-list", project),
        "case list": _url("cases:case-list", project),
        "case page": _url("cases:case-detail", project, case=w.case.code),
        "case export": _url("cases:case-export", project, "format=csv"),
        "matrix": _url("cases:matrix-detail", project, matrix=w.matrix.code),
        "matrix export": _url("cases:matrix-export", project, "format=csv", matrix=w.matrix.code),
        "cell evidence": _url(
            "cases:cell-evidence",
            project,
            matrix=w.matrix.code,
            row=w.row.code,
            column=w.case.code,
        ),
        "classification": _url("cases:classification-detail", project, classification=w.rule.code),
        "case classification": _url(
            "cases:classification-detail", project, classification=w.rule_cases.code
        ),
        "coding trail": _url("cases:coding-trail", project),
        "project page": _url("research:project-detail", project),
        "jobs": _url("research:job-list", project),
        "upload job": _url("research:job-detail", project, job=w.upload.code),
    }


def coder_pages(project, w) -> dict[str, str]:
    """What a coder reaches besides the viewers' pages: their documents, the coding view, a
    reconciliation of their work, a memo form."""
    doc = w.document.code
    item = w.reconciliation.documents.get()
    return {
        "my documents": _url("coding:my-documents", project),
        "coding view": _url("coding:coding-view", project, document=doc),
        "memo form": _url("study:memo-create", project),
        "search form": _url("study:search", project),
        "reconciliations": _url("coding:reconciliation-list", project),
        "reconciliation": _url(
            "coding:reconciliation", project, reconciliation=w.reconciliation.code
        ),
        "reconciled document": _url(
            "coding:reconciliation-document",
            project,
            reconciliation=w.reconciliation.code,
            reconciled_document=item.document.code,
        ),
    }


def body(response) -> str:
    if hasattr(response, "streaming_content"):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if content[:2] == b"PK":  # an XLSX: the strings live in the zipped XML
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(archive.read(n).decode() for n in archive.namelist())
    return content.decode("utf-8-sig")


WHAT = ["viewer", "coder"]


@pytest.mark.parametrize("role", WHAT)
def test_members_who_see_pseudonyms_see_no_title_or_case_name_anywhere(project, world, cast, role):
    client = client_for(cast[role])
    addresses = pages(project, world)
    if role == "coder":
        addresses.update(coder_pages(project, world))
    leaks = []
    for page, address in addresses.items():
        response = client.get(address)
        assert response.status_code == 200, (page, response.status_code)
        if REAL.lower() in body(response).lower():
            leaks.append(page)
    assert not leaks, leaks


def test_the_disguised_names_are_the_kind_and_number_and_the_pseudonym(project, world, viewer):
    client = client_for(viewer)
    html = body(client.get(pages(project, world)["document list"]))
    assert "Strategy document 1 (1 page)" in html
    html = body(client.get(pages(project, world)["case page"]))
    assert "Kommune A" in html and "Strategy document 1 (1 page)" in html


@pytest.mark.parametrize("role", ["owner", "lead"])
def test_leads_and_owners_still_see_titles_and_names_on_the_pages(project, world, cast, role):
    client = client_for(cast[role])
    addresses = {**pages(project, world), **coder_pages(project, world)}
    shown = [
        "document list",
        "document page",
        "retrieval",
        "agreement code",
        "search",
        "code matrix",
        "code matrix cell",
        "memos",
        "case list",
        "case page",
        "matrix",
        "cell evidence",
        "classification",
        "coding trail",
        "coding view",
        "reconciliation",
        "reconciled document",
        "jobs",
    ]
    for page in shown:
        assert REAL.lower() in body(client.get(addresses[page])).lower(), page


@pytest.mark.parametrize(
    "page",
    [
        "retrieval csv",
        "retrieval xlsx",
        "agreement csv",
        "agreement xlsx",
        "decision log",
        "code matrix xlsx",
        "case export",
        "matrix export",
    ],
)
def test_files_that_leave_the_tool_carry_the_disguise_for_owners_too(project, world, owner, page):
    run = world.run.code
    addresses = {
        **pages(project, world),
        "agreement csv": _url(
            "coding:agreement-export", project, "format=csv&what=disagreements", run=run
        ),
        "agreement xlsx": _url("coding:agreement-export", project, "format=xlsx", run=run),
        "decision log": _url("coding:consensus-export", project, "format=csv&part=log"),
    }
    text = body(client_for(owner).get(addresses[page]))
    assert REAL not in text


def test_titles_show_to_everyone_when_the_project_shows_them(project, world, viewer):
    project.anonymize = False
    project.save()
    client = client_for(viewer)
    assert TITLE in body(client.get(pages(project, world)["document list"]))
    assert CASE in body(client.get(pages(project, world)["case page"]))


def test_a_page_numbers_its_documents_with_one_query(project, viewer, django_assert_num_queries):
    project.anonymize = True
    project.save()
    documents = [DocumentFactory(project=project, kind="report") for _ in range(3)]
    membership = Membership.objects.select_related("project").get(user=viewer)
    with django_assert_num_queries(1):
        names = [labels.document_label(d, membership) for d in documents]
    assert names == ["Report 1 (1 page)", "Report 2 (1 page)", "Report 3 (1 page)"]
    membership.project.anonymize = False
    plain = Membership.objects.select_related("project").get(user=viewer)
    plain.project.anonymize = False
    with django_assert_num_queries(0):
        assert labels.document_label(documents[0], plain) == documents[0].title


@pytest.mark.parametrize("page", ["document list", "search", "retrieval", "case page"])
def test_disguised_pages_cost_the_same_however_many_documents(
    project, world, viewer, page, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(viewer)
    address = pages(project, world)[page]
    client.get(address)  # the session, warmed
    with CaptureQueriesContext(connection) as before:
        client.get(address)
    for n in range(4):
        extra = DocumentFactory(project=project, title=f"{REAL} {n}", text=TEXT)
        world.case.documents.add(extra)
        ExcerptFactory(document=extra, coder=world.excerpt.coder, start=0, end=8, codes=[])
    # one query numbers the documents, whatever their number
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = client.get(address)
    assert REAL not in body(response)
