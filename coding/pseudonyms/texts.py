"""The pseudonym list applied to coding's texts around the documents: excerpt memos (and the
excerpt log's copies of them) and the codebook's free texts (definitions, criteria, examples,
memos, and their copies in the change log and the frozen versions).

`study.pseudonyms.project_texts_pseudonymise` applies these with the cases' and the project
memos' texts in one transaction; the replacing itself is mapping.py's (`text_replacer`), the
same whole-word, case-insensitive, longest-first rule as for the documents.

Lock order, as in coding/excerpts/services.py: the project's codes first (FOR UPDATE, in
primary-key order, as a codebook change), then its excerpts in primary-key order. An excerpt
whose memo changes gets a new version, so an editor holding the old one gets a conflict (409).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from coding.documents.versions import excerpt_log_state, excerpts_codes
from coding.models import (
    Code,
    CodebookChange,
    CodebookVersion,
    Excerpt,
    ExcerptAction,
    ExcerptChange,
)
from coding.pseudonyms.mapping import NeverSettles, Replacement, list_problems, pseudonymise
from research.models import Project

Replace = Callable[[str], str]
CODE_TEXTS = ("definition", "inclusion", "exclusion", "example", "memo")


class ListProblem(ValueError):
    """The list cannot be applied (the sentence says why)."""


def text_replacer(replacements: list[Replacement]) -> Replace:
    """A function that pseudonymises one text with the list (mapping.py's rule)."""
    problems = list_problems(replacements)
    if problems:
        raise ListProblem(problems[0])

    def replace(text: str) -> str:
        if not text:
            return text
        try:
            return pseudonymise(text, replacements).text
        except NeverSettles as exc:
            raise ListProblem(
                _("Replacing never stops finding identifying strings; check the list.")
            ) from exc

    return replace


def _scrub(value: Any, replace: Replace, keys: tuple[str, ...]) -> Any:
    """`value` with the strings under ``keys`` (at any depth) pseudonymised."""
    if isinstance(value, dict):
        return {
            k: replace(v) if k in keys and isinstance(v, str) else _scrub(v, replace, keys)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_scrub(v, replace, keys) for v in value]
    return value


def codebook_texts_pseudonymise(*, project: Project, replace: Replace) -> int:
    """The codes' free texts, and their copies in the change log and the frozen versions;
    the number of codes changed. The caller holds a transaction."""
    codes = list(Code.objects.select_for_update().filter(project=project).order_by("pk"))
    changed = []
    for code in codes:
        before = [getattr(code, field) for field in CODE_TEXTS]
        for field in CODE_TEXTS:
            setattr(code, field, replace(getattr(code, field)))
        if [getattr(code, field) for field in CODE_TEXTS] != before:
            changed.append(code)
    Code.objects.bulk_update(changed, list(CODE_TEXTS))
    entries = list(CodebookChange.objects.filter(project=project).order_by("pk"))
    for entry in entries:
        entry.before = _scrub(entry.before, replace, CODE_TEXTS)
        entry.after = _scrub(entry.after, replace, CODE_TEXTS)
    CodebookChange.objects.bulk_update(entries, ["before", "after"])
    versions = list(CodebookVersion.objects.filter(project=project).order_by("pk"))
    for version in versions:
        version.snapshot = _scrub(version.snapshot, replace, CODE_TEXTS)
    CodebookVersion.objects.bulk_update(versions, ["snapshot"])
    return len(changed)


def excerpt_memos_pseudonymise(*, project: Project, replace: Replace, user) -> int:
    """Every excerpt memo of the project, each changed one with a new version and a log
    entry, and the memos the excerpt log keeps; the number of excerpts changed. The caller
    holds a transaction and has locked the codes (the lock order above)."""
    with_memo = Excerpt.objects.filter(document__project=project).exclude(memo="")
    excerpts = list(with_memo.select_for_update(no_key=True, of=("self",)).order_by("pk"))
    codes = excerpts_codes(excerpts)
    changed, log = [], []
    for excerpt in excerpts:
        memo = replace(excerpt.memo)
        if memo == excerpt.memo:
            continue
        before = excerpt_log_state(excerpt, codes.get(excerpt.pk, []))
        excerpt.memo = memo
        excerpt.version += 1
        changed.append(excerpt)
        log.append((excerpt, before))
    Excerpt.objects.bulk_update(changed, ["memo", "version"])
    # The log's earlier states first, so the new entries are not scrubbed twice.
    entries = list(ExcerptChange.objects.filter(project=project).order_by("pk"))
    for entry in entries:
        entry.before = _scrub(entry.before, replace, ("memo",))
        entry.after = _scrub(entry.after, replace, ("memo",))
    ExcerptChange.objects.bulk_update(entries, ["before", "after"])
    ExcerptChange.objects.bulk_create(
        ExcerptChange(
            project_id=project.pk,
            document_id=excerpt.document_id,
            excerpt_code=excerpt.code,
            action=ExcerptAction.UPDATE,
            version=excerpt.version,
            before={**before, "memo": replace(before["memo"])},
            after=excerpt_log_state(excerpt, codes.get(excerpt.pk, [])),
            user=user,
        )
        for excerpt, before in log
    )
    return len(changed)
