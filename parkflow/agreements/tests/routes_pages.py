"""The staff pages of agreements in the route policy table (see routes.py and
``parkflow.core.tests.routes``): every page and action on real objects of park A, built through
the services (``w.agreement()`` is a draft with a rent line, ``w.signed_agreement()`` a signed
one, ``w.template_version()`` an approved template)."""

import datetime

from parkflow.core.tests.routes import (
    ALLOWED,
    FORBIDDEN,
    HIDDEN,
    REFUSED,
    STAFF,
    Case,
    Route,
    _today,
)
from parkflow.org.choices import Role as R

TEMPLATE_MARKER = "甲园标记模板"
ITEM_MARKER = "甲园标记服务"
TARIFF_MARKER = "甲园标记收费"


def _org(w):
    return w.agreement_people()


def _pdf(name="确认书.pdf"):
    from parkflow.enterprises.tests.factories import pdf_upload

    return pdf_upload(name)


def clause_post(clauses, prefix="clauses") -> dict:
    """The POST of a clause formset: the management form and one row per clause."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(clauses)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, clause in enumerate(clauses):
        for name in ("kind", "title", "text", "venue_kind", "venue_name"):
            data[f"{prefix}-{index}-{name}"] = clause.get(name, "")
        data[f"{prefix}-{index}-ORDER"] = str(index + 1)
    return data


def _complete_clauses():
    from .factories import complete_clauses

    return complete_clauses()


def _requested_item(w, name=ITEM_MARKER):
    """A service item of park A that no agreement kind requires: an enterprise's request."""
    from .. import services

    key = f"agreements_item_{name}"
    if key not in w._cache:
        w._cache[key] = services.service_item_save(
            actor=_org(w).lead, park=w.park, code="S-MARK", name=name
        )
    return w._cache[key]


def _requested_line(w):
    from .. import services

    agreement = w.agreement()
    return services.service_line_add(
        actor=_org(w).drafter, agreement=agreement, item=_requested_item(w)
    )


def _draft_template(w):
    from .. import services
    from .factories import venues

    if "draft_template" not in w._cache:
        venues()
        w._cache["draft_template"] = services.template_create(
            actor=_org(w).lead,
            park=w.park,
            name=TEMPLATE_MARKER,
            kind="residency",
            clauses=_complete_clauses(),
        )
    return w._cache["draft_template"]


# ---------------------------------------------------------------------------------------------
# Case makers


def _list_case(w):
    made = w.agreement()
    return Case(marker=made.title, enterprise=made.enterprise)


def _detail_case(w):
    made = w.agreement()
    return Case({"pk": made.pk}, enterprise=made.enterprise)


def _create_case(w):
    enterprise = w.enterprise()
    version = w.template_version()
    start = _today()
    return Case(
        data={
            "POST": {
                "enterprise": enterprise.pk,
                "template_version": version.pk,
                "title": "新起草的入驻服务协议",
                "start_date": start.isoformat(),
                "end_date": (start + datetime.timedelta(days=364)).isoformat(),
            }
        }
    )


def _edit_case(w):
    made = w.agreement()
    return Case(
        {"pk": made.pk},
        data={
            "POST": {
                "title": "甲园标记协议（修订）",
                "start_date": made.start_date.isoformat(),
                "end_date": made.end_date.isoformat(),
                "price_approver": "",
            }
        },
        enterprise=made.enterprise,
    )


def _clauses_case(w):
    made = w.agreement()
    clauses = _complete_clauses()
    clauses[0]["text"] = "本协议自双方签署之日起生效，有效期一年。"
    return Case({"pk": made.pk}, data={"POST": clause_post(clauses)}, enterprise=made.enterprise)


def _line_add_case(w):
    made = w.agreement()
    item = _requested_item(w)
    return Case({"pk": made.pk}, data={"POST": {"item": item.pk}}, enterprise=made.enterprise)


def _line_case(w):
    line = _requested_line(w)
    return Case({"pk": line.agreement_id, "line_pk": line.pk}, enterprise=line.agreement.enterprise)


def _line_note_case(w):
    case = _line_case(w)
    case.data = {"POST": lambda w: {"upload": _pdf()}}
    return case


def _fee_values(agreement, **changes):
    return {
        "kind": "rent",
        "service_item": "",
        "label": "仓库租金",
        "quantity": "50",
        "unit_price": "",
        "period": "monthly",
        "start_date": agreement.start_date.isoformat(),
        "end_date": agreement.end_date.isoformat(),
        "escalation_percent": "0",
        **changes,
    }


def _fee_add_case(w):
    made = w.agreement()
    return Case({"pk": made.pk}, data={"POST": _fee_values(made)}, enterprise=made.enterprise)


def _fee_case(w):
    made = w.agreement()
    fee = made.fees.get()
    return Case(
        {"pk": made.pk, "fee_pk": fee.pk},
        data={"POST": _fee_values(made, label="办公室租金", quantity="150")},
        enterprise=made.enterprise,
    )


def _submit_case(w):
    made = w.agreement()
    _org(w)  # the legal officers the review is asked of
    return Case(
        {"pk": made.pk, "name": "submit"}, data={"POST": {"reason": ""}}, enterprise=made.enterprise
    )


def _sign_case(w):
    from .factories import good_standing, legally_approved

    org = _org(w)
    made = legally_approved(
        org,
        enterprise=good_standing(w.park, org.drafter),
        template=w.template_version(),
    )
    return Case(
        {"pk": made.pk},
        data={
            "POST": lambda w: {
                "signed_on": _today().isoformat(),
                "enterprise_signatory": "企业法定代表人",
                "park_signatory": "",
                "scan": _pdf("协议签署件.pdf"),
            }
        },
        enterprise=made.enterprise,
    )


def _amend_case(w):
    made = w.signed_agreement()
    return Case({"pk": made.pk}, data={"POST": {"title": ""}}, enterprise=made.enterprise)


def _migration_review_case(w):
    from .service_table import _migrated

    made = _migrated(w)
    return Case({"pk": made.pk}, data={"POST": {}}, enterprise=made.enterprise)


def _templates_case(w):
    _draft_template(w)
    return Case(marker=TEMPLATE_MARKER)


def _template_create_case(w):
    from .factories import venues

    venues()
    return Case(
        data={
            "POST": {
                "park": w.park.pk,
                "name": "新建的物业服务协议模板",
                "kind": "property",
                "note": "",
                **clause_post(_complete_clauses()),
            }
        }
    )


def _version_case(w):
    version = w.template_version()
    return Case({"pk": version.pk})


def _draft_version_case(w):
    version = _draft_template(w)
    return Case({"pk": version.pk}, data={"POST": clause_post(_complete_clauses())})


def _new_version_case(w):
    version = w.template_version()
    return Case({"pk": version.pk}, data={"POST": {"note": "调整违约责任条款"}})


def _rereview_case(w):
    version = w.template_version()
    return Case(
        {"pk": version.pk},
        data={"POST": {"opinion": "核心条款符合现行法律法规，可继续使用。"}},
    )


def _tariffs_case(w):
    from .. import services

    org = _org(w)
    services.tariff_publish(
        actor=org.lead,
        park=w.park,
        fee_kind="property",
        unit="sqm_month",
        price="8.50",
        effective_from=_today(),
        note=TARIFF_MARKER,
    )
    return Case(
        marker=TARIFF_MARKER,
        data={
            "POST": lambda w: {
                "park": w.park.pk,
                "fee_kind": "rent",
                "service_item": "",
                "unit": "sqm_month",
                "price": "86.00",
                "effective_from": (_today() + datetime.timedelta(days=30)).isoformat(),
                "note": "",
            }
        },
    )


def _service_items_case(w):
    _requested_item(w)
    return Case(
        marker=ITEM_MARKER,
        data={
            "POST": lambda w: {
                "park": w.park.pk,
                "code": "NEW01",
                "name": "人才公寓申请代办",
                "description": "",
                "required_for": [],
                "is_active": "on",
            }
        },
    )


def _service_item_case(w):
    item = _requested_item(w)
    return Case(
        {"pk": item.pk},
        data={
            "POST": {
                "park": w.park.pk,
                "code": item.code,
                "name": item.name,
                "description": "按企业申请提供",
                "required_for": [],
                "is_active": "on",
            }
        },
    )


def _venue_values(name):
    return {"name": name, "kind": "arbitration", "note": "", "is_active": "on"}


def _venues_case(w):
    from .factories import venues

    venues()
    return Case(data={"POST": lambda w: _venue_values("上海国际仲裁中心")})


def _venue_case(w):
    from ..models import Venue
    from .factories import ARBITRATION, venues

    venues()
    venue = Venue.objects.get(name=ARBITRATION)
    return Case({"pk": venue.pk}, data={"POST": {**_venue_values(ARBITRATION), "note": "常用"}})


DRAFT = R.BUSINESS_STAFF

ROUTES = {
    # --- the ledger and one agreement -----------------------------------------------------
    "agreements:list": Route(
        STAFF, {"GET": 200}, "agreement.view", R.AUDITOR, _list_case, other_park=HIDDEN
    ),
    "agreements:export": Route(
        STAFF, {"GET": 200}, "agreement.export", R.AUDITOR, _list_case, other_park=HIDDEN
    ),
    "agreements:create": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        "agreement.draft",
        DRAFT,
        _create_case,
        other_park={"GET": ALLOWED, "POST": REFUSED},
    ),
    "agreements:detail": Route(STAFF, {"GET": 200}, "agreement.view", R.AUDITOR, _detail_case),
    "agreements:edit": Route(
        STAFF, {"GET": 200, "POST": 302}, "agreement.draft", DRAFT, _edit_case
    ),
    "agreements:clauses": Route(
        STAFF, {"GET": 200, "POST": 302}, "agreement.draft", DRAFT, _clauses_case
    ),
    "agreements:line_add": Route(STAFF, {"POST": 302}, "agreement.draft", DRAFT, _line_add_case),
    "agreements:line_remove": Route(STAFF, {"POST": 302}, "agreement.draft", DRAFT, _line_case),
    "agreements:line_note": Route(STAFF, {"POST": 302}, "agreement.draft", DRAFT, _line_note_case),
    "agreements:fee_add": Route(
        STAFF, {"GET": 200, "POST": 302}, "agreement.draft", DRAFT, _fee_add_case
    ),
    "agreements:fee_edit": Route(
        STAFF, {"GET": 200, "POST": 302}, "agreement.draft", DRAFT, _fee_case
    ),
    "agreements:fee_remove": Route(STAFF, {"POST": 302}, "agreement.draft", DRAFT, _fee_case),
    "agreements:transition": Route(STAFF, {"POST": 302}, "agreement.submit", DRAFT, _submit_case),
    "agreements:sign": Route(STAFF, {"GET": 200, "POST": 302}, "agreement.sign", DRAFT, _sign_case),
    "agreements:amend": Route(STAFF, {"POST": 302}, "agreement.amend", DRAFT, _amend_case),
    "agreements:migration_review": Route(
        STAFF, {"POST": 302}, "agreement.submit", DRAFT, _migration_review_case
    ),
    # --- templates --------------------------------------------------------------------------
    "agreements:templates": Route(
        STAFF, {"GET": 200}, "template.view", R.AUDITOR, _templates_case, other_park=HIDDEN
    ),
    "agreements:template_create": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        "template.manage",
        R.LEAD_STAFF,
        _template_create_case,
        other_park={"GET": ALLOWED, "POST": REFUSED},
    ),
    "agreements:template_version": Route(
        STAFF, {"GET": 200}, "template.view", R.AUDITOR, _version_case
    ),
    "agreements:template_clauses": Route(
        STAFF, {"GET": 200, "POST": 302}, "template.manage", R.LEAD_STAFF, _draft_version_case
    ),
    "agreements:template_submit": Route(
        STAFF, {"POST": 302}, "template.manage", R.LEAD_STAFF, _draft_version_case
    ),
    "agreements:template_new_version": Route(
        STAFF, {"POST": 302}, "template.manage", R.LEAD_STAFF, _new_version_case
    ),
    "agreements:template_rereview": Route(
        STAFF, {"POST": 302}, "template.rereview", R.LEGAL_OFFICER, _rereview_case
    ),
    # --- reference data ---------------------------------------------------------------------
    "agreements:tariffs": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        {"GET": "price.view", "POST": "price.publish"},
        R.LEAD_STAFF,
        _tariffs_case,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "agreements:service_items": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        {"GET": "agreement.view", "POST": "service_item.manage"},
        R.LEAD_STAFF,
        _service_items_case,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "agreements:service_item_edit": Route(
        STAFF, {"GET": 200, "POST": 302}, "service_item.manage", R.LEAD_STAFF, _service_item_case
    ),
    # Group-wide reference data: every member of staff reads it; legal at headquarters keeps it.
    "agreements:venues": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        {"GET": "agreement.view", "POST": "venue.manage"},
        R.LEGAL_OFFICER,
        _venues_case,
        hq=True,
        other_park={"GET": ALLOWED, "POST": FORBIDDEN},
    ),
    "agreements:venue_edit": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        "venue.manage",
        R.LEGAL_OFFICER,
        _venue_case,
        hq=True,
        other_park=FORBIDDEN,
    ),
}
