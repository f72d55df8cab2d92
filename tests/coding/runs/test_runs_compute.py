"""Runs end to end through a real (eager) job on hand-built data: known values, undefined
cases, roll-up, every unit, missing vs absent, pooling, the chord, failure and cancel."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coding.agreement import krippendorff_alpha
from coding.agreement.pooling import NO_PAIRS, NO_VARIATION
from coding.models import AgreementRun
from research import jobs
from research.models import JobStatus
from tests.coding.runs.conftest import row
from tests.coding.runs.factories import TEXT, sentences
from tests.conftest import client_for, unmarked

pytestmark = pytest.mark.django_db


def _presence(world, coder, coder2):
    """Industry: coder [1, 1, 0], coder2 [1, 0, 0] over three documents → α = 4/9."""
    s = sentences()
    d = world["docs"]
    world["code"](coder, d[0], s[0], [world["industry"]])
    world["code"](coder2, d[0], s[0], [world["industry"]])
    world["code"](coder, d[1], s[0], [world["industry"]])
    world["code"](coder2, d[1], s[1], [world["university"]])


def test_document_presence_run_pins_known_values(world, coder, coder2, start_run):
    _presence(world, coder, coder2)
    run = start_run(unit="document")
    assert run.job.status == JobStatus.SUCCEEDED, run.job.error
    assert run.job.progress == 100
    industry = row(run, "Industry")
    # Coincidences: o11 = 2, o10 = o01 = 1, o00 = 2; α = 1 − 5 × 2 / (2 × 3 × 3) = 4/9.
    assert industry.values["alpha"] == pytest.approx(4 / 9)
    assert industry.values["percent"] == pytest.approx(2 / 3)
    assert industry.values["cohen"] == pytest.approx(0.4)
    assert industry.units == 3
    assert industry.prevalence == pytest.approx(3 / 6)
    assert industry.disagreement_count == 1
    assert industry.code_path == "Collaboration › Industry"
    # Reproducibility: the excerpts read and the codebook state are recorded.
    assert len(run.excerpt_versions) == 4 and all(v == 1 for _id, v in run.excerpt_versions)
    assert run.codebook_summary["codes"] == 5


def test_undefined_coefficients_say_why(world, coder, coder2, start_run):
    _presence(world, coder, coder2)
    run = start_run(unit="document")
    tech = row(run, "Technology")  # nobody applied it: every value is 0
    assert tech.values["alpha"] is None and tech.values["cohen"] is None
    assert tech.reasons["alpha"] == NO_VARIATION
    assert tech.values["percent"] == 1.0  # raw agreement is defined (and 100 %)


def test_a_coder_without_assignment_or_excerpts_is_missing_not_absent(
    project, lead, coder, coder2, start_run
):
    from tests.coding.runs.factories import build_world

    # coder2 is not assigned the third document: it drops out instead of counting as "0, 0".
    world = build_world(project, [coder, coder2], assign={2: [coder]})
    _presence(world, coder, coder2)
    run = start_run(unit="document")
    industry = row(run, "Industry")
    assert industry.units == 2
    # Units: (1, 1), (1, 0): α = 1 − 3 × 1 / (3 × 1) × ... computed independently:
    assert industry.values["alpha"] == pytest.approx(krippendorff_alpha([[1, 1], [1, 0]]))
    assert industry.values["alpha"] != pytest.approx(4 / 9)


def test_no_unit_coded_by_two_coders_is_undefined(project, coder, coder2, start_run):
    from tests.coding.runs.factories import build_world

    build_world(project, [coder, coder2], assign={0: [coder], 1: [coder], 2: [coder2]})
    run = start_run(unit="document")
    assert row(run, "Industry").reasons["alpha"] == NO_PAIRS
    assert run.results["pooled"]["ci"] == [None, None]


def test_level_roll_up_gives_category_values_that_differ_from_concepts(
    world, coder, coder2, start_run
):
    s = sentences()
    d = world["docs"]
    # The coders agree that collaboration is discussed, not on which kind.
    world["code"](coder, d[0], s[0], [world["industry"]])
    world["code"](coder2, d[0], s[0], [world["university"]])
    world["code"](coder, d[1], s[1], [world["university"]])
    world["code"](coder2, d[1], s[1], [world["industry"]])
    concepts = start_run(unit="document")
    categories = start_run(unit="document", codes_mode="level", level=1)
    assert row(concepts, "Industry").values["alpha"] == pytest.approx(
        krippendorff_alpha([[1, 0, 0], [0, 1, 0]])
    )
    assert row(concepts, "Industry").values["alpha"] < 0
    assert sorted(categories.code_results.values_list("code_name", flat=True)) == [
        "Collaboration",
        "Technology",
    ]
    assert row(categories, "Collaboration").values["alpha"] == pytest.approx(1.0)


def test_level_two_keeps_a_top_level_code_without_children_and_names_what_is_left_out(
    project, world, coder, coder2, lead, start_run
):
    from tests.factories import CodeFactory

    alone = CodeFactory(project=project, name="Perceived value")  # top level, no children
    s = sentences()
    d = world["docs"]
    world["code"](coder, d[0], s[0], [alone])
    world["code"](coder2, d[0], s[0], [alone])
    run = start_run(unit="document", codes_mode="level", level=2)
    names = sorted(run.code_results.values_list("code_name", flat=True))
    assert names == ["Industry", "Perceived value", "Sensors", "University"]
    assert row(run, "Perceived value").prevalence > 0
    page = (
        client_for(lead)
        .get(reverse("coding:agreement-run", kwargs={"project": project.code, "run": run.code}))
        .content.decode()
    )
    assert "Codes rolled up to level 2" in page
    assert "Left out: 2 codes above the level whose own codings count for no row" in page
    assert "(Collaboration, Technology)" in unmarked(page)


def test_subtree_selection_keeps_only_that_branch(world, coder, coder2, start_run):
    run = start_run(unit="document", codes_mode="subtree", subtree=world["tech"])
    assert sorted(run.code_results.values_list("code_name", flat=True)) == [
        "Sensors",
        "Technology",
    ]


def test_segment_unit_uses_the_coverage_threshold(world, coder, coder2, start_run):
    s = sentences()
    d = world["docs"]
    first = s[0]
    half = (first[0], first[0] + (first[1] - first[0]) // 2 + 1)  # just over half
    world["code"](coder, d[0], first, [world["industry"]])
    world["code"](coder2, d[0], half, [world["industry"]])
    loose = start_run(unit="segment", segment="sentence", threshold=0.5)
    strict = start_run(unit="segment", segment="sentence", threshold=0.9)
    n_units = 3 * len(s)
    assert row(loose, "Industry").units == n_units
    assert row(loose, "Industry").values["percent"] == 1.0
    assert row(strict, "Industry").values["percent"] == pytest.approx(1 - 1 / n_units)
    paragraphs = start_run(unit="segment", segment="paragraph")
    assert row(paragraphs, "Industry").units == 3 * 2


def test_excerpt_matching_unit_counts_like_maxqda(world, coder, coder2, start_run):
    s = sentences()
    d = world["docs"]
    world["code"](coder, d[0], s[0], [world["industry"]])
    world["code"](coder2, d[0], (s[0][0] + 1, s[0][1]), [world["industry"]])  # 97 % overlap
    world["code"](coder, d[1], s[1], [world["university"]])
    run = start_run(unit="excerpt", overlap=0.9)
    industry = row(run, "Industry")
    assert industry.values["percent"] == 1.0 and industry.units == 2
    university = row(run, "University")
    assert university.values["percent"] == 0.0 and university.disagreement_count == 1
    n = 5  # κ with chance 1 / number of codes
    assert run.results["pooled"]["values"]["percent"] == pytest.approx(2 / 3)
    assert run.results["pooled"]["values"]["bp"] == pytest.approx((2 / 3 - 1 / n) / (1 - 1 / n))


def test_character_unit_equals_per_character_alpha_and_adds_unitized(
    world, coder, coder2, start_run
):
    d = world["docs"]
    world["code"](coder, d[0], (0, 20), [world["industry"]])
    world["code"](coder2, d[0], (10, 30), [world["industry"]])
    run = start_run(unit="character")
    length = len(TEXT)
    a = [1 if x < 20 else 0 for x in range(length)] + [0] * (2 * length)
    b = [1 if 10 <= x < 30 else 0 for x in range(length)] + [0] * (2 * length)
    industry = row(run, "Industry")
    assert industry.units == 3 * length
    assert industry.values["alpha"] == pytest.approx(krippendorff_alpha([a, b]))
    assert industry.values["u_alpha"] is not None
    pooled = run.results["unitized"]["pooled"]
    assert pooled["u"] is not None and run.results["unitized"]["documents"] == 3
    assert run.results["pooled"]["ci"] is None  # no bootstrap over characters


def test_pooling_sums_coincidences_instead_of_averaging(world, coder, coder2, start_run):
    _presence(world, coder, coder2)
    run = start_run(unit="document")
    # All (document, code) cells: pooled α equals α of the concatenated reliability data.
    a, b = [], []
    for _name, (x, y) in {
        "Collaboration": ([0, 0, 0], [0, 0, 0]),
        "Industry": ([1, 1, 0], [1, 0, 0]),
        "University": ([0, 0, 0], [0, 1, 0]),
        "Technology": ([0, 0, 0], [0, 0, 0]),
        "Sensors": ([0, 0, 0], [0, 0, 0]),
    }.items():
        a += x
        b += y
    pooled = run.results["pooled"]
    assert pooled["values"]["alpha"] == pytest.approx(krippendorff_alpha([a, b]))
    low, high = pooled["ci"]
    assert low <= pooled["values"]["alpha"] <= high
    again = start_run(unit="document")
    assert again.results["pooled"]["ci"] == pooled["ci"]  # seeded
    assert run.results["pairwise"][0]["alpha"] == pytest.approx(krippendorff_alpha([a, b]))


def test_three_coders_get_light_and_fleiss_and_pairs(project, lead, coder, coder2, start_run):
    from research.models import Role
    from tests.coding.runs.factories import build_world
    from tests.factories import MembershipFactory, UserFactory

    third = UserFactory(email="third@example.org")
    MembershipFactory(project=project, user=third, role=Role.CODER)
    world = build_world(project, [coder, coder2, third])
    world["code"](coder, world["docs"][0], sentences()[0], [world["industry"]])
    run = start_run(unit="document", coders=[coder, coder2, third])
    industry = row(run, "Industry")
    assert set(industry.values) == {"percent", "light", "fleiss", "alpha", "ac1", "bp"}
    assert len(run.results["pairwise"]) == 3


def test_several_documents_go_to_stretch_tasks_and_one_inline(
    world, coder, coder2, start_run, monkeypatch
):
    from coding.runs.tasks import run_documents_task

    calls = []
    real = run_documents_task.apply_async
    monkeypatch.setattr(
        run_documents_task, "apply_async", lambda *a, **k: calls.append(a) or real(*a, **k)
    )
    run = start_run(unit="document")
    assert calls and run.job.status == JobStatus.SUCCEEDED
    assert not run.parts.exists()  # pooled: the per-document parts are gone
    sent = len(calls)
    one = start_run(unit="document", documents_mode="picked", documents=[world["docs"][0]])
    assert len(calls) == sent and one.job.status == JobStatus.SUCCEEDED
    assert one.results["documents"] == 1


def test_a_failing_document_fails_the_job_with_a_reason(world, start_run, monkeypatch):
    from coding.runs import services

    def boom(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "run_compute_document", boom)
    run = start_run(unit="document")
    assert run.job.status == JobStatus.FAILED
    assert "disk on fire" in run.job.error
    assert not run.is_finished and not run.code_results.exists()


def test_a_job_cancelled_while_computing_keeps_no_results(
    world, project, lead, coder, coder2, monkeypatch
):
    from coding.runs import services

    run = services.agreement_run_start(
        project=project, requested_by=lead, coders=[coder, coder2], unit="document"
    )
    compute = services.run_parts_compute

    def compute_then_cancel(**kwargs):
        done = compute(**kwargs)
        jobs.job_cancel(job=run.job)  # someone cancels while the documents are compared
        return done

    monkeypatch.setattr(services, "run_parts_compute", compute_then_cancel)
    jobs.job_run(run.job_id)
    run = AgreementRun.objects.get(pk=run.pk)
    run.job.refresh_from_db()
    assert run.job.status == JobStatus.CANCELLED
    assert not run.is_finished and not run.code_results.exists()


def test_selection_that_leaves_nothing_is_refused(project, lead, coder, coder2):
    from coding.runs import services

    with pytest.raises(ValueError, match="No ready document"):
        services.agreement_run_start(
            project=project, requested_by=lead, coders=[coder, coder2], unit="document"
        )
    assert not AgreementRun.objects.exists()
