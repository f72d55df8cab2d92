"""How a run is split into tasks and how its disagreements are stored and spelled out again:
compact rows, one excerpt table per run, context cut from the text, older runs still shown."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coding.agreement.disagreements import context_of
from coding.models import AgreementCodeResult
from coding.runs import selectors
from coding.runs.jobs import stretches
from tests.coding.runs.conftest import row
from tests.coding.runs.factories import TEXT, sentences
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_stretches_keep_document_order_and_balance_text():
    docs = list(range(26))
    parts = stretches(docs, [20_000] * 26)
    assert [d for part in parts for d in part] == docs
    assert [len(p) for p in parts] == [7, 6, 7, 6]
    # One long document gets a stretch of its own; short ones share.
    parts = stretches([1, 2, 3, 4, 5], [1_000_000, 10, 10, 10, 10])
    assert parts[0] == [1] and [d for p in parts for d in p] == [1, 2, 3, 4, 5]
    assert len(parts) <= 4
    assert stretches([7], [5]) == [[7]]


def test_chord_runs_documents_in_stretches(world, coder, coder2, start_run, monkeypatch):
    from coding.runs import jobs as run_jobs

    seen = []
    real = run_jobs.stretches
    monkeypatch.setattr(
        run_jobs, "stretches", lambda *a, **k: seen.append(out := real(*a, **k)) or out
    )
    world["code"](coder, world["docs"][1], sentences()[0], [world["industry"]])
    run = start_run(unit="document")
    assert seen and [d for part in seen[0] for d in part] == run.params["spec"]["documents"]
    assert row(run, "Industry").disagreement_count == 1


def test_disagreements_are_compact_and_name_excerpts_once_per_run(world, coder, coder2, start_run):
    s = sentences()
    d = world["docs"]
    world["code"](coder, d[0], s[1], [world["industry"], world["sensors"]])
    world["code"](coder2, d[0], s[1], [world["sensors"]])
    run = start_run(unit="segment")
    stored = row(run, "Industry").disagreements
    assert set(stored) == {"items", "documents"}
    (item,) = stored["items"]
    document_id, start, end, page, values, excerpts = item
    assert (document_id, start, end) == (d[0].pk, *s[1])
    assert values == [1, 0]
    # The excerpt both codes share is listed once for the run, with its codes at run time.
    ids = {str(i) for ids in excerpts for i in ids}
    assert ids <= set(run.disagreement_excerpts)
    first = run.disagreement_excerpts[str(excerpts[0][0])]
    assert first[1:3] == list(s[1]) and len(first[3]) == 2


def test_spelled_out_disagreements_have_context_and_code_names(world, coder, coder2, start_run):
    s = sentences()
    world["code"](coder, world["docs"][0], s[1], [world["industry"]])
    run = start_run(unit="segment")
    result = row(run, "Industry")
    (item,) = selectors.disagreement_items(run=run, result=result, with_context=True)
    assert item["title"] == "Strategi 1" and (item["start"], item["end"]) == s[1]
    assert item["context"] == context_of(TEXT, *s[1])
    assert "Vi vil bruke sensorer" in item["context"]
    coders = {c["coder"]: c for c in item["coders"]}
    assert coders[coder.pk]["value"] == 1
    assert coders[coder.pk]["excerpts"][0]["codes"] == ["Industry"]
    (hidden,) = selectors.disagreement_items(run=run, result=result, with_context=False)
    assert hidden["context"] == ""


def test_disagreements_page_query_count_with_disagreements(
    world, project, lead, coder, coder2, start_run, django_assert_num_queries
):
    s = sentences()
    for doc in world["docs"]:
        world["code"](coder, doc, s[1], [world["industry"]])
    run = start_run(unit="segment")
    assert row(run, "Industry").disagreement_count == 3
    url = reverse(
        "coding:agreement-code",
        kwargs={"project": project.code, "run": run.code, "code": world["industry"].code},
    )
    client = client_for(lead)
    # session, user, membership, run, code, code row, coders, the documents' text
    with django_assert_num_queries(8):
        response = client.get(url)
    assert len(response.context["items"]) == 3


def test_runs_stored_before_the_compact_form_still_show(
    world, project, lead, coder, coder2, start_run
):
    run = start_run(unit="document")
    industry = world["industry"]
    AgreementCodeResult.objects.filter(run=run, code=industry).update(
        disagreements=[
            {
                "document": str(world["docs"][0].code),
                "title": "Strategi 1",
                "start": 0,
                "end": len(TEXT),
                "page": None,
                "context": "",
                "coders": [
                    {"coder": coder.pk, "value": 1, "excerpts": []},
                    {"coder": coder2.pk, "value": 0, "excerpts": []},
                ],
            }
        ],
        disagreement_count=1,
    )
    url = reverse(
        "coding:agreement-code",
        kwargs={"project": project.code, "run": run.code, "code": industry.code},
    )
    response = client_for(lead).get(url)
    assert response.status_code == 200
    assert [i["title"] for i in response.context["items"]] == ["Strategi 1"]
