"""The login throttle while Redis is down: logging in works, guessing stays limited."""

import socket
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from research import auth
from research.models import LoginFailure
from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "kari@kommune.no"
LOCKED = "Too many failed log-in attempts"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe is closed


@pytest.fixture
def working_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


@pytest.fixture
def redis_down(settings):
    # The production backend, pointed at a port where nothing listens: every call to Redis
    # raises; allauth's counters fall back to memory, the password throttle to the database.
    settings.CACHES = {
        "default": {
            "BACKEND": "research.cache.FailSafeRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        }
    }


@pytest.fixture(autouse=True)
def limit(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 900


@pytest.fixture
def kari():
    return UserFactory(email=EMAIL)


def _log_in(client, password, email=EMAIL):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_the_cache_backend_really_raises(redis_down):
    with pytest.raises(Exception, match="(?i)connect"):
        cache.strict.get("anything")


def test_the_fail_safe_cache_answers_from_memory_with_a_warning(redis_down, caplog):
    assert cache.add("key", 1) is True
    assert cache.get("key") == 1
    assert "Cache unavailable" in caplog.text


def test_logging_in_works_while_redis_is_down(client, kari, redis_down):
    response = _log_in(client, PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("research:project-list")).status_code == 200


def test_a_wrong_password_is_refused_not_a_500_while_redis_is_down(client, kari, redis_down):
    response = _log_in(client, "nope")
    assert response.status_code == 200
    assert "correct" in response.content.decode()
    assert LoginFailure.objects.count() == 2  # the account's counter and the client's


def test_guessing_is_throttled_while_redis_is_down(client, kari, redis_down):
    for _ in range(3):
        _log_in(client, "guess")
    response = _log_in(client, PASSWORD)
    assert response.status_code == 200
    assert LOCKED in response.content.decode()


def test_failures_counted_during_the_outage_still_count_when_redis_is_back(
    client, kari, redis_down, settings
):
    for _ in range(3):
        _log_in(client, "guess")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    response = _log_in(client, PASSWORD)
    assert LOCKED in response.content.decode()


def test_the_client_counter_throttles_guesses_across_accounts_while_redis_is_down(
    client, kari, redis_down
):
    for n in range(3):
        _log_in(client, "guess", email=f"someone{n}@kommune.no")
    assert LOCKED in _log_in(client, PASSWORD).content.decode()


def test_failures_older_than_the_window_do_not_count(client, kari, redis_down):
    long_ago = timezone.now() - timedelta(seconds=901)
    for key in auth._keys(EMAIL, "127.0.0.1"):
        LoginFailure.objects.bulk_create(
            [LoginFailure(key=key, created_at=long_ago) for _ in range(3)]
        )
    assert _log_in(client, PASSWORD).status_code == 302


def test_old_failures_are_cleared_when_a_new_one_is_counted(kari, redis_down):
    long_ago = timezone.now() - timedelta(seconds=901)
    LoginFailure.objects.create(key="login-fail:ip:10.0.0.9", created_at=long_ago)
    auth.login_failed(EMAIL, "10.0.0.1")
    assert not LoginFailure.objects.filter(key="login-fail:ip:10.0.0.9").exists()


def test_a_successful_log_in_clears_the_accounts_counter_only(client, kari, redis_down):
    _log_in(client, "guess")
    assert _log_in(client, PASSWORD).status_code == 302
    keys = [failure.key for failure in LoginFailure.objects.all()]
    assert keys == ["login-fail:ip:127.0.0.1"]


def test_with_a_working_cache_nothing_is_written_to_the_database(client, kari, working_cache):
    for _ in range(3):
        _log_in(client, "guess")
    assert LOCKED in _log_in(client, PASSWORD).content.decode()
    assert not LoginFailure.objects.exists()
