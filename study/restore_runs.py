"""Agreement runs in the project restore (study/restore.py): their inputs and results name
documents, codes, cases and coders by the file's UUIDs and e-mails; here they become this
server's rows again."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from coding.models import AgreementCodeResult, AgreementRun, AgreementUnit
from research.models import Project


def runs_restore(restore: Any, project: Project) -> None:
    """Recreate the file's agreement runs with their inputs and results, translated from the
    file's UUIDs and e-mails to this server's rows; `restore` is the running restore."""
    # Imported here: study.restore imports this module.
    from study.restore import _choice, _uuid, _when

    for r in restore.data["agreement_runs"]:
        run = AgreementRun.objects.create(
            code=_uuid(r["code"]),
            project=project,
            name=r["name"],
            unit=_choice(r["unit"], AgreementUnit.values, _("agreement unit")),
            params=_run_params(restore, r["params"]),
            codebook_version=restore.find(restore.versions, r["codebook_version"], _("version")),
            codebook_summary=r["codebook_summary"],
            excerpt_versions=[
                [restore.find(restore.excerpts, code, _("excerpt")).pk, version]
                for code, version in r["excerpt_versions"]
            ],
            results=_run_results(restore, r["results"]),
            created_by=restore.user(r["created_by"]),
            created_at=_when(r["created_at"]),
            finished_at=_when(r["finished_at"]),
        )
        run.coders.set([restore.user(email) for email in r["coders"]])
        AgreementCodeResult.objects.bulk_create(
            AgreementCodeResult(
                run=run,
                code=restore.find(restore.codes, c["code"], _("code")),
                code_name=c["code_name"],
                code_path=c["code_path"],
                position=c["position"],
                units=c["units"],
                prevalence=c["prevalence"],
                values=c["values"],
                reasons=c["reasons"],
                disagreement_count=c["disagreement_count"],
            )
            for c in r["code_results"]
        )


def _user_pks(restore: Any, emails: list) -> list[int]:
    return [restore.user(email).pk for email in emails]


def _code_pk(restore: Any, code: str) -> int:
    return restore.find(restore.codes, code, _("code")).pk


def _run_params(restore: Any, params: dict[str, Any]) -> dict[str, Any]:
    choices = dict(params["choices"])
    choices["cases"] = [str(restore.find(restore.cases, c, _("case")).pk) for c in choices["cases"]]
    spec = dict(params["spec"])
    spec["coders"] = _user_pks(restore, spec["coders"])
    spec["documents"] = [
        restore.find(restore.documents, d, _("document")).pk for d in spec["documents"]
    ]
    spec["text_versions"] = {
        str(restore.find(restore.documents, code, _("document")).pk): number
        for code, number in spec.get("text_versions", {}).items()
    }
    spec["rows"] = [_code_pk(restore, c) for c in spec["rows"]]
    spec["code_map"] = {
        str(_code_pk(restore, key)): _code_pk(restore, row) for key, row in spec["code_map"].items()
    }
    spec["names"] = {str(_code_pk(restore, key)): name for key, name in spec["names"].items()}
    return {"choices": choices, "spec": spec}


def _run_results(restore: Any, results: dict[str, Any]) -> dict[str, Any]:
    results = dict(results)
    if "coders" in results:
        results["coders"] = _user_pks(restore, results["coders"])
    if "pairwise" in results:
        results["pairwise"] = [
            {**pair, "coders": _user_pks(restore, pair["coders"])} for pair in results["pairwise"]
        ]
    unitized = results.get("unitized")
    if unitized and "per_code" in unitized:
        results["unitized"] = {
            **unitized,
            "per_code": {
                str(_code_pk(restore, key)): value for key, value in unitized["per_code"].items()
            },
        }
    return results
