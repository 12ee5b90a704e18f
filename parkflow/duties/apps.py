from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    """The compliance calendar (R-MON-3): periodic duties declared by apps in ``duties.py``,
    each period's tasks created once, completed with evidence, late ones alerted."""

    name = "parkflow.duties"
    label = "duties"
    verbose_name = _("合规日历")
    default_auto_field = "django.db.models.BigAutoField"
