"""Documents with a stored original file, as an upload leaves them."""

from __future__ import annotations

import factory
from django.core.files.base import ContentFile

from coding.models import Assignment
from tests.factories import DocumentFactory, UserFactory


class StoredDocumentFactory(DocumentFactory):
    """A ready document whose original file is stored (a small UTF-8 text file)."""

    original_name = factory.LazyAttribute(lambda o: f"{o.title}.txt")
    original = factory.LazyAttribute(
        lambda o: ContentFile(o.text.encode("utf-8"), name=o.original_name)
    )


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    document = factory.SubFactory(DocumentFactory)
    coder = factory.SubFactory(UserFactory)
