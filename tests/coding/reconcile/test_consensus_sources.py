"""What the consensus feeds: once a document is reconciled, the "all coders" frequency table
and matrix count its consensus instead of the coders' codings, and the pages say so."""

import pytest
from django.urls import reverse

from cases.selectors.tables import frequency_rows
from coding.models import Candidate, DecisionKind
from coding.reconcile import services
from research.models import Membership
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def reconcile_everything(opened, lead, coder):
    """Keep the first coder's version everywhere (they coded every candidate here)."""
    for candidate in Candidate.objects.filter(item__reconciliation=opened):
        services.decision_make(
            candidate=candidate,
            version=candidate.version,
            kind=DecisionKind.KEEP,
            kept_coders=[coder.pk],
            user=lead,
        )


def totals(project, user):
    membership = Membership.objects.get(project=project, user=user)
    return {row.category: row.codings for row in frequency_rows(membership=membership, level=0)}


def test_the_frequency_table_counts_the_consensus_of_reconciled_documents(
    project, opened, lead, coder, coded
):
    before = totals(project, lead)
    reconcile_everything(opened, lead, coder)
    after = totals(project, lead)
    # Document A: coders had x 4 + y 3 codings; the consensus keeps the first coder's: x 3, y 1.
    # Document B is not reconciled: x 1, y 1 from the coders.
    assert before == {"x": 5, "y": 4, "z": 0}
    assert after == {"x": 4, "y": 2, "z": 0}
    page = client_for(lead).get(reverse("cases:frequency-table", kwargs={"project": project.code}))
    assert "1 reconciled document counts its consensus" in page.content.decode()
    # A blind coder still counts only their own codings and is told nothing of the consensus.
    mine = client_for(coder).get(reverse("cases:frequency-table", kwargs={"project": project.code}))
    assert "reconciled" not in mine.content.decode()


def test_the_consensus_export_carries_provenance_and_the_log_keeps_undone_decisions(
    project, opened, lead, coder, coder2, coded
):
    import csv
    import io

    from openpyxl import load_workbook

    from coding.models import CandidateKind

    target = Candidate.objects.get(item__reconciliation=opened, kind=CandidateKind.CODE_DIFFERS)
    first = services.decision_make(
        candidate=target, version=1, kind=DecisionKind.KEEP, kept_coders=[coder2.pk], user=lead
    )
    services.decision_undo(decision=first, user=lead)
    services.decision_make(
        candidate=target,
        version=3,
        kind=DecisionKind.RECODE,
        codes=[project.codes.get(name="z")],
        reason="Cooperation is z.",
        user=lead,
    )
    services.comment_add(candidate=target, author=coder, text="I meant z all along.")
    url = reverse("coding:consensus-export", kwargs={"project": project.code})
    client = client_for(lead)
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Document", "Start", "End", "Text"]
    document, _s, _e, text, codes, sources, decision, reason, by, _at = rows[1]
    assert (document, text, codes, reason, by) == (
        "A strategy",
        "samarbeide",
        "z",
        "Cooperation is z.",
        lead.name,
    )
    assert sources == f"{coder.name}, {coder2.name}"  # a recode follows both coders' spans
    assert decision == "Changed or added code"
    log = list(csv.reader(io.StringIO(client.get(f"{url}?part=log").content.decode("utf-8-sig"))))
    assert [r[4] for r in log[1:]] == ["Keep one coder's version", "Changed or added code"]
    assert log[1][8] == lead.name and "I meant z all along." in log[2][10]
    book = load_workbook(io.BytesIO(client.get(f"{url}?format=xlsx").content))
    assert book.active["D2"].value == "samarbeide"
    assert client.get(f"{url}?format=pdf").status_code == 400
    assert client_for(coder).get(url).status_code == 403
