"""Customer intake's part of the service table (see ``parkflow.core.tests.service_table``;
``test_service_permissions`` discovers this module in every installed app)."""

import datetime
from decimal import Decimal

from parkflow.core.tests.service_table import Service, _nobody, _s, _today
from parkflow.org.choices import Role

SERVICE_MODULES = [
    "parkflow.intake.services",
]


def _pdf():
    from parkflow.enterprises.tests.factories import pdf_upload

    return pdf_upload()


def _submittable(w):
    from parkflow.enterprises import services

    enterprise, _ = w.licensed()
    services.enterprise_apply(actor=w.clerk(), enterprise=enterprise)
    for _i in range(2):
        _s(w, Role.RISK_OFFICER)
    return enterprise


def _review_for_brand(w):
    """An approved brand-authorisation review of a flagged enterprise's authorisation."""
    from parkflow.core.models import Review
    from parkflow.intake.models import ProtectedBrand

    ProtectedBrand.objects.get_or_create(name="华为")
    enterprise = w.enterprise(name="华为服务表科技有限公司")
    from parkflow.intake import services as intake_services

    intake_services.brand_check(enterprise=enterprise)
    _s(w, Role.RISK_OFFICER)
    from parkflow.intake import services as intake_services

    document = intake_services.document_upload(
        actor=w.clerk(),
        enterprise=enterprise,
        doc_type="brand_authorisation",
        upload=_pdf(),
        valid_from=_today(),
        valid_until=_today() + datetime.timedelta(days=365),
    )
    review = Review.objects.get(object_id=str(document.pk), gate="enterprise.brand_authorisation")
    review.decision = "approve"
    return review


SERVICES: dict[str, Service] = {
    # --- admission, documents, conflicts, spot checks, tariffs, brands ------------------------
    "parkflow.intake.services.enterprise_submit_for_review": Service(
        "enterprise.start_review",
        lambda w: {"enterprise": _submittable(w)},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [_s(w, Role.BUSINESS_STAFF, w.other_park), _s(w, Role.AUDITOR)],
        before=True,
    ),
    "parkflow.intake.services.enterprise_approve": Service(
        "enterprise.approve",
        lambda w: {"enterprise": w.decided_without_outcome("approve")},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [_s(w, Role.BUSINESS_STAFF, w.other_park), _s(w, Role.AUDITOR)],
        before=True,
    ),
    "parkflow.intake.services.enterprise_reject": Service(
        "enterprise.reject",
        lambda w: {"enterprise": w.decided_without_outcome("reject")},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [_s(w, Role.BUSINESS_STAFF, w.other_park), _s(w, Role.AUDITOR)],
        before=True,
    ),
    "parkflow.intake.services.conflict_declare": Service(
        "conflict.declare",
        lambda w: {"enterprise": w.enterprise(), "reason": "亲属任职"},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [_s(w, Role.BUSINESS_STAFF, w.other_park), _s(w, Role.AUDITOR)],
    ),
    "parkflow.intake.services.conflict_withdraw": Service(
        "conflict.withdraw",
        lambda w: {"declaration": w.declaration(w.clerk()), "reason": "关系已解除"},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [_s(w, Role.BUSINESS_STAFF), _s(w, Role.BUSINESS_STAFF, w.other_park)],
    ),
    "parkflow.intake.services.document_upload": Service(
        "document.upload",
        lambda w: {
            "enterprise": w.enterprise(),
            "doc_type": "business_licence",
            "upload": _pdf,
            "valid_from": _today() - datetime.timedelta(days=30),
            "valid_until": _today() + datetime.timedelta(days=700),
        },
        allowed=lambda w: w.clerk(),
        refused=lambda w: [_s(w, Role.BUSINESS_STAFF, w.other_park), _s(w, Role.AUDITOR)],
    ),
    "parkflow.intake.services.document_open": Service(
        "document.download",
        lambda w: {"document": w.licensed()[1]},
        allowed=lambda w: _s(w, Role.AUDITOR),
        refused=lambda w: [_s(w, Role.AUDITOR, w.other_park), _nobody(w)],
    ),
    "parkflow.intake.services.spot_check_campaign_run": Service(
        "spot_check.draw",
        lambda w: {"quarter": "2026Q4", "seed": "7"},
        allowed=lambda w: _s(w, Role.OFFICE_STAFF),
        refused=lambda w: [_s(w, Role.AUDITOR), _s(w, Role.BUSINESS_STAFF), _nobody(w)],
    ),
    "parkflow.intake.services.tariff_publish": Service(
        "tariff.publish",
        lambda w: {"park": w.park, "amount": Decimal("3000"), "effective_from": _today()},
        allowed=lambda w: _s(w, Role.OFFICE_STAFF),
        refused=lambda w: [_s(w, Role.OFFICE_STAFF, w.other_park), _s(w, Role.AUDITOR)],
    ),
    "parkflow.intake.services.admission_fee_charge": Service(
        "admission_fee.charge",
        lambda w: {"enterprise": w.approved()},
        allowed=lambda w: _s(w, Role.FINANCE_STAFF),
        refused=lambda w: [_s(w, Role.FINANCE_STAFF, w.other_park), _s(w, Role.AUDITOR)],
    ),
    "parkflow.intake.services.protected_brand_create": Service(
        "brand.create",
        lambda w: {"name": "服务表品牌"},
        allowed=lambda w: _s(w, Role.RISK_OFFICER),
        refused=lambda w: [_s(w, Role.BUSINESS_STAFF), _s(w, Role.AUDITOR), _nobody(w)],
    ),
    "parkflow.intake.services.protected_brand_update": Service(
        "brand.update",
        lambda w: {"brand": _brand(w), "is_active": False},
        allowed=lambda w: _s(w, Role.RISK_OFFICER),
        refused=lambda w: [_s(w, Role.BUSINESS_STAFF), _s(w, Role.AUDITOR), _nobody(w)],
        before=True,
    ),
    # System operations (SYSTEM_OPERATIONS): their audit record is still checked.
    "parkflow.intake.services.brand_check": Service(
        "brand.flag",
        lambda w: {"enterprise": _brand_lookalike(w)},
        system=True,
    ),
    "parkflow.intake.services.enterprise_record_admission_outcome": Service(
        "review.publish",
        lambda w: {"actor": w.clerk(), "review": _decided_review(w)},
        system=True,
    ),
    "parkflow.intake.services.brand_authorisation_record_outcome": Service(
        "brand.clear",
        lambda w: {"actor": w.clerk(), "review": _review_for_brand(w)},
        system=True,
    ),
    "parkflow.intake.services.spot_check_record_outcome": Service(
        "review.publish",
        lambda w: {"actor": w.clerk(), "review": _spot_check_review(w)},
        system=True,
    ),
    "parkflow.intake.services.draw_rerun": Service(
        None, lambda w: {"draw": w.draw()}, system=True, after=False
    ),
    "parkflow.intake.services.quarter_of": Service(
        None, lambda w: {"day": _today()}, system=True, after=False
    ),
    "parkflow.intake.services.tariff_in_force": Service(
        None, lambda w: {"park": w.park}, system=True, after=False
    ),
}


def _brand(w):

    from parkflow.intake import services as intake_services

    return intake_services.protected_brand_create(
        actor=_s(w, Role.RISK_OFFICER), name="服务表品牌乙"
    )


def _brand_lookalike(w):
    from parkflow.intake.models import ProtectedBrand

    ProtectedBrand.objects.get_or_create(name="华为")
    return w.enterprise(name="华为服务表科技有限公司")


def _decided_review(w):
    from parkflow.core import gates
    from parkflow.intake.gates import ADMISSION

    enterprise = w.decided_without_outcome("approve")
    return gates.latest_round(enterprise, ADMISSION)[-1]


def _spot_check_review(w):
    from parkflow.core.models import Review

    enterprise = w.approved()
    _s(w, Role.OFFICE_STAFF, w.other_park)  # a reviewer who did not run it
    for _i in range(2):
        _s(w, Role.RISK_OFFICER)
    from parkflow.intake import services as intake_services

    intake_services.spot_check_campaign_run(quarter="2026Q4", rate="1", seed="9")
    review = Review.objects.get(gate="enterprise.spot_check", object_id=str(enterprise.pk))
    review.decision = "approve"
    return review
