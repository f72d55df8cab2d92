"""The demo project: loads everything, once; locates every coding; removes cleanly."""

import logging
import time
from io import StringIO

import pytest
from django.core.management import call_command

from coding.models import Assignment, Code, Document, DocumentStatus, Excerpt
from research.models import Job, JobStatus, Project, User
from study.demo import DEMO_PEOPLE, DEMO_TITLE, content, demo_load, demo_project, demo_remove
from study.demo.content import codings as demo_codings
from study.demo.loader import code_paths, locate

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return demo_load()


def test_locate_finds_a_phrase_across_a_line_break_and_typographic_quotes():
    text = "We use “smart city”\nto mean data."
    assert locate(text, 'We use "smart city" to mean') == (0, 27)
    assert locate("abc", "zzz") is None


def test_demo_load_creates_the_project_with_its_people(demo):
    assert demo.title == DEMO_TITLE
    roles = dict(demo.memberships.values_list("user__email", "role"))
    assert roles == {email: role for email, _name, role in DEMO_PEOPLE}


def test_demo_load_twice_creates_one_project(demo):
    assert demo_load() is None
    assert Project.objects.filter(title=DEMO_TITLE).count() == 1
    assert demo_project() == demo


def test_every_demo_document_is_read_and_linked_to_a_case(demo):
    documents = Document.objects.filter(project=demo)
    assert documents.count() == len(content.DOCUMENTS) == 13
    assert set(documents.values_list("status", flat=True)) == {DocumentStatus.READY}
    assert not documents.filter(cases=None).exists()
    pdf = documents.get(original_name="alpha-digital-strategy.pdf")
    assert pdf.file_type == "pdf" and pdf.page_count >= 3
    transcript = documents.get(original_name="interview-alpha.txt")
    assert len(transcript.turns) > 10
    assert not Job.objects.filter(project=demo).exclude(status=JobStatus.SUCCEEDED).exists()


def test_every_demo_document_has_a_believable_length():
    for item in content.DOCUMENTS:
        path = content.DOCUMENTS_DIR / item.file.replace(".pdf", ".txt")
        words = len(path.read_text(encoding="utf-8").split())
        assert 300 <= words <= 900, (item.file, words)


def test_every_demo_coding_is_found_and_uses_existing_codes(demo):
    expected = sum(2 if who == "both" else 1 for _f, _p, _c, who, _m in demo_codings.CODINGS)
    assert Excerpt.objects.filter(document__project=demo, coder__isnull=False).count() == expected
    for excerpt in Excerpt.objects.filter(document__project=demo).select_related("document"):
        assert excerpt.document.text[excerpt.start : excerpt.end] == excerpt.text
    paths = code_paths(demo)
    for _file, _phrase, codes, _who, _memo in demo_codings.CODINGS:
        assert all(path in paths for path in codes), codes


def test_demo_codebook_has_the_studys_clusters_with_definitions(demo):
    roots = Code.objects.filter(project=demo, parent=None)
    assert set(roots.values_list("name", flat=True)) >= set(content.CLUSTER_COLOURS)
    assert not Code.objects.filter(project=demo, definition="").exists()
    assert Code.objects.filter(project=demo, status="proposed").count() == 1


def test_both_coders_are_assigned_with_partial_disagreement(demo):
    coder1 = User.objects.get(email="coder1@demo.concord")
    coder2 = User.objects.get(email="coder2@demo.concord")
    assert Assignment.objects.filter(coder=coder1, status="assigned").exists()
    assert Assignment.objects.filter(coder=coder2, status="done").exists()
    spans1 = set(Excerpt.objects.filter(coder=coder1).values_list("document", "start", "end"))
    spans2 = set(Excerpt.objects.filter(coder=coder2).values_list("document", "start", "end"))
    assert spans1 & spans2 and spans1 - spans2 and spans2 - spans1


def test_demo_has_a_finished_agreement_run(demo):
    from coding.models import AgreementRun

    run = AgreementRun.objects.get(project=demo)
    assert run.job.status == JobStatus.SUCCEEDED
    assert run.code_results.exists()
    assert run.codebook_version is not None


def test_demo_has_cases_and_the_cross_case_matrix(demo):
    from cases.models import Case, CellOverride, Matrix

    assert Case.objects.filter(project=demo).count() == 11
    region = Case.objects.get(project=demo, pseudonym="Epsilon")
    assert region.members.count() == 6
    matrix = Matrix.objects.get(project=demo)
    labels = [r.label for s in matrix.sections.all() for r in s.rows.all()]
    assert "Industry" in labels and "Smart city" in labels and "Helix model" in labels
    assert CellOverride.objects.filter(row__section__matrix=matrix, symbol="*").exists()


def test_demo_write_ups_cite_the_coders_excerpts(demo):
    from cases.models import CaseWriteup
    from study.demo.loader import WRITEUPS

    writeups = CaseWriteup.objects.filter(case__project=demo)
    assert writeups.count() == len(WRITEUPS)
    for writeup in writeups:
        assert writeup.text.count("[[excerpt:") >= 1 and "[[excerpt:]]" not in writeup.text


def test_demo_remove_removes_the_project_people_and_files(demo, tmp_path):
    assert any(tmp_path.rglob("*.pdf"))
    assert demo_remove() is True
    assert demo_project() is None
    assert not User.objects.filter(email__endswith="@demo.concord").exists()
    assert demo_remove() is False


def test_demo_remove_deletes_stored_files_after_commit(
    demo, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        demo_remove()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_demo_command_loads_removes_and_reloads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = StringIO()
    call_command("demo", "load", stdout=out)
    assert "Demo project loaded." in out.getvalue() and "coder1@demo.concord" in out.getvalue()
    call_command("demo", "load", stdout=out)
    assert "Demo project already present." in out.getvalue()
    first = demo_project().pk
    call_command("demo", "reload", stdout=out)
    assert demo_project().pk != first
    call_command("demo", "remove", stdout=out)
    assert demo_project() is None


def test_demo_command_prints_the_logins_and_the_given_url_and_no_job_chatter(
    settings, tmp_path, caplog
):
    settings.MEDIA_ROOT = tmp_path
    out, err = StringIO(), StringIO()
    call_command("demo", "load", "--url", "http://127.0.0.1:8765/", stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert "Open http://127.0.0.1:8765/ and log in." in lines
    assert sum("@demo.concord" in line for line in lines) == 5
    assert err.getvalue() == ""
    assert not [r for r in caplog.records if r.levelno < logging.ERROR]


def test_demo_load_is_fast(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    started = time.perf_counter()
    demo_load()
    assert time.perf_counter() - started < 20


def test_the_demo_reconciles_the_shared_documents_into_a_consensus(demo):
    from cases.models import Matrix
    from cases.selectors import matrices as matrix_selectors
    from coding.models import DocumentState, ReconciliationDocument

    items = ReconciliationDocument.objects.filter(reconciliation__project=demo)
    assert items.count() == 6
    assert set(items.values_list("state", flat=True)) == {DocumentState.RECONCILED}
    assert Excerpt.objects.filter(document__project=demo, coder__isnull=True).count() > 20
    matrix = Matrix.objects.get(project=demo)
    matrix.source = "consensus"
    lead = demo.memberships.get(role="lead")
    view = matrix_selectors.matrix_compute(matrix=matrix, membership=lead)
    shown = [cell.display for _s, rows in view.sections for _r, cells in rows for cell in cells]
    assert sum(1 for value in shown if value) > 5
