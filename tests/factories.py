"""Deterministic factories (sequences, no random values)."""

import factory

from coding.models import Code, Coding, Document, DocumentKind, DocumentStatus, Excerpt
from research.models import Job, Membership, Project, Role, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    username = factory.LazyAttribute(lambda o: o.email)
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password("correct horse battery")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    title = factory.Sequence(lambda n: f"Municipal study {n}")
    research_question = "How do municipalities realize value from digitalization?"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.CODER


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    project = factory.SubFactory(ProjectFactory)
    kind = "project.export"


class DocumentFactory(factory.django.DjangoModelFactory):
    """A ready document with real text; pages and paragraphs cover it."""

    class Meta:
        model = Document

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Digitaliseringsstrategi {n}")
    kind = DocumentKind.STRATEGY
    language = "nb"
    status = DocumentStatus.READY
    text = (
        "Kommunen skal samarbeide med næringslivet og universitetet om smarte løsninger.\n\n"
        "Vi vil bruke sensorer i vann og avløp, og åpne data for innbyggerne."
    )
    pages = factory.LazyAttribute(lambda o: [[1, 0, len(o.text)]])
    paragraphs = factory.LazyAttribute(
        lambda o: [[0, o.text.index("\n\n")], [o.text.index("\n\n") + 2, len(o.text)]]
    )
    char_count = factory.LazyAttribute(lambda o: len(o.text))
    page_count = 1


class CodeFactory(factory.django.DjangoModelFactory):
    """A code; `path` and `depth` are filled in after saving, as the codebook services do."""

    class Meta:
        model = Code
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Code {n}")
    parent = None

    @factory.post_generation
    def _path(obj, create, extracted, **kwargs):
        parent_path = obj.parent.path if obj.parent else "/"
        obj.path = f"{parent_path}{obj.pk}/"
        obj.depth = obj.parent.depth + 1 if obj.parent else 0
        if create:
            obj.save(update_fields=["path", "depth"])


class ExcerptFactory(factory.django.DjangoModelFactory):
    """An excerpt over [start, end) of its document; pass `codes=[...]` to code it."""

    class Meta:
        model = Excerpt
        skip_postgeneration_save = True

    document = factory.SubFactory(DocumentFactory)
    coder = factory.SubFactory(UserFactory)
    start = 0
    end = 8
    text = factory.LazyAttribute(lambda o: o.document.text[o.start : o.end])

    @factory.post_generation
    def codes(obj, create, extracted, **kwargs):
        for code in extracted or []:
            Coding.objects.create(excerpt=obj, code=code)
