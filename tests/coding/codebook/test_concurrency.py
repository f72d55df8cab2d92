"""Codebook structure changes while coders code, on PostgreSQL: changes take turns (one lock
order, no deadlock), a merge waits for codings in flight and codings wait for a merge, and every
coding ends up on a code that exists."""

import threading
from functools import partial

import pytest
from django.db import connection, transaction

from coding.codebook import services
from coding.excerpts import services as excerpt_services
from coding.models import Assignment, Code, Coding, Excerpt
from tests.coding.codebook.test_services import assert_paths_consistent
from tests.coding.excerpts.conftest import TEXT, postgres_only, run_together, span
from tests.factories import CodeFactory, DocumentFactory

pytestmark = postgres_only

ROUNDS = 4


@pytest.fixture
def assigned(project, coder):
    document = DocumentFactory(project=project, text=TEXT)
    Assignment.objects.create(document=document, coder=coder)
    return document


@pytest.fixture
def codes(project):
    return {
        "value": CodeFactory(project=project, name="Value"),
        "data": CodeFactory(project=project, name="Open data"),
    }


def _in_thread(job) -> tuple[threading.Thread, list]:
    """Run `job` in a thread with its own connection; the list receives its result or error."""
    outcome: list = []

    def work():
        try:
            outcome.append(job())
        except Exception as exc:
            outcome.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    return thread, outcome


def _excerpt(document, coder, codes=()):
    return excerpt_services.excerpt_create(
        document=document, coder=coder, codes=codes, **span(TEXT, "Kommunen")
    )


def test_a_merge_waits_for_a_coding_in_flight_and_takes_it_along(assigned, coder, lead, codes):
    source, target = codes["data"], codes["value"]
    excerpt = _excerpt(assigned, coder)
    locked, release = threading.Event(), threading.Event()

    def coding_in_flight():
        with transaction.atomic():
            excerpt_services.excerpt_update(excerpt=excerpt, version=1, add_codes=[source])
            locked.set()
            release.wait(10)

    coder_thread, coded = _in_thread(coding_in_flight)
    assert locked.wait(10)
    merge_thread, merged = _in_thread(
        partial(services.code_merge, source=source, target=target, user=lead)
    )
    merge_thread.join(0.5)
    assert merge_thread.is_alive()  # waiting for the coder's share lock on the source
    release.set()
    coder_thread.join(10)
    merge_thread.join(10)
    assert coded == [None] and merged == [target]
    assert list(Excerpt.objects.get(pk=excerpt.pk).codes.all()) == [target]


def test_a_coding_waits_for_a_merge_in_flight_and_lands_on_the_target(assigned, coder, lead, codes):
    source, target = codes["data"], codes["value"]
    excerpt = _excerpt(assigned, coder, codes=[target])
    stale_source = Code.objects.get(pk=source.pk)  # what the coder's page loaded
    locked, release = threading.Event(), threading.Event()

    def merge_in_flight():
        with transaction.atomic():
            services.code_merge(source=source, target=target, user=lead)
            locked.set()
            release.wait(10)

    merge_thread, merged = _in_thread(merge_in_flight)
    assert locked.wait(10)
    coder_thread, coded = _in_thread(
        partial(
            excerpt_services.excerpt_update, excerpt=excerpt, version=1, add_codes=[stale_source]
        )
    )
    coder_thread.join(0.5)
    assert coder_thread.is_alive()  # waiting for the merge's lock on the source
    release.set()
    merge_thread.join(10)
    coder_thread.join(10)
    assert merged == [None]
    assert [fate.target for fate in coded[0].replaced_codes] == [target]
    assert list(Excerpt.objects.get(pk=excerpt.pk).codes.all()) == [target]  # duplicate dropped


def test_merge_move_rename_group_and_delete_at_once_never_deadlock(project, assigned, coder, lead):
    make = partial(services.code_create, project=project, user=lead)
    for round_ in range(ROUNDS):
        a, b, c, d = (make(name=f"{n} {round_}") for n in "ABCD")
        e = make(name=f"E {round_}", parent=c)
        f, g, h = (make(name=f"{n} {round_}", parent=d) for n in "FGH")
        excerpts = [_excerpt(assigned, coder, codes=[code]) for code in (a, b, c, e, f)]

        # Each job gets its own copies, as separate requests would (deleting an instance
        # clears its pk, which another thread must not see).
        def own(*some):
            return [Code.objects.get(pk=code.pk) for code in some]

        jobs = [
            partial(services.code_merge, source=own(a)[0], target=own(b)[0], user=lead),
            partial(services.code_move, code=own(c)[0], user=lead, parent=own(d)[0]),
            partial(services.code_move, code=own(g)[0], user=lead, parent=own(b)[0], position=0),
            partial(services.code_update, code=own(e)[0], user=lead, name=f"E renamed {round_}"),
            partial(services.code_group, codes=own(f, h), name=f"Group {round_}", user=lead),
            partial(services.code_move_step, code=own(d)[0], user=lead, step=-1),
            *[
                partial(
                    excerpt_services.excerpt_update, excerpt=x, version=1, add_codes=own(a, c, e)
                )
                for x in excerpts
            ],
        ]
        results = run_together(*jobs)
        errors = [r for r in results if isinstance(r, Exception)]
        assert errors == []
        assert_paths_consistent(project)
    assert not Coding.objects.filter(code__project=project).exclude(code__in=Code.objects.all())
