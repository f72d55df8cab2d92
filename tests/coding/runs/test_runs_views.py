"""The agreement pages: roles, blind rule, query counts, exports cell by cell."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from coding.models import AgreementCodeResult
from tests.coding.runs.factories import build_world, sentences
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _url(name, project, **kwargs):
    return reverse(f"coding:{name}", kwargs={"project": project.code, **kwargs})


def test_results_page_shows_values_colours_and_reasons(finished, project, lead):
    response = client_for(lead).get(_url("agreement-run", project, run=finished.code))
    assert response.status_code == 200
    html = response.content.decode()
    assert "0.444" in html  # Industry α
    assert "agreement-unreliable" in html
    assert "no variation" in html
    assert "prevalence paradox" in html
    assert "95 % bootstrap CI" in html


def test_codes_nobody_applied_are_folded_under_a_count(finished, project, lead):
    # Technology and Sensors were never applied: their AC1 of 1.000 says nothing, so they sit
    # in a folded section with its own explanation, after the codes that were applied.
    response = client_for(lead).get(_url("agreement-run", project, run=finished.code))
    applied = [r.name for r in response.context["rows"]]
    folded = [r.name for r in response.context["unapplied"]]
    assert "Industry" in applied and "University" in applied
    assert "Technology" in folded and "Sensors" in folded
    assert not set(applied) & set(folded)
    html = response.content.decode()
    assert f"{len(folded)} codes nobody applied" in html
    assert html.index("Industry") < html.index("codes nobody applied") < html.index("Sensors")


def test_results_can_be_sorted(finished, project, lead):
    response = client_for(lead).get(
        _url("agreement-run", project, run=finished.code) + "?sort=-alpha"
    )
    names = [r.name for r in response.context["rows"]]
    assert names[:2] == ["Industry", "University"]  # defined values first, highest first


def test_results_page_query_count_does_not_grow(
    project, lead, coder, coder2, start_run, django_assert_num_queries
):
    from tests.factories import CodeFactory

    world = build_world(project, [coder, coder2])
    small = start_run(unit="document")
    for i in range(10):
        CodeFactory(project=project, name=f"Extra {i}")
    from tests.factories import DocumentFactory

    for i in range(3):
        DocumentFactory(project=project, title=f"More {i}")
    big = start_run(unit="document")
    assert big.code_results.count() > small.code_results.count()
    client = client_for(lead)
    # This process signs the session in: later, its user comes with the session.
    client.get(_url("agreement-run", project, run=small.code))
    # session with its user, membership, run (+job), code rows, coders, other runs
    for run in (small, big):
        with django_assert_num_queries(6):
            client.get(_url("agreement-run", project, run=run.code))
        code = world["industry"].code
        # session with its user, membership, run, code, code row, coders
        with django_assert_num_queries(6):
            client.get(_url("agreement-code", project, run=run.code, code=code))


def test_coder_sees_results_only_after_unblinding(finished, project, coder):
    url = _url("agreement-run", project, run=finished.code)
    assert client_for(coder).get(url).status_code == 403
    project.blind_coding = False
    project.save()
    assert client_for(coder).get(url).status_code == 200


def test_outsider_gets_404(finished, project, outsider):
    assert (
        client_for(outsider).get(_url("agreement-run", project, run=finished.code)).status_code
        == 404
    )


def test_disagreements_page_lists_spans_codes_and_context(
    finished, world, project, lead, coder, coder2
):
    url = _url("agreement-code", project, run=finished.code, code=world["industry"].code)
    response = client_for(lead).get(url)
    html = response.content.decode()
    items = response.context["items"]
    assert len(items) == 1 and items[0]["title"] == "Strategi 2"
    values = {c["name"]: c["value"] for c in items[0]["coders"]}
    assert sorted(values.values()) == [0, 1]
    assert "Industry" in html  # the span's codes
    assert f"?coders={coder.pk},{coder2.pk}#excerpt-{items[0]['excerpt']}" in html


def test_segment_disagreements_carry_context(world, project, lead, coder, coder2, start_run):
    s = sentences()
    world["code"](coder, world["docs"][0], s[1], [world["industry"]])
    run = start_run(unit="segment")
    url = _url("agreement-code", project, run=run.code, code=world["industry"].code)
    html = client_for(lead).get(url).content.decode()
    assert "Vi vil bruke sensorer" in html


def test_viewer_in_a_blind_project_sees_no_coded_text(finished, world, project, viewer):
    url = _url("agreement-code", project, run=finished.code, code=world["industry"].code)
    response = client_for(viewer).get(url)
    assert response.status_code == 200
    assert "Kommunen skal" not in response.content.decode()


def test_wrong_method(finished, project, lead):
    assert (
        client_for(lead).post(_url("agreement-run", project, run=finished.code)).status_code == 405
    )


def test_export_table_csv_cell_by_cell(finished, project, lead):
    url = _url("agreement-export", project, run=finished.code) + "?format=csv"
    rows = list(csv.reader(io.StringIO(client_for(lead).get(url).content.decode())))
    assert rows[0][:6] == ["code", "path", "units", "prevalence", "disagreements", "% agreement"]
    industry = next(r for r in rows if r[0] == "Industry")
    assert industry[1] == "Collaboration › Industry"
    assert float(industry[2]) == 3 and float(industry[3]) == 0.5 and industry[4] == "1"
    assert float(industry[5]) == pytest.approx(2 / 3)
    assert float(industry[7]) == pytest.approx(4 / 9)  # percent, cohen, alpha
    tech = next(r for r in rows if r[0] == "Technology")
    alpha_reason = rows[0].index("Krippendorff's α: why undefined")
    assert tech[7] == "" and tech[alpha_reason] == "no variation: every value is the same"
    assert rows[-1][0] == "(all codes pooled)"


def test_export_disagreements_csv_and_xlsx(finished, project, lead, coder, coder2):
    base = _url("agreement-export", project, run=finished.code)
    rows = list(
        csv.reader(
            io.StringIO(
                client_for(lead).get(base + "?format=csv&what=disagreements").content.decode()
            )
        )
    )
    assert rows[0][:5] == ["code", "document", "page", "start", "end"]
    assert len(rows) == 1 + 2  # Industry and University disagree once each
    industry = next(r for r in rows if r[0] == "Industry")
    assert industry[1] == "Strategi 2" and industry[2] == "1"
    book = load_workbook(io.BytesIO(client_for(lead).get(base + "?format=xlsx").content))
    assert book.sheetnames == ["Agreement", "Disagreements", "Methods"]
    sheet = book["Agreement"]
    assert sheet["A1"].value == "code"
    found = [r for r in sheet.iter_rows(values_only=True) if r[0] == "Industry"][0]
    assert found[7] == pytest.approx(4 / 9)
    assert book["Disagreements"].max_row == 3


def _cells(rows) -> list[list[str]]:
    return [["" if value is None else str(value) for value in row] for row in rows]


def test_workbook_lists_the_disagreements_of_the_csv(
    world, project, lead, coder, coder2, start_run
):
    # At the character unit, with each coder's excerpts named (two codes on one excerpt, an
    # excerpt named by two disagreements) and the passage around each span.
    s = sentences()
    d = world["docs"]
    world["code"](coder, d[0], s[1], [world["industry"], world["sensors"]])
    world["code"](coder2, d[0], (s[1][0] + 5, s[1][1]), [world["sensors"]])
    world["code"](coder2, d[1], s[0], [world["university"]])
    world["code"](coder, d[2], s[2], [world["industry"]])
    run = start_run(unit="character")
    base = _url("agreement-export", project, run=run.code)
    client = client_for(lead)
    text = client.get(base + "?format=csv&what=disagreements").content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) > 4
    assert any("Industry, Sensors" in cell for row in rows for cell in row)
    book = load_workbook(io.BytesIO(client.get(base + "?format=xlsx").content))
    sheet = book["Disagreements"]
    assert _cells(sheet.iter_rows(values_only=True)) == rows
    # Numbers stay numbers in the workbook: the span and each coder's value.
    assert [type(cell.value) for cell in sheet[2][3:6]] == [int, int, int]


def test_runs_stored_before_the_compact_form_still_export(
    world, project, lead, coder, coder2, start_run
):
    run = start_run(unit="document")
    excerpt = {"uuid": "e1", "start": 3, "end": 9, "codes": ["Industry", "Sensors"]}
    AgreementCodeResult.objects.filter(run=run, code=world["industry"]).update(
        disagreements=[
            {
                "document": str(world["docs"][0].code),
                "title": "Strategi 1",
                "start": 0,
                "end": 40,
                "page": None,
                "context": "Kommunen skal",
                "coders": [{"coder": coder.pk, "value": 1, "excerpts": [excerpt, excerpt]}],
            }
        ],
    )
    base = _url("agreement-export", project, run=run.code)
    text = client_for(lead).get(base + "?format=csv&what=disagreements").content.decode()
    (found,) = [r for r in csv.reader(io.StringIO(text)) if r[0] == "Industry"]
    coder_cells = ["1", "3–9 (Industry, Sensors); 3–9 (Industry, Sensors)", "missing", ""]
    assert found == ["Industry", "Strategi 1", "", "0", "40", *coder_cells, "Kommunen skal"]


def test_methods_paragraph(finished, project, lead):
    text = (
        client_for(lead)
        .get(_url("agreement-export", project, run=finished.code) + "?format=methods")
        .content.decode()
    )
    assert "2 coders on 3 documents and 5 codes" in text
    # α's basis, as a whole number (pooled weights are floats).
    assert "on 30 pairable values in 15 (unit, code) cells" in text
    assert ".0 pairable" not in text
    assert "Krippendorff's α (nominal) = " in text and "95 % bootstrap interval" in text
    assert "Concord 0.1.0" in text and "References" in text and "Gwet, K. L. (2008)" in text


def test_methods_paragraph_says_what_cu_alpha_rests_on(finished, project, lead, start_run):
    run = start_run(unit="character")
    pooled = run.results["unitized"]["pooled"]
    text = (
        client_for(lead)
        .get(_url("agreement-export", project, run=run.code) + "?format=methods")
        .content.decode()
    )
    chars, length = pooled["pairable_characters"], pooled["length"]
    assert (
        f"cuα rests on the {chars} characters at least two coders marked as relevant, "
        f"{chars / length * 100:.1f} % of the {length} characters of text" in text
    )
    assert "of the coded text" not in text


def test_export_bad_format_and_roles(finished, project, lead, viewer):
    base = _url("agreement-export", project, run=finished.code)
    assert client_for(lead).get(base + "?format=pdf").status_code == 400
    assert client_for(viewer).get(base + "?format=csv").status_code == 403


def test_compare_two_runs_shows_deltas(finished, world, project, lead, coder, start_run):
    world["code"](coder, world["docs"][2], sentences()[2], [world["sensors"]])
    second = start_run(unit="document", name="Round 2")
    response = client_for(lead).get(
        _url("agreement-compare", project) + f"?a={finished.code}&b={second.code}"
    )
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert comparison["columns"][0] == "Krippendorff's α" and not comparison["warnings"]
    html = response.content.decode()
    runs = '<th scope="col" translate="no">Round 1</th><th scope="col" translate="no">Round 2</th>'
    assert runs + '<th scope="col">Δ</th>' in html
    industry = next(r for r in comparison["rows"] if r["name"] == "Industry")
    assert industry["cells"][0]["delta"] == "+0.000"
    on_page = client_for(lead).get(
        _url("agreement-run", project, run=second.code) + f"?compare={finished.code}"
    )
    assert on_page.context["comparison"] is not None
    # A run of another unit and roll-up is compared only with a warning saying why.
    other = start_run(unit="segment", codes_mode="level", level=1, name="Categories")
    warned = client_for(lead).get(
        _url("agreement-compare", project) + f"?a={finished.code}&b={other.code}"
    )
    warnings = warned.context["comparison"]["warnings"]
    assert len(warnings) == 2 and "different units" in warnings[0]
    assert "agreement-compare-warning" in warned.content.decode()
    bad = client_for(lead).get(_url("agreement-compare", project) + "?a=nonsense")
    assert bad.status_code == 400


def test_a_norwegian_reader_gets_the_reasons_in_norwegian(finished, project, lead, start_run):
    # Runs store why a value is undefined as English message ids; the page words them in the
    # reader's language, so runs stored before the translation read the same way.
    client = client_for(lead)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nb"
    html = client.get(_url("agreement-run", project, run=finished.code)).content.decode()
    assert "i.a.</span> <span" in html
    assert "(ingen variasjon: alle verdiene er like)" in html
    assert "no variation" not in html
    characters = start_run(unit="character")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nn"
    html = client.get(_url("agreement-run", project, run=characters.code)).content.decode()
    assert "α-intervall: ikkje rekna ut: teikn er ikkje uavhengige einingar" in html
