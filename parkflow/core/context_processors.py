"""The staff sidebar: modules that exist, each shown only to people the policy lets in
(``core.access.may``). Enterprise users get the portal layout and no sidebar."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import access


@dataclass
class NavItem:
    label: str
    url: str
    icon: str
    match: tuple[str, ...] = ()  # "namespace:url_name" or "namespace:" prefixes that mark it active
    badge: object = None
    external: bool = False
    active: bool = False


@dataclass
class NavSection:
    label: str
    items: list[NavItem] = field(default_factory=list)


def _active_alert_count(user):
    def count():
        from parkflow.core.alerts import alert_list

        return alert_list(actor=user).count()

    return count


def _sections(user) -> list[NavSection]:
    def may(action):
        return access.may_somewhere(user, action)

    sections = [
        NavSection(
            "",
            [NavItem(_("工作台"), reverse("core:workbench"), "bi-grid-1x2", ("core:workbench",))],
        )
    ]
    monitoring = NavSection(_("监控预警"))
    if may("alert.view"):
        monitoring.items.append(
            NavItem(
                _("预警中心"),
                reverse("core:alert_list"),
                "bi-bell",
                ("core:alert_list", "core:alert_detail"),
                badge=_active_alert_count(user),
            )
        )
    sections.append(monitoring)
    enterprises = NavSection(_("企业管理"))
    if may("enterprise.view"):
        enterprises.items.append(
            NavItem(
                _("企业名录"),
                reverse("enterprises:list"),
                "bi-buildings",
                ("enterprises:list", "enterprises:detail", "enterprises:edit"),
            )
        )
    if may("enterprise.view"):
        enterprises.items.append(
            NavItem(
                _("入驻申请"),
                reverse("enterprises:applications"),
                "bi-inbox",
                ("enterprises:applications",),
            )
        )
    if may("enterprise.create"):
        enterprises.items.append(
            NavItem(
                _("企业建档"),
                reverse("enterprises:create"),
                "bi-plus-square",
                ("enterprises:create",),
            )
        )
    if may("enterprise.import"):
        enterprises.items.append(
            NavItem(
                _("名录导入"),
                reverse("enterprises:import"),
                "bi-file-earmark-arrow-up",
                ("enterprises:import", "enterprises:import_batch"),
            )
        )
    # Customer intake (R-ENT-3 … R-ENT-6), each shown only to the roles the policy names.
    for action, label, url_name, icon in (
        ("result.view", _("审查结果公示"), "results", "bi-megaphone"),
        ("spot_check.view", _("季度抽查"), "spot_checks", "bi-shuffle"),
        ("brand.manage", _("受保护品牌"), "brands", "bi-patch-check"),
        ("tariff.view", _("入驻费标准"), "tariffs", "bi-cash-coin"),
        ("enterprise.declare_conflict", _("利益冲突申报"), "conflicts", "bi-person-exclamation"),
    ):
        if may(action):
            enterprises.items.append(
                NavItem(
                    label, reverse(f"enterprises:{url_name}"), icon, (f"enterprises:{url_name}",)
                )
            )
    sections.append(enterprises)
    org = NavSection(_("组织与人员"))
    if may("org.view"):
        org.items += [
            NavItem(
                _("应急联系人"),
                reverse("org:contacts"),
                "bi-telephone",
                ("org:contacts", "org:contact_create"),
            ),
            NavItem(_("合规履职"), reverse("org:people"), "bi-person-check", ("org:people",)),
        ]
    sections.append(org)
    platform = NavSection(_("平台"))
    if may("audit.view"):
        platform.items.append(
            NavItem(_("审计追踪"), reverse("core:audit"), "bi-shield-lock", ("core:audit",))
        )
    if may("rules.view"):
        platform.items.append(
            NavItem(
                _("规则配置"), reverse("core:rules"), "bi-sliders", ("core:rules", "core:rule_edit")
            )
        )
    if may("calendar.view"):
        platform.items.append(
            NavItem(
                _("节假日安排"),
                reverse("core:calendar"),
                "bi-calendar3",
                ("core:calendar", "core:calendar_enter"),
            )
        )
    if user.is_staff and (user.is_superuser or access.may(user, "admin.site")):
        platform.items.append(
            NavItem(_("系统管理"), reverse("admin:index"), "bi-gear", external=True)
        )
    platform.items.append(NavItem(_("API 文档"), reverse("api-docs"), "bi-braces", external=True))
    sections.append(platform)
    return [s for s in sections if s.items]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or access.is_enterprise_user(user):
        return {}
    match = getattr(request, "resolver_match", None)
    current = f"{match.namespace}:{match.url_name}" if match else ""
    sections = _sections(user)
    for section in sections:
        for item in section.items:
            item.active = current in item.match
    roles = sorted(access.roles_of(user))
    return {
        "nav_sections": sections,
        "nav_roles": [access.role_label(r) for r in roles if access.role_label(r) is not None],
    }
