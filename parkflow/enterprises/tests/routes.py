"""The enterprise register and customer intake routes of the permission table (see ``parkflow.core.tests.routes``;
``test_route_permissions`` discovers this module in every installed app)."""

import datetime

from parkflow.core.tests.routes import (
    ALLOWED,
    API,
    HIDDEN,
    REFUSED,
    STAFF,
    Case,
    Route,
    _doc_form,
    _nothing,
    _today,
)
from parkflow.org.choices import Role

IMPORT_FILE = "甲园标记台账.xlsx"


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


def _api_brand_flags(w):
    from parkflow.intake import services as intake_services
    from parkflow.intake.models import ProtectedBrand

    ProtectedBrand.objects.get_or_create(name="华为")
    flagged = w.enterprise(name="华为甲园标记")
    intake_services.brand_check(enterprise=flagged)
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


def _brand_case(w):
    from parkflow.intake import services as intake_services

    brand = intake_services.protected_brand_create(
        actor=w.staff(Role.RISK_OFFICER), name="甲园标记牌"
    )
    return Case({"pk": brand.pk}, data={"PATCH": {"aliases": "甲园标记别名"}})


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
    "enterprises:detail": Route(
        STAFF, {"GET": 200}, "enterprise.view", R.AUDITOR, _enterprise_case
    ),
    "enterprises:timeline": Route(
        STAFF, {"GET": 200}, "enterprise.timeline", R.AUDITOR, _enterprise_case
    ),
    "enterprises:edit": Route(
        STAFF, {"GET": 200, "POST": 302}, "enterprise.edit", R.BUSINESS_STAFF, _edit_case
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
    "api:enterprise-intake-brand-flags": Route(
        API, {"GET": 200}, "enterprise.view", R.AUDITOR, _api_brand_flags
    ),
    "api:enterprise-intake-standing": Route(
        API, {"GET": 200}, "enterprise.view", R.AUDITOR, _enterprise_case
    ),
    "api:enterprise-intake-charge-admission-fee": Route(
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
    # --- protected brands: group-wide list (D21) -------------------------------------------
    "api:protected-brand-detail": Route(
        API, {"PATCH": 200}, "brand.manage", R.RISK_OFFICER, _brand_case, other_park=ALLOWED
    ),
}
