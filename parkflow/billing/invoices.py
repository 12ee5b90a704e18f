"""Invoice data (数电发票) per bill, exported for the finance system — no invoice API.

A fully digitalised e-invoice (全面数字化的电子发票) for a bill needs: the buyer's name and
统一社会信用代码 (from the enterprise register), the item (the fee's name and its period), the
tax classification (税收分类编码 and its name), the rate, the amount excluding tax, the tax and
the total (价税合计). The classification of each charge kind is a small table:

=================  ==================  ======================  ========  ====================
charge kind        计税方式            货物或应税劳务、服务名称  rate      税收分类编码
=================  ==================  ======================  ========  ====================
rent 租金          一般计税            不动产经营租赁服务        9 %       3040502020200000000
property 物业费    一般计税            物业管理服务              6 %       3040801010000000000
service 服务费     一般计税            其他现代服务              6 %       3049900000000000000
vas 增值服务费     一般计税            其他现代服务              6 %       3049900000000000000
one_off 一次性费用 一般计税            其他现代服务              6 %       3049900000000000000
admission 入驻费   一般计税            其他现代服务              6 %       3049900000000000000
deposit 押金       不开具发票          —                         —         —
=================  ==================  ======================  ========  ====================

These are **defaults the park confirms with its tax adviser**, not tax advice: a general
taxpayer (一般纳税人) renting out real estate charges 9 %; one that chose the simplified method
for property acquired before 30 April 2016, and a small-scale taxpayer, charge 5 % (征收率,
简易计税); property management and other modern services are 6 %; a deposit (押金) is not a sale
and is not invoiced until it is kept as income. A park's finance staff replace a default for
their park on the settings page (``InvoiceTaxSetting``, audited); the codes above are the
classification codes in common use for these services and must be checked against the current
商品和服务税收分类编码表 before the first export.

Money (R-BIL-6): the amount invoiced is what the bill asks net of adjustments (``Bill.due``).
The amount excluding tax is ``due ÷ (1 + rate)`` rounded to the fen **half up** (四舍五入, the
rule of D45 and of Chinese invoices), and the tax is the rest, ``due − amount excl. tax``: the
three always add up to the fen, so the invoice's 价税合计 is the bill's amount exactly. (The tax
so computed differs from ``amount × rate`` by at most one fen, within the tolerance the invoice
platform accepts.) Example: ¥9,600.00 rent at 9 % → 8,807.34 + 792.66."""

import tempfile
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from parkflow.agreements.models import yuan
from parkflow.core import access, audit, clock
from parkflow.core.xlsx import append_row

from .choices import BillStatus, ChargeKind
from .choices_bank import InvoiceMethod
from .models import Bill
from .models_bank import InvoiceTaxSetting

EXPORT_CHUNK = 2000
EXPORT_LIMIT = 50_000

SYSTEM_OPERATIONS = {
    "tax_split": "pure: the amount excluding tax and the tax of an amount at a rate",
    "period_text": "pure: a bill's period in words",
    "default_classification": "pure: the code's default table",
    "classifications": "reads the settings of parks the caller scoped (no person's data)",
    "invoice_workbook": "pure: writes the workbook of lines the caller already scoped",
    "filename": "pure: the download's file name",
}


@dataclass(frozen=True)
class Classification:
    """How one charge kind is invoiced in one park."""

    method: str
    item_name: str
    tax_code: str
    rate: Decimal
    park_specific: bool = False

    @property
    def invoiced(self) -> bool:
        return self.method != InvoiceMethod.NOT_INVOICED


_RENT = Classification(
    InvoiceMethod.GENERAL, "不动产经营租赁服务", "3040502020200000000", Decimal("0.09")
)
_PROPERTY = Classification(
    InvoiceMethod.GENERAL, "物业管理服务", "3040801010000000000", Decimal("0.06")
)
_MODERN = Classification(
    InvoiceMethod.GENERAL, "其他现代服务", "3049900000000000000", Decimal("0.06")
)
_NONE = Classification(InvoiceMethod.NOT_INVOICED, "", "", Decimal("0"))

DEFAULTS: dict[str, Classification] = {
    ChargeKind.RENT: _RENT,
    ChargeKind.PROPERTY: _PROPERTY,
    ChargeKind.SERVICE: _MODERN,
    ChargeKind.VAS: _MODERN,
    ChargeKind.ONE_OFF: _MODERN,
    ChargeKind.ADMISSION: _MODERN,
    ChargeKind.DEPOSIT: _NONE,
}
# The simplified method's rate for renting real estate (征收率), offered on the settings page.
SIMPLIFIED_RENT_RATE = Decimal("0.05")
NOTES = {
    ChargeKind.RENT: gettext_lazy(
        "一般纳税人出租不动产适用 9%；选择简易计税（2016年4月30日前取得的不动产）或小规模纳税人"
        "适用 5% 征收率。"
    ),
    ChargeKind.DEPOSIT: gettext_lazy("押金不属于销售收入，不开具发票；转为收入时再开具。"),
}


def default_classification(kind: str) -> Classification:
    return DEFAULTS.get(kind, _MODERN)


def classifications(park_ids) -> dict[tuple[int, str], Classification]:
    """The parks' own settings, by (park id, kind); a kind without one takes the default."""
    found = {}
    rows = InvoiceTaxSetting.objects.filter(park_id__in=list(park_ids))
    for row in rows:
        found[(row.park_id, row.kind)] = Classification(
            row.method, row.item_name, row.tax_code, row.rate, park_specific=True
        )
    return found


def tax_split(gross: Decimal, rate: Decimal) -> tuple[Decimal, Decimal]:
    """(amount excluding tax, tax) of an amount including tax: the first rounded half up to the
    fen, the tax the rest, so they add up to ``gross`` exactly (module docstring)."""
    gross = yuan(gross)
    net = yuan(gross / (Decimal("1") + Decimal(rate)))
    return net, gross - net


def period_text(start, end) -> str:
    """2026年11月 for a calendar month, one date for a day, else 起–止."""
    import calendar

    if (
        start.day == 1
        and start.year == end.year
        and start.month == end.month
        and end.day == calendar.monthrange(end.year, end.month)[1]
    ):
        return _("%(y)s年%(m)s月") % {"y": start.year, "m": start.month}
    if start == end:
        return _("%(y)s年%(m)s月%(d)s日") % {"y": start.year, "m": start.month, "d": start.day}
    return _("%(y1)s年%(m1)s月%(d1)s日至%(y2)s年%(m2)s月%(d2)s日") % {
        "y1": start.year,
        "m1": start.month,
        "d1": start.day,
        "y2": end.year,
        "m2": end.month,
        "d2": end.day,
    }


@dataclass(frozen=True)
class InvoiceLine:
    """The data of one bill's invoice."""

    bill: Bill
    classification: Classification
    item: str  # 项目名称: the fee's name and its period
    gross: Decimal  # 价税合计
    net: Decimal  # 金额（不含税）
    tax: Decimal  # 税额

    @property
    def rate_text(self) -> str:
        return f"{(self.classification.rate * 100).normalize():f}%"


def _excluded(park_ids, overrides: dict) -> Q:
    """Bills of a kind the park does not invoice (by default: deposits), as one condition."""
    condition = Q(pk__in=[])
    for kind in ChargeKind.values:
        default = default_classification(kind)
        parks_none = {p for (p, k), c in overrides.items() if k == kind and not c.invoiced}
        parks_invoiced = {p for (p, k), c in overrides.items() if k == kind and c.invoiced}
        if not default.invoiced:
            condition |= Q(kind=kind) & ~Q(park_id__in=parks_invoiced)
        elif parks_none:
            condition |= Q(kind=kind, park_id__in=parks_none)
    return condition


def invoice_lines(*, actor, park=None, month=None, kind: str = "", paid_only: bool = False):
    """The bills of the actor's parks to invoice — the kinds the park invoices — newest
    period first, with their invoice data computed row by row in Python (no query per row):
    ``(queryset, to_line)``; ``to_line(bill)`` gives its ``InvoiceLine``."""
    access.ensure_somewhere(actor, "invoice.view", requirement="R-ORG-3")
    qs = access.restrict(actor, "invoice.view", Bill.objects.select_related("enterprise", "park"))
    if park is not None:
        qs = qs.filter(park=park)
    if month is not None:
        qs = qs.filter(period_start__year=month.year, period_start__month=month.month)
    if kind:
        qs = qs.filter(kind=kind)
    if paid_only:
        qs = qs.filter(status=BillStatus.PAID)
    parks = access.parks_with_roles(actor, access.roles_for("invoice.view"))
    if parks is None:  # headquarters: every park
        from parkflow.org.models import OrgUnit

        parks = list(OrgUnit.objects.filter(kind="park").values_list("pk", flat=True))
    overrides = classifications(parks if park is None else [park.pk])
    qs = qs.exclude(_excluded(parks if park is None else [park.pk], overrides))
    qs = qs.order_by("-period_start", "-id")

    def to_line(bill) -> InvoiceLine:
        found = overrides.get((bill.park_id, bill.kind)) or default_classification(bill.kind)
        net, tax = tax_split(bill.due, found.rate)
        item = f"{bill.label}（{period_text(bill.period_start, bill.period_end)}）"
        return InvoiceLine(bill, found, item, bill.due, net, tax)

    return qs, to_line


# ---------------------------------------------------------------------------------------------
# The export for the finance system


COLUMNS = [
    (gettext_lazy("账单号"), 18),
    (gettext_lazy("园区"), 16),
    (gettext_lazy("购买方名称"), 30),
    (gettext_lazy("购买方纳税人识别号"), 22),
    (gettext_lazy("项目名称"), 30),
    (gettext_lazy("货物或应税劳务、服务名称"), 20),
    (gettext_lazy("税收分类编码"), 22),
    (gettext_lazy("计税方式"), 10),
    (gettext_lazy("数量"), 10),
    (gettext_lazy("单价（含税）"), 12),
    (gettext_lazy("金额（不含税）"), 14),
    (gettext_lazy("税率/征收率"), 10),
    (gettext_lazy("税额"), 12),
    (gettext_lazy("价税合计"), 14),
    (gettext_lazy("计费期间起"), 12),
    (gettext_lazy("计费期间止"), 12),
    (gettext_lazy("账单状态"), 10),
]


def _money_cell(sheet, value):
    cell = WriteOnlyCell(sheet, value)
    cell.number_format = "#,##0.00"
    return cell


def _date_cell(sheet, value):
    cell = WriteOnlyCell(sheet, value)
    cell.number_format = "yyyy-mm-dd"
    return cell


def invoice_workbook(lines, target) -> int:
    """Write the lines to ``target`` as the finance system's workbook; the row count."""
    methods = dict(InvoiceMethod.choices)
    statuses = dict(BillStatus.choices)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("开票数据"))
    for index, (_label, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for label, _width in COLUMNS:
        cell = WriteOnlyCell(sheet, str(label))
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4FD1")
        cell.alignment = Alignment(vertical="center", horizontal="center")
        header.append(cell)
    append_row(sheet, header)
    count = 0
    for line in lines:
        bill = line.bill
        # Quantity and unit price only where they still multiply to the amount (no adjustment).
        plain = bill.adjusted == 0
        append_row(
            sheet,
            [
                bill.number,
                bill.park.name,
                bill.enterprise.name,
                bill.enterprise.credit_code,
                line.item,
                line.classification.item_name,
                line.classification.tax_code,
                str(methods.get(line.classification.method, "")),
                float(bill.quantity) if plain else None,
                _money_cell(sheet, bill.unit_price) if plain else None,
                _money_cell(sheet, line.net),
                line.rate_text,
                _money_cell(sheet, line.tax),
                _money_cell(sheet, line.gross),
                _date_cell(sheet, bill.period_start),
                _date_cell(sheet, bill.period_end),
                str(statuses.get(bill.status, bill.status)),
            ],
        )
        count += 1
    book.save(target)
    return count


def invoice_export(*, actor, filters: dict):
    """The invoice data of the actor's parks, filtered as on the page, as an open temporary
    .xlsx file (at most 50,000 rows); audited with the filters and the row count."""
    qs, to_line = invoice_lines(actor=actor, **filters)
    rows = (to_line(bill) for bill in qs[:EXPORT_LIMIT].iterator(chunk_size=EXPORT_CHUNK))
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response
    try:
        count = invoice_workbook(rows, target)
        audit.record(
            actor,
            "invoice.export",
            None,
            after={
                "count": count,
                "filters": {
                    k: (getattr(v, "pk", None) or (f"{v:%Y-%m}" if hasattr(v, "year") else v))
                    for k, v in filters.items()
                    if v not in (None, "", False)
                },
            },
            object_repr=_("开票数据"),
        )
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target, count


def filename(title) -> str:
    return f"{title}-{clock.today():%Y%m%d}.xlsx"
