"""Codebook files in and out: picks the `coding.codebook_io` reader or writer by format."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.text import slugify

from coding.codebook.selectors import codebook_nodes
from coding.codebook_io import (
    CodebookFormatError,
    ImportResult,
    read_csv,
    read_json,
    read_qdc,
    write_csv,
    write_json,
    write_qdc,
)

# format → (label, content type, extension)
EXPORTERS = {
    "csv": ("CSV", "text/csv; charset=utf-8", "csv"),
    "json": ("JSON", "application/json", "json"),
    "qdc": ("REFI-QDA (.qdc)", "application/xml", "qdc"),
}


def codebook_export(*, project, fmt: str, visible_to=None) -> HttpResponse:
    roots = codebook_nodes(project=project, visible_to=visible_to)
    if fmt == "qdc":
        body: bytes | str = write_qdc(roots)
    elif fmt == "json":
        body = write_json(roots)
    else:
        body = write_csv(roots)
    _label, content_type, extension = EXPORTERS[fmt]
    response = HttpResponse(body, content_type=content_type)
    name = slugify(project.title) or "project"
    response["Content-Disposition"] = f'attachment; filename="{name}-codebook.{extension}"'
    return response


def codebook_read_upload(upload) -> ImportResult:
    """Read an uploaded file by its extension (or its first byte when the name says nothing).
    Raises CodebookFormatError with a reason a researcher can act on."""
    data = upload.read()
    name = (upload.name or "").lower()
    if name.endswith((".qdc", ".xml")) or data.lstrip()[:1] == b"<":
        return read_qdc(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CodebookFormatError(["the file is not UTF-8 text"]) from exc
    if name.endswith(".json") or text.lstrip()[:1] in ("{", "["):
        return read_json(text)
    return read_csv(text)
