"""The service table the generated service permission tests run (§5 of issue 6, D21;
``test_service_permissions``).

``SERVICES`` has one entry per public function of the service modules (``SERVICE_MODULES``). For
each, the generated tests call it

* as every actor of ``refused(w)``: refused with PermissionDenied/NotFound, no row of any
  ParkFlow table changed, no audit event;
* as ``allowed(w)``: exactly one audit event of the declared action ``code``, with ``after``
  (and ``before`` where the service changes an existing row).

A public function missing from the table fails the suite, and a static check (``ast``) proves
each one either calls the access layer (directly or through a helper of its module) or is
listed with a reason in its module's ``SYSTEM_OPERATIONS``. System operations are in the table
too (``allowed`` is the system, ``refused`` is empty) so that their audit record is checked.

To add a service: ``"module.function": Service(code=..., allowed=..., refused=..., args=...)``;
``args(w)`` returns the keyword arguments except ``actor``; a value that is a zero-argument
callable is called afresh for each call (an upload, say).
"""

import dataclasses
import datetime
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from parkflow.org.choices import ComplianceKind, Role

SERVICE_MODULES = [
    "parkflow.org.services",
    "parkflow.org.tokens",
    "parkflow.enterprises.services",
    "parkflow.enterprises.services_import",
    "parkflow.enterprises.invitations",
    "parkflow.enterprises.exports",
    "parkflow.intake.services",
    "parkflow.core.alerts",
    "parkflow.core.calendar_schedule",
    "parkflow.core.maintained",
]
ACCESS_CALLS = {
    "ensure",
    "ensure_somewhere",
    "may",
    "may_somewhere",
    "get_for_user",
    "get_restricted",
    "scope",
    "restrict",
}


@dataclasses.dataclass(frozen=True)
class Service:
    code: str | None  # the audit action of a success (None: a read, nothing audited)
    args: Callable  # w -> kwargs (without actor)
    allowed: Callable | None = None  # w -> the actor who may (None: a system operation)
    refused: Callable = lambda w: []  # w -> actors who may not
    before: bool = False  # the event carries "before" (the service changes an existing row)
    after: bool = True
    system: bool = False  # called without an actor


def _today():
    return timezone.localdate()


def _s(w, role, park=None):
    return w.staff(role, park or w.park)


def _nobody(w):
    from parkflow.org.tests.factories import UserFactory

    return UserFactory()


def _enterprise_fields(n):
    from parkflow.enterprises.tests.factories import make_credit_code

    return {
        "name": f"服务表测试科技有限公司{n}",
        "credit_code": make_credit_code(5000 + n),
        "legal_representative": "王五",
        "registered_capital": "300",
        "industry": "it",
        "contact_name": "赵六",
        "contact_phone": "13912345678",
    }


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
    # --- organisation ---------------------------------------------------------------------------
    "parkflow.org.services.emergency_contact_create": Service(
        "emergency_contact.create",
        lambda w: {"unit": w.park, "name": "值班经理", "phone": "13800138000"},
        allowed=lambda w: _s(w, Role.OFFICE_STAFF),
        refused=lambda w: [_s(w, Role.OFFICE_STAFF, w.other_park), _s(w, Role.AUDITOR), _nobody(w)],
    ),
    "parkflow.org.services.emergency_contact_confirm": Service(
        "emergency_contact.confirm",
        lambda w: {"contact": w.contact()},
        allowed=lambda w: _s(w, Role.OFFICE_STAFF),
        refused=lambda w: [_s(w, Role.OFFICE_STAFF, w.other_park), _s(w, Role.AUDITOR)],
        before=True,
    ),
    "parkflow.org.services.compliance_record_add": Service(
        "compliance_record.add",
        lambda w: {
            "person": w.clerk(),
            "kind": ComplianceKind.COMMITMENT,
            "completed_on": _today() - datetime.timedelta(days=1),
        },
        allowed=lambda w: _s(w, Role.OFFICE_STAFF),
        refused=lambda w: [
            _s(w, Role.OFFICE_STAFF, w.other_park),
            _s(w, Role.BUSINESS_STAFF),
            w.clerk(),  # nobody vouches for himself
        ],
    ),
    "parkflow.org.services.compliance_evidence_open": Service(
        "compliance_record.evidence_download",
        lambda w: {"record": _compliance_record(w)},
        allowed=lambda w: _s(w, Role.AUDITOR),
        refused=lambda w: [_s(w, Role.AUDITOR, w.other_park), _nobody(w), w.enterprise_user()],
    ),
    # A predicate for the page: it answers, never raises (see the test further down).
    "parkflow.org.services.may_record_compliance_for": Service(
        None,
        lambda w: {"person": w.clerk()},
        allowed=lambda w: _s(w, Role.OFFICE_STAFF),
        after=False,
    ),
    "parkflow.org.services.role_assign": Service(
        "role.assign",
        lambda w: {"person": w.clerk(), "role": Role.RISK_OFFICER, "unit": w.park},
        allowed=lambda w: _s(w, Role.SYSTEM_ADMIN),
        refused=lambda w: [_s(w, Role.SYSTEM_ADMIN, w.other_park), _s(w, Role.OFFICE_STAFF)],
    ),
    "parkflow.org.services.role_revoke": Service(
        "role.revoke",
        lambda w: {"assignment": w.clerk().role_assignments.get()},
        allowed=lambda w: _s(w, Role.SYSTEM_ADMIN),
        refused=lambda w: [_s(w, Role.SYSTEM_ADMIN, w.other_park), _s(w, Role.OFFICE_STAFF)],
        before=True,
        after=False,
    ),
    "parkflow.org.services.user_save": Service(
        "user.create",
        lambda w: {"person": lambda: _new_user(), "change": False},
        allowed=lambda w: _s(w, Role.SYSTEM_ADMIN),
        refused=lambda w: [_s(w, Role.OFFICE_STAFF), _nobody(w)],
    ),
    # --- kernel: the lists maintained in the admin ----------------------------------------------
    "parkflow.core.maintained.maintained_save": Service(
        "calendar_day.create",
        lambda w: {"obj": lambda: _calendar_day(), "label": "calendar_day", "change": False},
        allowed=lambda w: _s(w, Role.SYSTEM_ADMIN),
        refused=lambda w: [_s(w, Role.OFFICE_STAFF), _nobody(w)],
    ),
    "parkflow.core.maintained.maintained_delete": Service(
        "calendar_day.delete",
        lambda w: {"obj": _stored_calendar_day(), "label": "calendar_day"},
        allowed=lambda w: _s(w, Role.SYSTEM_ADMIN),
        refused=lambda w: [_s(w, Role.OFFICE_STAFF), _nobody(w)],
        before=True,
        after=False,
    ),
    # --- enterprises ------------------------------------------------------------------------------
    "parkflow.enterprises.services.enterprise_create": Service(
        "enterprise.create",
        lambda w: {"park": w.park, **_enterprise_fields(1)},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [_s(w, Role.BUSINESS_STAFF, w.other_park), _s(w, Role.AUDITOR)],
    ),
    "parkflow.enterprises.services.enterprise_update": Service(
        "enterprise.update",
        lambda w: {"enterprise": w.enterprise(), "contact_name": "钱七", "reason": "换人"},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [_s(w, Role.BUSINESS_STAFF, w.other_park), _s(w, Role.AUDITOR)],
        before=True,
    ),
    "parkflow.enterprises.services.enterprise_transition": Service(
        "enterprise.apply",
        lambda w: {"enterprise": w.licensed()[0], "action": "apply"},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [_s(w, Role.BUSINESS_STAFF, w.other_park), _s(w, Role.AUDITOR)],
        before=True,
    ),
    "parkflow.enterprises.services.enterprise_apply": Service(
        "enterprise.apply",
        lambda w: {"enterprise": w.licensed()[0]},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [_s(w, Role.BUSINESS_STAFF, w.other_park), _s(w, Role.AUDITOR)],
        before=True,
    ),
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
    "parkflow.enterprises.services.enterprise_input": Service(
        None, lambda w: {"values": {"name": " 服务表科技有限公司 "}}, system=True, after=False
    ),
    "parkflow.intake.services.brand_check": Service(
        "brand.flag",
        lambda w: {"enterprise": _brand_lookalike(w)},
        system=True,
    ),
    "parkflow.enterprises.services.portal_application_register": Service(
        "enterprise.create",
        lambda w: {
            "park": w.park,
            "username": "portal-service-table",
            "password": "Yuanqu-2026!x",
            "password_confirm": "Yuanqu-2026!x",
            **_enterprise_fields(2),
        },
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
    # --- the register import -----------------------------------------------------------------
    "parkflow.enterprises.services_import.import_batch_upload": Service(
        "enterprise_import.upload",
        lambda w: {"upload": lambda: _register_upload(w)},
        allowed=lambda w: _importer(w),
        refused=lambda w: [w.clerk(), _s(w, Role.AUDITOR), _nobody(w), w.enterprise_user()],
    ),
    "parkflow.enterprises.services_import.import_batch_confirm": Service(
        "enterprise_import.confirm",
        lambda w: {"batch": _import_batch(w, "valid")},
        allowed=lambda w: _importer(w),
        # A batch is its importer's: another importer of the same park does not find it.
        refused=lambda w: [_s(w, Role.OFFICE_STAFF), _s(w, Role.AUDITOR), _nobody(w)],
    ),
    "parkflow.enterprises.services_import.import_batch_get_for_user": Service(
        None,
        lambda w: {"pk": _import_batch(w, "checking").pk},
        allowed=lambda w: _importer(w),
        refused=lambda w: [_s(w, Role.OFFICE_STAFF), _s(w, Role.SYSTEM_ADMIN), _nobody(w)],
        after=False,
    ),
    "parkflow.enterprises.services_import.import_batch_list": Service(
        None,
        lambda w: (_import_batch(w, "checking"), {})[1],  # a batch exists, of the importer
        allowed=lambda w: _importer(w),
        refused=lambda w: [_s(w, Role.OFFICE_STAFF), _s(w, Role.SYSTEM_ADMIN), _nobody(w)],
        after=False,
    ),
    "parkflow.enterprises.services_import.importable_parks": Service(
        None, lambda w: {}, allowed=lambda w: _importer(w), after=False
    ),
    "parkflow.enterprises.services_import.contact_units": Service(
        None, lambda w: {}, allowed=lambda w: _importer(w), after=False
    ),
    "parkflow.enterprises.services_import.import_batch_check": Service(
        "enterprise_import.check",
        lambda w: {"batch_id": _import_batch(w, "checking").pk},
        system=True,
    ),
    "parkflow.enterprises.services_import.import_batch_run": Service(
        "enterprise_import.commit",
        lambda w: {"batch_id": _import_batch(w, "importing").pk},
        system=True,
    ),
    "parkflow.enterprises.services_import.report_progress": Service(
        None, lambda w: {"batch_id": 1, "rows_done": 3}, system=True, after=False
    ),
    "parkflow.enterprises.services_import.progress_of": Service(
        None, lambda w: {"batch": _import_batch(w, "checking")}, system=True, after=False
    ),
    # --- portal invitations ----------------------------------------------------------------------
    "parkflow.enterprises.invitations.portal_invitation_create": Service(
        "portal_invitation.create",
        lambda w: {"enterprise": w.enterprise()},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [
            _s(w, Role.BUSINESS_STAFF, w.other_park),
            _s(w, Role.AUDITOR),
            w.enterprise_user(),
        ],
    ),
    "parkflow.enterprises.invitations.portal_invitation_revoke": Service(
        "portal_invitation.revoke",
        lambda w: {"invitation": _invitation(w)[0]},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [
            _s(w, Role.BUSINESS_STAFF, w.other_park),
            _s(w, Role.AUDITOR),
            w.enterprise_user(),
        ],
        before=True,
    ),
    "parkflow.enterprises.invitations.portal_invitation_accept": Service(
        "portal_invitation.accept",
        lambda w: {
            "token": _invitation(w)[1],
            "username": "invited-service-table",
            "password": "Yuanqu-2026!x",
            "password_confirm": "Yuanqu-2026!x",
        },
        system=True,
        before=True,
    ),
    "parkflow.enterprises.invitations.invitation_for_token": Service(
        None, lambda w: {"token": _invitation(w)[1]}, system=True, after=False
    ),
    "parkflow.enterprises.invitations.valid_days": Service(
        None, lambda w: {}, system=True, after=False
    ),
    "parkflow.enterprises.invitations.token_hash": Service(
        None, lambda w: {"token": "abc"}, system=True, after=False
    ),
    "parkflow.enterprises.invitations.suggested_username": Service(
        None, lambda w: {"enterprise": w.enterprise()}, system=True, after=False
    ),
    # --- API tokens: the owner acts on his own; anyone else finds nothing ------------------------
    "parkflow.org.tokens.issue": Service(
        "api_token.create",
        lambda w: {"name": "服务表令牌"},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [_anonymous(), _inactive(w)],
    ),
    "parkflow.org.tokens.revoke": Service(
        "api_token.revoke",
        lambda w: {"token": _api_token(w)},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [_s(w, Role.BUSINESS_STAFF), _s(w, Role.SYSTEM_ADMIN), _anonymous()],
        before=True,
    ),
    "parkflow.org.tokens.revoke_all_for_user": Service(
        "api_token.revoke_all",
        lambda w: {"user": _api_token(w).user, "reason": "password_changed"},
        system=True,
    ),
    "parkflow.org.tokens.for_user": Service(
        None, lambda w: {"user": w.clerk()}, system=True, after=False
    ),
    "parkflow.org.tokens.live": Service(None, lambda w: {}, system=True, after=False),
    "parkflow.org.tokens.digest": Service(
        None, lambda w: {"key": "pf_abc"}, system=True, after=False
    ),
    # --- the holiday schedule: headquarters only ------------------------------------------------
    "parkflow.core.calendar_schedule.calendar_schedule_enter": Service(
        "calendar.schedule_enter",
        lambda w: {"year": 2027, "rows": _schedule_rows(), "notice": "国办发明电〔2026〕9号"},
        allowed=lambda w: w.hq_staff(Role.SYSTEM_ADMIN),
        refused=lambda w: [
            _s(w, Role.SYSTEM_ADMIN),
            _s(w, Role.OFFICE_STAFF),
            w.hq_staff(Role.AUDITOR),
            _nobody(w),
        ],
        before=True,
    ),
    # A predicate (named ``user``, so called as the system with the user in its arguments).
    "parkflow.core.calendar_schedule.may_manage": Service(
        None, lambda w: {"user": w.hq_staff(Role.OFFICE_STAFF)}, system=True, after=False
    ),
    "parkflow.core.calendar_schedule.weekday_label": Service(
        None, lambda w: {"day": _today()}, system=True, after=False
    ),
    "parkflow.core.calendar_schedule.date_label": Service(
        None, lambda w: {"day": _today()}, system=True, after=False
    ),
    "parkflow.core.calendar_schedule.parse_text": Service(
        None, lambda w: {"year": 2027, "text": SCHEDULE_2027}, system=True, after=False
    ),
    "parkflow.core.calendar_schedule.file_to_text": Service(
        None, lambda w: {"upload": _schedule_csv}, system=True, after=False
    ),
    "parkflow.core.calendar_schedule.template_workbook": Service(
        None, lambda w: {}, system=True, after=False
    ),
    "parkflow.core.calendar_schedule.validate": Service(
        None, lambda w: {"year": 2027, "rows": _schedule_rows()}, system=True, after=False
    ),
    "parkflow.core.calendar_schedule.plan": Service(
        None, lambda w: {"rows": _schedule_rows()}, system=True, after=False
    ),
    "parkflow.core.calendar_schedule.preview": Service(
        None, lambda w: {"year": 2027, "rows": _schedule_rows()}, system=True, after=False
    ),
    # --- the export ------------------------------------------------------------------------------
    "parkflow.enterprises.exports.enterprise_export": Service(
        "enterprise.export",
        lambda w: {"filters": {}},
        allowed=lambda w: _s(w, Role.AUDITOR),
        refused=lambda w: [_nobody(w), w.enterprise_user()],
    ),
    "parkflow.enterprises.exports.enterprise_workbook": Service(
        None, lambda w: {"enterprises": []}, system=True, after=False
    ),
    "parkflow.enterprises.exports.export_filename": Service(
        None, lambda w: {}, system=True, after=False
    ),
    # --- alerts -----------------------------------------------------------------------------------
    "parkflow.core.alerts.alert_list": Service(
        None,
        lambda w: {},
        allowed=lambda w: _s(w, Role.AUDITOR),
        refused=lambda w: [],
        after=False,
    ),
    "parkflow.core.alerts.alert_get_for_user": Service(
        None,
        lambda w: {"pk": w.alert().pk},
        allowed=lambda w: _s(w, Role.AUDITOR),
        refused=lambda w: [_s(w, Role.AUDITOR, w.other_park), _nobody(w), w.enterprise_user()],
        after=False,
    ),
    "parkflow.core.alerts.alert_acknowledge": Service(
        "alert.acknowledge",
        lambda w: {"alert": w.alert()},
        allowed=lambda w: _s(w, Role.OFFICE_STAFF),
        refused=lambda w: [_s(w, Role.OFFICE_STAFF, w.other_park), _s(w, Role.AUDITOR)],
    ),
    "parkflow.core.alerts.alert_assign": Service(
        "alert.assign",
        lambda w: {"alert": w.alert(), "assignee": w.clerk()},
        allowed=lambda w: _s(w, Role.OFFICE_STAFF),
        refused=lambda w: [_s(w, Role.OFFICE_STAFF, w.other_park), _s(w, Role.AUDITOR)],
        before=True,
    ),
    "parkflow.core.alerts.alert_resolve": Service(
        "alert.resolve",
        lambda w: {"alert": w.alert(resolvable=True), "note": "已核实"},
        allowed=lambda w: _s(w, Role.OFFICE_STAFF),
        refused=lambda w: [_s(w, Role.OFFICE_STAFF, w.other_park), _s(w, Role.AUDITOR)],
    ),
}


def _compliance_record(w):
    from parkflow.org import services

    return services.compliance_record_add(
        actor=_s(w, Role.OFFICE_STAFF),
        person=w.clerk(),
        kind=ComplianceKind.COMMITMENT,
        completed_on=_today() - datetime.timedelta(days=3),
        evidence=_pdf(),
    )


def _brand(w):

    from parkflow.intake import services as intake_services

    return intake_services.protected_brand_create(
        actor=_s(w, Role.RISK_OFFICER), name="服务表品牌乙"
    )


def _importer(w):
    if "importer" not in w._cache:
        w._cache["importer"] = _s(w, Role.OFFICE_STAFF)
    return w._cache["importer"]


def _register_upload(w):
    from parkflow.enterprises.tests import ledgers

    rows = [
        ledgers.enterprise_row(1, w.park.name, status="意向", seed_offset=7000),
        ledgers.enterprise_row(2, w.park.name, status="在园", seed_offset=7000),
    ]
    return ledgers.upload(
        ledgers.workbook(rows, [[w.park.name, "周建国", "安全主管", "0512-66881234"]])
    )


def _import_batch(w, status: str):
    """A batch of ``_importer(w)``: uploaded (checking), checked (valid) or confirmed (importing).
    The worker's steps are called directly: in a test their on-commit tasks never fire."""
    from parkflow.enterprises import services_import

    batch = services_import.import_batch_upload(actor=_importer(w), upload=_register_upload(w))
    if status in ("valid", "importing"):
        batch = services_import.import_batch_check(batch_id=batch.pk)
        assert batch.status == "valid", batch.errors or batch.failure
    if status == "importing":
        batch = services_import.import_batch_confirm(actor=_importer(w), batch=batch)
    assert batch.status == status
    return batch


def _invitation(w):
    """A pending portal invitation of the world's enterprise and its raw token."""
    if "invitation" not in w._cache:
        from parkflow.enterprises import invitations

        w._cache["invitation"] = invitations.portal_invitation_create(
            actor=w.clerk(), enterprise=w.enterprise()
        )
    return w._cache["invitation"]


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def _inactive(w):
    from parkflow.org.tests.factories import UserFactory

    return UserFactory(is_active=False)


def _api_token(w):
    from parkflow.org import tokens

    if "api_token" not in w._cache:
        w._cache["api_token"] = tokens.issue(actor=w.clerk(), name="服务表令牌")[0]
    return w._cache["api_token"]


SCHEDULE_2027 = """元旦, 2027-01-01~2027-01-03
春节, 2027-02-05~2027-02-12, 2027-02-14 2027-02-20
国庆节, 2027-10-01~2027-10-07, 2027-09-26 2027-10-09
"""


def _schedule_rows():
    from parkflow.core import calendar_schedule

    rows, errors = calendar_schedule.parse_text(2027, SCHEDULE_2027)
    assert not errors, errors
    return rows


def _schedule_csv():
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = "名称,放假开始日期,放假结束日期,调休上班日\n元旦,2027-01-01,2027-01-03,\n"
    return SimpleUploadedFile("schedule.csv", text.encode("utf-8"), content_type="text/csv")


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


def _new_user():
    from parkflow.org.models import User

    return User(username="new_colleague", display_name="新同事")


def _calendar_day():
    from parkflow.core.models import CalendarDay

    return CalendarDay(date=datetime.date(2031, 10, 8), is_working_day=False, name="国庆节")


def _stored_calendar_day():
    day = _calendar_day()
    day.save()
    return day
