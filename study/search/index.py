"""The search index: each document's current text as indexed paragraphs (SearchUnit).

A document is indexed when it is saved with a new text or language (a post_save receiver
study registers, so coding never imports study) and, as a safety net for writes that bypass
save() (bulk creation, a restore), when a search finds its index missing or stale: indexed for
another text version or language. Pseudonymised or re-read text is a new text version, so it
is indexed as the current text and the old one leaves the index.

The stems come from study.search.stemming on both databases: PostgreSQL stores them as a
`tsvector` (positions are word numbers, so phrases work) in a GIN index; SQLite stores them,
space-separated, in an FTS5 table whose 'ascii' tokenizer splits on exactly those spaces.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from coding.agreement.natural_units import split_paragraphs
from coding.models import Document
from study.models import SearchIndexState, SearchUnit
from study.search.stemming import Token, analyse, config_for

# At most this many words per unit: PostgreSQL keeps no more than 256 positions of one lexeme
# in a tsvector, so no word can outgrow that in a unit. A phrase across the cut of a long
# paragraph is not found (on either database).
UNIT_WORDS = 256
# What a document's index follows; the text is compared by digest when a save may change it.
WATCHED = {"text", "language", "text_version", "status"}
# Keys of the index's advisory locks: the document's pk above this, far from other users' keys.
INDEX_LOCK_SPACE = 0x5EA4C4 << 32


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def units_of(text: str, config: str) -> list[list[Token]]:
    """The text's paragraphs as lists of their words, long ones cut every UNIT_WORDS words."""
    units: list[list[Token]] = []
    for start, end in split_paragraphs(text):
        words = analyse(text, config, start, end)
        units.extend(words[i : i + UNIT_WORDS] for i in range(0, len(words), UNIT_WORDS))
    return units


def _tsvector(words: list[Token]) -> str:
    positions: dict[str, list[str]] = defaultdict(list)
    for number, word in enumerate(words, start=1):
        positions[word.stem].append(str(number))
    # Stems hold only letters and digits: quoting is all the escaping they need.
    return " ".join(f"'{stem}':{','.join(at)}" for stem, at in positions.items())


@transaction.atomic
def document_index(document: Document) -> None:
    """Replace the document's index with its current text (`document` has text, language
    and text_version loaded)."""
    # Two searches may find the same document stale at once: the lock makes the second wait
    # and then replace the first one's units, never add to them. An advisory lock of the index's
    # own (one bigint key: a space apart from the duplicate guard's two-key locks), not an update
    # lock on the document's row, which would block the FOR SHARE coding writes take after the
    # duplicate guard's lock (a search inside auto-coding deadlocked that way). The row is first
    # key-share locked, as inserting units would anyway: a writer replacing the text (FOR
    # UPDATE) then waits for us, or we for it, before either takes the index lock.
    # SQLite has one writer at a time.
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Document._meta.db_table)  # the model's, not input
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {table} WHERE id = %s FOR KEY SHARE",  # noqa: S608
                [document.pk],
            )
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INDEX_LOCK_SPACE + document.pk])
    SearchUnit.objects.filter(document_id=document.pk).delete()  # SQLite: a trigger clears FTS5
    config = config_for(document.language)
    text = document.text
    units = [words for words in units_of(text, config) if words]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.executemany(
                'INSERT INTO study_searchunit (document_id, start, "end", config, text, vector)'
                " VALUES (%s, %s, %s, %s, %s, %s::tsvector)",
                [
                    (
                        document.pk,
                        w[0].start,
                        w[-1].end,
                        config,
                        text[w[0].start : w[-1].end],
                        _tsvector(w),
                    )
                    for w in units
                ],
            )
    else:
        rows = SearchUnit.objects.bulk_create(
            SearchUnit(
                document_id=document.pk,
                start=w[0].start,
                end=w[-1].end,
                config=config,
                text=text[w[0].start : w[-1].end],
            )
            for w in units
        )
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO study_searchunit_fts (rowid, body) VALUES (%s, %s)",
                [
                    (row.pk, " ".join(word.stem for word in w))
                    for row, w in zip(rows, units, strict=True)
                ],
            )
    SearchIndexState.objects.update_or_create(
        document_id=document.pk,
        defaults={
            "text_version": document.text_version,
            "language": document.language,
            "digest": digest(document.text),
            "indexed_at": timezone.now(),
        },
    )


def on_document_saved(sender, instance: Document, raw=False, update_fields=None, **kwargs):
    """post_save of a document: index it again when its text or language may have changed."""
    if raw or (update_fields is not None and not WATCHED & set(update_fields)):
        return
    if {"text", "language", "text_version"} & instance.get_deferred_fields():
        instance = Document.objects.only("pk", "text", "language", "text_version").get(
            pk=instance.pk
        )
    state = SearchIndexState.objects.filter(document_id=instance.pk).first()
    if (
        state is not None
        and state.language == instance.language
        and state.text_version == instance.text_version
        and state.digest == digest(instance.text)
    ):
        return
    document_index(instance)


def configs_in(scope: QuerySet[Document]) -> dict[int, str]:
    """Each document of `scope` → the stemmer it is indexed with, indexing first the ones
    whose index is missing or stale (one query when none is)."""
    rows = list(
        scope.values_list(
            "pk",
            "language",
            "text_version",
            "search_index__text_version",
            "search_index__language",
        )
    )
    stale = [pk for pk, lang, version, at, lang_at in rows if (version, lang) != (at, lang_at)]
    if stale:
        _index_again(stale)
    return {pk: config_for(language) for pk, language, *_ in rows}


def _index_again(pks: Iterable[int]) -> None:
    for document in (
        Document.objects.filter(pk__in=list(pks))
        .order_by("pk")
        .only("pk", "text", "language", "text_version")
    ):
        document_index(document)
