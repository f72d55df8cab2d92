from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from research import jobs
from research.access import Capability, has_capability

register = template.Library()

# The project navigation, in order. Sections whose pages are not installed yet are skipped,
# so each app adds its page simply by defining the URL name.
PROJECT_NAV = [
    ("coding:my-documents", _("My documents"), Capability.CODE),
    ("coding:document-list", _("Documents"), Capability.VIEW),
    ("coding:codebook", _("Codebook"), Capability.VIEW),
    ("cases:case-list", _("Cases"), Capability.VIEW),
    ("coding:retrieval", _("Retrieval"), Capability.VIEW),
    ("coding:agreement-list", _("Agreement"), Capability.VIEW),
    ("cases:matrix-list", _("Matrix"), Capability.VIEW),
    ("research:member-list", _("Members"), Capability.VIEW),
    ("coding:assignments", _("Assignments"), Capability.MANAGE),
    ("research:job-list", _("Jobs"), Capability.VIEW),
    ("research:project-settings", _("Settings"), Capability.MANAGE),
]


@register.simple_tag(takes_context=True)
def project_nav_items(context) -> list[dict]:
    membership = context["membership"]
    request = context["request"]
    items = []
    for name, label, need in PROJECT_NAV:
        if not has_capability(membership, need):
            continue
        try:
            url = reverse(name, kwargs={"project": membership.project.code})
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": request.path.startswith(url)})
    return items


@register.filter
def job_label(kind: str) -> str:
    return jobs.job_label(kind)


@register.filter
def job_badge(status: str) -> str:
    return {
        "queued": "secondary",
        "running": "primary",
        "succeeded": "success",
        "failed": "danger",
        "cancelled": "dark",
    }.get(status, "secondary")
