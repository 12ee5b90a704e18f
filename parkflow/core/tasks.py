"""Background work of the kernel: the periodic rule sweep and event-driven evaluation."""

from django.apps import apps
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import rules


@db_task()
def evaluate_object_task(model_label: str, pk) -> None:
    obj = apps.get_model(model_label)._default_manager.filter(pk=pk).first()
    if obj is not None:
        rules.evaluate_object(obj)


@db_periodic_task(crontab(minute="*/15"))
def sweep_rules() -> None:
    rules.sweep_all()
