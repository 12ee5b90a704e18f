"""The agreements part of the service table (see ``parkflow.core.tests.service_table``;
``test_service_permissions`` discovers this module in every installed app): each public function
of ``agreements.services``, the actor who may call it on park A's objects and those who may not
(park B's holder of the role, a role without the action, a person with no role, an enterprise
user) — refused with nothing written, allowed with one audit event of its action."""

import datetime

from parkflow.core.tests.service_table import Service, _nobody, _s, _today
from parkflow.org.choices import Role

SERVICE_MODULES = [
    "parkflow.agreements.services",
]


def _org(w):
    return w.agreement_people()


def _pdf():
    from parkflow.enterprises.tests.factories import pdf_upload

    return pdf_upload("协议签署件.pdf")


def _optional_item(w):
    """A service of park A's catalogue no agreement kind requires."""
    from .. import services

    if "optional_item" not in w._cache:
        w._cache["optional_item"] = services.service_item_save(
            actor=_org(w).lead, park=w.park, code="MEET", name="会议室服务"
        )
    return w._cache["optional_item"]


def _requested_line(w):
    from .. import services

    if "requested_line" not in w._cache:
        w._cache["requested_line"] = services.service_line_add(
            actor=_org(w).drafter, agreement=w.agreement(), item=_optional_item(w)
        )
    return w._cache["requested_line"]


def _draft_version(w):
    from .. import services
    from .factories import complete_clauses, venues

    if "draft_version" not in w._cache:
        venues()
        w._cache["draft_version"] = services.template_create(
            actor=_org(w).lead,
            park=w.park,
            name="服务表物业模板",
            kind="property",
            clauses=complete_clauses(),
        )
    return w._cache["draft_version"]


def _decided_without_consequence(obj, gate, reviewer):
    """The gate's latest round approved by ``reviewer``, its consequence not yet applied (as
    ``core.reviews.decide`` leaves it just before it calls the consequence)."""
    from pytest import MonkeyPatch

    from parkflow.core import reviews

    from .factories import decide_all

    with MonkeyPatch.context() as patch:
        patch.setattr(reviews, "apply_consequence", lambda **kwargs: None)
        return decide_all(obj, gate, reviewer).review


def _template_review(w):
    """An approval of a submitted template version's compliance review (status in review)."""
    from .. import services
    from ..gates import TEMPLATE_REVIEW

    version = _draft_version(w)
    services.template_submit(actor=_org(w).lead, version=version)
    return _decided_without_consequence(version, TEMPLATE_REVIEW, _org(w).legal)


def _legal_review(w):
    """An approval of a submitted agreement's legal review (no price exception applies)."""
    from ..gates import LEGAL_REVIEW
    from .factories import submitted

    made = submitted(_org(w), enterprise=w.enterprise(), template=w.template_version())
    return _decided_without_consequence(made, LEGAL_REVIEW, _org(w).legal)


def _approved(w):
    """An agreement of park A through its legal review, for an enterprise in good standing."""
    from .factories import good_standing, legally_approved

    org = _org(w)
    return legally_approved(
        org, enterprise=good_standing(w.park, org.drafter), template=w.template_version()
    )


def _amendment(w):
    from .. import services

    return services.agreement_amend(actor=_org(w).drafter, agreement=w.signed_agreement())


def _migrated(w):
    """An agreement of park A imported from the old ledger: signed, not reviewed here."""
    from django.utils import timezone

    from ..models import Agreement
    from .factories import good_standing

    org = _org(w)
    today = _today()
    return Agreement.objects.create(
        park=w.park,
        enterprise=good_standing(w.park, org.drafter),
        kind="residency",
        number="JY-2024-009",
        title="入驻服务协议（历史导入）",
        status="signed",
        start_date=today - datetime.timedelta(days=400),
        end_date=today + datetime.timedelta(days=300),
        migrated=True,
        created_by=org.lead,
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )


def _rent(w):
    made = w.agreement()
    return {
        "agreement": made,
        "kind": "rent",
        "label": "仓库租金",
        "quantity": "30",
        "period": "monthly",
        "start_date": made.start_date,
        "end_date": made.end_date,
    }


def _drafting_refused(w):
    """Who may not draft or edit park A's agreements."""
    return [
        _s(w, Role.BUSINESS_STAFF, w.other_park),
        _s(w, Role.AUDITOR),
        _s(w, Role.LEGAL_OFFICER),
        _nobody(w),
        w.enterprise_user(),
    ]


def _managing_refused(w):
    """Who may not manage park A's templates, catalogue and prices."""
    return [
        _s(w, Role.LEAD_STAFF, w.other_park),
        _s(w, Role.BUSINESS_STAFF),
        _s(w, Role.AUDITOR),
        _nobody(w),
        w.enterprise_user(),
    ]


def _clauses():
    from .factories import complete_clauses

    return complete_clauses()


def _drafter(w):
    return _s(w, Role.BUSINESS_STAFF)


def _lead(w):
    return _s(w, Role.LEAD_STAFF)


P = "parkflow.agreements.services."

SERVICES: dict[str, Service] = {
    # --- reference data: venues (headquarters legal), catalogue and prices (the park) ----------
    P + "venue_save": Service(
        "venue.save",
        lambda w: {"name": "杭州仲裁委员会", "kind": "arbitration"},
        allowed=lambda w: w.hq_staff(Role.LEGAL_OFFICER),
        refused=lambda w: [
            _s(w, Role.LEGAL_OFFICER),
            w.hq_staff(Role.BUSINESS_STAFF),
            _nobody(w),
            w.enterprise_user(),
        ],
    ),
    P + "service_item_save": Service(
        "service_item.save",
        lambda w: {"park": w.park, "code": "CLEAN", "name": "保洁服务"},
        allowed=_lead,
        refused=_managing_refused,
    ),
    P + "tariff_publish": Service(
        "tariff.publish",
        lambda w: {
            "park": w.park,
            "fee_kind": "property",
            "unit": "sqm_month",
            "price": "12.50",
            "effective_from": _today(),
        },
        allowed=_lead,
        refused=_managing_refused,
    ),
    # --- templates (R-AGR-1) ----------------------------------------------------------------------
    P + "template_create": Service(
        "template.create",
        lambda w: {
            "park": w.park,
            "name": "服务表模板",
            "kind": "residency",
            "clauses": _clauses(),
        },
        allowed=_lead,
        refused=_managing_refused,
    ),
    P + "template_version_create": Service(
        "template.new_version",
        lambda w: {"template": w.template_version().template, "note": "年度修订"},
        allowed=_lead,
        refused=_managing_refused,
    ),
    P + "template_clauses_set": Service(
        "template.clauses",
        lambda w: {"version": _draft_version(w), "clauses": _clauses()},
        allowed=_lead,
        refused=_managing_refused,
        before=True,
    ),
    P + "template_submit": Service(
        "template.submit",
        lambda w: {"version": _draft_version(w)},
        allowed=_lead,
        refused=_managing_refused,
    ),
    P + "template_rereview": Service(
        "template.rereview",
        lambda w: {"version": w.template_version(), "opinion": "核心条款符合现行规定。"},
        allowed=lambda w: _s(w, Role.LEGAL_OFFICER),
        refused=lambda w: [
            _s(w, Role.LEGAL_OFFICER, w.other_park),
            _s(w, Role.LEAD_STAFF),
            _nobody(w),
            w.enterprise_user(),
        ],
    ),
    # The compliance review's consequence (run by core.reviews after the decision committed).
    P + "template_review_outcome": Service(
        "template.approve",
        lambda w: {"actor": _org(w).legal, "review": _template_review(w)},
        system=True,
        before=True,
    ),
    # --- drafting (R-AGR-2, R-AGR-3, R-AGR-5) -------------------------------------------------------
    P + "agreement_create": Service(
        "agreement.create",
        lambda w: {
            "enterprise": w.enterprise(),
            "template_version": w.template_version(),
            "title": "服务表协议",
            "start_date": _today(),
            "end_date": _today() + datetime.timedelta(days=364),
        },
        allowed=_drafter,
        refused=_drafting_refused,
    ),
    P + "agreement_update": Service(
        "agreement.update",
        lambda w: {"agreement": w.agreement(), "title": "改名后的协议"},
        allowed=_drafter,
        refused=_drafting_refused,
        before=True,
    ),
    P + "agreement_clauses_set": Service(
        "agreement.clauses",
        lambda w: {"agreement": w.agreement(), "clauses": _clauses()},
        allowed=_drafter,
        refused=_drafting_refused,
        before=True,
    ),
    P + "service_line_add": Service(
        "agreement.line_add",
        lambda w: {"agreement": w.agreement(), "item": _optional_item(w)},
        allowed=_drafter,
        refused=_drafting_refused,
    ),
    P + "service_line_remove": Service(
        "agreement.line_remove",
        lambda w: {"line": _requested_line(w)},
        allowed=_drafter,
        refused=_drafting_refused,
        before=True,
        after=False,
    ),
    # Only the enterprise confirms a service it asked for; staff never do on its behalf.
    P + "service_line_confirm": Service(
        "agreement.line_confirm",
        lambda w: {"line": _requested_line(w)},
        allowed=lambda w: w.enterprise_user(w.agreement().enterprise),
        refused=lambda w: [
            w.stranger_enterprise_user(),
            _drafter(w),
            _lead(w),
            _s(w, Role.BUSINESS_STAFF, w.other_park),
            _nobody(w),
        ],
    ),
    P + "service_line_record_note": Service(
        "agreement.line_confirm",
        lambda w: {"line": _requested_line(w), "upload": _pdf},
        allowed=_drafter,
        refused=_drafting_refused,
    ),
    P + "fee_line_add": Service(
        "agreement.fee_add", _rent, allowed=_drafter, refused=_drafting_refused
    ),
    P + "fee_line_update": Service(
        "agreement.fee_update",
        lambda w: {"fee": w.agreement().fees.get(), "quantity": "150"},
        allowed=_drafter,
        refused=_drafting_refused,
        before=True,
    ),
    P + "fee_line_remove": Service(
        "agreement.fee_remove",
        lambda w: {"fee": w.agreement().fees.get()},
        allowed=_drafter,
        refused=_drafting_refused,
        before=True,
        after=False,
    ),
    # The legal review's consequence: every gate passed, the agreement awaits signature.
    P + "agreement_review_outcome": Service(
        "agreement.approve",
        lambda w: {"actor": _org(w).legal, "review": _legal_review(w)},
        system=True,
    ),
    # --- signing and amendments (R-AGR-6) ----------------------------------------------------------
    P + "agreement_sign": Service(
        "agreement.sign",
        lambda w: {
            "agreement": _approved(w),
            "signed_on": _today(),
            "enterprise_signatory": "企业法定代表人",
            "scan": _pdf,
        },
        allowed=_drafter,
        refused=_drafting_refused,
    ),
    # Called by the sign step of an amendment, in its transaction.
    P + "supersede": Service(
        "agreement.supersede",
        lambda w: {"actor": _org(w).drafter, "agreement": _amendment(w)},
        system=True,
        before=True,
    ),
    P + "agreement_migration_review_request": Service(
        "review.request",
        lambda w: {"agreement": _migrated(w)},
        allowed=_drafter,
        refused=_drafting_refused,
    ),
    P + "agreement_amend": Service(
        "agreement.amend",
        lambda w: {"agreement": w.signed_agreement()},
        allowed=_drafter,
        refused=_drafting_refused,
    ),
}


# The import's entries (parkflow.agreements.imports), kept beside its routes.
from .service_table_imports import SERVICE_MODULES as _IMPORT_MODULES  # noqa: E402
from .service_table_imports import SERVICES as _IMPORT_SERVICES  # noqa: E402

SERVICE_MODULES += _IMPORT_MODULES
SERVICES |= _IMPORT_SERVICES
