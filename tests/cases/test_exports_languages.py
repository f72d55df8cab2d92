"""The cases' exports in English and Norwegian: the CSVs stay English (machine formats), the
workbooks and the printed tables (LaTeX, Markdown, HTML) follow the reader's language, with
numbers as numbers in the workbooks and a decimal comma in Norwegian print."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from cases.models import Case
from cases.services import attributes as attribute_services
from cases.services import cases as case_services
from cases.services import matrices as matrix_services
from tests.cases.test_latex_compiles import PDFLATEX, compile_latex
from tests.languages import client_speaking, translated

pytestmark = pytest.mark.django_db


# Strings of the catalogues that translators fill outside this branch, lent for these tests.
NORWEGIAN = {
    "Municipality": "Kommune",
    "Reason": "Begrunnelse",
    "%(row)s, %(column)s: set by a lead (computed: %(computed)s). %(reason)s": (
        "%(row)s, %(column)s: satt av en prosjektleder (beregnet: %(computed)s). %(reason)s"
    ),
}


def matrix_export(client, project, matrix, fmt: str) -> bytes:
    url = reverse("cases:matrix-export", kwargs={"project": project.code, "matrix": matrix.code})
    response = client.get(f"{url}?format={fmt}")
    assert response.status_code == 200
    return response.content


@pytest.fixture
def overridden(study, lead):
    """Counts of excerpts, a legend, and one cell a lead set by hand."""
    legend = [{"symbol": "X", "meaning": "yes"}, {"symbol": "*", "meaning": "pilot"}]
    matrix_services.matrix_update(matrix=study.matrix, cell_mode="excerpts", legend=legend)
    matrix_services.cell_override_set(
        row=study.rows["Academia"],
        column=str(study.alpha.code),
        symbol="*",
        reason="Pilot only",
        user=lead,
        computed="1",
    )
    return study.matrix


def test_the_matrix_csv_is_english_whatever_the_reader_speaks(study, project, viewer, overridden):
    english = matrix_export(client_speaking(viewer, "en"), project, overridden, "csv")
    with translated("nb", NORWEGIAN):
        norwegian = matrix_export(client_speaking(viewer, "nb"), project, overridden, "csv")
    assert norwegian == english
    rows = list(csv.reader(io.StringIO(english.decode("utf-8-sig"))))
    assert ["Legend: X = yes; * = pilot"] in rows
    assert ["[1] Academia, Alpha kommune: set by a lead (computed: 1). Pilot only"] in rows


def test_the_matrix_workbook_follows_the_reader_with_counts_as_numbers(
    study, project, viewer, overridden
):
    with translated("nb", NORWEGIAN):
        content = matrix_export(client_speaking(viewer, "nb"), project, overridden, "xlsx")
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Matrise"]
    sheet = book["Matrise"]
    cells = {
        (row[0].value, column): row[column]
        for row in sheet.iter_rows(min_row=3)
        for column in (1, 2)
        if row[0].value
    }
    industry = cells[("Industry", 1)]
    assert industry.data_type == "n" and industry.value == 2 and industry.number_format == "0"
    pilot = cells[("Academia", 1)]
    assert pilot.value == "* [1]" and pilot.data_type == "s"  # a lead's symbol stays text
    assert "Beregnet: 1" in pilot.comment.text and "Begrunnelse: Pilot only" in pilot.comment.text
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Merknader" in texts
    assert "Tegnforklaring: X = yes; * = pilot" in texts
    assert (
        "[1] Academia, Alpha kommune: satt av en prosjektleder (beregnet: 1). Pilot only" in texts
    )
    assert (
        "Celler i fet skrift (kursiv i LaTeX) er satt av en prosjektleder; begrunnelsene står i "
        "merknadene." in texts
    )


def test_the_matrix_workbook_in_english(study, project, viewer, overridden):
    book = load_workbook(
        io.BytesIO(matrix_export(client_speaking(viewer, "en"), project, overridden, "xlsx"))
    )
    assert book.sheetnames == ["Matrix"]
    texts = [c.value for row in book.active.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Notes" in texts and "Legend: X = yes; * = pilot" in texts


def coverage(study):
    matrix_services.matrix_update(matrix=study.matrix, cell_mode="coverage")
    return study.matrix


def test_coverage_is_a_percentage_cell_in_the_workbook(study, project, viewer):
    content = matrix_export(client_speaking(viewer, "nb"), project, coverage(study), "xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    industry = next(r for r in sheet.iter_rows() if r[0].value == "Industry")
    assert industry[1].data_type == "n" and 0 < industry[1].value < 1
    assert industry[1].number_format == "0.0%"


SHARE = {"en": r"\d+\.\d \\%", "nb": r"\d+,\d \\%"}


@pytest.mark.parametrize(("language", "other"), [("en", "nb"), ("nb", "en")])
def test_latex_writes_shares_with_the_readers_decimal_mark(study, project, viewer, language, other):
    tex = matrix_export(client_speaking(viewer, language), project, coverage(study), "tex").decode()
    industry = next(line for line in tex.splitlines() if line.startswith("Industry"))
    assert re.search(SHARE[language], industry), industry
    assert not re.search(SHARE[other], industry), industry


@pytest.mark.skipif(PDFLATEX is None, reason="pdflatex not installed (apt-get install texlive)")
def test_the_norwegian_latex_compiles(study, project, viewer, overridden, tmp_path):
    with translated("nb", NORWEGIAN):
        tex = matrix_export(client_speaking(viewer, "nb"), project, overridden, "tex").decode()
    assert "Tegnforklaring: X = yes; * = pilot\\par" in tex
    tex += matrix_export(client_speaking(viewer, "nb"), project, coverage(study), "tex").decode()
    assert re.search(SHARE["nb"], tex)
    compile_latex(tmp_path, tex)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_markdown_and_html_follow_the_reader(study, project, viewer, overridden, fmt):
    with translated("nb", NORWEGIAN):
        norwegian = matrix_export(client_speaking(viewer, "nb"), project, overridden, fmt).decode()
    english = matrix_export(client_speaking(viewer, "en"), project, overridden, fmt).decode()
    assert "Tegnforklaring: X = yes" in norwegian and "Legend:" not in norwegian
    assert "Legend: X = yes" in english and "Tegnforklaring" not in english
    if fmt == "html":
        assert 'title="Beregnet: 1. Begrunnelse: Pilot only"' in norwegian


# --- the case table -------------------------------------------------------------------------


@pytest.fixture
def attributes(study, project):
    attribute_services.attribute_create(project=project, name="Population", type="number")
    attribute_services.attribute_create(project=project, name="Joined", type="date")
    attribute_services.attribute_create(project=project, name="Coastal", type="boolean")
    attribute_services.attribute_values_set(
        case=study.alpha, values={"Population": "12 500", "Joined": "2019-01-01", "Coastal": "yes"}
    )
    return study


def case_export(client, project, fmt: str) -> bytes:
    response = client.get(
        reverse("cases:case-export", kwargs={"project": project.code}), {"format": fmt}
    )
    assert response.status_code == 200
    return response.content


def test_the_case_csv_is_english_whatever_the_reader_speaks(attributes, project, viewer):
    english = case_export(client_speaking(viewer, "en"), project, "csv")
    with translated("nb", NORWEGIAN):
        assert case_export(client_speaking(viewer, "nb"), project, "csv") == english
    rows = list(csv.reader(io.StringIO(english.decode("utf-8-sig"))))
    assert rows[0] == [
        "name", "pseudonym", "kind", "description", "part of", "Population", "Joined", "Coastal"
    ]  # fmt: skip
    assert rows[1] == [
        "Alpha kommune",
        "Alpha",
        "municipality",
        "",
        "",
        "12500",
        "2019-01-01",
        "yes",
    ]


def test_the_case_workbook_follows_the_reader_and_keeps_values_typed(attributes, project, viewer):
    with translated("nb", NORWEGIAN):
        content = case_export(client_speaking(viewer, "nb"), project, "xlsx")
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Caser"]
    sheet = book["Caser"]
    assert [c.value for c in sheet[1]] == [
        "navn", "pseudonym", "type", "beskrivelse", "del av", "Population", "Joined", "Coastal"
    ]  # fmt: skip
    alpha = sheet[2]
    assert alpha[0].value == "Alpha kommune" and alpha[2].value == "Kommune"
    assert alpha[5].data_type == "n" and alpha[5].value == 12500
    assert alpha[6].is_date and alpha[6].value == dt.datetime(2019, 1, 1)
    assert alpha[7].data_type == "b" and alpha[7].value is True


def forget_cases(project):
    for case in Case.objects.filter(project=project):
        case_services.case_delete(case=case)


def assert_alpha_is_back():
    alpha = Case.objects.get(name="Alpha kommune")
    assert alpha.kind == "municipality" and alpha.pseudonym == "Alpha"
    values = {v.definition.name: v.value for v in alpha.attribute_values.all()}
    assert values == {"Population": 12500, "Joined": dt.date(2019, 1, 1), "Coastal": True}


def test_a_norwegian_workbook_imports_back_for_an_english_reader(attributes, project, viewer):
    with translated("nb", NORWEGIAN):
        content = case_export(client_speaking(viewer, "nb"), project, "xlsx")
        forget_cases(project)
        with translation.override("en"):
            result = case_services.cases_import_file(
                project=project, data=content, filename="caser.xlsx", confirmed=True
            )
    assert result.problems == [] and result.counts == {"created": 2, "updated": 0}
    assert_alpha_is_back()


def test_a_norwegian_workbook_imports_back_through_the_page(attributes, project, viewer, lead):
    client, url = (
        client_speaking(lead, "nb"),
        reverse("cases:case-import", kwargs={"project": project.code}),
    )
    with translated("nb", NORWEGIAN):
        content = case_export(client_speaking(viewer, "nb"), project, "xlsx")
        forget_cases(project)
        preview = client.post(url, {"file": SimpleUploadedFile("caser.xlsx", content)})
        assert preview.status_code == 200 and preview.context["problems"] == []
        payload = {"payload": preview.context["payload"], "filename": "caser.xlsx"}
        assert client.post(url, payload).status_code == 302
    assert_alpha_is_back()


def test_an_attribute_named_like_a_translated_column_keeps_its_column(study, project, viewer):
    # "type" is Norwegian for the case's kind: an attribute of that name must not lose to it.
    attribute_services.attribute_create(project=project, name="Type", type="text")
    attribute_services.attribute_values_set(case=study.alpha, values={"Type": "coastal"})
    content = case_export(client_speaking(viewer, "nb"), project, "xlsx")
    header = [c.value for c in load_workbook(io.BytesIO(content)).active[1]]
    assert header == ["navn", "pseudonym", "kind", "beskrivelse", "del av", "Type"]
    forget_cases(project)
    result = case_services.cases_import_file(
        project=project, data=content, filename="caser.xlsx", confirmed=True
    )
    assert result.problems == []
    alpha = Case.objects.get(name="Alpha kommune")
    assert alpha.kind == "municipality" and alpha.attribute_values.get().text == "coastal"


def test_the_frequency_table_csv_is_the_same_whatever_the_reader_speaks(study, project, viewer):
    url = reverse("cases:frequency-table", kwargs={"project": project.code})
    english = client_speaking(viewer, "en").get(url, {"format": "csv"}).content
    assert client_speaking(viewer, "nb").get(url, {"format": "csv"}).content == english
    header = next(csv.reader(io.StringIO(english.decode("utf-8-sig"))))
    assert header == ["cluster", "category", "documents coded", "total codings", "concepts"]
