"""REFI-QDA codebook round trip through the pages: guids kept as written, isCodable kept, no
invented colours, lenient reading of real tools' files, merge-or-new on known guids."""

import io
import zipfile

import pytest
from django.urls import reverse
from lxml import etree

from coding.codebook import services
from coding.codebook_io import iter_codes, read_qdc
from coding.codebook_io.qdc import codebook_schema
from coding.models import Code
from research.models import Project
from tests.conftest import client_for
from tests.shared import shared_path

NS = "urn:QDA-XML:codebook:1.0"
BOOK = f"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="{NS}" origin="Other tool"><Codes>
<Code guid="{{6E1B1A2C-0C44-4F6B-9C53-AB12CD34EF56}}" name="Folder" isCodable="false">
  <Description/>
  <Code guid="ABCDEF01-2345-6789-ABCD-EF0123456789" name="Leaf" isCodable="true" color="#a1b2c3">
    <Description>What it means.</Description>
  </Code>
  <Code guid="0d62985d-b147-5d01-a9b5-cae5dcd98342" name="Plain" isCodable="true"/>
</Code></Codes><Sets/></CodeBook>""".encode()


def url(name, project, **query):
    base = reverse(f"coding:{name}", kwargs={"project": project.code})
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def upload(client, project, name, content: bytes, **extra):
    file = io.BytesIO(content)
    file.name = name
    return client.post(url("codebook-import", project), {"file": file, **extra})


def export_qdc(client, project) -> bytes:
    response = client.get(url("codebook-export", project, format="qdc"))
    assert response.status_code == 200
    data = response.content
    assert codebook_schema().validate(etree.fromstring(data))
    return data


def codes_of(data: bytes) -> dict[str, etree._Element]:
    root = etree.fromstring(data)
    return {c.get("guid"): c for c in root.iter(f"{{{NS}}}Code")}


def test_guids_codability_colours_and_descriptions_survive_a_round_trip(project, lead):
    client = client_for(lead)
    response = upload(client, project, "book.qdc", BOOK)
    assert "3 codes added" in response.content.decode()
    exported = codes_of(export_qdc(client, project))
    # Kept exactly as written: braces and case included.
    assert set(exported) == set(codes_of(BOOK))
    folder = exported["{6E1B1A2C-0C44-4F6B-9C53-AB12CD34EF56}"]
    assert folder.get("isCodable") == "false" and folder.get("color") is None
    leaf = exported["ABCDEF01-2345-6789-ABCD-EF0123456789"]
    assert leaf.get("isCodable") == "true" and leaf.get("color") == "#A1B2C3"
    assert leaf.findtext(f"{{{NS}}}Description") == "What it means."
    # The uncoloured code is shown in a palette colour but exported without one.
    plain = Code.objects.get(project=project, name="Plain")
    assert plain.colour and not plain.colour_given
    assert exported["0d62985d-b147-5d01-a9b5-cae5dcd98342"].get("color") is None


def test_new_codes_get_a_guid_and_only_a_chosen_colour_is_exported(project, lead):
    client = client_for(lead)
    default = services.code_create(project=project, name="Default", user=lead, colour="#4e79a7")
    chosen = services.code_create(project=project, name="Chosen", user=lead, colour="#59a14f")
    later = services.code_create(project=project, name="Later", user=lead)
    services.code_update(code=later, user=lead, colour="#e15759")
    exported = codes_of(export_qdc(client, project))
    assert exported[default.exchange_guid].get("color") is None
    assert exported[chosen.exchange_guid].get("color") == "#59A14F"
    assert exported[later.exchange_guid].get("color") == "#E15759"
    assert len({default.exchange_guid, chosen.exchange_guid, later.exchange_guid}) == 3


def test_an_empty_codebook_is_a_clear_message_not_an_error(project, lead):
    response = client_for(lead).get(url("codebook-export", project, format="qdc"), follow=True)
    assert response.status_code == 200
    assert "a QDC codebook needs at least one code" in response.content.decode()


def test_a_project_archive_is_recognised_on_the_codebook_page(project, lead):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("project.qde", "<Project/>")
    response = upload(client_for(lead), project, "study.qdpx", archive.getvalue())
    body = response.content.decode()
    assert "whole REFI-QDA project (.qdpx), not a codebook" in body
    assert not Code.objects.filter(project=project).exists()


def test_known_guids_ask_then_merge_or_import_as_new(project, lead):
    client = client_for(lead)
    upload(client, project, "book.qdc", BOOK)
    services.code_update(
        code=Code.objects.get(project=project, name="Leaf"), user=lead, name="Renamed leaf"
    )
    asked = upload(client, project, "book.qdc", BOOK).content.decode()
    assert "3 codes in this file are already in the codebook" in asked
    assert Code.objects.filter(project=project).count() == 3

    merged = upload(client, project, "book.qdc", BOOK, guids="merge").content.decode()
    assert "0 codes added" in merged  # matched by guid although renamed
    assert Code.objects.filter(project=project).count() == 3

    upload(client, project, "book.qdc", BOOK, guids="new")
    codes = Code.objects.filter(project=project)
    assert codes.count() == 6
    assert codes.filter(name="Folder (imported)", parent=None).exists()
    assert len({c.exchange_guid.strip("{}").lower() for c in codes}) == 6


def test_taguettes_schema_invalid_codebook_is_imported_with_a_report(project, lead):
    data = shared_path("refi-qda", "samples", "taguette-1.5.2_codebook.qdc").read_bytes()
    body = upload(client_for(lead), project, "taguette.qdc", data).content.decode()
    assert "3 codes added" in body
    assert "schema:" in body  # the empty <Sets/> is reported, not fatal
    assert Code.objects.filter(project=project, name="interesting\\places").exists()


SAMPLES = [
    "atlasti-win-23.4.0_codebook.qdc",
    "spec-annexA1_codebook.qdc",
    "taguette-1.5.2_codebook.qdc",
    "derived/nvivo-mac-12.7_OltasSzkepticizmus_17June.codebook.qdc",
    "derived/nvivo-win-12.6_oltas0517.codebook.qdc",
    "derived/spec-annexA2_atlasti-8.4.0-mac_project.codebook.qdc",
    "derived/spec-annexA3_transana-3.22b2-win_project.codebook.qdc",
]


@pytest.mark.parametrize("sample", SAMPLES)
def test_every_sample_codebook_keeps_every_guid_and_flag(lead, sample):
    data = shared_path("refi-qda", "samples", *sample.split("/")).read_bytes()
    source = {n.guid: n for _path, n in iter_codes(read_qdc(data, strict=False).roots)}
    project = Project.objects.create(title=sample)
    project.memberships.create(user=lead, role="lead")
    client = client_for(lead)
    assert f"{len(source)} code" in upload(client, project, "book.qdc", data).content.decode()
    again = {n.guid: n for _path, n in iter_codes(read_qdc(export_qdc(client, project)).roots)}
    assert set(again) == set(source)  # every guid kept, as written
    for guid, node in source.items():
        kept = again[guid]
        assert (kept.name, kept.is_codable) == (node.name, node.is_codable)
        assert kept.colour == node.colour
        assert kept.definition == node.definition


@pytest.mark.parametrize(
    "sample",
    ["spec-annexA2_atlasti-8.4.0-mac_project.qde", "spec-annexA3_transana-3.22b2-win_project.qde"],
)
def test_a_project_file_on_the_codebook_page_is_told_so(project, lead, sample):
    data = shared_path("refi-qda", "samples", sample).read_bytes()
    body = upload(client_for(lead), project, sample, data).content.decode()
    assert "this is a REFI-QDA project (.qde/.qdpx), not a codebook (.qdc)" in body


def test_a_code_is_made_a_folder_code_on_its_edit_page_and_exported_so(project, lead):
    code = services.code_create(project=project, name="Folder", user=lead)
    client = client_for(lead)
    edit = reverse("coding:code-edit", kwargs={"project": project.code, "code": code.code})
    form = {"name": "Folder", "colour": "#4e79a7", "definition": "", "memo": ""}
    assert client.post(edit, form).status_code == 302  # the unticked box: not codable
    code.refresh_from_db()
    assert code.is_codable is False
    assert codes_of(export_qdc(client, project))[code.exchange_guid].get("isCodable") == "false"
