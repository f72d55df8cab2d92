"""The one exception that ingestion raises."""


class IngestError(Exception):
    """A file could not be turned into a document.

    ``message`` is a complete, user-facing sentence that a page can show as it is.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NoTextLayer(IngestError):
    """A PDF whose pages carry no text at all: a scan, readable only by OCR."""
