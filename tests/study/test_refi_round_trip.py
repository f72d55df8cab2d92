# ruff: noqa: E501  (the table-like assertions read best on one line)
"""Concord → .qdpx → Concord keeps every excerpt's text, offsets, coder, codes and memo, the
case links and every code's GUID; and the pure writer and reader agree on any small project."""

import io
import string

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Case
from coding.codebook_io import CodeNode
from coding.models import Code, Excerpt
from research.jobs import job_run_inline
from research.models import Job, Project
from study.models import ProjectMemo
from study.refi.gather import refi_project
from study.refi.model import RefiCoding, RefiProject, RefiSelection, RefiSource, RefiUser
from study.refi.read import read_qdpx
from study.refi.write import write_qdpx
from tests.conftest import client_for
from tests.study.test_export_restore import _build

pytestmark = pytest.mark.django_db


def _excerpts(project) -> set[tuple]:
    rows = Excerpt.objects.for_project(project).select_related("document", "coder")
    return {
        (
            e.document.title,
            e.start,
            e.end,
            e.text,
            str(e.coder) if e.coder else None,
            tuple(sorted(c.code.exchange_guid for c in e.codings.all())),
            e.memo,
        )
        for e in rows
    }


def _import(client, project, data: bytes) -> Job:
    file = io.BytesIO(data)
    file.name = "round.qdpx"
    url = reverse("study:qdpx-upload", kwargs={"project": project.code})
    people_url = client.post(url, {"file": file})["Location"]
    form = client.get(people_url).context["form"]
    client.post(
        people_url, {f"user_{i}": form.fields[f"user_{i}"].initial for i in range(len(form.users))}
    )
    job = Job.objects.get(project=project, kind="project.qdpx_import")
    job_run_inline(job)
    job.refresh_from_db()
    return job


@pytest.mark.parametrize("utf16", [False, True])
def test_a_project_survives_export_and_import(project, lead, coder, coder2, owner, utf16):
    _build(project, lead, coder, coder2)
    # Case names travel only when the project does not anonymize its cases (then the file
    # carries pseudonyms: tests/study/test_refi_export.py).
    project.anonymize = False
    project.save(update_fields=["anonymize"])
    data = write_qdpx(refi_project(project=project), utf16=utf16)
    other = Project.objects.create(title="Copy")
    other.memberships.create(user=lead, role="lead")
    job = _import(client_for(lead), other, data)
    assert job.status == "succeeded", job.error
    assert _excerpts(other) == _excerpts(project)

    def codes(p):
        return sorted(
            Code.objects.filter(project=p).values_list(
                "exchange_guid", "name", "is_codable", "memo"
            )
        )

    assert codes(other) == codes(project)
    links = lambda p: {  # noqa: E731
        c.name: sorted(d.title for d in c.documents.all()) for c in Case.objects.filter(project=p)
    }
    assert links(other) == links(project)
    memos = lambda p: sorted(ProjectMemo.objects.filter(project=p).values_list("title", "text"))  # noqa: E731
    assert memos(other) == memos(project) == [("Open coding", "Cooperation comes first.")]


TEXT = st.text(alphabet=string.ascii_letters + " \næøå😀🌊", max_size=40)


@st.composite
def projects(draw) -> RefiProject:
    users = [RefiUser(f"00000000-0000-4000-8000-{n:012d}", f"User {n}") for n in range(2)]
    codes = [CodeNode(name=f"Code {n}", guid=f"10000000-0000-4000-8000-{n:012d}") for n in range(3)]
    sources = []
    for index in range(draw(st.integers(1, 3))):
        text = draw(TEXT)
        selections = []
        for n in range(draw(st.integers(0, 4)) if len(text) > 1 else 0):
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start + 1, len(text)))
            chosen = draw(st.lists(st.sampled_from(codes), min_size=1, max_size=3, unique_by=id))
            user = draw(st.sampled_from(users)).guid
            selections.append(
                RefiSelection(
                    guid=f"20000000-0000-4000-8000-{index:06d}{n:06d}",
                    start=start,
                    end=end,
                    user_guid=user,
                    codings=[
                        RefiCoding(
                            f"30000000-0000-4000-8000-{index:04d}{n:04d}{c.guid[-4:]}", c.guid, user
                        )
                        for c in chosen
                    ],
                )
            )
        sources.append(
            RefiSource(f"40000000-0000-4000-8000-{index:012d}", f"Source {index}", text, selections)
        )
    return RefiProject(name="P", users=users, codes=codes, sources=sources)


def _spans(project: RefiProject) -> list:
    return [
        (
            s.text,
            [
                (x.start, x.end, x.user_guid, sorted(c.code_guid for c in x.codings))
                for x in s.selections
            ],
        )
        for s in project.sources
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(project=projects(), utf16=st.booleans())
def test_write_then_read_keeps_texts_spans_coders_and_codes(project, utf16):
    read = read_qdpx(write_qdpx(project, utf16=utf16)).project
    assert _spans(read) == _spans(project)


def test_utf16_positions_that_also_fit_as_code_points_are_read_as_utf16():
    # "AAA🌊" is 0–4 in code points and 0–5 in UTF-16; 0–4 read as code points would fit too,
    # so the origin must tell the reader which model the file uses.
    user, code = "00000000-0000-4000-8000-000000000001", "10000000-0000-4000-8000-000000000001"
    selection = RefiSelection(
        "20000000-0000-4000-8000-000000000001", 0, 4, user, [RefiCoding(code, code, user)]
    )
    project = RefiProject(
        name="P",
        users=[RefiUser(user, "U")],
        codes=[CodeNode(name="C", guid=code)],
        sources=[RefiSource("40000000-0000-4000-8000-000000000001", "S", "AAA🌊A", [selection])],
    )
    assert _spans(read_qdpx(write_qdpx(project, utf16=True)).project) == _spans(project)
