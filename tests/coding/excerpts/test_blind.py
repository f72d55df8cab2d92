"""Blind coding: nothing a coder can reach reveals another coder's excerpts; a viewer sees none.

Each endpoint that returns excerpts is opened by coder2 (and the viewer) while only `coder` has
coded; the marker text of coder's excerpt and its memo must never appear.
"""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from coding.excerpts.selectors import visible_excerpts
from research.models import Membership
from tests.coding.excerpts.conftest import TEXT, coding_text
from tests.conftest import client_for
from tests.factories import ExcerptFactory

SECRET_MEMO = "hemmelig notat fra koder én"


@pytest.fixture
def secret(project, assigned, coder, codes):
    start = TEXT.index("sensorer")
    return ExcerptFactory(
        document=assigned,
        coder=coder,
        start=start,
        end=start + 8,
        memo=SECRET_MEMO,
        codes=[codes["data"]],
    )


def _urls(project, document, excerpt, code):
    p = project.code
    return {
        "coding view": reverse(
            "coding:coding-view", kwargs={"project": p, "document": document.code}
        ),
        "coding view overlay": reverse(
            "coding:coding-view", kwargs={"project": p, "document": document.code}
        )
        + f"?coders={excerpt.coder_id}",
        "coding fragment": reverse(
            "coding:coding-view", kwargs={"project": p, "document": document.code}
        ),
        "coding view's text": reverse(
            "coding:coding-text", kwargs={"project": p, "document": document.code}
        ),
        "coding view's text overlay": reverse(
            "coding:coding-text", kwargs={"project": p, "document": document.code}
        )
        + f"?coders={excerpt.coder_id}&only={code.pk}",
        "coding view inline overlay": reverse(
            "coding:coding-view", kwargs={"project": p, "document": document.code}
        )
        + f"?coders={excerpt.coder_id}&inline=1",
        "retrieval": reverse("coding:retrieval", kwargs={"project": p}) + f"?code={code.code}",
        "retrieval all": reverse("coding:retrieval", kwargs={"project": p}),
        "retrieval by coder": reverse("coding:retrieval", kwargs={"project": p})
        + f"?coder={excerpt.coder_id}",
        "export csv": reverse("coding:retrieval-export", kwargs={"project": p}) + "?format=csv",
        "export xlsx": reverse("coding:retrieval-export", kwargs={"project": p}) + "?format=xlsx",
        "excerpt page": reverse(
            "coding:excerpt-update", kwargs={"project": p, "excerpt": excerpt.code}
        ),
        "my documents": reverse("coding:my-documents", kwargs={"project": p}),
    }


def _body(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        sheet = load_workbook(io.BytesIO(response.getvalue())).active
        return "\n".join(str(c.value) for row in sheet.iter_rows() for c in row)
    return response.getvalue().decode("utf-8-sig")


def test_coder_cannot_see_other_coders_excerpts_in_blind_mode_anywhere(
    project, assigned, secret, coder2, codes
):
    assert project.blind_coding
    client = client_for(coder2)
    for name, url in _urls(project, assigned, secret, codes["data"]).items():
        headers = {"HTTP_HX_REQUEST": "true"} if name == "coding fragment" else {}
        response = client.get(url, **headers)
        assert response.status_code in {200, 404}, name
        body = _body(response)
        assert SECRET_MEMO not in body, name
        assert str(secret.code) not in body, name
        assert f'data-ex="{secret.pk}"' not in body, name
    view = client.get(_urls(project, assigned, secret, codes["data"])["coding view"])
    overlay = coding_text(client, project, assigned, f"?coders={secret.coder_id}")
    assert overlay.excerpts == [] and "data-ex=" not in overlay.html
    assert all(code["count"] == 0 for code in view.context["data"].codes)
    assert view.context["data"].coders == []  # no overlay choice either


def test_other_coders_writes_on_a_hidden_excerpt_are_404(project, secret, coder2):
    client = client_for(coder2)
    p = project.code
    update = reverse("coding:excerpt-update", kwargs={"project": p, "excerpt": secret.code})
    delete = reverse("coding:excerpt-delete", kwargs={"project": p, "excerpt": secret.code})
    assert client.post(update, {"version": 1, "set_memo": "on", "memo": "x"}).status_code == 404
    assert client.post(delete).status_code == 404


def test_viewer_sees_no_excerpts_in_a_blind_project(project, assigned, secret, viewer, codes):
    client = client_for(viewer)
    urls = _urls(project, assigned, secret, codes["data"])
    for name in ["retrieval", "retrieval all", "export csv", "export xlsx"]:
        response = client.get(urls[name])
        assert response.status_code == 200, name
        body = _body(response)  # exports stream: read once
        assert SECRET_MEMO not in body, name
        assert "sensorer" not in body.split("Memo")[-1], name


def test_once_unblinded_a_coder_can_overlay_and_retrieve_others(
    project, assigned, secret, coder2, codes
):
    project.blind_coding = False
    project.save()
    client = client_for(coder2)
    urls = _urls(project, assigned, secret, codes["data"])
    assert client.get(urls["coding view overlay"]).context["data"].coders  # offered now
    overlay = coding_text(client, project, assigned, f"?coders={secret.coder_id}")
    assert [e["code"] for e in overlay.excerpts] == [str(secret.code)]
    assert overlay.excerpts[0]["mine"] is False
    assert SECRET_MEMO in client.get(urls["export csv"]).getvalue().decode("utf-8-sig")


def test_lead_overlays_chosen_coders_with_distinct_layers(
    project, assigned, secret, lead, coder2, codes
):
    mine2 = ExcerptFactory(document=assigned, coder=coder2, start=0, end=8, codes=[codes["value"]])
    query = f"?coders={secret.coder_id},{coder2.pk}"
    text = coding_text(client_for(lead), project, assigned, query)
    layers = {e["code"]: e["layer"] for e in text.excerpts}
    assert layers == {str(secret.code): 1, str(mine2.code): 2}
    # Without ?coders the lead sees only their own excerpts.
    assert coding_text(client_for(lead), project, assigned).excerpts == []


def test_visible_excerpts_selector(project, assigned, secret, cast):
    def visible(role):
        membership = Membership.objects.get(project=project, user=cast[role])
        return list(visible_excerpts(membership=membership))

    assert visible("coder") == [secret]
    assert visible("coder2") == []
    assert visible("viewer") == []
    assert visible("lead") == visible("owner") == [secret]
    project.blind_coding = False
    project.save()
    assert visible("coder2") == visible("viewer") == [secret]


def test_csv_of_another_coder_is_empty_in_blind_mode(project, secret, coder2):
    url = reverse("coding:retrieval-export", kwargs={"project": project.code})
    rows = list(csv.reader(io.StringIO(client_for(coder2).get(url).getvalue().decode("utf-8-sig"))))
    assert len(rows) == 1  # the header only
