"""The LaTeX export compiles with a real TeX engine (Debian's texlive; .ci/run installs it)."""

import shutil
import subprocess

import pytest

from cases import exports
from tests.cases.test_exports import table

PDFLATEX = shutil.which("pdflatex")

DOCUMENT = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage{booktabs}
\begin{document}
%s
\end{document}
"""


def compile_latex(folder, body: str) -> None:
    """Typeset `body` in a minimal article with pdflatex in `folder`; fails with TeX's log."""
    source = folder / "matrix.tex"
    source.write_text(DOCUMENT % body, encoding="utf-8")
    result = subprocess.run(
        [PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", source.name],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.skipif(PDFLATEX is None, reason="pdflatex not installed (apt-get install texlive)")
def test_latex_export_compiles_with_norwegian_letters_and_specials(tmp_path):
    matrix = table()
    matrix.columns[0] = "Indre Skjærgård region"
    matrix.sections[0].title = "Samarbeider med næringsliv & akademia (50 %)"
    compile_latex(tmp_path, exports.to_latex(matrix))
    assert (tmp_path / "matrix.pdf").stat().st_size > 1000
