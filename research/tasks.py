"""The tasks of the job lifecycle (research/jobs.py): each only calls into it."""

from celery import shared_task

from research import audit, jobs


@jobs.job_task("research.job_run", bind=True)
def job_run_task(self, job_id: int) -> None:
    # A heartbeat only in a worker: an eager run (tests, no Redis) is its own witness.
    jobs.job_run(job_id, heartbeat=not self.request.is_eager)


@shared_task(name="research.jobs_sweep", ignore_result=True)
def jobs_sweep_task() -> dict[str, int]:
    return jobs.jobs_sweep()


@shared_task(name="research.audit_prune", ignore_result=True)
def audit_prune_task() -> int:
    """Daily: the audit trail forgets entries past the retention period."""
    return audit.audit_prune()
