"""Generated route × persona × method permission tests (§5 of issue 6, D21).

The table is ``parkflow/core/tests/routes.py`` (its docstring says how to extend it). For every
route and every method it serves, ``check_route`` runs the refusing personas first (anonymous,
no role, an enterprise user of another enterprise, the enterprise's own user on a staff page,
staff of park B holding the permitted role) and then the permitted one, on real objects of
park A; every refusal must leave the audit trail untouched.
"""

import io
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from parkflow.core import access
from parkflow.core.models import AuditEvent
from parkflow.org.choices import Role
from parkflow.org.tests.factories import UserFactory, grant_also

from .routes import (
    ALLOWED,
    API,
    FORBIDDEN,
    HIDDEN,
    OBJECT,
    PORTAL,
    PUBLIC,
    REFUSED,
    SIGNED_IN,
    STAFF,
    Case,
    World,
    all_routes,
)

# Every installed app's part of the table (kernel part + <app>/tests/routes.py).
ROUTES = all_routes()


def _resolver_routes(patterns=None, namespace=None):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith("admin/"):
                continue  # Django admin: its own permission system, tested in test_admin
            yield from _resolver_routes(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


URL_PATTERNS = dict(_resolver_routes())
GENERATED = [
    pytest.param(name, method, id=f"{name}-{method}")
    for name, route in sorted(ROUTES.items())
    if route.audience not in (PUBLIC,)
    for method in route.methods
]


def _params(pattern) -> set[str]:
    return set(pattern.pattern.regex.groupindex) or set(
        re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern))
    )


class Refused(AssertionError):
    pass


def _client(user, api: bool):
    client = APIClient() if api else Client()
    if user is not None:
        client.force_login(type(user).objects.get(pk=user.pk))
    return client


def _send(client, method, url, case: Case, w, api: bool):
    body = case.body(method, w)
    call = getattr(client, method.lower())
    if method == "GET":
        return call(url)
    if api:
        return call(url, body or {}, format="multipart" if case.multipart else "json")
    return call(url, body or {})


def _content(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        from openpyxl import load_workbook

        book = load_workbook(
            io.BytesIO(b"".join(response.streaming_content))
            if getattr(response, "streaming", False)
            else io.BytesIO(response.content)
        )
        return "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    if getattr(response, "streaming", False):
        return ""
    return response.content.decode("utf-8", "replace")


ERROR_TEMPLATES = {"403.html", "404.html", "405.html"}


def _only_error_page(response) -> bool:
    """A refused page renders nothing but the error page: no staff template, no detail."""
    names = [t.name for t in getattr(response, "templates", []) or [] if t.name]
    return not names or names[0] in ERROR_TEMPLATES


def check_route(name: str, method: str, w: World) -> None:
    """Run every persona against one route and method; raise AssertionError on the first
    persona that is not treated as the table says."""
    route = ROUTES[name]
    api = route.audience == API
    case = route.make(w) if route.make else Case()
    # A case maker may serve a list and its detail route: keep the kwargs this route takes.
    params = _params(URL_PATTERNS[name])
    case.kwargs = {k: v for k, v in case.kwargs.items() if k in params}
    url = reverse(name, kwargs=case.kwargs)

    # Lists shown to other parks' staff never name park A at all (rows, filters, choices).
    hidden_names = [w.park.name] if route.audience in (STAFF, API) else []

    def attempt(persona, user, expect, *, marker_absent=False, refusal=True, error_page_only=True):
        before = AuditEvent.objects.count()
        response = _send(_client(user, api), method, url, case, w, api)
        status = response.status_code
        where = f"{method} {name} as {persona}"
        ok = expect(status, response)
        if not ok:
            raise Refused(f"{where}: unexpected {status}")
        if marker_absent:
            content = _content(response)
            names = hidden_names if persona.startswith("park B") else []
            for text in (case.marker, case.secret, *names):
                if text and text in content:
                    raise Refused(f"{where}: sees park A's {text!r}")
        if refusal:
            if AuditEvent.objects.count() != before:
                raise Refused(f"{where}: a refusal wrote an audit event")
            if (
                error_page_only
                and not api
                and status in (403, 404)
                and not _only_error_page(response)
            ):
                raise Refused(f"{where}: the refusal rendered a page of the route")
        return response

    # 1. anonymous
    if api:
        attempt("anonymous", None, lambda s, r: s == 401)
    else:
        attempt(
            "anonymous",
            None,
            lambda s, r: s == 302 and r["Location"].startswith(reverse("login")),
        )
    if route.audience == SIGNED_IN:
        return

    # 2. signed in, no role
    nobody = UserFactory()
    if route.audience == PORTAL:
        attempt("staff without a role", nobody, lambda s, r: s == 404)
    elif route.no_role is not None:
        attempt("staff without a role", nobody, lambda s, r: s == route.no_role)

    # 3. an enterprise user of another enterprise (same park)
    stranger = w.stranger_enterprise_user()
    if route.audience == STAFF:
        if name == "workbench:home":
            attempt(
                "another enterprise's user",
                stranger,
                lambda s, r: s == 302 and r["Location"] == reverse("portal:home"),
            )
        else:
            attempt("another enterprise's user", stranger, lambda s, r: s == 404)
            if case.enterprise is not None:
                # The enterprise's own user never gets a staff page either (D21).
                attempt(
                    "the enterprise's own user",
                    w.enterprise_user(case.enterprise),
                    lambda s, r: s == 404,
                )
    elif route.audience == PORTAL:
        if case.kwargs and not case.names_no_object:
            attempt("another enterprise's user", stranger, lambda s, r: s == 404)
        elif method == "GET":
            attempt(
                "another enterprise's user",
                stranger,
                lambda s, r: s == 200,
                marker_absent=True,
                refusal=False,
            )
    elif route.audience == API and route.stranger is not None:
        attempt(
            "another enterprise's user", stranger, lambda s, r: s == route.stranger, refusal=False
        )
    elif route.audience == API and route.action_for(method) != "*":
        portal_action = route.action_for(method) in access.PORTAL_ACTIONS
        if portal_action and case.kwargs:
            attempt("another enterprise's user", stranger, lambda s, r: s in (403, 404))
        elif portal_action and method == "GET":
            attempt(
                "another enterprise's user",
                stranger,
                lambda s, r: s == 200,
                marker_absent=True,
                refusal=False,
            )
        elif not portal_action:
            attempt("another enterprise's user", stranger, lambda s, r: s == 403)

    # 4. staff of park B holding the permitted role
    if route.audience == PORTAL:
        if route.role is None:
            attempt(
                "park B staff", w.staff(Role.BUSINESS_STAFF, w.other_park), lambda s, r: s == 404
            )
    elif route.role is not None:
        other = w.staff(route.role, w.other_park)
        mode = route.other_park_mode(method)
        if mode == OBJECT:
            attempt("park B staff with the role", other, lambda s, r: s == 404)
        elif mode == FORBIDDEN:
            attempt("park B staff with the role", other, lambda s, r: s == 403)
        elif mode == HIDDEN:
            attempt(
                "park B staff with the role",
                other,
                lambda s, r: s == 200,
                marker_absent=True,
                refusal=False,
            )
        elif mode == REFUSED:
            success = route.methods[method]
            attempt(
                "park B staff with the role",
                other,
                lambda s, r: s != success and s in (200, 400, 403, 404),
            )
        else:
            assert mode == ALLOWED, mode
            if case.secret and method == "GET":
                attempt(
                    "park B staff with the role",
                    other,
                    lambda s, r: s == 200,
                    marker_absent=True,
                    refusal=False,
                )
        if method != "GET" and mode == OBJECT and route.writes:
            # Reads park A, holds the acting role only in park B: page and API gates ("holds
            # the role somewhere") let them through, so the object-level check must refuse.
            mixed = w.staff(route.role, w.other_park)
            grant_also(mixed, Role.AUDITOR, w.park)
            success = route.methods[method]
            # Pages answer a refused write with the page and its error (or a redirect with a
            # message): what counts is that nothing was written.
            attempt(
                "park A reader acting with a park B role",
                mixed,
                lambda s, r: s in (200, 302, 400, 403, 404, 409),
                error_page_only=False,
            )

    # 5. the permitted persona
    actor = case.actor
    if actor is None and route.role is not None:
        actor = w.hq_staff(route.role) if route.hq else w.staff(route.role)
    expected = route.methods[method]
    before = AuditEvent.objects.count()
    response = attempt("the permitted role", actor, lambda s, r: s == expected, refusal=False)
    if method != "GET" and route.writes and AuditEvent.objects.count() == before:
        # The refusals above are told apart from success by the trail: a write that succeeds
        # is audited (rule 3), so a permitted write that leaves no event is a failure too.
        raise AssertionError(f"{method} {name}: the permitted write left no audit event")
    # The marker and the secret are real: the permitted persona sees what the others must not.
    if method == "GET" and case.secret and case.secret not in _content(response):
        raise AssertionError(f"{method} {name}: the permitted role does not see {case.secret!r}")
    if (
        route.other_park_mode(method) == HIDDEN
        and method == "GET"
        and case.marker
        and case.marker not in _content(response)
    ):
        raise AssertionError(f"{method} {name}: the permitted role does not see {case.marker!r}")


@pytest.mark.parametrize(("name", "method"), GENERATED)
def test_route_refuses_everyone_but_the_permitted_role(name, method, park, other_park, monkeypatch):
    check_route(name, method, World(park, other_park, monkeypatch))


def test_every_route_is_in_the_route_table():
    missing = sorted(set(URL_PATTERNS) - set(ROUTES))
    assert not missing, f"add these routes to the ROUTES of their app's tests/routes.py: {missing}"
    stale = sorted(set(ROUTES) - set(URL_PATTERNS))
    assert not stale, f"the route table lists routes that no longer exist: {stale}"


def test_every_method_an_api_route_serves_is_in_the_table():
    for name, pattern in URL_PATTERNS.items():
        actions = getattr(pattern.callback, "actions", None)
        if not actions:
            continue
        served = {m.upper() for m in actions} - {"HEAD"}  # HEAD is GET without a body
        assert served == set(ROUTES[name].methods), (name, served)


def test_every_staff_and_api_route_names_a_declared_action():
    for name, route in ROUTES.items():
        for method in route.methods:
            action = route.action_for(method)
            if route.audience in (STAFF, API) and action not in (None, "*"):
                assert access.is_declared(action), (name, action)
        if route.audience in (STAFF, API, PORTAL) and name != "workbench:home":
            assert route.make is not None, f"{name}: give it a factory for a real object"


# ---------------------------------------------------------------------------------------------
# The generated checks bite: remove a route's access check and they fail. The kernel proves it on
# its own routes, org's and the test domain's; each domain proves it on its own routes with
# ``strip_staff_page``/``disable_access_checks`` (e.g. ``enterprises/tests/test_route_bites.py``).


def strip_staff_page(monkeypatch, name):
    """Replace the route's view by the same view without its ``staff_page`` decorator (still
    signed-in only, still the same HTTP methods) — what a careless edit would do."""
    from django.contrib.auth.decorators import login_required

    pattern = URL_PATTERNS[name]
    view = pattern.callback
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    # ``view`` is now the undecorated function; keep only the sign-in requirement.
    monkeypatch.setattr(pattern, "callback", login_required(view))


def disable_access_checks(monkeypatch, module):
    """Make ``access.ensure`` a no-op for the services of ``module`` (every other function of
    the access layer still works) — a service that forgot its check."""

    class NoChecks:
        def __getattr__(self, attr):
            return getattr(access, attr)

        @staticmethod
        def ensure(*args, **kwargs):
            return None

    monkeypatch.setattr(module, "access", NoChecks())


@pytest.mark.parametrize(
    "name",
    [
        "testdomain:transition",
        "core:audit_verify",
        "org:contact_confirm",
        "core:alert_acknowledge",
    ],
)
def test_removing_the_access_check_of_a_state_changing_route_fails_the_generated_tests(
    name, park, other_park, monkeypatch
):
    strip_staff_page(monkeypatch, name)
    with pytest.raises(AssertionError):
        check_route(name, "POST", World(park, other_park, monkeypatch))


def test_removing_the_services_access_check_fails_the_generated_tests(
    park, other_park, monkeypatch
):
    """The same for a check in the service layer: ``access.ensure`` made a no-op in the
    workflow engine, which performs every transition, lets a park A reader act with a role he
    holds only in park B."""
    from parkflow.core import workflow

    disable_access_checks(monkeypatch, workflow)
    with pytest.raises(AssertionError):
        check_route("testdomain:transition", "POST", World(park, other_park, monkeypatch))


def test_a_builder_or_route_declared_twice_is_an_error():
    from .routes import merge

    with pytest.raises(AssertionError, match="declared twice.*'enterprise', 'a', 'b'"):
        merge([("a", {"enterprise": 1, "x": 2}), ("b", {"enterprise": 3})], "World builders")
    assert merge([("a", {"x": 1}), ("b", {"y": 2})], "routes") == {"x": 1, "y": 2}


def test_a_builder_no_app_declares_is_named_in_the_error(park, other_park, monkeypatch):
    w = World(park, other_park, monkeypatch)
    with pytest.raises(AttributeError, match="no builder 'nonexistent_thing'"):
        w.nonexistent_thing()
