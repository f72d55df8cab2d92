"""An owner removes a coder keeping their codings under a pseudonym, then reads the audit
trail that recorded it (sign-ins, the removal) and filters it."""

import pytest

from coding.models import Excerpt
from research.models import Membership, Project, Role
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.factories import DocumentFactory, ExcerptFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_remove_a_coder_then_read_the_audit_trail(page):
    owner = UserFactory(email="kari@kommune.no", display_name="Kari")
    coder = UserFactory(email="ola@kommune.no", display_name="Ola Nordmann")
    project = Project.objects.create(title="Smart villages")
    Membership.objects.create(project=project, user=owner, role=Role.OWNER)
    Membership.objects.create(project=project, user=coder, role=Role.CODER)
    excerpt = ExcerptFactory(document=DocumentFactory(project=project), coder=coder)
    log_in(page, "kari@kommune.no", PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"/p/{project.code}/members/")
    page.get_by_role("row", name="Ola Nordmann").get_by_role("link", name="Remove…").click()
    page.get_by_label("Keep their codings", exact=False).check()
    page.get_by_role("button", name="Remove member").click()
    assert page.get_by_text("attributed to “Former coder 1”").is_visible()
    assert Excerpt.objects.get(pk=excerpt.pk).coder.name == "Former coder 1"

    page.goto(f"/p/{project.code}/settings/")
    page.get_by_role("link", name="Open the audit trail").click()
    page.get_by_label("Action").select_option(label="Removed a member")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("tbody tr")
    assert rows.count() == 1
    assert "Former coder 1" in rows.first.inner_text()
    assert "Ola Nordmann" not in page.content()
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
