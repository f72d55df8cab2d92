"""Reconciliation in a browser: a lead opens it with the form, accepts the agreements by mouse,
decides the rest by keyboard (htmx swaps each candidate in place), and a coder comments; the
matrix counts the consensus of the reconciled document; a run against the consensus shows the
expected numbers."""

import pytest
from playwright.sync_api import expect

from cases.services import cases as case_services
from cases.services import matrices as matrix_services
from coding.excerpts import services as excerpts
from coding.models import AgreementRun, Assignment, Candidate, Decision, DecisionKind, Excerpt
from coding.reconcile import services as reconcile
from research.models import JobStatus, Membership, Role, User
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
    page.wait_for_selector("text=1 agreement accepted.")
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


def _keep_karis_version(project, plan, kari, anders) -> None:
    """Reconcile by keeping Kari's version (and nothing where only Anders coded)."""
    lead = User.objects.get(email="lead@kommune.no")
    opened = reconcile.reconciliation_open(
        project=project, documents=[plan], coders=[kari, anders], user=lead
    )
    for candidate in Candidate.objects.filter(item__reconciliation=opened):
        kept = kari.pk in {s["coder"] for s in candidate.sources}
        reconcile.decision_make(
            candidate=candidate,
            version=candidate.version,
            kind=DecisionKind.KEEP if kept else DecisionKind.NOTHING,
            kept_coders=[kari.pk] if kept else [],
            user=lead,
        )


def test_the_matrix_switches_to_the_consensus_for_the_reconciled_document(page, blind_round):
    """All coders, present if any coded it: before reconciliation Anders's Industry marks the
    case; once the document is reconciled (Kari's version kept) its consensus counts instead."""
    project, plan, kari, anders = blind_round
    lead = User.objects.get(email="lead@kommune.no")
    alpha = case_services.case_create(project=project, name="Alpha kommune")
    case_services.case_set_documents(case=alpha, documents=[plan])
    codes = {c.name: c for c in project.codes.all()}
    matrix = matrix_services.matrix_create_from_template(
        project=project,
        name="Table 3",
        sections=[("Cooperates with", [(n, codes[n]) for n in ("Cooperation", "Industry")])],
        user=lead,
    )
    log_in(page, "lead@kommune.no", PASSWORD)
    url = f"/p/{project.code}/matrices/{matrix.code}/"

    def cell(label: str) -> str:
        row = page.locator("tr", has=page.locator("th", has_text=label))
        return row.locator("td").first.inner_text().strip()

    page.goto(url)
    assert (cell("Cooperation"), cell("Industry")) == ("X", "X")
    _keep_karis_version(project, plan, kari, anders)
    page.goto(url)
    page.get_by_text("1 reconciled document counts its consensus").wait_for()
    assert (cell("Cooperation"), cell("Industry")) == ("X", "")
    assert not page.console_errors


def test_a_run_against_the_consensus_gives_the_expected_numbers(page, blind_round):
    """Reconciled keeping Kari's version (and nothing where only Anders coded): the consensus
    has Cooperation only. Document units: Kari agrees everywhere; Anders has Industry where
    the consensus has not, so 1 of 2 units (50 %) and α = 0 pooled."""
    project, plan, kari, anders = blind_round
    _keep_karis_version(project, plan, kari, anders)
    log_in(page, "lead@kommune.no", PASSWORD)
    page.goto(f"/p/{project.code}/agreement/")
    page.get_by_label("Kari").check()
    page.get_by_label("Anders").check()
    page.get_by_label("Also compare each coder against the consensus").check()
    page.get_by_role("button", name="Start run").click()
    page.wait_for_url("**/agreement/*/")
    run = AgreementRun.objects.get(project=project)
    for _ in range(100):
        if AgreementRun.objects.get(pk=run.pk).job.status == JobStatus.SUCCEEDED:
            break
        page.wait_for_timeout(100)
    page.reload()
    page.get_by_text("Each coder against the consensus").wait_for()
    assert page.get_by_text("Agreement before discussion (between coders)").count() == 1
    cells = page.locator("table.agreement-consensus tfoot td").all_inner_texts()
    # Kari: 100.0 % and α 1 (Cooperation coded by both, Industry by neither); Anders: 50.0 %,
    # α 0 (o11 = 2, o10 = o01 = 1: α = 1 − (2/4) / (2·1·3 / (4·3)) = 0).
    assert cells == ["100.0 %", "1.000", "50.0 %", "0.000"]
    resolved = page.locator(".agreement-resolutions").inner_text()
    assert "2 disagreements were resolved" in resolved and "Towards Kari: 2." in resolved
    assert not page.console_errors
