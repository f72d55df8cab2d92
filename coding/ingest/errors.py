"""The one exception that ingestion raises."""

from __future__ import annotations

from typing import Any

from coding.wording import Notice, gettext_noop


class IngestError(Exception):
    """A file could not be turned into a document.

    ``notice`` is a complete, user-facing sentence as a message id and its parameters (the
    Django layer words it in the reader's language: coding/notices.py); ``message`` is the
    English sentence.
    """

    def __init__(self, msgid: str, **params: Any) -> None:
        self.notice = Notice(msgid, params)
        self.message = str(self.notice)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class NoTextLayer(IngestError):
    """A PDF whose pages carry no text at all: a scan, readable only by OCR."""


def damaged(kind: Notice | str) -> IngestError:
    """A file of a known kind that its library could not read."""
    return IngestError(
        gettext_noop(
            "This %(kind)s file is damaged or incomplete and cannot be read. "
            "Please check the file and upload it again."
        ),
        kind=kind,
    )
