from django.apps import AppConfig


class CasesConfig(AppConfig):
    # Job handlers live in `jobs.py` modules, found by research.jobs.jobs_autodiscover.
    name = "cases"
