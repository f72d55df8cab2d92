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


def _memo(world) -> str:
    """A memo by world["coder"], so the coder may change it (a coder changes only their own)."""
    from study.memos.services import memo_create
    from study.models import ProjectMemo

    memo = ProjectMemo.objects.filter(project=world["project"], title="Rules").first()
    if memo is None:
        memo = memo_create(project=world["project"], user=world["coder"], title="Rules")
    return str(memo.code)


def _batch(world) -> str:
    """An auto-coding by world["coder"] (a member undoes only their own)."""
    from study.models import AutoCodeBatch

    batch, _created = AutoCodeBatch.objects.get_or_create(
        project=world["project"], user=world["coder"], query="rules", unit="hit"
    )
    return str(batch.code)


def _docset(world) -> str:
    from coding.models import DocumentSet

    docset, _created = DocumentSet.objects.get_or_create(project=world["project"], name="Rules")
    return str(docset.code)


def _saved(world) -> str:
    """A saved search by world["coder"] (a coder deletes only their own; leads anyone's)."""
    from study.models import SavedSearch

    search, _created = SavedSearch.objects.get_or_create(
        project=world["project"],
        name="Rules",
        defaults={"query": "rules", "created_by": world["coder"]},
    )
    return str(search.code)


KWARG_BUILDERS = {
    "upload": _upload,
    "memo": _memo,
    "batch": _batch,
    "docset": _docset,
    "saved": _saved,
}

URL_RULES = {
    "study:document-upload": Capability.MANAGE,
    "study:document-edit": Capability.MANAGE,
    "study:project-export": Capability.MANAGE,
    "study:member-remove": Capability.ADMINISTER,
    "study:project-export-download": Capability.MANAGE,
    "study:qdpx-upload": Capability.MANAGE,
    "study:memo-list": Capability.VIEW,
    "study:search": Capability.VIEW,
    "study:autocode": Capability.CODE,
    "study:autocode-preview": Capability.CODE,
    "study:saved-search-list": Capability.VIEW,
    "study:saved-search-create": Capability.CODE,
    "study:saved-search-run": Capability.VIEW,
    "study:saved-search-delete": Capability.CODE,
    "study:cooccurrence": Capability.VIEW,
    "study:cooccurrence-cell": Capability.VIEW,
    "study:document-set-list": Capability.VIEW,
    "study:document-set-create": Capability.MANAGE,
    "study:document-set-edit": Capability.MANAGE,
    "study:document-set-delete": Capability.MANAGE,
    "study:code-matrix": Capability.VIEW,
    "study:code-matrix-cell": Capability.VIEW,
    "study:word-frequencies": Capability.VIEW,
    "study:autocode-undo": Capability.CODE,
    "study:memo-create": Capability.CODE,
    "study:memo-edit": Capability.CODE,
    "study:memo-delete": Capability.CODE,
    "study:qdpx-people": Capability.MANAGE,
    "study:project-restore": STAFF,
}
