from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "parkflow.org"
    label = "org"
    verbose_name = _("组织与人员")

    def ready(self):
        # org owns roles and compliance; the kernel asks for them through hooks (D30).
        from parkflow.core import access, gates, hooks

        from . import compliance, selectors
        from .choices import Role

        access.register_role_source(
            lambda user: user.role_assignments.values_list("role", "unit__park_id")
        )
        access.register_role_labels(Role)
        gates.register_reviewer_check(compliance.reviewer_lapse)
        hooks.register("calendar_admin", selectors.calendar_admin)
        # Who receives a notification sent to "the risk officers of this park" (R-MON-2).
        hooks.register("people_with_roles", selectors.people_with_roles)
        hooks.register("roles_of_people", selectors.roles_of_people)
