from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicencesConfig(AppConfig):
    name = "parkflow.licences"
    label = "licences"
    verbose_name = _("营业执照识别")
