"""Background work of the enterprise register: the import's check and commit (R-PLT-5)."""

from huey.contrib.djhuey import db_task


@db_task()
def import_check_task(batch_id: int) -> None:
    from .services_import import import_batch_check

    import_batch_check(batch_id=batch_id)


@db_task()
def import_commit_task(batch_id: int) -> None:
    from .services_import import import_batch_run

    import_batch_run(batch_id=batch_id)
