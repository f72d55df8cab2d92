from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from research import jobs
from research.access import sees_real_names

register = template.Library()


@register.filter
def job_label(kind: str) -> str:
    return jobs.job_label(kind)


@register.filter
def job_subject(job, membership=None) -> str:
    """What the job works on, when its parameters name it (an upload's file name), so that a
    list of four "Reading a document" jobs says which document each one read. A file name is
    a title: not for members who see pseudonyms only (research.access.sees_real_names)."""
    if membership is not None and not sees_real_names(membership):
        return ""
    return str((job.params or {}).get("file") or "")


@register.filter
def job_badge(status: str) -> str:
    return {
        "queued": "secondary",
        "running": "primary",
        "succeeded": "success",
        "failed": "danger",
        "cancelled": "dark",
    }.get(status, "secondary")


@register.filter
def no_translate(value) -> str:
    """User content inside a translated sentence ("Auto-coded from search “{{ query }}”"), kept
    out of page translation by HTML's translate="no" (so is it out of the Norwegian walk's check
    for English words, tests/browser/language_leaks.py)."""
    return format_html('<span translate="no">{}</span>', value)


@register.filter
def job_message(message: str) -> str:
    """A job's progress message in the reader's language when it is one of the interface's
    own ("Done"): a job writes in the language of whoever started it, which may not be the
    reader's (the demo's jobs ran in English)."""
    return gettext(message) if message else ""
