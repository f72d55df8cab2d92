"""Open an uploaded `.qdpx` as the untrusted archive it is. Pure: no Django.

Refused with a sentence (`RefiArchiveError`): not a zip; too large; too many entries; an entry
whose name leaves the archive (absolute, `..`, drive letters); an entry that inflates more than
`MAX_RATIO` times or past `MAX_TOTAL` (zip bombs: refused on the headers' sizes, and counted
again while reading, since headers may lie); no `project.qde`; a `project.qde` over
`MAX_QDE`; a DOCTYPE (entities, "billion laughs", external entities); XML that is not well
formed. No network is ever used.
Entry names are matched case-insensitively (`Sources/` from NVivo Windows, `sources/` from
the others).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from lxml import etree

from coding.codebook_io.qdc import DoctypeFound, refuse_doctype

MAX_ARCHIVE = 200 * 1024 * 1024
MAX_TOTAL = 500 * 1024 * 1024
MAX_QDE = 40 * 1024 * 1024
MAX_ENTRIES = 20_000
MAX_RATIO = 200
_CHUNK = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


class RefiArchiveError(ValueError):
    """The upload cannot be imported; the message says why, as a sentence."""


@dataclass
class Archive:
    zip: zipfile.ZipFile
    names: dict[str, str]  # lower-case name → name as stored
    budget: list[int]  # bytes still allowed to inflate, shared by every read

    def find(self, name: str) -> str | None:
        return self.names.get(name.lower())

    def read(self, name: str, *, limit: int = MAX_TOTAL) -> bytes:
        """An entry's bytes, counted while inflating (the header's size may lie)."""
        info = self.zip.getinfo(name)
        out = io.BytesIO()
        with self.zip.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                out.write(chunk)
                self.budget[0] -= len(chunk)
                size = out.tell()
                if size > limit:
                    raise RefiArchiveError(
                        f"“{name}” is larger than {limit // (1024 * 1024)} MB; it is refused."
                    )
                if self.budget[0] < 0:
                    raise RefiArchiveError(
                        "The archive unpacks to more than"
                        f" {MAX_TOTAL // (1024 * 1024)} MB; it is refused."
                    )
                if size > 1024 * 1024 and size > MAX_RATIO * max(info.compress_size, 1):
                    raise RefiArchiveError(
                        f"“{name}” unpacks to more than {MAX_RATIO} times its packed size"
                        " (a zip bomb?); the archive is refused."
                    )
        return out.getvalue()


def open_archive(data: bytes) -> Archive:
    if len(data) > MAX_ARCHIVE:
        raise RefiArchiveError(
            f"The file is larger than {MAX_ARCHIVE // (1024 * 1024)} MB; it is refused."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise RefiArchiveError(
            "This is not a REFI-QDA project (.qdpx): it is not a zip archive."
        ) from exc
    if len(infos) > MAX_ENTRIES:
        raise RefiArchiveError(f"The archive has more than {MAX_ENTRIES} files; it is refused.")
    names: dict[str, str] = {}
    declared = sum(info.file_size for info in infos)
    if declared > MAX_TOTAL:
        raise RefiArchiveError(
            f"The archive unpacks to more than {MAX_TOTAL // (1024 * 1024)} MB; it is refused."
        )
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise RefiArchiveError(
                f"“{info.filename}” unpacks to more than {MAX_RATIO} times its packed size"
                " (a zip bomb?); the archive is refused."
            )
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or _DRIVE.match(name) or ".." in parts:
            raise RefiArchiveError(
                f"The archive holds a file named “{name}”, which points outside it; refused."
            )
        if info.flag_bits & 0x1:
            raise RefiArchiveError("The archive is encrypted; export it again without a password.")
        names[name.lower()] = name
    result = Archive(zip=archive, names=names, budget=[MAX_TOTAL])
    if result.find("project.qde") is None:
        raise RefiArchiveError(
            "The archive has no project.qde, so it is not a REFI-QDA project (.qdpx)."
        )
    return result


def parse_xml(data: bytes, *, what: str = "project.qde") -> etree._Element:
    common = {"resolve_entities": False, "no_network": True, "load_dtd": False}
    try:
        refuse_doctype(data)
        return etree.fromstring(
            data,
            etree.XMLParser(huge_tree=False, remove_comments=True, remove_pis=True, **common),
        )
    except DoctypeFound:
        raise RefiArchiveError(
            f"{what} declares a DOCTYPE; entities are refused, so the file is not imported."
        ) from None
    except etree.XMLSyntaxError as exc:
        raise RefiArchiveError(
            f"{what} is not well-formed XML (line {exc.lineno}: {exc.msg})."
        ) from exc
