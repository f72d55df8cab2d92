"""The audit trail: every audited action writes exactly one entry (through the real views),
only owners read the trail and its CSV, the trail is append-only and ages out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from research.audit import audit_record
from research.models import AuditAction, AuditEntry, Membership, Project
from tests.access_rules import _job
from tests.coding.documents.factories import StoredDocumentFactory
from tests.conftest import PASSWORD, client_for
from tests.factories import CodeFactory, DocumentFactory, ExcerptFactory
from tests.rules.cases import _case, _matrix
from tests.rules.runs import finished_run

pytestmark = pytest.mark.django_db


def _count(project, action) -> int:
    return AuditEntry.objects.filter(project_id=project.pk, action=action).count()


@pytest.fixture
def world(project, cast):
    return {"project": project, **cast}


def _doc_url(name, document):
    return reverse(f"coding:{name}", args=[document.project.code, document.code])


# --- one entry per audited action -------------------------------------------------------------


def test_reading_a_document_and_downloading_its_file_are_recorded(project, cast):
    document = StoredDocumentFactory(project=project, title="Interview 3")
    client = client_for(cast["viewer"])
    assert client.get(_doc_url("document-detail", document)).status_code == 200
    response = client.get(_doc_url("document-download", document))
    b"".join(response.streaming_content)
    view = AuditEntry.objects.get(project=project, action=AuditAction.DOCUMENT_VIEW)
    assert (view.actor_id, view.target, view.target_id) == (
        cast["viewer"].pk,
        "Interview 3",
        str(document.code),
    )
    assert _count(project, AuditAction.DOCUMENT_DOWNLOAD) == 1


def test_signing_in_is_recorded_once_per_project_of_the_member(project, cast):
    other = Project.objects.create(title="Other study")
    Membership.objects.create(project=other, user=cast["coder"], role="viewer")
    response = client_for(None).post(
        reverse("account_login"), {"login": cast["coder"].email, "password": PASSWORD}
    )
    assert response.status_code == 302
    signed_in = AuditEntry.objects.filter(action=AuditAction.SIGN_IN, actor=cast["coder"])
    assert sorted(signed_in.values_list("project_id", flat=True)) == sorted([project.pk, other.pk])


@pytest.mark.parametrize(
    ("export", "url_name", "query"),
    [
        ("codebook", "coding:codebook-export", {"format": "json"}),
        ("excerpts", "coding:retrieval-export", {"format": "csv"}),
        ("consensus", "coding:consensus-export", {"format": "csv"}),
        ("decision-log", "coding:consensus-export", {"format": "csv", "part": "log"}),
        ("cases", "cases:case-export", {"format": "csv"}),
    ],
)
def test_each_export_is_recorded_with_what_it_held(world, project, export, url_name, query):
    CodeFactory(project=project, name="Actors")
    response = client_for(world["lead"]).get(reverse(url_name, args=[project.code]), query)
    assert response.status_code == 200
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    entry = AuditEntry.objects.get(project=project, action=AuditAction.EXPORT)
    assert (entry.target, entry.detail["format"], entry.actor_id) == (
        export,
        query["format"],
        world["lead"].pk,
    )


def test_the_excerpt_export_records_its_filters(world, project):
    url = reverse("coding:retrieval-export", args=[project.code])
    response = client_for(world["lead"]).get(url, {"format": "csv", "coder": world["coder"].pk})
    b"".join(response.streaming_content)
    entry = AuditEntry.objects.get(project=project, action=AuditAction.EXPORT)
    assert entry.detail["filters"] == {"coder": [str(world["coder"].pk)]}


def test_agreement_matrix_and_project_exports_are_recorded(world, project):
    run, matrix, job = finished_run(world), _matrix(world), _job(world)
    client = client_for(world["owner"])
    urls = [
        reverse("coding:agreement-export", args=[project.code, run.code]) + "?format=csv",
        reverse("cases:matrix-export", args=[project.code, matrix.code]) + "?format=csv",
        reverse("study:project-export-download", args=[project.code, job]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    exports = AuditEntry.objects.filter(project=project, action=AuditAction.EXPORT)
    assert sorted(e.target for e in exports) == ["agreement run", "matrix", "project"]
    by_target = {e.target: e.detail for e in exports}
    assert by_target["agreement run"]["run"] == str(run.code)
    assert by_target["project"]["format"] == "json"


def test_member_changes_are_recorded(world, project):
    client = client_for(world["owner"])
    client.post(
        reverse("research:member-list", args=[project.code]),
        {"email": "new@example.org", "role": "coder"},
    )
    target = Membership.objects.get(project=project, user=world["viewer"])
    update = reverse("research:member-update", args=[project.code, target.pk])
    client.post(update, {"action": "role", "role": "lead"})
    client.post(update, {"action": "role", "role": "lead"})  # no change: nothing recorded
    client.post(reverse("study:member-remove", args=[project.code, target.pk]))
    assert _count(project, AuditAction.MEMBER_ADD) == 1
    role = AuditEntry.objects.get(project=project, action=AuditAction.MEMBER_ROLE)
    assert role.detail == {"from": "viewer", "to": "lead"}
    removal = AuditEntry.objects.get(project=project, action=AuditAction.MEMBER_REMOVE)
    assert removal.target == "Former coder 1"
    assert removal.detail["codings"] == "kept"


def _settings(project, **changes) -> dict:
    fields = {
        "title": project.title,
        "language": "en",
        "blind_coding": "on" if project.blind_coding else "",
        "long_excerpt": project.long_excerpt,
    }
    fields.update(changes)
    return {k: v for k, v in fields.items() if v != ""}


def test_unblinding_and_blinding_again_are_recorded(world, project):
    url = reverse("research:project-settings", args=[project.code])
    client = client_for(world["lead"])
    assert project.blind_coding
    assert client.post(url, _settings(project, title="Renamed")).status_code == 302
    assert not AuditEntry.objects.filter(project=project).exclude(action="sign_in").exists()
    client.post(url, _settings(project, blind_coding=""))
    project.refresh_from_db()
    assert not project.blind_coding
    assert _count(project, AuditAction.UNBLIND) == 1
    client.post(url, _settings(project, blind_coding="on"))
    assert _count(project, AuditAction.BLIND) == 1


def test_deleting_documents_cases_and_codes_is_recorded(world, project):
    document = DocumentFactory(project=project, title="Strategy")
    case = _case(world)
    code = CodeFactory(project=project, name="Unused")
    client = client_for(world["owner"])
    client.post(_doc_url("document-delete", document))
    client.post(reverse("cases:case-delete", args=[project.code, case.code]))
    client.post(
        reverse("coding:code-delete", args=[project.code, code.code]), {"confirm_codings": 0}
    )
    for action, target in [
        (AuditAction.DOCUMENT_DELETE, "Strategy"),
        (AuditAction.CASE_DELETE, "Access case"),
        (AuditAction.CODE_DELETE, "Unused"),
    ]:
        assert list(
            AuditEntry.objects.filter(project=project, action=action).values_list(
                "target", flat=True
            )
        ) == [target]


def test_deleting_documents_at_once_records_one_entry_each(world, project):
    docs = [DocumentFactory(project=project) for _ in range(3)]
    url = reverse("coding:document-bulk", args=[project.code])
    data = {"action": "delete", "confirm": "1", "documents": [str(d.code) for d in docs]}
    client_for(world["lead"]).post(url, data)
    assert _count(project, AuditAction.DOCUMENT_DELETE) == 3


def test_deleting_the_project_is_recorded_and_outlives_it(
    world, project, django_capture_on_commit_callbacks
):
    document = StoredDocumentFactory(project=project)
    storage, name = document.original.storage, document.original.name
    assert storage.exists(name)
    url = reverse("research:project-delete", args=[project.code])
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world["owner"]).post(url, {"confirm_title": project.title})
    assert not Project.objects.filter(pk=project.pk).exists()
    assert not storage.exists(name)  # the uploaded original goes with the project
    entry = AuditEntry.objects.get(project_id=project.pk, action=AuditAction.PROJECT_DELETE)
    assert (entry.actor_id, entry.target) == (world["owner"].pk, project.title)


# --- reading the trail ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["lead", "coder", "viewer"])
def test_only_owners_read_the_trail_and_its_csv(world, project, role):
    for name in ("research:audit-trail", "research:audit-trail-csv"):
        url = reverse(name, args=[project.code])
        assert client_for(world[role]).get(url).status_code == 403
        assert client_for(world["outsider"]).get(url).status_code == 404
        assert client_for(world["owner"]).get(url).status_code == 200


def test_in_blind_mode_the_trail_shows_no_coding_to_anyone_but_owners(world, project):
    """Blind coding hides coders' work from each other: the trail records reading documents,
    never excerpt text, and coders cannot open it at all."""
    document = DocumentFactory(project=project)
    ExcerptFactory(document=document, coder=world["coder2"], start=0, end=8)
    client_for(world["coder2"]).get(_doc_url("document-detail", document))
    url = reverse("research:audit-trail", args=[project.code])
    assert client_for(world["coder"]).get(url).status_code == 403
    page = client_for(world["owner"]).get(url).content.decode()
    assert document.title in page
    assert document.text[0:8] not in page


def test_the_trail_filters_by_who_action_and_date(world, project):
    old = timezone.now() - timedelta(days=10)
    audit_record(project=project, actor=world["lead"], action="export", target="codebook")
    AuditEntry.objects.create(  # written ten days ago (rows are never updated)
        project=project, actor=world["coder"], action="document_view", target="Doc A", at=old
    )
    url = reverse("research:audit-trail", args=[project.code])
    client = client_for(world["owner"])
    by_lead = client.get(url, {"actor": world["lead"].pk}).context["rows"]
    assert [entry.target for entry, *_ in by_lead] == ["codebook"]
    views = client.get(url, {"action": "document_view"}).context["rows"]
    assert [(entry.target, who) for entry, who, *_ in views] == [("Doc A", world["coder"].name)]
    recent = client.get(url, {"since": (timezone.now() - timedelta(days=1)).date()})
    assert "Doc A" not in [entry.target for entry, *_ in recent.context["rows"]]
    csv = b"".join(client.get(url + "csv/", {"action": "document_view"}).streaming_content)
    lines = csv.decode().splitlines()
    assert lines[0].startswith("when,who,action")
    assert len(lines) == 2 and "Doc A" in lines[1]
    assert _count(project, AuditAction.EXPORT) == 2  # the codebook, and the trail's own CSV


def test_the_trail_page_reads_a_constant_number_of_queries(
    world, project, django_assert_num_queries
):
    url = reverse("research:audit-trail", args=[project.code])
    client = client_for(world["owner"])
    client.get(url)  # this process signs the session in: later its user comes with it
    for n in range(3):
        audit_record(project=project, actor=world["coder"], action="export", target=f"x{n}")
    # session with its user, membership (door), members and former members (filter choices),
    # count, the page with its actors.
    with django_assert_num_queries(6):
        client.get(url)
    for n in range(60):
        audit_record(project=project, actor=world["lead"], action="export", target=f"y{n}")
    with django_assert_num_queries(6):
        client.get(url, {"page": 2})


# --- append-only and retention ----------------------------------------------------------------


def test_audit_prune_deletes_only_entries_past_the_retention(project, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    old = timezone.now() - timedelta(days=31)
    AuditEntry.objects.create(project=project, action="export", target="old", at=old)
    audit_record(project=project, actor=None, action="export", target="new")
    call_command("audit_prune")
    assert list(AuditEntry.objects.values_list("target", flat=True)) == ["new"]


@pytest.mark.postgres
def test_postgresql_refuses_changing_or_deleting_entries_except_by_prune(project):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the guard trigger is PostgreSQL's")
    entry = audit_record(project=project, actor=None, action="export", target="x")
    for attempt in (
        lambda: AuditEntry.objects.filter(pk=entry.pk).update(target="y"),
        lambda: AuditEntry.objects.filter(pk=entry.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    assert AuditEntry.objects.get(pk=entry.pk).target == "x"
    call_command("audit_prune", "--days", "0")
    assert not AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_refused_export_or_delete_writes_nothing(world, project):
    url = reverse("coding:codebook-export", args=[project.code])
    assert client_for(world["lead"]).get(url, {"format": "nope"}).status_code == 400
    document = DocumentFactory(project=project)
    assert client_for(world["coder"]).post(_doc_url("document-delete", document)).status_code == 403
    assert not AuditEntry.objects.filter(project=project).exclude(action="sign_in").exists()


def test_the_csv_defuses_spreadsheet_formulas(world, project):
    audit_record(project=project, actor=world["lead"], action="export", target="=HYPERLINK(1)")
    url = reverse("research:audit-trail-csv", args=[project.code])
    body = b"".join(client_for(world["owner"]).get(url).streaming_content).decode()
    assert "'=HYPERLINK(1)" in body


def test_the_daily_task_prunes_like_the_command(project, settings):
    from research.tasks import audit_prune_task

    settings.AUDIT_RETENTION_DAYS = 1
    old = timezone.now() - timedelta(days=2)
    AuditEntry.objects.create(project=project, action="export", target="old", at=old)
    assert audit_prune_task.delay().get() == 1
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_entry_outside_a_transaction_is_one_statement_and_stored(project, cast):
    """Read requests write their entry outside any transaction (on PostgreSQL: one INSERT
    that commits without waiting for the WAL flush)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        entry = audit_record(project=project, actor=cast["coder"], action="export", detail={"n": 1})
    assert len(queries) == 1
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.actor_id, stored.detail, stored.action) == (cast["coder"].pk, {"n": 1}, "export")


def test_the_csv_names_actions_in_english_whatever_the_reader_speaks(world, project):
    import csv
    import io

    from tests.languages import client_speaking, translated

    audit_record(project=project, actor=world["lead"], action="export", target="matrix")
    url = reverse("research:audit-trail-csv", args=[project.code])
    with translated("nb", {"Exported": "Eksporterte"}):
        response = client_speaking(world["owner"], "nb").get(url)
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["when", "who", "action", "what", "id", "detail"]
    actions = {row[2] for row in rows[1:]}
    assert "Exported" in actions and "Eksporterte" not in actions
