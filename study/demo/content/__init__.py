"""The demo project's content as data: cases, documents, codebook definitions.

Texts live beside this module as files (`documents/`), the study's codebook and matrix template
as the CSV files the study published. Codings are in `codings.py`, the matrix in `matrix.py`.
Code paths are written "Cluster > Category > Concept" (category names may contain "/").
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOCUMENTS_DIR = HERE / "documents"
CODEBOOK_CSV = HERE / "codebook.csv"
MATRIX_TEMPLATE_CSV = HERE / "cross-case-matrix-template.csv"

SEP = " > "

# --- cases ---------------------------------------------------------------------------------

PLAN = "Adopted digitalization or smart-city plan"
PROJECTS = "Ongoing or finished digitalization projects"
COOPERATION = "Cooperation with other municipalities"
ATTRIBUTES = [
    # (name, type, choices)
    ("Population", "number", []),
    ("County", "choice", ["Innlandet", "Nordland", "Rogaland", "Trøndelag", "Vestland"]),
    ("Size", "choice", ["small (under 10 000)", "medium (10 000–50 000)", "large (over 50 000)"]),
    (PLAN, "boolean", []),
    (PROJECTS, "boolean", []),
    (COOPERATION, "choice", ["formal", "informal", "formal and informal", "none"]),
]


@dataclass(frozen=True)
class DemoCase:
    key: str
    name: str
    pseudonym: str
    kind: str
    description: str
    attributes: dict = field(default_factory=dict)
    parent: str = ""


def _attrs(population, county, size, plan=True, projects=True, cooperation="formal") -> dict:
    return {
        "Population": population,
        "County": county,
        "Size": size,
        PLAN: plan,
        PROJECTS: projects,
        COOPERATION: cooperation,
    }


SMALL, MEDIUM, LARGE = (choice for choice in ATTRIBUTES[2][2])

CASES = [
    DemoCase(
        "alpha",
        "Nordhavn kommune",
        "Alpha",
        "municipality",
        "A growing fjord municipality; a member of the regional digitalization network, with a "
        "sensor test network built with a business cluster and the university.",
        _attrs(41200, "Trøndelag", MEDIUM, cooperation="formal and informal"),
    ),
    DemoCase(
        "beta",
        "Fjellstad kommune",
        "Beta",
        "municipality",
        "A coastal town whose smart city plan answers a shrinking town centre; strong local "
        "business partners, informal ties to its neighbours.",
        _attrs(18900, "Vestland", MEDIUM, cooperation="informal"),
    ),
    DemoCase(
        "gamma",
        "Elvedal kommune",
        "Gamma",
        "municipality",
        "A rural inland municipality with long distances; runs its IT through an "
        "inter-municipal company shared with four neighbours.",
        _attrs(9600, "Innlandet", SMALL),
    ),
    DemoCase(
        "delta",
        "Havøy kommune",
        "Delta",
        "municipality",
        "A coastal city with two university campuses and a living lab with industry, research "
        "and residents; runs a response centre for eight municipalities.",
        _attrs(73500, "Rogaland", LARGE),
    ),
    DemoCase(
        "epsilon",
        "Indre Skjærgård region",
        "Epsilon",
        "region",
        "Six small island and fjord municipalities with one joint strategy and one common IT "
        "service hosted by the largest of them.",
        _attrs(14800, "Nordland", MEDIUM),
    ),
]
MEMBERS = [
    ("Vågen kommune", 4100),
    ("Løkstad kommune", 3300),
    ("Bjørkely kommune", 2900),
    ("Sæterdal kommune", 1700),
    ("Åsmark kommune", 1600),
    ("Kvitøy kommune", 1200),
]
CASES += [
    DemoCase(
        f"epsilon-{number}",
        name,
        f"Epsilon-{number}",
        "municipality",
        "A member municipality of the Indre Skjærgård region.",
        _attrs(population, "Nordland", SMALL),
        parent="epsilon",
    )
    for number, (name, population) in enumerate(MEMBERS, start=1)
]
MAIN_CASES = ["alpha", "beta", "gamma", "delta", "epsilon"]

# --- documents -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoDocument:
    file: str  # in documents/; the .pdf is rendered at load time from the .txt of the same stem
    title: str
    kind: str  # strategy | transcript
    cases: tuple[str, ...]
    date: datetime.date
    source: str
    language: str = "en"
    notes: str = ""


D = datetime.date
DOCUMENTS = [
    DemoDocument(
        "alpha-digital-strategy.pdf",
        "Digital Nordhavn 2021–2024: digitalization strategy",
        "strategy",
        ("alpha",),
        D(2021, 6, 17),
        "Nordhavn kommune, municipal council",
        notes="A PDF with a title page and a running header and footer on every page.",
    ),
    DemoDocument(
        "alpha-open-data-roadmap.md",
        "Nordhavn: roadmap for open data and the smart city 2023",
        "strategy",
        ("alpha",),
        D(2023, 3, 14),
        "Nordhavn kommune, digitalization unit",
    ),
    DemoDocument(
        "beta-smart-city-plan.md",
        "Smart Fjellstad 2022–2026: smart city plan",
        "strategy",
        ("beta",),
        D(2021, 12, 8),
        "Fjellstad kommune, municipal council",
    ),
    DemoDocument(
        "beta-digital-services-plan.txt",
        "Fjellstad: plan for digital services and self-service 2023–2025",
        "strategy",
        ("beta",),
        D(2023, 1, 30),
        "Fjellstad kommune, service desk",
    ),
    DemoDocument(
        "gamma-digital-strategy.txt",
        "Elvedal: digitaliseringsstrategi 2020–2025 (English summary)",
        "strategy",
        ("gamma",),
        D(2020, 9, 24),
        "Elvedal kommune",
    ),
    DemoDocument(
        "delta-digital-strategy.txt",
        "Digital Havøy 2030: strategy for digital transformation",
        "strategy",
        ("delta",),
        D(2022, 2, 10),
        "Havøy kommune, city council",
    ),
    DemoDocument(
        "delta-welfare-technology-plan.txt",
        "Havøy: action plan for welfare technology 2022–2025",
        "strategy",
        ("delta",),
        D(2022, 5, 5),
        "Havøy kommune, health and care",
    ),
    DemoDocument(
        "epsilon-joint-strategy.md",
        "Joint digitalization strategy for Indre Skjærgård 2021–2025",
        "strategy",
        ("epsilon", *(f"epsilon-{n}" for n in range(1, 7))),
        D(2021, 4, 22),
        "The six municipal councils of Indre Skjærgård",
        notes="One strategy for six municipalities: it is linked to the region and each member.",
    ),
]
DOCUMENTS += [
    DemoDocument(
        f"interview-{key}.txt",
        f"Interview, case {key.capitalize()}",
        "transcript",
        (key,),
        D(2023, 10, day),
        "Interview by the research team, transcribed and anonymized",
    )
    for key, day in zip(MAIN_CASES, (3, 5, 11, 12, 19), strict=True)
]

# Who is asked to code what: both coders code the shared set independently (for agreement);
# the rest are assigned but not yet started, so a new user has work waiting.
SHARED_SET = [
    "alpha-digital-strategy.pdf",
    "alpha-open-data-roadmap.md",
    "beta-smart-city-plan.md",
    "gamma-digital-strategy.txt",
    "delta-digital-strategy.txt",
    "epsilon-joint-strategy.md",
    "interview-alpha.txt",
    "interview-delta.txt",
    "interview-epsilon.txt",
]
NOT_STARTED = {
    "coder1": ["beta-digital-services-plan.txt", "interview-beta.txt"],
    "coder2": ["delta-welfare-technology-plan.txt", "interview-gamma.txt"],
}
# Shared documents each coder has marked as done (the rest stay "in progress").
DONE = {
    "coder1": SHARED_SET[:7],
    "coder2": SHARED_SET[:5] + ["interview-alpha.txt", "interview-delta.txt"],
}

# --- codebook ------------------------------------------------------------------------------

CLUSTER_COLOURS = {
    "Actors": "#4E79A7",
    "Development focus area": "#59A14F",
    "Core strategic topic": "#F28E2B",
    "Perceived value": "#B07AA1",
}
