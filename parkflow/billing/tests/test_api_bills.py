"""The bills API (R-BIL-1 … R-BIL-6, R-PLT-2): bills with their filters and a constant number of
queries; payments recorded idempotently — a retry with the same key and body is answered with
the original status and body (and ``Idempotent-Replayed: true``) and records nothing, the same
key with another body is 409 in the one error shape; paying from the prepaid balance the same
way; adjustments; bill runs started (202) and followed; an enterprise user reads its own bills
and records nothing; no DELETE anywhere."""

import datetime

import pytest
from django.urls import reverse

from parkflow.core.models import AuditEvent
from parkflow.enterprises.tests.factories import enterprise_user
from parkflow.org.choices import Role
from parkflow.org.tests.clients import client_for
from parkflow.org.tests.factories import ParkFactory, staff

from .. import selectors, services
from ..choices import BillStatus
from ..models import Bill, BillRun, Payment
from .factories import finance, resident, signed_agreement
from .factories_bills import JAN, NOV, at, pay, rent_bill

pytestmark = pytest.mark.django_db
ERROR_KEYS = {"code", "detail", "requirement"}


def _payment(bill, **values):
    return {
        "bill": bill.pk,
        "amount": "5000.00",
        "method": "bank_transfer",
        "paid_on": "2026-11-10",
        "reference": "交易20261110",
        **values,
    }


def test_a_retried_payment_gets_the_original_status_and_body_and_records_nothing():
    bill = rent_bill()
    api = client_for(finance(bill.park))
    url = reverse("api:payment-list")

    first = api.post(url, _payment(bill), format="json", HTTP_IDEMPOTENCY_KEY="pay-2026-11-001")
    again = api.post(url, _payment(bill), format="json", HTTP_IDEMPOTENCY_KEY="pay-2026-11-001")

    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert first.json()["applied"] == "5000.00" and first.json()["bill_number"] == bill.number
    assert Payment.objects.count() == 1
    assert AuditEvent.objects.filter(action="payment.record").count() == 1


def test_the_same_key_with_another_body_is_refused_in_the_one_error_shape():
    bill = rent_bill()
    api = client_for(finance(bill.park))
    url = reverse("api:payment-list")
    api.post(url, _payment(bill), format="json", HTTP_IDEMPOTENCY_KEY="k1")

    refused = api.post(
        url, _payment(bill, amount="5000.01"), format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )

    assert refused.status_code == 409
    body = refused.json()
    assert body.keys() >= ERROR_KEYS and body["code"] == "idempotency_key_reused"
    assert body["requirement"] == "R-BIL-4"
    assert Payment.objects.count() == 1


def test_the_key_may_come_in_the_body_and_is_required():
    bill = rent_bill()
    api = client_for(finance(bill.park))
    url = reverse("api:payment-list")
    made = api.post(url, _payment(bill, idempotency_key="body-key"), format="json")
    assert made.status_code == 201 and made.json()["idempotency_key"] == "body-key"
    missing = api.post(url, _payment(bill), format="json")
    assert missing.status_code == 400 and missing.json()["field"] == "idempotency_key"


def test_an_overpayment_is_credited_and_the_balance_pays_another_bill_once():
    first = rent_bill()
    second = rent_bill(first.agreement, period=datetime.date(2026, 10, 1))
    api = client_for(finance(first.park))
    paid = api.post(
        reverse("api:payment-list"),
        _payment(first, amount="10000.00"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="over",
    )
    assert paid.json()["credited"] == "400.00"
    url = reverse("api:bill-credit-apply", args=[second.pk])
    applied = api.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="apply")
    again = api.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="apply")
    assert applied.status_code == again.status_code == 201 and applied.content == again.content
    assert applied.json()["method"] == "credit" and applied.json()["amount"] == "400.00"
    second.refresh_from_db()
    assert second.paid == 400 and selectors.credit_balance(first.enterprise) == 0


def test_bills_are_listed_with_their_figures_and_filtered():
    with at(datetime.date(2026, 10, 2)):
        october = rent_bill(period=datetime.date(2026, 10, 1))
    november = rent_bill(october.agreement, period=NOV)
    pay(november, "100.00")
    rent_bill(signed_agreement(resident(ParkFactory()), start=JAN))
    api = client_for(staff(Role.AUDITOR, october.park))
    with at(datetime.date(2026, 11, 20)):
        rows = api.get(reverse("api:bill-list")).json()["results"]
        assert {row["id"] for row in rows} == {october.pk, november.pk}
        late = api.get(reverse("api:bill-list"), {"overdue": "true"}).json()["results"]
    assert [row["id"] for row in late] == [october.pk]
    assert late[0]["overdue_days"] == 34 and late[0]["status_label"] == "待缴"
    partial = api.get(reverse("api:bill-list"), {"status": BillStatus.PARTIAL}).json()
    assert [row["outstanding"] for row in partial["results"]] == ["9500.00"]
    one = api.get(reverse("api:bill-detail", args=[november.pk])).json()
    assert one["number"] == november.number and one["payments"][0]["amount"] == "100.00"


@pytest.mark.parametrize("rows", [3, 30])
def test_the_bill_list_runs_a_constant_number_of_queries(rows, django_assert_max_num_queries):
    agreement = signed_agreement(start=datetime.date(2024, 1, 1), months=36)
    clerk = finance(agreement.park)
    rent = agreement.fees.get(kind="rent")
    for month in range(rows):
        start = datetime.date(2024 + month // 12, month % 12 + 1, 1)
        services.bill_issue(actor=clerk, fee_line=rent, period_start=start)
    api = client_for(clerk)
    api.get(reverse("api:bill-list"))
    with django_assert_max_num_queries(6):
        assert len(api.get(reverse("api:bill-list")).json()["results"]) == rows


def test_an_adjustment_is_made_through_the_service_and_listed():
    bill = rent_bill()
    api = client_for(finance(bill.park))
    made = api.post(
        reverse("api:adjustment-list"),
        {"bill": bill.pk, "kind": "credit", "amount": "320.00", "reason": "停电一天"},
        format="json",
    )
    assert made.status_code == 201 and made.json()["signed_amount"] == "-320.00"
    assert api.get(reverse("api:adjustment-list")).json()["count"] == 1
    too_much = api.post(
        reverse("api:adjustment-list"),
        {"bill": bill.pk, "kind": "credit", "amount": "99999.00", "reason": "错误"},
        format="json",
    )
    assert too_much.status_code == 400 and too_much.json()["field"] == "amount"


def test_a_run_is_started_with_202_and_followed_until_done():
    agreement = signed_agreement(start=JAN)
    clerk = finance(agreement.park)
    api = client_for(clerk)
    with at(datetime.date(2026, 11, 3)):
        started = api.post(
            reverse("api:bill-run-list"),
            {"park": agreement.park_id, "month": "2026-11"},
            format="json",
        )
        assert started.status_code == 202 and started.json()["status"] == "running"
        url = reverse("api:bill-run-detail", args=[started.json()["id"]])
        assert api.get(url).json()["percent"] == 0
        busy = api.post(
            reverse("api:bill-run-list"),
            {"park": agreement.park_id, "month": "2026-11"},
            format="json",
        )
        assert busy.status_code == 409 and busy.json()["code"] == "run_in_progress"
        services.bill_run_execute(run_id=started.json()["id"])
    done = api.get(url).json()
    assert done["status"] == "done" and done["percent"] == 100
    assert done["bills_created"] == 12 and done["amount_created"] == "124800.00"
    assert BillRun.objects.count() == 1


def test_an_enterprise_user_reads_its_own_bills_and_records_nothing():
    mine = rent_bill()
    other = rent_bill(signed_agreement(resident(mine.park), start=JAN))
    api = client_for(enterprise_user(mine.enterprise))
    rows = api.get(reverse("api:bill-list")).json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]
    assert api.get(reverse("api:bill-detail", args=[other.pk])).status_code == 404
    refused = api.post(
        reverse("api:payment-list"), _payment(mine), format="json", HTTP_IDEMPOTENCY_KEY="x"
    )
    assert refused.status_code == 403 and refused.json().keys() >= ERROR_KEYS
    assert api.get(reverse("api:bill-run-list")).json()["count"] == 0
    assert not Payment.objects.exists()


@pytest.mark.parametrize("name", ["api:bill-detail", "api:payment-detail", "api:bill-run-detail"])
def test_nothing_is_deleted_or_edited_through_the_api(name):
    bill = rent_bill()
    clerk = finance(bill.park)
    payment = pay(bill, "100.00", clerk=clerk).payment
    run = services.bill_run_start(actor=clerk, park=bill.park, month=NOV)
    pk = {"api:bill-detail": bill.pk, "api:payment-detail": payment.pk}.get(name, run.pk)
    api = client_for(clerk)
    url = reverse(name, args=[pk])
    # No action is declared for them: refused before anything is looked at (403 or 405).
    assert api.delete(url).status_code in (403, 405)
    assert api.patch(url, {"amount": "1"}, format="json").status_code in (403, 405)
    assert "delete" not in api.options(url).get("Allow", "").lower()
    assert Bill.objects.filter(pk=bill.pk).exists() and Payment.objects.count() == 1
