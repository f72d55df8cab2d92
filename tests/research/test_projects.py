import pytest
from django.core import mail
from django.urls import reverse

from research.models import Membership, Project, Role, User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_creating_a_project_makes_me_its_owner(outsider):
    response = client_for(outsider).post(
        reverse("research:project-create"),
        {"title": "Smart regions", "language": "nb", "blind_coding": "on"},
    )
    project = Project.objects.get(title="Smart regions")
    assert response.status_code == 302
    assert response["Location"] == reverse("research:project-detail", args=[project.code])
    assert Membership.objects.get(project=project).role == Role.OWNER
    assert project.blind_coding is True


def test_project_without_title_is_refused_and_nothing_is_created(outsider):
    response = client_for(outsider).post(reverse("research:project-create"), {"title": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Project.objects.exists()


def test_project_list_shows_only_my_projects(cast, project):
    other = Project.objects.create(title="Someone else's study")
    response = client_for(cast["coder"]).get(reverse("research:project-list"))
    assert project.title in response.content.decode()
    assert other.title not in response.content.decode()


def test_project_list_counts_every_member(cast, project):
    response = client_for(cast["coder"]).get(reverse("research:project-list"))
    n = project.memberships.count()
    assert n > 1
    assert f"{n} members" in response.content.decode()


def test_project_list_query_count_does_not_grow_with_projects(django_assert_num_queries, coder):
    client = client_for(coder)
    for n in range(5):
        extra = Project.objects.create(title=f"Extra {n}")
        Membership.objects.create(project=extra, user=coder, role=Role.CODER)
    # session, user, projects with member counts, my roles
    with django_assert_num_queries(4):
        client.get(reverse("research:project-list"))


def test_lead_changes_settings_and_coder_cannot(cast, project):
    url = reverse("research:project-settings", args=[project.code])
    data = {"title": "Renamed", "language": "en", "research_question": "Why?"}
    assert client_for(cast["coder"]).post(url, data).status_code == 403
    assert client_for(cast["lead"]).post(url, data).status_code == 302
    project.refresh_from_db()
    assert project.title == "Renamed"
    assert project.blind_coding is False  # unchecked box = unblinded


def test_owner_archives_and_restores(cast, project):
    url = reverse("research:project-archive", args=[project.code])
    client_for(cast["owner"]).post(url, {"archived": "1"})
    project.refresh_from_db()
    assert project.is_archived
    listing = client_for(cast["owner"]).get(reverse("research:project-list")).content.decode()
    assert project.title not in listing
    client_for(cast["owner"]).post(url, {"archived": "0"})
    project.refresh_from_db()
    assert not project.is_archived


def test_delete_needs_the_exact_title(cast, project):
    url = reverse("research:project-delete", args=[project.code])
    client_for(cast["owner"]).post(url, {"confirm_title": "wrong"})
    assert Project.objects.filter(pk=project.pk).exists()
    client_for(cast["owner"]).post(url, {"confirm_title": project.title})
    assert not Project.objects.filter(pk=project.pk).exists()


def test_invitation_links_use_the_configured_site_url_when_set(
    cast, project, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://concord.uni.no"
    url = reverse("research:member-list", args=[project.code])
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cast["owner"]).post(url, {"email": "new@uni.no", "role": "coder"})
    assert "https://concord.uni.no/invitations/" in mail.outbox[0].body


def test_owner_adds_a_new_person_who_gets_an_invitation(
    cast, project, client, django_capture_on_commit_callbacks
):
    url = reverse("research:member-list", args=[project.code])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast["owner"]).post(url, {"email": "new@uni.no", "role": "coder"})
    assert response.status_code == 302
    user = User.objects.get(email="new@uni.no")
    assert not user.has_usable_password()
    assert Membership.objects.get(project=project, user=user).role == Role.CODER
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/invitations/" in line)
    # The test client asks for http://testserver/: the link points where the owner was.
    assert link.startswith("http://testserver/invitations/")
    link = link.removeprefix("http://testserver")
    accept = client.post(
        link,
        {"new_password1": "a long new passphrase", "new_password2": "a long new passphrase"},
    )
    assert accept.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a long new passphrase")
    # The link works once.
    assert client.get(link).status_code == 404


def test_adding_an_existing_member_twice_is_a_clear_error(cast, project):
    url = reverse("research:member-list", args=[project.code])
    response = client_for(cast["owner"]).post(url, {"email": cast["coder"].email, "role": "lead"})
    assert response.status_code == 200
    assert "already a member" in response.content.decode()
    assert Membership.objects.get(project=project, user=cast["coder"]).role == Role.CODER


def test_bad_email_is_refused(cast, project):
    url = reverse("research:member-list", args=[project.code])
    response = client_for(cast["owner"]).post(url, {"email": "not-an-email", "role": "lead"})
    assert response.status_code == 200
    assert "valid email" in response.content.decode()


def test_the_last_owner_cannot_be_demoted_or_removed(cast, project):
    membership = Membership.objects.get(project=project, user=cast["owner"])
    url = reverse("research:member-update", args=[project.code, membership.pk])
    client = client_for(cast["owner"])
    response = client.post(url, {"action": "role", "role": "coder"}, follow=True)
    assert "at least one owner" in response.content.decode()
    remove = reverse("study:member-remove", args=[project.code, membership.pk])
    response = client.post(remove, {"codings": "keep"}, follow=True)
    assert "at least one owner" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_owner_changes_a_role_and_removes_a_member(cast, project):
    target = Membership.objects.get(project=project, user=cast["viewer"])
    url = reverse("research:member-update", args=[project.code, target.pk])
    client_for(cast["owner"]).post(url, {"action": "role", "role": "lead"})
    target.refresh_from_db()
    assert target.role == Role.LEAD
    remove = reverse("study:member-remove", args=[project.code, target.pk])
    client_for(cast["owner"]).post(remove, {"codings": "keep"})
    assert not Membership.objects.filter(pk=target.pk).exists()


def test_member_of_another_project_is_404(cast, project):
    other = Project.objects.create(title="Other")
    stranger = Membership.objects.create(
        project=other, user=User.objects.create_user(email="x@y.no"), role=Role.CODER
    )
    url = reverse("study:member-remove", args=[project.code, stranger.pk])
    assert client_for(cast["owner"]).post(url, {"codings": "keep"}).status_code == 404
    assert Membership.objects.filter(pk=stranger.pk).exists()


def test_deleting_a_project_removes_its_codebook_codings_and_files(cast, project):
    from coding.models import Code, Coding, Excerpt
    from tests.factories import CodeFactory, DocumentFactory, ExcerptFactory

    parent = CodeFactory(project=project, name="Actors")
    child = CodeFactory(project=project, name="Industry", parent=parent)
    document = DocumentFactory(project=project)
    ExcerptFactory(document=document, coder=cast["coder"], codes=[child, parent])
    url = reverse("research:project-delete", args=[project.code])
    client_for(cast["owner"]).post(url, {"confirm_title": project.title})
    assert not Project.objects.filter(pk=project.pk).exists()
    assert not Code.objects.exists()
    assert not Coding.objects.exists()
    assert not Excerpt.objects.exists()
