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
        # Each app names its audit actions next to the code that records them.
        from . import (
            audit_actions,
            checks,  # noqa: F401 - registers the audit deployment checks (D18)
        )

        audit_actions.autodiscover()
        # Each app declares who may do what to its models next to them (D30).
        from . import access

        access.autodiscover()

        # Each app declares its workflows' transitions (workflows.py); they name their audit
        # actions too.
        from . import workflow

        workflow.autodiscover()

        # Each app declares its SLA clocks (clocks.py); importing sla also connects the
        # calendar index to the calendar's tables (core.calendar).
        from . import sla

        sla.autodiscover()
