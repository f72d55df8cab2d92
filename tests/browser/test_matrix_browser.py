"""The cross-case matrix in a browser: evidence in the panel, an override with its reason, the
XLSX export carrying the lead's symbol, and new matrices from the study's layout."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cases.models import CellOverride, Matrix
from cases.services import cases as case_services
from cases.services import matrices as matrix_services
from research.models import Membership, Role
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.factories import (
    CodeFactory,
    DocumentFactory,
    ExcerptFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def study():
    lead = UserFactory(email="lead@kommune.no", display_name="Lea Lead")
    coder = UserFactory(email="coder@kommune.no", display_name="Cora Coder")
    project = ProjectFactory(title="Smart villages", blind_coding=False)
    Membership.objects.create(project=project, user=lead, role=Role.LEAD)
    Membership.objects.create(project=project, user=coder, role=Role.CODER)
    actors = CodeFactory(project=project, name="Actors")
    industry = CodeFactory(project=project, name="Industry", parent=actors)
    academia = CodeFactory(project=project, name="Academia", parent=actors)
    plan = DocumentFactory(project=project, title="Alpha strategy")
    alpha = case_services.case_create(project=project, name="Alpha kommune")
    case_services.case_set_documents(case=alpha, documents=[plan])
    excerpt = ExcerptFactory(document=plan, coder=coder, start=0, end=12, codes=[industry])
    matrix = matrix_services.matrix_create_from_template(
        project=project,
        name="Table 3",
        sections=[("Cooperates with", [("Industry", industry), ("Academia", academia)])],
        user=lead,
    )
    return project, matrix, alpha, excerpt


def test_lead_reads_evidence_overrides_a_cell_and_exports_it(page, study, tmp_path):
    project, matrix, alpha, excerpt = study
    log_in(page, "lead@kommune.no", PASSWORD)
    page.goto(f"/p/{project.code}/matrices/{matrix.code}/")
    table = page.locator("table.matrix-table")
    industry = table.locator("tr", has=page.get_by_role("rowheader", name="Industry"))
    academia = table.locator("tr", has=page.get_by_role("rowheader", name="Academia"))

    # A computed cell: clicking it loads its evidence into the panel (hx-boost), no new page.
    industry.get_by_role("link", name="X").click()
    panel = page.locator("#evidence-panel")
    panel.get_by_text(excerpt.text.strip()[:8]).wait_for()
    assert "1 excerpt behind this cell" in panel.inner_text()
    assert page.url.endswith(f"/matrices/{matrix.code}/")  # boosted into the panel

    # A blank cell: the lead overrides it with "*" and a reason.
    academia.get_by_role("link", name="blank").click()
    panel.get_by_text("0 excerpts behind this cell").wait_for()
    panel.get_by_role("link", name="Override this cell").click()
    page.get_by_label("Symbol").select_option("*")
    page.get_by_label("Reason").fill("Pilot with the university mentioned in the interview")
    page.get_by_role("button", name="Override the cell").click()
    page.get_by_text("Cell overridden.").wait_for()
    cell = academia.locator("td.matrix-overridden")
    assert cell.inner_text().startswith("*")
    assert "computed: blank" in cell.get_attribute("title")
    stored = CellOverride.objects.get()
    assert (stored.symbol, stored.column) == ("*", str(alpha.code))

    # The XLSX export carries the lead's symbol in that cell.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="XLSX").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    target = tmp_path / "matrix.xlsx"
    download.save_as(target)
    sheet = load_workbook(io.BytesIO(Path(target).read_bytes())).active
    rows = {
        row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row and row[0] is not None
    }
    assert rows["Academia"][0].startswith("*")  # "* [1]": the note gives the reason
    assert rows["Industry"][0] == "X"

    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_lead_starts_a_matrix_from_the_study_layout_and_reorders_it(page, study):
    project, _matrix, _alpha, _excerpt = study
    log_in(page, "lead@kommune.no", PASSWORD)
    page.goto(f"/p/{project.code}/matrices/new/")
    page.get_by_label("Name").fill("Cross-case comparison")
    page.get_by_label("Start from the study's Table 3 layout").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Matrix created from the study's layout").wait_for()
    matrix = Matrix.objects.get(name="Cross-case comparison")
    rows = {r.label: r for s in matrix.sections.all() for r in s.rows.all()}
    assert rows["Industry"].codebook_code.name == "Industry"
    assert rows["Smart city"].codebook_code is None
    table = page.locator("table.matrix-table")
    smart_city = table.locator("tr", has=page.get_by_role("rowheader", name="Smart city"))
    assert "no code mapped" in smart_city.inner_text()

    # Move the second row of the first section up: it becomes the first.
    with page.expect_navigation():
        page.get_by_role("button", name="Move up: Academia").click()
    headers = table.get_by_role("rowheader").all_inner_texts()
    assert headers.index(next(h for h in headers if h.startswith("Academia"))) < headers.index(
        next(h for h in headers if h.startswith("Industry"))
    )
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
