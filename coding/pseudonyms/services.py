"""Writes for pseudonymisation: the project's list of identifying strings, applying it to a
document's text, and deleting a document's original text.

Applying the list makes a new text version (coding/documents/versions.py keeps the old one as a
`TextVersion`, here marked private: owners only, never exported). Excerpts move by the exact map
of coding/pseudonyms/mapping.py, not by the word diff a re-read text needs: every offset is
known, and an excerpt that covered part of a name covers its whole replacement.

Lock order: the document's reconciliation candidates (coding/pseudonyms/carry.py: a decision
locks its candidate before the document), then, as for every new text version, the document
row (for update), then its excerpts in primary-key order. Candidates and the disagreements
agreement runs stored move through the same map as the excerpts. Each moved excerpt's version
goes up, so an editor holding the old version gets a conflict (409), and excerpt writes made on
the old text are refused (they share-lock the document and check its text version).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coding.documents.versions import (
    excerpt_log_state,
    excerpt_moved_entry,
    excerpts_codes,
    text_version_archive,
)
from coding.models import (
    Document,
    Excerpt,
    ExcerptChange,
    Pseudonym,
    PseudonymPolicy,
    TextVersion,
)
from coding.pseudonyms.carry import Moved, candidates_lock, candidates_move, runs_move
from coding.pseudonyms.mapping import (
    NeverSettles,
    Pseudonymised,
    Replacement,
    list_check,
    list_problems,
    pseudonymise,
)
from research.jobs import job_enqueue
from research.models import Job, Project

APPLY = "pseudonyms.apply"


def project_replacements(*, project: Project) -> list[Replacement]:
    rows = Pseudonym.objects.filter(project=project).order_by("pk")
    return [Replacement(p.original, p.replacement) for p in rows]


@transaction.atomic
def pseudonym_add(*, project: Project, original: str, replacement: str, user) -> Pseudonym:
    """Add an identifying string to the list; refused (ValidationError) when the list could
    not be applied with it."""
    original, replacement = original.strip(), replacement.strip()
    # Lock the project's list so two leads adding at once are checked against each other.
    list(Pseudonym.objects.select_for_update().filter(project=project).order_by("pk"))
    problem = list_check(project_replacements(project=project), Replacement(original, replacement))
    if problem:
        raise ValidationError(problem)
    try:
        with transaction.atomic():  # two leads adding the first entry at once: one wins
            return Pseudonym.objects.create(
                project=project,
                original=original[:200],
                replacement=replacement[:200],
                created_by=user,
            )
    except IntegrityError as exc:
        raise ValidationError(_("“%(s)s” is already on the list.") % {"s": original}) from exc


def pseudonym_remove(*, pseudonym: Pseudonym) -> None:
    pseudonym.delete()


def policy_set(*, project: Project, original_export: bool) -> PseudonymPolicy:
    policy, _created = PseudonymPolicy.objects.update_or_create(
        project=project, defaults={"original_export": original_export}
    )
    return policy


def _replace(text: str, replacements: list[Replacement]) -> str:
    return pseudonymise(text, replacements).text if text else text


@transaction.atomic
def document_pseudonymise(*, document_id: int, user) -> dict[str, Any]:
    """Apply the project's list to one document: a new text version, excerpts moved.

    Returns what changed. Applying again with the same list changes nothing.
    """
    candidates = candidates_lock(document_id=document_id)
    # FOR NO KEY UPDATE: it waits for excerpt writes that share-lock the row (the text version
    # check) but not for the key-share lock every insert referencing the document takes (an
    # excerpt log entry), which a coder holding an excerpt lock may need while we wait for it.
    document = Document.objects.select_for_update(no_key=True).get(pk=document_id)
    if candidates_lock(document_id=document_id) != candidates:
        # A reconciliation opened meanwhile: its candidates were not locked in order.
        raise ValidationError(
            _("“%(title)s” was just opened for reconciliation: apply the list again.")
            % {"title": document.title}
        )
    replacements = project_replacements(project=document.project)
    problems = list_problems(replacements)
    if problems:
        raise ValidationError(problems[0])
    try:
        result = pseudonymise(document.text, replacements)
    except NeverSettles as exc:
        raise ValidationError(
            _("Replacing never stops finding identifying strings; check the list.")
        ) from exc
    moved: Moved = {}
    if result.changed:
        version = text_version_archive(
            document=document,
            reason=ngettext(
                "Pseudonymised: %(n)d identifying string replaced",
                "Pseudonymised: %(n)d identifying strings replaced",
                result.replaced,
            )
            % {"n": result.replaced},
            created_by=user,
        )
        moved = _excerpts_move(document=document, result=result, user=user)
        TextVersion.objects.filter(pk=version.pk).update(excerpts_moved=len(moved))
        candidates_move(document=document, result=result, moved=moved)
        runs_move(document=document, result=result, replace=lambda t: _replace(t, replacements))
        _structure_move(document, result, replacements)
        document.text = result.text
        document.char_count = len(result.text)
        document.text_version += 1
    # Every earlier text (and the uploaded file) may hold what the list hides.
    TextVersion.objects.filter(document=document).update(private=True)
    document.title = _replace(document.title, replacements)[:300]
    document.source = _replace(document.source, replacements)[:300]
    document.notes = _replace(document.notes, replacements)
    document.original_name = _replace(document.original_name, replacements)[:300]
    document.pseudonymised_version = document.text_version
    document.save()
    _scrub_excerpt_log(document=document, replacements=replacements)
    return {"replaced": result.replaced, "excerpts_moved": len(moved), "changed": result.changed}


def _excerpts_move(*, document: Document, result: Pseudonymised, user) -> Moved:
    """Move the document's excerpts through the map (the caller holds the document lock);
    the moved ones' UUIDs with their versions before and after."""
    excerpts = list(Excerpt.objects.select_for_update().filter(document=document).order_by("pk"))
    codes = excerpts_codes(excerpts)
    changed, log = [], []
    for excerpt in excerpts:
        start, end = result.move(excerpt.start, excerpt.end)
        text = result.text[start:end]
        if (start, end, text) == (excerpt.start, excerpt.end, excerpt.text):
            continue
        before = excerpt_log_state(excerpt, codes.get(excerpt.pk, []))
        excerpt.start, excerpt.end, excerpt.text = start, end, text
        excerpt.version += 1
        changed.append(excerpt)
        log.append(
            excerpt_moved_entry(
                excerpt,
                project_id=document.project_id,
                before=before,
                codes=codes.get(excerpt.pk, []),
                user=user,
            )
        )
    Excerpt.objects.bulk_update(changed, ["start", "end", "text", "version"])
    ExcerptChange.objects.bulk_create(log)
    return {str(e.code): (e.version - 1, e.version) for e in changed}


def _structure_move(document: Document, result: Pseudonymised, replacements) -> None:
    """Pages, paragraphs, headings and speaker turns follow the text."""
    document.pages = [[n, *result.move(s, e)] for n, s, e in document.pages]
    document.paragraphs = [list(result.move(s, e)) for s, e in document.paragraphs]
    document.headings = [[*result.move(s, e), *rest] for s, e, *rest in document.headings]
    turns = []
    for turn in document.turns:
        start, end = result.move(turn["start"], turn["end"])
        moved = {**turn, "start": start, "end": end}
        if turn.get("body_start") is not None:
            moved["body_start"] = result.move(turn["body_start"], turn["body_start"])[0]
        moved["speaker"] = _replace(turn.get("speaker") or "", replacements)
        turns.append(moved)
    document.turns = turns
    document.removed_lines = [
        [page, _replace(text, replacements)] for page, text in document.removed_lines
    ]
    document.file_properties = {
        key: _replace(str(value), replacements) for key, value in document.file_properties.items()
    }


def _scrub_excerpt_log(*, document: Document, replacements: list[Replacement]) -> None:
    """The excerpt log keeps each excerpt's words before and after each change: those words
    are pseudonymised too, so the history shows no more than the text does."""
    entries = list(ExcerptChange.objects.filter(document=document).order_by("pk"))
    changed = []
    for entry in entries:
        dirty = False
        for state in (entry.before, entry.after):
            if state and state.get("text"):
                text = _replace(state["text"], replacements)
                dirty = dirty or text != state["text"]
                state["text"] = text
        if dirty:
            changed.append(entry)
    ExcerptChange.objects.bulk_update(changed, ["before", "after"])


def documents_pseudonymise(*, project: Project, user, report=None) -> dict[str, Any]:
    """Apply the list to every ready document of the project, one transaction each (a large
    project runs this as a job: coding/pseudonyms/jobs.py)."""
    ids = list(
        Document.objects.for_project(project).ready().order_by("pk").values_list("pk", flat=True)
    )
    replaced = changed = 0
    skipped: list[str] = []
    for index, document_id in enumerate(ids, start=1):
        try:
            outcome = document_pseudonymise(document_id=document_id, user=user)
        except ValidationError as exc:  # one document being reconciled stops no other
            skipped.append(" ".join(exc.messages))
            continue
        replaced += outcome["replaced"]
        changed += outcome["changed"]
        if report:
            report(int(100 * index / max(len(ids), 1)), f"{index} of {len(ids)} documents")
    return {"documents": len(ids), "changed": changed, "replaced": replaced, "skipped": skipped}


@transaction.atomic
def document_original_delete(*, document: Document) -> int:
    """Delete a pseudonymised document's original texts and uploaded file (an owner asked for
    it): the pseudonymised text becomes the only one. Returns how many versions went."""
    document = Document.objects.select_for_update(no_key=True).get(pk=document.pk)
    if document.pseudonymised_version is None:
        raise ValidationError(_("This document has not been pseudonymised."))
    deleted, _rows = TextVersion.objects.filter(document=document, private=True).delete()
    if document.original.name:
        storage, name = document.original.storage, document.original.name
        transaction.on_commit(lambda: storage.delete(name))
        document.original = ""
        document.save(update_fields=["original"])
    return deleted


def original_versions(*, document: Document):
    """The texts kept from before pseudonymisation, the first read first (owners only)."""
    return TextVersion.objects.filter(document=document, private=True).order_by("number")


def original_label(version: TextVersion) -> str:
    """The header of a downloaded original: nobody mistakes it for the shareable text."""
    return _(
        "ORIGINAL TEXT - CONTAINS IDENTIFYING INFORMATION - NOT PSEUDONYMISED\n"
        "Text version %(n)d of the document, kept for the project's owners.\n\n"
    ) % {"n": version.number}


@transaction.atomic
def documents_pseudonymise_queue(*, project: Project, user) -> Job:
    """Queue applying the list to every document (see coding/pseudonyms/jobs.py); a list
    that cannot be applied is refused here, before any job starts."""
    replacements = project_replacements(project=project)
    if not replacements:
        raise ValidationError(_("The list is empty: add identifying strings first."))
    problems = list_problems(replacements)
    if problems:
        raise ValidationError(problems[0])
    return job_enqueue(kind=APPLY, project=project, requested_by=user, params={})
