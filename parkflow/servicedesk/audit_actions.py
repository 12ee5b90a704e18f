"""Audit actions of the service desk."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "service_request.submit": (_("提交服务请求"), _("{actor} 提交了服务请求“{object}”")),
    "service_request.take": (_("首问受理"), _("{actor} 首问受理了服务请求“{object}”")),
    "service_request.transfer_offer": (_("发起转办"), _("{actor} 将服务请求“{object}”转办他人")),
    "service_request.transfer_accept": (_("接收转办"), _("{actor} 接收了服务请求“{object}”的转办")),
    "service_request.transfer_decline": (
        _("拒绝转办"),
        _("{actor} 拒绝了服务请求“{object}”的转办"),
    ),
    "service_request.resolve": (_("办结服务请求"), _("{actor} 办结了服务请求“{object}”")),
    "service_request.confirm": (_("企业确认并评价"), _("{actor} 确认并评价了服务请求“{object}”")),
    "service_request.auto_close": (
        _("逾期未确认自动关闭"),
        _("服务请求“{object}”企业逾期未确认，自动关闭"),
    ),
    "callback.create": (_("生成月度回访"), _("生成了“{object}”的月度回访")),
    "callback.record": (_("记录月度回访"), _("{actor} 记录了“{object}”的回访结果")),
    "anomaly.report": (_("报告服务异常"), _("{actor} 报告了服务异常“{object}”")),
}
AUDIT_KEYS = {
    "category": _("类别"),
    "owner": _("负责人"),
    "to": _("接收人"),
    "count": _("次数"),
    "rating": _("企业评分"),
    "period": _("月份"),
    "score": _("满意度评分"),
    "follow_up": _("跟进人"),
    "delay_hours": _("发现后报告用时（小时）"),
}
AUDIT_VALUES = {
    "category": {
        "repair": _("报修"),
        "consultation": _("咨询"),
        "enterprise_service": _("企业服务"),
    },
}

# --- the service-request pages, portal and API: photos and the list's export -----------------
AUDIT_ACTIONS |= {
    "service_request.photos_add": (
        _("上传服务请求照片"),
        _("{actor} 为服务请求“{object}”上传了照片"),
    ),
    "service_request.export": (_("导出服务请求清单"), _("{actor} 导出了服务请求清单")),
}
AUDIT_KEYS |= {"photos": _("照片张数"), "sha256": _("文件摘要"), "filters": _("筛选条件")}


def _person(pk):
    """A person's name for the timeline (the events record ids)."""
    from django.contrib.auth import get_user_model

    if pk is None:
        return "—"
    person = get_user_model().objects.filter(pk=pk).first()
    return str(person) if person else pk


# People by name on the timeline, not by id; the photos' digests stay in the event, unshown.
AUDIT_DETAILS = {
    "service_request.take": lambda a: [(_("负责人"), None, _person(a.get("owner")))],
    "service_request.transfer_offer": lambda a: [
        (_("接收人"), None, _person(a.get("to"))),
        (_("转办次数"), None, a.get("count")),
    ],
    "service_request.transfer_accept": lambda a: [(_("负责人"), None, _person(a.get("owner")))],
    "service_request.photos_add": lambda a: [(_("照片张数"), None, a.get("photos"))],
    "callback.record": lambda a: [
        (_("满意度评分"), None, a.get("score")),
        *([(_("跟进人"), None, _person(a["follow_up"]))] if a.get("follow_up") else []),
    ],
}


def _grades():
    from .clocks import RESPONSE

    return {grade: spec.label for grade, spec in RESPONSE.targets.items()}


# The clocks' grade ("repair.b") as the 时限设置 page names it: 报修 · B级.
AUDIT_VALUES["grade"] = _grades()
