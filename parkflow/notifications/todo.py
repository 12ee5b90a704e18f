"""The inbox in the to-do centre (core.todo): "抄送我" lists the messages sent to me — what I am
told about without being the one to act (a decision on what I submitted, an alert in my park)."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.todo import COPIED, TodoItem, TodoSource

from .selectors import inbox


def _copied(user, limit):
    return [
        TodoItem(
            source="notifications.message",
            title=note.message.title,
            subtitle=note.message.object_repr,
            url=note.get_absolute_url(),
            at=note.created_at,
        )
        for note in inbox(actor=user)[:limit]
    ]


TODO_SOURCES = [
    TodoSource(
        code="notifications.message",
        label=_("消息"),
        icon="bi-envelope",
        tabs={COPIED: _copied},
        more_url="notifications:inbox",
        order=90,
    ),
]
