"""What the document pages tell the researcher after an upload or a bulk action (messages)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coding.documents.services import UploadOutcome
from coding.models import DocumentKind, DocumentStatus
from research.jobs import jobs_broker_available


def _uploaded_key(project: uuid.UUID) -> str:
    return f"uploaded-documents:{project}"


def upload_report(request: HttpRequest, *, project: uuid.UUID, outcome: UploadOutcome) -> None:
    """One message per refused or skipped file and one for those uploaded; remembers the
    uploaded ones so the list can name those whose reading failed."""
    for sentence in outcome.refused:
        messages.error(request, sentence)
    for sentence in outcome.skipped:
        messages.warning(request, sentence)
    if not outcome.created:
        return
    count = len(outcome.created)
    if jobs_broker_available():
        sentence = ngettext(
            "%(count)d file uploaded; its text is being read.",
            "%(count)d files uploaded; their text is being read.",
            count,
        )
    else:  # the rows are committed; the sweep sends their jobs once the broker is back
        sentence = ngettext(
            "%(count)d file uploaded; it is queued and will be read when the job system is back.",
            "%(count)d files uploaded; they are queued and will be read when the job system is "
            "back.",
            count,
        )
    messages.success(request, sentence % {"count": count})
    request.session[_uploaded_key(project)] = [str(d.code) for d in outcome.created]


def replaced_sentence() -> str:
    """What the page says after a file is replaced: read now, or once the job system is back."""
    if jobs_broker_available():
        return _("File replaced; its text is being read again.")
    return _("File replaced; it is queued and will be read when the job system is back.")


def failed_uploads_report(request: HttpRequest, *, project: uuid.UUID, rows) -> None:
    """Once, on the page an upload redirects to: name each file of that upload whose reading
    already failed (eager jobs, or a fast worker), so the reason is not missed in a long list."""
    uploaded = set(request.session.pop(_uploaded_key(project), []))
    for row in rows:
        if row.status == DocumentStatus.FAILED and str(row.document.code) in uploaded:
            name = row.document.original_name or row.document.title
            messages.error(
                request,
                _("“%(name)s” could not be read: %(reason)s") % {"name": name, "reason": row.error},
            )


def kind_set_sentence(*, count: int, kind: str) -> str:
    return ngettext(
        "%(count)d document is now “%(kind)s”.",
        "%(count)d documents are now “%(kind)s”.",
        count,
    ) % {"count": count, "kind": DocumentKind(kind).label}


def deleted_sentence(*, documents: int, excerpts: int) -> str:
    return _("%(documents)s deleted, with %(excerpts)s.") % {
        "documents": ngettext("%d document", "%d documents", documents) % documents,
        "excerpts": ngettext("%d excerpt", "%d excerpts", excerpts) % excerpts,
    }
