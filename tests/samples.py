"""Realistic sample documents as bytes, for ingestion and upload tests.

Every function is deterministic and returns the file's bytes; the caller picks the file name.
The prose is written for these tests (a fictional municipality, Bjørkvik kommune).
"""

from __future__ import annotations

import io
import random
import textwrap
import zipfile

HEADER = "Bjørkvik kommune – Digitaliseringsstrategi 2024–2027"
FOOTER = "Side {page} av {pages}"
PDF_TITLE = "Digitaliseringsstrategi for Bjørkvik kommune 2024–2027"
AUTHOR = "Bjørkvik kommune"

TOPICS = [
    "Innbyggeren i sentrum",
    "Ledelse og styring",
    "Felles løsninger",
    "Velferdsteknologi",
    "Deling av data",
    "Informasjonssikkerhet",
    "Kompetanse",
    "Skole og oppvekst",
    "Samarbeid i regionen",
    "Gevinstrealisering",
    "Universell utforming",
    "Innovasjon og partnerskap",
]

PARAGRAPHS = [
    "Bjørkvik kommune skal gi innbyggerne gode og sammenhengende tjenester, uansett om de "
    "møter kommunen på nett, på telefon eller ved skranken på rådhuset.",
    "Ansatte i barnehagene opplever at foreldre ønsker raskere svar. Derfor prøver vi ut en "
    "digital dialogløsning som gjør det enklere å melde fravær og få beskjeder.",
    "Økt bruk av skytjenester stiller nye krav til personvern. Alle nye løsninger skal ha en "
    "vurdering av personvernkonsekvenser før de tas i bruk.",
    "Kommunen samarbeider med nabokommunene om innkjøp, slik at små fagmiljøer får tilgang "
    "til den samme kompetansen som de store byene har.",
    "Hjemmetjenesten har tatt i bruk digitalt tilsyn om natten. Brukerne får sove uforstyrret, "
    "og de ansatte kan bruke tiden der behovet er størst.",
    "Gevinster skal beskrives før et prosjekt starter og følges opp etter at løsningen er i "
    "drift, både i kroner og i kvalitet for innbyggerne.",
    "Elevene skal møte en skole som bruker teknologi med omtanke. Lærerne får tid til å prøve "
    "ut nye arbeidsformer og dele erfaringer på tvers av skolene.",
    "Data som kommunen allerede har, skal kunne gjenbrukes når innbyggeren samtykker, slik at "
    "ingen må fylle ut det samme skjemaet to ganger.",
]

# Three lines with words hyphenated across line breaks, and real compound hyphens mid-line.
HYPHENATED_LINES = [
    "Kommunen skal bruke ny teknologi for å gjøre tjenestene enklere, og digitali-",
    "seringsarbeidet skal forankres i ledelsen. Tiltak innen e-helse og velferds-",
    "teknologi prioriteres, særlig i helse-",
    "og omsorgstjenestene, og den nye IKT-",
    "strategien gjelder for Nord-",
    "Norge som helhet.",
]
HYPHENATED_JOINED = (
    "Kommunen skal bruke ny teknologi for å gjøre tjenestene enklere, og digitaliseringsarbeidet "
    "skal forankres i ledelsen. Tiltak innen e-helse og velferdsteknologi prioriteres, særlig i "
    "helse- og omsorgstjenestene, og den nye IKT-strategien gjelder for Nord-Norge som helhet."
)

LEFT_COLUMN = (
    "Venstre spalte handler om innbyggerdialog. Kommunen inviterer til åpne møter hvert kvartal, "
    "og innspillene brukes når nye digitale tjenester skal utformes. Slutten på venstre spalte."
)
RIGHT_COLUMN = (
    "Høyre spalte handler om datadeling. Når virksomhetene deler data på en trygg måte, kan "
    "saksbehandlingen gå raskere og bli mer rettferdig. Slutten på høyre spalte."
)

TRANSCRIPT = """Intervju med digitaliseringsrådgiver, Bjørkvik kommune
Dato: 14. mars 2024

[00:00:05] Intervjuer: Kan du fortelle litt om rollen din i kommunen?
[00:00:12] Informant 2: Ja, jeg er rådgiver for digitalisering og har jobbet her i fire år.
Før det var jeg prosjektleder i en nabokommune.
[00:01:40] Intervjuer: Hva har vært det viktigste prosjektet?
[00:01:48] Informant 2: Velferdsteknologi, helt klart. Vi startet med digitalt tilsyn,
og nå har over hundre brukere det.
I: Hvordan involverte dere de ansatte?
R1: Vi hadde verksteder på hver enhet. Det tok tid, men det var verdt det.
Kari Nordmann: Jeg kan legge til at tillitsvalgte var med fra starten.
Ola Hansen: Og at vi lærte mye av kommunene som hadde prøvd før oss.
Kari Nordmann: Ja, særlig om opplæring.
Ola Hansen: Det er riktig.
"""
TRANSCRIPT_SPEAKERS = [
    "Intervjuer",
    "Informant 2",
    "Intervjuer",
    "Informant 2",
    "I",
    "R1",
    "Kari Nordmann",
    "Ola Hansen",
    "Kari Nordmann",
    "Ola Hansen",
]

NORWEGIAN_TEXT = (
    "Digitalisering i Bjørkvik\n\n"
    "Kommunen vil være en pådriver for samarbeid på tvers av sektorer. Økt bruk av e-helse og "
    "velferdsteknologi gir gevinster for både innbyggere og ansatte.\n\n"
    "Særlig viktig er at tjenestene er universelt utformet, så ingen faller utenfor. "
    "Vi måler framdriften hvert år – åpent og etterprøvbart.\n"
)


def topic_for_page(page: int) -> str:
    return TOPICS[(page - 1) % len(TOPICS)]


# --- PDF -------------------------------------------------------------------------------------


def norwegian_strategy_pdf(
    pages: int = 12,
    *,
    scanned_pages: tuple[int, ...] = (),
    two_column_page: int | None = 2,
) -> bytes:
    """A strategy with a running header, "Side n av N" footers and hyphenated lines.

    Page 1 holds ``HYPHENATED_LINES``; ``two_column_page`` (if within range) is laid out in
    two columns (``LEFT_COLUMN`` drawn before ``RIGHT_COLUMN``); ``scanned_pages`` carry only an
    image and drawings, no text. Every page starts with "<n>. <topic>".
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(PDF_TITLE)
    pdf.setAuthor(AUTHOR)
    width, height = A4
    for page in range(1, pages + 1):
        if page in scanned_pages:
            _draw_scan(pdf, width, height)
            pdf.showPage()
            continue
        pdf.setFont("Helvetica", 8)
        pdf.drawString(50, height - 40, HEADER)
        pdf.setFont("Helvetica-Bold", 13)
        pdf.drawString(50, height - 80, f"{page}. {topic_for_page(page)}")
        pdf.setFont("Helvetica", 10)
        if page == two_column_page:
            _draw_lines(pdf, 50, height - 110, textwrap.wrap(LEFT_COLUMN, 40))
            _draw_lines(pdf, 310, height - 110, textwrap.wrap(RIGHT_COLUMN, 40))
        else:
            y = height - 110
            if page == 1:
                y = _draw_lines(pdf, 50, y, HYPHENATED_LINES) - 14
            for offset in range(4):
                paragraph = PARAGRAPHS[(page + offset) % len(PARAGRAPHS)]
                y = _draw_lines(pdf, 50, y, textwrap.wrap(paragraph, 85)) - 14
        pdf.setFont("Helvetica", 8)
        pdf.drawString(width / 2 - 30, 30, FOOTER.format(page=page, pages=pages))
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _draw_lines(pdf: object, x: float, y: float, lines: list[str]) -> float:
    for line in lines:
        pdf.drawString(x, y, line)  # type: ignore[attr-defined]
        y -= 14
    return y


def _draw_scan(pdf: object, width: float, height: float) -> None:
    """A page as a scanner makes it: a picture of text, no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    image = Image.new("L", (200, 280), 255)
    draw = ImageDraw.Draw(image)
    for row in range(20, 260, 12):
        draw.line((15, row, 185 - (row % 5) * 10, row), fill=40, width=3)
    pdf.drawImage(ImageReader(image), 50, 150, width - 100, height - 250)  # type: ignore[attr-defined]
    pdf.rect(40, 140, width - 80, height - 230)  # type: ignore[attr-defined]


def layout_pdf(
    pages: list[list[str | tuple[str, str]]],
    *,
    header: str | None = None,
    footer: str | None = None,
    right_columns: list[list[str]] | None = None,
    headings: dict[int, str] | None = None,
) -> bytes:
    """A PDF drawn line by line: an optional running ``header`` and ``footer`` (``{page}`` and
    ``{pages}`` are filled in), each page's body lines, and optionally a right column per page
    (drawn after the left one) and a large bold heading per page number. A body line given as
    ``("heading", text)`` is drawn as a large bold heading where it stands."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    width, height = A4
    for number, lines in enumerate(pages, 1):
        if header:
            pdf.setFont("Helvetica", 8)
            pdf.drawString(50, height - 40, header.format(page=number, pages=len(pages)))
        y = height - 80
        if headings and number in headings:
            pdf.setFont("Helvetica-Bold", 16)
            pdf.drawString(50, y, headings[number])
            y -= 28
        pdf.setFont("Helvetica", 10)
        for line in lines:
            if isinstance(line, tuple):
                pdf.setFont("Helvetica-Bold", 15)
                pdf.drawString(50, y - 6, line[1])
                pdf.setFont("Helvetica", 10)
                y -= 30
            else:
                y = _draw_lines(pdf, 50, y, [line])
        y = height - 80 - (28 if headings and number in headings else 0)
        if right_columns:
            _draw_lines(pdf, 310, y, right_columns[number - 1])
        if footer:
            pdf.setFont("Helvetica", 8)
            pdf.drawString(width / 2 - 30, 30, footer.format(page=number, pages=len(pages)))
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


OCR_LINES = ["Kommunen skal samarbeide", "med innbyggerne om", "digitale tjenester."]


def scanned_text_pdf(pages: int = 1, lines: list[str] = OCR_LINES) -> bytes:
    """A scan of printed text: each page one image of ``lines`` in large type, no text layer."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    font = ImageFont.load_default(size=56)
    image = Image.new("L", (1400, 120 + 90 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((60, 60 + 90 * index), line, fill=0, font=font)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    width, height = A4
    for _ in range(pages):
        shown = width - 100
        pdf.drawImage(
            ImageReader(image),
            50,
            height - 80 - shown * image.height / image.width,
            shown,
            shown * image.height / image.width,
        )
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def scanned_pdf(pages: int = 2) -> bytes:
    """A PDF whose pages are only images: no text layer at all."""
    return norwegian_strategy_pdf(pages, scanned_pages=tuple(range(1, pages + 1)))


def encrypted_pdf(password: str = "hemmelig") -> bytes:
    """A PDF that needs a password to open."""
    return _encrypt(norwegian_strategy_pdf(2), user_password=password, owner_password=password)


def owner_locked_pdf() -> bytes:
    """A PDF with only an owner password (copy/print limits): anyone can open it."""
    return _encrypt(norwegian_strategy_pdf(3), user_password="", owner_password="eier")


def _encrypt(data: bytes, *, user_password: str, owner_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password, owner_password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncated_pdf() -> bytes:
    """The first 60 % of a PDF, as from an interrupted download."""
    data = norwegian_strategy_pdf(4)
    return data[: len(data) * 6 // 10]


def pdf_disguised_as_docx() -> bytes:
    """PDF bytes, to be uploaded with a .docx name."""
    return norwegian_strategy_pdf(3)


# --- Office and OpenDocument ------------------------------------------------------------------


def norwegian_docx(paragraphs: list[str] | None = None, *, title: str = PDF_TITLE) -> bytes:
    """A DOCX with title/author metadata, a heading, paragraphs, a list and a table."""
    import docx

    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.author = AUTHOR
    if paragraphs is None:
        document.add_heading("Digitalisering i Bjørkvik", level=1)
        for text in PARAGRAPHS[:3]:
            document.add_paragraph(text)
        document.add_paragraph("Satsingen på e-helse fortsetter.", style="List Bullet")
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text = "Tiltak"
        table.cell(0, 1).text = "Ansvar"
        table.cell(1, 0).text = "Digitalt tilsyn"
        table.cell(1, 1).text = "Helse og omsorg"
        document.add_paragraph(PARAGRAPHS[3])
    else:
        for text in paragraphs:
            document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


FOOTNOTE = "Tallene gjelder 2023 og er hentet fra KOSTRA."
COMMENT = "Stemmer dette tallet?"
DOCX_HEADER = "Bjørkvik kommune – internt utkast"


def docx_with_notes() -> bytes:
    """A DOCX with a heading, a footnote, a comment and a page header and footer."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = DOCX_HEADER
    document.sections[0].footer.paragraphs[0].text = "Utkast 3"
    document.add_heading("Innledning", level=1)
    cited = document.add_paragraph("Kommunen har 4 200 innbyggere.")
    reference = OxmlElement("w:footnoteReference")
    reference.set(qn("w:id"), "1")
    cited.add_run()._r.append(reference)
    commented = document.add_paragraph("Velferdsteknologi brukes i alle sonene.")
    document.add_comment(commented.runs, text=COMMENT, author="Kari Nordmann")
    document.add_heading("Mål", level=2)
    document.add_paragraph(PARAGRAPHS[0])
    out = io.BytesIO()
    document.save(out)
    return _with_footnotes(out.getvalue(), FOOTNOTE)


def _with_footnotes(data: bytes, text: str) -> bytes:
    """Add a footnotes part (python-docx cannot write one) holding footnote 1."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    footnotes = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{w}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        f'</w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
        "</w:footnote></w:footnotes>"
    )
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
                )
            if item.filename == "word/_rels/document.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdFootnotes" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
                    b"</Relationships>",
                )
            target.writestr(item, content)
        target.writestr("word/footnotes.xml", footnotes)
    return out.getvalue()


def interview_transcript_docx() -> bytes:
    """The sample interview as a DOCX, one paragraph per line."""
    return norwegian_docx(TRANSCRIPT.strip().split("\n"), title="Intervju med rådgiver")


def docx_zip_bomb(uncompressed_mb: int = 300) -> bytes:
    """A small zip that looks like a DOCX and holds a huge, highly compressible member."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
        with archive.open("word/media/image1.png", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(uncompressed_mb):
                member.write(chunk)
    return out.getvalue()


def norwegian_odt() -> bytes:
    """An ODT with title/author metadata, a heading, paragraphs and a list."""
    from odf import dc, meta
    from odf.opendocument import OpenDocumentText
    from odf.text import H, List, ListItem, P

    document = OpenDocumentText()
    document.meta.addElement(dc.Title(text="Handlingsplan for digitalisering"))
    document.meta.addElement(dc.Creator(text="Åse Ødegård"))
    document.meta.addElement(meta.CreationDate(text="2024-03-01T10:00:00"))
    document.text.addElement(H(outlinelevel=1, text="Handlingsplan for Bjørkvik"))
    for text in PARAGRAPHS[4:7]:
        document.text.addElement(P(text=text))
    items = List()
    for text in ("Digitalt tilsyn i hjemmetjenesten", "Ny løsning for e-helse"):
        item = ListItem()
        item.addElement(P(text=text))
        items.addElement(item)
    document.text.addElement(items)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def norwegian_rtf() -> bytes:
    """An RTF in Windows-1252 with \\'xx escapes and an info group."""
    body = (
        "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Calibri;}}"
        "{\\info{\\title Strategi for Bj\\'f8rkvik}{\\author \\'c5se \\'d8deg\\'e5rd}}"
        "\\f0\\fs22 Digitalisering i Bj\\'f8rkvik\\par\\par "
        "Kommunen vil styrke samarbeidet om e-helse og velferdsteknologi.\\par\\par "
        "S\\'e6rlig viktig er at tjenestene er universelt utformet, s\\'e5 ingen faller "
        "utenfor.\\par}"
    )
    return body.encode("ascii")


# --- Text formats ------------------------------------------------------------------------------


def norwegian_txt(encoding: str = "utf-8", *, bom: bool = False) -> bytes:
    """``NORWEGIAN_TEXT`` in an encoding: "utf-8", "utf-16", "cp1252", "latin-1", ...

    For "latin-1" the en dash (not in Latin-1) becomes a hyphen.
    """
    text = NORWEGIAN_TEXT if encoding != "latin-1" else NORWEGIAN_TEXT.replace("–", "-")
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom and encoding == "utf-8" else data


def interview_transcript_txt(encoding: str = "utf-8") -> bytes:
    """An interview with timestamps, role labels (Intervjuer, I, R1, Informant 2) and names."""
    return TRANSCRIPT.encode(encoding)


def norwegian_markdown() -> bytes:
    """Markdown with YAML-style front matter, headings, emphasis, a list and a link."""
    return (
        "---\ntitle: Notat om digital samhandling\nauthor: Åse Ødegård\ndate: 2024-02-10\n---\n"
        "# Digital samhandling\n\n"
        "Kommunen skal **styrke** samarbeidet med _fastlegene_ om e-helse.\n\n"
        "- Felles journalløsning\n- Bedre [meldingsflyt](https://example.org/meldinger)\n\n"
        "## Neste steg\n\nVi evaluerer tiltakene høsten 2025.\n"
    ).encode()


def norwegian_html() -> bytes:
    """An HTML page with head metadata, navigation, a script and body paragraphs."""
    return (
        "<!DOCTYPE html><html lang='nb'><head><meta charset='utf-8'>"
        "<title>Åpne data i Bjørkvik</title><meta name='author' content='Bjørkvik kommune'>"
        "<style>p { color: black; }</style><script>var sporing = 1;</script></head>"
        "<body><h1>Åpne data</h1><p>Kommunen publiserer   data om\n  kollektivtrafikk og "
        "luftkvalitet.</p><p>Alle kan bruke dataene fritt.<br>Lisensen er åpen.</p>"
        "<ul><li>Sanntidsdata</li><li>Historiske målinger</li></ul>"
        "<!-- en kommentar --></body></html>"
    ).encode()


# --- Other bad input ---------------------------------------------------------------------------


def empty_file() -> bytes:
    return b""


def unknown_encoding_bytes(size: int = 4096) -> bytes:
    """Bytes that are no text in any encoding (seeded noise with control bytes)."""
    return random.Random(20240314).randbytes(size)
