"""Two reconcilers deciding the same candidate at once, on PostgreSQL: one decision lands, the
other gets the first decision back; the consensus holds exactly one excerpt."""

from coding.models import Candidate, CandidateKind, DecisionKind, Excerpt
from coding.reconcile import services
from tests.coding.excerpts.conftest import postgres_only, run_together

pytestmark = postgres_only


def test_the_second_concurrent_decision_gets_the_first(opened, lead, owner, coder, coder2):
    target = Candidate.objects.get(item__reconciliation=opened, kind=CandidateKind.CODE_DIFFERS)

    def keep(user, coder_id, version):
        return lambda: services.decision_make(
            candidate=target,
            version=version,
            kind=DecisionKind.KEEP,
            kept_coders=[coder_id],
            user=user,
        )

    for _round in range(3):
        target.refresh_from_db()  # both tabs loaded the same version
        version = target.version
        first, second = run_together(keep(lead, coder.pk, version), keep(owner, coder2.pk, version))
        won = [r for r in (first, second) if not isinstance(r, Exception)]
        lost = [r for r in (first, second) if isinstance(r, services.DecisionConflict)]
        assert len(won) == 1 and len(lost) == 1
        assert lost[0].decision == won[0]
        assert Excerpt.objects.filter(coder__isnull=True).count() == 1
        services.decision_undo(decision=won[0], user=lead)
