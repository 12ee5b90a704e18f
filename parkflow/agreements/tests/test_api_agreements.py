"""The agreements API (R-AGR-2 … R-AGR-6, R-PLT-2): lists and their filters, the detail with its
content and gates, drafting and editing through the services, amendments, what an enterprise's
own user may do (read its own, confirm its requests — nothing else), and lists whose number of
queries does not grow with their rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parkflow.core.models import AuditEvent
from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user
from parkflow.org.choices import Role
from parkflow.org.tests.factories import ParkFactory, staff

from .. import services
from ..choices import AgreementStatus, ClauseKind, LineBasis
from ..gates import LEGAL_REVIEW, PRICE_EXCEPTION
from ..models import Agreement, FeeLine
from .factories import (
    Org,
    approved_template,
    complete_clauses,
    draft,
    legally_approved,
    sign,
    submitted,
    today,
)
from .interfaces import API, api, url

pytestmark = pytest.mark.django_db

LIST = f"{API}/agreements/"


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# ---------------------------------------------------------------------------------------------
# Lists and filters


def test_the_list_filters_by_status_kind_enterprise_and_expiry(org):
    template = approved_template(org)
    other = EnterpriseFactory(park=org.park, name="另一家企业")
    drafted = draft(org, other, template=template, title="草稿协议")
    reviewed = submitted(
        org, enterprise=EnterpriseFactory(park=org.park), template=template, title="审查中协议"
    )
    ending = legally_approved(
        org, template=template, end_date=today() + datetime.timedelta(days=20)
    )
    sign(org, ending)
    client = api(staff(Role.AUDITOR, org.park))
    assert _ids(client.get(LIST)) == {drafted.pk, reviewed.pk, ending.pk}
    assert _ids(client.get(LIST, {"status": "draft"})) == {drafted.pk}
    assert _ids(client.get(LIST, {"status": "in_review"})) == {reviewed.pk}
    assert _ids(client.get(LIST, {"kind": "residency"})) == {drafted.pk, reviewed.pk, ending.pk}
    assert _ids(client.get(LIST, {"kind": "property"})) == set()
    assert _ids(client.get(LIST, {"enterprise": other.pk})) == {drafted.pk}
    assert _ids(client.get(LIST, {"expiring_within": 30})) == {ending.pk}
    assert _ids(client.get(LIST, {"expiring_within": 10})) == set()
    bad = client.get(LIST, {"expiring_within": "soon"})
    assert bad.status_code == 400 and bad.json()["field"] == "expiring_within"
    row = client.get(LIST, {"status": "signed"}).json()["results"][0]
    assert row["status_label"] == "已签署" and row["kind_label"] == "入驻服务协议"
    assert "clauses" not in row and "fees" not in row  # the list is lean


def test_another_parks_staff_see_none_of_the_agreements(org):
    agreement = draft(org)
    other = staff(Role.BUSINESS_STAFF, ParkFactory())
    client = api(other)
    assert _ids(client.get(LIST)) == set()
    assert client.get(url(agreement)).status_code == 404
    assert client.patch(url(agreement), {"title": "改"}, "json").status_code == 404


# ---------------------------------------------------------------------------------------------
# The detail


def test_the_detail_shows_clauses_lines_fees_and_each_gates_state(org):
    item = services.service_item_save(actor=org.lead, park=org.park, code="M", name="会议室服务")
    agreement = draft(org)
    services.service_line_add(actor=org.drafter, agreement=agreement, item=item)
    body = api(org.drafter).get(url(agreement)).json()
    assert [c["kind"] for c in body["clauses"]] == [c["kind"] for c in complete_clauses()]
    dispute = next(c for c in body["clauses"] if c["kind"] == ClauseKind.DISPUTE)
    assert dispute["venue_kind_label"] == "仲裁委员会"
    assert body["lines"] == [
        {
            **body["lines"][0],
            "item": item.pk,
            "item_name": "会议室服务",
            "basis": LineBasis.REQUESTED,
            "basis_label": "企业自主申请",
            "is_confirmed": False,
        }
    ]
    (fee,) = body["fees"]
    assert fee["unit_price"] == fee["tariff_price"] == "80.00"
    assert fee["above_tariff"] is False and fee["period_label"] == "按月"
    gates = {g["code"]: g for g in body["gates"]}
    assert gates[LEGAL_REVIEW.code]["status"] == "open"
    assert gates[PRICE_EXCEPTION.code]["status"] == "not_applicable"
    assert gates[PRICE_EXCEPTION.code]["applies"] is False


# ---------------------------------------------------------------------------------------------
# Drafting through the services


def test_a_drafter_creates_edits_and_submits_an_agreement(org):
    template = approved_template(org)
    enterprise = EnterpriseFactory(park=org.park)
    client = api(org.drafter)
    start = today()
    created = client.post(
        LIST,
        {
            "enterprise": enterprise.pk,
            "template_version": template.pk,
            "title": "入驻服务协议",
            "start_date": start.isoformat(),
            "end_date": (start + datetime.timedelta(days=364)).isoformat(),
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["number"].startswith(f"FW{start:%Y}-")
    assert len(body["clauses"]) == len(complete_clauses())
    agreement = Agreement.objects.get(pk=body["id"])
    assert AuditEvent.objects.filter(action="agreement.create").count() == 1

    patched = client.patch(url(agreement), {"title": "入驻服务协议（修订）"}, "json")
    assert patched.status_code == 200 and patched.json()["title"] == "入驻服务协议（修订）"
    clauses = complete_clauses(venue_kind="court", venue_name="苏州工业园区人民法院")
    put = client.put(url(agreement, "clauses"), {"clauses": clauses}, "json")
    assert put.status_code == 200
    assert {c["venue_kind"] for c in put.json()["clauses"]} == {"", "court"}

    services.tariff_publish(
        actor=org.lead,
        park=org.park,
        fee_kind="deposit",
        unit="item",
        price="5000",
        effective_from=today(),
    )
    fee = client.post(
        url(agreement, "fees"),
        {"kind": "deposit", "period": "once", "start_date": start.isoformat()},
        format="json",
    )
    assert fee.status_code == 201, fee.content
    assert fee.json()["unit_price"] == "5000.00" and fee.json()["label"] == "押金"
    fee_url = url(agreement, f"fees/{fee.json()['id']}")
    changed = client.patch(fee_url, {"unit_price": "4000.00"}, "json")
    assert changed.status_code == 200 and changed.json()["discount_percent"] == "20.00"
    assert client.post(f"{fee_url}remove/", {}, "json").status_code == 204
    assert not FeeLine.objects.filter(agreement=agreement).exists()

    submitted_ = client.post(url(agreement, "submit"), {}, "json")
    assert submitted_.status_code == 200, submitted_.content
    assert submitted_.json()["status"] == AgreementStatus.IN_REVIEW


def test_bad_input_is_refused_in_the_one_error_shape_and_writes_nothing(org):
    agreement = draft(org)
    client = api(org.drafter)
    other_park_template = approved_template(Org(ParkFactory()))
    events = AuditEvent.objects.count()
    wrong_period = client.post(
        url(agreement, "fees"),
        {"kind": "deposit", "period": "monthly", "start_date": today().isoformat()},
        format="json",
    )
    assert wrong_period.status_code == 400
    assert set(wrong_period.json()) >= {"code", "detail", "requirement"}
    assert wrong_period.json()["requirement"] == "R-AGR-5"
    no_clauses = client.put(url(agreement, "clauses"), {"clauses": []}, "json")
    assert no_clauses.status_code == 400 and no_clauses.json()["requirement"] == "R-AGR-2"
    wrong_template = client.post(
        LIST,
        {
            "enterprise": agreement.enterprise_id,
            "template_version": other_park_template.pk,
            "title": "x",
            "start_date": today().isoformat(),
            "end_date": today().isoformat(),
        },
        format="json",
    )
    assert wrong_template.status_code == 400
    assert wrong_template.json()["field"] == "template_version"
    missing = client.post(url(agreement, "fees/99999999999999999999/remove"), {}, "json")
    assert missing.status_code == 404
    assert AuditEvent.objects.count() == events


def test_a_signed_agreement_is_amended_as_a_new_version_once(org):
    agreement = sign(org, legally_approved(org))
    client = api(org.drafter)
    edit = client.patch(url(agreement), {"title": "改"}, "json")
    assert edit.status_code == 409 and edit.json()["code"] == "agreement_not_editable"
    response = client.post(url(agreement, "amend"), {"title": "补充协议一"}, "json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == 2 and body["amends"] == agreement.pk
    assert body["number"] == agreement.number and body["status"] == "draft"
    assert len(body["clauses"]) == agreement.clauses.count()
    again = client.post(url(agreement, "amend"), {}, "json")
    assert again.status_code == 409 and again.json()["code"] == "amendment_open"


# ---------------------------------------------------------------------------------------------
# An enterprise's own user: its own agreements, read and confirm only


def test_an_enterprise_user_reads_only_its_own_and_may_only_confirm(org):
    item = services.service_item_save(actor=org.lead, park=org.park, code="M", name="会议室服务")
    template = approved_template(org)
    mine = draft(org, EnterpriseFactory(park=org.park), template=template)
    theirs = draft(org, EnterpriseFactory(park=org.park), template=template)
    line = services.service_line_add(actor=org.drafter, agreement=mine, item=item)
    other_line = services.service_line_add(actor=org.drafter, agreement=theirs, item=item)
    internal = draft(org, mine.enterprise, template=template)  # no part of the enterprise's
    client = api(enterprise_user(mine.enterprise))
    assert _ids(client.get(LIST)) == {mine.pk}
    shown = client.get(url(mine))
    assert shown.status_code == 200
    # Who reviewed it and what they wrote stay inside the park.
    assert not {"return_opinion", "gates", "created_by", "price_approver"} & set(shown.json())
    assert client.get(url(theirs)).status_code == 404
    assert client.get(url(internal)).status_code == 404
    events = AuditEvent.objects.count()
    refused = [
        client.patch(url(mine), {"title": "企业改名"}, "json"),
        client.put(url(mine, "clauses"), {"clauses": complete_clauses()}, "json"),
        client.post(url(mine, "lines"), {"item": item.pk}, "json"),
        client.post(url(mine, f"lines/{line.pk}/remove"), {}, "json"),
        client.post(url(mine, "submit"), {}, "json"),
        client.post(url(mine, "sign"), {}, format="multipart"),
        client.post(url(mine, "amend"), {}, "json"),
        client.post(LIST, {}, "json"),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert client.post(url(theirs, f"lines/{other_line.pk}/confirm"), {}, "json").status_code in (
        403,
        404,
    )
    # Another agreement's line through its own agreement's route: not found.
    wrong = client.post(url(mine, f"lines/{other_line.pk}/confirm"), {}, "json")
    assert wrong.status_code == 404
    assert AuditEvent.objects.count() == events
    confirmed = client.post(url(mine, f"lines/{line.pk}/confirm"), {}, "json")
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["is_confirmed"] is True
    again = client.post(url(mine, f"lines/{line.pk}/confirm"), {}, "json")
    assert again.status_code == 409 and again.json()["code"] == "line_confirmed"


# ---------------------------------------------------------------------------------------------
# Lists cost the same number of queries for 3 rows as for 30 (STYLE.md §17)


def _agreements(org, rows, start=0):
    from ..models import TemplateVersion

    template = TemplateVersion.objects.filter(template__park=org.park).first()
    template = template or approved_template(org)
    for i in range(start, start + rows):
        enterprise = EnterpriseFactory(park=org.park, name=f"列表企业{i}")
        draft(org, enterprise, template=template, title=f"列表协议{i}")


def _queries(client, path) -> int:
    client.get(path)  # warm up: sessions, content types, settings
    with CaptureQueriesContext(connection) as run:
        response = client.get(path)
    assert response.status_code == 200
    return len(run), response


@pytest.mark.parametrize("rows", [3, 30])
def test_the_agreement_list_runs_a_fixed_number_of_queries(
    org, rows, django_assert_max_num_queries
):
    _agreements(org, rows)
    client = api(staff(Role.AUDITOR, org.park))
    client.get(LIST)
    with django_assert_max_num_queries(2):
        response = client.get(LIST)
    assert response.json()["count"] == rows


def test_the_list_query_count_does_not_grow_with_rows(org):
    _agreements(org, 3)
    client = api(staff(Role.AUDITOR, org.park))
    few, _ = _queries(client, LIST)
    _agreements(org, 27, start=3)
    many, response = _queries(client, LIST)
    assert response.json()["count"] == 30
    assert many == few


@pytest.mark.parametrize("rows", [3, 30])
def test_the_reference_lists_run_a_fixed_number_of_queries(
    org, rows, django_assert_max_num_queries
):
    for i in range(rows):
        services.service_item_save(actor=org.lead, park=org.park, code=f"S{i}", name=f"服务{i}")
        services.tariff_publish(
            actor=org.lead,
            park=org.park,
            fee_kind="rent",
            unit="sqm_month",
            price="80",
            effective_from=today() + datetime.timedelta(days=i),
        )
    approved_template(org)
    client = api(org.lead)
    for path in ("tariffs", "service-items", "template-versions", "agreement-templates"):
        client.get(f"{API}/{path}/")
        with django_assert_max_num_queries(2):
            assert client.get(f"{API}/{path}/").status_code == 200
