"""Excerpt and assignment services: offsets, text check, codes, locking, undo."""

import pytest
from django.core.exceptions import ValidationError

from coding.excerpts import assignments, services
from coding.models import Assignment, AssignmentStatus, Code, CodeStatus, Coding, Excerpt
from research.models import Membership
from tests.coding.excerpts.conftest import TEXT, span
from tests.factories import CodeFactory, DocumentFactory, ProjectFactory


def test_create_stores_code_point_offsets_and_text(assigned, coder, codes):
    fields = span(TEXT, "avløp 🚲 og e\u0301n")
    excerpt = services.excerpt_create(
        document=assigned, coder=coder, codes=[codes["value"], codes["data"]], **fields
    )
    assert (excerpt.start, excerpt.end) == (fields["start"], fields["end"])
    assert TEXT[excerpt.start : excerpt.end] == excerpt.text == "avløp 🚲 og e\u0301n"
    assert set(excerpt.codes.all()) == {codes["value"], codes["data"]}


def test_first_excerpt_sets_the_assignment_in_progress(assigned, coder):
    services.excerpt_create(document=assigned, coder=coder, **span(TEXT, "Kommunen"))
    assert Assignment.objects.get(document=assigned, coder=coder).status == "in_progress"


def test_a_new_excerpt_leaves_a_finished_assignment_done(assigned, coder):
    Assignment.objects.filter(document=assigned, coder=coder).update(status="done")
    services.excerpt_create(document=assigned, coder=coder, **span(TEXT, "Kommunen"))
    assert Assignment.objects.get(document=assigned, coder=coder).status == "done"


def test_a_mismatching_text_is_refused_and_nothing_is_stored(assigned, coder):
    fields = span(TEXT, "Kommunen")
    fields["text"] = "Kommunan"
    with pytest.raises(ValidationError, match="does not match"):
        services.excerpt_create(document=assigned, coder=coder, **fields)
    assert not Excerpt.objects.exists()


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (5, 5), (8, 3), (0, 10_000)])
def test_bad_offsets_are_refused(assigned, coder, start, end):
    with pytest.raises(ValidationError):
        services.excerpt_create(document=assigned, coder=coder, start=start, end=end, text="x")


def test_codes_of_another_project_are_refused(assigned, coder):
    foreign = CodeFactory(project=ProjectFactory())
    with pytest.raises(ValidationError, match="codebook"):
        services.excerpt_create(
            document=assigned, coder=coder, codes=[foreign], **span(TEXT, "Kommunen")
        )
    assert not Excerpt.objects.exists()


def test_overlapping_and_nested_excerpts_are_fine(assigned, coder):
    services.excerpt_create(document=assigned, coder=coder, **span(TEXT, "Kommunen skal"))
    services.excerpt_create(document=assigned, coder=coder, **span(TEXT, "skal samarbeide"))
    services.excerpt_create(document=assigned, coder=coder, **span(TEXT, "skal"))
    assert Excerpt.objects.count() == 3


def test_update_boundaries_memo_and_codes_bumps_the_version(assigned, coder, codes):
    excerpt = services.excerpt_create(
        document=assigned, coder=coder, codes=[codes["value"]], **span(TEXT, "Kommunen")
    )
    fields = span(TEXT, "Kommunen skal")
    services.excerpt_update(
        excerpt=excerpt,
        version=1,
        memo="Typisk formulering",
        add_codes=[codes["data"]],
        remove_codes=[codes["value"]],
        **fields,
    )
    excerpt.refresh_from_db()
    assert (excerpt.start, excerpt.end, excerpt.text) == (0, 13, "Kommunen skal")
    assert excerpt.memo == "Typisk formulering"
    assert list(excerpt.codes.all()) == [codes["data"]]
    assert excerpt.version == 2


def test_stale_version_is_a_conflict_and_changes_nothing(assigned, coder):
    excerpt = services.excerpt_create(document=assigned, coder=coder, **span(TEXT, "Kommunen"))
    services.excerpt_update(excerpt=excerpt, version=1, memo="first tab")
    stale = Excerpt.objects.get(pk=excerpt.pk)
    stale.version = 1
    with pytest.raises(services.ExcerptConflict):
        services.excerpt_update(excerpt=stale, version=1, memo="second tab")
    assert Excerpt.objects.get(pk=excerpt.pk).memo == "first tab"


def test_update_with_a_wrong_text_is_refused(assigned, coder):
    excerpt = services.excerpt_create(document=assigned, coder=coder, **span(TEXT, "Kommunen"))
    with pytest.raises(ValidationError):
        services.excerpt_update(excerpt=excerpt, version=1, start=0, end=4, text="Komx")
    excerpt.refresh_from_db()
    assert (excerpt.end, excerpt.version) == (8, 1)


def test_delete_then_restore_brings_back_the_same_excerpt(assigned, coder, codes):
    excerpt = services.excerpt_create(
        document=assigned, coder=coder, codes=[codes["data"]], memo="m", **span(TEXT, "sensorer")
    )
    code = excerpt.code
    services.excerpt_delete(excerpt=excerpt)
    assert not Excerpt.objects.exists() and not Coding.objects.exists()
    restored = services.excerpt_restore(project=assigned.project, excerpt_code=code, user=coder)
    assert restored.code == code
    assert (restored.text, restored.memo, restored.coder) == ("sensorer", "m", coder)
    assert list(restored.codes.all()) == [codes["data"]]
    with pytest.raises(ValidationError, match="already"):
        services.excerpt_restore(project=assigned.project, excerpt_code=code, user=coder)


def test_in_vivo_code_by_a_coder_is_proposed(project, assigned, coder, codes):
    project.coders_may_create_codes = True
    project.save()
    membership = Membership.objects.get(project=project, user=coder)
    excerpt, code = services.excerpt_create_in_vivo(
        membership=membership,
        document=assigned,
        name="smarte løsninger",
        parent=codes["value"],
        **span(TEXT, "smarte løsninger"),
    )
    assert code.status == CodeStatus.PROPOSED
    assert code.parent == codes["value"] and code.path.startswith(codes["value"].path)
    assert list(excerpt.codes.all()) == [code]


def test_in_vivo_by_a_coder_is_refused_when_the_project_does_not_allow_it(project, assigned, coder):
    project.coders_may_create_codes = False
    project.save()
    membership = Membership.objects.get(project=project, user=coder)
    with pytest.raises(ValidationError, match="leads"):
        services.excerpt_create_in_vivo(
            membership=membership, document=assigned, name="x", **span(TEXT, "smarte")
        )
    assert not Code.objects.exists() and not Excerpt.objects.exists()


def test_in_vivo_by_a_lead_is_active(project, document, lead):
    project.coders_may_create_codes = False
    project.save()
    membership = Membership.objects.get(project=project, user=lead)
    _excerpt, code = services.excerpt_create_in_vivo(
        membership=membership, document=document, name="Smart", **span(TEXT, "smarte")
    )
    assert code.status == CodeStatus.ACTIVE


def test_assignments_set_adds_and_removes(project, document, coder, coder2, viewer):
    other = DocumentFactory(project=project)
    added, removed = assignments.assignments_set(
        project=project, pairs={(document.pk, coder.pk), (other.pk, coder2.pk)}
    )
    assert (added, removed) == (2, 0)
    added, removed = assignments.assignments_set(project=project, pairs={(document.pk, coder.pk)})
    assert (added, removed) == (0, 1)
    with pytest.raises(ValidationError):
        assignments.assignments_set(project=project, pairs={(document.pk, viewer.pk)})


def test_mark_done_and_reopen(assigned, coder):
    assignment = Assignment.objects.get(document=assigned, coder=coder)
    assignments.assignment_mark_done(assignment=assignment)
    assert assignment.status == AssignmentStatus.DONE and assignment.done_at
    assignments.assignment_mark_done(assignment=assignment, done=False)
    assert assignment.status == AssignmentStatus.ASSIGNED and assignment.done_at is None


def test_a_folder_code_cannot_be_applied_and_nothing_is_stored(assigned, coder, codes):
    """REFI-QDA's isCodable="false": the code only groups others."""
    folder = codes["value"]
    Code.objects.filter(pk=folder.pk).update(is_codable=False)
    folder.refresh_from_db()
    with pytest.raises(ValidationError, match="only groups other codes"):
        services.excerpt_create(
            document=assigned, coder=coder, codes=[folder], **span(TEXT, "Kommunen")
        )
    assert not Excerpt.objects.exists()
    excerpt = services.excerpt_create(
        document=assigned, coder=coder, codes=[codes["data"]], **span(TEXT, "Kommunen")
    )
    with pytest.raises(ValidationError, match="only groups other codes"):
        services.excerpt_update(excerpt=excerpt, version=excerpt.version, add_codes=[folder])
    assert list(excerpt.codes.all()) == [codes["data"]]
