"""axe-core (vendored, test-only: tests/browser/vendor, MPL-2.0) on the main pages: no serious or
critical WCAG 2 A/AA violations (colour contrast, landmarks, names), at desktop width and 390 px."""

from pathlib import Path

import pytest
from django.urls import reverse

from cases.services.matrices import matrix_create_from_template
from coding.codebook.services import code_create
from coding.models import Assignment
from tests.browser.conftest import log_in
from tests.browser.test_coding_browser import TEXT
from tests.conftest import PASSWORD
from tests.factories import CodeFactory, DocumentFactory, ExcerptFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"

RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'region')
    .map((v) => `${v.id} (${v.impact}): ` +
      v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | '));
}"""


def _pages(project, document, matrix):
    p = {"project": project.code}
    return {
        "matrix": reverse("cases:matrix-detail", kwargs={**p, "matrix": matrix.code}),
        "coding view": reverse("coding:coding-view", kwargs={**p, "document": document.code}),
        "codebook": reverse("coding:codebook", kwargs=p),
        "documents": reverse("coding:document-list", kwargs=p),
        "agreement": reverse("study:agreement-list", kwargs=p),
        "matrices": reverse("cases:matrix-list", kwargs=p),
        "upload": reverse("study:document-upload", kwargs=p),
        "projects": reverse("research:project-list"),
    }


@pytest.fixture
def world(project, lead, coder):
    document = DocumentFactory(project=project, title="Strategi", text=TEXT)
    Assignment.objects.create(document=document, coder=coder)
    code = CodeFactory(project=project, name="Verdi", colour="#d62728", shortcut="1")
    ExcerptFactory(document=document, coder=lead, start=0, end=8, codes=[code])
    # A change in the codebook's log, so its "Undo last change" button is enabled.
    code_create(project=project, name="Åpne data", user=lead)
    matrix = matrix_create_from_template(
        project=project,
        name="Matrise for Øvre Eiker",
        sections=[("Verdi", [("Verdi", code)])],
        user=lead,
    )
    return document, matrix


@pytest.mark.parametrize("width", [1440, 390])
def test_main_pages_have_no_serious_axe_violations(page, project, lead, world, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, lead.email, PASSWORD)
    page.wait_for_url("**/")
    source = AXE.read_text(encoding="utf-8")
    found = {}
    for name, url in _pages(project, *world).items():
        response = page.goto(url)
        assert response.ok, (name, response.status)
        if name == "coding view":
            page.wait_for_selector("#coding-text[data-ready='1']")
        page.evaluate(source)  # evaluate is not subject to the page's CSP
        violations = page.evaluate(RUN)
        if violations:
            found[name] = violations
    assert found == {}
