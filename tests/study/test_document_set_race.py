"""Two leads saving the same document set at once on PostgreSQL: one edit lands, the other is
answered 409 with the set as it now is; never both, never a 500."""

from django.urls import reverse

from coding.models import DocumentSet
from study.docsets.services import document_set_create
from tests.coding.excerpts.conftest import postgres_only, run_together
from tests.conftest import client_for
from tests.factories import DocumentFactory

pytestmark = postgres_only


def test_two_leads_saving_one_set_at_once_one_wins(project, lead, owner):
    one, two = DocumentFactory(project=project), DocumentFactory(project=project)
    docset = document_set_create(project=project, user=lead, name="Pilot", documents=[one])
    edit = reverse(
        "study:document-set-edit", kwargs={"project": project.code, "docset": docset.code}
    )

    def save(user, name, documents):
        return lambda: client_for(user).post(
            edit, {"name": name, "documents": [d.pk for d in documents], "version": 1}
        )

    answers = run_together(save(lead, "Pilot A", [one, two]), save(owner, "Pilot B", []))
    assert sorted(a.status_code for a in answers) == [302, 409]
    final = DocumentSet.objects.get(pk=docset.pk)
    # Exactly the winner's edit: its name with its documents, applied once.
    assert final.version == 2
    assert final.documents.count() == {"Pilot A": 2, "Pilot B": 0}[final.name]
    refused = next(a for a in answers if a.status_code == 409)
    assert "Another lead changed this set" in refused.content.decode()
