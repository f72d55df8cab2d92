"""A run's table and disagreements as CSV / XLSX, and a methods paragraph ready to paste."""

from __future__ import annotations

import csv
import io
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from django.conf import settings
from openpyxl import Workbook

from coding.labels import export_labels
from coding.models import AgreementCodeResult, AgreementRun, AgreementUnit
from coding.runs import selectors

REFERENCES = [
    "Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: Some uses, misuses, and "
    "alternatives. Educational and Psychological Measurement, 41(3), 687–699.",
    "Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and "
    "Psychological Measurement, 20(1), 37–46.",
    "Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological "
    "Bulletin, 76(5), 378–382.",
    "Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence of "
    "high agreement. British Journal of Mathematical and Statistical Psychology, 61(1), 29–48.",
    "Krippendorff, K. (2019). Content analysis: An introduction to its methodology (4th ed.). "
    "SAGE.",
    "Krippendorff, K., Mathet, Y., Bouvry, S., & Widlöcher, A. (2016). On the reliability of "
    "unitizing textual continua: Further developments. Quality & Quantity, 50(6), 2347–2364.",
    "Light, R. J. (1971). Measures of response agreement for qualitative data: Some "
    "generalizations and alternatives. Psychological Bulletin, 76(5), 365–377.",
]

UNIT_SENTENCES = {
    AgreementUnit.DOCUMENT: "the unit was the document: a coder applied a code if they used "
    "it anywhere in the document",
    AgreementUnit.SEGMENT: "the units were {segment}: a coder applied a code to a unit if "
    "their excerpts with the code covered at least {threshold:.0f} % of it",
    AgreementUnit.EXCERPT: "excerpts were matched between the two coders: an excerpt agreed if "
    "the other coder applied the same code to an excerpt overlapping at least {overlap:.0f} % "
    "of it",
    AgreementUnit.CHARACTER: "every character was a unit, coded or not coded with each code, "
    "and the unitized α family (uα, |uα, cuα) was computed on the text as a continuum",
}


@cache
def concord_version() -> str:
    try:
        return metadata.version("concord")
    except metadata.PackageNotFoundError:
        pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
        return tomllib.loads(pyproject.read_text())["project"]["version"]


def table(run: AgreementRun) -> list[list[object]]:
    """Header plus one row per code, then the pooled row: raw numbers, empty when undefined."""
    columns = selectors.columns_for(run)
    header = ["code", "path", "units", "prevalence", "disagreements"]
    header += [selectors.column_label(run, c) for c in columns]
    header += [f"{selectors.column_label(run, c)}: why undefined" for c in columns]
    out: list[list[object]] = [header]
    for row in selectors.run_rows(run=run):
        values = [c.value if c.value is not None else "" for c in row.cells]
        reasons = [c.reason for c in row.cells]
        prevalence = "" if row.prevalence is None else row.prevalence
        out.append(
            [row.name, row.path, row.units, prevalence, row.disagreements, *values, *reasons]
        )
    pooled = run.results.get("pooled") or {}
    values = pooled.get("values", {})
    reasons = pooled.get("reasons", {})
    prevalence = pooled.get("prevalence")
    out.append(
        [
            "(all codes pooled)",
            "",
            pooled.get("units", ""),
            "" if prevalence is None else prevalence,
            "",
            *["" if values.get(c) is None else values.get(c) for c in columns],
            *[reasons.get(c, "") for c in columns],
        ]
    )
    return out


def disagreements(run: AgreementRun) -> list[list[object]]:
    names = selectors.coder_names(run)
    coders = run.params["spec"]["coders"]
    header = ["code", "document", "page", "start", "end"]
    for coder in coders:
        header += [f"{names.get(coder, coder)}: value", f"{names.get(coder, coder)}: excerpts"]
    header.append("context")
    out: list[list[object]] = [header]
    results = AgreementCodeResult.objects.filter(run=run).order_by("position")
    texts = selectors.document_texts(run=run)
    labels = export_labels(run.project)
    for result in results.only("code_name", "disagreements"):
        for d in selectors.disagreement_items(
            run=run, result=result, with_context=True, texts=texts, labels=labels
        ):
            row: list[object] = [
                result.code_name,
                d["title"],
                d.get("page") or "",
                d["start"],
                d["end"],
            ]
            by_coder = {c["coder"]: c for c in d["coders"]}
            for coder in coders:
                c = by_coder.get(coder, {})
                value = c.get("value")
                row.append("missing" if value is None else value)
                row.append(
                    "; ".join(
                        f"{e['start']}–{e['end']} ({', '.join(e['codes'])})"
                        for e in c.get("excerpts", [])
                    )
                )
            row.append(d.get("context", ""))
            out.append(row)
    return out


FORMATS = ["csv", "xlsx", "methods"]
CSV_PARTS = {"table", "disagreements"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ExportFile:
    body: str | bytes
    content_type: str
    filename: str = ""  # empty: shown in the browser, not downloaded


def export_file(run: AgreementRun, *, fmt: str, what: str = "table") -> ExportFile:
    """A finished run in one of ``FORMATS``; for CSV, ``what`` is one of ``CSV_PARTS``."""
    stem = f"agreement-{run.code}"
    if fmt == "csv":
        rows = table(run) if what == "table" else disagreements(run)
        return ExportFile(as_csv(rows), "text/csv; charset=utf-8", f"{stem}-{what}.csv")
    if fmt == "xlsx":
        return ExportFile(as_xlsx(run), XLSX, f"{stem}.xlsx")
    return ExportFile(methods_paragraph(run), "text/plain; charset=utf-8")


def as_csv(rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def as_xlsx(run: AgreementRun) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Agreement"
    for row in table(run):
        sheet.append(row)
    second = book.create_sheet("Disagreements")
    for row in disagreements(run):
        second.append(row)
    third = book.create_sheet("Methods")
    third.append([methods_paragraph(run)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _value(value: float | None, digits: int = 3) -> str:
    return "undefined" if value is None else f"{value:.{digits}f}"


def _count(value: float | int) -> str:
    """A count as a whole number: pooled weights are floats, "32.0 documents" reads as a typo."""
    return f"{round(value):,}".replace(",", "\u202f")


def _cu_basis(unitized: dict) -> str:
    """What cuα rests on, in characters: those at least two coders marked as relevant, as a
    share of all the text of the documents (not of the coded text)."""
    chars, length = unitized.get("pairable_characters"), unitized.get("length")
    if chars is None:  # a run stored before the characters were kept
        return f"cuα rests on {unitized['pairable_share'] * 100:.1f} % of all values of the text"
    share = (
        f", {chars / length * 100:.1f} % of the {_count(length)} characters of text"
        if length
        else ""
    )
    return (
        f"cuα rests on the {_count(chars)} characters at least two coders marked as relevant{share}"
    )


def _article(role: str) -> str:
    role = role.lower()
    return ("an " if role[:1] in "aeiou" else "a ") + role


def _consensus_sentences(consensus: dict | None, names: dict[int, str] | None) -> list[str]:
    """How the disagreements were resolved and how each coder compares with the consensus;
    coders by their number in the run and deciders by role, unless the team chose to name
    them (`names`: coder id → name)."""
    if not consensus:
        return []
    resolved = consensus.get("resolutions") or {}

    def coder(number: int, pk: int) -> str:
        return names[pk] if names and pk in names else f"coder {number}"

    towards = " and ".join(
        f"towards {coder(i, c)} in {n}" for i, (c, n) in enumerate(resolved.get("towards", []), 1)
    )
    neither = f", and towards neither in {resolved['none']}" if resolved.get("none") else ""
    roles = " or ".join(_article(r) for r in resolved.get("roles", [])) or "the team"
    if names and resolved.get("deciders"):
        roles = " or ".join(resolved["deciders"])
    out = [
        "These values describe agreement before discussion. The coders' disagreements on the "
        f"{consensus['documents']} reconciled documents were then discussed and resolved into "
        f"a consensus coding, each decision taken by {roles}: "
        f"{resolved.get('disagreements', 0)} disagreements were resolved, {towards}{neither}."
    ]
    against = [
        f"{coder(i, c['coder'])}: percent agreement {_percent(c['pooled']['percent'])}, "
        f"α = {_value(c['pooled']['alpha'])}"
        for i, c in enumerate(consensus["coders"], 1)
    ]
    if against:
        out.append(
            "Each coder against the consensus, on the same units and pooled over all codes: "
            + "; ".join(against)
            + "."
        )
    return out


def _percent(value: float | None) -> str:
    return "undefined" if value is None else f"{value * 100:.1f} %"


def methods_paragraph(run: AgreementRun) -> str:
    """A short methods paragraph in English (the language of most journals) with references."""
    spec = run.params["spec"]
    results = run.results
    pooled = results.get("pooled") or {}
    values = pooled.get("values", {})
    unit = UNIT_SENTENCES[run.unit].format(
        segment={"sentence": "sentences", "paragraph": "paragraphs", "turn": "speaker turns"}[
            spec.get("segment", "sentence")
        ],
        threshold=100 * float(spec.get("threshold", 0.5)),
        overlap=100 * float(spec.get("overlap", 0.9)),
    )
    n_codes = len(spec["rows"])
    choices = run.params.get("choices", {})
    level = (
        f" rolled up to level {choices['level']} of the codebook"
        if choices.get("codes_mode") == "level"
        else ""
    )
    # The set as it was named when the run started (study/runs.py records it).
    document_set = choices.get("document_set")
    of_set = f" (the document set “{document_set['name']}”)" if document_set else ""
    parts = [
        f"Inter-coder agreement was assessed for {len(spec['coders'])} coders on "
        f"{_count(results.get('documents', len(spec['documents'])))} documents{of_set} and "
        f"{n_codes} codes{level}; {unit}. Coders who were not assigned a document and coded "
        "nothing in it were treated as missing, not as having applied no code."
    ]
    coefficient_texts = []
    if "percent" in values:
        percent = values["percent"]
        shown = "undefined" if percent is None else f"{percent * 100:.1f} %"
        coefficient_texts.append(f"percent agreement {shown}")
    for key, label in (
        ("cohen", "Cohen's κ"),
        ("light", "Light's κ"),
        ("fleiss", "Fleiss' κ"),
        ("ac1", "Gwet's AC1"),
    ):
        if key in values:
            coefficient_texts.append(f"{label} = {_value(values[key])}")
    if "bp" in values:
        q = n_codes if run.unit == AgreementUnit.EXCERPT else 2
        coefficient_texts.append(f"Brennan–Prediger κ (q = {q}) = {_value(values['bp'])}")
    if "alpha" in values:
        ci = pooled.get("ci")
        interval = (
            f" (95 % bootstrap interval {_value(ci[0])} to {_value(ci[1])}, "
            f"{pooled.get('n_boot')} resamples of units)"
            if ci and ci[0] is not None
            else ""
        )
        basis = (
            f", on {_count(pooled['pairable_values'])} pairable values in "
            f"{_count(pooled['units'])} (unit, code) cells"
            if pooled.get("pairable_values")
            else ""
        )
        coefficient_texts.append(
            f"Krippendorff's α (nominal) = {_value(values['alpha'])}{interval}{basis}"
        )
    if coefficient_texts:
        parts.append("Pooled over all codes: " + "; ".join(coefficient_texts) + ".")
    unitized = (results.get("unitized") or {}).get("pooled")
    if unitized:
        parts.append(
            f"Unitized α: uα = {_value(unitized['u'])}, |uα = {_value(unitized['binary'])}, "
            f"cuα = {_value(unitized['cu'])} ({_cu_basis(unitized)})."
        )
    named = None
    if choices.get("name_people"):
        named = {user.pk: user.name for user in run.coders.all()}
    parts.extend(_consensus_sentences(results.get("consensus"), named))
    parts.append(
        "Values per code are reported in the table; Krippendorff's (2019) thresholds were used "
        "(α ≥ 0.800 reliable, ≥ 0.667 tentative). "
        f"Computed with Concord {concord_version()}."
    )
    return " ".join(parts) + "\n\nReferences\n" + "\n".join(REFERENCES) + "\n"
