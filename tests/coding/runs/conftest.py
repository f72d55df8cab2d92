import pytest

from coding.runs import services
from tests.coding.runs.factories import build_world, sentences


@pytest.fixture
def world(project, lead, coder, coder2):
    return build_world(project, [coder, coder2])


@pytest.fixture
def start_run(project, lead, coder, coder2, django_capture_on_commit_callbacks):
    """Start a run through the service and run its job eagerly (the chord included)."""

    def start(**kwargs):
        kwargs.setdefault("coders", [coder, coder2])
        kwargs.setdefault("unit", "document")
        with django_capture_on_commit_callbacks(execute=True):
            run = services.agreement_run_start(project=project, requested_by=lead, **kwargs)
        run.refresh_from_db()
        run.job.refresh_from_db()
        return run

    return start


@pytest.fixture
def finished(world, coder, coder2, start_run):
    """A finished run at unit document: two coders agree on one document, not on the other."""
    s = sentences()
    d = world["docs"]
    world["code"](coder, d[0], s[0], [world["industry"]])
    world["code"](coder2, d[0], s[0], [world["industry"]])
    world["code"](coder, d[1], s[0], [world["industry"]])
    world["code"](coder2, d[1], s[1], [world["university"]])
    return start_run(unit="document", name="Round 1")


def row(run, name):
    return run.code_results.get(code_name=name)
