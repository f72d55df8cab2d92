"""Template tags for what spans the apps: the project navigation and a document's cases."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.links import document_cases
from coding.labels import labels_for
from research.access import Capability, has_capability
from study.overview import project_overview

register = template.Library()

# The project navigation, in order: URL name, label, and the capability that shows it.
PROJECT_NAV = [
    ("coding:my-documents", _("My documents"), Capability.CODE),
    ("coding:document-list", _("Documents"), Capability.VIEW),
    ("coding:codebook", _("Codebook"), Capability.VIEW),
    ("cases:case-list", _("Cases"), Capability.VIEW),
    ("coding:retrieval", _("Retrieval"), Capability.VIEW),
    ("study:search", _("Search"), Capability.VIEW),
    ("study:document-set-list", _("Document sets"), Capability.VIEW),
    ("study:cooccurrence", _("Co-occurrence"), Capability.VIEW),
    ("study:code-matrix", _("Documents × codes"), Capability.VIEW),
    ("study:word-frequencies", _("Word frequencies"), Capability.VIEW),
    ("study:memo-list", _("Memos"), Capability.VIEW),
    ("study:agreement-list", _("Agreement"), Capability.VIEW),
    ("coding:reconciliation-list", _("Reconciliation"), Capability.CODE),
    ("cases:matrix-list", _("Matrix"), Capability.VIEW),
    ("research:member-list", _("Members"), Capability.VIEW),
    ("coding:assignments", _("Assignments"), Capability.MANAGE),
    ("research:job-list", _("Jobs"), Capability.VIEW),
    ("research:project-settings", _("Settings"), Capability.MANAGE),
]


@register.simple_tag(takes_context=True)
def project_nav_items(context) -> list[dict]:
    membership = context["membership"]
    path = context["request"].path
    items = []
    for name, label, need in PROJECT_NAV:
        if has_capability(membership, need):
            url = reverse(name, kwargs={"project": membership.project.code})
            items.append({"url": url, "label": label, "active": path.startswith(url)})
    return items


@register.simple_tag
def document_case_labels(document, membership) -> list[str]:
    """The names of the cases a document represents, as this member may see them (pseudonyms
    when the project anonymizes its cases and the member does not manage it)."""
    labels = labels_for(membership)
    return [labels.case(case) for case in document_cases(document=document)]


@register.simple_tag
def project_at_a_glance(membership) -> dict:
    """The project page's counts (see `study.overview`): the research app's page cannot read
    documents, codings or cases itself."""
    return project_overview(membership=membership)
