"""Access rules for the pseudonym pages (coding:pseudonym-*, the original texts)."""

from coding.models import Pseudonym
from research.access import Capability

URL_RULES = {
    "coding:pseudonym-list": Capability.MANAGE,
    "coding:pseudonym-add": Capability.MANAGE,
    "coding:pseudonym-remove": Capability.MANAGE,
    "study:pseudonyms-apply": Capability.MANAGE,
    "study:pseudonyms-apply-texts": Capability.MANAGE,
    "coding:pseudonym-policy": Capability.ADMINISTER,
    "coding:document-pseudonymise": Capability.MANAGE,
    # The text before pseudonymisation: owners only.
    "coding:document-original": Capability.ADMINISTER,
    "coding:document-original-download": Capability.ADMINISTER,
    "coding:document-original-delete": Capability.ADMINISTER,
}


def _pseudonym(world) -> int:
    entry, _created = Pseudonym.objects.get_or_create(
        project=world["project"], original="Kari Nordmann", defaults={"replacement": "Informant 1"}
    )
    return entry.pk


KWARG_BUILDERS = {"pseudonym": _pseudonym}
