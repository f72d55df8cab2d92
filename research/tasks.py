from celery import shared_task
from django.conf import settings

from research import jobs


@shared_task(
    name="research.job_run",
    acks_late=True,
    time_limit=settings.JOB_TIME_LIMIT_SECONDS,
    soft_time_limit=settings.JOB_TIME_LIMIT_SECONDS - 30,
)
def job_run_task(job_id: int) -> None:
    jobs.job_run(job_id)


@shared_task(name="research.jobs_sweep")
def jobs_sweep_task() -> int:
    return jobs.jobs_sweep()
