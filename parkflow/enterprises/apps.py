from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "parkflow.enterprises"
    label = "enterprises"
    verbose_name = _("入驻企业")

    def ready(self):
        # Enterprise (portal) users are the people with a portal account; the kernel's
        # permission engine asks through this hook (D30).
        from django.db.models import Q

        from parkflow.core import access, hooks

        access.register_principal(
            _portal_enterprise_id, staff_filter=Q(portal_account__isnull=True)
        )
        # What org's /api/me/ and user admin need to know of portal users, without naming us.
        hooks.register("portal_enterprise", _portal_enterprise)
        hooks.register(
            "portal_users_in_parks", lambda parks: Q(portal_account__enterprise__park_id__in=parks)
        )


def _portal_enterprise_id(user):
    return user.portal_account.enterprise_id if hasattr(user, "portal_account") else None


def _portal_enterprise(user) -> dict:
    account = user.portal_account
    return {"id": account.enterprise_id, "name": account.enterprise.name}
