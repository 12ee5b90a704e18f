"""Settings under pytest (``DJANGO_SETTINGS_MODULE`` in pyproject.toml): the production settings
plus the test-only domain and a URLconf that mounts it. ``manage.py`` and the WSGI app use
``parkflow.settings``, which knows nothing of it (so ``makemigrations --check`` stays clean)."""

from parkflow.settings import *  # noqa: F403
from parkflow.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "parkflow.testdomain"]
ROOT_URLCONF = "parkflow.testdomain.urlconf"
