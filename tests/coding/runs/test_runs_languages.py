"""An agreement run's exports in English and Norwegian: the CSV stays English (a machine
format), the workbook and the results page follow the reader's language, and the methods
paragraph is written in the language chosen for it, with the same numbers sentence by
sentence."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from coding.agreement import pooling
from coding.notices import notice_text
from coding.runs.methods import methods_paragraph
from coding.wording import Notice
from tests.coding.runs.paragraphs import assert_same_numbers, numbers
from tests.coding.runs.paragraphs import sentences as sentences_of
from tests.languages import client_speaking, translated

pytestmark = pytest.mark.django_db


def export(client, project, run, query: str):
    url = reverse("coding:agreement-export", kwargs={"project": project.code, "run": run.code})
    return client.get(f"{url}?{query}")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"unit": "document"},
        {"unit": "document", "codes_mode": "level", "level": 1},
        {"unit": "segment", "segment": "sentence", "threshold": 0.5},
        {"unit": "excerpt", "overlap": 0.9},
        {"unit": "character"},
    ],
)
@pytest.mark.parametrize("language", ["nb", "nn"])
def test_the_norwegian_methods_paragraph_says_the_english_numbers_sentence_by_sentence(
    finished, start_run, kwargs, language
):
    run = start_run(**kwargs)
    english = methods_paragraph(run, language="en")
    norwegian = methods_paragraph(run, language=language)
    assert_same_numbers(english, norwegian)
    assert sum(len(numbers(s)) for s in sentences_of(english)) >= 8  # the check checks something


def test_the_bokmal_paragraph_uses_norwegian_research_terms(finished, start_run):
    text = methods_paragraph(start_run(unit="character"), language="nb")
    first, *_rest = sentences_of(text)
    assert first.startswith("Interkoderreliabiliteten ble vurdert for 2 kodere på 3 dokumenter")
    for term in ("Krippendorffs alfa", "Cohens kappa", "prosentvis samsvar", "Gwets AC1"):
        assert term in text
    assert "Krippendorff's" not in text.split("\n\n")[0] and "Referanser\n" in text
    assert "Beregnet med Concord 0.1.0." in text  # a version keeps its points
    # The references stay as published.
    assert "Gwet, K. L. (2008)" in text


def test_the_paragraph_language_is_chosen_on_its_own(finished, project, lead):
    client = client_speaking(lead, "nb")
    default = export(client, project, finished, "format=methods").content.decode()
    assert default.startswith("Interkoderreliabiliteten")  # the interface language
    english = export(client, project, finished, "format=methods&language=en").content.decode()
    assert english.startswith("Inter-coder agreement was assessed") and "0.4" in english
    assert english == methods_paragraph(finished, language="en")
    nynorsk = export(client, project, finished, "format=methods&language=nn").content.decode()
    assert nynorsk.startswith("Interkoderreliabiliteten vart vurdert for 2 kodarar")
    refused = export(client, project, finished, "format=methods&language=de")
    assert refused.status_code == 400
    assert refused.content.decode() == "Ukjent språk «de»."


def test_the_run_page_offers_the_paragraph_in_each_language_the_interface_one_first(
    finished, project, lead
):
    url = reverse("coding:agreement-run", kwargs={"project": project.code, "run": finished.code})
    html = client_speaking(lead, "nb").get(url).content.decode()
    assert '<select class="form-select form-select-sm w-auto" id="methods-language"' in html
    assert '<option value="nb" lang="nb" selected>Norsk bokmål</option>' in html
    assert '<option value="en" lang="en">Engelsk</option>' in html  # as the switcher says it
    assert "Språk for metodeavsnittet" in html
    html = client_speaking(lead, "en").get(url).content.decode()
    assert '<option value="en" lang="en" selected>English</option>' in html


def test_the_csv_is_english_whatever_the_reader_speaks(finished, project, lead):
    english = {
        what: export(
            client_speaking(lead, "en"), project, finished, f"format=csv&what={what}"
        ).content
        for what in ("table", "disagreements")
    }
    norwegian = client_speaking(lead, "nb")
    # Lend the catalogue the coefficient names, so that the CSV has something to refuse.
    with translated("nb", {"% agreement": "% samsvar", "Cohen's κ": "Cohens κ"}):
        for what, body in english.items():
            assert export(norwegian, project, finished, f"format=csv&what={what}").content == body
    rows = list(csv.reader(io.StringIO(english["table"].decode())))
    assert rows[0][:6] == ["code", "path", "units", "prevalence", "disagreements", "% agreement"]
    assert "no variation: every value is the same" in rows[2] + rows[3] + rows[4] + rows[5]


def test_the_workbook_follows_the_reader(finished, project, lead):
    with translated("nb", {"% agreement": "% samsvar"}):
        content = export(client_speaking(lead, "nb"), project, finished, "format=xlsx").content
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Samsvar", "Uenigheter", "Metode"]
    sheet = book["Samsvar"]
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["kode", "sti", "enheter", "prevalens", "uenigheter", "% samsvar"]
    assert "% samsvar: hvorfor udefinert" in header
    rows = list(sheet.iter_rows(min_row=2))
    industry = next(r for r in rows if r[0].value == "Industry")
    # Numbers stay numbers; the format shows them with the reader's decimal mark.
    assert industry[5].data_type == "n" and industry[5].value == pytest.approx(2 / 3)
    assert industry[5].number_format == "0.0%"
    assert industry[7].data_type == "n" and industry[7].number_format == "0.000"
    assert industry[2].number_format == "0" and industry[3].number_format == "0.000"
    reasons = [c.value for r in rows for c in r if isinstance(c.value, str)]
    assert "ingen variasjon: alle verdiene er like" in reasons
    assert "no variation: every value is the same" not in reasons
    assert rows[-1][0].value == "(alle koder samlet)"
    disagreements = [c.value for c in book["Uenigheter"][1]]
    assert disagreements[:5] == ["kode", "dokument", "side", "start", "slutt"]
    assert disagreements[-1] == "kontekst"
    assert book["Metode"]["A1"].value.startswith("Interkoderreliabiliteten")


def test_the_workbook_in_english(finished, project, lead):
    content = export(client_speaking(lead, "en"), project, finished, "format=xlsx").content
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Agreement", "Disagreements", "Methods"]
    assert [c.value for c in book["Agreement"][1]][:3] == ["code", "path", "units"]
    assert book["Methods"]["A1"].value.startswith("Inter-coder agreement")


def test_the_results_page_explains_undefined_values_in_the_readers_language(
    finished, project, lead, start_run
):
    run = start_run(unit="character")
    url = reverse("coding:agreement-run", kwargs={"project": project.code, "run": run.code})
    html = client_speaking(lead, "nb").get(url).content.decode()
    assert "ingen variasjon: alle verdiene er like" in html
    assert "no variation: every value is the same" not in html
    assert "ikke beregnet: tegn er ikke uavhengige enheter" in html  # why α has no interval


def test_stored_reasons_are_said_in_the_active_language():
    light = Notice(pooling.LIGHT_PAIRS_LEFT_OUT, {"used": 2, "pairs": 3, "undefined": 1}).stored()
    with translation.override("nb"):
        assert notice_text(light).startswith("gjennomsnitt av 2 av 3 koderpar")
        assert (
            notice_text("no unit was coded by two coders") == "ingen enhet ble kodet av to kodere"
        )
        assert notice_text("something a later version says") == "something a later version says"
    with translation.override("en"):
        assert notice_text(light) == (
            "mean of 2 of 3 coder pairs; 1 undefined (no variation in their shared units) left out"
        )


def test_the_run_page_shows_values_in_the_readers_number_format(finished, project, lead):
    url = reverse("coding:agreement-run", kwargs={"project": project.code, "run": finished.code})
    norwegian = client_speaking(lead, "nb").get(url).content.decode()
    english = client_speaking(lead, "en").get(url).content.decode()
    english_values = re.findall(r">(-?\d\.\d{3})<", english)
    assert english_values
    for value in english_values:
        assert f">{value.replace('.', ',')}<" in norwegian
