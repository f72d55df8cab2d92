"""Two tabs, two coders, a lead: excerpt writes racing each other on PostgreSQL. No acknowledged
write is lost, no answer is a 500; the loser of a race gets 409 (stale) or 410 (deleted)."""

from functools import partial

import pytest
from django.urls import reverse

from coding.codebook.services import code_merge
from coding.excerpts import services
from coding.models import Excerpt
from tests.coding.excerpts.conftest import TEXT, postgres_only, run_together, span
from tests.conftest import client_for

pytestmark = postgres_only

JSON = {"HTTP_ACCEPT": "application/json"}
ROUNDS = 5


def _url(name, project, excerpt_code):
    return reverse(f"coding:{name}", kwargs={"project": project.code, "excerpt": excerpt_code})


def _new_excerpt(document, coder, codes=()):
    return services.excerpt_create(
        document=document, coder=coder, codes=codes, **span(TEXT, "Kommunen")
    )


def test_a_delete_carrying_a_stale_version_is_refused(project, assigned, coder):
    excerpt = _new_excerpt(assigned, coder)
    tab_one, tab_two = client_for(coder), client_for(coder)
    saved = tab_one.post(
        _url("excerpt-update", project, excerpt.code),
        {"version": 1, "set_memo": "on", "memo": "acknowledged"},
        **JSON,
    )
    assert saved.status_code == 200
    response = tab_two.post(_url("excerpt-delete", project, excerpt.code), {"version": 1}, **JSON)
    assert response.status_code == 409 and response.json()["excerpt"]["version"] == 2
    assert Excerpt.objects.get().memo == "acknowledged"


def test_an_edit_racing_a_delete_is_409_or_410_never_500_and_nothing_is_lost(
    project, assigned, coder
):
    tab_one, tab_two = client_for(coder), client_for(coder)
    for round_ in range(ROUNDS):
        excerpt = _new_excerpt(assigned, coder)
        memo = f"edit {round_}"
        edit, delete = run_together(
            partial(
                tab_one.post,
                _url("excerpt-update", project, excerpt.code),
                {"version": 1, "set_memo": "on", "memo": memo},
                **JSON,
            ),
            partial(
                tab_two.post, _url("excerpt-delete", project, excerpt.code), {"version": 1}, **JSON
            ),
        )
        assert (edit.status_code, delete.status_code) in {(200, 409), (410, 200)}
        kept = Excerpt.objects.filter(code=excerpt.code).first()
        if edit.status_code == 200:  # acknowledged: must still be there
            assert kept is not None and kept.memo == memo
        else:
            assert kept is None and edit.json()["error"] == "deleted"


def test_a_stale_tab_racing_a_restore_never_overwrites_newer_edits(project, assigned, coder):
    tab_one, stale_tab = client_for(coder), client_for(coder)
    restore = reverse("coding:excerpt-restore", kwargs={"project": project.code})
    for round_ in range(ROUNDS):
        excerpt = _new_excerpt(assigned, coder)
        services.excerpt_update(excerpt=excerpt, version=1, memo=f"newer {round_}")
        services.excerpt_delete(excerpt=excerpt, version=2)
        restored, late = run_together(
            partial(tab_one.post, f"{restore}?excerpt={excerpt.code}", **JSON),
            partial(
                stale_tab.post,
                _url("excerpt-update", project, excerpt.code),
                {"version": 1, "set_memo": "on", "memo": "stale"},
                **JSON,
            ),
        )
        assert restored.status_code == 200
        assert late.status_code in (409, 410)
        current = Excerpt.objects.get(code=excerpt.code)
        assert (current.memo, current.version) == (f"newer {round_}", 3)


def test_two_restores_at_once_bring_the_excerpt_back_once(project, assigned, coder):
    restore = reverse("coding:excerpt-restore", kwargs={"project": project.code})
    excerpt = _new_excerpt(assigned, coder)
    services.excerpt_delete(excerpt=excerpt)
    url = f"{restore}?excerpt={excerpt.code}"
    tabs = [client_for(coder) for _ in range(4)]
    answers = run_together(*[partial(tab.post, url, **JSON) for tab in tabs])
    assert sorted(a.status_code for a in answers) == [200, 400, 400, 400]
    assert Excerpt.objects.filter(code=excerpt.code).count() == 1


def test_a_restore_racing_a_merge_comes_back_with_the_target(project, assigned, coder, lead, codes):
    source, target = codes["data"], codes["value"]
    excerpt = _new_excerpt(assigned, coder, codes=[source])
    services.excerpt_delete(excerpt=excerpt)
    restore = reverse("coding:excerpt-restore", kwargs={"project": project.code})
    tab = client_for(coder)
    restored, merged = run_together(
        partial(tab.post, f"{restore}?excerpt={excerpt.code}", **JSON),
        partial(code_merge, source=source, target=target, user=lead),
    )
    assert restored.status_code == 200 and merged == target
    assert list(Excerpt.objects.get(code=excerpt.code).codes.all()) == [target]


@pytest.mark.parametrize("coders", [12])
def test_new_excerpts_of_one_code_racing_its_merge_all_land_on_the_target(
    project, assigned, coder, lead, codes, coders
):
    """One code is locked without a savepoint (services._lock_codes): a write that waited for
    the merge finds its code gone, holds no code lock, and locks the target instead; it waits,
    never refuses."""
    source, target = codes["data"], codes["value"]
    jobs = [partial(_new_excerpt, assigned, coder, [source]) for _ in range(coders)]
    *created, merged = run_together(
        *jobs, partial(code_merge, source=source, target=target, user=lead)
    )
    assert merged == target
    assert all(isinstance(excerpt, Excerpt) for excerpt in created), created
    for excerpt in created:
        assert list(Excerpt.objects.get(pk=excerpt.pk).codes.all()) == [target]


@pytest.mark.parametrize("coders", [20])
def test_coders_adding_a_code_while_it_is_merged_all_land_on_the_target(
    project, assigned, coder, lead, codes, coders
):
    source, target = codes["data"], codes["value"]
    excerpts = [
        _new_excerpt(assigned, coder, codes=[target] if i % 3 == 0 else []) for i in range(coders)
    ]
    tabs = [client_for(coder) for _ in excerpts]

    def add_source(tab, excerpt):
        return tab.post(
            _url("excerpt-update", project, excerpt.code),
            {"version": 1, "add_codes": [str(source.code)]},
            **JSON,
        )

    jobs = [partial(add_source, tab, e) for tab, e in zip(tabs, excerpts, strict=True)]
    *answers, merged = run_together(
        *jobs, partial(code_merge, source=source, target=target, user=lead)
    )
    assert merged == target  # first try, no error
    assert [a.status_code for a in answers] == [200] * coders
    for excerpt in excerpts:
        assert list(Excerpt.objects.get(pk=excerpt.pk).codes.all()) == [target]
