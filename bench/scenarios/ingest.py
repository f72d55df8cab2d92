"""Getting documents in: one long PDF, and a batch of thirty uploaded at once."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from bench import build
from bench.core import Context, NotAvailable, Row, scenario, timed
from bench.processes import celery_worker

INGEST = "documents.ingest"


def _ingestion_available() -> None:
    from research import jobs

    if INGEST not in jobs._HANDLERS:
        raise NotAvailable(f"no job handler for {INGEST!r} yet")
    try:
        from coding.documents.services import documents_upload  # noqa: F401
    except ImportError as exc:
        raise NotAvailable(f"coding.documents.services.documents_upload missing ({exc})") from exc


@contextlib.contextmanager
def worker_or_eager(ctx: Context, *, concurrency: int, name: str) -> Iterator[str]:
    """A real Celery worker when Redis is configured, else in-process (eager) jobs."""
    if ctx.redis_url:
        with celery_worker(concurrency=concurrency, log=ctx.work / f"worker-{name}.log"):
            yield f"Celery worker, concurrency {concurrency}"
    else:
        yield "no REDIS_URL: jobs ran eagerly in the harness process, not on a worker"


def wait_ready(document_ids: list[int], *, timeout: float, on_wait=None) -> None:
    from coding.models import Document, DocumentStatus

    deadline = time.monotonic() + timeout
    while True:
        statuses = list(Document.objects.filter(pk__in=document_ids).values_list("status", "error"))
        failed = [error for status, error in statuses if status == DocumentStatus.FAILED]
        if failed:
            raise RuntimeError(f"{len(failed)} document(s) failed to ingest: {failed[0]}")
        if all(status == DocumentStatus.READY for status, _ in statuses):
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"documents not ready after {timeout:.0f} s")
        if on_wait:
            on_wait()
        else:
            time.sleep(0.05)


@scenario("ingest-pdf", "Ingest a long PDF")
def ingest_pdf(ctx: Context) -> list[Row]:
    from coding.ingest import extract

    pages = ctx.size.pdf_pages
    data = build.pdf_bytes(21, pages)
    row = ctx.rows("ingest-pdf")
    at_scale = pages >= 150
    result = extract(data, "strategi.pdf", max_bytes=len(data) + 1)
    samples, peak = timed(
        lambda: extract(data, "strategi.pdf", max_bytes=len(data) + 1),
        repeats=ctx.repeats,
        memory=True,
    )
    rows = [
        row(
            f"{pages}-page PDF ({len(data) / 1_048_576:.1f} MB, {len(result.text):,} characters):"
            " coding.ingest.extract",
            samples=samples,
            peak_memory_mb=peak,
            target=ctx.target(10, "< 10 s", at_scale=at_scale),
        )
    ]
    try:
        _ingestion_available()
    except NotAvailable as exc:
        rows.append(
            row("the same PDF through the ingestion job", status="not measured", reason=str(exc))
        )
        return rows
    from django.core.files.base import ContentFile

    from coding.documents.services import documents_upload

    team = build.team_create(label="ingest", coders=1)
    counter = iter(range(10_000))

    def upload_and_wait() -> None:
        # A different last byte each time so the duplicate check never skips the file.
        name = f"strategi-{next(counter)}.pdf"
        outcome = documents_upload(
            project=team.project,
            uploaded_by=team.owner,
            files=[ContentFile(data + b"\n" + name.encode(), name=name)],
            metadata={"kind": "strategy"},
            upload_duplicates=True,
        )
        if not outcome.created:
            raise RuntimeError(f"upload refused: {outcome.refused or outcome.skipped}")
        wait_ready([d.pk for d in outcome.created], timeout=300)

    with worker_or_eager(ctx, concurrency=1, name="ingest") as how:
        samples, _ = timed(upload_and_wait, repeats=ctx.repeats)
    rows.append(
        row(
            "the same PDF uploaded until ready (documents_upload → job → ready)",
            samples=samples,
            target=ctx.target(10, "< 10 s", at_scale=at_scale),
            note=how,
        )
    )
    return rows


@scenario("upload-batch", "Upload a batch of documents")
def upload_batch(ctx: Context) -> list[Row]:
    _ingestion_available()
    from django.core.files.base import ContentFile
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from coding.documents.services import documents_upload

    size = ctx.size
    row = ctx.rows("upload-batch")
    team = build.team_create(label="upload", coders=1)
    files = []
    for i in range(size.upload_files):
        if i % 3 == 0:
            files.append((f"strategi-{i}.pdf", build.pdf_bytes(100 + i, size.upload_pages)))
        else:
            text = build.norwegian_text(200 + i, 6_000 * size.upload_pages, transcript=i % 3 == 2)
            files.append((f"intervju-{i}.txt", text.encode()))
    try:
        list_url = reverse("coding:document-list", kwargs={"project": team.project.code})
    except NoReverseMatch:
        list_url = None
    client = Client()
    client.force_login(team.owner)
    page_times: list[float] = []
    last_poll = [0.0]

    def poll_page() -> None:
        # What a researcher does meanwhile: look at the document list, about twice a second.
        if list_url and time.monotonic() - last_poll[0] > 0.5:
            last_poll[0] = time.monotonic()
            began = time.perf_counter()
            response = client.get(list_url)
            page_times.append(time.perf_counter() - began)
            if response.status_code != 200:
                raise RuntimeError(f"document list answered {response.status_code}")
        else:
            time.sleep(0.05)

    round_number = iter(range(1000))

    def upload_all() -> None:
        n = next(round_number)
        outcome = documents_upload(
            project=team.project,
            uploaded_by=team.owner,
            files=[ContentFile(data + f"\n{n}".encode(), name=name) for name, data in files],
            metadata={"kind": "strategy"},
            upload_duplicates=True,
        )
        if len(outcome.created) != len(files):
            raise RuntimeError(f"upload refused: {outcome.refused or outcome.skipped}")
        wait_ready([d.pk for d in outcome.created], timeout=600, on_wait=poll_page)

    repeats = 1 if ctx.smoke else max(1, min(ctx.repeats, 3))
    with worker_or_eager(ctx, concurrency=2, name="upload") as how:
        samples, _ = timed(upload_all, repeats=repeats)
    rows = [
        row(
            f"{size.upload_files} files ({size.upload_pages}-page PDFs and text) until all ready",
            samples=samples,
            note=how + f"; {repeats} repeat(s)",
        )
    ]
    if list_url and page_times:
        rows.append(
            row(
                "document list page while they are processed (server time)",
                samples=page_times,
                note=f"{len(page_times)} page loads during the uploads; responsive = p95 < 1 s",
                target=ctx.target(1.0, "< 1 s (responsive)"),
            )
        )
    elif not list_url:
        rows.append(
            row(
                "document list page while they are processed",
                status="not measured",
                reason="no coding:document-list URL yet",
            )
        )
    return rows


def _scanned_pdf(pages: int) -> bytes:
    """Pages that are only a picture of printed Norwegian text (no text layer)."""
    import io

    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    font = ImageFont.load_default(size=34)
    text = build.norwegian_text(7, 1_500)
    words = text.split()
    lines = [" ".join(words[i : i + 9]) for i in range(0, len(words), 9)][:40]
    image = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((120, 140 + 52 * index), line, fill=0, font=font)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    for _ in range(pages):
        pdf.drawImage(ImageReader(image), 0, 0, *A4)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@scenario("ingest-ocr", "Read a scanned PDF by OCR")
def ingest_ocr(ctx: Context) -> list[Row]:
    from coding.ingest import extract, ocr

    if not ocr.usable_language("nor+eng"):
        raise NotAvailable("Tesseract with Norwegian and English data is not installed")
    pages = 2 if ctx.smoke else 5
    data = _scanned_pdf(pages)
    repeats = 1 if ctx.smoke else max(1, min(ctx.repeats, 3))
    samples, _ = timed(
        lambda: extract(data, "skann.pdf", max_bytes=len(data) + 1, ocr_language="nor+eng"),
        repeats=repeats,
    )
    return [
        ctx.rows("ingest-ocr")(
            f"OCR time per page ({pages}-page scan, 40 lines a page, Norwegian and English)",
            samples=[sample / pages for sample in samples],
            note="one core; pages rendered at 300 dpi by pypdfium2, read by Tesseract",
        )
    ]
