"""Codebook files in and out: picks the `coding.codebook_io` reader or writer by format."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext_noop

from coding.codebook.selectors import codebook_exchange_nodes, codebook_nodes
from coding.codebook_io import (
    CodebookFormatError,
    ImportResult,
    read_csv,
    read_json,
    read_qdc,
    read_study_codebook_csv,
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


# A zip archive's first bytes: what a REFI-QDA project (.qdpx) is.
ZIP_MAGIC = b"PK\x03\x04"


def is_project_archive(upload) -> bool:
    """A .qdpx (or any zip) dropped where a codebook file was expected."""
    start = upload.read(4)
    upload.seek(0)
    return start == ZIP_MAGIC or (upload.name or "").lower().endswith(".qdpx")


def codebook_export(*, project, fmt: str, visible_to=None) -> HttpResponse:
    """The codebook as a download (what `visible_to` may see, when given: blind mode hides
    other coders' proposed codes). Raises CodebookFormatError when the format cannot hold it
    (a REFI-QDA codebook needs at least one code)."""
    if fmt == "qdc":
        body: bytes | str = write_qdc(
            codebook_exchange_nodes(project=project, visible_to=visible_to)
        )
        return _download(project, fmt, body)
    roots = codebook_nodes(project=project, visible_to=visible_to)
    return _download(project, fmt, write_json(roots) if fmt == "json" else write_csv(roots))


def _download(project, fmt: str, body: bytes | str) -> HttpResponse:
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
        # Real tools write codebooks the schema refuses (Taguette's empty <Sets/>): take what
        # can be understood and report each violation.
        return read_qdc(data, strict=False)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CodebookFormatError([gettext_noop("the file is not UTF-8 text")]) from exc
    if name.endswith(".json") or text.lstrip()[:1] in ("{", "["):
        return read_json(text)
    if _is_study_table(text):
        return read_study_codebook_csv(text)
    return read_csv(text)


def _is_study_table(text: str) -> bool:
    # The reference study's table (cluster, category, concepts; the user guide's §4) has no
    # `path` column; its header says which reader to use, so no format picker is needed.
    header = {h.strip().lower() for h in text.splitlines()[0].split(",")} if text else set()
    return "path" not in header and {"cluster", "category", "concepts"} <= header
