import pytest
from django.urls import reverse

from coding.models import Document, DocumentStatus
from research.models import Role
from tests import samples
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_uploads_two_files_and_sees_them_ready(page, tmp_path):
    lead = UserFactory(email="lead@kommune.no")
    project = ProjectFactory(title="Smarte kommuner")
    MembershipFactory(project=project, user=lead, role=Role.LEAD)
    strategy = tmp_path / "strategi.pdf"
    strategy.write_bytes(samples.norwegian_strategy_pdf(3))
    interview = tmp_path / "intervju.txt"
    interview.write_bytes(samples.interview_transcript_txt())

    log_in(page, "lead@kommune.no", PASSWORD)
    page.goto(reverse("coding:document-list", args=[project.code]))
    page.get_by_role("link", name="Upload documents").click()
    page.wait_for_load_state()  # upload.js (a module script) is listening from here on
    page.locator("input[type=file][name=files]").set_input_files([str(strategy), str(interview)])
    # The drop zone lists the chosen files (upload.js).
    page.locator("[data-dropzone-list] li").nth(1).wait_for()
    assert page.locator("[data-dropzone-list] li").count() == 2
    page.get_by_label("Kind").select_option("strategy")
    page.get_by_role("button", name="Upload", exact=True).click()
    page.wait_for_url("**/documents/")
    page.get_by_text("2 files uploaded").wait_for()
    rows = page.locator("tr[data-status=ready]")
    rows.nth(1).wait_for(timeout=15_000)
    assert rows.count() == 2
    assert Document.objects.filter(project=project, status=DocumentStatus.READY).count() == 2

    page.get_by_role("link", name=samples.PDF_TITLE).click()
    page.locator("#page-3").wait_for()
    assert page.locator(".doc-para").count() > 3
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_a_lead_drops_a_file_on_the_drop_zone_and_sees_it_ready(page):
    lead = UserFactory(email="lead@kommune.no")
    project = ProjectFactory(title="Smarte kommuner")
    MembershipFactory(project=project, user=lead, role=Role.LEAD)

    log_in(page, "lead@kommune.no", PASSWORD)
    page.goto(reverse("study:document-upload", args=[project.code]))
    # A real drag from the desktop cannot be scripted; a synthetic drop event carries a
    # DataTransfer with a file built in the page, which is what upload.js receives.
    page.evaluate(
        """() => {
            const transfer = new DataTransfer();
            transfer.items.add(new File(["Kommunen samarbeider med næringslivet.\\n"],
                                        "notat.txt", {type: "text/plain"}));
            const zone = document.querySelector("[data-dropzone]");
            zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer, bubbles: true}));
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true}));
        }"""
    )
    page.locator("[data-dropzone-list] li", has_text="notat.txt").wait_for()
    assert page.locator("input[type=file][name=files]").evaluate("input => input.files.length") == 1
    page.get_by_role("button", name="Upload", exact=True).click()
    page.wait_for_url("**/documents/")
    page.get_by_text("1 file uploaded").wait_for()
    page.locator("tr[data-status=ready]", has_text="notat").wait_for(timeout=15_000)
    document = Document.objects.get(project=project)
    assert document.status == DocumentStatus.READY and document.original_name == "notat.txt"
    assert "næringslivet" in document.text
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
