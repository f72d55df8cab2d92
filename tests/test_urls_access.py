"""Walks every URL pattern with every role, an outsider and an anonymous visitor.

Each URL name needs a rule below; a new URL pattern without one fails
`test_every_url_pattern_has_an_access_rule`. Project-scoped URLs are opened with real objects
(built by KWARG_BUILDERS) so the access layer, not a missing object, decides the answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from research.access import Capability
from tests.access_rules import KWARG_BUILDERS, URL_RULES
from tests.conftest import client_for
from tests.rules.common import BLIND_RESULTS, PUBLIC, STAFF

ROLES = ["owner", "lead", "coder", "viewer"]
ROLE_CAPABILITIES = {
    "owner": set(Capability),
    "lead": {Capability.VIEW, Capability.CODE, Capability.MANAGE},
    "coder": {Capability.VIEW, Capability.CODE},
    "viewer": {Capability.VIEW},
}
# Django's admin guards itself (staff only) and is not project-scoped.
EXEMPT_NAMESPACES = {"admin"}


def _kwargs(pattern) -> tuple[str, ...]:
    # Named groups cover path converters and re_path groups alike (allauth uses both).
    return tuple(pattern.regex.groupindex)


def _walk(
    patterns, namespace: str = "", outer: tuple[str, ...] = ()
) -> Iterator[tuple[str, tuple[str, ...]]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns in EXEMPT_NAMESPACES:
                continue
            prefix = f"{namespace}{ns}:" if ns else namespace
            yield from _walk(entry.url_patterns, prefix, outer + _kwargs(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", outer + _kwargs(entry.pattern)


ALL_URLS = sorted(set(_walk(get_resolver().url_patterns)), key=lambda item: item[0])


def test_every_url_pattern_has_an_access_rule():
    missing = [name for name, _kwargs in ALL_URLS if name not in URL_RULES]
    assert not missing, f"URL patterns without an access rule in tests/access_rules.py: {missing}"
    stale = set(URL_RULES) - {name for name, _ in ALL_URLS}
    assert not stale, f"Rules for URL names that no longer exist: {stale}"


def test_every_url_kwarg_has_a_builder():
    unknown = {kw for _name, kwargs in ALL_URLS for kw in kwargs} - set(KWARG_BUILDERS)
    assert not unknown, f"Add builders for these URL kwargs in tests/access_rules.py: {unknown}"


def _url(name: str, kwargs: list[str], world: dict) -> str:
    built: dict[str, object] = {}
    for kw in kwargs:
        builder: Callable = KWARG_BUILDERS[kw]
        built[kw] = builder(world)
    return reverse(name, kwargs=built)


def _request(client, url: str):
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
    if response.streaming:  # read downloads to the end, so the test client closes the file
        b"".join(response.streaming_content)
    return response


@pytest.fixture
def world(project, cast):
    return {"project": project, **cast}


@pytest.mark.parametrize(("name", "kwargs"), ALL_URLS, ids=[n for n, _ in ALL_URLS])
def test_outsider_and_anonymous_never_reach_project_data(name, kwargs, world):
    url = _url(name, kwargs, world)
    rule = URL_RULES[name]
    outsider = _request(client_for(world["outsider"]), url)
    anonymous = _request(client_for(None), url)
    if rule is PUBLIC:
        assert outsider.status_code < 500
        assert anonymous.status_code < 500
        return
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    if rule is STAFF:
        assert outsider.status_code == 403, f"{name} gave {outsider.status_code} to a non-staff"
    if "project" in kwargs:
        assert outsider.status_code == 404, f"{name} gave {outsider.status_code} to an outsider"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "kwargs"), ALL_URLS, ids=[n for n, _ in ALL_URLS])
def test_each_role_gets_exactly_its_capabilities(name, kwargs, role, world):
    rule = URL_RULES[name]
    if rule is BLIND_RESULTS:
        # Results: every role may view them, except coders while the project is blind.
        allowed = role != "coder" or not world["project"].blind_coding
    elif isinstance(rule, Capability):
        allowed = rule in ROLE_CAPABILITIES[role]
    elif rule is STAFF:
        allowed = False  # project roles give no server-wide rights
    else:
        return
    url = _url(name, kwargs, world)
    response = _request(client_for(world[role]), url)
    if allowed:
        assert response.status_code in {200, 302}, f"{role} got {response.status_code} on {name}"
    else:
        assert response.status_code == 403, f"{role} got {response.status_code} on {name}"
