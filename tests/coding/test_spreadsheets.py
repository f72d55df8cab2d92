"""Many rows at once (coding.spreadsheets.write_rows, the agreement run's disagreements sheet):
the file must be byte for byte what XlsxWriter's own cell-by-cell writes make, whatever mix
of plain and special values the batches hold."""

from __future__ import annotations

import io
import zipfile

from xlsxwriter import Workbook

from coding import spreadsheets
from tests.coding.excerpts.test_export_xlsx import TRICKY


def _workbook(write) -> bytes:
    output = io.BytesIO()
    workbook = Workbook(output, spreadsheets.WORKBOOK_OPTIONS)
    write(workbook.add_worksheet("Rows"))
    workbook.close()
    with zipfile.ZipFile(io.BytesIO(output.getvalue())) as archive:
        # docProps/core.xml holds the time of writing.
        return b"".join(archive.read(n) for n in archive.namelist() if n != "docProps/core.xml")


def _cell_by_cell(rows: list[list], first_row: int = 0):
    def write(sheet):
        for row_number, row in enumerate(rows, start=first_row):
            for column_number, value in enumerate(row):
                if isinstance(value, str):
                    sheet.write_string(row_number, column_number, value)
                elif value is not None:
                    sheet.write_number(row_number, column_number, value)

    return write


def _rows(count: int, special: dict[int, list] | None = None) -> list[list]:
    rows: list[list] = [["code", "document", "page", "start", "end", "context"]]
    for n in range(1, count):
        page = None if n % 5 == 0 else n % 7
        rows.append([f"Kode {n % 13}", "Intervju 1 & <2>", page, n, n + 40, f" tekst {n}\n"])
    for n, row in (special or {}).items():
        rows[n] = row
    return rows


def test_many_plain_rows_are_written_as_xlsxwriter_writes_them():
    rows = _rows(3 * spreadsheets.BATCH + 17)
    written = _workbook(lambda sheet: spreadsheets.write_rows(sheet, rows))
    assert written == _workbook(_cell_by_cell(rows))


def test_batches_with_special_values_are_written_as_xlsxwriter_writes_them():
    # Each tricky text in a batch of its own (some make the batch go row by row), and rows
    # that are empty, start with an empty cell, are shorter or longer, hold a float or a bool.
    special = {1 + n * 97: ["x", text, n] for n, text in enumerate(TRICKY)}
    special[2] = [None, None, None]
    special[3] = [None, "starts in B", 1]
    special[4] = ["short"]
    special[5] = ["long", *range(20)]
    special[6] = ["float", 1.5]
    special[7] = ["bool", True]
    special[spreadsheets.BATCH] = []
    special[spreadsheets.BATCH + 1] = [None]
    rows = _rows(len(TRICKY) * 97 + 50, special)
    written = _workbook(lambda sheet: spreadsheets.write_rows(sheet, rows))
    assert written == _workbook(_cell_by_cell(rows))


def test_rows_may_start_below_the_first_row_and_follow_other_rows():
    header = ["a", "b"]
    rows = _rows(spreadsheets.BATCH + 3)

    def write(sheet):
        spreadsheets.write_row(sheet, 0, header)
        spreadsheets.write_rows(sheet, rows, first_row=2)

    expected = _cell_by_cell([header, [], *rows])
    assert _workbook(write) == _workbook(expected)
