"""The demo project: loaded by `make run` when absent, removed or reloaded by `manage.py demo`.

The demo is a small, believable study of municipal digitalization: the reference study's
codebook, five anonymized cases, eight strategy documents and five interview transcripts, two
coders' independent codings with partial disagreement, a finished agreement run and the
cross-case matrix. The texts and codings are data in `content/`; `loader.py` puts them into a
project through the same services the pages use.
"""

from __future__ import annotations

from django.db import transaction

from research import services
from research.models import Project, Role, User

DEMO_TITLE = "Municipal digitalization: value through ecosystem cooperation (demo)"
DEMO_PASSWORD = "concord-demo"  # noqa: S105 - printed for the local demo, never used in production
DEMO_PEOPLE = [
    ("owner@demo.concord", "Olav Owner", Role.OWNER),
    ("lead@demo.concord", "Live Lead", Role.LEAD),
    ("coder1@demo.concord", "Kari Coder", Role.CODER),
    ("coder2@demo.concord", "Anders Coder", Role.CODER),
    ("viewer@demo.concord", "Vera Viewer", Role.VIEWER),
]


def demo_project() -> Project | None:
    return Project.objects.filter(title=DEMO_TITLE).first()


def _people() -> dict[str, User]:
    people: dict[str, User] = {}
    for email, name, _role in DEMO_PEOPLE:
        user = User.objects.filter(email=email).first() or User.objects.create_user(email=email)
        user.display_name = name
        user.set_password(DEMO_PASSWORD)
        user.save()
        people[email.split("@")[0]] = user
    return people


@transaction.atomic
def demo_load() -> Project | None:
    """Create the demo project unless it exists; return it, or None if it was already there.

    All or nothing: a failure anywhere leaves no half-made demo behind.
    """
    if demo_project() is not None:
        return None
    from study.demo.loader import load_content

    people = _people()
    project = services.project_create(
        owner=people["owner"],
        title=DEMO_TITLE,
        research_question=(
            "How do municipalities realize value from digitalization through cooperation in "
            "their ecosystem?"
        ),
        description=(
            "A demonstration project: eight strategy documents and five interview transcripts "
            "from five anonymized cases (four municipalities and a region of six small "
            "municipalities), coded independently by two coders with the study's three-level "
            "codebook. Explore it, code a passage, start an agreement run, open the matrix; "
            "‘manage.py demo reload’ brings it back as it was."
        ),
        blind_coding=True,
        coders_may_create_codes=True,
    )
    for email, _name, role in DEMO_PEOPLE[1:]:
        project.memberships.create(user=people[email.split("@")[0]], role=role)
    load_content(project, people)
    return project


@transaction.atomic
def demo_remove() -> bool:
    """Delete the demo project, its people and its stored files; False if there was none."""
    project = demo_project()
    if project is None:
        return False
    services.project_delete(project=project)  # also deletes the stored files
    User.objects.filter(email__in=[email for email, _n, _r in DEMO_PEOPLE]).delete()
    return True
