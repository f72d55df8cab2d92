from django import template

from research import jobs

register = template.Library()


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
