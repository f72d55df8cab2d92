"""Agreement runs against the consensus: each coder compared with the reconciled codings on
the run's units, agreement before discussion kept apart, and how disagreements were resolved.

Both documents of the conftest are reconciled by keeping the first coder's version (and
"nothing" where only the second coder coded), so the first coder agrees with the consensus
everywhere and the second does not."""

import pytest
from django.urls import reverse

from coding.models import AgreementRun, Candidate, DecisionKind
from coding.reconcile import services
from coding.runs.exports import methods_paragraph
from coding.runs.services import agreement_run_start
from tests.coding.runs.paragraphs import assert_same_numbers
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def reconciled(project, lead, coder, coder2, coded):
    reconciliation = services.reconciliation_open(
        project=project, documents=list(coded), coders=[coder, coder2], user=lead
    )
    for candidate in Candidate.objects.filter(item__reconciliation=reconciliation):
        sources = {s["coder"] for s in candidate.sources}
        services.decision_make(
            candidate=candidate,
            version=candidate.version,
            kind=DecisionKind.KEEP if coder.pk in sources else DecisionKind.NOTHING,
            kept_coders=[coder.pk] if coder.pk in sources else [],
            user=lead,
        )
    return reconciliation


@pytest.fixture
def start_run(project, lead, coder, coder2, django_capture_on_commit_callbacks):
    def start(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            run = agreement_run_start(
                project=project, requested_by=lead, coders=[coder, coder2], **kwargs
            )
        run.refresh_from_db()
        return run

    return start


def by_coder(run, user):
    return next(c for c in run.results["consensus"]["coders"] if c["coder"] == user.pk)


def test_each_coder_against_the_consensus_per_code_on_the_same_units(
    reconciled, start_run, coder, coder2, codes
):
    run = start_run(unit="document", consensus=True)
    x, y, z = (str(codes[n].pk) for n in "xyz")
    first, second = by_coder(run, coder), by_coder(run, coder2)
    assert run.results["consensus"]["documents"] == 2
    # Document units (document × code). Consensus: A has x and y, B has x. The second coder:
    # A x and y, B y. x: (1,1) (0,1); y: (1,1) (1,0); z: (0,0) (0,0).
    assert second["codes"][x]["percent"] == 0.5
    assert second["codes"][y]["percent"] == 0.5
    assert second["codes"][z]["percent"] == 1.0
    # x: coincidences o11 = 2, o01 = o10 = 1; n = 4, n0 = 1, n1 = 3:
    # α = 1 − (2/4) / (2·1·3 / (4·3)) = 0.
    assert second["codes"][x]["alpha"] == pytest.approx(0.0)
    # Pooled: o11 = 4, o00 = 4, o01 = o10 = 2, n = 12, n0 = n1 = 6:
    # α = 1 − (4/12) / (2·6·6 / (12·11)) = 7/18; percent 4 of 6 units.
    assert second["pooled"]["alpha"] == pytest.approx(7 / 18)
    assert second["pooled"]["percent"] == pytest.approx(4 / 6)
    assert second["pooled"]["units"] == 6
    # The first coder's version was kept everywhere: full agreement, α undefined per code
    # where every value is the same, 1 pooled.
    assert first["codes"][x] == {"percent": 1.0, "alpha": None, "units": 2}
    assert first["pooled"]["alpha"] == pytest.approx(1.0)
    # Agreement before discussion (between the coders) is the run without the consensus.
    plain = start_run(unit="document")
    assert run.results["pooled"] == plain.results["pooled"]


def test_excerpt_matching_against_the_consensus(reconciled, start_run, coder, coder2, codes):
    run = start_run(unit="excerpt", consensus=True)
    x, y = str(codes["x"].pk), str(codes["y"].pk)
    second = by_coder(run, coder2)
    # x: the second coder's "Kommunen" (A) matches; the consensus' "Kommunen" (A) matches,
    # its "samarbeide", "næringslivet" (A) and "Kommunen" (B) do not: 2 of 5.
    assert second["codes"][x]["percent"] == pytest.approx(2 / 5)
    # y: the second coder's "samarbeide", "vann og avløp…" (A) and "smarte" (B) and the
    # consensus' "sensorer i vann" (overlap "vann", 4 of 15 characters) all fail: 0 of 4.
    assert second["codes"][y]["percent"] == 0.0
    assert by_coder(run, coder)["pooled"]["percent"] == 1.0


FORM = {
    "unit": "document",
    "segment": "sentence",
    "threshold": 50,
    "overlap": 90,
    "documents_mode": "all",
    "codes_mode": "all",
    "coefficients": ["percent", "alpha"],
    "consensus": "on",
}


def start_from_the_form(project, lead, coders, **extra):
    url = reverse("study:agreement-new", kwargs={"project": project.code})
    return client_for(lead).post(url, {**FORM, "coders": [c.pk for c in coders], **extra})


def test_the_results_and_the_methods_paragraph_say_how_disagreements_were_resolved(
    project, reconciled, lead, coder, coder2, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = start_from_the_form(project, lead, [coder, coder2])
    assert response.status_code == 302
    run = AgreementRun.objects.get()
    # A: code differs, only some, spans differ; B: two places only one coder coded. All five
    # followed the first coder (the "nothing" where only the second coded, too); a lead decided.
    assert run.results["consensus"]["resolutions"] == {
        "disagreements": 5,
        "towards": [[coder.pk, 5], [coder2.pk, 0]],
        "none": 0,
        "roles": ["Lead"],
        "deciders": [lead.name],
    }
    text = methods_paragraph(run)
    assert "before discussion" in text
    assert "5 disagreements" in text
    assert "coder 1 in 5 and towards coder 2 in 0" in text
    assert "by the lead" in text.lower() or "by a lead" in text.lower()
    assert "coder 2: percent agreement 66.7 %, α = 0.389" in text
    assert coder.name not in text and lead.name not in text
    page = client_for(lead).get(
        reverse("coding:agreement-run", kwargs={"project": project.code, "run": run.code})
    )
    html = page.content.decode()
    assert "Agreement before discussion" in html
    assert "Each coder against the consensus" in html
    assert "0.389" in html


@pytest.mark.parametrize("names", [False, True])
def test_the_norwegian_paragraph_says_how_disagreements_were_resolved_with_the_same_numbers(
    project, reconciled, lead, coder, coder2, django_capture_on_commit_callbacks, names
):
    with django_capture_on_commit_callbacks(execute=True):
        extra = {"name_people": "on"} if names else {}
        assert start_from_the_form(project, lead, [coder, coder2], **extra).status_code == 302
    run = AgreementRun.objects.get()
    english, norwegian = (methods_paragraph(run, language=code) for code in ("en", "nb"))
    assert_same_numbers(english, norwegian)
    assert "Disse verdiene beskriver samsvaret før diskusjon." in norwegian
    assert "i de 2 avstemte dokumentene" in norwegian and "5 uenigheter ble løst" in norwegian
    if names:
        assert f"5 til fordel for {coder.name} og 0 til fordel for {coder2.name}" in norwegian
        assert f"hver beslutning ble tatt av {lead.name}:" in norwegian
    else:
        assert "5 til fordel for koder 1 og 0 til fordel for koder 2" in norwegian
        # The role was stored in English ("Lead") when the run was computed.
        assert "hver beslutning ble tatt av en prosjektleder:" in norwegian
        assert "koder 2: prosentvis samsvar 66,7 %, α = 0,389" in norwegian


def test_a_run_against_the_consensus_needs_a_reconciled_document(
    project, lead, coder, coder2, coded
):
    response = start_from_the_form(project, lead, [coder, coder2])
    assert response.status_code == 400
    assert "None of the selected documents is reconciled" in response.content.decode()
    assert not AgreementRun.objects.exists()


def test_a_team_may_name_its_coders_and_deciders_in_the_methods_paragraph(
    project, reconciled, lead, coder, coder2, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = start_from_the_form(project, lead, [coder, coder2], name_people="on")
    assert response.status_code == 302
    text = methods_paragraph(AgreementRun.objects.get())
    assert f"towards {coder.name} in 5 and towards {coder2.name} in 0" in text
    assert f"each decision taken by {lead.name}:" in text
    assert f"{coder2.name}: percent agreement 66.7 %, α = 0.389" in text
    assert "coder 1" not in text
