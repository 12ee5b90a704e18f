"""Customer intake in the sidebar: its entries join the register's section 企业管理
(``enterprises.navigation``), between and after the register's own, each shown only to the roles
the policy names (R-ENT-3 … R-ENT-6)."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import NavEntry

NAVIGATION = [
    NavEntry(
        "enterprises",
        _("入驻申请"),
        "intake:applications",
        "bi-inbox",
        action="enterprise.view",
        order=20,
    ),
    NavEntry(
        "enterprises",
        _("审查结果公示"),
        "intake:results",
        "bi-megaphone",
        action="result.view",
        order=50,
    ),
    NavEntry(
        "enterprises",
        _("季度抽查"),
        "intake:spot_checks",
        "bi-shuffle",
        action="spot_check.view",
        order=60,
    ),
    NavEntry(
        "enterprises",
        _("受保护品牌"),
        "intake:brands",
        "bi-patch-check",
        action="brand.manage",
        order=70,
    ),
    NavEntry(
        "enterprises",
        _("入驻费标准"),
        "intake:tariffs",
        "bi-cash-coin",
        action="tariff.view",
        order=80,
    ),
    NavEntry(
        "enterprises",
        _("利益冲突申报"),
        "intake:conflicts",
        "bi-person-exclamation",
        action="enterprise.declare_conflict",
        order=90,
    ),
]
