import pytest

from coding.codebook import services
from coding.models import Code, CodeStatus
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


def _names(page):
    return page.locator("tr.codebook-row .fw-medium").all_inner_texts()


def _lead_with_codes(*names):
    lead = UserFactory(email="lead@kommune.no")
    project = ProjectFactory(title="Smart villages")
    Membership.objects.create(project=project, user=lead, role=Role.LEAD)
    codes = {name: services.code_create(project=project, name=name, user=lead) for name in names}
    return project, lead, codes


def test_drop_on_the_top_edge_of_a_row_puts_the_code_before_it(page):
    project, lead, codes = _lead_with_codes("Actors", "Value", "Zeta")
    academia = services.code_create(
        project=project, name="Academia", user=lead, parent=codes["Actors"]
    )
    log_in(page, "lead@kommune.no", PASSWORD)
    page.goto(f"/p/{project.code}/codebook/")
    assert _names(page) == ["Actors", "Academia", "Value", "Zeta"]

    def drop_before(source, target):
        with page.expect_navigation():
            page.locator(f"#code-row-{source.code}").drag_to(
                page.locator(f"#code-row-{target.code}"), target_position={"x": 40, "y": 2}
            )

    drop_before(codes["Zeta"], codes["Actors"])  # upwards among top-level siblings
    assert _names(page) == ["Zeta", "Actors", "Academia", "Value"]
    drop_before(codes["Zeta"], codes["Value"])  # downwards: lands just before Value
    assert _names(page) == ["Actors", "Academia", "Zeta", "Value"]
    drop_before(codes["Value"], academia)  # before a sub-code: becomes its sibling
    assert _names(page) == ["Actors", "Value", "Academia", "Zeta"]
    value = Code.objects.get(pk=codes["Value"].pk)
    assert value.parent_id == codes["Actors"].pk and value.depth == 1
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_code_opens_in_the_panel_and_saves_in_place(page):
    project, _lead, codes = _lead_with_codes("Actors", "Value")
    log_in(page, "lead@kommune.no", PASSWORD)
    page.goto(f"/p/{project.code}/codebook/")
    page.locator(f"#code-name-{codes['Value'].code}").click()
    panel = page.locator("#code-detail")
    panel.get_by_label("Name").fill("Perceived value")
    assert page.url.endswith(f"/p/{project.code}/codebook/")  # stayed on the tree
    assert panel.get_by_role("link", name="Merge into…").is_visible()
    panel.get_by_role("button", name="Save").click()
    panel.get_by_text("Saved.").wait_for()
    # The row's name is updated in place, and it still opens the panel.
    assert page.locator(f"#code-name-{codes['Value'].code}").inner_text() == "Perceived value"
    page.locator(f"#code-name-{codes['Actors'].code}").click()
    panel.get_by_role("heading", name="Edit “Actors”").wait_for()
    # "New code" loads the create form into the panel; saving reloads the tree.
    page.get_by_role("link", name="New code").click()
    panel.get_by_role("heading", name="New code").wait_for()  # not the edit form still there
    panel.get_by_label("Name").fill("Trust")
    with page.expect_navigation():
        panel.get_by_role("button", name="Create code").click()
    assert "Trust" in _names(page)
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_without_javascript_a_lead_reaches_the_code_actions(browser, live_server):
    project, _lead, codes = _lead_with_codes("Actors", "Value")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, "lead@kommune.no", PASSWORD)
        page.goto(f"/p/{project.code}/codebook/")
        page.get_by_role("link", name="Value", exact=True).click()  # a plain link: the edit page
        assert page.url.endswith(f"/codebook/{codes['Value'].code}/")
        page.get_by_role("button", name="↑ Up").click()  # a plain form post, back to the tree
        assert _names(page) == ["Value", "Actors"]
        page.get_by_role("link", name="Value", exact=True).click()
        page.get_by_role("link", name="Delete…").click()
        page.get_by_role("button", name="Delete the code").click()
        assert _names(page) == ["Actors"]
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 1440])
def test_long_definitions_stay_in_the_table_and_accept_is_clickable(page, width):
    # NVivo's descriptions run to a thousand characters on one line; the row shows one line of
    # it, cut with an ellipsis, so the Accept button stays inside the column.
    project, lead, codes = _lead_with_codes("Actors")
    services.code_update(code=codes["Actors"], user=lead, definition="Public bodies " * 120)
    proposed = services.code_create(
        project=project,
        name="Experimental networks",
        user=lead,
        status=CodeStatus.PROPOSED,
        definition="Networks " * 150,
    )
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "lead@kommune.no", PASSWORD)
    page.goto(f"/p/{project.code}/codebook/")
    overflow = page.evaluate(
        """() => {
          const table = document.querySelector('#codebook-tree');
          return [table.scrollWidth, table.parentElement.clientWidth,
                  document.documentElement.scrollWidth, window.innerWidth];
        }"""
    )
    assert overflow[0] <= overflow[1] and overflow[2] <= overflow[3], overflow
    with page.expect_navigation():
        page.get_by_role("button", name="Accept the proposed code Experimental networks").click()
    proposed.refresh_from_db()
    assert proposed.status == CodeStatus.ACTIVE
