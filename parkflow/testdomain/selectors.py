"""Reads of the errand domain: every one starts from the permission engine."""

from parkflow.core import access

from .models import Errand


def errand_list(*, actor):
    return access.scope(actor, Errand.objects.select_related("park", "assignee"))


def errand_get_for_user(*, actor, pk):
    return access.get_for_user(actor, Errand.objects.select_related("park", "assignee"), pk=pk)
