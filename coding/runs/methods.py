"""The methods paragraph of an agreement run, ready to paste, in the language the researcher
chooses for it (a Norwegian interface may write for an English journal, and the reverse).

Every sentence is one catalogue entry with its numbers as placeholders, so a translation
writes the sentence as that language would (not word by word) and carries the same numbers;
decimals follow the paragraph's language (0.812 in English, 0,812 in Norwegian).
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.formats import get_format
from django.utils.translation import npgettext, pgettext, pgettext_lazy

from coding.models import AgreementRun, AgreementUnit
from coding.runs.selectors import RELIABLE, TENTATIVE
from research.models import Role

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
    AgreementUnit.DOCUMENT: pgettext_lazy(
        "methods paragraph",
        "the unit was the document: a coder applied a code if they used it anywhere in the "
        "document",
    ),
    AgreementUnit.SEGMENT: pgettext_lazy(
        "methods paragraph",
        "the units were %(segment)s: a coder applied a code to a unit if their excerpts with "
        "the code covered at least %(threshold)s %% of it",
    ),
    AgreementUnit.EXCERPT: pgettext_lazy(
        "methods paragraph",
        "excerpts were matched between the two coders: an excerpt agreed if the other coder "
        "applied the same code to an excerpt overlapping at least %(overlap)s %% of it",
    ),
    AgreementUnit.CHARACTER: pgettext_lazy(
        "methods paragraph",
        "every character was a unit, coded or not coded with each code, and the unitized α "
        "family (uα, |uα, cuα) was computed on the text as a continuum",
    ),
}

SEGMENTS = {
    "sentence": pgettext_lazy("methods paragraph", "sentences"),
    "paragraph": pgettext_lazy("methods paragraph", "paragraphs"),
    "turn": pgettext_lazy("methods paragraph", "speaker turns"),
}

COEFFICIENTS = {
    "cohen": pgettext_lazy("methods paragraph", "Cohen's κ"),
    "light": pgettext_lazy("methods paragraph", "Light's κ"),
    "fleiss": pgettext_lazy("methods paragraph", "Fleiss' κ"),
    "ac1": pgettext_lazy("methods paragraph", "Gwet's AC1"),
}

# Who decided, by role, with the article the sentence needs ("each decision taken by a lead").
DECIDERS = {
    Role.OWNER: pgettext_lazy("methods paragraph", "an owner"),
    Role.LEAD: pgettext_lazy("methods paragraph", "a lead"),
    Role.CODER: pgettext_lazy("methods paragraph", "a coder"),
    Role.VIEWER: pgettext_lazy("methods paragraph", "a viewer"),
}

LANGUAGES = [code for code, _name in settings.LANGUAGES]


@cache
def concord_version() -> str:
    try:
        return metadata.version("concord")
    except metadata.PackageNotFoundError:
        pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
        return tomllib.loads(pyproject.read_text())["project"]["version"]


def _decimal(text: str) -> str:
    """A number written with a point, in the active language's decimal separator."""
    return text.replace(".", get_format("DECIMAL_SEPARATOR"))


def _value(value: float | None, digits: int = 3) -> str:
    return (
        pgettext("methods paragraph", "undefined")
        if value is None
        else _decimal(f"{value:.{digits}f}")
    )


def _percent(value: float | None) -> str:
    return (
        pgettext("methods paragraph", "undefined")
        if value is None
        else _decimal(f"{value * 100:.1f} %")
    )


def _count(value: float | int) -> str:
    """A count as a whole number: pooled weights are floats, "32.0 documents" reads as a typo.
    Thousands apart by a narrow no-break space, as both English and Norwegian style allow."""
    return f"{round(value):,}".replace(",", "\u202f")


CONJUNCTIONS = {
    "and": pgettext_lazy("methods paragraph", "and"),
    "or": pgettext_lazy("methods paragraph", "or"),
}


def _listed(items: list[str], word: str) -> str:
    """Items joined by "and" or "or" in the paragraph's language."""
    return f" {CONJUNCTIONS[word]} ".join(items)


def _cu_basis(unitized: dict) -> str:
    """What cuα rests on, in characters: those at least two coders marked as relevant, as a
    share of all the text of the documents (not of the coded text)."""
    chars, length = unitized.get("pairable_characters"), unitized.get("length")
    if chars is None:  # a run stored before the characters were kept
        return pgettext("methods paragraph", "cuα rests on %(share)s of all values of the text") % {
            "share": _percent(unitized["pairable_share"])
        }
    share = ""
    if length:
        share = pgettext(
            "methods paragraph", ", %(share)s of the %(length)s characters of text"
        ) % {
            "share": _percent(chars / length),
            "length": _count(length),
        }
    return pgettext(
        "methods paragraph",
        "cuα rests on the %(characters)s characters at least two coders marked as relevant"
        "%(share)s",
    ) % {"characters": _count(chars), "share": share}


def _role(label: str) -> str:
    """A decider's role as the sentence needs it. Runs store the role's name as it read when
    they were computed, in whatever language that was: find the role, then say it anew."""
    found = None
    for code in LANGUAGES:
        with translation.override(code):
            names = {str(name).casefold(): value for value, name in Role.choices}
        found = found or names.get(label.casefold())
    if found:
        return str(DECIDERS[Role(found)])
    role = label.lower()
    return ("an " if role[:1] in "aeiou" else "a ") + role


def _consensus_sentences(consensus: dict | None, names: dict[int, str] | None) -> list[str]:
    """How the disagreements were resolved and how each coder compares with the consensus;
    coders by their number in the run and deciders by role, unless the team chose to name
    them (`names`: coder id → name)."""
    if not consensus:
        return []
    resolved = consensus.get("resolutions") or {}

    def coder(number: int, pk: int) -> str:
        if names and pk in names:
            return names[pk]
        return pgettext("methods paragraph", "coder %(number)s") % {"number": number}

    towards = _listed(
        [
            pgettext("methods paragraph", "towards %(coder)s in %(count)s")
            % {"coder": coder(i, c), "count": n}
            for i, (c, n) in enumerate(resolved.get("towards", []), 1)
        ],
        "and",
    )
    neither = ""
    if resolved.get("none"):
        neither = pgettext("methods paragraph", ", and towards neither in %(count)s") % {
            "count": resolved["none"]
        }
    deciders = _listed([_role(r) for r in resolved.get("roles", [])], "or")
    if names and resolved.get("deciders"):
        deciders = _listed(resolved["deciders"], "or")
    documents, disagreements = consensus["documents"], resolved.get("disagreements", 0)
    out = [
        pgettext("methods paragraph", "These values describe agreement before discussion."),
        pgettext(
            "methods paragraph",
            "The coders' disagreements on %(documents)s were then discussed and resolved into "
            "a consensus coding, each decision taken by %(deciders)s: %(resolved)s, "
            "%(towards)s%(neither)s.",
        )
        % {
            "documents": npgettext(
                "methods paragraph",
                "the %(n)s reconciled document",
                "the %(n)s reconciled documents",
                documents,
            )
            % {"n": documents},
            "deciders": deciders or pgettext("methods paragraph", "the team"),
            "resolved": npgettext(
                "methods paragraph",
                "%(n)s disagreement was resolved",
                "%(n)s disagreements were resolved",
                disagreements,
            )
            % {"n": disagreements},
            "towards": towards,
            "neither": neither,
        },
    ]
    against = [
        pgettext("methods paragraph", "%(coder)s: percent agreement %(percent)s, α = %(alpha)s")
        % {
            "coder": coder(i, c["coder"]),
            "percent": _percent(c["pooled"]["percent"]),
            "alpha": _value(c["pooled"]["alpha"]),
        }
        for i, c in enumerate(consensus["coders"], 1)
    ]
    if against:
        out.append(
            pgettext(
                "methods paragraph",
                "Each coder against the consensus, on the same units and pooled over all codes: "
                "%(values)s.",
            )
            % {"values": "; ".join(against)}
        )
    return out


def _design(run: AgreementRun) -> str:
    """Who coded what, and what a unit was."""
    spec = run.params["spec"]
    choices = run.params.get("choices", {})
    unit = str(UNIT_SENTENCES[run.unit]) % {
        "segment": SEGMENTS[spec.get("segment", "sentence")],
        "threshold": f"{100 * float(spec.get('threshold', 0.5)):.0f}",
        "overlap": f"{100 * float(spec.get('overlap', 0.9)):.0f}",
    }
    coders, codes = len(spec["coders"]), len(spec["rows"])
    documents = round(run.results.get("documents", len(spec["documents"])))
    level = ""
    if choices.get("codes_mode") == "level":
        level = pgettext("methods paragraph", " rolled up to level %(level)s of the codebook") % {
            "level": choices["level"]
        }
    # The set as it was named when the run started (study/runs.py records it).
    document_set = choices.get("document_set")
    of_set = ""
    if document_set:
        of_set = pgettext("methods paragraph", " (the document set “%(name)s”)") % {
            "name": document_set["name"]
        }
    return pgettext(
        "methods paragraph",
        "Inter-coder agreement was assessed for %(coders)s on %(documents)s%(document_set)s "
        "and %(codes)s%(level)s; %(unit)s.",
    ) % {
        "coders": npgettext("methods paragraph", "%(n)s coder", "%(n)s coders", coders)
        % {"n": coders},
        "documents": npgettext("methods paragraph", "%(n)s document", "%(n)s documents", documents)
        % {"n": _count(documents)},
        "document_set": of_set,
        "codes": npgettext("methods paragraph", "%(n)s code", "%(n)s codes", codes) % {"n": codes},
        "level": level,
        "unit": unit,
    }


def _alpha(pooled: dict, value: float | None) -> str:
    ci = pooled.get("ci")
    interval = basis = ""
    if ci and ci[0] is not None:
        interval = pgettext(
            "methods paragraph",
            " (95 %% bootstrap interval %(low)s to %(high)s, %(resamples)s resamples of units)",
        ) % {"low": _value(ci[0]), "high": _value(ci[1]), "resamples": pooled.get("n_boot")}
    if pooled.get("pairable_values"):
        basis = pgettext(
            "methods paragraph", ", on %(values)s pairable values in %(cells)s (unit, code) cells"
        ) % {"values": _count(pooled["pairable_values"]), "cells": _count(pooled["units"])}
    return pgettext(
        "methods paragraph", "Krippendorff's α (nominal) = %(value)s%(interval)s%(basis)s"
    ) % {
        "value": _value(value),
        "interval": interval,
        "basis": basis,
    }


def _pooled(run: AgreementRun) -> list[str]:
    """The pooled coefficients, in one sentence."""
    pooled = run.results.get("pooled") or {}
    values = pooled.get("values", {})
    texts = []
    if "percent" in values:
        texts.append(
            pgettext("methods paragraph", "percent agreement %(value)s")
            % {"value": _percent(values["percent"])}
        )
    for key, label in COEFFICIENTS.items():
        if key in values:
            texts.append(f"{label} = {_value(values[key])}")
    if "bp" in values:
        q = len(run.params["spec"]["rows"]) if run.unit == AgreementUnit.EXCERPT else 2
        texts.append(
            pgettext("methods paragraph", "Brennan–Prediger κ (q = %(q)s) = %(value)s")
            % {"q": q, "value": _value(values["bp"])}
        )
    if "alpha" in values:
        texts.append(_alpha(pooled, values["alpha"]))
    if not texts:
        return []
    return [
        pgettext("methods paragraph", "Pooled over all codes: %(values)s.")
        % {"values": "; ".join(texts)}
    ]


def _unitized(run: AgreementRun) -> list[str]:
    unitized = (run.results.get("unitized") or {}).get("pooled")
    if not unitized:
        return []
    return [
        pgettext(
            "methods paragraph",
            "Unitized α: uα = %(u)s, |uα = %(binary)s, cuα = %(cu)s (%(basis)s).",
        )
        % {
            "u": _value(unitized["u"]),
            "binary": _value(unitized["binary"]),
            "cu": _value(unitized["cu"]),
            "basis": _cu_basis(unitized),
        }
    ]


def methods_paragraph(run: AgreementRun, *, language: str | None = None) -> str:
    """A short methods paragraph with references, in `language` (else the active one)."""
    with translation.override(language or translation.get_language()):
        parts = [
            _design(run),
            pgettext(
                "methods paragraph",
                "Coders who were not assigned a document and coded nothing in it were treated "
                "as missing, not as having applied no code.",
            ),
            *_pooled(run),
            *_unitized(run),
        ]
        named = None
        if run.params.get("choices", {}).get("name_people"):
            named = {user.pk: user.name for user in run.coders.all()}
        parts.extend(_consensus_sentences(run.results.get("consensus"), named))
        parts.append(
            pgettext(
                "methods paragraph",
                "Values per code are reported in the table; Krippendorff's (2019) thresholds "
                "were used (α ≥ %(reliable)s reliable, ≥ %(tentative)s tentative).",
            )
            % {"reliable": _value(RELIABLE), "tentative": _value(TENTATIVE)}
        )
        parts.append(
            pgettext("methods paragraph", "Computed with Concord %(version)s.")
            % {"version": concord_version()}
        )
        heading = pgettext("methods paragraph", "References")
    return " ".join(parts) + f"\n\n{heading}\n" + "\n".join(REFERENCES) + "\n"
