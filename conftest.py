import os

import pytest

os.environ.setdefault("PARKFLOW_TESTING", "1")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.AXES_ENABLED = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.cache import cache

    cache.clear()  # throttles and cached settings must not leak from one test into the next
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def park(db):
    from parkflow.org.tests.factories import ParkFactory

    return ParkFactory(name="苏州工业园A区")


@pytest.fixture
def other_park(db):
    from parkflow.org.tests.factories import ParkFactory

    return ParkFactory(name="无锡科创园B区")
