"""Driving the Django admin from the tests of any app: run a changelist action, read the
messages the admin showed."""

from django.urls import reverse


def changelist_action(client, model, action, pks):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return client.post(
        url, {"action": action, "_selected_action": [str(pk) for pk in pks]}, follow=True
    )


def shown_messages(response):
    return [str(m) for m in response.context["messages"]]
