from django.core.management.base import BaseCommand

from coding.models import Document
from study.search.index import configs_in, document_index


class Command(BaseCommand):
    help = (
        "Build the search index of every document whose index is missing or stale (after an "
        "upgrade; otherwise the first search of a project does it), or, with --all, of every "
        "document anew."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", dest="everything", action="store_true", help="index every document anew"
        )

    def handle(self, *args, everything: bool = False, **options):
        documents = Document.objects.order_by("pk")
        if everything:
            for document in documents.only("pk", "text", "language", "text_version").iterator():
                document_index(document)
        else:
            configs_in(documents)
        self.stdout.write(f"Search index up to date for {documents.count()} documents.")
