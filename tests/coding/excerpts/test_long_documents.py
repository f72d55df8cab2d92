"""A 1.5 MB document with 5,000 excerpts: the coding view stays a fixed number of queries."""

import time

from django.urls import reverse

from coding.models import Coding, Excerpt
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
    began = time.perf_counter()
    # session, user, membership, document, excerpts, codings, codebook, coders for overlays,
    # the member's last deletion ("Undo delete")
    with django_assert_num_queries(9):
        response = client.get(url)
    elapsed = time.perf_counter() - began
    assert response.status_code == 200
    data = response.context["data"]
    assert len(data.excerpts) == 4999
    assert data.html.count("data-start=") > 10_000
    print(f"coding view: {len(response.content) / 1e6:.1f} MB in {elapsed:.2f} s")
