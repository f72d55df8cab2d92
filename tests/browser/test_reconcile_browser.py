"""Reconciliation in a browser: a lead opens it with the form, accepts the agreements by mouse,
decides the rest by keyboard (htmx swaps each candidate in place), and a coder comments."""

import pytest
from playwright.sync_api import expect

from coding.excerpts import services as excerpts
from coding.models import Assignment, Decision, Excerpt
from research.models import Membership, Role
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.factories import CodeFactory, DocumentFactory, ProjectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Kommunen skal samarbeide med næringslivet.\n\nSmarte løsninger for innbyggerne."


@pytest.fixture
def blind_round():
    lead = UserFactory(email="lead@kommune.no", display_name="Lea Lead")
    kari = UserFactory(email="kari@kommune.no", display_name="Kari")
    anders = UserFactory(email="anders@kommune.no", display_name="Anders")
    project = ProjectFactory(title="Smart villages", blind_coding=True)
    Membership.objects.create(project=project, user=lead, role=Role.LEAD)
    for coder in (kari, anders):
        Membership.objects.create(project=project, user=coder, role=Role.CODER)
    x = CodeFactory(project=project, name="Cooperation")
    y = CodeFactory(project=project, name="Industry")
    plan = DocumentFactory(project=project, title="Alpha strategy", text=TEXT)
    for coder in (kari, anders):
        Assignment.objects.create(document=plan, coder=coder)

    def code(coder, needle, tag):
        start = TEXT.index(needle)
        excerpts.excerpt_create(
            document=plan,
            coder=coder,
            start=start,
            end=start + len(needle),
            text=needle,
            codes=[tag],
        )

    code(kari, "Kommunen", x)
    code(anders, "Kommunen", x)
    code(kari, "næringslivet", x)
    code(anders, "næringslivet", y)
    code(anders, "innbyggerne", y)
    return project, plan, kari, anders


def test_lead_reconciles_by_mouse_and_keyboard_and_a_coder_comments(page, blind_round):
    project, plan, kari, anders = blind_round
    log_in(page, "lead@kommune.no", PASSWORD)
    page.goto(f"/p/{project.code}/reconciliation/")
    page.get_by_label("Alpha strategy").check()
    page.get_by_label("Kari").check()
    page.get_by_label("Anders").check()
    page.get_by_role("button", name="Open reconciliation").click()
    page.get_by_role("link", name="Alpha strategy").click()
    assert page.locator("[data-candidate]").count() == 3

    page.get_by_role("button", name="Accept all agreements").click()
    page.wait_for_selector("text=1 agreements accepted.")
    decided = page.locator('[data-candidate][data-decided="true"]')
    expect(decided).to_have_count(1)

    # Keyboard: next undecided, keep Kari's version ("1"); the candidate is swapped in place
    # and focus moves on to the next undecided one, where "2" keeps Anders's.
    page.keyboard.press("n")
    page.keyboard.press("1")
    expect(decided).to_have_count(2)
    page.keyboard.press("2")
    expect(decided).to_have_count(3)
    page.reload()
    assert "Reconciled" in page.locator(".reconciliation-state").inner_text()
    assert Decision.objects.filter(undone_at__isnull=True).count() == 3
    assert Excerpt.objects.filter(coder__isnull=True).count() == 3
    assert not page.console_errors

    # Kari (a reconciled coder) sees Anders's codings here and comments; she cannot decide.
    page.context.clear_cookies()
    log_in(page, "kari@kommune.no", PASSWORD)
    page.goto(f"/p/{project.code}/reconciliation/")
    page.locator("table.reconciliations a").first.click()
    page.get_by_role("link", name="Alpha strategy").click()
    assert page.get_by_text("innbyggerne").count() >= 1
    assert page.get_by_role("button", name="Keep Kari").count() == 0
    last = page.locator("[data-candidate]").last
    last.get_by_placeholder("Comment").fill("I did not see the citizens here.")
    last.get_by_role("button", name="Add").click()
    page.wait_for_selector("text=I did not see the citizens here.")
    assert not page.console_errors
