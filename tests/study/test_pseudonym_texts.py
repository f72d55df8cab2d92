"""The pseudonym list reaches the texts around the documents: excerpt, code and project memos,
the codebook's texts (and their log and frozen versions), case names, descriptions and
write-ups. Applying to all documents does it too, and then nothing in the project export names
anyone on the list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Case, CaseWriteup
from cases.services import attributes as attribute_services
from cases.services import cases as case_services
from cases.services import writeups as writeup_services
from coding.codebook import services as codebook_services
from coding.excerpts import services as excerpt_services
from coding.models import Assignment, Code, CodebookChange, Excerpt, ExcerptChange, Pseudonym
from research.jobs import job_run_inline
from research.models import Job
from study.export import project_export_data, render
from study.memos.services import memo_create
from study.models import ProjectMemo
from tests.conftest import client_for
from tests.factories import CodeFactory, DocumentFactory, ExcerptFactory

TEXT = "Kari Nordmann er ordfører i Fjellstad.\n\nHun vil samarbeide med næringslivet."
NAMES = ("Kari", "Nordmann", "Fjellstad")


def url(name: str, project) -> str:
    return reverse(name, kwargs={"project": project.code})


@pytest.fixture
def named(project, lead, coder):
    Pseudonym.objects.create(project=project, original="Kari Nordmann", replacement="Informant 1")
    Pseudonym.objects.create(project=project, original="Kari", replacement="Informant 1")
    Pseudonym.objects.create(project=project, original="Fjellstad", replacement="Kommune A")
    document = DocumentFactory(project=project, title="Intervju", text=TEXT)
    Assignment.objects.create(document=document, coder=coder)
    code = CodeFactory(project=project, name="Leadership")
    codebook_services.code_update(
        code=code,
        user=lead,
        definition="What Kari Nordmann calls leadership",
        example="«Fjellstad first», said the mayor",
        memo="Ask KARI about it",
    )
    codebook_services.codebook_version_create(project=project, name="Round 1", user=lead)
    excerpt = ExcerptFactory(document=document, coder=coder, start=0, end=13, codes=[code])
    excerpt = excerpt_services.excerpt_update(
        excerpt=excerpt, version=excerpt.version, memo="Kari is the mayor", user=coder
    )
    case = case_services.case_create(
        project=project, name="Fjellstad", pseudonym="Kommune A", description="Kari's town"
    )
    case_services.case_create(project=project, name="Kommune A kommune")
    dimension = attribute_services.dimension_create(project=project, name="Governance")
    writeup_services.writeup_save(
        case=case, dimension=dimension, text="In Fjellstad, Kari Nordmann leads.", user=lead
    )
    memo_create(project=project, user=lead, title="Kari's view", text="Fjellstad is small")
    return {"document": document, "excerpt": excerpt, "code": code, "case": case}


def _texts(project) -> str:
    code = Code.objects.get(project=project, name="Leadership")
    parts = [
        *(getattr(code, f) for f in ("definition", "example", "memo")),
        *Excerpt.objects.filter(document__project=project).values_list("memo", flat=True),
        *Case.objects.filter(project=project).values_list("name", "description"),
        *CaseWriteup.objects.values_list("text", flat=True),
        *ProjectMemo.objects.values_list("title", "text"),
        *(str(c.before) + str(c.after) for c in CodebookChange.objects.filter(project=project)),
        # the log's memos (the excerpts' words follow the document: the documents' job)
        *(
            state.get("memo", "")
            for c in ExcerptChange.objects.filter(project=project)
            for state in (c.before, c.after)
        ),
        *(str(v.snapshot) for v in project.codebook_versions.all()),
    ]
    return str(parts)


def test_memos_and_case_texts_are_pseudonymised_by_their_own_action(project, lead, named):
    assert "Kari" in _texts(project)
    response = client_for(lead).post(url("study:pseudonyms-apply-texts", project), follow=True)
    assert "Memos and case texts:" in response.content.decode()
    texts = _texts(project)
    assert not any(name.casefold() in texts.casefold() for name in NAMES), texts
    assert "Informant 1 is the mayor" in texts and "In Kommune A, Informant 1 leads." in texts
    named["case"].refresh_from_db()
    assert named["case"].name == "Kommune A" and named["case"].pseudonym == "Kommune A"
    # the document's text is the documents' job's work, not this one's
    named["document"].refresh_from_db()
    assert named["document"].text == TEXT


def test_an_excerpt_memo_changed_gets_a_new_version_and_a_stale_editor_a_409(
    project, lead, coder, named
):
    loaded = named["excerpt"].version
    client_for(lead).post(url("study:pseudonyms-apply-texts", project))
    excerpt = Excerpt.objects.get(pk=named["excerpt"].pk)
    assert excerpt.version == loaded + 1
    response = client_for(coder).post(
        reverse("coding:excerpt-update", kwargs={"project": project.code, "excerpt": excerpt.code}),
        {"version": loaded, "set_memo": "on", "memo": "stale"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 409
    assert Excerpt.objects.get(pk=excerpt.pk).memo == "Informant 1 is the mayor"


def test_applying_to_all_documents_leaves_no_name_in_the_project_export(project, lead, named):
    response = client_for(lead).post(url("study:pseudonyms-apply", project))
    assert response.status_code == 302
    job = Job.objects.get(project=project, kind="pseudonyms.apply")
    job_run_inline(job)
    assert job.status == "succeeded", job.error
    exported = render(project_export_data(project=project))
    found = [name for name in NAMES if name.casefold() in exported.casefold()]
    assert not found
    assert "Informant 1" in exported and "Kommune A" in exported


def test_applying_twice_changes_nothing_more(project, lead, named):
    client = client_for(lead)
    client.post(url("study:pseudonyms-apply-texts", project))
    before = _texts(project)
    response = client.post(url("study:pseudonyms-apply-texts", project), follow=True)
    assert "Memos and case texts: 0 changed." in response.content.decode()
    assert _texts(project).count("Informant 1") == before.count("Informant 1")


def test_a_list_that_cannot_be_applied_changes_nothing(project, lead, named):
    Pseudonym.objects.create(project=project, original="Ola", replacement="Kari Hansen")
    response = client_for(lead).post(url("study:pseudonyms-apply-texts", project), follow=True)
    assert "itself contains an identifying string" in response.content.decode()
    assert "Kari is the mayor" in _texts(project)


@pytest.mark.parametrize("role", ["coder", "viewer"])
def test_only_leads_and_owners_apply_the_list(project, cast, named, role):
    response = client_for(cast[role]).post(url("study:pseudonyms-apply-texts", project))
    assert response.status_code == 403
    assert "Kari is the mayor" in _texts(project)
