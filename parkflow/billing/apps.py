from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "parkflow.billing"
    label = "billing"
    verbose_name = _("费用结算")
