from django import template

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
