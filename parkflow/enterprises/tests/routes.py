"""The enterprise register's routes of the permission table (see ``parkflow.core.tests.routes``;
``test_route_permissions`` discovers this module in every installed app). Intake's are in
``parkflow.intake.tests.routes``; the intake actions nested under an enterprise in the API
(``api:enterprise-documents`` …) are here, with the viewset.

``BUILDERS`` gives every case maker ``w.enterprise()`` (park A's marked enterprise),
``w.enterprise_user(enterprise)`` and ``w.stranger_enterprise_user()`` (the user of another
enterprise of park A, the persona the generated tests try on every route)."""

import datetime

from parkflow.core.tests.routes import (
    ALLOWED,
    API,
    HIDDEN,
    REFUSED,
    STAFF,
    Case,
    Route,
    _today,
)
from parkflow.org.choices import Role

IMPORT_FILE = "甲园标记台账.xlsx"


# ---------------------------------------------------------------------------------------------
# Builders (World.<name>)


def enterprise(w, **kwargs):
    """Park A's marked enterprise (one per world); with ``name=`` a further one."""
    from parkflow.enterprises.tests.factories import EnterpriseFactory

    if not kwargs and "enterprise" in w._cache:
        return w._cache["enterprise"]
    made = EnterpriseFactory(park=w.park, name=kwargs.pop("name", "甲园标记科技有限公司"))
    w._cache.setdefault("enterprise", made)
    return made


def enterprise_user(w, enterprise=None):
    """A portal user of the enterprise (default: park A's marked one)."""
    from parkflow.enterprises.tests.factories import enterprise_user as user_of

    return user_of(enterprise or w.enterprise())


def stranger_enterprise_user(w):
    """The portal user of another enterprise of the same park."""
    from parkflow.enterprises.tests.factories import EnterpriseFactory
    from parkflow.enterprises.tests.factories import enterprise_user as user_of

    return user_of(EnterpriseFactory(park=w.park, name="同园其他企业"))


BUILDERS = {
    "enterprise": enterprise,
    "enterprise_user": enterprise_user,
    "stranger_enterprise_user": stranger_enterprise_user,
}


def _pdf():
    from parkflow.enterprises.tests.factories import pdf_upload

    return pdf_upload()


def _doc_form(w):
    """The form of an enterprise document upload (a current business licence)."""
    return {
        "doc_type": "business_licence",
        "file": _pdf(),
        "valid_from": (_today() - datetime.timedelta(days=30)).isoformat(),
        "valid_until": (_today() + datetime.timedelta(days=700)).isoformat(),
        "note": "",
    }


# ---------------------------------------------------------------------------------------------
# Case makers


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


def _enterprise_case(w):
    e = w.enterprise()
    return Case({"pk": e.pk}, marker=e.name, enterprise=e)


def _transition_case(w):
    enterprise, _licence = w.licensed()
    return Case({"pk": enterprise.pk, "name": "apply"}, data={"POST": {"reason": ""}})


def _edit_case(w):
    e = w.enterprise()
    return Case({"pk": e.pk}, data={"POST": _edit_form}, enterprise=e)


def _create_case(w):
    return Case(data={"POST": lambda w: _enterprise_form(w, w.park.pk)})


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


def _marker_enterprise(w):
    e = w.enterprise()
    return Case(marker=e.name, enterprise=e)


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


R = Role
ROUTES = {
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
    "enterprises:detail": Route(
        STAFF, {"GET": 200}, "enterprise.view", R.AUDITOR, _enterprise_case
    ),
    "enterprises:timeline": Route(
        STAFF, {"GET": 200}, "enterprise.timeline", R.AUDITOR, _enterprise_case
    ),
    "enterprises:edit": Route(
        STAFF, {"GET": 200, "POST": 302}, "enterprise.edit", R.BUSINESS_STAFF, _edit_case
    ),
    "enterprises:transition": Route(
        STAFF, {"POST": 302}, "enterprise.transition", R.BUSINESS_STAFF, _transition_case
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
    "api:enterprise-move-in": Route(
        API, {"POST": 200}, "enterprise.transition", R.BUSINESS_STAFF, _api_move_in
    ),
    "api:enterprise-start-exit": Route(
        API, {"POST": 200}, "enterprise.transition", R.BUSINESS_STAFF, _api_start_exit
    ),
    "api:enterprise-complete-exit": Route(
        API, {"POST": 200}, "enterprise.transition", R.BUSINESS_STAFF, _api_complete_exit
    ),
    "api:enterprise-approve": Route(
        API, {"POST": 200}, "enterprise.transition", R.BUSINESS_STAFF, _api_approve
    ),
    "api:enterprise-reject": Route(
        API, {"POST": 200}, "enterprise.transition", R.BUSINESS_STAFF, _api_reject
    ),
    "api:enterprise-intake-declare-conflict": Route(
        API, {"POST": 201}, "enterprise.declare_conflict", R.BUSINESS_STAFF, _api_declare
    ),
    "api:enterprise-reviews": Route(
        API, {"GET": 200}, "review.view", R.BUSINESS_STAFF, _api_under_review
    ),
    "api:enterprise-audit": Route(
        API, {"GET": 200}, "enterprise.timeline", R.AUDITOR, _enterprise_case
    ),
    "api:enterprise-intake-documents": Route(
        API,
        {"GET": 200, "POST": 201},
        {"GET": "enterprise.view", "POST": "document.upload"},
        R.BUSINESS_STAFF,
        _api_documents,
    ),
    "api:enterprise-intake-draws": Route(
        API, {"GET": 200}, "enterprise.view", R.BUSINESS_STAFF, _api_under_review
    ),
    "api:enterprise-intake-standing": Route(
        API, {"GET": 200}, "enterprise.view", R.AUDITOR, _enterprise_case
    ),
    "api:enterprise-intake-charge-admission-fee": Route(
        API, {"POST": 201}, "fee.charge", R.FINANCE_STAFF, _api_fee
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
}
