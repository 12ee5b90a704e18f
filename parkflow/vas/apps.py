from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VasConfig(AppConfig):
    name = "parkflow.vas"
    label = "vas"
    verbose_name = _("增值服务")
