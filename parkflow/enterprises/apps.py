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

        from parkflow.core import access

        access.register_principal(
            _portal_enterprise_id, staff_filter=Q(portal_account__isnull=True)
        )


def _portal_enterprise_id(user):
    return user.portal_account.enterprise_id if hasattr(user, "portal_account") else None
