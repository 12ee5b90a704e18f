from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestDomainConfig(AppConfig):
    name = "parkflow.testdomain"
    label = "testdomain"
    verbose_name = _("园区事项（测试域）")
    default_auto_field = "django.db.models.BigAutoField"
