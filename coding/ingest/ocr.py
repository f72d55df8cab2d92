"""OCR for scanned PDFs: pages rendered by pypdfium2, read by the Tesseract program.

Optional: Concord works without it. Tesseract (Apache-2.0) runs as a separate program, so its
presence is a matter of the server's packages (Debian: ``tesseract-ocr`` plus
``tesseract-ocr-nor`` and ``tesseract-ocr-eng``); pypdfium2 (Apache-2.0/BSD) renders the
pages. Words come from Tesseract's TSV output with their confidence; its blocks and paragraphs
become the page's paragraphs.
"""

from __future__ import annotations

import io
import shutil
import subprocess  # noqa: S404 - Tesseract is a program; it is called with fixed arguments
import time
from collections.abc import Callable
from dataclasses import dataclass

from coding.wording import Notice, gettext_noop

from .errors import IngestError
from .result import RawDocument

RENDER_DPI = 300
PAGE_TIMEOUT_SECONDS = 180
# Tesseract language codes Concord offers, with the names users see.
LANGUAGES = {
    "nor": gettext_noop("Norwegian"),
    "eng": gettext_noop("English"),
    "nor+eng": gettext_noop("Norwegian and English"),
}
DEFAULT_LANGUAGE = "nor+eng"
HOW_TO_ENABLE = gettext_noop(
    "An administrator can enable OCR by installing Tesseract with its Norwegian and English "
    "data (on Debian: apt-get install tesseract-ocr tesseract-ocr-nor tesseract-ocr-eng); "
    "see “Reading scanned PDFs” in the admin guide."
)


@dataclass(frozen=True)
class OcrPage:
    text: str
    confidences: list[float]


def tesseract_path() -> str | None:
    return shutil.which("tesseract")


def installed_languages() -> set[str]:
    """The language data Tesseract has, or an empty set when it is not installed."""
    program = tesseract_path()
    if program is None:
        return set()
    try:
        listing = subprocess.run(  # noqa: S603 - fixed arguments
            [program, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return set()
    lines = (listing.stdout or listing.stderr).splitlines()
    return {line.strip() for line in lines[1:] if line.strip()}


def usable_language(wanted: str) -> str | None:
    """``wanted`` limited to the installed language data ("nor+eng" -> "eng" without "nor")."""
    installed = installed_languages()
    parts = [part for part in wanted.split("+") if part in installed]
    return "+".join(parts) or None


def language_for(document_language: str) -> str:
    """The OCR language for a document's language setting ("nb", "nn", "en", "")."""
    code = (document_language or "").lower()
    if code in ("nb", "nn", "no", "nor"):
        return "nor"
    if code in ("en", "eng"):
        return "eng"
    return DEFAULT_LANGUAGE


def read_scanned_pdf(
    data: bytes,
    language: str,
    progress: Callable[[int, Notice], None] | None = None,
) -> RawDocument:
    """Every page rendered and read by Tesseract; raises ``IngestError`` when nothing is read."""
    import pypdfium2

    program = tesseract_path()
    chosen = usable_language(language)
    if program is None or chosen is None:
        raise IngestError(
            gettext_noop(
                "This PDF has no text layer: it looks like a scanned document, and OCR is not "
                "available on this server (no OCR for “%(language)s”). %(how_to_enable)s"
            ),
            language=Notice(LANGUAGES[language]) if language in LANGUAGES else language,
            how_to_enable=Notice(HOW_TO_ENABLE),
        )
    pdf = pypdfium2.PdfDocument(data)
    pages: list[OcrPage] = []
    started = time.monotonic()
    try:
        total = len(pdf)
        for index in range(total):
            if progress:
                progress(
                    5 + 85 * index // total,
                    Notice(
                        gettext_noop("OCR of page %(page)s of %(total)s"),
                        {"page": index + 1, "total": total},
                    ),
                )
            image = pdf[index].render(scale=RENDER_DPI / 72).to_pil().convert("L")
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            pages.append(_tesseract(program, buffer.getvalue(), chosen))
    finally:
        pdf.close()
    confidences = [c for page in pages for c in page.confidences]
    if not confidences:
        raise IngestError(
            gettext_noop(
                "This PDF has no text layer, and OCR found no readable text on its pages. "
                "Please check the scan, or upload a PDF with selectable text."
            )
        )
    mean = sum(confidences) / len(confidences)
    seconds = time.monotonic() - started
    return RawDocument(
        pages=[page.text for page in pages],
        metadata={
            "ocr": {
                "language": chosen,
                "confidence": round(mean, 1),
                "seconds_per_page": round(seconds / max(len(pages), 1), 2),
            }
        },
        warnings=[
            Notice(
                gettext_noop(
                    "This PDF has no text layer and was read by OCR (%(language)s); the mean "
                    "word confidence is %(confidence)s %%. OCR makes mistakes: check quotations "
                    "against the original."
                ),
                {
                    "language": Notice(LANGUAGES[chosen]) if chosen in LANGUAGES else chosen,
                    "confidence": round(mean),
                },
            )
        ],
        reflow=True,  # OCR lines are the scan's layout, as in any PDF
        paged=True,
    )


def _tesseract(program: str, png: bytes, language: str) -> OcrPage:
    try:
        result = subprocess.run(  # noqa: S603 - fixed arguments, the image on stdin
            [program, "stdin", "stdout", "-l", language, "--psm", "3", "tsv"],
            input=png,
            capture_output=True,
            timeout=PAGE_TIMEOUT_SECONDS,
            check=True,
        )
    except subprocess.TimeoutExpired as exc:
        raise IngestError(
            gettext_noop("OCR took too long on a page of this PDF and was stopped.")
        ) from exc
    except (OSError, subprocess.CalledProcessError) as exc:
        raise IngestError(
            gettext_noop("OCR failed on a page of this PDF (Tesseract reported an error).")
        ) from exc
    return parse_tsv(result.stdout.decode("utf-8", errors="replace"))


def parse_tsv(tsv: str) -> OcrPage:
    """Tesseract's TSV as text: words joined by spaces, lines by newlines, paragraphs by blank
    lines; with the confidence (0–100) of every recognised word."""
    paragraphs: dict[tuple[str, str], dict[str, list[str]]] = {}
    confidences: list[float] = []
    for row in tsv.splitlines()[1:]:
        fields = row.split("\t")
        if len(fields) < 12 or fields[0] != "5":  # level 5: a word
            continue
        word = fields[11].strip()
        try:
            confidence = float(fields[10])
        except ValueError:
            continue
        if not word or confidence < 0:
            continue
        block, paragraph, line = fields[2], fields[3], fields[4]
        paragraphs.setdefault((block, paragraph), {}).setdefault(line, []).append(word)
        confidences.append(confidence)
    text = "\n\n".join(
        "\n".join(" ".join(words) for words in lines.values()) for lines in paragraphs.values()
    )
    return OcrPage(text=text, confidences=confidences)
