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
