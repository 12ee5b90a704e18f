"""Background work of resources: the import of a large unit ledger (R-RES-1, R-PLT-5)."""

from huey.contrib.djhuey import db_task


@db_task()
def resource_import_task(token: str) -> None:
    from .imports import resource_import_run

    resource_import_run(token=token)
