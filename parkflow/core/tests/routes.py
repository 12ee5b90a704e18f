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

Extending the table (other helpers, the coordinator): add ``"ns:name": Route(...)``::

    "enterprises:detail": Route(
        STAFF,                      # audience: STAFF, PORTAL, API, PUBLIC, SIGNED_IN
        {"GET": 200},               # every method the route serves -> success status
        action="enterprise.view",   # the access.POLICY action the route checks
        role=Role.AUDITOR,          # the least role that may use it (held in park A)
        make=lambda w: Case({"pk": w.enterprise().pk}, marker=...),  # real objects of park A
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
from collections.abc import Callable
from decimal import Decimal

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
    action: str | dict | None = None  # the POLICY action (or per method: {"GET": ..., ...})
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
    """Parks A and B and the builders the table uses; built once per generated test."""

    def __init__(self, park_a, park_b, monkeypatch):
        self.park = park_a
        self.other_park = park_b
        self.monkeypatch = monkeypatch
        self._cache = {}

    def staff(self, role, unit=None, **kwargs):
        from parkflow.org.tests.factories import staff

        return staff(role, unit or self.park, **kwargs)

    def hq_staff(self, role):
        from parkflow.org.tests.factories import OrgUnitFactory, staff

        return staff(role, OrgUnitFactory(name="集团总部"))

    def enterprise(self, **kwargs):
        from parkflow.enterprises.tests.factories import EnterpriseFactory

        if not kwargs and "enterprise" in self._cache:
            return self._cache["enterprise"]
        enterprise = EnterpriseFactory(
            park=self.park, name=kwargs.pop("name", "甲园标记科技有限公司")
        )
        self._cache.setdefault("enterprise", enterprise)
        return enterprise

    def clerk(self):
        if "clerk" not in self._cache:
            self._cache["clerk"] = self.staff(Role.BUSINESS_STAFF)
        return self._cache["clerk"]

    def licensed(self):
        """A prospect with a current licence uploaded through the service."""
        from parkflow.enterprises.tests.factories import upload_licence

        enterprise = self.enterprise()
        if "licence" not in self._cache:
            self._cache["licence"] = upload_licence(enterprise, self.clerk())
        return enterprise, self._cache["licence"]

    def under_review(self):
        """An application under review; two risk officers of park A are drawn as reviewers."""
        from parkflow.enterprises.tests.factories import application_under_review

        if "under_review" not in self._cache:
            reviewers = [self.staff(Role.RISK_OFFICER) for _ in range(2)]
            enterprise = application_under_review(
                self.park, self.clerk(), name="甲园标记审查有限公司"
            )
            self._cache["under_review"] = enterprise
            self._cache["reviewers"] = reviewers
        return self._cache["under_review"]

    def pending_review(self):
        from parkflow.core import gates
        from parkflow.enterprises.gates import ADMISSION

        enterprise = self.under_review()
        return gates.latest_round(enterprise, ADMISSION)[0]

    def decided_without_outcome(self, decision: str):
        """An application whose admission round is decided but whose consequence has not run
        yet: the state in which a person approves or rejects it by hand."""
        from parkflow.core import gates
        from parkflow.enterprises.gates import ADMISSION

        enterprise = self.under_review()
        gate = gates.GATES[ADMISSION]
        with self.monkeypatch.context() as patch:
            patch.setitem(gates.GATES, ADMISSION, dataclasses.replace(gate, on_decided=None))
            for review in gates.latest_round(enterprise, ADMISSION):
                review.refresh_from_db()
                if review.is_pending:  # a refusal withdraws the rest of the round
                    gates.review_decide(
                        actor=review.assigned_to,
                        review=review,
                        decision=decision,
                        opinion="资料意见",
                    )
        enterprise.refresh_from_db()
        return enterprise

    def draw(self):
        from parkflow.enterprises.models import ReviewDraw

        return ReviewDraw.objects.get(enterprise=self.under_review())

    def approved(self):
        """An approved, admissible enterprise and a published tariff: a fee may be charged."""
        from parkflow.core import gates
        from parkflow.enterprises import services
        from parkflow.enterprises.gates import ADMISSION

        enterprise = self.under_review()
        for review in gates.latest_round(enterprise, ADMISSION):
            gates.review_decide(actor=review.assigned_to, review=review, decision="approve")
        enterprise.refresh_from_db()
        services.tariff_publish(
            actor=self.staff(Role.OFFICE_STAFF),
            park=self.park,
            amount=Decimal("5000.00"),
            effective_from=_today(),
        )
        return enterprise

    def tariff(self):
        from parkflow.enterprises import services

        return services.tariff_publish(
            actor=self.staff(Role.OFFICE_STAFF),
            park=self.park,
            amount=Decimal("4321.00"),
            effective_from=_today(),
        )

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

    def declaration(self, actor):
        from parkflow.enterprises import services

        return services.conflict_declare(
            actor=actor, enterprise=self.enterprise(), reason="配偶持有该企业股份"
        )

    def enterprise_user(self, enterprise=None):
        from parkflow.enterprises.tests.factories import enterprise_user

        return enterprise_user(enterprise or self.enterprise())

    def audited_enterprise(self):
        """An enterprise created through the service: its audit event names park A."""
        from parkflow.enterprises import services
        from parkflow.enterprises.tests.factories import make_credit_code

        return services.enterprise_create(
            actor=self.clerk(),
            park=self.park,
            name="甲园标记审计有限公司",
            credit_code=make_credit_code(99),
            legal_representative="周明",
            registered_capital="800",
            industry="it",
            contact_name="陈静",
            contact_phone="13912345678",
        )


def _pdf():
    from parkflow.enterprises.tests.factories import pdf_upload

    return pdf_upload()


def _doc_form(w):
    return {
        "doc_type": "business_licence",
        "file": _pdf(),
        "valid_from": (_today() - datetime.timedelta(days=30)).isoformat(),
        "valid_until": (_today() + datetime.timedelta(days=700)).isoformat(),
        "note": "",
    }


def _enterprise_form(w, park_pk, n=11):
    from parkflow.enterprises.tests.factories import make_credit_code

    return {
        "park": park_pk,
        "name": f"乙方新建科技有限公司{n}",
        "credit_code": make_credit_code(1000 + n),
        "legal_representative": "王五",
        "registered_capital": "300",
        "industry": "it",
        "grade": "b",
        "contact_name": "赵六",
        "contact_phone": "13912345678",
    }


def _edit_form(w):
    enterprise = w.enterprise()
    return {
        "name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "legal_representative": "李新",
        "registered_capital": "600",
        "industry": enterprise.industry,
        "grade": enterprise.grade,
        "contact_name": "李四",
        "contact_phone": "13912345678",
        "reason": "法定代表人变更",
    }


# ---------------------------------------------------------------------------------------------
# Case makers


def _enterprise_case(w):
    e = w.enterprise()
    return Case({"pk": e.pk}, marker=e.name, enterprise=e)


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


def _review_case(w):
    review = w.pending_review()
    return Case(
        {"pk": review.pk},
        data={"POST": {"decision": "approve", "opinion": "资料齐全"}},
        actor=review.assigned_to,
        marker=review.object_repr,
    )


def _contact_case(w):
    contact = w.contact()
    return Case({"pk": contact.pk}, marker=contact.name)


def _contact_create_case(w):
    return Case(
        data={"POST": {"unit": w.park.pk, "name": "新值班经理", "phone": "13800138001"}},
        actor=w.staff(Role.OFFICE_STAFF),
    )


def _people_case(w):
    w.staff(Role.BUSINESS_STAFF, display_name="甲园标记员工")
    return Case(marker="甲园标记员工")


def _transition_case(w):
    enterprise, _licence = w.licensed()
    return Case({"pk": enterprise.pk, "name": "apply"}, data={"POST": {"reason": ""}})


def _declare_case(w):
    e = w.enterprise()
    return Case({"pk": e.pk}, data={"POST": {"reason": "本人亲属在该企业任职"}}, enterprise=e)


def _withdraw_case(w):
    declarant = w.staff(Role.BUSINESS_STAFF)
    declaration = w.declaration(declarant)
    return Case(
        {"declaration_pk": declaration.pk},
        data={"POST": {"reason": "利益关系已解除"}},
        actor=declarant,
    )


def _document_case(w):
    enterprise, licence = w.licensed()
    return Case({"pk": enterprise.pk, "document_pk": licence.pk}, enterprise=enterprise)


def _document_only_case(w):
    enterprise, licence = w.licensed()
    return Case({"document_pk": licence.pk}, enterprise=enterprise)


def _upload_case(w):
    e = w.enterprise()
    return Case({"pk": e.pk}, data={"POST": _doc_form}, enterprise=e, multipart=True)


def _draw_case(w):
    draw = w.draw()
    return Case({"pk": draw.enterprise_id, "draw_pk": draw.pk}, actor=w.clerk())


def _fee_case(w):
    enterprise = w.approved()
    return Case({"pk": enterprise.pk}, actor=w.staff(Role.FINANCE_STAFF))


def _edit_case(w):
    e = w.enterprise()
    return Case({"pk": e.pk}, data={"POST": _edit_form}, enterprise=e)


def _create_case(w):
    return Case(data={"POST": lambda w: _enterprise_form(w, w.park.pk)})


def _brands_case(w):
    from parkflow.enterprises.models import ProtectedBrand
    from parkflow.enterprises.tests.factories import EnterpriseFactory

    ProtectedBrand.objects.get_or_create(name="华为")
    flagged = EnterpriseFactory(park=w.park, name="华为甲园标记")
    from parkflow.enterprises import services

    services.brand_check(enterprise=flagged)
    return Case(
        marker="华为甲园标记", data={"POST": {"name": "甲园新品牌", "aliases": "", "owner": ""}}
    )


def _tariffs_case(w):
    w.tariff()
    return Case(
        marker="4,321",
        data={
            "POST": {
                "park": w.park.pk,
                "amount": "6000.00",
                "effective_from": (_today() + datetime.timedelta(days=10)).isoformat(),
            }
        },
        actor=w.staff(Role.OFFICE_STAFF),
    )


def _conflicts_case(w):
    declarant = w.staff(Role.BUSINESS_STAFF)
    declaration = w.declaration(declarant)
    return Case(marker=declaration.enterprise.name, actor=declarant)


def _audit_case(w):
    enterprise = w.audited_enterprise()
    return Case(marker=enterprise.name)


def _rule_case(w):
    return Case(
        {"code": "org.emergency_contact_stale"},
        data={"POST": {"max_age_days": "100", "enabled": "on", "reason": "按集团要求调整"}},
    )


def _portal_case(w):
    e = w.enterprise()
    return Case(marker=e.name, enterprise=e, actor=w.enterprise_user(e))


def _portal_upload_case(w):
    e = w.enterprise()
    return Case(data={"POST": _doc_form}, enterprise=e, actor=w.enterprise_user(e), multipart=True)


def _portal_download_case(w):
    enterprise, licence = w.licensed()
    return Case(
        {"document_pk": licence.pk},
        enterprise=enterprise,
        actor=w.enterprise_user(enterprise),
    )


def _portal_submit_case(w):
    enterprise, _licence = w.licensed()
    from parkflow.enterprises import services

    services.enterprise_apply(actor=w.clerk(), enterprise=enterprise)
    for _i in range(2):
        w.staff(Role.RISK_OFFICER)  # the eligible reviewers the draw needs
    return Case(
        {"name": "start_review"},
        enterprise=enterprise,
        actor=w.enterprise_user(enterprise),
        names_no_object=True,
    )


# API cases --------------------------------------------------------------------------------------


def _api_enterprise_create(w):
    return Case(data={"POST": lambda w: _enterprise_form(w, w.park.pk)})


def _api_patch(w):
    e = w.enterprise()
    return Case({"pk": e.pk}, data={"PATCH": {"contact_name": "钱七", "reason": "换人"}})


def _api_transition(w):
    enterprise, _ = w.licensed()
    return Case({"pk": enterprise.pk}, data={"POST": {"reason": ""}}, enterprise=enterprise)


def _api_submit(w):
    enterprise, _ = w.licensed()
    from parkflow.enterprises import services

    services.enterprise_apply(actor=w.clerk(), enterprise=enterprise)
    for _i in range(2):
        w.staff(Role.RISK_OFFICER)  # the eligible reviewers the draw needs
    return Case({"pk": enterprise.pk}, data={"POST": {}}, enterprise=enterprise)


def _api_reject(w):
    enterprise = w.decided_without_outcome("reject")
    return Case({"pk": enterprise.pk}, data={"POST": {"reason": "资料不全"}}, actor=w.clerk())


def _api_approve(w):
    enterprise = w.decided_without_outcome("approve")
    return Case({"pk": enterprise.pk}, data={"POST": {"reason": ""}}, actor=w.clerk())


def _api_move_in(w):
    enterprise = w.approved()
    return Case({"pk": enterprise.pk}, data={"POST": {"reason": "签约入驻"}})


def _api_start_exit(w):
    from parkflow.enterprises import services

    enterprise = w.approved()
    services.enterprise_transition(actor=w.clerk(), enterprise=enterprise, action="move_in")
    return Case({"pk": enterprise.pk}, data={"POST": {"reason": "租约到期"}})


def _api_complete_exit(w):
    from parkflow.enterprises import services

    enterprise = w.approved()
    for step in ("move_in", "start_exit"):
        services.enterprise_transition(actor=w.clerk(), enterprise=enterprise, action=step)
    return Case({"pk": enterprise.pk}, data={"POST": {"reason": ""}})


def _api_declare(w):
    e = w.enterprise()
    return Case({"pk": e.pk}, data={"POST": {"reason": "本人亲属在该企业任职"}})


def _api_documents(w):
    enterprise, _ = w.licensed()
    return Case(
        {"pk": enterprise.pk}, data={"POST": _doc_form}, multipart=True, enterprise=enterprise
    )


def _api_under_review(w):
    e = w.under_review()
    return Case({"pk": e.pk}, actor=w.clerk())


def _api_fee(w):
    enterprise = w.approved()
    return Case({"pk": enterprise.pk}, data={"POST": {}}, actor=w.staff(Role.FINANCE_STAFF))


def _api_document(w):
    _enterprise, licence = w.licensed()
    return Case({"pk": licence.pk}, enterprise=_enterprise)


def _api_draw(w):
    draw = w.draw()
    return Case({"pk": draw.pk}, data={"POST": {}}, actor=w.clerk())


def _api_contacts(w):
    contact = w.contact()
    return Case(
        marker=contact.name,
        data={"POST": {"unit": w.park.pk, "name": "新值班经理", "phone": "13800138001"}},
        actor=w.staff(Role.OFFICE_STAFF),
    )


def _api_contact(w):
    contact = w.contact()
    return Case({"pk": contact.pk}, data={"POST": {}}, actor=w.staff(Role.OFFICE_STAFF))


def _api_tariffs(w):
    w.tariff()
    return Case(
        marker="4321.00",
        data={
            "POST": {
                "park": w.park.pk,
                "amount": "6000.00",
                "effective_from": (_today() + datetime.timedelta(days=10)).isoformat(),
            }
        },
        actor=w.staff(Role.OFFICE_STAFF),
    )


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
    review = w.pending_review()
    return Case(marker=review.object_repr, actor=review.assigned_to)


def _api_review(w):
    review = w.pending_review()
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


def _api_unit(w):
    return Case({"pk": w.park.pk}, marker=w.park.name)


def _api_article(w):
    from parkflow.core.models import Article

    assert Article.objects.filter(ref="Art.17").exists()
    return Case({"ref": "Art.17"})


def _api_brand_flags(w):
    from parkflow.enterprises import services
    from parkflow.enterprises.models import ProtectedBrand

    ProtectedBrand.objects.get_or_create(name="华为")
    flagged = w.enterprise(name="华为甲园标记")
    services.brand_check(enterprise=flagged)
    return Case({"pk": flagged.pk}, enterprise=flagged)


def _api_conflicts(w):
    declarant = w.staff(Role.BUSINESS_STAFF)
    declaration = w.declaration(declarant)
    return Case(
        {"pk": declaration.pk},
        marker=declaration.enterprise.name,
        actor=declarant,
        data={"POST": {"reason": "利益关系已解除"}},
    )


def _nothing(w):
    return Case()


def _results_case(w):
    from django.urls import reverse

    enterprise = w.approved()  # approval publishes the result (一公开)
    return Case(secret=reverse("enterprises:detail", args=[enterprise.pk]))


def _spot_check_case(w):
    from parkflow.enterprises import services

    enterprise = w.approved()
    w.staff(Role.OFFICE_STAFF, w.other_park)
    services.spot_check_campaign_run(quarter="2026Q4", rate="1", seed="11")
    return Case(secret=enterprise.name)


def _marker_enterprise(w):
    e = w.enterprise()
    return Case(marker=e.name, enterprise=e)


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
    "portal:apply": Route(PUBLIC, {"GET": 200}),
    "api-schema": Route(PUBLIC, {"GET": 200}),
    "api-docs": Route(PUBLIC, {"GET": 200}),
    "api:token": Route(PUBLIC, {"POST": 400}),
    # --- kernel pages -----------------------------------------------------------------------
    "core:workbench": Route(
        STAFF, {"GET": 200}, role=R.BUSINESS_STAFF, make=_nothing, other_park=ALLOWED, no_role=None
    ),
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
    "core:audit": Route(
        STAFF, {"GET": 200}, "audit.view", R.AUDITOR, _audit_case, hq=True, other_park=HIDDEN
    ),
    "core:audit_verify": Route(
        STAFF, {"POST": 302}, "audit.verify", R.AUDITOR, _nothing, other_park=ALLOWED
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
    # --- organisation -----------------------------------------------------------------------
    "org:contacts": Route(
        STAFF, {"GET": 200}, "org.view", R.AUDITOR, _contact_case, other_park=HIDDEN
    ),
    "org:contact_create": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        "contact.manage",
        R.OFFICE_STAFF,
        _contact_create_case,
        other_park={"GET": ALLOWED, "POST": REFUSED},
    ),
    "org:contact_confirm": Route(
        STAFF, {"POST": 302}, "contact.manage", R.OFFICE_STAFF, _contact_case
    ),
    "org:people": Route(
        STAFF, {"GET": 200}, "org.view", R.AUDITOR, _people_case, other_park=HIDDEN
    ),
    # --- enterprises --------------------------------------------------------------------------
    "enterprises:list": Route(
        STAFF, {"GET": 200}, "enterprise.view", R.AUDITOR, _marker_enterprise, other_park=HIDDEN
    ),
    "enterprises:export": Route(
        STAFF, {"GET": 200}, "enterprise.export", R.AUDITOR, _marker_enterprise, other_park=HIDDEN
    ),
    "enterprises:create": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        "enterprise.create",
        R.BUSINESS_STAFF,
        _create_case,
        other_park={"GET": ALLOWED, "POST": REFUSED},
    ),
    "enterprises:applications": Route(
        STAFF, {"GET": 200}, "enterprise.view", R.AUDITOR, _marker_enterprise, other_park=HIDDEN
    ),
    "enterprises:results": Route(
        STAFF, {"GET": 200}, "result.view", R.AUDITOR, _results_case, other_park=ALLOWED
    ),
    "enterprises:spot_checks": Route(
        STAFF, {"GET": 200}, "spot_check.view", R.AUDITOR, _spot_check_case, other_park=ALLOWED
    ),
    "enterprises:spot_check_run": Route(
        STAFF, {"POST": 302}, "spot_check.run", R.OFFICE_STAFF, _nothing, other_park=ALLOWED
    ),
    "enterprises:brands": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        "brand.manage",
        R.RISK_OFFICER,
        _brands_case,
        other_park={"GET": HIDDEN, "POST": ALLOWED},
    ),
    "enterprises:tariffs": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        {"GET": "tariff.view", "POST": "tariff.publish"},
        R.AUDITOR,
        _tariffs_case,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "enterprises:conflicts": Route(
        STAFF,
        {"GET": 200},
        "enterprise.declare_conflict",
        R.BUSINESS_STAFF,
        _conflicts_case,
        other_park=HIDDEN,
    ),
    "enterprises:conflict_withdraw": Route(
        STAFF, {"POST": 302}, "enterprise.declare_conflict", R.BUSINESS_STAFF, _withdraw_case
    ),
    "enterprises:detail": Route(
        STAFF, {"GET": 200}, "enterprise.view", R.AUDITOR, _enterprise_case
    ),
    "enterprises:edit": Route(
        STAFF, {"GET": 200, "POST": 302}, "enterprise.edit", R.BUSINESS_STAFF, _edit_case
    ),
    "enterprises:declare_conflict": Route(
        STAFF, {"POST": 302}, "enterprise.declare_conflict", R.BUSINESS_STAFF, _declare_case
    ),
    "enterprises:draw_rerun": Route(
        STAFF, {"POST": 302}, "enterprise.view", R.BUSINESS_STAFF, _draw_case, writes=False
    ),
    "enterprises:fee_charge": Route(STAFF, {"POST": 302}, "fee.charge", R.FINANCE_STAFF, _fee_case),
    "enterprises:document_upload": Route(
        STAFF, {"POST": 302}, "document.upload", R.BUSINESS_STAFF, _upload_case
    ),
    "enterprises:document_download": Route(
        STAFF, {"GET": 200}, "document.download", R.AUDITOR, _document_case
    ),
    "enterprises:document": Route(
        STAFF, {"GET": 302}, "enterprise.view", R.AUDITOR, _document_only_case
    ),
    "enterprises:transition": Route(
        STAFF, {"POST": 302}, "enterprise.transition", R.BUSINESS_STAFF, _transition_case
    ),
    # --- portal -----------------------------------------------------------------------------
    "portal:home": Route(
        PORTAL, {"GET": 200}, "enterprise.view", make=_portal_case, other_park=HIDDEN
    ),
    "portal:results": Route(
        PORTAL, {"GET": 200}, "enterprise.view", make=_portal_case, other_park=ALLOWED
    ),
    "portal:document_upload": Route(
        PORTAL, {"POST": 302}, "document.upload", make=_portal_upload_case, other_park=ALLOWED
    ),
    "portal:document_download": Route(
        PORTAL, {"GET": 200}, "document.download", make=_portal_download_case
    ),
    "portal:transition": Route(
        PORTAL, {"POST": 302}, "enterprise.submit", make=_portal_submit_case, other_park=ALLOWED
    ),
    # --- API ------------------------------------------------------------------------------------
    "api:me": Route(API, {"GET": 200}, "*", R.AUDITOR, _nothing, other_park=ALLOWED, no_role=None),
    # The API root lists the endpoints to any signed-in user, never to an anonymous caller.
    "api:api-root": Route(
        API, {"GET": 200}, "*", R.AUDITOR, _nothing, other_park=ALLOWED, no_role=None
    ),
    "api:enterprise-list": Route(
        API,
        {"GET": 200, "POST": 201},
        {"GET": "enterprise.view", "POST": "enterprise.create"},
        R.BUSINESS_STAFF,
        _api_enterprise_create,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "api:enterprise-detail": Route(
        API,
        {"GET": 200, "PATCH": 200},
        {"GET": "enterprise.view", "PATCH": "enterprise.edit"},
        R.BUSINESS_STAFF,
        _api_patch,
    ),
    "api:enterprise-apply": Route(
        API, {"POST": 200}, "enterprise.transition", R.BUSINESS_STAFF, _api_transition
    ),
    "api:enterprise-submit-for-review": Route(
        API, {"POST": 200}, "enterprise.submit", R.BUSINESS_STAFF, _api_submit
    ),
    "api:enterprise-approve": Route(
        API, {"POST": 200}, "enterprise.transition", R.BUSINESS_STAFF, _api_approve
    ),
    "api:enterprise-move-in": Route(
        API, {"POST": 200}, "enterprise.transition", R.BUSINESS_STAFF, _api_move_in
    ),
    "api:enterprise-start-exit": Route(
        API, {"POST": 200}, "enterprise.transition", R.BUSINESS_STAFF, _api_start_exit
    ),
    "api:enterprise-complete-exit": Route(
        API, {"POST": 200}, "enterprise.transition", R.BUSINESS_STAFF, _api_complete_exit
    ),
    "api:enterprise-reject": Route(
        API, {"POST": 200}, "enterprise.transition", R.BUSINESS_STAFF, _api_reject
    ),
    "api:enterprise-declare-conflict": Route(
        API, {"POST": 201}, "enterprise.declare_conflict", R.BUSINESS_STAFF, _api_declare
    ),
    "api:enterprise-reviews": Route(
        API, {"GET": 200}, "review.view", R.BUSINESS_STAFF, _api_under_review
    ),
    "api:enterprise-audit": Route(
        API, {"GET": 200}, "enterprise.timeline", R.AUDITOR, _enterprise_case
    ),
    "api:enterprise-documents": Route(
        API,
        {"GET": 200, "POST": 201},
        {"GET": "enterprise.view", "POST": "document.upload"},
        R.BUSINESS_STAFF,
        _api_documents,
    ),
    "api:enterprise-draws": Route(
        API, {"GET": 200}, "enterprise.view", R.BUSINESS_STAFF, _api_under_review
    ),
    "api:enterprise-brand-flags": Route(
        API, {"GET": 200}, "enterprise.view", R.AUDITOR, _api_brand_flags
    ),
    "api:enterprise-standing": Route(
        API, {"GET": 200}, "enterprise.view", R.AUDITOR, _enterprise_case
    ),
    "api:enterprise-charge-admission-fee": Route(
        API, {"POST": 201}, "fee.charge", R.FINANCE_STAFF, _api_fee
    ),
    "api:document-detail": Route(API, {"GET": 200}, "enterprise.view", R.AUDITOR, _api_document),
    "api:document-download": Route(
        API, {"GET": 200}, "document.download", R.AUDITOR, _api_document
    ),
    "api:draw-detail": Route(API, {"GET": 200}, "enterprise.view", R.AUDITOR, _api_draw),
    "api:draw-rerun": Route(
        API, {"POST": 200}, "enterprise.view", R.BUSINESS_STAFF, _api_draw, writes=False
    ),
    "api:published-result-list": Route(
        API, {"GET": 200}, "result.view", R.AUDITOR, _nothing, other_park=ALLOWED, stranger=200
    ),
    "api:protected-brand-list": Route(
        API,
        {"GET": 200, "POST": 201},
        "brand.manage",
        R.RISK_OFFICER,
        lambda w: Case(data={"POST": {"name": "甲园新品牌"}}),
        other_park=ALLOWED,
    ),
    "api:conflict-list": Route(
        API,
        {"GET": 200},
        "enterprise.declare_conflict",
        R.BUSINESS_STAFF,
        _api_conflicts,
        other_park=HIDDEN,
    ),
    "api:conflict-withdraw": Route(
        API, {"POST": 200}, "enterprise.declare_conflict", R.BUSINESS_STAFF, _api_conflicts
    ),
    "api:admission-tariff-list": Route(
        API,
        {"GET": 200, "POST": 201},
        {"GET": "tariff.view", "POST": "tariff.publish"},
        R.AUDITOR,
        _api_tariffs,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "api:spot-check-list": Route(
        API, {"GET": 200}, "spot_check.view", R.AUDITOR, _spot_check_case, other_park=ALLOWED
    ),
    "api:spot-check-run": Route(
        API, {"POST": 200}, "spot_check.run", R.OFFICE_STAFF, _nothing, other_park=ALLOWED
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
    "api:org-unit-list": Route(
        API, {"GET": 200}, "org.view", R.AUDITOR, _api_unit, other_park=HIDDEN
    ),
    "api:org-unit-tree": Route(
        API, {"GET": 200}, "org.view", R.AUDITOR, _api_unit, other_park=HIDDEN
    ),
    "api:org-unit-detail": Route(API, {"GET": 200}, "org.view", R.AUDITOR, _api_unit),
    "api:emergency-contact-list": Route(
        API,
        {"GET": 200, "POST": 201},
        {"GET": "org.view", "POST": "contact.manage"},
        R.OFFICE_STAFF,
        _api_contacts,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "api:emergency-contact-detail": Route(API, {"GET": 200}, "org.view", R.AUDITOR, _api_contact),
    "api:emergency-contact-confirm": Route(
        API, {"POST": 200}, "contact.manage", R.OFFICE_STAFF, _api_contact
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


IMPORT_FILE = "甲园标记台账.xlsx"


def _import_upload(w):
    from parkflow.enterprises.tests.ledgers import enterprise_row, upload, workbook

    return upload(workbook([enterprise_row(1, w.park.name)]), IMPORT_FILE)


def _import_batch(w):
    """A register of park A uploaded by an importer of park A and checked (valid): the import
    runs on commit, which a test transaction never reaches, so the dry run is called here."""
    from parkflow.enterprises import services_import

    if "import_batch" not in w._cache:
        importer = w.staff(Role.OFFICE_STAFF)
        batch = services_import.import_batch_upload(actor=importer, upload=_import_upload(w))
        batch = services_import.import_batch_check(batch_id=batch.pk)
        assert batch.status == "valid", batch.errors
        w._cache["import_batch"] = (importer, batch)
    return w._cache["import_batch"]


def _import_case(w):
    importer, batch = _import_batch(w)
    return Case(
        {"pk": batch.pk},
        marker=IMPORT_FILE,
        actor=importer,
        data={"POST": lambda w: {"file": _import_upload(w)}},
    )


def _import_api_case(w):
    case = _import_case(w)
    case.multipart = True
    return case


def _import_template_case(w):
    # The template's park drop-down lists the parks the importer may import into.
    return Case(marker=w.park.name)


def _invitation(w):
    from parkflow.enterprises import invitations

    return invitations.portal_invitation_create(
        actor=w.clerk(), enterprise=w.enterprise(), email="contact@example.cn"
    )[0]


def _invite_case(w):
    e = w.enterprise()
    return Case({"pk": e.pk}, data={"POST": {"email": "contact@example.cn"}}, enterprise=e)


def _invitation_revoke_case(w):
    invitation = _invitation(w)
    e = invitation.enterprise
    return Case({"pk": e.pk, "invitation_pk": invitation.pk}, enterprise=e)


def _person(w):
    if "person" not in w._cache:
        w._cache["person"] = w.staff(Role.BUSINESS_STAFF, display_name="甲园标记员工")
    return w._cache["person"]


def _compliance_form(w, person=None):
    return {
        "kind": "commitment",
        "completed_on": (_today() - datetime.timedelta(days=3)).isoformat(),
        "evidence": _pdf(),
        "note": "",
        **({"person": person.pk} if person else {}),
    }


def _compliance_record(w):
    from parkflow.org import services

    if "compliance_record" not in w._cache:
        w._cache["compliance_record"] = services.compliance_record_add(
            actor=w.staff(Role.OFFICE_STAFF),
            person=_person(w),
            kind="commitment",
            completed_on=_today() - datetime.timedelta(days=10),
            evidence=_pdf(),
        )
    return w._cache["compliance_record"]


def _person_compliance_case(w):
    person = _person(w)
    return Case({"pk": person.pk}, marker=person.display_name, data={"POST": _compliance_form})


def _compliance_record_case(w):
    record = _compliance_record(w)
    person = record.user
    return Case(
        {"pk": record.pk},
        marker=person.display_name,
        data={"POST": lambda w: _compliance_form(w, person)},
        multipart=True,
    )


def _token_case(w):
    """An API token of one auditor of park A: only its owner sees or revokes it."""
    from parkflow.org import tokens

    owner = w.staff(Role.AUDITOR)
    token, _key = tokens.issue(actor=owner, name="甲园标记令牌", days=30)
    return Case({"pk": token.pk}, marker=token.name, actor=owner, data={"POST": {}})


def _brand_case(w):
    from parkflow.enterprises import services

    brand = services.protected_brand_create(actor=w.staff(Role.RISK_OFFICER), name="甲园标记牌")
    return Case({"pk": brand.pk}, data={"PATCH": {"aliases": "甲园标记别名"}})


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
        # --- register import: a batch is its importer's alone (another importer: 404) ----------
        # An upload only stores the file for its importer (ALLOWED for park B's importer); the
        # dry run then refuses every row of a park the importer may not import into.
        "enterprises:import": Route(
            STAFF,
            {"GET": 200, "POST": 302},
            "enterprise.import",
            R.OFFICE_STAFF,
            _import_case,
            other_park={"GET": HIDDEN, "POST": ALLOWED},
        ),
        "enterprises:import_template": Route(
            STAFF,
            {"GET": 200},
            "enterprise.import",
            R.OFFICE_STAFF,
            _import_template_case,
            other_park=HIDDEN,
        ),
        "enterprises:import_batch": Route(
            STAFF, {"GET": 200}, "enterprise.import", R.OFFICE_STAFF, _import_case
        ),
        "enterprises:import_confirm": Route(
            STAFF, {"POST": 302}, "enterprise.import", R.OFFICE_STAFF, _import_case
        ),
        "enterprises:import_errors": Route(
            STAFF, {"GET": 200}, "enterprise.import", R.OFFICE_STAFF, _import_case
        ),
        "api:import-list": Route(
            API,
            {"GET": 200, "POST": 201},
            "enterprise.import",
            R.OFFICE_STAFF,
            _import_api_case,
            other_park={"GET": HIDDEN, "POST": ALLOWED},
        ),
        "api:import-template": Route(
            API,
            {"GET": 200},
            "enterprise.import",
            R.OFFICE_STAFF,
            _import_template_case,
            other_park=HIDDEN,
        ),
        "api:import-detail": Route(
            API, {"GET": 200}, "enterprise.import", R.OFFICE_STAFF, _import_api_case
        ),
        "api:import-confirm": Route(
            API, {"POST": 200}, "enterprise.import", R.OFFICE_STAFF, _import_api_case
        ),
        # --- portal invitations -------------------------------------------------------------------
        "enterprises:invite": Route(
            STAFF, {"POST": 302}, "portal.invite", R.BUSINESS_STAFF, _invite_case
        ),
        # The one-time link is shown from the session of the browser that created it; any other
        # visit is sent back to the enterprise with "shown only once" (302), never the link.
        "enterprises:invitation_created": Route(
            STAFF, {"GET": 302}, "enterprise.view", R.AUDITOR, _enterprise_case
        ),
        "enterprises:invitation_revoke": Route(
            STAFF, {"POST": 302}, "portal.invite", R.BUSINESS_STAFF, _invitation_revoke_case
        ),
        "api:enterprise-portal-invitation": Route(
            API, {"POST": 201}, "portal.invite", R.BUSINESS_STAFF, _invite_case
        ),
        "portal:invitation_accept": Route(PUBLIC, {"GET": 200, "POST": 302}),
        # --- compliance records (R-ORG-5) ------------------------------------------------------
        # Reading a person's page needs org.view; recording needs compliance.record over every
        # park the person works in: the table checks the recording role (office staff).
        "org:person_compliance": Route(
            STAFF,
            {"GET": 200, "POST": 302},
            {"GET": "org.view", "POST": "compliance.record"},
            R.OFFICE_STAFF,
            _person_compliance_case,
        ),
        "org:compliance_evidence": Route(
            STAFF, {"GET": 200}, "org.view", R.AUDITOR, _compliance_record_case
        ),
        "api:compliance-record-list": Route(
            API,
            {"GET": 200, "POST": 201},
            {"GET": "org.view", "POST": "compliance.record"},
            R.OFFICE_STAFF,
            _compliance_record_case,
            other_park={"GET": HIDDEN, "POST": REFUSED},
        ),
        "api:compliance-record-detail": Route(
            API, {"GET": 200}, "org.view", R.AUDITOR, _compliance_record_case
        ),
        # --- API tokens: each user's own (D23) ---------------------------------------------------
        # Every signed-in user (staff or enterprise) keeps their own tokens; the list shows only
        # them (the API list below checks another user's token is absent).
        "org:api_tokens": Route(SIGNED_IN, {"GET": 200, "POST": 302}, no_role=None),
        # The token's owner is the only one it is for: any other user, whatever their role or
        # park (no role, another enterprise's user, park B staff), gets 404. The role is that of
        # the owner the table builds; any signed-in user may hold tokens.
        "org:api_token_revoke": Route(
            STAFF, {"GET": 200, "POST": 302}, None, R.AUDITOR, _token_case, no_role=404
        ),
        "api:api-token-list": Route(
            API, {"GET": 200}, "*", R.AUDITOR, _token_case, other_park=HIDDEN, no_role=None
        ),
        "api:api-token-detail": Route(API, {"GET": 200}, "*", R.AUDITOR, _token_case, no_role=404),
        "api:api-token-revoke": Route(API, {"POST": 200}, "*", R.AUDITOR, _token_case, no_role=404),
        # --- protected brands: group-wide list (D21) -------------------------------------------
        "api:protected-brand-detail": Route(
            API, {"PATCH": 200}, "brand.manage", R.RISK_OFFICER, _brand_case, other_park=ALLOWED
        ),
    }
)
