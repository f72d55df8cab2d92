"""`{{ document|document_label:membership }}` and `{{ case|case_label:membership }}`: templates
name documents and cases through coding.labels, as views and exports do."""

from __future__ import annotations

from django import template

from coding import labels

register = template.Library()


@register.filter
def document_label(document, membership) -> str:
    return labels.document_label(document, membership)


@register.filter
def case_label(case, membership) -> str:
    return labels.case_label(case, membership)


@register.filter
def sees_real_names(membership) -> bool:
    """Whether to show what names a document besides its title (file name, source, notes)."""
    return not labels.labels_for(membership).disguise
