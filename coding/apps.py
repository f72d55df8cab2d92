from django.apps import AppConfig


class CodingConfig(AppConfig):
    # Job handlers live in each subject's `jobs.py` (e.g. coding/runs/jobs.py), found by
    # research.jobs.jobs_autodiscover at start-up.
    name = "coding"
