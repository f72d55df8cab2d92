"""Undo and the duplicate guard racing on PostgreSQL: two tabs pressing Ctrl+Z at once undo one
action once (the other gets 409, or 400 when it saw nothing left); an undo racing a lead's
change either lands first or is refused, never overwriting the lead; two tabs coding the same
passage at once create it once."""

from django.urls import reverse

from coding.excerpts import services
from coding.models import Excerpt, ExcerptChange
from tests.coding.excerpts.conftest import TEXT, postgres_only, run_together, span
from tests.conftest import client_for

pytestmark = postgres_only

JSON = {"HTTP_ACCEPT": "application/json"}


def _undo(project, document, user):
    url = reverse(
        "coding:excerpt-undo", kwargs={"project": project.code, "document": document.code}
    )
    return client_for(user).post(url, **JSON)


def test_two_tabs_undo_the_same_action_once(project, assigned, coder, codes):
    services.excerpt_create(
        document=assigned, coder=coder, codes=[codes["value"]], **span(TEXT, "Kommunen")
    )
    answers = run_together(
        lambda: _undo(project, assigned, coder), lambda: _undo(project, assigned, coder)
    )
    assert sorted(a.status_code for a in answers) == [200, 400]  # then: nothing to undo
    assert not Excerpt.objects.exists()
    assert ExcerptChange.objects.filter(reverses__isnull=False).count() == 1


def test_two_undos_at_once_take_back_two_actions_one_each(project, assigned, coder, codes):
    excerpt = services.excerpt_create(
        document=assigned, coder=coder, codes=[codes["value"]], **span(TEXT, "Kommunen")
    )
    services.excerpt_update(excerpt=excerpt, version=1, memo="notat", user=coder)
    answers = run_together(
        lambda: _undo(project, assigned, coder), lambda: _undo(project, assigned, coder)
    )
    assert [a.status_code for a in answers] == [200, 200]
    assert not Excerpt.objects.exists()  # the memo, then the create
    reversed_ = ExcerptChange.objects.exclude(reverses=None).values_list("reverses", flat=True)
    assert len(set(reversed_)) == 2


def test_an_undo_racing_a_lead_never_overwrites_the_lead(project, assigned, coder, lead, codes):
    excerpt = services.excerpt_create(
        document=assigned, coder=coder, codes=[codes["value"]], **span(TEXT, "Kommunen")
    )
    services.excerpt_update(excerpt=excerpt, version=1, memo="koderens", user=coder)

    def lead_edits():
        try:
            return services.excerpt_update(excerpt=excerpt, version=2, memo="lederens", user=lead)
        except services.ExcerptConflict as exc:
            return exc

    undo, edited = run_together(lambda: _undo(project, assigned, coder), lead_edits)
    final = Excerpt.objects.get(pk=excerpt.pk)
    if undo.status_code == 200:  # the undo went first: the lead's stale write was refused
        assert isinstance(edited, services.ExcerptConflict) and final.memo == ""
    else:  # the lead went first: the undo was refused
        assert undo.status_code == 409 and final.memo == "lederens"


def test_two_tabs_coding_the_same_passage_at_once_create_it_once(project, assigned, coder, codes):
    """Both tabs pass the duplicate check unless it is serialised: one excerpt, one 409."""
    url = reverse(
        "coding:excerpt-create", kwargs={"project": project.code, "document": assigned.code}
    )
    fields = {**span(TEXT, "Kommunen"), "codes": [codes["value"].code]}
    answers = run_together(
        lambda: client_for(coder).post(url, fields, **JSON),
        lambda: client_for(coder).post(url, fields, **JSON),
    )
    assert sorted(a.status_code for a in answers) == [200, 409]
    assert Excerpt.objects.count() == 1
