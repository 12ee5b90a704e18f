"""Audit actions of resource allocation (the request's steps name theirs in workflows.py)."""

from django.utils.translation import gettext_lazy as _

from .standing import STANDING_APPROVALS

AUDIT_ACTIONS = {
    "resource.save": (_("维护资源"), _("{actor} 维护了资源“{object}”")),
    "resource.import": (_("导入资源台账"), _("{actor} 导入了资源“{object}”")),
    "resource.export": (_("导出资源目录"), _("{actor} 导出了资源目录")),
    "entitlement.save": (_("设置资源权益"), _("{actor} 设置了资源权益“{object}”")),
    "resource_request.create": (_("申请资源"), _("{actor} 申请了资源“{object}”")),
    "resource_request.standing_approve": (
        _("按常规审批规则分配"),
        _("资源申请“{object}”符合常规审批规则，直接分配"),
    ),
    "allocation.create": (_("分配资源"), _("资源“{object}”已分配")),
    "allocation.release": (_("释放资源"), _("{actor} 释放了资源分配“{object}”")),
    "deviation.report": (_("报告交付偏差"), _("{actor} 报告了交付偏差“{object}”")),
    "deviation.resolve": (_("处理交付偏差"), _("{actor} 处理了交付偏差“{object}”")),
    "resource_request.export": (_("导出资源申请清单"), _("{actor} 导出了资源申请清单")),
    "resource.analysis_export": (
        _("导出资源分配分析"),
        _("{actor} 导出了资源分配分析（超权益分配）"),
    ),
}
AUDIT_KEYS = {
    "resource": _("资源"),
    "period": _("时段"),
    "major": _("重大资源需求"),
    "above_entitlement": _("超出权益"),
    "usage": _("权益使用"),
    "standing_rule": _("常规审批规则"),
    "monthly_hours": _("每月时长（小时）"),
    "max_count": _("数量上限"),
    "max_area": _("面积上限（平方米）"),
    "priority": _("预订优先级"),
    "count": _("条数"),
    "filters": _("筛选条件"),
    "park": _("园区"),
}
AUDIT_VALUES = {
    "standing_rule": {approval.code: approval.title for approval in STANDING_APPROVALS},
}
