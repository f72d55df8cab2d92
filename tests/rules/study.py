"""Access rules for the pages of the study app (documents with their cases, export, restore)."""

from research.access import Capability
from tests.rules.common import STAFF

URL_RULES = {
    "study:document-upload": Capability.MANAGE,
    "study:document-edit": Capability.MANAGE,
    "study:project-export": Capability.MANAGE,
    "study:project-export-download": Capability.MANAGE,
    "study:project-restore": STAFF,
}
