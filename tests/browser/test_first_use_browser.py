"""First use, in Chromium: the agreement results fold the codes nobody applied, the compare
page warns about runs of different units, and the project page shows the project at a glance."""

import pytest

from coding.runs import services as run_services
from research.models import Membership, Role
from tests.browser.conftest import log_in
from tests.coding.runs.factories import build_world, sentences
from tests.conftest import PASSWORD
from tests.factories import ProjectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def team():
    lead = UserFactory(email="lead@kommune.no")
    kari = UserFactory(email="kari@kommune.no", display_name="Kari Coder")
    anders = UserFactory(email="anders@kommune.no", display_name="Anders Coder")
    project = ProjectFactory(title="Smart villages")
    Membership.objects.create(project=project, user=lead, role=Role.LEAD)
    Membership.objects.create(project=project, user=kari, role=Role.CODER)
    Membership.objects.create(project=project, user=anders, role=Role.CODER)
    world = build_world(project, [kari, anders])
    s, d = sentences(), world["docs"]
    world["code"](kari, d[0], s[0], [world["industry"]])
    world["code"](anders, d[0], s[0], [world["industry"]])
    world["code"](kari, d[1], s[1], [world["university"]])
    return project, lead, [kari, anders]


def _run(project, lead, coders, **kwargs):
    run = run_services.agreement_run_start(
        project=project, requested_by=lead, coders=coders, **kwargs
    )
    run.refresh_from_db()
    assert run.is_finished
    return run


def test_results_fold_unapplied_codes_and_compare_warns(page, team):
    project, lead, coders = team
    documents = _run(project, lead, coders, unit="document", name="Documents")
    segments = _run(project, lead, coders, unit="segment", name="Sentences")
    log_in(page, "lead@kommune.no", PASSWORD)
    page.goto(f"/p/{project.code}/agreement/{documents.code}/")
    table = page.locator("table.agreement-table").first
    assert table.get_by_role("link", name="Industry").is_visible()
    folded = page.locator("details.agreement-unapplied")
    assert "codes nobody applied" in folded.locator("summary").inner_text()
    assert not folded.get_by_role("link", name="Sensors").is_visible()
    folded.locator("summary").click()
    assert folded.get_by_role("link", name="Sensors").is_visible()

    page.goto(f"/p/{project.code}/agreement/compare/?a={documents.code}&b={segments.code}")
    assert "different units" in page.locator(".agreement-compare-warning").first.inner_text()
    headers = page.locator("table.agreement-compare thead tr").nth(1).inner_text()
    assert "Documents" in headers and "Sentences" in headers and "Δ" in headers


def test_project_page_at_a_glance(page, team):
    project, _lead, _coders = team
    log_in(page, "lead@kommune.no", PASSWORD)
    page.goto(f"/p/{project.code}/")
    glance = page.locator("dl.project-glance").inner_text()
    assert "3 documents, 3 ready to code" in glance
    assert "Kari Coder" in glance and "coded in 2 of 3 documents" in glance
    assert "Anders Coder" in glance and "coded in 1 of 3 documents" in glance
