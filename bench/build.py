"""Deterministic synthetic projects: Norwegian text, a codebook tree, coders and excerpts.

Everything comes from `random.Random(seed)`, so two runs build the same rows (ids aside), and
everything large is written with bulk_create. Coders agree partly: each coder codes most of a
shared set of passages, with boundaries that drift by a few characters and a code that now and
then differs, plus a few passages only they marked.
"""

from __future__ import annotations

import hashlib
import io
import random
from dataclasses import dataclass

from django.db import transaction

from coding.models import (
    Assignment,
    Code,
    Coding,
    Document,
    DocumentKind,
    DocumentStatus,
    Excerpt,
)
from research.models import Membership, Project, Role, User

PASSWORD = "bench-password-not-secret"

WORDS = [
    "kommunen",
    "innbyggerne",
    "tjenester",
    "digitalisering",
    "strategi",
    "ansatte",
    "barnehagene",
    "skolen",
    "helse",
    "omsorg",
    "velferdsteknologi",
    "personvern",
    "informasjonssikkerhet",
    "samarbeid",
    "regionen",
    "gevinstrealisering",
    "kompetanse",
    "ledelse",
    "styring",
    "løsninger",
    "data",
    "deling",
    "åpenhet",
    "tillit",
    "brukerne",
    "pårørende",
    "fastlegen",
    "sykehjemmet",
    "hjemmetjenesten",
    "økonomi",
    "budsjett",
    "høringen",
    "næringslivet",
    "frivilligheten",
    "medvirkning",
    "universell",
    "utforming",
    "innovasjon",
    "partnerskap",
    "prosjektet",
    "målene",
    "tiltakene",
    "oppfølging",
    "evaluering",
    "rapporten",
    "kvalitet",
    "bærekraft",
    "miljø",
    "klimaet",
    "grønn",
    "omstilling",
    "fylkeskommunen",
    "staten",
    "departementet",
    "direktoratet",
    "forskrift",
    "lovverket",
    "ansvar",
    "rolle",
    "oppgaver",
    "kapasitet",
    "ressurser",
    "prioritering",
    "risiko",
    "sårbarhet",
    "beredskap",
    "hendelser",
    "læring",
    "erfaringer",
    "behov",
    "ønsker",
    "forventninger",
    "møte",
    "dialog",
    "språk",
    "nynorsk",
    "bokmål",
    "samisk",
    "tolk",
    "kultur",
    "idrett",
    "bibliotek",
    "vei",
    "vann",
    "avløp",
    "bygg",
    "eiendom",
]
LINKS = [
    "og",
    "men",
    "for",
    "at",
    "som",
    "med",
    "på",
    "av",
    "til",
    "fra",
    "skal",
    "kan",
    "må",
    "vil",
    "har",
    "er",
    "blir",
    "ble",
    "gjennom",
    "mellom",
    "både",
    "også",
    "særlig",
    "derfor",
    "samtidig",
    "likevel",
    "dessuten",
]
SPEAKERS = ("Intervjuer", "Rådgiver", "Kommunalsjef", "Leder")


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS if i % 3 else LINKS) for i in range(rng.randint(7, 18))]
    return " ".join(words).capitalize() + rng.choice(".....?!")


def paragraph(rng: random.Random, *, transcript: bool = False) -> str:
    text = " ".join(sentence(rng) for _ in range(rng.randint(2, 6)))
    return f"{rng.choice(SPEAKERS)}: {text}" if transcript else text


def norwegian_text(seed: int, chars: int, *, transcript: bool = False) -> str:
    """About `chars` characters of Norwegian-looking prose in paragraphs, cut at a sentence."""
    rng = random.Random(seed)
    parts: list[str] = []
    length = 0
    while length < chars:
        part = paragraph(rng, transcript=transcript)
        parts.append(part)
        length += len(part) + 2
    return "\n\n".join(parts)[:chars].rstrip() + "."


def pdf_bytes(seed: int, pages: int) -> bytes:
    """A multi-page strategy document as a real PDF (reportlab), with a header and footer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    rng = random.Random(seed)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle("Digitaliseringsstrategi for Bjørkvik kommune")
    pdf.setAuthor("Bjørkvik kommune")
    width, height = A4
    for number in range(1, pages + 1):
        pdf.setFont("Helvetica", 9)
        pdf.drawString(56, height - 40, "Bjørkvik kommune – Digitaliseringsstrategi 2024–2027")
        pdf.drawString(56, 30, f"Side {number} av {pages}")
        pdf.setFont("Helvetica", 11)
        y = height - 80
        while y > 70:
            line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(9, 13)))
            pdf.drawString(56, y, line)
            y -= 15 if rng.random() > 0.15 else 30  # now and then a paragraph break
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _structure(text: str, page_chars: int = 3_000) -> tuple[list, list]:
    pages = []
    start, number = 0, 1
    while start < len(text):
        end = min(len(text), start + page_chars)
        pages.append([number, start, end])
        start, number = end, number + 1
    paragraphs = []
    position = 0
    for part in text.split("\n\n"):
        if part:
            paragraphs.append([position, position + len(part)])
        position += len(part) + 2
    return pages, paragraphs


@dataclass
class Team:
    project: Project
    owner: User
    coders: list[User]


@transaction.atomic
def team_create(*, label: str, coders: int, blind: bool = False) -> Team:
    """A project with an owner (also the lead) and `coders` coders, all with PASSWORD."""
    project = Project.objects.create(title=f"Benchmark: {label}", blind_coding=blind, language="nb")
    users = User.objects.bulk_create(
        User(
            email=f"{label}-{role}{i}@bench.example",
            username=f"{label}-{role}{i}@bench.example",
            display_name=f"{role.title()} {i}",
        )
        for role, i in [("owner", 0)] + [("coder", n) for n in range(1, coders + 1)]
    )
    hashed = User(email="x")
    hashed.set_password(PASSWORD)
    User.objects.filter(pk__in=[u.pk for u in users]).update(password=hashed.password)
    for user in users:
        user.password = hashed.password
    Membership.objects.bulk_create(
        [Membership(project=project, user=users[0], role=Role.OWNER)]
        + [Membership(project=project, user=user, role=Role.CODER) for user in users[1:]]
    )
    return Team(project=project, owner=users[0], coders=users[1:])


@transaction.atomic
def codebook_create(*, project: Project, codes: int, depth: int = 3, seed: int = 1) -> list[Code]:
    """A balanced tree of `codes` codes at most `depth` levels deep, breadth first."""
    rng = random.Random(seed)
    branching = 2
    while sum(branching**level for level in range(1, depth + 1)) < codes:
        branching += 1
    created: list[Code] = []
    parents: list[Code | None] = [None]
    remaining = codes
    for level in range(depth):
        if remaining <= 0:
            break
        level_codes = []
        for parent in parents:
            for i in range(branching):
                if len(level_codes) >= remaining:
                    break
                level_codes.append(
                    Code(
                        project=project,
                        parent=parent,
                        name=f"{rng.choice(WORDS).capitalize()} {level}.{len(level_codes) + 1}",
                        definition=" ".join(sentence(rng) for _ in range(2)),
                        colour=f"#{rng.randrange(0x1000000):06x}",
                        position=i,
                        depth=level,
                    )
                )
        Code.objects.bulk_create(level_codes)
        for code in level_codes:
            parent_path = code.parent.path if code.parent else "/"
            code.path = f"{parent_path}{code.pk}/"
        Code.objects.bulk_update(level_codes, ["path"])
        created.extend(level_codes)
        remaining -= len(level_codes)
        parents = level_codes
    return created


@transaction.atomic
def documents_create(
    *, project: Project, count: int, chars: int, owner: User, seed: int = 2
) -> list[Document]:
    documents = []
    for i in range(count):
        transcript = i % 3 == 2
        text = norwegian_text(seed * 1000 + i, chars, transcript=transcript)
        pages, paragraphs = _structure(text)
        documents.append(
            Document(
                project=project,
                title=f"{'Intervju' if transcript else 'Strategi'} {i + 1:03d}",
                kind=DocumentKind.TRANSCRIPT if transcript else DocumentKind.STRATEGY,
                language="nb",
                status=DocumentStatus.READY,
                text=text,
                pages=pages,
                paragraphs=paragraphs,
                char_count=len(text),
                page_count=len(pages),
                file_type="txt",
                original_name=f"dokument-{i + 1:03d}.txt",
                sha256=hashlib.sha256(text.encode()).hexdigest(),
                size=len(text.encode()),
                created_by=owner,
            )
        )
    return Document.objects.bulk_create(documents)


def _span(rng: random.Random, length: int, width: tuple[int, int]) -> tuple[int, int]:
    size = min(length - 1, rng.randint(*width))
    start = rng.randrange(0, length - size)
    return start, start + size


@transaction.atomic
def excerpts_create(
    *,
    documents: list[Document],
    coders: list[User],
    codes: list[Code],
    total: int,
    seed: int = 3,
    width: tuple[int, int] = (40, 600),
    assign: bool = True,
) -> list[Excerpt]:
    """About `total` excerpts spread over the documents and coders, overlapping and partly
    disagreeing, each with one or two codes (bulk_create, in batches)."""
    rng = random.Random(seed)
    excerpts: list[Excerpt] = []
    chosen: list[list[Code]] = []
    n = -1
    while len(excerpts) < total:
        n += 1
        document = documents[n % len(documents)]
        length = len(document.text)
        start, end = _span(rng, length, width)
        code = rng.choice(codes)
        for coder in coders:
            if len(excerpts) >= total:
                break
            if rng.random() > 0.85:  # this coder did not mark the passage
                continue
            s = max(0, start + rng.randint(-12, 12))
            e = min(length, max(s + 1, end + rng.randint(-12, 12)))
            mine = [code if rng.random() < 0.8 else rng.choice(codes)]
            if rng.random() < 0.15:
                mine.append(rng.choice(codes))
            excerpts.append(
                Excerpt(document=document, coder=coder, start=s, end=e, text=document.text[s:e])
            )
            chosen.append(list({c.pk: c for c in mine}.values()))
    Excerpt.objects.bulk_create(excerpts, batch_size=2_000)
    Coding.objects.bulk_create(
        (Coding(excerpt=x, code=c) for x, cs in zip(excerpts, chosen, strict=True) for c in cs),
        batch_size=5_000,
    )
    if assign:
        Assignment.objects.bulk_create(
            [Assignment(document=d, coder=c) for d in documents for c in coders],
            ignore_conflicts=True,
        )
    return excerpts


_SHARED: dict[str, object] = {}


def shared(key: str, factory):
    """Build a project once per run when several scenarios measure the same data."""
    if key not in _SHARED:
        _SHARED[key] = factory()
        analyze()
    return _SHARED[key]


def analyze() -> None:
    """Vacuum and refresh PostgreSQL's statistics after a bulk load, as autovacuum does on a
    server within a minute or so: without statistics the planner takes the new tables for
    empty ones and picks plans a running server never would (a nested loop over thousands of
    excerpts); without the vacuum no page is marked all-visible, so index-only scans read the
    table too, and autovacuum would do it in the middle of a measured scenario instead."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # VACUUM cannot run inside a transaction: ANALYZE alone there.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")


def uuid_zero() -> str:
    """A well-formed UUID for reversing a URL just to see whether it exists."""
    return "00000000-0000-0000-0000-000000000000"
