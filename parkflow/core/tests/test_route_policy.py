"""Deny by default, for every route (STYLE.md 16; R-ORG-3).

Every named route must appear in ``ROUTE_POLICY`` with the audience it serves; a new route that
is not listed fails the suite. For each route the generated tests then check that an anonymous
visitor, an enterprise user on a staff route and a staff member on a portal route get nothing:
no 200, no server error. Object routes are called with ids that do not exist, which must still
be refused before anything is looked up or answered the same as "not yours" (404).
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

PUBLIC = "public"  # no sign-in needed
STAFF = "staff"  # staff pages (enterprise users get 404/403)
PORTAL = "portal"  # enterprise users' pages (staff get 404 or are sent away)
SIGNED_IN = "signed-in"  # any signed-in user (language switch, password change, logout)
API = "api"  # REST API: every viewset also checks its own action policy (test_api*)

ROUTE_POLICY = {
    "core:workbench": STAFF,
    "core:alert_list": STAFF,
    "core:alert_detail": STAFF,
    "core:alert_acknowledge": STAFF,
    "core:alert_assign": STAFF,
    "core:alert_resolve": STAFF,
    "core:review_detail": STAFF,
    "core:audit": STAFF,
    "core:audit_verify": STAFF,
    "core:rules": STAFF,
    "core:rule_edit": STAFF,
    "core:calendar": STAFF,
    "core:calendar_enter": STAFF,
    "core:calendar_template": STAFF,
    "login": PUBLIC,
    "logout": SIGNED_IN,
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_confirm": PUBLIC,
    "password_reset_complete": PUBLIC,
    "set_language": PUBLIC,
    "org:contacts": STAFF,
    "org:contact_create": STAFF,
    "org:contact_confirm": STAFF,
    "org:people": STAFF,
    "org:person_compliance": STAFF,
    "org:compliance_evidence": STAFF,
    "org:api_tokens": SIGNED_IN,
    "org:api_token_revoke": SIGNED_IN,
    "enterprises:list": STAFF,
    "enterprises:export": STAFF,
    "enterprises:create": STAFF,
    "enterprises:applications": STAFF,
    "enterprises:import": STAFF,
    "enterprises:import_template": STAFF,
    "enterprises:import_batch": STAFF,
    "enterprises:import_confirm": STAFF,
    "enterprises:import_errors": STAFF,
    "enterprises:results": STAFF,
    "enterprises:spot_checks": STAFF,
    "enterprises:spot_check_run": STAFF,
    "enterprises:brands": STAFF,
    "enterprises:tariffs": STAFF,
    "enterprises:conflicts": STAFF,
    "enterprises:conflict_withdraw": STAFF,
    "enterprises:detail": STAFF,
    "enterprises:edit": STAFF,
    "enterprises:declare_conflict": STAFF,
    "enterprises:draw_rerun": STAFF,
    "enterprises:fee_charge": STAFF,
    "enterprises:document_upload": STAFF,
    "enterprises:document_download": STAFF,
    "enterprises:document": STAFF,
    "enterprises:transition": STAFF,
    "enterprises:invite": STAFF,
    "enterprises:invitation_created": STAFF,
    "enterprises:invitation_revoke": STAFF,
    "portal:home": PORTAL,
    "portal:document_upload": PORTAL,
    "portal:document_download": PORTAL,
    "portal:submit": PORTAL,
    "portal:apply": PUBLIC,
    "portal:results": PORTAL,
    "portal:invitation_accept": PUBLIC,
    "api-schema": PUBLIC,  # documentation, not data: every endpoint still needs a sign-in
    "api-docs": PUBLIC,
}
MISSING_ID = 987654321
_ARG_VALUES = {
    "code": "org.emergency_contact_stale",
    "ref": "Art.1",
    "action": "apply",
    "uidb64": "MQ",
    "token": "x-y",
}


def _routes(patterns=None, namespace=None):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith("admin/"):
                continue  # Django admin: its own permission system, tested in test_admin
            yield from _routes(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, entry


def _url(name, pattern):
    params = set(pattern.pattern.regex.groupindex) or set(
        re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern))
    )
    kwargs = {p: _ARG_VALUES.get(p, MISSING_ID) for p in params if p != "format"}
    return reverse(name, kwargs=kwargs)


ROUTES = dict(_routes())
API_ROUTES = sorted(n for n in ROUTES if n.startswith("api:"))
PAGE_ROUTES = sorted(n for n in ROUTES if not n.startswith("api:"))


def test_every_route_is_in_the_policy_table():
    unlisted = sorted(n for n in PAGE_ROUTES if n not in ROUTE_POLICY)
    assert not unlisted, f"add these routes to ROUTE_POLICY with their audience: {unlisted}"
    stale = sorted(n for n in ROUTE_POLICY if n not in ROUTES)
    assert not stale, f"ROUTE_POLICY lists routes that no longer exist: {stale}"


@pytest.mark.parametrize(
    "name", [n for n in PAGE_ROUTES if ROUTE_POLICY.get(n) not in (PUBLIC, None)]
)
def test_anonymous_visitors_get_nothing_from_a_page(client, db, name):
    response = client.get(_url(name, ROUTES[name]))
    assert response.status_code in (302, 401, 403, 404, 405), response.status_code
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", [n for n in API_ROUTES if n != "api:token"])
def test_anonymous_callers_get_nothing_from_the_api(client, db, name):
    response = client.get(_url(name, ROUTES[name]))
    assert response.status_code in (401, 405), response.status_code


@pytest.mark.parametrize("name", [n for n in PAGE_ROUTES if ROUTE_POLICY.get(n) == STAFF])
def test_enterprise_users_get_nothing_from_a_staff_page(client, park, name):
    user = enterprise_user(EnterpriseFactory(park=park))
    client.force_login(user)
    response = client.get(_url(name, ROUTES[name]))
    if name == "core:workbench":
        assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    else:
        assert response.status_code in (403, 404, 405), response.status_code


@pytest.mark.parametrize("name", [n for n in PAGE_ROUTES if ROUTE_POLICY.get(n) == PORTAL])
def test_staff_get_nothing_from_a_portal_page(client, park, name):
    client.force_login(staff(Role.BUSINESS_STAFF, park))
    response = client.get(_url(name, ROUTES[name]))
    assert response.status_code in (302, 403, 404, 405), response.status_code
    if response.status_code == 302:
        assert not response["Location"].startswith("/portal/")
