import pytest

from research.models import Membership, Project, Role
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_in_and_create_a_project(page):
    user = UserFactory(email="kari@kommune.no")
    log_in(page, "kari@kommune.no", PASSWORD)
    page.get_by_role("link", name="Create your first project").click()
    page.get_by_label("Title").fill("Smart villages in Innlandet")
    page.get_by_label("Research question").fill("How do small municipalities cooperate?")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/p/*/")
    assert page.get_by_role("heading", name="Smart villages in Innlandet").is_visible()
    project = Project.objects.get(title="Smart villages in Innlandet")
    assert Membership.objects.get(project=project, user=user).role == Role.OWNER
    # The strict CSP holds: no console errors about refused inline scripts or styles.
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
