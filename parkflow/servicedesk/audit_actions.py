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
    # Complaints (R-CMP-1 … R-CMP-8)
    "complaint.record": (_("登记投诉"), _("{actor} 登记了投诉“{object}”")),
    "complaint.regrade": (_("调整投诉等级"), _("{actor} 调整了投诉“{object}”的等级")),
    "complaint.downgrade_request": (
        _("申请投诉降级"),
        _("{actor} 申请将投诉“{object}”降至低于矩阵建议的等级"),
    ),
    "complaint.downgrade_refused": (
        _("投诉降级未获批准"),
        _("投诉“{object}”的降级申请未获领导批准"),
    ),
    "complaint.take": (_("首问受理投诉"), _("{actor} 首问受理了投诉“{object}”")),
    "complaint.transfer_offer": (_("发起投诉转办"), _("{actor} 将投诉“{object}”转办他人")),
    "complaint.transfer_accept": (_("接收投诉转办"), _("{actor} 接收了投诉“{object}”的转办")),
    "complaint.transfer_decline": (_("拒绝投诉转办"), _("{actor} 拒绝了投诉“{object}”的转办")),
    "complaint.respond": (_("答复投诉企业"), _("{actor} 答复了投诉“{object}”")),
    "complaint.note": (_("追加投诉处理记录"), _("{actor} 为投诉“{object}”追加了记录")),
    "complaint.wait": (_("暂停等待企业"), _("{actor} 暂停投诉“{object}”的计时，等待企业")),
    "complaint.resume": (_("恢复投诉计时"), _("{actor} 恢复了投诉“{object}”的计时")),
    "complaint.supplement": (_("企业补充投诉"), _("{actor} 补充了投诉“{object}”")),
    "complaint.resolve": (_("办结投诉"), _("{actor} 办结了投诉“{object}”")),
    "complaint.confirm": (_("企业确认投诉结果"), _("{actor} 确认并评价了投诉“{object}”")),
    "complaint.reopen": (
        _("企业要求重新处理"),
        _("{actor} 对投诉“{object}”的结果不满意，要求重新处理"),
    ),
    "complaint.auto_close": (
        _("投诉逾期未确认自动办结"),
        _("投诉“{object}”企业逾期未确认，自动办结"),
    ),
    "complaint.refer": (_("投诉问责移送"), _("{actor} 将投诉“{object}”移送问责")),
    "emergency_plan.activate": (_("启动投诉应急预案"), _("启动了“{object}”")),
    "emergency_plan.report": (_("重大事件上报"), _("{actor} 上报了“{object}”的重大事件报告")),
    "emergency_plan.submit": (_("提交解决方案"), _("{actor} 提交了“{object}”的解决方案待审查")),
    "emergency_plan.send_back": (
        _("解决方案退回修改"),
        _("“{object}”的解决方案未通过审查，退回修改"),
    ),
    "emergency_plan.carry_out": (_("实施解决方案"), _("{actor} 开始实施“{object}”的解决方案")),
    "emergency_plan.complete": (_("整改完成"), _("{actor} 记录了“{object}”的整改完成情况")),
    "grading.update": (_("调整投诉分级矩阵"), _("{actor} 调整了投诉分级矩阵")),
    "complaint.export": (_("导出投诉台账"), _("{actor} 导出了投诉台账")),
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
    "channel": _("投诉渠道"),
    "topic": _("投诉主题"),
    "received_at": _("接收时间"),
    "proposed_grade": _("矩阵建议等级"),
    "grade": _("投诉等级"),
    "requested": _("申请调整为"),
    "note": _("处理记录"),
    "first": _("首次答复"),
    "kind": _("记录类型"),
    "stage": _("阶段"),
    "person": _("责任人"),
    "article": _("违反条款"),
    "enterprises": _("涉及企业数"),
    "safety": _("涉及人身或消防安全"),
    "media": _("媒体或网络曝光"),
    "repeat": _("30 日内同一企业投诉次数"),
    "amount": _("涉及金额（元）"),
    "filters": _("筛选条件"),
}
_GRADES = {"general": _("一般"), "significant": _("较大"), "major": _("重大")}
AUDIT_VALUES = {
    "category": {
        "repair": _("报修"),
        "consultation": _("咨询"),
        "enterprise_service": _("企业服务"),
    },
    "channel": {
        "portal": _("企业门户"),
        "phone": _("电话"),
        "visit": _("来访"),
        "email": _("电子邮件"),
        "hotline": _("12345 热线转办"),
    },
    "topic": {
        "property": _("物业维修"),
        "safety": _("安全隐患"),
        "fees": _("收费争议"),
        "attitude": _("服务态度"),
        "environment": _("环境噪声"),
        "traffic": _("停车交通"),
        "network": _("水电网络"),
        "other": _("其他"),
    },
    "proposed_grade": _GRADES,
    "grade": _GRADES,
    "requested": _GRADES,
    "kind": {"progress": _("处理进展"), "correction": _("更正说明")},
    "stage": {
        "activated": _("已启动（即时控制）"),
        "reported": _("已上报"),
        "plan_review": _("方案待领导小组审查"),
        "carrying_out": _("方案实施中"),
        "completed": _("整改完成"),
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
