"""Background work of billing: a bill run in the worker, and each park's run on the first day
of the month (the duty billing.monthly_bills)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services


@db_task()
def bill_run_task(run_id: int) -> None:
    services.bill_run_execute(run_id=run_id)


@db_periodic_task(crontab(day="1", hour="2", minute="10"))
def monthly_bill_runs() -> None:
    services.bill_runs_monthly()


# --- statements (R-BIL-5): last month's statements on the 2nd, after the bill runs ------------
@db_periodic_task(crontab(day="2", hour="3", minute="20"))
def monthly_statements() -> None:
    from . import services_statements

    services_statements.statements_issue_monthly()


# --- receivables: a large bank statement is taken into the books by the worker -----------------
@db_task()
def bank_import_task(import_id: int) -> None:
    from .services_bank import bank_import_execute

    bank_import_execute(import_id=import_id)
