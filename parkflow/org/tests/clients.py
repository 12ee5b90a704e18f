"""Signed-in test clients, for every app's tests (each domain's tests may import org's)."""

from rest_framework.test import APIClient


def client_for(user) -> APIClient:
    """An API client signed in as ``user``.

    It logs in the stored row: a factory may hold an unsaved password in memory, whose session
    hash would not match the row."""
    client = APIClient()
    client.force_login(type(user).objects.get(pk=user.pk))
    return client


def login(client, user):
    """The page test ``client`` signed in as ``user``, returned so calls chain:
    ``login(client, clerk).get(url)``."""
    client.force_login(user)
    return client
