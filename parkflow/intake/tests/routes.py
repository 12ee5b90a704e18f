"""Customer intake's routes of the permission table (see ``parkflow.core.tests.routes``;
``test_route_permissions`` discovers this module in every installed app): the intake pages, and
the API's documents, draws, published results, protected brands, conflicts, tariffs and spot
checks. The intake actions nested under an enterprise (``api:enterprise-documents`` …) stay with
the enterprise routes, where the viewset is.

``BUILDERS`` gives every case maker the admission states of park A's marked enterprise
(``w.licensed()``, ``w.under_review()``, ``w.decided_without_outcome(decision)``,
``w.approved()``, ``w.draw()``), a published tariff and a conflict declaration."""

import datetime
from decimal import Decimal

from parkflow.core.tests.routes import (
    ALLOWED,
    API,
    HIDDEN,
    REFUSED,
    STAFF,
    Case,
    Route,
    _nothing,
    _today,
)
from parkflow.enterprises.tests.routes import _doc_form, _marker_enterprise
from parkflow.org.choices import Role

# ---------------------------------------------------------------------------------------------
# Builders (World.<name>)


def licensed(w):
    """A prospect with a current licence uploaded through the service."""
    from parkflow.intake.tests.factories import upload_licence

    enterprise = w.enterprise()
    if "licence" not in w._cache:
        w._cache["licence"] = upload_licence(enterprise, w.clerk())
    return enterprise, w._cache["licence"]


def under_review(w):
    """An application under review; two risk officers of park A are drawn as reviewers."""
    from parkflow.intake.tests.factories import application_under_review

    if "under_review" not in w._cache:
        reviewers = [w.staff(Role.RISK_OFFICER) for _ in range(2)]
        enterprise = application_under_review(w.park, w.clerk(), name="甲园标记审查有限公司")
        w._cache["under_review"] = enterprise
        w._cache["reviewers"] = reviewers
    return w._cache["under_review"]


def decided_without_outcome(w, decision: str):
    """An application whose admission round is decided but whose consequence has not run
    yet: the state in which a person approves or rejects it by hand (the kernel records a
    decision and nothing else; intake's consequence is a separate step)."""
    from parkflow.core import gates, reviews
    from parkflow.intake.gates import ADMISSION

    enterprise = w.under_review()
    for review in gates.latest_round(enterprise, ADMISSION):
        review.refresh_from_db()
        if review.is_pending:  # a refusal withdraws the rest of the round
            reviews.review_decide(
                actor=review.assigned_to,
                review=review,
                decision=decision,
                opinion="资料意见",
            )
    enterprise.refresh_from_db()
    return enterprise


def draw(w):
    from parkflow.intake.models import ReviewDraw

    return ReviewDraw.objects.get(enterprise=w.under_review())


def approved(w):
    """An approved, admissible enterprise and a published tariff: a fee may be charged."""
    from parkflow.core import gates, reviews
    from parkflow.intake import services as intake_services
    from parkflow.intake.gates import ADMISSION

    enterprise = w.under_review()
    for review in gates.latest_round(enterprise, ADMISSION):
        reviews.decide(actor=review.assigned_to, review=review, decision="approve")
    enterprise.refresh_from_db()
    intake_services.tariff_publish(
        actor=w.staff(Role.OFFICE_STAFF),
        park=w.park,
        amount=Decimal("5000.00"),
        effective_from=_today(),
    )
    return enterprise


def tariff(w):
    from parkflow.intake import services as intake_services

    return intake_services.tariff_publish(
        actor=w.staff(Role.OFFICE_STAFF),
        park=w.park,
        amount=Decimal("4321.00"),
        effective_from=_today(),
    )


def declaration(w, actor):
    from parkflow.intake import services as intake_services

    return intake_services.conflict_declare(
        actor=actor, enterprise=w.enterprise(), reason="配偶持有该企业股份"
    )


BUILDERS = {
    "licensed": licensed,
    "under_review": under_review,
    "decided_without_outcome": decided_without_outcome,
    "draw": draw,
    "approved": approved,
    "tariff": tariff,
    "declaration": declaration,
}


# ---------------------------------------------------------------------------------------------
# Case makers


def _api_brand_flags(w):
    from parkflow.intake import services as intake_services
    from parkflow.intake.models import ProtectedBrand

    ProtectedBrand.objects.get_or_create(name="华为")
    flagged = w.enterprise(name="华为甲园标记")
    intake_services.brand_check(enterprise=flagged)
    return Case({"pk": flagged.pk}, enterprise=flagged)


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


def _brands_case(w):
    from parkflow.enterprises.tests.factories import EnterpriseFactory
    from parkflow.intake.models import ProtectedBrand

    ProtectedBrand.objects.get_or_create(name="华为")
    flagged = EnterpriseFactory(park=w.park, name="华为甲园标记")
    from parkflow.intake import services as intake_services

    intake_services.brand_check(enterprise=flagged)
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


def _api_document(w):
    _enterprise, licence = w.licensed()
    return Case({"pk": licence.pk}, enterprise=_enterprise)


def _api_draw(w):
    draw = w.draw()
    return Case({"pk": draw.pk}, data={"POST": {}}, actor=w.clerk())


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


def _api_conflicts(w):
    declarant = w.staff(Role.BUSINESS_STAFF)
    declaration = w.declaration(declarant)
    return Case(
        {"pk": declaration.pk},
        marker=declaration.enterprise.name,
        actor=declarant,
        data={"POST": {"reason": "利益关系已解除"}},
    )


def _results_case(w):
    from django.urls import reverse

    enterprise = w.approved()  # approval publishes the result (一公开)
    return Case(secret=reverse("enterprises:detail", args=[enterprise.pk]))


def _spot_check_case(w):
    from parkflow.intake import services as intake_services

    enterprise = w.approved()
    w.staff(Role.OFFICE_STAFF, w.other_park)
    intake_services.spot_check_campaign_run(quarter="2026Q4", rate="1", seed="11")
    return Case(secret=enterprise.name)


def _brand_case(w):
    from parkflow.intake import services as intake_services

    brand = intake_services.protected_brand_create(
        actor=w.staff(Role.RISK_OFFICER), name="甲园标记牌"
    )
    return Case({"pk": brand.pk}, data={"PATCH": {"aliases": "甲园标记别名"}})


R = Role
ROUTES = {
    "api:enterprise-intake-brand-flags": Route(
        API, {"GET": 200}, "enterprise.view", R.AUDITOR, _api_brand_flags
    ),
    "intake:applications": Route(
        STAFF, {"GET": 200}, "enterprise.view", R.AUDITOR, _marker_enterprise, other_park=HIDDEN
    ),
    "intake:results": Route(
        STAFF, {"GET": 200}, "result.view", R.AUDITOR, _results_case, other_park=ALLOWED
    ),
    "intake:spot_checks": Route(
        STAFF, {"GET": 200}, "spot_check.view", R.AUDITOR, _spot_check_case, other_park=ALLOWED
    ),
    "intake:spot_check_run": Route(
        STAFF, {"POST": 302}, "spot_check.run", R.OFFICE_STAFF, _nothing, other_park=ALLOWED
    ),
    "intake:brands": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        "brand.manage",
        R.RISK_OFFICER,
        _brands_case,
        other_park={"GET": HIDDEN, "POST": ALLOWED},
    ),
    "intake:tariffs": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        {"GET": "tariff.view", "POST": "tariff.publish"},
        R.AUDITOR,
        _tariffs_case,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "intake:conflicts": Route(
        STAFF,
        {"GET": 200},
        "enterprise.declare_conflict",
        R.BUSINESS_STAFF,
        _conflicts_case,
        other_park=HIDDEN,
    ),
    "intake:conflict_withdraw": Route(
        STAFF, {"POST": 302}, "enterprise.declare_conflict", R.BUSINESS_STAFF, _withdraw_case
    ),
    "intake:declare_conflict": Route(
        STAFF, {"POST": 302}, "enterprise.declare_conflict", R.BUSINESS_STAFF, _declare_case
    ),
    "intake:draw_rerun": Route(
        STAFF, {"POST": 302}, "enterprise.view", R.BUSINESS_STAFF, _draw_case, writes=False
    ),
    "intake:fee_charge": Route(STAFF, {"POST": 302}, "fee.charge", R.FINANCE_STAFF, _fee_case),
    "intake:document_upload": Route(
        STAFF, {"POST": 302}, "document.upload", R.BUSINESS_STAFF, _upload_case
    ),
    "intake:document_download": Route(
        STAFF, {"GET": 200}, "document.download", R.AUDITOR, _document_case
    ),
    "intake:document": Route(
        STAFF, {"GET": 302}, "enterprise.view", R.AUDITOR, _document_only_case
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
    # --- protected brands: group-wide list (D21) -------------------------------------------
    "api:protected-brand-detail": Route(
        API, {"PATCH": 200}, "brand.manage", R.RISK_OFFICER, _brand_case, other_park=ALLOWED
    ),
}
