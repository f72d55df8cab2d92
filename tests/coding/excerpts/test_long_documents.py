"""A 1.5 MB document with 5,000 excerpts: the coding view stays a fixed number of queries."""

import time

from django.core.cache import cache
from django.urls import reverse

from coding.models import Coding, Excerpt
from tests.coding.excerpts.conftest import coding_text
from tests.conftest import client_for
from tests.factories import DocumentFactory

PARAGRAPH = "Kommunen skal samarbeide med næringslivet om smarte løsninger og åpne data 🚲. " * 4


def _long_document(project, coder, codes):
    paragraphs, parts, offset = [], [], 0
    while offset < 1_500_000:
        parts.append(PARAGRAPH)
        paragraphs.append([offset, offset + len(PARAGRAPH)])
        offset += len(PARAGRAPH) + 2
    text = "\n\n".join(parts)
    page_size = 3000
    pages = [
        [n + 1, start, min(start + page_size, len(text))]
        for n, start in enumerate(range(0, len(text), page_size))
    ]
    document = DocumentFactory(project=project, text=text, paragraphs=paragraphs, pages=pages)
    step = len(text) // 5000
    excerpts = Excerpt.objects.bulk_create(
        Excerpt(
            document=document,
            coder=coder,
            start=i * step,
            end=i * step + step + 40,  # overlapping the next one
            text=text[i * step : i * step + step + 40],
        )
        for i in range(4999)
    )
    Coding.objects.bulk_create(
        Coding(excerpt=e, code=codes["data" if i % 2 else "business"])
        for i, e in enumerate(excerpts)
    )
    return document


def test_coding_view_of_a_long_document_is_a_fixed_number_of_queries(
    project, lead, codes, django_assert_num_queries
):
    document = _long_document(project, lead, codes)
    assert len(document.text) >= 1_500_000
    url = reverse("coding:coding-view", kwargs={"project": project.code, "document": document.code})
    client = client_for(lead)
    cache.clear()
    began = time.perf_counter()
    # session, user, membership, document (without its text), the lead's code counts, codebook,
    # coders for overlays, the member's last deletion ("Undo delete")
    with django_assert_num_queries(8):
        page = client.get(url)
    # session with its user (signed in by this process on the page's request), membership,
    # document (without its text), the ETag (2: excerpts and codings, summed on PostgreSQL),
    # excerpts, codings, the text itself while its rendering is not cached, and the ETag
    # again (the answer is kept only if nothing changed meanwhile)
    with django_assert_num_queries(10):
        text = coding_text(client, project, document)
    elapsed = time.perf_counter() - began
    assert page.status_code == 200 and text.response.status_code == 200
    assert len(text.excerpts) == 4999
    assert text.html.count("data-start=") > 10_000
    assert len(page.content) < 100_000  # the page is small: the text is its own answer
    with django_assert_num_queries(5):  # the answer is cached now: the ETag, no excerpt
        again = coding_text(client, project, document)
    assert again.html == text.html
    etag = text.response["ETag"]
    with django_assert_num_queries(5):  # the browser's copy is current: the ETag, nothing sent
        unchanged = coding_text(client, project, document, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.response.status_code == 304 and unchanged.response.content == b""
    print(f"coding view: {len(text.response.content) / 1e6:.1f} MB in {elapsed:.2f} s")
