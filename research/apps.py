from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "research"
    verbose_name = "Research projects"

    def ready(self) -> None:
        # Every app's `jobs.py` modules register their job handlers (and the tasks they use),
        # found by walking the apps: web processes and workers know the same kinds, and a new
        # module needs no list. All app configs exist when the first ready() runs.
        from research import jobs

        jobs.jobs_autodiscover()
