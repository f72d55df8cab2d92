"""The REFI-QDA project export (.qdpx): started from the settings page, run as a job,
downloaded from the job page; project.qde valid against the standard's schema."""

import io
import zipfile
from pathlib import Path

import pytest
import xmlschema
from django.urls import reverse
from lxml import etree

from cases.models import Case
from coding.models import Code, Excerpt
from research.jobs import job_run_inline
from research.models import Job, Project
from study.refi.gather import CONSENSUS_NAME, user_guid
from study.refi.model import from_utf16, to_utf16
from study.refi.write import project_schema
from tests.conftest import client_for
from tests.factories import ExcerptFactory
from tests.study.test_export_restore import _build

pytestmark = pytest.mark.django_db
NS = {"q": "urn:QDA-XML:project:1.0"}
SCHEMA = Path(__file__).resolve().parents[2] / "coding/codebook_io/schemas/Project-mrt2019.xsd"


@pytest.fixture
def built(project, lead, coder, coder2, owner):
    _build(project, lead, coder, coder2)
    interview = project.documents.get(title="Intervju")
    wave = interview.text.index("🌊")
    # A selection after the emoji: its UTF-16 position is one more than its code point.
    ExcerptFactory(document=interview, coder=coder, start=wave + 2, end=wave + 5)
    return project


def export(client, project, **extra) -> zipfile.ZipFile:
    url = reverse("study:project-export", kwargs={"project": project.code})
    response = client.post(url, {"format": "qdpx", **extra})
    assert response.status_code == 302
    job = Job.objects.get(project=project, kind="project.qdpx_export", status="queued")
    job_run_inline(job)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    download = reverse(
        "study:project-export-download", kwargs={"project": project.code, "job": job.code}
    )
    response = client.get(download)
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_export_is_a_valid_project_with_every_excerpt_coder_code_and_memo(built, coder):
    archive = export(client_for(built.memberships.get(role="lead").user), built)
    qde = archive.read("project.qde")
    root = etree.fromstring(qde)
    assert project_schema().validate(root)
    xmlschema.XMLSchema(str(SCHEMA)).validate(qde.decode())

    sources = {s.get("guid"): s for s in root.iterfind(".//q:TextSource", NS)}
    selections = root.findall(".//q:PlainTextSelection", NS)
    assert len(selections) == Excerpt.objects.for_project(built).count()
    for selection in selections:
        excerpt = Excerpt.objects.get(code=selection.get("guid"))
        source = sources[str(excerpt.document.code)]
        path = source.get("plainTextPath")
        assert path == f"internal://{source.get('guid')}.txt"
        text = archive.read(f"sources/{path.removeprefix('internal://')}").decode("utf-8")
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        assert text[start:end] == excerpt.text
        coded = {
            c.find("q:CodeRef", NS).get("targetGUID") for c in selection.iterfind("q:Coding", NS)
        }
        assert coded == {c.code.exchange_guid for c in excerpt.codings.all()}

    users = {u.get("name"): u.get("guid") for u in root.iterfind(".//q:User", NS)}
    assert users[CONSENSUS_NAME] and users[str(coder)] == user_guid(coder)
    consensus = [s for s in selections if s.get("creatingUser") == users[CONSENSUS_NAME]]
    assert len(consensus) == Excerpt.objects.for_project(built).filter(coder=None).count() > 0
    notes = {
        n.get("guid"): n.findtext("q:PlainTextContent", namespaces=NS)
        for n in root.iterfind(".//q:Note", NS)
    }
    memo_ref = consensus[0].find("q:NoteRef", NS).get("targetGUID")
    assert notes[memo_ref] == "Agreed"

    codes = {c.get("guid") for c in root.iterfind(".//q:Code", NS)}
    assert codes == set(Code.objects.filter(project=built).values_list("exchange_guid", flat=True))

    # The project anonymizes its cases: the file names them by their pseudonyms.
    (case,) = [c for c in root.iterfind(".//q:Case", NS) if c.get("name") == "Alpha"]
    assert len(case.findall("q:SourceRef", NS)) == 2
    values = [v[1].text for v in case.iterfind("q:VariableValue", NS)]
    assert sorted(values) == sorted(["12500.0", "Nord", "true", "2020-01-02"])


def test_nvivo_positions_count_utf16_units(built):
    client = client_for(built.memberships.get(role="lead").user)
    standard = etree.fromstring(export(client, built).read("project.qde"))
    nvivo = etree.fromstring(export(client, built, positions="utf16").read("project.qde"))
    position = lambda root: sorted(  # noqa: E731
        int(s.get("startPosition")) for s in root.iterfind(".//q:PlainTextSelection", NS)
    )
    assert position(nvivo)[-1] == position(standard)[-1] + 1
    assert position(nvivo)[:-1] == position(standard)[:-1]


def test_an_unknown_export_format_is_a_bad_request(project, lead):
    url = reverse("study:project-export", kwargs={"project": project.code})
    response = client_for(lead).post(url, {"format": "nvp"})
    assert response.status_code == 400
    assert "Unknown export format" in response.content.decode()


def test_an_empty_project_exports_as_a_valid_file(project, lead):
    root = etree.fromstring(export(client_for(lead), project).read("project.qde"))
    assert project_schema().validate(root)
    assert root.find("q:CodeBook", NS) is None and root.find("q:Users", NS) is not None


@pytest.mark.parametrize("text", ["", "plain", "a😀b😀\r\nc", "😀"])
def test_utf16_positions_convert_both_ways(text):
    points = list(range(len(text) + 1))
    assert from_utf16(text, to_utf16(text, points)) == points


def test_an_anonymizing_project_exports_case_pseudonyms_only(built):
    Case.objects.filter(project=built, name="Bjørkvik").update(description="Bjørkvik i nord")
    client = client_for(built.memberships.get(role="lead").user)
    cases = export(client, built).read("project.qde").decode().split("<Cases>")[1]
    assert "Bjørkvik" not in cases and 'name="Alpha"' in cases
    Project.objects.filter(pk=built.pk).update(anonymize=False)
    cases = export(client, built).read("project.qde").decode().split("<Cases>")[1]
    assert 'name="Bjørkvik"' in cases and "Bjørkvik i nord" in cases


def test_the_project_file_is_language_neutral(built, lead):
    from tests.languages import client_speaking

    english = export(client_speaking(lead, "en"), built)
    norwegian = export(client_speaking(lead, "nb"), built)
    assert english.namelist() == norwegian.namelist()
    for name in english.namelist():
        assert english.read(name) == norwegian.read(name), name


def test_an_anonymizing_project_exports_document_kinds_and_numbers_not_titles(built):
    client = client_for(built.memberships.get(role="lead").user)
    qde = export(client, built).read("project.qde")
    sources = {s.get("name") for s in etree.fromstring(qde).iterfind(".//q:TextSource", NS)}
    assert "Strategy document 1 (1 page)" in sources
    assert b'Strategi"' not in qde and b"Intervju" not in qde
    Project.objects.filter(pk=built.pk).update(anonymize=False)
    assert b'name="Strategi"' in export(client, built).read("project.qde")
