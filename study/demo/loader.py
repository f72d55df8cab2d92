"""Puts the demo content into a project through the same services the pages use.

Order matters: cases and codebook first, then documents (read synchronously, so the demo shows
ready documents and the codings can be located in their stored text), assignments, the two
coders' excerpts, a codebook version, a finished agreement run, the reconciliation of the
documents both coders finished (the consensus), write-ups and the matrix.
Jobs are run in-process here whatever the Celery configuration: a worker that later receives
the dispatched message finds the job already claimed and does nothing.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import re

from cases.models import Dimension
from cases.selectors import matrices as matrix_selectors
from cases.services import attributes as attribute_services
from cases.services import cases as case_services
from cases.services import classifications as classification_services
from cases.services import matrices as matrix_services
from cases.services import writeups as writeup_services
from coding.codebook import importing as codebook_importing
from coding.codebook import services as codebook_services
from coding.codebook_io import CodeNode, read_study_codebook_csv
from coding.documents import services as document_services
from coding.excerpts import assignments
from coding.excerpts import services as excerpt_services
from coding.models import Assignment, Code, DecisionKind, Document, DocumentStatus
from coding.reconcile import services as reconcile_services
from coding.runs import services as run_services
from research import services as research_services
from research.jobs import job_run_inline
from research.models import Project, User
from study.demo import content
from study.demo.content import codings as demo_codings
from study.demo.content import definitions
from study.demo.content import matrix as demo_matrix
from study.demo.pdf import render_pdf

logger = logging.getLogger(__name__)

SEP = content.SEP


def load_content(project: Project, people: dict[str, User]) -> None:
    cases = _cases(project)
    codes = _codebook(project, people)
    documents = _documents(project, people["lead"], cases)
    _assignments(project, people, documents)
    excerpts = _excerpts(people, documents, codes)
    _assignments_done(people, documents)
    codebook_services.codebook_version_create(
        project=project, name="After categorization (v1)", user=people["lead"]
    )
    _agreement_run(project, people)
    _reconciliation(project, people, documents)
    _writeups(project, cases, excerpts, people["lead"])
    _matrix(project, people["lead"], cases, codes)


# --- cases ---------------------------------------------------------------------------------


def _cases(project: Project) -> dict:

    # The study anonymized its cases: viewers and exports see Alpha to Epsilon.
    research_services.project_update(project=project, anonymize=True)
    for name, kind, choices in content.ATTRIBUTES:
        attribute_services.attribute_create(project=project, name=name, type=kind, choices=choices)
    cases: dict = {}
    for case in content.CASES:
        cases[case.key] = case_services.case_create(
            project=project,
            name=case.name,
            pseudonym=case.pseudonym,
            kind=case.kind,
            description=case.description,
            attributes=case.attributes,
            parent=cases.get(case.parent),
        )
    return cases


# --- codebook ------------------------------------------------------------------------------


def _describe(nodes: list[CodeNode], prefix: str = "", colour: str = "") -> None:
    """Give the study's tree the demo's definitions and one colour per cluster."""
    for node in nodes:
        path = f"{prefix}{SEP}{node.name}" if prefix else node.name
        node.colour = colour or content.CLUSTER_COLOURS.get(node.name, "")
        if not prefix:
            node.definition = definitions.CLUSTERS.get(node.name, "")
        elif path in definitions.CATEGORIES:
            node.definition, node.inclusion, node.exclusion = definitions.CATEGORIES[path]
        else:
            node.definition = definitions.CONCEPTS.get(node.name, "")
        _describe(node.children, path, node.colour)


def _codebook(project: Project, people: dict[str, User]) -> dict[str, Code]:
    study = read_study_codebook_csv(content.CODEBOOK_CSV.read_text(encoding="utf-8"))
    _describe(study.roots)
    codebook_importing.codebook_import_tree(project=project, roots=study.roots, user=people["lead"])
    codes = code_paths(project)
    for path, definition, memo, creator, status in definitions.ADDED_CODES:
        parent_path, _sep, name = path.rpartition(SEP)
        parent = codes[parent_path]
        codes[path] = codebook_services.code_create(
            project=project,
            name=name,
            user=people[creator],
            parent=parent,
            status=status,
            definition=definition,
            memo=memo,
            colour=parent.colour,
        )
    return codes


def code_paths(project: Project) -> dict[str, Code]:
    """Every code of the project by its path of names, "Cluster > Category > Concept"."""
    codes = list(Code.objects.filter(project=project))
    by_id = {code.pk: code for code in codes}
    paths = {}
    for code in codes:
        ids = [int(part) for part in code.path.strip("/").split("/") if part]
        paths[SEP.join(by_id[i].name for i in ids)] = code
    return paths


# --- documents -----------------------------------------------------------------------------


def document_bytes(file: str) -> bytes:
    """A demo document's file as uploaded: the PDF is rendered from its text source."""
    if file.endswith(".pdf"):
        source = (content.DOCUMENTS_DIR / file.replace(".pdf", ".txt")).read_text(encoding="utf-8")
        return render_pdf(source, header="Nordhavn kommune – Digital Nordhavn 2021–2024")
    return (content.DOCUMENTS_DIR / file).read_bytes()


def _documents(project: Project, lead: User, cases: dict) -> dict[str, Document]:
    documents = {}
    for item in content.DOCUMENTS:
        data = document_bytes(item.file)
        document = document_services.document_create(
            project=project,
            created_by=lead,
            name=item.file,
            data=data,
            sha256=hashlib.sha256(data).hexdigest(),
            title=item.title,
            kind=item.kind,
            language=item.language,
            date=item.date,
            source=item.source,
            notes=item.notes,
        )
        # Read it now, in this transaction, so the demo's codings can find their passages.
        job_run_inline(document.job)
        document.refresh_from_db()
        if document.status != DocumentStatus.READY:
            raise RuntimeError(f"Demo document {item.file} could not be read: {document.error}")
        case_services.document_set_cases(
            document=document, cases=[cases[key] for key in item.cases]
        )
        documents[item.file] = document
    return documents


def _assignments(project: Project, people: dict[str, User], documents: dict) -> None:
    pairs = set()
    for who in ("coder1", "coder2"):
        for file in [*content.SHARED_SET, *content.NOT_STARTED[who]]:
            pairs.add((documents[file].pk, people[who].pk))
    assignments.assignments_set(project=project, pairs=pairs)


def _assignments_done(people: dict[str, User], documents: dict) -> None:
    for who, files in content.DONE.items():
        for file in files:
            assignment = Assignment.objects.get(document=documents[file], coder=people[who])
            assignments.assignment_mark_done(assignment=assignment)


# --- codings -------------------------------------------------------------------------------


def locate(text: str, phrase: str) -> tuple[int, int] | None:
    """The code-point span of a quoted phrase in a document's stored text.

    Exact first; then allowing any whitespace (a line break in a PDF) and typographic quotes
    between the words, as extraction may have turned them.
    """
    start = text.find(phrase)
    if start >= 0:
        return start, start + len(phrase)
    pattern = r"\s+".join(
        re.escape(word).replace('"', '["“”«»]').replace("'", "['’]") for word in phrase.split()
    )
    match = re.search(pattern, text)
    return (match.start(), match.end()) if match else None


def _excerpts(people: dict[str, User], documents: dict, codes: dict[str, Code]) -> dict:
    """Create the coders' excerpts; returns them by (file, phrase, coder key)."""
    created: dict = {}
    missing = []
    for file, phrase, paths, who, memo in demo_codings.CODINGS:
        document = documents[file]
        span = locate(document.text, phrase)
        if span is None:
            missing.append(f"{file}: {phrase!r}")
            continue
        start, end = span
        for coder in ("coder1", "coder2") if who == "both" else (who,):
            created[(file, phrase, coder)] = excerpt_services.excerpt_create(
                document=document,
                coder=people[coder],
                start=start,
                end=end,
                text=document.text[start:end],
                codes=[codes[path] for path in paths],
                memo=memo,
            )
    if missing:
        logger.warning("Demo codings not found in their documents: %s", "; ".join(missing))
    return created


# --- agreement -----------------------------------------------------------------------------


def _agreement_run(project: Project, people: dict[str, User]) -> None:

    run = run_services.agreement_run_start(
        project=project,
        requested_by=people["lead"],
        coders=[people["coder1"], people["coder2"]],
        unit="document",
        name="Categories per document, before discussion",
        codes_mode="level",
        level=2,
    )
    # Run now, in this transaction: a worker could not see the run's uncommitted documents.
    job_run_inline(run.job)


# --- reconciliation ---------------------------------------------------------------------------


def _reconciliation(project: Project, people: dict[str, User], documents: dict) -> None:
    """Reconcile the documents both coders finished, as a lead would: agreements accepted in
    one go, both versions kept where both coded, the one coder's where only one did, and one
    discussed candidate with a comment and a reason; then closed. The consensus feeds the
    matrix."""
    both = [
        f for f in content.SHARED_SET if all(f in content.DONE[w] for w in ("coder1", "coder2"))
    ]
    coders, lead = [people["coder1"], people["coder2"]], people["lead"]
    opened = reconcile_services.reconciliation_open(
        project=project, documents=[documents[f] for f in both], coders=coders, user=lead
    )
    discussed = False
    for item in opened.documents.select_related("document").order_by("pk"):
        reconcile_services.agreements_accept(item=item, user=lead)
        for candidate in reconcile_services.undecided(item.candidates.all()).order_by("position"):
            present = sorted({s["coder"] for s in candidate.sources})
            reason = ""
            if not discussed and len(present) == 1:
                reconcile_services.comment_add(
                    candidate=candidate,
                    author=people["coder2"] if present[0] == coders[0].pk else coders[0],
                    text="I read this passage as context, not as a statement of the strategy.",
                )
                reason = "The passage states a goal of the strategy: coded as the first coder did."
                discussed = True
            reconcile_services.decision_make(
                candidate=candidate,
                version=candidate.version,
                kind=DecisionKind.KEEP if len(present) == 1 else DecisionKind.KEEP_SEVERAL,
                kept_coders=present,
                reason=reason,
                user=lead,
            )
    # Closed, so the guide's coder can keep coding these documents; the consensus, the
    # decision log and the documents' reconciled state stay.
    reconcile_services.reconciliation_close(reconciliation=opened)


# --- cases: write-ups and the matrix ----------------------------------------------------------

WRITEUPS = [
    # (case key, dimension, text with {name} for cited excerpts, {name: (file, phrase, coder)})
    (
        "delta",
        "Focus areas",
        "Climate and data come first: the strategy ties the smart city to emissions.\n\n{a}",
        {
            "a": (
                "delta-digital-strategy.txt",
                "Havøy is a smart and sustainable city where data are used to reduce emissions",
                "coder1",
            )
        },
    ),
    (
        "delta",
        "Current projects",
        "A digital twin of the centre supports planning, and leak detection in the water "
        "network already shows results.\n\n{a}\n\n{b}",
        {
            "a": (
                "delta-digital-strategy.txt",
                "A digital twin of the city centre is used in planning",
                "coder1",
            ),
            "b": (
                "delta-digital-strategy.txt",
                "Leak detection in the water network has reduced the loss of drinking water",
                "coder1",
            ),
        },
    ),
    (
        "delta",
        "Actors in the ecosystem",
        "Delta's ecosystem is the broadest of the five cases. The living lab began as a triple "
        "helix of municipality, university and ocean-technology cluster:\n\n{a}\n\n"
        "Residents and the local press joined its steering group later:\n\n{b}\n\n"
        "It is the only case with partners abroad:\n\n{c}",
        {
            "a": (
                "delta-digital-strategy.txt",
                "partnership agreement with the University of Havøy and the regional cluster for "
                "ocean technology",
                "coder1",
            ),
            "b": (
                "delta-digital-strategy.txt",
                "residents' organisations and the local newspaper also take part in the steering "
                "group",
                "coder1",
            ),
            "c": (
                "interview-delta.txt",
                "We are part of a European project on digital twins with cities in Denmark and "
                "the Netherlands.",
                "coder1",
            ),
        },
    ),
    (
        "delta",
        "Challenges",
        "The main challenge is moving from pilots into daily operations.\n\n{a}",
        {
            "a": (
                "interview-delta.txt",
                "We are good at starting pilots. We are less good at taking the successful ones "
                "into daily operations",
                "coder1",
            )
        },
    ),
    (
        "epsilon",
        "Focus areas",
        "The region's answer to small size is one common platform and common procurement.\n\n"
        "{a}\n\nThe informants credit it with lower costs and less vulnerability.\n\n{b}",
        {
            "a": (
                "epsilon-joint-strategy.md",
                "We choose common solutions and standardize our processes",
                "coder1",
            ),
            "b": (
                "epsilon-joint-strategy.md",
                "Less vulnerability when key employees leave.",
                "coder1",
            ),
        },
    ),
    (
        "alpha",
        "Current projects",
        "Alpha runs a sensor test network with a business cluster and the university, and is "
        "replacing its street lights.\n\n{a}\n\nQualitative benefits are the hard part to "
        "measure.\n\n{b}",
        {
            "a": (
                "alpha-open-data-roadmap.md",
                "The street lights along the municipal roads will be replaced with LED lights",
                "coder1",
            ),
            "b": ("interview-alpha.txt", "The hard part is the qualitative benefits.", "coder1"),
        },
    ),
]


def _writeups(project: Project, cases: dict, excerpts: dict, lead: User) -> None:

    dimensions = {d.name: d for d in Dimension.objects.filter(project=project)}
    for case_key, dimension, text, cited in WRITEUPS:
        refs = {}
        for name, key in cited.items():
            excerpt = excerpts.get(key)
            refs[name] = f"[[excerpt:{excerpt.code}]]" if excerpt else ""
        writeup_services.writeup_save(
            case=cases[case_key],
            dimension=dimensions[dimension],
            text=text.format(**refs),
            user=lead,
        )


def _template_sections() -> list[tuple[str, list[str]]]:

    sections: dict[str, list[str]] = {}
    with content.MATRIX_TEMPLATE_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            sections.setdefault(row["section"], []).append(row["row"])
    return list(sections.items())


def _matrix(project: Project, lead: User, cases: dict, codes: dict[str, Code]) -> None:

    sections = [
        (title, [(label, codes.get(demo_matrix.ROW_CODES.get(label, ""))) for label in labels])
        for title, labels in _template_sections()
    ]
    matrix = matrix_services.matrix_create_from_template(
        project=project,
        name=demo_matrix.MATRIX_NAME,
        description=demo_matrix.MATRIX_DESCRIPTION,
        sections=sections,
        user=lead,
        column_mode="chosen",
        cases=[cases[key] for key in content.MAIN_CASES],
    )
    helix = classification_services.classification_create(
        project=project,
        name=demo_matrix.HELIX_NAME,
        description=demo_matrix.HELIX_DESCRIPTION,
        applies_to="case",
        user=lead,
        classes=classification_services.helix_classes(
            government=codes["Actors > Public actors"],
            industry=codes["Actors > Industry"],
            academia=codes["Actors > Academia"],
            society=codes["Actors > Society"],
            environment=codes["Development focus area > Greener environment"],
        ),
    )
    section = matrix_services.section_create(matrix=matrix, title=demo_matrix.HELIX_SECTION)
    matrix_services.row_create(section=section, rule=helix)
    rows = {row.label: row for s in matrix.sections.all() for row in s.rows.all()}
    for label, case_key, symbol, reason in demo_matrix.OVERRIDES:
        matrix_services.cell_override_set(
            row=rows[label],
            column=str(cases[case_key].code),
            symbol=symbol,
            reason=reason,
            user=lead,
            computed=_computed(matrix, rows[label], cases[case_key], lead),
        )
    for label, case_key, text in demo_matrix.FOOTNOTES:
        matrix_services.footnote_create(
            matrix=matrix,
            text=text,
            user=lead,
            row=rows[label] if label else None,
            column=str(cases[case_key].code) if case_key else "",
        )


def _computed(matrix, row, case, lead: User) -> str:
    """The computed value of a cell, kept beside the lead's override (as the page does)."""

    membership = matrix.project.memberships.get(user=lead)
    cell = matrix_selectors.matrix_compute(matrix=matrix, membership=membership).cell(
        row, str(case.code)
    )
    return cell.display if cell is not None else ""
