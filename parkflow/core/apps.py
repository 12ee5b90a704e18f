from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "parkflow.core"
    label = "core"
    verbose_name = _("平台核心")

    def ready(self):
        # Rules and gates register themselves when their modules are imported.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("rules")
        from . import calendar_rules  # noqa: F401  (core's own rules.py is the engine)

        autodiscover_modules("gates")
