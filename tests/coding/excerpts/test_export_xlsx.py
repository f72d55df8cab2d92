"""The retrieval workbook writes plain rows itself (coding.spreadsheets.write_row):
the file must be byte for byte what XlsxWriter's own cell-by-cell writes make, and every
excerpt's text must come back from the file as it is."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from coding import spreadsheets
from coding.excerpts import exports


def _cell_by_cell(rows: list[dict], about: str) -> bytes:
    """The workbook as XlsxWriter writes it one cell at a time (the export before)."""
    output = io.BytesIO()
    workbook = spreadsheets.workbook(output)
    properties = {"title": "Retrieved excerpts"}
    if about:
        properties["comments"] = about
    workbook.set_properties(properties)
    sheet = workbook.add_worksheet("Excerpts")
    sheet.write_row(0, 0, exports.headers())
    for row_number, row in enumerate(rows, start=1):
        for column_number, column in enumerate(exports.COLUMNS):
            value = row[column]
            if isinstance(value, str):
                sheet.write_string(row_number, column_number, value)
            elif value is not None:
                sheet.write_number(row_number, column_number, value)
    workbook.close()
    return output.getvalue()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        # docProps/core.xml holds the time of writing.
        return {n: archive.read(n) for n in archive.namelist() if n != "docProps/core.xml"}


def _row(text: str, *, page: int | None = 1, memo: str = "", codes: str = "A/B; C") -> dict:
    return {
        "document": "Intervju 1 & <2>",
        "page": page,
        "coder": "Kari",
        "codes": codes,
        "text": text,
        "memo": memo,
        "start": 12,
        "end": 12 + len(text),
    }


TRICKY = [
    "plain text",
    "",
    " leading space",
    "trailing space ",
    "trailing newline\n",
    "\ttab first",
    "line\nbreaks\r\ninside",
    "quotes \" and ' and & < > signs",
    "control \x01 and \x1f characters",
    "looks like an escape _x0041_ and _x00ZZ_",
    "non-characters \ufffe \uffff",
    "<r>looks like a rich string</r>",
    "<r>not quite",
    "æøå ÆØÅ — “sitat” 😀 emoji",
    "=SUM(A1:A2)",
    "x" * 16_000,
    "y" * 20_000,
    "z" * 40_000,
    "😀" * 17_000,
    "\u00a0non-breaking space\u2003",
    "carriage\rreturn",
    "soft\u00adhyphen and line\u2028separator",
    "tab\tand newline\n inside, escape-like at the end _x00aF_",
]


@pytest.mark.parametrize("about", ["", "Code: A"])
def test_plain_rows_are_written_as_xlsxwriter_writes_them(about):
    rows = [_row(text) for text in TRICKY]
    rows += [_row("no page", page=None), _row("big", page=12_345_678_901_234_567)]
    rows += [_row("exact", page=2**53), _row("inexact", page=2**53 + 1), _row("minus", page=-7)]
    rows += [_row("memo", memo=" kept "), _row("no codes", codes="")]
    rows += [_row(f"row {n}", page=n % 7 or None) for n in range(300)]
    with exports.translation.override("en"):
        with exports.xlsx_file(rows, about=about) as file:
            written = file.read()
        expected = _cell_by_cell(rows, about)
    assert _parts(written) == _parts(expected)


def test_an_empty_export_is_written_as_xlsxwriter_writes_it():
    with exports.translation.override("en"):
        with exports.xlsx_file([]) as file:
            written = file.read()
        expected = _cell_by_cell([], "")
    assert _parts(written) == _parts(expected)


def test_text_that_looks_like_xml_comes_back_as_it_is():
    # XlsxWriter alone wrote "<r>…</r>" as the XML of a rich string: the file did not open.
    texts = ["<r>AT&T</r>", "<r><t>inside</t></r>", " <r>x</r>", "<r>not quite", "a & <b>"]
    with exports.translation.override("en"):
        for first_row in (False, True):
            rows = [_row(text) for text in texts]
            if first_row:  # the first row after the header goes XlsxWriter's way
                rows = rows[:1]
            with exports.xlsx_file(rows) as file:
                sheet = load_workbook(file).active
            column = exports.COLUMNS.index("text") + 1
            read = [sheet.cell(row=n + 2, column=column).value for n in range(len(rows))]
            assert read == [row["text"] for row in rows]
