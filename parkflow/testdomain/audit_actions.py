"""Audit actions of the errand domain (the workflow's steps name theirs in workflows.py)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "errand.create": (_("登记事项"), _("{actor} 登记了事项“{object}”")),
    "errand.assign": (_("指定经办人"), _("{actor} 为事项“{object}”指定了经办人")),
    "errand.update": (_("修改事项"), _("{actor} 修改了事项“{object}”")),
    "errand.declare_conflict": (
        _("申报利益冲突"),
        _("{actor} 申报与事项“{object}”存在利益冲突"),
    ),
    # A plain note on any object: what the kernel's audit-chain tests record in bulk.
    "errand.note": (_("事项备注"), _("{actor} 为“{object}”记了一笔备注")),
}
AUDIT_KEYS = {"errand_title": _("事项名称")}
AUDIT_DETAILS = {
    "errand.create": lambda a: [(_("事项名称"), None, a.get("title") or "—")],
}
