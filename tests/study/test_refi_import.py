# ruff: noqa: E501  (the XML fixtures read best one element a line)
"""The REFI-QDA project import (.qdpx): upload, who is who, the job, the report. Synthetic
archives reproduce each fact of `refi-qda/samples/README.md`; hostile ones are refused."""

import io
import uuid
import zipfile

import pytest
from django.urls import reverse

from cases.models import Case
from coding.models import Code, Document, Excerpt
from research.jobs import job_run_inline
from research.models import Job
from study.models import ProjectMemo
from study.refi.archive import RefiArchiveError
from study.refi.model import to_utf16
from study.refi.read import read_qdpx
from tests.conftest import client_for
from tests.shared import shared_path

pytestmark = pytest.mark.django_db
NS = 'xmlns="urn:QDA-XML:project:1.0"'
ANN, BOB = "1F0E6B1C-0000-4000-8000-00000000000A", "{2b1d7c6e-0000-4000-8000-00000000000b}"
C1, C2, C3 = (str(uuid.UUID(int=n)) for n in (101, 102, 103))


def qdpx(qde: str | bytes, files: dict[str, bytes] | None = None, **kwargs) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", **kwargs) as archive:
        archive.writestr("project.qde", qde)
        for name, content in (files or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def codebook(*codes: str) -> str:
    return "<CodeBook><Codes>" + "".join(codes) + "</Codes></CodeBook>"


ONE_CODE = codebook(f'<Code guid="{C1}" name="A" isCodable="true"><Description/></Code>')
USERS = f'<Users><User guid="{ANN}" name="Ann"/><User guid="{BOB}" name="Bob"/></Users>'


def upload(client, project, data: bytes, name="project.qdpx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(
        reverse("study:qdpx-upload", kwargs={"project": project.code}), {"file": file}
    )


def run_import(client, project, data: bytes, **mapping) -> Job:
    response = upload(client, project, data)
    assert response.status_code == 302, response.content.decode()[-800:]
    people = client.get(response["Location"])
    assert people.status_code == 200
    form = people.context["form"]
    post = {f"user_{i}": mapping.get(u.name, "new") for i, u in enumerate(form.users)}
    assert client.post(response["Location"], post).status_code == 302
    job = Job.objects.filter(project=project, kind="project.qdpx_import").latest("created_at")
    job_run_inline(job)
    job.refresh_from_db()
    return job


def test_nvivo_utf16_positions_with_emoji_crlf_and_bom_land_on_the_words(project, lead):
    raw = "Hi 😀 there\r\nsecond 😀 line\r\n"
    words = [raw.index("there"), raw.index("there") + 5, raw.index("second"), raw.index("line") + 4]
    units = to_utf16(raw, words)
    qde = (
        f'<?xml version="1.0" encoding="utf-8" standalone="no"?><Project {NS} name="N"'
        f' origin="NVivo 12.6">{USERS}{ONE_CODE}'
        f'<Sources><TextSource guid="{C3}" name="Interview" plainTextPath="internal://{C3}.txt">'
        f'<PlainTextSelection guid="{uuid.uuid4()}" startPosition="{units[0]}" endPosition="{units[1]}" creatingUser="{ANN}">'
        f'<Coding guid="{uuid.uuid4()}" creatingUser="{ANN}"><CodeRef targetGUID="{C1}"/></Coding></PlainTextSelection>'
        f'<PlainTextSelection guid="{uuid.uuid4()}" startPosition="{units[2]}" endPosition="{units[3]}" creatingUser="{ANN}">'
        f'<Coding guid="{uuid.uuid4()}"><CodeRef targetGUID="{C1}"/></Coding></PlainTextSelection>'
        "</TextSource></Sources></Project>"
    )
    data = qdpx(qde, {f"Sources/{C3}.txt": b"\xef\xbb\xbf" + raw.encode()})
    job = run_import(client_for(lead), project, data)
    assert job.status == "succeeded", job.error
    document = Document.objects.get(project=project)
    assert document.text == raw.replace("\r\n", "\n")
    excerpts = list(Excerpt.objects.filter(document=document).order_by("start"))
    assert [e.text for e in excerpts] == ["there", "second 😀 line"]
    assert all(e.text == document.text[e.start : e.end] for e in excerpts)
    assert {str(e.coder) for e in excerpts} == {"Ann"}


def test_qualcoder_style_bare_path_codings_without_selection_user(project, lead, coder):
    text = "We share open data with the university."
    codes = "".join(
        f'<Code guid="{g}" name="{n}" isCodable="true"/>'
        for g, n in ((C1, "A"), (C2, "B"), (C3, "C"))
    )
    codings = "".join(
        f'<Coding guid="{uuid.uuid4()}" creatingUser="{BOB}"><CodeRef targetGUID="{g}"/></Coding>'
        for g in (C1, C2, C3)
    )
    qde = (
        f'<Project {NS} name="Q" origin="QualCoder 3.5">{USERS}{codebook(codes)}<Sources>'
        f'<TextSource guid="{uuid.uuid4()}" plainTextPath="abc.txt">'
        f'<PlainTextSelection guid="{uuid.uuid4()}" startPosition="9" endPosition="18">{codings}'
        "</PlainTextSelection></TextSource></Sources></Project>"
    )
    job = run_import(
        client_for(lead), project, qdpx(qde, {"sources/abc.txt": text.encode()}), Bob=str(coder.pk)
    )
    assert job.status == "succeeded", job.error
    (excerpt,) = Excerpt.objects.filter(document__project=project)
    assert excerpt.text == "open data" and excerpt.coder == coder
    assert sorted(c.code.name for c in excerpt.codings.all()) == ["A", "B", "C"]
    assert excerpt.document.title == "Source 1"  # a text source may lack a name


def test_one_selection_per_code_becomes_one_excerpt_and_odd_content_is_reported(project, lead):
    tree = (
        f'<Code guid="{C1}" name="Folder" isCodable="false">'
        f'<Code guid="{C2}" name="citizenship" isCodable="true"/></Code>'
        f'<Code guid="{C3}" name="Other" isCodable="true"><Code guid="{uuid.UUID(int=104)}" name="citizenship" isCodable="true"/></Code>'
    )
    source = str(uuid.uuid4())
    same = f'startPosition="0" endPosition="5" creatingUser="{ANN}"'
    v1, v2, k, p, n1, n2 = (uuid.uuid4() for _ in range(6))
    qde = (
        f'<Project {NS} name="E" origin="NVivo">{USERS}{codebook(tree)}'
        f'<Variables><Variable guid="{v1}" name="Population" typeOfVariable="Integer"/>'
        f'<Variable guid="{v2}" name="Coastal" typeOfVariable="Boolean"/></Variables>'
        f'<Cases><Case guid="{k}" name="Bjørkvik"><VariableValue><VariableRef targetGUID="{v1}"/>'
        f"<IntegerValue>12500</IntegerValue></VariableValue><VariableValue>"
        f'<VariableRef targetGUID="{v2}"/><BooleanValue>true</BooleanValue></VariableValue>'
        f'<SourceRef targetGUID="{source}"/></Case></Cases>'
        f'<Sources><TextSource guid="{source}" name="Minutes">'
        "<PlainTextContent>Kommune og by</PlainTextContent>"
        f'<PlainTextSelection guid="{uuid.uuid4()}" {same}><Coding guid="{uuid.uuid4()}">'
        f'<CodeRef targetGUID="{C2}"/></Coding></PlainTextSelection>'
        f'<PlainTextSelection guid="{uuid.uuid4()}" {same}><Coding guid="{uuid.uuid4()}">'
        f'<CodeRef targetGUID="{C3}"/></Coding><NoteRef targetGUID="{n1}"/></PlainTextSelection>'
        f'<PlainTextSelection guid="{uuid.uuid4()}" startPosition="3" endPosition="3"/>'
        f'</TextSource><TextSource guid="{uuid.uuid4()}" name="Blank">'
        "<PlainTextContent>\n</PlainTextContent></TextSource>"
        f'<PictureSource guid="{p}" path="relative://a.png"><PictureSelection guid="{uuid.uuid4()}"'
        ' firstX="0" firstY="0" secondX="1" secondY="1"/></PictureSource></Sources><Notes>'
        f'<Note guid="{n1}"><PlainTextContent>Check with Ann.</PlainTextContent></Note>'
        f'<Note guid="{n2}" name="Reflection"><PlainTextContent>Open coding went well.'
        "</PlainTextContent></Note></Notes></Project>"
    )
    job = run_import(client_for(lead), project, qdpx(qde))
    assert job.status == "succeeded", job.error
    (excerpt,) = Excerpt.objects.filter(document__title="Minutes")
    assert excerpt.text == "Kommu" and excerpt.memo == "Check with Ann."
    assert sorted(c.code.exchange_guid for c in excerpt.codings.all()) == sorted([C2, C3])
    assert Code.objects.filter(project=project, name="citizenship").count() == 2
    assert not Code.objects.get(project=project, exchange_guid=C1).is_codable
    assert Document.objects.get(project=project, title="Blank").text == "\n"
    case = Case.objects.get(project=project, name="Bjørkvik")
    assert (
        sorted(v.display for v in case.attribute_values.all()) == ["12,500", "Yes"]
        or len(case.attribute_values.all()) == 2
    )
    assert [d.title for d in case.documents.all()] == ["Minutes"]
    report = job.result["report"]
    assert report["taken"]["Selection merged with one of the same span and coder"] == 1
    not_held = "\n".join(report["not_held"])
    assert "PictureSource: 1 not held" in not_held and "PictureSelection: 1 not held" in not_held
    assert "PlainTextSelection: 1 not held — it selects no text" in not_held
    (memo,) = ProjectMemo.objects.filter(project=project)  # the stand-alone note
    assert (memo.title, memo.text) == ("Reflection", "Open coding went well.")
    assert report["taken"]["Stand-alone note → project memo"] == 1
    page = client_for(lead).get(
        reverse("research:job-detail", kwargs={"project": project.code, "job": job.code})
    )
    assert "Import report" in page.content.decode()


def _hostile() -> dict[str, bytes]:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", f"<Project {NS} name='b'/>")
        archive.writestr("sources/big.txt", b"0" * (60 * 1024 * 1024))
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        f"<Project {NS} name='&lol2;'/>"
    )
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f"<Project {NS} name='&x;'/>"
    )
    return {
        "zip bomb": bomb.getvalue(),
        "path traversal": qdpx(f"<Project {NS} name='t'/>", {"../evil.txt": b"x"}),
        "billion laughs": qdpx(laughs),
        "external entity": qdpx(xxe),
        "not a zip": b"<Project/>",
        "no project.qde": qdpx("", {"sources/a.txt": b"a"}).replace(b"project.qde", b"other.qde"),
    }


HOSTILE = _hostile()


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_archives_are_refused_with_a_sentence_and_write_nothing(project, lead, kind):
    response = upload(client_for(lead), project, HOSTILE[kind])
    assert response.status_code == 200
    body = response.content.decode()
    assert "This file cannot be imported:" in body
    assert not Document.objects.filter(project=project).exists()


def test_a_50_mb_xml_is_refused():
    qde = f"<Project {NS} name='big'><Description>".encode() + b"a" * (50 * 1024 * 1024)
    with pytest.raises(RefiArchiveError, match="larger than 40 MB"):
        read_qdpx(qdpx(qde + b"</Description></Project>", compression=zipfile.ZIP_STORED))


def test_an_import_that_fails_leaves_nothing_behind(project, lead, monkeypatch):
    from study.refi import services

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_cases", broken)
    qde = (
        f'<Project {NS} name="F">{USERS}{ONE_CODE}'
        f'<Sources><TextSource guid="{C3}" name="S"><PlainTextContent>Text</PlainTextContent></TextSource></Sources></Project>'
    )
    job = run_import(client_for(lead), project, qdpx(qde))
    assert job.status == "failed"
    assert not Code.objects.filter(project=project).exists()
    assert not Document.objects.filter(project=project).exists()
    assert project.memberships.count() == 1  # no placeholder coders either


@pytest.mark.parametrize(
    "sample",
    ["spec-annexA2_atlasti-8.4.0-mac_project.qde", "spec-annexA3_transana-3.22b2-win_project.qde"],
)
def test_the_standards_sample_projects_import_with_a_report(project, lead, sample):
    data = shared_path("refi-qda", "samples", sample).read_bytes()
    job = run_import(client_for(lead), project, qdpx(data))
    assert job.status == "succeeded", job.error
    report = job.result["report"]
    assert report["taken"]["Code"] > 0 and report["not_held"]
    for excerpt in Excerpt.objects.filter(document__project=project).select_related("document"):
        assert excerpt.text == excerpt.document.text[excerpt.start : excerpt.end]


def test_pre_1_0_namespace_braced_guids_and_a_project_of_users_only(project, lead):
    old = 'xmlns="urn:QDA-XML:project:0:10"'
    braced = "{" + C1.upper() + "}"
    qde = (
        f'<Project {old} name="Old">{USERS}<CodeBook><Codes><Code guid="{braced}" name="A" isCodable="true"/></Codes></CodeBook>'
        f'<Sources><TextSource guid="{C3}" name="S"><PlainTextContent>Some text</PlainTextContent>'
        f'<PlainTextSelection guid="{C2}" startPosition="0" endPosition="4" creatingUser="{ANN}">'
        f'<Coding guid="{uuid.uuid4()}"><CodeRef targetGUID="{C1}"/></Coding></PlainTextSelection></TextSource></Sources></Project>'
    )
    job = run_import(client_for(lead), project, qdpx(qde))
    assert job.status == "succeeded", job.error
    (excerpt,) = Excerpt.objects.filter(document__project=project)
    assert excerpt.text == "Some" and excerpt.codings.get().code.exchange_guid == braced

    other = project.__class__.objects.create(title="Users only")
    other.memberships.create(user=lead, role="lead")
    job = run_import(client_for(lead), other, qdpx(f"<Project {NS} name='U'>{USERS}</Project>"))
    assert job.status == "succeeded", job.error
    assert job.result["report"]["taken"]["User"] == 2
    assert sorted(str(m.user) for m in other.memberships.all()) == sorted(["Ann", "Bob", str(lead)])
