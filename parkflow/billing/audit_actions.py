"""Audit actions of billing (SPEC §5)."""

from django.utils.translation import gettext_lazy as _

from .choices import AdjustmentKind, BillStatus, ChargeKind
from .choices_bank import InvoiceMethod, ReviewReason

AUDIT_ACTIONS = {
    "bill.issue": (_("出具账单"), _("账单“{object}”已出具")),
    "bill.duplicate_refused": (
        _("拒绝重复计费"),
        _("{actor} 再次为“{object}”同一期间出账，已拒绝（不得重复收费）"),
    ),
    "bill.adjust": (_("调账"), _("{actor} 对账单“{object}”调账")),
    "bill_run.start": (_("开始出账"), _("{actor} 开始出账“{object}”")),
    "bill_run.finish": (_("出账完成"), _("出账“{object}”已完成")),
    "bill_run.fail": (_("出账失败"), _("出账“{object}”失败")),
    "payment.record": (_("登记收款"), _("{actor} 登记了收款“{object}”")),
    # --- receivables: bank statements, the review list, invoice data
    "bank_import.confirm": (_("导入银行流水"), _("{actor} 确认导入银行流水“{object}”")),
    "bank_import.finish": (_("银行流水入账完成"), _("银行流水“{object}”已入账")),
    "bank_import.fail": (_("银行流水入账失败"), _("银行流水“{object}”入账失败")),
    "bank_line.match": (_("人工核对入账"), _("{actor} 将银行流水“{object}”核对入账")),
    "bank_line.ignore": (_("排除银行流水"), _("{actor} 将银行流水“{object}”标为非本园区款项")),
    "invoice.export": (_("导出开票数据"), _("{actor} 导出了开票数据")),
    "invoice_setting.save": (_("修改发票税目"), _("{actor} 修改了发票税目“{object}”")),
}
AUDIT_KEYS = {
    "period": _("计费期间"),
    "amount": _("金额（元）"),
    "source": _("计费来源"),
    "month": _("账期"),
    "bills_created": _("新出账单数"),
    "already_billed": _("已出过的账单数"),
    "applied": _("冲抵账单（元）"),
    "credited": _("转入预收（元）"),
    "paid": _("已收金额（元）"),
    "status": _("状态"),
    "adjusted": _("调账净额（元）"),
    "kind": _("调账方向"),
    # --- receivables
    "file": _("文件"),
    "sha256": _("文件摘要（SHA-256）"),
    "lines": _("收入笔数"),
    "debit_lines": _("支出笔数（不处理）"),
    "matched": _("自动入账笔数"),
    "to_review": _("待人工核对笔数"),
    "duplicates": _("此前已导入笔数"),
    "error": _("失败原因"),
    "bill": _("账单"),
    "review_reason": _("待核对原因"),
    "count": _("行数"),
    "filters": _("筛选条件"),
    "charge_kind": _("费用类别"),
    "method": _("计税方式"),
    "item_name": _("货物或应税劳务、服务名称"),
    "tax_code": _("税收分类编码"),
    "rate": _("税率/征收率"),
    "park": _("园区"),
    "paid_only": _("仅已结清"),
}
AUDIT_VALUES = {
    "status": dict(BillStatus.choices),
    "kind": dict(AdjustmentKind.choices),
    # --- receivables
    "review_reason": dict(ReviewReason.choices),
    "charge_kind": dict(ChargeKind.choices),
    "method": dict(InvoiceMethod.choices),
}
