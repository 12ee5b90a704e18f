from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbenchConfig(AppConfig):
    """The composition layer: the staff home, the sidebar, the demo park. It sits on top of
    every domain and renders what each app declares (``core.registry``)."""

    name = "parkflow.workbench"
    label = "workbench"
    verbose_name = _("工作台")
