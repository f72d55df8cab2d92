import pytest

from coding.codebook import services
from coding.models import Code
from research.models import Membership, Role
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.factories import ProjectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_drag_a_code_under_another(page):
    lead = UserFactory(email="lead@kommune.no")
    project = ProjectFactory(title="Smart villages")
    Membership.objects.create(project=project, user=lead, role=Role.LEAD)
    actors = services.code_create(project=project, name="Actors", user=lead)
    value = services.code_create(project=project, name="Value", user=lead)
    academia = services.code_create(project=project, name="Academia", user=lead, parent=actors)

    log_in(page, "lead@kommune.no", PASSWORD)
    page.goto(f"/p/{project.code}/codebook/")
    source = page.locator(f"#code-row-{academia.code}")
    target = page.locator(f"#code-row-{value.code}")
    with page.expect_navigation():  # the script reloads the page once the move is saved
        source.drag_to(target)
    academia.refresh_from_db()
    assert academia.parent_id == value.pk
    assert academia.path == f"/{value.pk}/{academia.pk}/"
    # The tree on the reloaded page shows it in its new place.
    rows = page.locator("tr.codebook-row .fw-medium").all_inner_texts()
    assert rows == ["Actors", "Value", "Academia"]
    # Search-as-you-type hides what does not match, but keeps the parent of a match.
    page.get_by_placeholder("Find a code…").fill("acad")
    assert page.locator(f"#code-row-{actors.code}").is_hidden()
    assert page.locator(f"#code-row-{value.code}").is_visible()
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
    assert Code.objects.filter(project=project).count() == 3
