"""The route table behind the generated permission tests (§5 of issue 6, D21).

One entry per named route, in ``ROUTES`` (pages and the API alike). ``test_route_permissions``
turns each entry into one test per HTTP method that, on a *real* object of park A, checks:

* anonymous: pages send to the login page (302), the API answers 401;
* a signed-in staff member with no role: 403 from the page decorator / API policy;
* an enterprise user of another enterprise: 404 on staff pages (workbench: sent to the portal),
  403/404 from the API; on portal routes the other enterprise's object is a 404;
* on staff pages, the enterprise user of the object's *own* enterprise: 404 as well;
* staff of park B holding the permitted role: 404 for an object of park A, park A's rows absent
  from a list, a write naming park A refused;
* the permitted role in park A (or the person the route is for): the declared success status;
* every refusal wrote no audit event.

The table is split by app: this module holds the machinery (``Route``, ``Case``, ``World``) and the
kernel's own routes (plus the project-level ones: log-in, language, API schema), whose objects
come from the kernel, org and the test-only domain (``parkflow.testdomain``), never a real one.
Each app's ``<app>/tests/routes.py`` exposes

* ``ROUTES`` for its own routes; ``all_routes()`` gathers the parts of every installed app;
* ``BUILDERS = {"name": fn}``: builders of its objects in park A, ``fn(w, …)`` taking the world
  first and caching what the other builders share in ``w._cache``. ``World`` has only the
  kernel's (``staff``, ``hq_staff``, ``clerk``, ``contact``, ``alert``); ``w.name(…)`` looks
  any other name up in the merged ``all_builders()``, so a case maker calls ``w.enterprise()``
  whichever app declares it.

A route or builder named twice is an error. A new domain adds its part there, with no edit here.
An entry reads ``"ns:name": Route(...)``::

    "testdomain:detail": Route(
        STAFF,                      # audience: STAFF, PORTAL, API, PUBLIC, SIGNED_IN
        {"GET": 200},               # every method the route serves -> success status
        action="errand.view",       # the declared action the route checks (permissions.py)
        role=Role.AUDITOR,          # the least role that may use it (held in park A)
        make=lambda w: Case({"pk": w.errand().pk}, marker=...),  # real objects of park A
        other_park=OBJECT,          # OBJECT (404) | HIDDEN (list) | REFUSED | ALLOWED
    )

``make(w)`` gets a ``World`` (parks A and B, helpers) and returns a ``Case``: URL kwargs, the
request body per method (``data``; a callable is called after the refusals, so it may build
fresh objects), a ``marker`` text that only park A's rows carry (list routes), and ``actor``
when the route is for one person (the assigned reviewer, the declarant, the enterprise user).
``hq=True`` means the permitted role must be held at headquarters (business of no park): then
the park-B persona holds the same role in park B and must be refused (403).
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
from collections.abc import Callable

from django.utils import timezone

from parkflow.org.choices import Role

PUBLIC = "public"
STAFF = "staff"
PORTAL = "portal"
SIGNED_IN = "signed-in"
API = "api"

OBJECT = "object"  # park B staff get 404 for park A's object
HIDDEN = "hidden"  # a list: park B staff see none of park A's rows (marker absent)
REFUSED = "refused"  # a write naming park A: refused (no 2xx/redirect success), nothing audited
ALLOWED = "allowed"  # group-wide business: any holder of the role may (nothing to check)
FORBIDDEN = "forbidden"  # a park-level holder of the role gets 403 (headquarters business)


@dataclasses.dataclass
class Case:
    kwargs: dict = dataclasses.field(default_factory=dict)
    data: dict | Callable | None = None  # per method: {"POST": {...}} or a callable(w) -> dict
    marker: str | None = None
    # A text of park A that other parks' staff must not see even on a group-wide page (e.g.
    # the link to park A's enterprise on the published results, its name in a spot check).
    secret: str | None = None
    actor: object | None = None  # the one person the route is for (default: staff(role, A))
    enterprise: object | None = None  # the enterprise the object belongs to (portal/own user)
    multipart: bool = False
    # The URL's kwargs name no object (a workflow step's name): the user acts on their own
    # enterprise, so another enterprise's user is tried like on a route without kwargs.
    names_no_object: bool = False

    def body(self, method: str, w) -> dict | None:
        data = self.data
        if callable(data):
            data = data(w)
        if isinstance(data, dict) and method in data:
            value = data[method]
            return value(w) if callable(value) else value
        return None


@dataclasses.dataclass(frozen=True)
class Route:
    audience: str
    methods: dict[str, int]
    action: str | dict | None = None  # the declared action (or per method: {"GET": ..., ...})
    role: str | None = None
    make: Callable | None = None
    other_park: str | dict = OBJECT
    hq: bool = False
    no_role: int | None = 403  # what a signed-in user with no role gets (None: allowed)
    # What an enterprise user of another enterprise gets from the API when the route is not
    # simply "403 for a non-portal action": e.g. 200 for the published results (一公开).
    stranger: int | None = None
    writes: bool = True  # a POST/PATCH that changes state (and so is audited)

    def action_for(self, method: str) -> str | None:
        return self.action.get(method) if isinstance(self.action, dict) else self.action

    def other_park_mode(self, method: str) -> str:
        mode = self.other_park
        if isinstance(mode, dict):
            return mode.get(method, ALLOWED)
        return mode


# ---------------------------------------------------------------------------------------------
# Builders of real objects in park A


def _today():
    return timezone.localdate()


class World:
    """Parks A and B and the builders the table uses; built once per generated test.

    The kernel's own builders are methods (people, contacts, alerts); any other ``w.<name>(…)``
    is the builder an installed app declares in its ``tests/routes.py`` ``BUILDERS``, called
    with this world first (``w.enterprise()`` is ``enterprise(w)``)."""

    def __init__(self, park_a, park_b, monkeypatch):
        self.park = park_a
        self.other_park = park_b
        self.monkeypatch = monkeypatch
        self._cache = {}

    def __getattr__(self, name):
        # Only called for a name the class does not have: never for the kernel's builders.
        if name.startswith("_"):
            raise AttributeError(name)
        builder = all_builders().get(name)
        if builder is None:
            raise AttributeError(
                f"World has no builder {name!r}: no installed app declares it in the BUILDERS "
                "of its tests/routes.py"
            )
        return functools.partial(builder, self)

    def staff(self, role, unit=None, **kwargs):
        from parkflow.org.tests.factories import staff

        return staff(role, unit or self.park, **kwargs)

    def hq_staff(self, role):
        from parkflow.org.tests.factories import OrgUnitFactory, staff

        return staff(role, OrgUnitFactory(name="集团总部"))

    def clerk(self):
        if "clerk" not in self._cache:
            self._cache["clerk"] = self.staff(Role.BUSINESS_STAFF)
        return self._cache["clerk"]

    def contact(self):
        from parkflow.org.tests.factories import EmergencyContactFactory

        return EmergencyContactFactory(unit=self.park, name="甲园标记联系人")

    def alert(self, resolvable=False):
        """A real alert of park A, raised by the stale-contact rule's sweep."""
        from parkflow.core import rules
        from parkflow.core.models import Alert
        from parkflow.org.tests.factories import EmergencyContactFactory

        old = timezone.now() - datetime.timedelta(days=400)
        EmergencyContactFactory(unit=self.park, name="甲园标记值班", confirmed_at=old)
        rules.sweep_rule("org.emergency_contact_stale")
        alert = Alert.objects.get(park=self.park)
        if resolvable:
            rule = rules.REGISTRY[alert.rule_code]
            self.monkeypatch.setitem(
                rules.REGISTRY, rule.code, dataclasses.replace(rule, resolvable_by_hand=True)
            )
        return alert


# ---------------------------------------------------------------------------------------------
# Case makers


def _alert_case(w, resolvable=False):
    alert = w.alert(resolvable)
    return Case({"pk": alert.pk}, marker=alert.object_repr)


def _alert_assign_case(w):
    alert = w.alert()
    colleague = w.staff(Role.OFFICE_STAFF)
    return Case({"pk": alert.pk}, data={"POST": {"assignee": colleague.pk}})


def _alert_resolve_case(w):
    alert = w.alert(resolvable=True)
    return Case({"pk": alert.pk}, data={"POST": {"note": "已电话核实并更新"}})


def _signoff_review(w, *, claimed=True):
    """A pending sign-off review (the test domain's pooled gate) of a submitted errand of park
    A, taken by a risk officer of park A (``claimed``) or still open to any of them; the
    errand's title is the marker."""
    from parkflow.core import reviews
    from parkflow.testdomain.gates import SIGNOFF
    from parkflow.testdomain.tests.factories import submitted

    key = f"signoff_review_{claimed}"
    if key not in w._cache:
        errand = submitted(w.park, w.clerk(), title="甲园标记事项")
        (review,) = SIGNOFF.request(actor=errand.created_by, obj=errand)
        if claimed:
            review = reviews.review_claim(actor=w.staff(Role.RISK_OFFICER), review=review)
        w._cache[key] = review
    return w._cache[key]


def _review_case(w):
    review = _signoff_review(w)
    return Case(
        {"pk": review.pk},
        data={"POST": {"decision": "approve", "opinion": "资料齐全"}},
        actor=review.assigned_to,
        marker=review.object_repr,
    )


def _claim_case(w):
    """An open signature; a risk officer of park A (not the requester) takes it."""
    review = _signoff_review(w, claimed=False)
    return Case({"pk": review.pk}, actor=w.staff(Role.RISK_OFFICER), marker=review.object_repr)


def _withdraw_case(w):
    """The requester (the clerk who raised the errand) withdraws the open round."""
    review = _signoff_review(w, claimed=False)
    return Case(
        {"pk": review.pk}, data={"POST": {"reason": "资料需补充"}}, actor=review.requested_by
    )


def _gate_case(w):
    from parkflow.testdomain.gates import LARGE_AMOUNT

    return Case(
        {"code": LARGE_AMOUNT.code},
        data={"POST": {"threshold": "60000", "reason": "按领导小组决议调整大额标准"}},
    )


def _api_gate(w):
    from parkflow.testdomain.gates import LARGE_AMOUNT

    return Case(
        {"code": LARGE_AMOUNT.code},
        data={"POST": {"params": {"threshold": 60000}, "reason": "按领导小组决议调整大额标准"}},
    )


def _audit_case(w):
    """An errand created through its service: the audit event carries park A."""
    from parkflow.testdomain import services

    errand = services.errand_create(actor=w.clerk(), park=w.park, title="甲园标记审计事项")
    return Case(marker=errand.title)


def _verification_case(w):
    """A verification of the audit chain, as the button queues it (group-wide business)."""
    from parkflow.core import clock
    from parkflow.core.models import AuditVerification

    run = AuditVerification.objects.create(kind="full", requested_at=clock.now())
    return Case({"pk": run.pk})


def _rule_case(w):
    return Case(
        {"code": "org.emergency_contact_stale"},
        data={"POST": {"max_age_days": "100", "enabled": "on", "reason": "按集团要求调整"}},
    )


# API cases --------------------------------------------------------------------------------------


def _api_alert_ack(w):
    alert = w.alert()
    return Case({"pk": alert.pk}, data={"POST": {"note": "已知悉"}})


def _api_alert_assign(w):
    alert = w.alert()
    colleague = w.staff(Role.OFFICE_STAFF)
    return Case({"pk": alert.pk}, data={"POST": {"assignee": colleague.pk}})


def _api_alert_resolve(w):
    alert = w.alert(resolvable=True)
    return Case({"pk": alert.pk}, data={"POST": {"note": "已电话核实并更新"}})


def _api_review_list(w):
    review = _signoff_review(w)
    return Case(marker=review.object_repr, actor=review.assigned_to)


def _api_review(w):
    review = _signoff_review(w)
    return Case(
        {"pk": review.pk},
        data={"POST": {"decision": "approve", "opinion": "资料齐全"}},
        actor=review.assigned_to,
    )


def _api_rule(w):
    return Case(
        {"code": "org.emergency_contact_stale"},
        data={
            "PATCH": {"params": {"max_age_days": 100}, "reason": "按集团要求调整"},
            "POST": {"params": {"max_age_days": 100}, "reason": "按集团要求调整"},
        },
    )


def _api_article(w):
    from parkflow.core.models import Article

    assert Article.objects.filter(ref="Art.17").exists()
    return Case({"ref": "Art.17"})


def _nothing(w):
    return Case()


# ---------------------------------------------------------------------------------------------
# The table

R = Role
ROUTES: dict[str, Route] = {
    # --- public and any signed-in user ------------------------------------------------------
    "login": Route(PUBLIC, {"GET": 200}),
    "logout": Route(SIGNED_IN, {"POST": 200}, no_role=None),
    "password_change": Route(SIGNED_IN, {"GET": 200}, no_role=None),
    "password_change_done": Route(SIGNED_IN, {"GET": 200}, no_role=None),
    "password_reset": Route(PUBLIC, {"GET": 200}),
    "password_reset_done": Route(PUBLIC, {"GET": 200}),
    "password_reset_confirm": Route(PUBLIC, {"GET": 200}),
    "password_reset_complete": Route(PUBLIC, {"GET": 200}),
    "set_language": Route(PUBLIC, {"POST": 302}),
    "api-schema": Route(PUBLIC, {"GET": 200}),
    "api-docs": Route(PUBLIC, {"GET": 200}),
    "core:alert_list": Route(
        STAFF, {"GET": 200}, "alert.view", R.AUDITOR, _alert_case, other_park=HIDDEN
    ),
    "core:alert_detail": Route(STAFF, {"GET": 200}, "alert.view", R.AUDITOR, _alert_case),
    "core:alert_acknowledge": Route(
        STAFF, {"POST": 302}, "alert.handle", R.OFFICE_STAFF, _alert_case
    ),
    "core:alert_assign": Route(
        STAFF, {"GET": 200, "POST": 302}, "alert.handle", R.OFFICE_STAFF, _alert_assign_case
    ),
    "core:alert_resolve": Route(
        STAFF, {"GET": 200, "POST": 302}, "alert.handle", R.OFFICE_STAFF, _alert_resolve_case
    ),
    "core:review_detail": Route(
        STAFF, {"GET": 200, "POST": 302}, "review.view", R.RISK_OFFICER, _review_case
    ),
    "core:review_claim": Route(STAFF, {"POST": 302}, "review.view", R.RISK_OFFICER, _claim_case),
    "core:review_withdraw": Route(
        STAFF, {"POST": 302}, "review.view", R.BUSINESS_STAFF, _withdraw_case
    ),
    "core:gates": Route(STAFF, {"GET": 200}, "rules.view", R.AUDITOR, _nothing, other_park=ALLOWED),
    "core:gate_edit": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        "rules.configure",
        R.SYSTEM_ADMIN,
        _gate_case,
        hq=True,
        other_park=FORBIDDEN,
    ),
    "core:audit": Route(
        STAFF, {"GET": 200}, "audit.view", R.AUDITOR, _audit_case, hq=True, other_park=HIDDEN
    ),
    "core:audit_verify": Route(
        STAFF, {"POST": 302}, "audit.verify", R.AUDITOR, _nothing, other_park=ALLOWED
    ),
    "core:audit_verification": Route(
        STAFF, {"GET": 200}, "audit.verify", R.AUDITOR, _verification_case, other_park=ALLOWED
    ),
    "core:rules": Route(STAFF, {"GET": 200}, "rules.view", R.AUDITOR, _nothing, other_park=ALLOWED),
    "core:rule_edit": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        "rules.configure",
        R.SYSTEM_ADMIN,
        _rule_case,
        hq=True,
        other_park=FORBIDDEN,
    ),
    # The API root lists the endpoints to any signed-in user, never to an anonymous caller.
    "api:api-root": Route(
        API, {"GET": 200}, "*", R.AUDITOR, _nothing, other_park=ALLOWED, no_role=None
    ),
    "api:alert-list": Route(
        API, {"GET": 200}, "alert.view", R.AUDITOR, _alert_case, other_park=HIDDEN
    ),
    "api:alert-detail": Route(API, {"GET": 200}, "alert.view", R.AUDITOR, _alert_case),
    "api:alert-acknowledge": Route(
        API, {"POST": 200}, "alert.handle", R.OFFICE_STAFF, _api_alert_ack
    ),
    "api:alert-assign": Route(
        API, {"POST": 200}, "alert.handle", R.OFFICE_STAFF, _api_alert_assign
    ),
    "api:alert-resolve": Route(
        API, {"POST": 200}, "alert.handle", R.OFFICE_STAFF, _api_alert_resolve
    ),
    "api:review-list": Route(
        API, {"GET": 200}, "review.view", R.RISK_OFFICER, _api_review_list, other_park=HIDDEN
    ),
    "api:review-detail": Route(API, {"GET": 200}, "review.view", R.RISK_OFFICER, _api_review),
    "api:review-decide": Route(API, {"POST": 200}, "review.view", R.RISK_OFFICER, _api_review),
    "api:review-claim": Route(API, {"POST": 200}, "review.view", R.RISK_OFFICER, _claim_case),
    "api:review-withdraw": Route(
        API, {"POST": 200}, "review.view", R.BUSINESS_STAFF, _withdraw_case
    ),
    "api:gate-list": Route(
        API, {"GET": 200}, "rules.view", R.AUDITOR, _nothing, other_park=ALLOWED
    ),
    "api:gate-detail": Route(
        API, {"GET": 200}, "rules.view", R.AUDITOR, _api_gate, other_park=ALLOWED
    ),
    "api:gate-configure": Route(
        API,
        {"POST": 200},
        "rules.configure",
        R.SYSTEM_ADMIN,
        _api_gate,
        hq=True,
        other_park=FORBIDDEN,
    ),
    "api:rule-list": Route(
        API, {"GET": 200}, "rules.view", R.AUDITOR, _nothing, other_park=ALLOWED
    ),
    "api:rule-detail": Route(
        API,
        {"GET": 200, "PATCH": 200},
        {"GET": "rules.view", "PATCH": "rules.configure"},
        R.SYSTEM_ADMIN,
        _api_rule,
        hq=True,
        other_park={"GET": ALLOWED, "PATCH": FORBIDDEN},
    ),
    "api:rule-configure": Route(
        API,
        {"POST": 200},
        "rules.configure",
        R.SYSTEM_ADMIN,
        _api_rule,
        hq=True,
        other_park=FORBIDDEN,
    ),
    "api:article-list": Route(
        API, {"GET": 200}, "regulation.view", R.AUDITOR, _nothing, other_park=ALLOWED
    ),
    "api:article-detail": Route(
        API, {"GET": 200}, "regulation.view", R.AUDITOR, _api_article, other_park=ALLOWED
    ),
}


# ---------------------------------------------------------------------------------------------
# Routes added by the calendar, import, invitation, compliance and API-token work (issue 6)


def _schedule_form(w):
    """Next year's State Council schedule, one holiday, confirmed (the step that writes)."""
    year = _today().year + 1
    return {
        "year": year,
        "notice": "国办发明电〔2026〕9号",
        "schedule": f"元旦, {year}-01-01~{year}-01-01",
        "action": "confirm",
    }


def _calendar_enter_case(w):
    return Case(data={"POST": _schedule_form})


ROUTES.update(
    {
        # --- holiday calendar (national: one calendar for the group, D19) -----------------------
        "core:calendar": Route(
            STAFF, {"GET": 200}, "calendar.view", R.AUDITOR, _nothing, other_park=ALLOWED
        ),
        "core:calendar_template": Route(
            STAFF, {"GET": 200}, "calendar.view", R.AUDITOR, _nothing, other_park=ALLOWED
        ),
        # The entry form previews (200, writes nothing) and then confirms (302, audited): the
        # table posts the confirming step, the one that writes.
        "core:calendar_enter": Route(
            STAFF,
            {"GET": 200, "POST": 302},
            "calendar.manage",
            R.OFFICE_STAFF,
            _calendar_enter_case,
            hq=True,
            other_park=FORBIDDEN,
        ),
    }
)


# ---------------------------------------------------------------------------------------------
# SLA settings (issue 8 §2): group-wide, changed at headquarters


def _sla_hours_case(w):
    return Case(data={"POST": {"opens": "08:30", "closes": "17:00", "reason": "按集团作息调整"}})


def _sla_clock_case(w):
    return Case(
        {"code": "testdomain.errand_response"},
        data={
            "POST": {"unit": "working_days", "normal": "4", "urgent": "1", "reason": "按集团要求"}
        },
    )


ROUTES.update(
    {
        "core:sla_settings": Route(
            STAFF, {"GET": 200}, "sla.view", R.AUDITOR, _nothing, other_park=ALLOWED
        ),
        "core:sla_hours_edit": Route(
            STAFF,
            {"GET": 200, "POST": 302},
            "sla.configure",
            R.SYSTEM_ADMIN,
            _sla_hours_case,
            hq=True,
            other_park=FORBIDDEN,
        ),
        "core:sla_clock_edit": Route(
            STAFF,
            {"GET": 200, "POST": 302},
            "sla.configure",
            R.SYSTEM_ADMIN,
            _sla_clock_case,
            hq=True,
            other_park=FORBIDDEN,
        ),
    }
)


# ---------------------------------------------------------------------------------------------
# Discovery: every installed app's part


def app_parts(module: str):
    """``(app, module)`` for every installed ParkFlow app but the kernel that has
    ``<app>/tests/<module>.py``, in INSTALLED_APPS order."""
    from importlib import import_module
    from importlib.util import find_spec

    from django.apps import apps

    kernel = __name__.rsplit(".", 2)[0]
    for config in apps.get_app_configs():
        if config.name == kernel or not config.name.startswith("parkflow."):
            continue
        name = f"{config.name}.tests.{module}"
        if find_spec(f"{config.name}.tests") is None or find_spec(name) is None:
            continue
        yield config.name, import_module(name)


def merge(parts, what: str) -> dict:
    """The union of the ``(owner, dict)`` parts; a key two parts declare is an error."""
    merged, owner = {}, {}
    for app, part in parts:
        twice = sorted(set(part) & set(merged))
        assert not twice, f"{what} declared twice: {[(k, owner[k], app) for k in twice]}"
        merged.update(part)
        owner.update(dict.fromkeys(part, app))
    return merged


def all_routes() -> dict[str, Route]:
    """This table and every installed app's ``tests/routes.py`` ``ROUTES``, merged."""
    parts = [(app, module.ROUTES) for app, module in app_parts("routes")]
    return merge([(__name__, ROUTES), *parts], "routes")


@functools.cache
def all_builders() -> dict[str, Callable]:
    """Every installed app's ``tests/routes.py`` ``BUILDERS``, merged; none may hide one of
    the kernel's own (a method of ``World`` would win silently)."""
    parts = [(app, getattr(module, "BUILDERS", {})) for app, module in app_parts("routes")]
    builders = merge(parts, "World builders")
    shadowing = sorted(name for name in builders if hasattr(World, name))
    assert not shadowing, f"builders named like the kernel's own World methods: {shadowing}"
    return builders
