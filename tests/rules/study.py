"""Access rules for the pages of the study app (documents with their cases, export, restore)."""

import uuid

from research.access import Capability
from study.refi.jobs import import_path
from study.refi.model import RefiProject, RefiUser
from study.refi.write import write_qdpx
from tests.rules.common import STAFF


def _upload(world) -> str:
    """A .qdpx waiting for its people mapping, so the roles allowed reach the page."""
    token = str(uuid.UUID(int=15))
    path = import_path(project=world["project"], token=token)
    path.parent.mkdir(parents=True, exist_ok=True)
    user = RefiUser(guid=str(uuid.UUID(int=1)), name="Ann")
    path.write_bytes(write_qdpx(RefiProject(name="Upload", users=[user])))
    return token


KWARG_BUILDERS = {"upload": _upload}

URL_RULES = {
    "study:document-upload": Capability.MANAGE,
    "study:document-edit": Capability.MANAGE,
    "study:project-export": Capability.MANAGE,
    "study:project-export-download": Capability.MANAGE,
    "study:qdpx-upload": Capability.MANAGE,
    "study:qdpx-people": Capability.MANAGE,
    "study:project-restore": STAFF,
}
