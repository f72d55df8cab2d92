"""The interface language: the switcher on every page, the profile, the browser, the worker."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from research import jobs
from research.models import Job
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LANGUAGE_SEEN: list[str] = []


@jobs.job_handler("test.language")
def _note_language(job, report):
    LANGUAGE_SEEN.append(translation.get_language())
    raise jobs.JobError(translation.gettext("Profile saved."))


def _projects_page(client, **headers):
    return client.get(reverse("research:project-list"), **headers).content.decode()


def test_the_browser_language_decides_until_a_person_chooses():
    client = client_for(UserFactory())
    assert "Prosjekter" in _projects_page(client, HTTP_ACCEPT_LANGUAGE="nb-NO,nb;q=0.9,en;q=0.5")
    assert "Prosjekt" in _projects_page(client, HTTP_ACCEPT_LANGUAGE="nn")
    assert ">Projects<" in _projects_page(client, HTTP_ACCEPT_LANGUAGE="en-GB")


def test_the_switcher_keeps_the_choice_on_the_account_and_returns_to_the_page():
    user = UserFactory()
    client = client_for(user)
    page = reverse("research:project-list")
    response = client.post(reverse("language-set"), {"language": "nn"}, HTTP_REFERER=page)
    assert response.status_code == 302 and response["Location"] == page
    user.refresh_from_db()
    assert user.language == "nn"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nn"
    # The account's choice wins over the browser, on any device.
    other_device = client_for(user)
    html = _projects_page(other_device, HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="nn">' in html and "Prosjekt" in html


def test_every_page_offers_the_switcher_with_the_current_language_selected():
    client = client_for(UserFactory(language="nb"))
    html = _projects_page(client)
    assert f'action="{reverse("language-set")}"' in html
    assert '<option value="nb" lang="nb" selected>Norsk bokmål</option>' in html
    login = client_for(None).get(reverse("account_login")).content.decode()
    assert f'action="{reverse("language-set")}"' in login


def test_a_visitor_not_signed_in_switches_by_cookie():
    client = client_for(None)
    response = client.post(
        reverse("language-set"), {"language": "nb", "next": reverse("account_login")}
    )
    assert response.status_code == 302
    assert "Logg inn" in client.get(reverse("account_login")).content.decode()


def test_empty_choice_goes_back_to_the_browser_language():
    user = UserFactory(language="nb")
    client = client_for(user)
    response = client.post(reverse("language-set"), {"language": "", "next": "/"})
    user.refresh_from_db()
    assert user.language == ""
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""  # deleted
    assert ">Projects<" in _projects_page(client, HTTP_ACCEPT_LANGUAGE="en")


def test_an_unknown_language_or_foreign_next_is_refused_politely():
    user = UserFactory(language="nb")
    client = client_for(user)
    response = client.post(
        reverse("language-set"), {"language": "xx", "next": "https://evil.example/"}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[0][0] == reverse("research:project-list")
    assert "Concord finnes ikke på det språket." in response.content.decode()
    user.refresh_from_db()
    assert user.language == "nb"
    assert client.get(reverse("language-set")).status_code == 405


def test_the_profile_sets_the_language():
    user = UserFactory()
    client = client_for(user)
    response = client.post(
        reverse("profile"),
        {"display_name": "Kari", "first_name": "", "last_name": "", "language": "nb"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "nb"
    assert "Profilen er lagret." in client.get(reverse("profile")).content.decode()
    refused = client.post(reverse("profile"), {"display_name": "Kari", "language": "xx"})
    assert refused.status_code == 200
    user.refresh_from_db()
    assert user.language == "nb"


def test_a_job_runs_in_the_language_of_whoever_asked(project, owner):
    LANGUAGE_SEEN.clear()
    with translation.override("nb"):
        job = jobs.job_enqueue(kind="test.language", project=project, requested_by=owner)
    assert job.language == "nb"
    jobs.job_run_inline(job)
    assert LANGUAGE_SEEN == ["nb"]
    assert Job.objects.get(pk=job.pk).error == "Profilen er lagret."


def test_nynorsk_reaches_allauths_own_pages_and_forms():
    """django-allauth has no Nynorsk of its own: locale_allauth/nn gives its strings."""
    client = client_for(None)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nn"
    reset = client.get(reverse("account_reset_password")).content.decode()
    assert "Har du gløymt passordet ditt?" in reset and "Forgotten your password" not in reset
    signed_in = client_for(UserFactory(language="nn"))
    password = signed_in.get(reverse("account_change_password")).content.decode()
    assert "Noverande passord" in password and "Current Password" not in password


def test_the_page_says_its_language_and_each_language_in_its_own_name():
    html = _projects_page(client_for(UserFactory(language="nn")))
    assert '<html lang="nn">' in html
    assert '<option value="en" lang="en">English</option>' in html
