"""Pseudonymisation racing coders on PostgreSQL: an edit is either moved with the text or
answered 409; an excerpt made on the old text is either moved or refused; never a 500, never a
name left behind."""

from functools import partial

from django.urls import reverse

from coding.excerpts import services as excerpts
from coding.models import Assignment, Document, Excerpt, Pseudonym
from coding.pseudonyms.services import document_pseudonymise
from tests.coding.excerpts.conftest import postgres_only, run_together
from tests.conftest import client_for
from tests.factories import DocumentFactory

pytestmark = postgres_only

TEXT = "Kari Nordmann leder prosjektet.\n\nKari Nordmann og teamet i Nordhavn samarbeider."
ROUNDS = 4


def test_edits_and_new_excerpts_racing_pseudonymisation(project, lead, coder):
    Pseudonym.objects.create(project=project, original="Kari Nordmann", replacement="P1")
    Pseudonym.objects.create(project=project, original="Nordhavn", replacement="Kommune A")
    tab = client_for(coder)
    for round_ in range(ROUNDS):
        document = DocumentFactory(project=project, text=TEXT, title=f"Intervju {round_}")
        Assignment.objects.create(document=document, coder=coder)
        excerpt = excerpts.excerpt_create(
            document=document, coder=coder, start=0, end=13, text="Kari Nordmann"
        )
        stale = Document.objects.get(pk=document.pk)
        start = TEXT.index("teamet i Nordhavn")
        edit, create, applied = run_together(
            partial(
                tab.post,
                reverse(
                    "coding:excerpt-update",
                    kwargs={"project": project.code, "excerpt": excerpt.code},
                ),
                {"version": 1, "set_memo": "on", "memo": f"memo {round_}"},
                HTTP_ACCEPT="application/json",
            ),
            partial(
                excerpts.excerpt_create,
                document=stale,
                coder=coder,
                start=start,
                end=start + len("teamet i Nordhavn"),
                text="teamet i Nordhavn",
            ),
            partial(document_pseudonymise, document_id=document.pk, user=lead),
        )
        assert isinstance(applied, dict), applied
        assert edit.status_code in {200, 409}, edit.status_code
        excerpt.refresh_from_db()
        assert excerpt.text == "P1" and excerpt.version >= 2
        assert (excerpt.memo == f"memo {round_}") == (edit.status_code == 200)
        document.refresh_from_db()
        assert "Kari" not in document.text and "Nordhavn" not in document.text
        for row in Excerpt.objects.filter(document=document):
            assert row.text == document.text[row.start : row.end]
            assert "Kari" not in row.text and "Nordhavn" not in row.text
        if isinstance(create, Exception):
            assert getattr(create, "code", "") == "stale_text", create
        else:
            assert Excerpt.objects.get(pk=create.pk).text == "teamet i Kommune A"
