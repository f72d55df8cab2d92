"""A removed member in the cases app: what names them (a matrix that shows their codings, the
cells they set, the write-ups they last changed, the rules and matrices they made) names
their pseudonym instead (`study.members.member_remove` calls this in its transaction)."""

from __future__ import annotations

from cases.models import CaseWriteup, CellOverride, ClassificationRule, Matrix
from research.models import Project, User


def records_hand_over(*, project: Project, user: User, placeholder: User) -> int:
    """The number of rows changed. A matrix filtered to the member's codings keeps showing
    them: they are the pseudonym's now (or gone, if an owner deleted them)."""
    matrices = Matrix.objects.filter(project=project)
    return sum(
        [
            matrices.filter(coder=user).update(coder=placeholder),
            matrices.filter(created_by=user).update(created_by=placeholder),
            CellOverride.objects.filter(row__section__matrix__project=project, user=user).update(
                user=placeholder
            ),
            CaseWriteup.objects.filter(case__project=project, updated_by=user).update(
                updated_by=placeholder
            ),
            ClassificationRule.objects.filter(project=project, created_by=user).update(
                created_by=placeholder
            ),
        ]
    )
