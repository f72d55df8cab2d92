"""The document language is guessed at ingestion when the uploader chose none; search
stems by it, and changing it indexes the document anew."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coding.ingest.language import detect_language
from tests.coding.documents.helpers import upload_one
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

BOKMAL = (
    "Kommunene i regionen samarbeider om digitaliseringen av tjenestene. Rådmannen mener at "
    "innbyggerne skal få bedre tilbud når kommunen tar i bruk velferdsteknologi."
).encode()
NYNORSK = (
    "Kommunane i regionen samarbeider om digitaliseringa av tenestene. Rådmannen meiner at "
    "innbyggjarane skal få betre tilbod når kommunen tek i bruk velferdsteknologi."
).encode()


def test_the_language_is_guessed_only_when_none_was_chosen(
    lead, project, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    bokmal = upload_one(lead, project, "bokmal.txt", BOKMAL, capture)
    nynorsk = upload_one(lead, project, "nynorsk.txt", NYNORSK, capture)
    chosen = upload_one(lead, project, "chosen.txt", BOKMAL + b" ", capture, language="da")
    assert (bokmal.language, nynorsk.language, chosen.language) == ("nb", "nn", "da")
    # Too little text to tell: left unset.
    assert detect_language("Ja takk.") == ""
    # The guess is searched with the Norwegian stemmer; as Danish the document is not found.
    search = reverse("study:search", kwargs={"project": project.code})
    client = client_for(lead)
    page = client.get(search, {"q": "kommunen"}).content.decode()
    assert "bokmal" in page and "nynorsk" in page
    edit = reverse("study:document-edit", kwargs={"project": project.code, "document": bokmal.code})
    response = client.post(edit, {"title": "bokmal", "kind": bokmal.kind, "language": "en"})
    assert response.status_code == 302
    page = client.get(search, {"q": "innbygger"}).content.decode()
    assert "bokmal" not in page and "chosen" in page  # the Danish stemmer meets Bokmål here
