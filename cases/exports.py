"""A computed matrix as a journal-ready table: XLSX, CSV, LaTeX (booktabs), Markdown, HTML.

Pure: the selector turns the matrix into a `MatrixTable` of plain strings first. Footnotes are
numbered markers ("[1]" in text formats, superscripts in LaTeX and HTML) with the notes below
the table; cells a lead overrode are marked (styled in XLSX/HTML, bold in Markdown, italics in
LaTeX) and the note block says so.

The words the formats add themselves ("Legend", "Notes", …) come in `TableWords`, which the
Django layer fills in the reader's language (English by default); a cell's number, when it has
one, goes into the workbook as a number, formatted by the spreadsheet program in the reader's
locale.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass, field

OVERRIDE_NOTE = "Cells in bold (italics in LaTeX) were set by a lead; reasons are in the notes."


@dataclass(frozen=True)
class TableWords:
    sheet: str = "Matrix"
    notes: str = "Notes"
    legend: str = "Legend"
    blank: str = "(blank)"
    computed: str = "Computed"
    reason: str = "Reason"
    override_note: str = OVERRIDE_NOTE


@dataclass
class TableCell:
    text: str
    overridden: bool = False
    computed: str = ""
    reason: str = ""
    footnotes: list[int] = field(default_factory=list)
    number: int | float | None = None  # the cell's count or share, if it is one
    share: bool = False  # `number` is a fraction shown as a percentage


@dataclass
class TableRow:
    label: str
    cells: list[TableCell]
    footnotes: list[int] = field(default_factory=list)


@dataclass
class TableSection:
    title: str
    rows: list[TableRow]


@dataclass
class MatrixTable:
    title: str
    columns: list[str]
    sections: list[TableSection]
    column_footnotes: list[list[int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # note n is notes[n - 1]
    legend: list[tuple[str, str]] = field(default_factory=list)
    words: TableWords = field(default_factory=TableWords)

    def column_marks(self, index: int) -> list[int]:
        return self.column_footnotes[index] if index < len(self.column_footnotes) else []

    @property
    def has_overrides(self) -> bool:
        return any(c.overridden for s in self.sections for r in s.rows for c in r.cells)

    def note_lines(self) -> list[str]:
        lines = [f"[{n}] {text}" for n, text in enumerate(self.notes, start=1)]
        legend = "; ".join(f"{s or self.words.blank} = {m}" for s, m in self.legend)
        if legend:
            lines.append(f"{self.words.legend}: {legend}")
        if self.has_overrides:
            lines.append(self.words.override_note)
        return lines


def _marks(numbers: list[int]) -> str:
    return "".join(f" [{n}]" for n in numbers)


def _text(cell: TableCell) -> str:
    return f"{cell.text}{_marks(cell.footnotes)}".strip()


def _header(table: MatrixTable) -> list[str]:
    return [""] + [f"{c}{_marks(table.column_marks(i))}" for i, c in enumerate(table.columns)]


def to_rows(table: MatrixTable) -> list[list[str]]:
    """The table as a grid of strings: header, then per section a title row and its rows."""
    grid = [_header(table)]
    for section in table.sections:
        grid.append([section.title] + [""] * len(table.columns))
        for row in section.rows:
            grid.append([f"{row.label}{_marks(row.footnotes)}"] + [_text(c) for c in row.cells])
    return grid


def to_csv(table: MatrixTable) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(to_rows(table))
    lines = table.note_lines()
    if lines:
        writer.writerow([])
        for line in lines:
            writer.writerow([line])
    return out.getvalue()


def _md(text: str) -> str:
    for special in ("\\", "|", "*", "_", "`"):
        text = text.replace(special, "\\" + special)
    return text.replace("\n", " ")


def to_markdown(table: MatrixTable) -> str:
    header = _header(table)
    lines = [f"**{_md(table.title)}**", ""]
    lines.append("| " + " | ".join(_md(h) for h in header) + " |")
    lines.append("|" + "|".join([":---"] + [":---:"] * len(table.columns)) + "|")
    for section in table.sections:
        lines.append(f"| **{_md(section.title)}** |" + " |" * len(table.columns))
        for row in section.rows:
            cells = []
            for cell in row.cells:
                text = _md(cell.text)
                if cell.overridden and text:
                    text = f"**{text}**"
                cells.append(f"{text}{_marks(cell.footnotes)}".strip())
            label = _md(f"{row.label}{_marks(row.footnotes)}")
            lines.append("| " + " | ".join([label, *cells]) + " |")
    notes = table.note_lines()
    if notes:
        lines.append("")
        lines.extend(_md(n) + "  " for n in notes)
    return "\n".join(lines) + "\n"


def to_html(table: MatrixTable) -> str:
    e = html.escape
    words = table.words

    def sup(numbers: list[int]) -> str:
        return "".join(f"<sup>{n}</sup>" for n in numbers)

    parts = ['<table class="matrix">', f"<caption>{e(table.title)}</caption>", "<thead><tr>"]
    parts.append('<th scope="col"></th>')
    for i, column in enumerate(table.columns):
        parts.append(f'<th scope="col">{e(column)}{sup(table.column_marks(i))}</th>')
    parts.append("</tr></thead><tbody>")
    for section in table.sections:
        parts.append(
            f'<tr class="section"><th scope="rowgroup" colspan="{len(table.columns) + 1}">'
            f"{e(section.title)}</th></tr>"
        )
        for row in section.rows:
            parts.append(f'<tr><th scope="row">{e(row.label)}{sup(row.footnotes)}</th>')
            for cell in row.cells:
                if cell.overridden:
                    title = (
                        f"{words.computed}: {cell.computed or words.blank}. "
                        f"{words.reason}: {cell.reason}"
                    )
                    parts.append(
                        f'<td class="overridden" title="{e(title)}">'
                        f"{e(cell.text)}{sup(cell.footnotes)}</td>"
                    )
                else:
                    parts.append(f"<td>{e(cell.text)}{sup(cell.footnotes)}</td>")
            parts.append("</tr>")
    parts.append("</tbody></table>")
    if table.notes:
        parts.append('<ol class="matrix-notes">')
        for n, text in enumerate(table.notes, start=1):
            parts.append(f'<li id="note-{n}">{e(text)}</li>')
        parts.append("</ol>")
    for line in table.note_lines()[len(table.notes) :]:
        parts.append(f"<p>{e(line)}</p>")
    return "\n".join(parts) + "\n"


LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def latex_escape(text: str) -> str:
    return "".join(LATEX_SPECIALS.get(ch, ch) for ch in text)


def to_latex(table: MatrixTable) -> str:
    """A booktabs tabular (needs \\usepackage{booktabs}) followed by the notes."""

    def sup(numbers: list[int]) -> str:
        return "".join(f"\\textsuperscript{{{n}}}" for n in numbers)

    width = len(table.columns) + 1
    lines = [
        f"% {latex_escape(table.title)}",
        "\\begin{tabular}{l" + "c" * len(table.columns) + "}",
        "\\toprule",
    ]
    header = [""] + [
        latex_escape(c) + sup(table.column_marks(i)) for i, c in enumerate(table.columns)
    ]
    lines.append(" & ".join(header) + " \\\\")
    lines.append("\\midrule")
    for index, section in enumerate(table.sections):
        if index:
            lines.append("\\addlinespace")
        lines.append(
            f"\\multicolumn{{{width}}}{{l}}{{\\textbf{{{latex_escape(section.title)}}}}} \\\\"
        )
        for row in section.rows:
            cells = [latex_escape(row.label) + sup(row.footnotes)]
            for cell in row.cells:
                text = latex_escape(cell.text)
                if cell.overridden and text:
                    text = f"\\textit{{{text}}}"
                cells.append(text + sup(cell.footnotes))
            lines.append(" & ".join(cells) + " \\\\")
    lines.append("\\bottomrule")
    lines.append("\\end{tabular}")
    notes = table.note_lines()
    if notes:
        lines.append("")
        lines.append("\\par\\footnotesize")
        # One paragraph per note: a "\\" line break would read a note starting "[2]" as an
        # optional length ("\\[2]") and stop the compilation.
        lines.extend(latex_escape(n) + "\\par" for n in notes)
    return "\n".join(lines) + "\n"


def to_xlsx(table: MatrixTable) -> bytes:
    """One sheet: title, header, sections and rows (marks as text), then the notes block.
    Overridden cells are filled amber and carry a comment with the computed value and reason.

    Written with XlsxWriter, whose typed writes with shared formats cost a fraction of
    openpyxl's styled cells (a 60 × 300 matrix is 18,000 styled cells)."""
    from xlsxwriter import Workbook

    out = io.BytesIO()
    workbook = Workbook(out, {"in_memory": True})
    words = table.words
    sheet = workbook.add_worksheet(words.sheet[:31])
    title = workbook.add_format({"bold": True, "font_size": 13})
    heading = workbook.add_format({"bold": True, "align": "center", "text_wrap": True})
    section_title = workbook.add_format({"bold": True, "italic": True})
    bold = workbook.add_format({"bold": True})
    # Marks stay text ("@"), centred; an overridden cell is bold on amber.
    centred = workbook.add_format({"align": "center", "num_format": "@"})
    overridden = workbook.add_format(
        {"align": "center", "num_format": "@", "bold": True, "pattern": 1, "bg_color": "#FFE699"}
    )
    # Counts and shares without marks are numbers, so the spreadsheet can compute with them.
    count = workbook.add_format({"align": "center", "num_format": "0"})
    share = workbook.add_format({"align": "center", "num_format": "0.0%"})
    write = sheet.write_string
    write(0, 0, table.title, title)
    for column, text in enumerate(_header(table)):
        write(1, column, text, heading)
    line = 2
    for section in table.sections:
        write(line, 0, section.title, section_title)
        line += 1
        for row in section.rows:
            write(line, 0, f"{row.label}{_marks(row.footnotes)}")
            for column, source in enumerate(row.cells, start=1):
                if source.overridden:
                    write(line, column, _text(source), overridden)
                    sheet.write_comment(
                        line,
                        column,
                        f"{words.computed}: {source.computed or words.blank}\n"
                        f"{words.reason}: {source.reason}",
                        {"author": "Concord"},
                    )
                elif source.number is not None and source.text and not source.footnotes:
                    number_format = share if source.share else count
                    sheet.write_number(line, column, source.number, number_format)
                else:
                    write(line, column, _text(source), centred)
            line += 1
    notes = table.note_lines()
    if notes:
        write(line + 1, 0, words.notes, bold)
        for number, text in enumerate(notes, start=line + 2):
            write(number, 0, text)
    sheet.set_column(0, 0, 48)
    workbook.close()
    return out.getvalue()


FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "tex": ("application/x-tex; charset=utf-8", "tex"),
    "md": ("text/markdown; charset=utf-8", "md"),
    "html": ("text/html; charset=utf-8", "html"),
}


def render(table: MatrixTable, fmt: str) -> bytes:
    if fmt == "xlsx":
        return to_xlsx(table)
    text = {"csv": to_csv, "tex": to_latex, "md": to_markdown, "html": to_html}[fmt](table)
    return text.encode("utf-8-sig" if fmt == "csv" else "utf-8")
