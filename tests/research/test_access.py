"""research/access.py on its own: the capability table, every predicate for every role, blind
coding, and the generic doors (another project's object is a 404, like a missing one)."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from research import access
from research.access import Capability, Scope
from research.models import Job, Membership, Project, Role
from tests.factories import JobFactory, MembershipFactory, ProjectFactory, UserFactory

ROLES = [Role.OWNER, Role.LEAD, Role.CODER, Role.VIEWER]
ROLES_DOC = Path(__file__).resolve().parents[2] / "docs" / "roles.md"


def member(role: str, *, blind: bool = False, coders_create: bool = False) -> Membership:
    """An unsaved membership: the predicates are pure and need no database."""
    project = Project(title="p", blind_coding=blind, coders_may_create_codes=coders_create)
    return Membership(project=project, role=role, user_id=7)


def table(predicate, **project) -> list:
    """The predicate's answer for owner, lead, coder and viewer, in that order."""
    return [predicate(member(role, **project)) for role in ROLES]


def test_docs_roles_table_matches_the_code():
    rows = re.findall(r"^\| (view|code|manage|administer) \|(.*)$", ROLES_DOC.read_text(), re.M)
    documented = {
        Capability(name): [cell.strip() == "yes" for cell in rest.split("|")[:4]]
        for name, rest in rows
    }
    assert documented == {
        cap: [cap in access.ROLE_CAPABILITIES[role] for role in ROLES] for cap in Capability
    }


def test_module_docstring_table_matches_the_code():
    rows = re.findall(r"^\| ([A-Z]+) +\|(.*)\|$", access.__doc__, re.M)
    documented = {
        Capability[name]: [cell.strip() == "yes" for cell in rest.split("|")]
        for name, rest in rows
        if name in Capability.__members__
    }
    assert documented == {
        cap: [cap in access.ROLE_CAPABILITIES[role] for role in ROLES] for cap in Capability
    }


def test_roles_with_lists_roles_by_capability():
    assert access.roles_with(Capability.CODE) == [Role.OWNER, Role.LEAD, Role.CODER]
    assert access.roles_with(Capability.ADMINISTER) == [Role.OWNER]


@pytest.mark.parametrize(
    ("predicate", "project", "expected"),
    [
        # name, project settings, {owner, lead, coder, viewer}
        (access.sees_all_codings, {"blind": True}, [True, True, False, False]),
        (access.sees_all_codings, {"blind": False}, [True, True, True, True]),
        (access.may_create_codes, {}, [True, True, False, False]),
        (access.may_create_codes, {"coders_create": True}, [True, True, True, False]),
        (access.new_codes_are_proposed, {}, [False, False, True, True]),
        (access.may_edit_others_excerpts, {}, [True, True, False, False]),
        (access.may_see_results, {"blind": True}, [True, True, False, True]),
        (access.may_see_results, {"blind": False}, [True, True, True, True]),
        (access.may_cancel_job, {}, [True, True, False, False]),
        (access.may_administer_members, {}, [True, False, False, False]),
    ],
    ids=lambda v: getattr(v, "__name__", None),
)
def test_predicate_by_role(predicate, project, expected):
    assert table(predicate, **project) == expected


@pytest.mark.parametrize(
    ("assigned", "expected"),
    [(True, [True, True, True, False]), (False, [True, True, False, False])],
)
def test_coders_code_only_assigned_documents(assigned, expected):
    result = table(lambda m: access.may_code_document(m, assigned=assigned))
    assert result == expected


def test_coders_edit_only_their_own_excerpts():
    assert table(lambda m: access.may_edit_excerpt(m, coder_id=7)) == [
        True,
        True,
        True,
        False,
    ]
    assert table(lambda m: access.may_edit_excerpt(m, coder_id=8)) == [
        True,
        True,
        False,
        False,
    ]


@pytest.mark.parametrize(
    ("blind", "for_edit", "expected"),
    [
        (True, False, [Scope.ALL, Scope.ALL, Scope.OWN, Scope.NONE]),
        (False, False, [Scope.ALL, Scope.ALL, Scope.ALL, Scope.ALL]),
        (True, True, [Scope.ALL, Scope.ALL, Scope.OWN, Scope.NONE]),
        (False, True, [Scope.ALL, Scope.ALL, Scope.OWN, Scope.NONE]),
    ],
)
def test_codings_scope_follows_blind_mode(blind, for_edit, expected):
    result = table(lambda m: access.codings_scope(m, for_edit=for_edit), blind=blind)
    assert result == expected


def test_can_is_the_predicates_for_templates():
    can = access.can_for(member(Role.LEAD, blind=True))
    assert (can.view, can.code, can.manage, can.administer) == (True, True, True, False)
    assert can.cancel_job and can.edit_others and can.see_all_codings and not can.new_codes_proposed
    viewer = access.can_for(member(Role.VIEWER, blind=True))
    assert not viewer.code and not viewer.see_all_codings and viewer.see_results


# --- doors and queries (database) ------------------------------------------------------------


@pytest.mark.django_db
def test_access_project_404_for_outsiders_and_403_without_capability(cast, project):
    with pytest.raises(Http404):
        access.access_project(cast["outsider"], project.code, Capability.VIEW)
    with pytest.raises(PermissionDenied):
        access.access_project(cast["viewer"], project.code, Capability.CODE)
    assert access.access_project(cast["lead"], project.code, Capability.MANAGE).role == Role.LEAD


@pytest.mark.django_db
def test_access_results_refuses_coders_only_while_blind(cast, project):
    project.blind_coding = True
    project.save()
    with pytest.raises(PermissionDenied):
        access.access_results(cast["coder"], project.code)
    assert access.access_results(cast["viewer"], project.code).role == Role.VIEWER
    project.blind_coding = False
    project.save()
    assert access.access_results(cast["coder"], project.code).role == Role.CODER


@pytest.mark.django_db
def test_access_object_is_404_for_another_projects_object(cast, project):
    membership = Membership.objects.get(project=project, user=cast["lead"])
    mine = JobFactory(project=project)
    theirs = JobFactory(project=ProjectFactory())
    assert access.access_object(membership, Job.objects.all(), code=mine.code) == mine
    for code in (theirs.code, "not-a-uuid"):
        with pytest.raises(Http404):
            access.access_object(membership, Job.objects.all(), code=code)


@pytest.mark.django_db
def test_limit_to_scope_hides_others_work_in_blind_mode(cast, project):
    project.blind_coding = True
    project.save()
    for who in ("owner", "lead", "coder", "coder2", "viewer"):
        JobFactory(project=project, requested_by=cast[who])
    jobs = Job.objects.filter(project=project)

    def seen(who: str) -> int:
        membership = Membership.objects.get(project=project, user=cast[who])
        return access.limit_to_scope(jobs, membership, coder_field="requested_by").count()

    assert [seen(who) for who in ("owner", "lead", "coder", "viewer")] == [5, 5, 1, 0]
    project.blind_coding = False
    project.save()
    assert [seen(who) for who in ("coder", "viewer")] == [5, 5]


@pytest.mark.django_db
def test_project_coders_are_the_members_who_may_code(cast, project):
    MembershipFactory(project=ProjectFactory(), user=UserFactory(), role=Role.CODER)
    roles = sorted(m.role for m in access.project_coders(project))
    assert roles == sorted([Role.OWNER, Role.LEAD, Role.CODER, Role.CODER])
    users = set(access.project_coder_users(project))
    assert users == {cast["owner"], cast["lead"], cast["coder"], cast["coder2"]}


def test_reconciliations_are_for_leads_and_the_reconciled_coders():
    def take_part(reconciled):
        return table(
            lambda m: access.may_take_part_in_reconciliation(m, reconciled_coder=reconciled)
        )

    assert take_part(True) == [True, True, True, False]
    assert take_part(False) == [True, True, False, False]

    def decide(reconciled, coders_decide):
        return table(
            lambda m: access.may_decide_candidates(
                m, reconciled_coder=reconciled, coders_decide=coders_decide
            )
        )

    assert decide(True, True) == [True, True, True, False]
    assert decide(True, False) == [True, True, False, False]
