"""Access rules for coding in the browser (coding view, excerpts, assignments, retrieval)."""

from coding.models import Assignment, Excerpt
from research.access import Capability
from tests.factories import CodeFactory, DocumentFactory, ExcerptFactory

ACCESS_TITLE = "Access rules coding document"


def _excerpt(world) -> object:
    """An excerpt by world["coder"] in a document assigned to them, created once per world.

    Leads may open and correct it; the coder owns it; the viewer is refused (no CODE)."""
    project = world["project"]
    excerpt = Excerpt.objects.filter(
        document__project=project, document__title=ACCESS_TITLE, coder=world["coder"]
    ).first()
    if excerpt is None:
        document = DocumentFactory(project=project, title=ACCESS_TITLE)
        Assignment.objects.create(document=document, coder=world["coder"])
        code = CodeFactory(project=project, name="Access rules code")
        excerpt = ExcerptFactory(
            document=document, coder=world["coder"], start=0, end=8, codes=[code]
        )
    return excerpt.code


URL_RULES = {
    "coding:coding-view": Capability.CODE,
    "coding:coding-text": Capability.CODE,
    "coding:excerpt-create": Capability.CODE,
    "coding:excerpt-update": Capability.CODE,
    "coding:excerpt-editor": Capability.CODE,
    "coding:excerpt-delete": Capability.CODE,
    "coding:excerpt-restore": Capability.CODE,
    "coding:excerpt-undo": Capability.CODE,
    "coding:excerpt-redo": Capability.CODE,
    "coding:assignments": Capability.MANAGE,
    "coding:my-documents": Capability.CODE,
    "coding:assignment-done": Capability.CODE,
    "coding:retrieval": Capability.VIEW,
    "coding:retrieval-export": Capability.VIEW,
}

# The `document` kwarg is built by tests/rules/documents.py (the documents pages own it).
KWARG_BUILDERS = {"excerpt": _excerpt}
