# ruff: noqa: E501  (the XML reads best on one line)
"""REFI-QDA sets: document sets are written as sets of sources, and sets of sources come in as
document sets (sets of codes or notes only are reported, not imported)."""

import uuid

import pytest
from lxml import etree

from coding.models import DocumentSet, DocumentStatus
from research.models import Project
from study.docsets.services import document_set_create
from study.refi.gather import refi_project
from study.refi.write import write_qde, write_qdpx
from tests.conftest import client_for
from tests.factories import DocumentFactory
from tests.shared import shared_path
from tests.study.test_refi_import import NS, ONE_CODE, USERS, qdpx, run_import

pytestmark = pytest.mark.django_db

S1, S2, S3 = (str(uuid.UUID(int=n)) for n in (201, 202, 203))


def _sets(project) -> dict[str, list[str]]:
    return {
        s.name: sorted(d.title for d in s.documents.all())
        for s in DocumentSet.objects.filter(project=project)
    }


def test_document_sets_survive_export_and_import(project, lead):
    one = DocumentFactory(project=project, title="Bjørkvik")
    two = DocumentFactory(project=project, title="Fjellvik")
    reading = DocumentFactory(
        project=project, title="Still reading", status=DocumentStatus.PROCESSING
    )
    document_set_create(project=project, user=lead, name="Pilot", documents=[one, reading])
    document_set_create(project=project, user=lead, name="Round 2 – alle", documents=[one, two])
    document_set_create(project=project, user=lead, name="Empty", documents=[])
    refi = refi_project(project=project)
    root = etree.fromstring(write_qde(refi))  # write_qde validates against the schema
    written = {
        s.get("name"): sorted(m.get("targetGUID") for m in s.iterfind("{*}MemberSource"))
        for s in root.iterfind("{*}Sets/{*}Set")
    }
    # Only ready documents are sources, so only they are members.
    assert written == {
        "Empty": [],
        "Pilot": [str(one.code)],
        "Round 2 – alle": sorted([str(one.code), str(two.code)]),
    }
    other = Project.objects.create(title="Copy")
    other.memberships.create(user=lead, role="lead")
    job = run_import(client_for(lead), other, write_qdpx(refi))
    assert job.status == "succeeded", job.error
    assert _sets(other) == {
        "Empty": [],
        "Pilot": ["Bjørkvik"],
        "Round 2 – alle": ["Bjørkvik", "Fjellvik"],
    }
    assert job.result["report"]["taken"]["Set → document set"] == 3


def test_sets_of_sources_become_document_sets_and_the_rest_is_reported(project, lead):
    document_set_create(project=project, user=lead, name="Pilot", documents=[])
    sources = "".join(
        f'<TextSource guid="{g}" name="{n}"><PlainTextContent>Text {n}</PlainTextContent></TextSource>'
        for g, n in ((S1, "One"), (S2, "Two"))
    )
    sets = (
        f'<Sets><Set guid="{uuid.uuid4()}" name="Pilot"><Description>First round</Description>'
        f'<MemberSource targetGUID="{S1.upper()}"/><MemberSource targetGUID="{S3}"/></Set>'
        f'<Set guid="{uuid.uuid4()}" name="Transana style"><MemberSource guid="{S2}"/><MemberNote>{uuid.uuid4()}</MemberNote></Set>'
        f'<Set guid="{uuid.uuid4()}" name="Codes only"><MemberCode targetGUID="{uuid.uuid4()}"/></Set>'
        f'<Set guid="{uuid.uuid4()}" name="Pictures"><MemberSource targetGUID="{S3}"/></Set></Sets>'
    )
    qde = f'<Project {NS} name="F">{USERS}{ONE_CODE}<Sources>{sources}</Sources>{sets}</Project>'
    job = run_import(client_for(lead), project, qdpx(qde))
    assert job.status == "succeeded", job.error
    found = _sets(project)
    renamed = next(name for name in found if name.startswith("Pilot ("))
    assert found == {"Pilot": [], renamed: ["One"], "Transana style": ["Two"]}
    report = job.result["report"]
    assert report["taken"]["Set → document set"] == 2
    not_held = "\n".join(report["not_held"])
    assert "Set: 1 not held — it holds no sources" in not_held
    assert "Set: 1 not held — none of its sources was imported" in not_held
    assert "Set MemberSource: 1 not held — the source was not imported" in not_held
    assert "Set MemberCode or MemberNote: 1 not held" in not_held
    assert "Set Description: 1 not held" in not_held
    assert any("set “Pilot” exists already" in note for note in report["notes"])


@pytest.mark.parametrize(
    ("sample", "made", "skipped"),
    [
        # 7 sets of text sources, and "<3" which is empty; Coke, Images, PDFs, Video and Audio
        # hold no text source; 4 sets hold codes only.
        (
            "spec-annexA2_atlasti-8.4.0-mac_project.qde",
            8,
            {"none of its sources was imported": 4, "it holds no sources": 4},
        ),
        # 6 sets of one text source each; five also hold a video (and a note), left out.
        ("spec-annexA3_transana-3.22b2-win_project.qde", 6, {}),
    ],
)
def test_the_standards_samples_sets_import_as_document_sets(project, lead, sample, made, skipped):
    data = shared_path("refi-qda", "samples", sample).read_bytes()
    # The samples ship without their sources' text files: give each text source a stand-in.
    paths = etree.fromstring(data).xpath("//*[local-name()='TextSource']/@plainTextPath")
    texts = {f"sources/{p.removeprefix('internal://')}": b"Stand-in text. " * 400 for p in paths}
    job = run_import(client_for(lead), project, qdpx(data, texts))
    assert job.status == "succeeded", job.error
    assert DocumentSet.objects.filter(project=project).count() == made
    not_held = job.result["report"]["not_held"]
    for reason, count in skipped.items():
        assert f"Set: {count} not held — {reason}: Concord's sets hold documents" in not_held
    if "transana" in sample:
        assert "Set MemberSource: 5 not held — the source was not imported" in not_held
        assert all(len(titles) == 1 for titles in _sets(project).values())
    if "atlasti" in sample:
        assert _sets(project)["gender: female"] == _sets(project)["Mabel"]
        assert len(_sets(project)["Text files"]) == 6 and _sets(project)["<3"] == []
