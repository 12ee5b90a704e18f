"""Audit actions of value-added services (R-PLT-1)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    # The catalogue (R-VAS-1)
    "vas_service.create": (_("新增增值服务"), _("{actor} 在服务目录中新增了“{object}”")),
    "vas_service.update": (_("修改增值服务"), _("{actor} 修改了增值服务“{object}”")),
    "vas_price.publish": (_("公示增值服务价格"), _("{actor} 公示了新价格：{object}")),
    # Orders (R-VAS-2)
    "vas_order.place": (_("增值服务下单"), _("{actor} 下单“{object}”")),
    "vas_order.confirm": (_("企业确认订单"), _("{actor} 在企业门户确认了订单“{object}”")),
    "vas_order.decline": (_("企业拒绝订单"), _("{actor} 在企业门户拒绝了订单“{object}”")),
    "vas_order.start": (_("开始提供服务"), _("{actor} 开始提供服务“{object}”")),
    "vas_order.complete": (_("服务完成"), _("{actor} 完成了服务“{object}”")),
    "vas_order.bill": (_("订单计费"), _("{actor} 为订单“{object}”生成了账单")),
    "vas_order.cancel": (_("取消订单"), _("{actor} 取消了订单“{object}”")),
    # Quality (R-VAS-3)
    "vas_order.rate": (_("企业评价服务质量"), _("{actor} 评价了服务“{object}”")),
    "vas_order.export": (_("导出增值服务订单"), _("{actor} 导出了增值服务订单")),
}
AUDIT_KEYS = {
    "lead_days": _("提前公示天数"),
    "bill": _("账单"),
    "rows": _("导出条数"),
    "filters": _("筛选条件"),
}
