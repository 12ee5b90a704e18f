"""Organisation pages in the sidebar, and the admin site for system administrators."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import NavEntry, NavSection


def _system_admin(user):
    from parkflow.core import access

    return user.is_staff and (user.is_superuser or access.may(user, "admin.site"))


SECTIONS = [NavSection("org", _("组织与人员"), order=40)]

NAVIGATION = [
    NavEntry(
        "org",
        _("应急联系人"),
        "org:contacts",
        "bi-telephone",
        action="org.view",
        order=10,
        match=("org:contact_create",),
    ),
    NavEntry("org", _("合规履职"), "org:people", "bi-person-check", action="org.view", order=20),
    NavEntry(
        "platform",
        _("系统管理"),
        "admin:index",
        "bi-gear",
        order=80,
        visible=_system_admin,
        external=True,
    ),
]
