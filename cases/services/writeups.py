"""Write-ups: a case's text per dimension, citing the project's excerpts."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseWriteup, Dimension
from coding.models import Excerpt

CITATION = re.compile(
    r"\[\[excerpt:([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\]\]"
)


def cited_excerpt_codes(text: str) -> list[str]:
    return [m.lower() for m in CITATION.findall(text)]


@transaction.atomic
def writeup_save(*, case: Case, dimension: Dimension, text: str, user) -> CaseWriteup:
    """Save a write-up section; every cited excerpt must be an excerpt of the project."""
    if dimension.project_id != case.project_id:
        raise ValidationError(_("That dimension belongs to another project."))
    cited = set(cited_excerpt_codes(text))
    if cited:
        found = {
            str(code)
            for code in Excerpt.objects.filter(
                document__project_id=case.project_id, code__in=cited
            ).values_list("code", flat=True)
        }
        missing = sorted(cited - found)
        if missing:
            raise ValidationError(
                _("No excerpt of this project has the code %(codes)s.")
                % {"codes": ", ".join(missing)}
            )
    writeup, _created = CaseWriteup.objects.update_or_create(
        case=case,
        dimension=dimension,
        defaults={"text": text, "updated_by": user, "updated_at": timezone.now()},
    )
    return writeup
