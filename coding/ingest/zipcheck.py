"""Refuse zip bombs by reading the zip directory before anything is decompressed."""

from __future__ import annotations

import io
import zipfile

from coding.wording import gettext_noop

from .errors import IngestError, damaged

# A long report's DOCX holds a few MB of XML; images add more but compress poorly.
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
# XML compresses 5-20x; 100x is already unusual, and only large members matter.
MAX_RATIO = 100
RATIO_CHECK_FROM_BYTES = 2 * 1024 * 1024
MAX_MEMBERS = 10_000


def check_zip(data: bytes, kind: str) -> None:
    """Raise ``IngestError`` unless the archive's directory looks like a sane document."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise damaged(kind) from exc
    refused = IngestError(
        gettext_noop(
            "This %(kind)s file unpacks to far more data than a document should (it looks "
            "like a zip bomb), so it was not opened."
        ),
        kind=kind,
    )
    if len(infos) > MAX_MEMBERS:
        raise refused
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise refused
    for info in infos:
        large = info.file_size >= RATIO_CHECK_FROM_BYTES
        if large and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise refused
