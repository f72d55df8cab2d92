from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "research"
    verbose_name = "Research projects"

    def ready(self) -> None:
        # Registers the project export job handler, in web processes and workers alike.
        from research import exports  # noqa: F401
