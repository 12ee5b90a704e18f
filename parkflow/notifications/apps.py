from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "parkflow.notifications"
    label = "notifications"
    verbose_name = _("消息通知")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Each app declares its events in ``notifications.py``; the kernel's signals are turned
        # into messages by this app's receivers (core sends them, it does not know we listen).
        from . import events, receivers

        events.autodiscover()
        receivers.connect()
