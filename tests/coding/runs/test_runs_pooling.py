"""Incremental pooling (coding/runs/jobs.py): the handler pools its own documents as it
computes them and other tasks' documents as it finds them stored. Whatever the split and the
order they arrive in, the results are exactly those of recomputing every document and pooling
them at once."""

from __future__ import annotations

import gc
import json
import random

import pytest
from django.db import IntegrityError, connection

from coding.agreement import disagreements
from coding.agreement.pooling import RunPool, finalize
from coding.runs import services
from coding.runs.tasks import run_documents_task
from research import jobs
from research.models import Role
from tests.coding.runs.factories import build_world, sentences
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

UNITS = ["document", "segment", "character", "excerpt"]


def _code_busily(world, coders, *, skip=()):
    """Each coder codes about 60 % of the sentences of every document, with one or two of four
    codes and slightly shifted starts; ``skip`` lists (document index, coder) left out."""
    s = sentences()
    rng = random.Random(3)
    codes = [world["industry"], world["university"], world["sensors"], world["tech"]]
    for i, doc in enumerate(world["docs"]):
        for who in coders:
            if (i, who) in skip:
                continue
            for span in s:
                if rng.random() < 0.6:
                    start = span[0] + rng.randint(0, 5)
                    world["code"](who, doc, (start, span[1]), rng.sample(codes, rng.randint(1, 2)))


@pytest.fixture
def busy_world(project, coder, coder2, lead):
    """Five documents, two coders who agree in places and differ in others (overlapping
    excerpts, several codes, a document only one coder was assigned)."""
    world = build_world(project, [coder, coder2], documents=5, assign={4: [coder]})
    _code_busily(world, [coder, coder2], skip=[(4, coder2)])
    return world


def _start(project, lead, coders, unit):
    start = services.agreement_run_start
    return start(project=project, requested_by=lead, coders=coders, unit=unit)


def _text(results: dict) -> str:
    return json.dumps(results)  # key order included: what is stored must not differ either


@pytest.mark.parametrize("unit", UNITS)
def test_incremental_pooling_equals_the_full_recomputation(
    busy_world, project, lead, coder, coder2, unit
):
    run = _start(project, lead, [coder, coder2], unit)
    spec = run.params["spec"]
    documents = spec["documents"]
    # The full recomputation: every document computed afresh, pooled at once, read back from
    # JSON as the parts used to be.
    full = [
        json.loads(json.dumps(services.run_compute_document(run=run, document_id=d)))
        for d in documents
    ]
    expected = finalize(spec, full, n_boot=services.N_BOOT, seed=services.SEED)
    # A helper task stores the last three documents; the handler computes the first two into
    # its pool (kept as computed) and takes in the stored ones before its first (decoded).
    services.run_parts_compute(run=run, document_ids=documents[2:])
    pool = RunPool(spec)
    services.run_parts_compute(run=run, document_ids=documents[:2][::-1], pool=pool)
    # The stored ones first (in whatever order the database reads them), then its own.
    assert sorted(pool.documents()[:3]) == sorted(documents[2:])
    assert pool.documents()[3:] == documents[:2][::-1]
    assert services.run_parts_gather(run=run, pool=pool) == []
    assert _text(pool.finish(n_boot=services.N_BOOT, seed=services.SEED)) == _text(expected)
    # And what the job stores is what the recomputation gives.
    services.run_store_parts(run=run, pool=pool)
    run.refresh_from_db()
    assert not run.parts.exists()
    rows = {r.code_id: r for r in run.code_results.all()}
    for position, row in enumerate(expected["rows"]):
        stored = rows[row["code"]]
        assert stored.position == position
        assert stored.disagreement_count == row["disagreement_count"]
        if unit != "excerpt":
            for name, value in row["values"].items():
                assert stored.values[name] == value  # exactly, not approximately


@pytest.mark.parametrize("unit", UNITS)
def test_the_disagreements_stored_are_the_pooled_ones_encoded(
    busy_world, project, lead, coder, coder2, unit, monkeypatch
):
    """Each code's disagreements are stored as the text its documents' parts carry, put
    together: exactly the compact JSON of the pooled items, also where a document's items are
    cut at the code's limit and from parts stored before the parts carried the text."""
    monkeypatch.setattr(disagreements, "DISAGREEMENTS_PER_CODE", 1)  # documents cut
    run = _start(project, lead, [coder, coder2], unit)
    spec = run.params["spec"]
    partials = [services.run_compute_document(run=run, document_id=d) for d in spec["documents"]]
    if unit != "document":  # a document unit has one item per code and document
        assert any(len(d["disagreements"]) > 1 for p in partials for d in p["codes"].values())
    before = json.loads(json.dumps(partials))
    for partial in before:  # as stored before: the items only
        for data in partial["codes"].values():
            del data["items_json"], data["named"]
    expected = finalize(spec, partials)
    assert any(row["disagreements"] for row in expected["rows"])
    assert _text(finalize(spec, before)) == _text(expected)
    for row in expected["rows"]:
        assert row["disagreements_json"] == json.dumps(row["disagreements"], separators=(",", ":"))
    services.run_store(run=run, partials=partials)
    stored = {r.code_id: r.disagreements for r in run.code_results.all()}
    assert stored == {row["code"]: row["disagreements"] for row in expected["rows"]}


@pytest.mark.parametrize("unit", UNITS)
def test_the_pool_gives_the_same_results_in_any_order(
    project, lead, coder, coder2, unit, monkeypatch
):
    """Each part is summed in as it arrives; the results (to the last bit, key order
    included) are those of the run's document order. With four coders a unit's coincidences
    are thirds, whose sums depend on their order; a code's disagreements are cut at its limit
    in document order."""
    monkeypatch.setattr(disagreements, "DISAGREEMENTS_PER_CODE", 3)
    coders = [coder, coder2]
    if unit != "excerpt":  # excerpt matching compares two coders
        coders += [
            MembershipFactory(project=project, user=UserFactory(), role=Role.CODER).user
            for _ in range(2)
        ]
    world = build_world(project, coders, documents=6, assign={5: coders[:3]})
    _code_busily(world, coders, skip=[(5, coders[-1])])
    run = _start(project, lead, coders, unit)
    spec = run.params["spec"]
    partials = [services.run_compute_document(run=run, document_id=d) for d in spec["documents"]]
    if unit != "excerpt":
        thirds = [
            key
            for partial in partials
            for data in partial["codes"].values()
            for key in data["patterns"]
            if key.count("-") == 0
        ]
        assert thirds  # units every one of the four coders rated: coincidences in thirds
    rows = finalize(spec, partials)["rows"]
    cut = [r for r in rows if r["disagreements"] and r["disagreement_count"] > 3]
    assert cut and all(len(r["disagreements"]["items"]) == 3 for r in cut)
    expected = _text(finalize(spec, partials, n_boot=services.N_BOOT, seed=services.SEED))
    rng = random.Random(11)
    for _trial in range(5):
        pool = RunPool(spec)
        for partial in rng.sample(partials, len(partials)):
            pool.add(json.loads(json.dumps(partial)))  # as another task's, from the database
            pool.add(partial)  # a document stored twice (two tasks at once) counts once
        assert _text(pool.finish(n_boot=services.N_BOOT, seed=services.SEED)) == expected
    with pytest.raises(ValueError, match="not pooled yet"):
        RunPool(spec).finish()


def test_a_retried_handler_pools_what_was_stored_before(
    busy_world, project, lead, coder, coder2, monkeypatch
):
    """Parts stored before the handler's worker died are taken in, not computed again."""
    run = _start(project, lead, [coder, coder2], "document")
    documents = run.params["spec"]["documents"]
    services.run_parts_compute(run=run, document_ids=documents[:3])
    computed = []
    real = services.run_compute_document

    def counting(**kwargs):
        computed.append(kwargs["document_id"])
        return real(**kwargs)

    monkeypatch.setattr(services, "run_compute_document", counting)
    jobs.job_run_inline(run.job)
    run.refresh_from_db()
    assert run.job.status == "succeeded", run.job.error
    assert sorted(computed) == sorted(documents[3:])
    assert run.results["documents"] == len(documents)


def test_a_part_is_stored_once_and_a_vanished_document_is_not_taken_for_one(
    busy_world, project, lead, coder, coder2
):
    run = _start(project, lead, [coder, coder2], "document")
    document = run.params["spec"]["documents"][0]
    partial = services.run_compute_document(run=run, document_id=document)
    assert services._store_part(run, document, partial) is True
    assert services._store_part(run, document, partial) is False  # another task's, kept
    assert run.parts.count() == 1
    if connection.vendor == "postgresql":  # SQLite checks foreign keys only at commit
        with connection.cursor() as cursor:  # as at the part's own commit in a worker
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with pytest.raises(IntegrityError):
            services._store_part(run, 10**9, partial)


def test_the_runs_tasks_compute_with_the_collector_paused(
    busy_world, project, lead, coder, coder2, monkeypatch
):
    """A run's partials are acyclic: full collections walking them cost a third of a run."""
    run = _start(project, lead, [coder, coder2], "document")
    seen = []
    real = services.run_parts_compute

    def watching(**kwargs):
        seen.append(gc.isenabled())
        return real(**kwargs)

    monkeypatch.setattr(services, "run_parts_compute", watching)
    run_documents_task(run.pk, run.params["spec"]["documents"][:2])
    jobs.job_run_inline(run.job)
    run.refresh_from_db()
    assert run.job.status == "succeeded", run.job.error
    assert seen and not any(seen)
    assert gc.isenabled()
