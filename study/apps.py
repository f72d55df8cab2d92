from django.apps import AppConfig


class StudyConfig(AppConfig):
    """Work that spans documents, codings and cases: the demo, the project export and restore,
    REFI-QDA exchange, reconciliation's cross-app parts and the project navigation.

    Installed last: it may import every other app, and no other app imports it.
    """

    name = "study"
    verbose_name = "Study (work across documents, codings and cases)"
