"""Every export format of a matrix, checked cell by cell (no database)."""

import csv
import io

from openpyxl import load_workbook

from cases import exports
from cases.exports import MatrixTable, TableCell, TableRow, TableSection


def table() -> MatrixTable:
    return MatrixTable(
        title="Cross-case comparison",
        columns=["Alpha", "Epsilon & co"],
        column_footnotes=[[], [1]],
        sections=[
            TableSection(
                "Cooperates with",
                [
                    TableRow("Industry", [TableCell("X"), TableCell("")]),
                    TableRow(
                        "R&D_50%",
                        [
                            TableCell(
                                "*", overridden=True, computed="", reason="Pilot", footnotes=[2]
                            ),
                            TableCell("X"),
                        ],
                        footnotes=[],
                    ),
                ],
            ),
            TableSection("Benefits", [TableRow("Cost savings", [TableCell(""), TableCell("X")])]),
        ],
        notes=["The region provides a common solution.", "Set by a lead: Pilot"],
        legend=[("X", "yes"), ("*", "pilot"), ("", "no")],
    )


def test_csv_cell_by_cell():
    text = exports.to_csv(table())
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["", "Alpha", "Epsilon & co [1]"]
    assert rows[1] == ["Cooperates with", "", ""]
    assert rows[2] == ["Industry", "X", ""]
    assert rows[3] == ["R&D_50%", "* [2]", "X"]
    assert rows[4] == ["Benefits", "", ""]
    assert rows[5] == ["Cost savings", "", "X"]
    assert rows[6] == []
    assert rows[7] == ["[1] The region provides a common solution."]
    assert rows[8] == ["[2] Set by a lead: Pilot"]
    assert rows[9] == ["Legend: X = yes; * = pilot; (blank) = no"]
    assert rows[10] == [exports.OVERRIDE_NOTE]


def test_xlsx_cell_by_cell_with_styles_and_notes():
    workbook = load_workbook(io.BytesIO(exports.to_xlsx(table())))
    sheet = workbook.active
    grid = [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
    assert grid[0][0] == "Cross-case comparison"
    assert grid[1] == ["", "Alpha", "Epsilon & co [1]"]
    assert grid[2][0] == "Cooperates with"
    assert grid[3] == ["Industry", "X", ""]
    assert grid[4] == ["R&D_50%", "* [2]", "X"]
    assert grid[6] == ["Cost savings", "", "X"]
    assert grid[8][0] == "Notes"
    assert grid[9][0] == "[1] The region provides a common solution."
    overridden = sheet.cell(row=5, column=2)
    assert overridden.fill.fgColor.rgb.endswith("FFE699")
    assert (
        "Computed: (blank)" in overridden.comment.text
        and "Reason: Pilot" in overridden.comment.text
    )
    plain = sheet.cell(row=5, column=3)
    assert plain.comment is None and plain.fill.fill_type is None
    assert sheet.cell(row=4, column=2).data_type == "s"  # marks stay text


def test_latex_structure_and_escaping():
    tex = exports.to_latex(table())
    lines = tex.splitlines()
    assert lines[1] == r"\begin{tabular}{lcc}"
    assert lines[2] == r"\toprule"
    assert lines[3] == r" & Alpha & Epsilon \& co\textsuperscript{1} \\"
    assert lines[4] == r"\midrule"
    assert lines[5] == r"\multicolumn{3}{l}{\textbf{Cooperates with}} \\"
    assert lines[6] == r"Industry & X &  \\"
    assert lines[7] == r"R\&D\_50\% & \textit{*}\textsuperscript{2} & X \\"
    assert lines[8] == r"\addlinespace"
    assert lines[10] == r"Cost savings &  & X \\"
    assert lines[11] == r"\bottomrule"
    assert lines[12] == r"\end{tabular}"
    assert r"[1] The region provides a common solution.\par" in lines
    assert tex.count("&") - tex.count(r"\&") == 2 * 4  # two separators on each of 4 body lines


def test_latex_escape_all_specials():
    assert exports.latex_escape(r"a\b&c%d$e#f_g{h}i~j^k") == (
        r"a\textbackslash{}b\&c\%d\$e\#f\_g\{h\}i\textasciitilde{}j\textasciicircum{}k"
    )


def test_markdown_cell_by_cell():
    lines = exports.to_markdown(table()).splitlines()
    assert lines[0] == "**Cross-case comparison**"
    assert lines[2] == "|  | Alpha | Epsilon & co [1] |"
    assert lines[3] == "|:---|:---:|:---:|"
    assert lines[4] == "| **Cooperates with** | | |"
    assert lines[5] == "| Industry | X |  |"
    assert lines[6] == r"| R&D\_50% | **\*** [2] | X |"
    assert lines[8] == "| Cost savings |  | X |"
    assert lines[10] == "[1] The region provides a common solution.  "


def test_html_cell_by_cell():
    html = exports.to_html(table())
    assert "<caption>Cross-case comparison</caption>" in html
    assert '<th scope="col">Epsilon &amp; co<sup>1</sup></th>' in html
    assert '<th scope="rowgroup" colspan="3">Cooperates with</th>' in html
    assert '<tr><th scope="row">Industry</th>\n<td>X</td>\n<td></td>\n</tr>' in html
    assert (
        '<td class="overridden" title="Computed: (blank). Reason: Pilot">*<sup>2</sup></td>' in html
    )
    assert '<li id="note-1">The region provides a common solution.</li>' in html


def test_render_dispatches_every_format():
    for fmt in exports.FORMATS:
        assert exports.render(table(), fmt)
