from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "research"
    verbose_name = "Research projects"

    def ready(self) -> None:
        # Every app's `jobs.py` modules register their job handlers (and the tasks they use),
        # found by walking the apps: web processes and workers know the same kinds, and a new
        # module needs no list. All app configs exist when the first ready() runs.
        from django.contrib.auth.signals import user_logged_in

        from research import audit, jobs

        jobs.jobs_autodiscover()
        # Sign-ins are the one audited action with no service of ours to call (Django's and
        # allauth's login views send this signal).
        user_logged_in.connect(audit.audit_sign_in, dispatch_uid="concord-audit-sign-in")
