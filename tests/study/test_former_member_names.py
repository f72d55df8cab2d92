"""A removed member is named by their stand-in ("Former coder 1") wherever the project named
them: memos, reconciliation comments and decisions, matrices filtered to their codings; and the
Django admin sends whoever removes a member to the Members page, which makes the stand-in."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from cases.services import matrices as matrix_services
from coding.models import Assignment, Candidate, CandidateComment, Decision
from coding.reconcile import services as reconcile_services
from research.models import Membership, Project
from study.memos.services import memo_create
from study.models import ProjectMemo
from tests.conftest import client_for
from tests.factories import CodeFactory, DocumentFactory, ExcerptFactory, UserFactory

pytestmark = pytest.mark.django_db
NAME = "Kari Koder"


@pytest.fixture
def named(project, lead, coder, coder2, owner):
    """coder2 (display name NAME, also in another project, so their account keeps its name)
    wrote a memo and a comment, was kept by a decision and is a matrix's coder filter."""
    coder2.display_name = NAME
    coder2.save()
    Membership.objects.create(project=Project.objects.create(title="Other"), user=coder2)
    code = CodeFactory(project=project, name="Industry")
    document = DocumentFactory(project=project, title="Plan")
    for user in (coder, coder2):
        Assignment.objects.create(document=document, coder=user)
    ExcerptFactory(document=document, coder=coder, start=0, end=8, codes=[code])
    ExcerptFactory(document=document, coder=coder2, start=0, end=20, codes=[code])
    reconciliation = reconcile_services.reconciliation_open(
        project=project, documents=[document], coders=[coder, coder2], user=lead
    )
    (candidate,) = Candidate.objects.filter(item__reconciliation=reconciliation)
    reconcile_services.comment_add(candidate=candidate, author=coder2, text="Mine is longer.")
    reconcile_services.decision_make(
        candidate=candidate,
        version=candidate.version,
        kind="keep",
        kept_coders=[coder2.pk],
        user=lead,
    )
    memo_create(project=project, user=coder2, title="Open coding", text="Industry first.")
    matrix = matrix_services.matrix_create_from_template(
        project=project,
        name="Actors",
        sections=[("Actors", [("Industry", code)])],
        user=lead,
        source="coder",
        coder=coder2,
    )
    membership = Membership.objects.get(project=project, user=coder2)
    url = reverse("study:member-remove", args=[project.code, membership.pk])
    assert client_for(owner).post(url, {"codings": "keep"}).status_code == 302
    return {
        "reconciliation": reconciliation,
        "item": reconciliation.documents.get(),
        "matrix": matrix,
        "coder2": coder2,
    }


def _pages(project, named) -> dict[str, str]:
    rec = named["reconciliation"]
    return {
        "memos": reverse("study:memo-list", args=[project.code]),
        "reconciled document": reverse(
            "coding:reconciliation-document",
            args=[project.code, rec.code, named["item"].document.code],
        ),
        "reconciliation": reverse("coding:reconciliation", args=[project.code, rec.code]),
        "matrix": reverse("cases:matrix-detail", args=[project.code, named["matrix"].code]),
        "matrix edit": reverse("cases:matrix-edit", args=[project.code, named["matrix"].code]),
        "decision log": reverse("coding:consensus-export", args=[project.code])
        + "?format=csv&part=log",
    }


def test_pages_name_the_stand_in_not_the_removed_member(project, owner, named):
    client = client_for(owner)
    for page, address in _pages(project, named).items():
        response = client.get(address)
        assert response.status_code == 200, page
        text = response.content.decode()
        assert NAME not in text, page
    memos = client.get(_pages(project, named)["memos"]).content.decode()
    assert "Former coder 1" in memos
    matrix = client.get(_pages(project, named)["matrix"]).content.decode()
    assert "Former coder 1" in matrix


def test_the_rows_point_at_the_stand_in(project, named):
    coder2 = named["coder2"]
    stand_in = project.former_members.get().placeholder
    assert CandidateComment.objects.get().author == stand_in
    decision = Decision.objects.get()
    assert decision.kept_coders == [stand_in.pk] and coder2.pk not in decision.follows
    assert ProjectMemo.objects.get().created_by == stand_in
    named["matrix"].refresh_from_db()
    assert named["matrix"].coder == stand_in
    assert list(named["reconciliation"].coders.all()).count(stand_in) == 1
    assert coder2.pk not in [s["coder"] for s in Candidate.objects.get().sources]


def _admin_post(client, project, **change):
    """The project's admin form as it is, with `change` applied to the first membership."""
    url = reverse("admin:research_project_change", args=[project.pk])
    page = client.get(url)
    data = {}
    for form in [page.context["adminform"].form]:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if isinstance(value, datetime.datetime):
                data[f"{name}_0"], data[f"{name}_1"] = f"{value:%Y-%m-%d}", f"{value:%H:%M:%S}"
            elif value is not None and not isinstance(value, bool):
                data[name] = value
            elif value:
                data[name] = "on"
    (formset,) = [inline.formset for inline in page.context["inline_admin_formsets"]]
    prefix = formset.prefix
    memberships = list(formset.queryset)
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": len(memberships),
            f"{prefix}-INITIAL_FORMS": len(memberships),
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
    )
    for n, m in enumerate(memberships):
        data.update(
            {
                f"{prefix}-{n}-id": m.pk,
                f"{prefix}-{n}-project": project.pk,
                f"{prefix}-{n}-user": m.user_id,
                f"{prefix}-{n}-role": m.role,
                f"{prefix}-{n}-created_at_0": m.created_at.strftime("%Y-%m-%d"),
                f"{prefix}-{n}-created_at_1": m.created_at.strftime("%H:%M:%S"),
            }
        )
    for key, value in change.items():
        data[f"{prefix}-0-{key}"] = value
    return client.post(url, data), memberships[0]


@pytest.mark.parametrize("change", [{"DELETE": "on"}, {"user": "other"}])
def test_the_admin_refuses_removing_a_member_and_says_where(project, owner, coder, change):
    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    client = client_for(admin)
    if change.get("user") == "other":
        change = {"user": UserFactory(email="someone@example.org").pk}
    response, first = _admin_post(client, project, **change)
    assert response.status_code == 200
    assert "on the project&#x27;s Members page" in response.content.decode()
    assert Membership.objects.filter(pk=first.pk, user_id=first.user_id).exists()


def test_the_admin_still_changes_a_role(project, owner, coder):
    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    response, first = _admin_post(client_for(admin), project, role="viewer")
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.role == "viewer"
