"""The project export and its counterpart, restoring a project into a server: a round trip
export → restore into an empty server → export gives the same file, bad files are refused with
a sentence and leave nothing behind, and the restored project's pages work."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from cases.models import (
    AttributeDefinition,
    AttributeValue,
    Case,
    CaseWriteup,
    CellOverride,
    ClassificationClass,
    ClassificationRule,
    Dimension,
    Footnote,
    Matrix,
    MatrixRow,
    MatrixSection,
)
from coding.codebook import services as codebook_services
from coding.codebook.services import codebook_undoable
from coding.models import AgreementRun, Assignment, Coding, Excerpt, ExcerptChange
from coding.reconcile import services as reconcile_services
from coding.runs import services as run_services
from research.jobs import job_run_inline
from research.models import FormerMember, Membership, Project, User
from research.services import project_delete
from study.demo import demo_load, demo_remove
from study.docsets.services import document_set_create
from study.export import project_export_data, render
from study.members import member_remove
from study.memos.services import memo_create
from study.restore import RestoreError, project_restore, project_restore_file
from tests.conftest import client_for
from tests.factories import DocumentFactory, ExcerptFactory, UserFactory

pytestmark = pytest.mark.django_db

TRANSCRIPT = (
    "Intervjuer: Hvem samarbeider dere med?\n\n"
    "Informant: Vi samarbeider med universitetet om åpne data 🌊 og sensorer."
)


def _build(project, lead, coder, coder2) -> None:
    """A small project with every part the export carries."""
    code = codebook_services.code_create
    actors = code(project=project, name="Actors", user=lead, definition="Who takes part.")
    academia = code(project=project, name="Academia", user=lead, parent=actors, memo="Broad")
    business = code(project=project, name="Business", user=lead, parent=actors)
    gone = code(project=project, name="Gone", user=lead, parent=actors)
    codebook_services.code_delete(code=gone, user=lead, confirm_codings=0)
    idea = code(project=project, name="Idea", user=coder, status="proposed")
    codebook_services.codebook_version_create(project=project, name="Round 1", user=lead)
    strategy = DocumentFactory(project=project, title="Strategi", created_by=lead)
    interview = DocumentFactory(
        project=project,
        title="Intervju",
        kind="transcript",
        text=TRANSCRIPT,
        pages=[[1, 0, len(TRANSCRIPT)]],
        paragraphs=[[0, 38], [40, len(TRANSCRIPT)]],
        char_count=len(TRANSCRIPT),
    )
    for document in (strategy, interview):
        Assignment.objects.create(document=document, coder=coder, status="done")
        Assignment.objects.create(document=document, coder=coder2)
    ExcerptFactory(
        document=strategy, coder=coder, start=0, end=7, memo="Subject", codes=[academia, business]
    )
    ExcerptFactory(document=strategy, coder=coder2, start=0, end=20, codes=[academia])
    ExcerptFactory(document=strategy, coder=None, start=0, end=7, memo="Agreed", codes=[academia])
    cited = ExcerptFactory(document=interview, coder=coder, start=40, end=60, codes=[idea])
    # Auto-coded from a search: the query is the excerpt's provenance, kept by the round trip.
    Excerpt.objects.filter(pk=cited.pk).update(version=3, from_search="samarb*")
    _cases(project, lead, strategy, interview, cited)
    memo = memo_create(
        project=project, user=coder, title="Open coding", text="Cooperation comes first."
    )
    memo.documents.set([strategy])
    memo.codes.set([academia])
    memo.cases.set(Case.objects.filter(project=project, name="Bjørkvik"))
    document_set_create(project=project, user=lead, name="Pilot", documents=[strategy, interview])
    rule = ClassificationRule.objects.create(project=project, name="Helix", created_by=lead)
    quadruple = ClassificationClass.objects.create(rule=rule, name="Quadruple", position=0)
    quadruple.all_of.set([academia, business])
    ClassificationClass.objects.create(rule=rule, name="Other", position=1).none_of.set([idea])
    _matrix(project, lead, actors, rule)
    run = run_services.agreement_run_start(
        project=project, requested_by=lead, coders=[coder, coder2], unit="document"
    )
    job_run_inline(run.job)
    _reconciliation(project, lead, coder, coder2, strategy)


def _reconciliation(project, lead, coder, coder2, strategy) -> None:
    """A round with a decision, an undone one, a reason and a comment."""
    opened = reconcile_services.reconciliation_open(
        project=project, documents=[strategy], coders=[coder, coder2], user=lead
    )
    (candidate,) = opened.documents.get().candidates.all()
    first = reconcile_services.decision_make(
        candidate=candidate, version=1, kind="keep", kept_coders=[coder2.pk], user=lead
    )
    reconcile_services.decision_undo(decision=first, user=lead)
    reconcile_services.decision_make(
        candidate=candidate, version=3, kind="union", reason="Both halves matter.", user=lead
    )
    reconcile_services.comment_add(candidate=candidate, author=coder, text="Agreed.")


def _cases(project, lead, strategy, interview, cited) -> None:
    project.anonymize = True
    project.save(update_fields=["anonymize"])
    define = AttributeDefinition.objects.create
    population = define(project=project, name="Population", type="number")
    county = define(
        project=project, name="County", type="choice", choices=["Nord", "Sør"], position=1
    )
    coastal = define(project=project, name="Coastal", type="boolean", position=2)
    since = AttributeDefinition.objects.create(
        project=project, name="Since", type="date", position=3
    )
    region = Case.objects.create(project=project, name="Region", kind="region", pseudonym="R")
    town = Case.objects.create(project=project, name="Bjørkvik", pseudonym="Alpha", parent=region)
    town.documents.set([strategy, interview])
    AttributeValue.objects.create(case=town, definition=population, number=12500.0)
    AttributeValue.objects.create(case=town, definition=county, text="Nord")
    AttributeValue.objects.create(case=town, definition=coastal, boolean=True)
    AttributeValue.objects.create(case=town, definition=since, date=datetime.date(2020, 1, 2))
    focus = Dimension.objects.create(project=project, name="Focus")
    CaseWriteup.objects.create(
        case=town, dimension=focus, text=f"Open data first.\n\n[[excerpt:{cited.code}]]"
    )


def _matrix(project, lead, actors, rule) -> None:
    matrix = Matrix.objects.create(project=project, name="Table 3", legend=[{"symbol": "X"}])
    town = Case.objects.get(project=project, name="Bjørkvik")
    matrix.cases.set([town])
    section = MatrixSection.objects.create(matrix=matrix, title="Actors")
    row = MatrixRow.objects.create(section=section, label="Actors", codebook_code=actors)
    MatrixRow.objects.create(section=section, label="Helix", rule=rule, position=1)
    CellOverride.objects.create(
        row=row, column=str(town.code), symbol="*", reason="Pilot only", computed="X", user=lead
    )
    Footnote.objects.create(matrix=matrix, row=row, text="From the interview.", created_by=lead)
    Footnote.objects.create(matrix=matrix, column=str(town.code), text="Small.")


def _comparable(data: dict) -> dict:
    """The export as its file reads, without the one field that legitimately differs between
    two exports of the same project: `exported_at`, the time of the export."""
    data = json.loads(render(data))
    del data["exported_at"]
    return data


@pytest.fixture
def built(project, lead, coder, coder2, owner):
    _build(project, lead, coder, coder2)
    return project


def _empty_server(project) -> None:
    """Delete the project and every account, as if restoring into a fresh server."""
    project_delete(project=project)
    User.objects.all().delete()


def test_export_carries_every_part_of_the_project(built, coder):
    data = project_export_data(project=built)
    consensus = [e for e in data["excerpts"] if e["coder"] is None]
    # The hand-made one, and the union the reconciliation decided.
    assert [(e["memo"], e["text"]) for e in consensus] == [
        ("Agreed", "Kommune"),
        ("", "Kommunen skal samarb"),
    ]
    mine = [e for e in data["excerpts"] if e["coder"] == coder.email]
    assert sorted(len(e["codes"]) for e in mine) == [1, 2]
    assert {e["version"] for e in mine} == {1, 3}
    assert {e["from_search"] for e in mine} == {"", "samarb*"}
    assert len(data["assignments"]) == 4 and data["cases"]["anonymize"] is True
    (run,) = data["agreement_runs"]
    assert run["coders"] == sorted(["coder@example.org", "coder2@example.org"])
    assert sorted(run["params"]["spec"]["coders"]) == run["coders"]  # spec: in the run's order
    assert run["results"]["pooled"] and run["code_results"]
    assert '"id"' not in render(data["agreement_runs"])  # no internal ids in the file
    (pilot,) = data["document_sets"]
    assert pilot["name"] == "Pilot" and len(pilot["documents"]) == 2
    (round_,) = data["reconciliations"]
    (candidate,) = round_["documents"][0]["candidates"]
    assert [d["kind"] for d in candidate["decisions"]] == ["keep", "union"]
    assert candidate["decisions"][0]["kept_coders"] == ["coder2@example.org"]
    assert {s["coder"] for s in candidate["sources"]} == {coder.email, "coder2@example.org"}


def test_round_trip_into_an_empty_server_gives_the_same_export(built):
    first = project_export_data(project=built)
    text = render(first)
    _empty_server(built)
    restored = project_restore_file(content=text.encode())
    assert _comparable(project_export_data(project=restored)) == _comparable(first)


def test_each_restored_excerpt_starts_its_history_with_the_restore(built):
    text = render(project_export_data(project=built))
    _empty_server(built)
    admin = UserFactory(email="admin@example.org")
    project = project_restore_file(content=text.encode(), owner=admin)
    excerpts = {e.code: e for e in Excerpt.objects.filter(document__project=project)}
    changes = ExcerptChange.objects.filter(project=project)
    assert excerpts and changes.count() == len(excerpts)
    for change in changes:
        excerpt = excerpts[change.excerpt_code]
        assert (change.action, change.user, change.version) == ("restore", admin, excerpt.version)
        codes = sorted(str(c) for c in excerpt.codes.values_list("code", flat=True))
        assert change.after["codes"] == codes and change.after["text"] == excerpt.text


def test_restored_people_are_inactive_without_a_password_and_keep_their_names(built, lead):
    text = render(project_export_data(project=built))
    lead.display_name = "Live Lead"
    lead.save()
    text = render(project_export_data(project=built))
    _empty_server(built)
    project_restore_file(content=text.encode())
    restored = User.objects.get(email="lead@example.org")
    assert not restored.is_active and not restored.has_usable_password()
    assert restored.display_name == "Live Lead"


def test_restored_pages_work_and_old_changes_cannot_be_undone(built):
    text = render(project_export_data(project=built))
    _empty_server(built)
    admin = UserFactory(email="admin@example.org")
    project = project_restore_file(content=text.encode(), owner=admin)
    assert codebook_undoable(project=project) is None
    client = client_for(admin)
    run = AgreementRun.objects.get(project=project)
    matrix = Matrix.objects.get(project=project)
    document = project.documents.get(title="Intervju")
    for url in (
        reverse("research:project-detail", args=[project.code]),
        reverse("coding:document-detail", args=[project.code, document.code]),
        reverse("coding:agreement-run", args=[project.code, run.code]),
        reverse("cases:matrix-detail", args=[project.code, matrix.code]),
        reverse("coding:codebook", args=[project.code]),
    ):
        assert client.get(url).status_code == 200, url
    code = run.code_results.exclude(code=None).first().code
    url = reverse("coding:agreement-code", args=[project.code, run.code, code.code])
    assert client.get(url).status_code == 200


def test_the_demo_project_round_trips(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project = demo_load()
    first = project_export_data(project=project)
    assert first["excerpts"] and first["agreement_runs"] and first["matrices"]
    text = render(first)
    demo_remove()
    restored = project_restore_file(content=text.encode())
    assert _comparable(project_export_data(project=restored)) == _comparable(first)


# --- refusals ---------------------------------------------------------------------------------


def _refused(content: bytes, match: str) -> None:
    projects, users = Project.objects.count(), User.objects.count()
    with pytest.raises(RestoreError, match=match):
        project_restore_file(content=content)
    assert (Project.objects.count(), User.objects.count()) == (projects, users)


def test_a_file_that_is_not_json_is_refused():
    _refused(b"\x89PNG not json", "not JSON")


def test_a_foreign_json_file_is_refused():
    _refused(b'{"hello": "world"}', "not a Concord project export")
    _refused(b"[1, 2]", "not a Concord project export")


def test_an_export_of_the_old_format_is_refused():
    _refused(b'{"format": "concord-project", "version": 1}', "format version 1")


def test_a_project_still_on_the_server_is_refused(built):
    _refused(render(project_export_data(project=built)).encode(), "already on this server")


def test_a_broken_file_leaves_nothing_behind(built):
    text = render(project_export_data(project=built))
    _empty_server(built)
    unknown_code, wrong_text, no_matrices = (json.loads(text) for _ in range(3))
    unknown_code["excerpts"][-1]["codes"] = ["00000000-0000-0000-0000-000000000000"]
    _refused(json.dumps(unknown_code).encode(), "does not contain")
    wrong_text["excerpts"][-1]["text"] = "something else"
    _refused(json.dumps(wrong_text).encode(), "does not match")
    del no_matrices["matrices"]
    _refused(json.dumps(no_matrices).encode(), "not a complete Concord project export")
    assert not Coding.objects.exists() and not Case.objects.exists()


def test_a_missing_project_part_is_refused_with_a_sentence():
    with pytest.raises(RestoreError, match="not a complete"):
        project_restore(data={"format": "concord-project", "version": 2, "project": {}})
    assert not Project.objects.exists()


# --- the command and the page -----------------------------------------------------------------


def test_the_command_restores_a_file_with_an_owner(built, tmp_path):
    path = tmp_path / "export.json"
    path.write_text(render(project_export_data(project=built)), encoding="utf-8")
    _empty_server(built)
    UserFactory(email="admin@example.org")
    out = StringIO()
    call_command("project_import", str(path), owner="admin@example.org", stdout=out)
    project = Project.objects.get()
    assert "Restored" in out.getvalue()
    assert project.memberships.get(user__email="admin@example.org").role == "owner"


def test_the_command_explains_a_bad_file_or_owner(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(CommandError, match="not a Concord project export"):
        call_command("project_import", str(path))
    with pytest.raises(CommandError, match="No user"):
        call_command("project_import", str(path), owner="nobody@example.org")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("project_import", str(tmp_path / "missing.json"))


def test_the_page_restores_an_upload_and_makes_the_uploader_owner(built):
    text = render(project_export_data(project=built))
    _empty_server(built)
    user = UserFactory(email="new@example.org", is_staff=True)
    upload = SimpleUploadedFile("export.json", text.encode(), content_type="application/json")
    response = client_for(user).post(reverse("study:project-restore"), {"file": upload})
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/p/{project.code}/")
    assert project.memberships.get(user=user).role == "owner"


def test_the_page_shows_why_a_file_was_refused():
    admin = UserFactory(email="staff@example.org", is_staff=True)
    upload = SimpleUploadedFile("x.json", b"not json")
    response = client_for(admin).post(reverse("study:project-restore"), {"file": upload})
    assert response.status_code == 200
    assert "not JSON" in str(response.context["form"].errors["file"])
    assert not Project.objects.exists()


def test_the_page_needs_a_login_and_get_or_post():
    admin = UserFactory(email="staff@example.org", is_staff=True)
    url = reverse("study:project-restore")
    assert client_for(None).get(url).status_code == 302
    assert client_for(admin).get(url).status_code == 200
    assert client_for(admin).put(url).status_code == 405


def test_only_server_administrators_may_restore_a_project(built, owner):
    """An export names this server's users as members and coders: an ordinary account could
    otherwise make a project in which others appear to have coded what it wrote."""
    text = render(project_export_data(project=built))
    _empty_server(built)
    user = UserFactory(email="someone@example.org")
    upload = SimpleUploadedFile("export.json", text.encode(), content_type="application/json")
    response = client_for(user).post(reverse("study:project-restore"), {"file": upload})
    assert response.status_code == 403
    assert not Project.objects.exists()
    page = client_for(user).get(reverse("research:project-list"))
    assert reverse("study:project-restore") not in page.content.decode()


def test_the_project_file_is_language_neutral(built):
    from django.utils import translation

    with translation.override("en"):
        english = _comparable(project_export_data(project=built))
    with translation.override("nb"):
        assert _comparable(project_export_data(project=built)) == english


@pytest.fixture
def with_former(built, coder2, owner):
    """coder2 removed: their codings, comments, decisions and run rows name "Former coder 1"."""
    membership = Membership.objects.get(project=built, user=coder2)
    member_remove(membership=membership, by=owner)
    return built


def test_a_former_member_round_trips_with_their_stand_in(with_former):
    first = project_export_data(project=with_former)
    assert first["former_members"] == [
        {
            "number": 1,
            "email": f"former-coder-1.{with_former.code}@concord.invalid",
            "name": "Former coder 1",
            "codings_deleted": False,
            "removed_at": first["former_members"][0]["removed_at"],
        }
    ]
    _empty_server(with_former)
    restored = project_restore_file(content=render(first).encode())
    assert _comparable(project_export_data(project=restored)) == _comparable(first)
    (stand_in,) = FormerMember.objects.filter(project=restored)
    assert stand_in.placeholder.name == "Former coder 1" and not stand_in.placeholder.is_active
    assert Excerpt.objects.filter(document__project=restored, coder=stand_in.placeholder).exists()
    run = AgreementRun.objects.get(project=restored)
    owner = UserFactory(email="new-owner@example.org")
    Membership.objects.create(project=restored, user=owner, role="owner")
    page = client_for(owner).get(
        reverse("coding:agreement-run", kwargs={"project": restored.code, "run": run.code})
    )
    assert "Former coder 1" in page.content.decode()


def test_an_export_without_former_members_still_restores(built):
    data = json.loads(render(project_export_data(project=built)))
    del data["former_members"]
    _empty_server(built)
    restored = project_restore(data=data)
    assert not FormerMember.objects.filter(project=restored).exists()
