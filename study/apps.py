from django.apps import AppConfig


class StudyConfig(AppConfig):
    """Work that spans documents, codings and cases: the demo, the project export and restore,
    REFI-QDA exchange, reconciliation's cross-app parts and the project navigation.

    Installed last: it may import every other app, and no other app imports it.
    """

    name = "study"
    verbose_name = "Study (work across documents, codings and cases)"

    def ready(self) -> None:
        # Keep the search index on each document's current text (coding never imports study).
        from django.db.models.signals import post_save

        from coding.models import Document
        from study.search.index import on_document_saved

        post_save.connect(on_document_saved, sender=Document, dispatch_uid="study-search-index")
