"""routes_api of the agreements part of the route policy table (see routes.py): every API route
and every method it serves, each on a real object of park A (``test_route_permissions``: the
anonymous caller, no role, another enterprise's user, park B staff holding the role, a park A
reader acting with a park B role, then the permitted person; refusals write nothing)."""

import datetime

from parkflow.core.tests.routes import ALLOWED, API, FORBIDDEN, HIDDEN, OBJECT, REFUSED, Case, Route
from parkflow.org.choices import Role as R

MARKER = "甲园标记协议"
TEMPLATE_MARKER = "甲园标记模板"
ITEM_MARKER = "甲园标记服务"
TARIFF_MARKER = "甲园标记收费标准"


def _org(w):
    return w.agreement_people()


def _optional_item(w):
    """A service of park A's catalogue that no agreement kind requires (one per world)."""
    from .. import services

    if "optional_item" not in w._cache:
        w._cache["optional_item"] = services.service_item_save(
            actor=_org(w).lead, park=w.park, code="MEET", name=ITEM_MARKER
        )
    return w._cache["optional_item"]


def _requested_line(w):
    """A service line the enterprise asked for, not yet confirmed, on park A's draft."""
    from .. import services

    if "requested_line" not in w._cache:
        w._cache["requested_line"] = services.service_line_add(
            actor=_org(w).drafter, agreement=w.agreement(), item=_optional_item(w)
        )
    return w._cache["requested_line"]


def _draft_version(w):
    """A draft template version of park A (its own template, named with the marker)."""
    from .. import services
    from .factories import complete_clauses, venues

    if "draft_version" not in w._cache:
        venues()
        w._cache["draft_version"] = services.template_create(
            actor=_org(w).lead,
            park=w.park,
            name=TEMPLATE_MARKER,
            kind="property",
            clauses=complete_clauses(),
        )
    return w._cache["draft_version"]


def _today():
    from django.utils import timezone

    return timezone.localdate()


# --- agreements ----------------------------------------------------------------------------------


def _agreements(w):
    made = w.agreement()

    def create(w):
        start = _today()
        return {
            "enterprise": made.enterprise_id,
            "template_version": w.template_version().pk,
            "title": "新起草的协议",
            "start_date": start.isoformat(),
            "end_date": (start + datetime.timedelta(days=364)).isoformat(),
        }

    return Case(marker=MARKER, data={"POST": create}, enterprise=made.enterprise)


def _agreement(w):
    made = w.agreement()
    return Case(
        {"pk": made.pk}, data={"PATCH": {"title": "改名后的协议"}}, enterprise=made.enterprise
    )


def _clauses(w):
    from .factories import complete_clauses

    made = w.agreement()
    return Case(
        {"pk": made.pk},
        data={"PUT": {"clauses": complete_clauses()}},
        enterprise=made.enterprise,
    )


def _lines(w):
    made = w.agreement()
    item = _optional_item(w)
    return Case(
        {"pk": made.pk},
        data={"POST": {"item": item.pk, "note": "企业申请"}},
        enterprise=made.enterprise,
    )


def _line(w):
    line = _requested_line(w)
    return Case(
        {"pk": line.agreement_id, "line_pk": line.pk},
        data={"POST": {}},
        enterprise=w.agreement().enterprise,
    )


def _line_confirm(w):
    line = _requested_line(w)
    enterprise = w.agreement().enterprise
    return Case(
        {"pk": line.agreement_id, "line_pk": line.pk},
        enterprise=enterprise,
        actor=w.enterprise_user(enterprise),
    )


def _fees(w):
    made = w.agreement()
    return Case(
        {"pk": made.pk},
        data={
            "POST": {
                "kind": "rent",
                "label": "仓库租金",
                "quantity": "30",
                "period": "monthly",
                "start_date": made.start_date.isoformat(),
                "end_date": made.end_date.isoformat(),
            }
        },
        enterprise=made.enterprise,
    )


def _fee(w):
    made = w.agreement()
    fee = made.fees.get()
    return Case(
        {"pk": made.pk, "fee_pk": fee.pk},
        data={"PATCH": {"quantity": "150"}},
        enterprise=made.enterprise,
    )


def _fee_remove(w):
    made = w.agreement()
    fee = made.fees.get()
    return Case({"pk": made.pk, "fee_pk": fee.pk}, data={"POST": {}}, enterprise=made.enterprise)


def _submit(w):
    made = w.agreement()
    return Case({"pk": made.pk}, data={"POST": {}}, enterprise=made.enterprise)


def _sign(w):
    """An agreement of park A through its legal review, for an enterprise in good standing."""
    from parkflow.enterprises.tests.factories import pdf_upload

    from .factories import good_standing, legally_approved

    org = _org(w)
    made = legally_approved(
        org,
        enterprise=good_standing(w.park, org.drafter),
        template=w.template_version(),
        title=MARKER,
    )

    def body(w):
        return {
            "signed_on": _today().isoformat(),
            "enterprise_signatory": "企业法定代表人",
            "scan": pdf_upload("协议签署件.pdf"),
        }

    return Case({"pk": made.pk}, data={"POST": body}, multipart=True, enterprise=made.enterprise)


def _amend(w):
    made = w.signed_agreement()
    return Case({"pk": made.pk}, data={"POST": {"title": "补充协议"}}, enterprise=made.enterprise)


# --- templates -----------------------------------------------------------------------------------


def _templates(w):
    from .factories import complete_clauses

    _draft_version(w)
    return Case(
        marker=TEMPLATE_MARKER,
        data={
            "POST": {
                "park": w.park.pk,
                "name": "新的物业服务协议模板",
                "kind": "residency",
                "clauses": complete_clauses(),
            }
        },
    )


def _template(w):
    return Case({"pk": _draft_version(w).template_id})


def _template_versions(w):
    """A new draft version of park A's approved template (no draft of it is open)."""
    return Case({"pk": w.template_version().template_id}, data={"POST": {"note": "年度修订"}})


def _versions(w):
    _draft_version(w)
    return Case(marker=TEMPLATE_MARKER)


def _version(w):
    return Case({"pk": _draft_version(w).pk})


def _version_clauses(w):
    from .factories import complete_clauses

    return Case(
        {"pk": _draft_version(w).pk},
        data={"PUT": {"clauses": complete_clauses(venue_kind="court", venue_name=_court())}},
    )


def _court():
    from .factories import COURT

    return COURT


def _version_submit(w):
    return Case({"pk": _draft_version(w).pk}, data={"POST": {}})


def _version_rereview(w):
    return Case(
        {"pk": w.template_version().pk},
        data={"POST": {"opinion": "核心条款符合现行规定，继续使用。"}},
    )


# --- reference data ------------------------------------------------------------------------------


def _tariffs(w):
    from .. import services

    services.tariff_publish(
        actor=_org(w).lead,
        park=w.park,
        fee_kind="deposit",
        unit="item",
        price="5000",
        effective_from=_today(),
        note=TARIFF_MARKER,
    )
    return Case(
        marker=TARIFF_MARKER,
        data={
            "POST": {
                "park": w.park.pk,
                "fee_kind": "property",
                "unit": "sqm_month",
                "price": "12.50",
                "effective_from": _today().isoformat(),
            }
        },
    )


def _items(w):
    _optional_item(w)
    return Case(
        marker=ITEM_MARKER,
        data={"POST": {"park": w.park.pk, "code": "PARK", "name": "停车服务"}},
    )


def _item(w):
    item = _optional_item(w)
    return Case({"pk": item.pk}, data={"PATCH": {"required_for": ["property"]}})


def _venues(w):
    from .factories import venues

    venues()
    return Case(data={"POST": {"name": "上海国际仲裁中心", "kind": "arbitration"}})


def _venue(w):
    from ..models import Venue
    from .factories import COURT, venues

    venues()
    return Case({"pk": Venue.objects.get(name=COURT).pk}, data={"PATCH": {"note": "基层法院"}})


ROUTES = {
    "api:agreement-list": Route(
        API,
        {"GET": 200, "POST": 201},
        {"GET": "agreement.view", "POST": "agreement.draft"},
        R.BUSINESS_STAFF,
        _agreements,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "api:agreement-detail": Route(
        API,
        {"GET": 200, "PATCH": 200},
        {"GET": "agreement.view", "PATCH": "agreement.draft"},
        R.BUSINESS_STAFF,
        _agreement,
    ),
    "api:agreement-clauses": Route(
        API, {"PUT": 200}, "agreement.draft", R.BUSINESS_STAFF, _clauses
    ),
    "api:agreement-lines": Route(API, {"POST": 201}, "agreement.draft", R.BUSINESS_STAFF, _lines),
    "api:agreement-line-remove": Route(
        API, {"POST": 204}, "agreement.draft", R.BUSINESS_STAFF, _line
    ),
    # For the enterprise's own portal user only (staff never confirm on its behalf).
    "api:agreement-line-confirm": Route(
        API, {"POST": 200}, "agreement.confirm_line", None, _line_confirm
    ),
    "api:agreement-fees": Route(API, {"POST": 201}, "agreement.draft", R.BUSINESS_STAFF, _fees),
    "api:agreement-fee": Route(API, {"PATCH": 200}, "agreement.draft", R.BUSINESS_STAFF, _fee),
    "api:agreement-fee-remove": Route(
        API, {"POST": 204}, "agreement.draft", R.BUSINESS_STAFF, _fee_remove
    ),
    "api:agreement-submit": Route(
        API, {"POST": 200}, "agreement.submit", R.BUSINESS_STAFF, _submit
    ),
    "api:agreement-sign": Route(API, {"POST": 200}, "agreement.sign", R.BUSINESS_STAFF, _sign),
    "api:agreement-amend": Route(API, {"POST": 201}, "agreement.amend", R.BUSINESS_STAFF, _amend),
    "api:agreement-template-list": Route(
        API,
        {"GET": 200, "POST": 201},
        {"GET": "template.view", "POST": "template.manage"},
        R.LEAD_STAFF,
        _templates,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "api:agreement-template-detail": Route(
        API, {"GET": 200}, "template.view", R.AUDITOR, _template, other_park=OBJECT
    ),
    "api:agreement-template-versions": Route(
        API, {"POST": 201}, "template.manage", R.LEAD_STAFF, _template_versions
    ),
    "api:template-version-list": Route(
        API, {"GET": 200}, "template.view", R.AUDITOR, _versions, other_park=HIDDEN
    ),
    "api:template-version-detail": Route(API, {"GET": 200}, "template.view", R.AUDITOR, _version),
    "api:template-version-clauses": Route(
        API, {"PUT": 200}, "template.manage", R.LEAD_STAFF, _version_clauses
    ),
    "api:template-version-submit": Route(
        API, {"POST": 200}, "template.manage", R.LEAD_STAFF, _version_submit
    ),
    "api:template-version-rereview": Route(
        API, {"POST": 201}, "template.rereview", R.LEGAL_OFFICER, _version_rereview
    ),
    "api:tariff-list": Route(
        API,
        {"GET": 200, "POST": 201},
        {"GET": "price.view", "POST": "price.publish"},
        R.LEAD_STAFF,
        _tariffs,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "api:service-item-list": Route(
        API,
        {"GET": 200, "POST": 201},
        {"GET": "price.view", "POST": "service_item.manage"},
        R.LEAD_STAFF,
        _items,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "api:service-item-detail": Route(
        API, {"PATCH": 200}, "service_item.manage", R.LEAD_STAFF, _item
    ),
    # The allowed venues are the group's reference data, kept by legal at headquarters: a
    # park's legal officer reads the list but does not change it.
    "api:venue-list": Route(
        API,
        {"GET": 200, "POST": 201},
        {"GET": "template.view", "POST": "venue.manage"},
        R.LEGAL_OFFICER,
        _venues,
        hq=True,
        other_park={"GET": ALLOWED, "POST": FORBIDDEN},
    ),
    "api:venue-detail": Route(
        API, {"PATCH": 200}, "venue.manage", R.LEGAL_OFFICER, _venue, hq=True, other_park=FORBIDDEN
    ),
}
