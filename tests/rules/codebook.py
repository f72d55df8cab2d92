from coding.models import Code
from research.access import Capability


def _code(world):
    code, _ = Code.objects.get_or_create(project=world["project"], parent=None, name="Actors")
    if not code.path:
        code.path = f"/{code.pk}/"
        code.save(update_fields=["path"])
    return code.code


URL_RULES = {
    "coding:codebook": Capability.VIEW,
    # Coders may create (proposed) codes only when the project allows it; off by default.
    "coding:code-create": Capability.MANAGE,
    "coding:code-edit": Capability.MANAGE,
    "coding:code-move": Capability.MANAGE,
    "coding:code-merge": Capability.MANAGE,
    "coding:code-group": Capability.MANAGE,
    "coding:code-delete": Capability.MANAGE,
    "coding:code-accept": Capability.MANAGE,
    "coding:codebook-undo": Capability.MANAGE,
    "coding:codebook-log": Capability.VIEW,
    "coding:code-log": Capability.VIEW,
    "coding:codebook-versions": Capability.VIEW,
    "coding:codebook-import": Capability.MANAGE,
    "coding:codebook-export": Capability.VIEW,
}

KWARG_BUILDERS = {"code": _code}
