"""Invoice data (数电发票, R-BIL-6): per bill the buyer and credit code, the item and period, the
classification and rate of its kind (defaults the park confirms, replaceable per park), the
amount excluding tax and the tax to the fen — half up, adding up to the bill exactly —
filtered and exported for the finance system, scoped to the user's parks."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parkflow.agreements.choices import FeeKind, FeePeriod
from parkflow.billing import invoices, services, services_bank
from parkflow.billing.choices import PaymentMethod
from parkflow.core.errors import PermissionDenied, ValidationFailed
from parkflow.core.models import AuditEvent
from parkflow.enterprises.tests.factories import enterprise_user
from parkflow.org.choices import Role
from parkflow.org.tests.clients import login
from parkflow.org.tests.factories import ParkFactory, staff

from .factories import finance, resident, signed_agreement
from .factories_bank import issue

pytestmark = pytest.mark.django_db
QUERIES = 12


@pytest.mark.parametrize(
    ("gross", "rate", "net", "tax"),
    [
        ("9600.00", "0.09", "8807.34", "792.66"),  # 8807.339… rounds down
        ("200.00", "0.09", "183.49", "16.51"),  # 183.486… rounds up
        ("100.00", "0.09", "91.74", "8.26"),
        ("1000.00", "0.06", "943.40", "56.60"),
        ("0.01", "0.06", "0.01", "0.00"),
        ("0.02", "0.09", "0.02", "0.00"),
        ("100.00", "0.05", "95.24", "4.76"),
        ("12345.67", "0.06", "11646.86", "698.81"),
        ("5000.00", "0", "5000.00", "0.00"),
    ],
)
def test_the_tax_of_an_amount_is_split_to_the_fen_and_adds_up_to_it(gross, rate, net, tax):
    got_net, got_tax = invoices.tax_split(Decimal(gross), Decimal(rate))

    assert (got_net, got_tax) == (Decimal(net), Decimal(tax))
    assert got_net + got_tax == Decimal(gross)
    # Within a fen of the tax computed on the amount excluding tax (the platform's check).
    assert abs(got_tax - (got_net * Decimal(rate)).quantize(Decimal("0.01"))) <= Decimal("0.01")


def test_the_amount_excluding_tax_is_rounded_half_up_not_to_even():
    # 0.53 ÷ 1.06 = 0.5 exactly would be no test; the half-up rule shows on a crafted rate.
    net, tax = invoices.tax_split(Decimal("1.25"), Decimal("1.5"))  # 1.25 / 2.5 = 0.5
    assert net == Decimal("0.50")
    net, _tax = invoices.tax_split(Decimal("0.05"), Decimal("1"))  # 0.025 → 0.03 (half up)
    assert net == Decimal("0.03")


def test_period_text_reads_as_a_month_a_day_or_a_span():
    assert invoices.period_text(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)) == (
        "2026年11月"
    )
    assert invoices.period_text(datetime.date(2026, 11, 5), datetime.date(2026, 11, 5)) == (
        "2026年11月5日"
    )
    assert invoices.period_text(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)) == (
        "2026年1月1日至2026年12月31日"
    )


@pytest.fixture
def tenant(park):
    return resident(park, name="苏州星河智能科技有限公司")


@pytest.fixture
def clerk(park):
    return finance(park)


@pytest.fixture
def billed(tenant, clerk):
    """November's rent (9,600), property fee (1,200) and the deposit (19,200) of the tenant."""
    agreement = signed_agreement(
        tenant,
        lines=[
            {"kind": FeeKind.RENT, "label": "办公室租金", "quantity": "120", "unit_price": "80"},
            {"kind": FeeKind.PROPERTY, "label": "物业费", "quantity": "120", "unit_price": "10"},
            {
                "kind": FeeKind.DEPOSIT,
                "label": "租赁押金",
                "quantity": "1",
                "unit_price": "19200",
                "period": FeePeriod.ONCE,
            },
        ],
    )
    nov = datetime.date(2026, 11, 1)
    made = {}
    for line in agreement.fees.all():
        start = nov if line.kind != FeeKind.DEPOSIT else datetime.date(2026, 1, 1)
        made[line.kind] = services.bill_issue(actor=clerk, fee_line=line, period_start=start).bill
    return made


def lines(actor, **filters):
    qs, to_line = invoices.invoice_lines(actor=actor, **filters)
    return {line.bill.kind: line for line in map(to_line, qs)}


def test_each_bill_carries_the_data_of_its_invoice(clerk, tenant, billed):
    found = lines(clerk)

    rent = found["rent"]
    assert rent.item == "办公室租金（2026年11月）"
    assert (rent.classification.item_name, rent.classification.tax_code) == (
        "不动产经营租赁服务",
        "3040502020200000000",
    )
    assert (rent.gross, rent.net, rent.tax, rent.rate_text) == (
        Decimal("9600.00"),
        Decimal("8807.34"),
        Decimal("792.66"),
        "9%",
    )
    prop = found["property"]
    assert (prop.classification.item_name, prop.rate_text) == ("物业管理服务", "6%")
    assert (prop.net, prop.tax) == (Decimal("1132.08"), Decimal("67.92"))
    # A deposit is not a sale: it is not invoiced.
    assert "deposit" not in found


def test_the_invoiced_amount_is_the_bill_net_of_its_adjustments(clerk, billed):
    services.adjustment_make(
        actor=clerk, bill=billed["rent"], kind="credit", amount="600", reason="装修期减免"
    )

    rent = lines(clerk)["rent"]

    assert (rent.gross, rent.net, rent.tax) == (
        Decimal("9000.00"),
        Decimal("8256.88"),
        Decimal("743.12"),
    )


def test_a_park_replaces_the_default_rate_with_its_own(park, clerk, billed):
    services_bank.invoice_setting_save(
        actor=clerk,
        park=park,
        kind="rent",
        method="simplified",
        item_name="不动产经营租赁服务",
        tax_code="3040502020200000000",
        rate="5%",
    )

    rent = lines(clerk)["rent"]

    assert (rent.rate_text, rent.net, rent.tax) == ("5%", Decimal("9142.86"), Decimal("457.14"))
    event = AuditEvent.objects.get(action="invoice_setting.save")
    assert event.before["rate"] == "0.09" and event.after["rate"] == "0.05"


def test_a_setting_is_refused_with_a_wrong_code_or_rate_and_nothing_changes(park, clerk):
    with pytest.raises(ValidationFailed) as refused:
        services_bank.invoice_setting_save(
            actor=clerk,
            park=park,
            kind="rent",
            method="general",
            item_name="",
            tax_code="304",
            rate="8",
        )
    assert set(refused.value.errors) == {"item_name", "tax_code", "rate"}
    with pytest.raises(PermissionDenied):
        services_bank.invoice_setting_save(
            actor=finance(ParkFactory()),
            park=park,
            kind="rent",
            method="not_invoiced",
        )


def test_the_filters_choose_park_period_kind_and_settled_bills(clerk, tenant, billed):
    rent = billed["rent"]
    services.payment_record(
        actor=clerk,
        bill=rent,
        amount="9600",
        method=PaymentMethod.BANK_TRANSFER,
        paid_on=datetime.date(2026, 11, 3),
        idempotency_key="inv-1",
    )

    assert set(lines(clerk, paid_only=True)) == {"rent"}
    assert set(lines(clerk, kind="property")) == {"property"}
    assert lines(clerk, month=datetime.date(2026, 10, 1)) == {}
    assert set(lines(clerk, month=datetime.date(2026, 11, 1))) == {"rent", "property"}


def test_the_export_is_the_finance_systems_workbook_scoped_and_audited(client, park, clerk, billed):
    theirs = resident(ParkFactory(), name="无锡别园企业有限公司")
    issue(signed_agreement(theirs), 11)
    login(client, clerk)

    response = client.get(reverse("billing:invoice_export"), {"kind": "rent"})

    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["账单号", "园区", "购买方名称", "购买方纳税人识别号"]
    values = [c.value for c in sheet[2]]
    assert values[2] == "苏州星河智能科技有限公司"
    assert values[3] == billed["rent"].enterprise.credit_code
    assert values[6] == "3040502020200000000"
    assert values[10:14] == [8807.34, "9%", 792.66, 9600]
    assert sheet.max_row == 2  # one bill: no other park's, no property fee, no deposit
    event = AuditEvent.objects.get(action="invoice.export")
    assert event.after == {"count": 1, "filters": {"kind": "rent"}}


def test_invoice_data_is_for_finance_and_auditors_of_the_park_only(client, park, billed):
    assert lines(finance(ParkFactory())) == {}
    assert set(lines(staff(Role.AUDITOR, park))) == {"rent", "property"}
    with pytest.raises(PermissionDenied):
        invoices.invoice_lines(actor=staff(Role.BUSINESS_STAFF, park))
    with pytest.raises(PermissionDenied):
        invoices.invoice_lines(actor=enterprise_user(billed["rent"].enterprise))
    for user, status in (
        (staff(Role.BUSINESS_STAFF, park), 403),
        (enterprise_user(billed["rent"].enterprise), 404),
    ):
        client.force_login(user)
        assert client.get(reverse("billing:invoices")).status_code == status
        assert client.get(reverse("billing:invoice_export")).status_code == status


def bills_of_new_tenants(park, clerk, n):
    """``n`` rent bills of 2026, ten per new tenant."""
    while n > 0:
        months = range(1, 1 + min(n, 10))
        issue(signed_agreement(resident(park)), *months, actor=clerk)
        n -= len(months)


@pytest.mark.parametrize("rows", [3, 30])
def test_the_invoice_page_runs_a_constant_number_of_queries(
    client, park, clerk, rows, django_assert_max_num_queries
):
    bills_of_new_tenants(park, clerk, rows)
    login(client, clerk)
    client.get(reverse("billing:invoices"))
    with django_assert_max_num_queries(QUERIES):
        response = client.get(reverse("billing:invoices"))
    assert len(response.context["lines"]) == rows
