"""The access rule of every URL name, and how to build each URL kwarg from the test world.

A rule is a Capability (project-scoped, enforced by research.access), LOGIN (any logged-in
user, no project data) or PUBLIC (reachable logged out). Each subject keeps its rules in
tests/rules/<subject>.py (URL_RULES and KWARG_BUILDERS); they are merged here.
"""

from __future__ import annotations

import importlib
import pkgutil

from research.access import Capability
from research.jobs import job_run
from research.models import Job
from study.jobs import PROJECT_EXPORT
from tests import rules
from tests.rules.common import LOGIN, PUBLIC


def _job(world) -> object:
    """A finished project export, so its download exists for the roles allowed to fetch it."""
    job = Job.objects.filter(project=world["project"], kind=PROJECT_EXPORT).first()
    if job is None:
        job = Job.objects.create(project=world["project"], kind=PROJECT_EXPORT)
        job_run(job.pk)
    return job.code


KWARG_BUILDERS = {
    "project": lambda world: world["project"].code,
    "job": _job,
    "member": lambda world: world["project"].memberships.get(user=world["viewer"]).pk,
    "token": lambda world: "no-such-token",
}

URL_RULES = {
    # accounts: tests/rules/accounts.py
    "healthz": PUBLIC,
    # research
    "research:project-list": LOGIN,
    "research:project-create": LOGIN,
    "research:project-detail": Capability.VIEW,
    "research:project-settings": Capability.MANAGE,
    "research:project-archive": Capability.ADMINISTER,
    "research:project-delete": Capability.ADMINISTER,
    "research:member-list": Capability.VIEW,
    "research:audit-trail": Capability.ADMINISTER,
    "research:audit-trail-csv": Capability.ADMINISTER,
    "research:member-update": Capability.ADMINISTER,
    "research:job-list": Capability.VIEW,
    "research:job-detail": Capability.VIEW,
    "research:job-cancel": Capability.MANAGE,
}

for _info in pkgutil.iter_modules(rules.__path__):
    if _info.name == "common":
        continue
    _module = importlib.import_module(f"tests.rules.{_info.name}")
    URL_RULES.update(_module.URL_RULES)
    KWARG_BUILDERS.update(getattr(_module, "KWARG_BUILDERS", {}))
