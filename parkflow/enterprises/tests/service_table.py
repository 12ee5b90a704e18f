"""The enterprise register's part of the service table (see
``parkflow.core.tests.service_table``; ``test_service_permissions`` discovers this module in every
installed app)."""

from parkflow.core.tests.service_table import Service, _nobody, _s
from parkflow.org.choices import Role

SERVICE_MODULES = [
    "parkflow.enterprises.services",
    "parkflow.enterprises.services_import",
    "parkflow.enterprises.invitations",
    "parkflow.enterprises.exports",
]


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


SERVICES: dict[str, Service] = {
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
    # System operations (SYSTEM_OPERATIONS): their audit record is still checked.
    "parkflow.enterprises.services.enterprise_input": Service(
        None, lambda w: {"values": {"name": " 服务表科技有限公司 "}}, system=True, after=False
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
}


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
