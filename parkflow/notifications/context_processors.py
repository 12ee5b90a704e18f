"""The unread count for the bell in the top bar (staff pages)."""

from django.utils.functional import SimpleLazyObject


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def badge():
        from parkflow.core import access

        from .selectors import unread_badge

        return "" if access.is_enterprise_user(user) else unread_badge(user)

    # Lazy: only a page that shows the bell pays for the (one, capped) query.
    return {"notifications_unread": SimpleLazyObject(badge)}
