"""Audit actions of billing (SPEC §5)."""

from django.utils.translation import gettext_lazy as _

from .choices import AdjustmentKind, BillSource, BillStatus, ChargeKind
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

# --- billui: the exports of the bill and payment lists ----------------------------------------
AUDIT_ACTIONS |= {
    "bill.export": (_("导出账单清单"), _("{actor} 导出了账单清单")),
    "payment.export": (_("导出收款清单"), _("{actor} 导出了收款清单")),
}
AUDIT_KEYS |= {"count": _("条数"), "filters": _("筛选条件")}

# --- billui: the timeline of a bill says its period and month the Chinese way -----------------


def _period(value) -> str:
    """ "2026-11-01~2026-11-30" as recorded → 2026年11月1日—11月30日."""
    import datetime

    from .templatetags.billing import period_text

    try:
        start, end = (datetime.date.fromisoformat(part) for part in str(value).split("~"))
    except ValueError:
        return value or "—"
    return period_text(start, end)


def _yuan(value) -> str:
    from parkflow.core.templatetags.parkflow import money

    return money(value)


def _month(value) -> str:
    from parkflow.core.templatetags.parkflow import cn_month

    return cn_month(value)


AUDIT_DETAILS = {
    "bill.issue": lambda a: [
        row
        for row in (
            (_("计费期间"), None, _period(a["period"])) if a.get("period") else None,
            (_("计费来源"), None, dict(BillSource.choices).get(a["source"], a["source"]))
            if a.get("source")
            else None,
            (_("金额"), None, _yuan(a.get("amount"))),
        )
        if row
    ],
    "bill.duplicate_refused": lambda a: [(_("计费期间"), None, _period(a.get("period")))],
    "bill_run.start": lambda a: [(_("账期"), None, _month(a.get("month")))],
}

# --- refunds, deposit returns and payouts (part "refunds", R-BIL-4) ----------------------------
# The workflow's steps (提交审批, 补提签署, 撤回, 审批通过, 退回修改, 驳回, 放款) are labelled by
# workflows.py itself.
from .choices_refunds import RefundKind, RefundStatus  # noqa: E402

AUDIT_ACTIONS |= {
    "refund.create": (_("发起退款付款"), _("{actor} 发起了“{object}”")),
    "refund.update": (_("修改退款付款"), _("{actor} 修改了“{object}”")),
    "refund.export": (_("导出退款付款台账"), _("{actor} 导出了退款付款台账")),
}
AUDIT_KEYS |= {
    "reference": _("付款流水号"),
    "balance": _("放款后预收余额（元）"),
    "payee_name": _("收款户名"),
    "payee_bank": _("开户银行"),
    "payee_account": _("收款账号"),
    "deposit_bill": _("押金账单"),
}
AUDIT_VALUES["kind"] = {**AUDIT_VALUES["kind"], **dict(RefundKind.choices)}
AUDIT_VALUES["status"] = {**AUDIT_VALUES["status"], **dict(RefundStatus.choices)}
AUDIT_DETAILS |= {
    "refund.export": lambda after: [(_("导出行数"), None, after.get("count"))],
}


# --- statements and disputes (R-BIL-5) --------------------------------------------------------
from .choices_statements import DisputeStatus, StatementStatus  # noqa: E402

AUDIT_ACTIONS |= {
    "statement.issue": (_("出具对账单"), _("{actor} 出具了对账单“{object}”")),
    "statement.supersede": (_("作废对账单"), _("{actor} 作废了对账单“{object}”，待重新出具")),
    "statement.download": (_("下载对账单"), _("{actor} 下载了对账单“{object}”")),
    "dispute.raise": (_("提出对账争议"), _("{actor} 对对账单提出争议“{object}”")),
    "dispute.take": (_("受理对账争议"), _("{actor} 受理了“{object}”，开始核查")),
    "dispute.resolve": (_("对账争议调账解决"), _("{actor} 以调账解决了“{object}”")),
    "dispute.reject": (_("驳回对账争议"), _("{actor} 驳回了“{object}”并书面说明理由")),
}
AUDIT_KEYS |= {
    "opening": _("期初余额（元）"),
    "closing": _("期末余额（元）"),
    "lines": _("明细条数"),
    "content_hash": _("内容哈希"),
    "statement_status": _("对账单状态"),
    "format": _("文件格式"),
    "line": _("争议明细"),
    "dispute_status": _("争议状态"),
    "outcome": _("处理结果"),
    "adjustment": _("调账"),
    "statements": _("出具对账单数"),
}
AUDIT_VALUES |= {
    "statement_status": dict(StatementStatus.choices),
    "dispute_status": dict(DisputeStatus.choices),
    "format": {"xlsx": "Excel", "pdf": "PDF"},
    # The one grade of the dispute clocks (clocks.py), as the SLA events record it.
    "grade": {"dispute": _("对账争议")},
}
