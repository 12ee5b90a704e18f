"""Background work of agreements: the import of a large ledger of existing agreements (R-PLT-5)."""

from huey.contrib.djhuey import db_task


@db_task()
def agreement_import_task(token: str) -> None:
    from .imports import agreement_import_run

    agreement_import_run(token=token)
