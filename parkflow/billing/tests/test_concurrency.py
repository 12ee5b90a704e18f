"""The two races issue 12 must show, on PostgreSQL and on a file-based SQLite database.

* R-BIL-2: twenty attempts to issue the same bill (``bill_issue`` on one fee line and period)
  at the same moment make exactly one bill; the nineteen others are refused, and each refusal
  is recorded (``bill.duplicate_refused``) on the bill that exists.
* R-BIL-4: ten payments sent at once through the HTTP API to a live, threaded server with one
  idempotency key record one payment, and the ten answers are the same (201, the same body;
  nine of them say ``Idempotent-Replayed: true``).

On PostgreSQL they run in this process (each thread its own connection; the unique
constraints stand behind the services' checks). On SQLite they run against a file database in
a child pytest run (``SQLITE_TEST_PATH``): an in-memory database is one connection shared by
every thread, which proves nothing about concurrency."""

import datetime
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection, connections
from django.test.testcases import LiveServerThread, _StaticFilesHandler

from parkflow.agreements.choices import FeeKind
from parkflow.core import audit
from parkflow.core.models import AuditEvent
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

from ..models import Bill, Payment
from .factories import signed_agreement

ISSUERS = 20
PAYERS = 10
PASSWORD = "Park-2026!"
NOV = datetime.date(2026, 11, 1)


def _in_memory() -> bool:
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


def _together(count, work):
    """Run ``work(index)`` in ``count`` threads released at the same instant; their results
    (or the exception each raised) by index."""
    barrier = threading.Barrier(count)
    results: dict[int, object] = {}

    def run(index):
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except Exception as exc:  # noqa: BLE001 - any other failure is the test's finding
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return results


# ---------------------------------------------------------------------------------------------
# R-BIL-2: twenty attempts at the same bill


@pytest.mark.django_db(transaction=True)
def test_r_bil_2_twenty_concurrent_attempts_to_issue_one_bill_make_one(flushable_audit):
    if _in_memory():
        pytest.skip("run against a file database by the SQLite test below")
    from .. import services

    agreement = signed_agreement(start=datetime.date(2026, 1, 1))
    clerk = staff(Role.FINANCE_STAFF, agreement.park)
    rent = agreement.fees.get(kind=FeeKind.RENT)

    results = _together(
        ISSUERS,
        lambda index: services.bill_issue(actor=clerk, fee_line=rent, period_start=NOV),
    )

    errors = [r for r in results.values() if isinstance(r, Exception)]
    assert not errors, errors
    created = [r for r in results.values() if r.created]
    refused = [r for r in results.values() if not r.created]
    assert len(created) == 1 and len(refused) == ISSUERS - 1
    bill = Bill.objects.get(fee_line=rent)
    assert {r.bill.pk for r in results.values()} == {bill.pk}
    assert Bill.objects.count() == 1
    events = AuditEvent.objects.filter(object_id=str(bill.pk))
    assert events.filter(action="bill.issue").count() == 1
    assert events.filter(action="bill.duplicate_refused").count() == ISSUERS - 1
    assert audit.verify_chain().ok


# ---------------------------------------------------------------------------------------------
# R-BIL-4: ten payments with one idempotency key, through HTTP


class _BusyServer(ThreadedWSGIServer):
    # Ten clients connect in the same millisecond; Django's default backlog is 10.
    request_queue_size = 64


class _BusyLiveServerThread(LiveServerThread):
    server_class = _BusyServer


@pytest.fixture
def api_server(flushable_audit, settings):
    if _in_memory():
        pytest.skip("an in-memory SQLite database is one shared connection: no concurrency")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1", "localhost"]
    thread = _BusyLiveServerThread("127.0.0.1", _StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()


def _token(base: str, user) -> str:
    response = requests.post(
        f"{base}/api/v1/auth/token/",
        data={"username": user.username, "password": PASSWORD},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


def test_r_bil_4_ten_concurrent_payments_with_one_key_record_one_and_answer_alike(api_server):
    from django.utils import timezone

    from .. import services

    agreement = signed_agreement(start=datetime.date(2026, 1, 1))
    clerk = staff(Role.FINANCE_STAFF, agreement.park, password=PASSWORD)
    rent = agreement.fees.get(kind=FeeKind.RENT)
    bill = services.bill_issue(actor=clerk, fee_line=rent, period_start=NOV).bill
    token = _token(api_server, clerk)
    body = {
        "bill": bill.pk,
        "amount": "9600.00",
        "method": "bank_transfer",
        "paid_on": timezone.localdate().isoformat(),
        "reference": "招商银行回单 20261110-0001",
    }
    headers = {
        "Authorization": f"Token {token}",
        "Idempotency-Key": "pay-ZD-2026-11-once",
        "Accept-Language": "zh-hans",
    }

    def send(index):
        response = requests.post(
            f"{api_server}/api/v1/payments/", json=body, headers=headers, timeout=120
        )
        return response.status_code, response.content, response.headers.get("Idempotent-Replayed")

    results = _together(PAYERS, send)

    errors = [r for r in results.values() if isinstance(r, Exception)]
    assert not errors, errors
    statuses = {status for status, _content, _replayed in results.values()}
    bodies = {content for _status, content, _replayed in results.values()}
    assert statuses == {201}, [r[:2] for r in results.values()]
    assert len(bodies) == 1, bodies
    replayed = [flag for _s, _c, flag in results.values()]
    assert replayed.count("true") == PAYERS - 1 and replayed.count(None) == 1
    connections.close_all()
    payment = Payment.objects.get()
    assert json.loads(bodies.pop())["id"] == payment.pk
    assert payment.amount == bill.amount
    assert AuditEvent.objects.filter(action="payment.record").count() == 1
    bill.refresh_from_db()
    assert bill.paid == bill.amount
    assert audit.verify_chain().ok


# ---------------------------------------------------------------------------------------------
# The same two races on SQLite: a file database in a child run


def test_the_same_races_on_a_file_based_sqlite_database(tmp_path):
    if not _in_memory():
        pytest.skip("PostgreSQL (or a file database) runs the races in this process")
    env = {
        **os.environ,
        "SQLITE_TEST_PATH": str(tmp_path / "race.sqlite3"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'base.sqlite3'}",
    }
    here = Path(__file__)
    child = subprocess.run(  # noqa: S603 - this interpreter and this test file
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            f"{here}::test_r_bil_2_twenty_concurrent_attempts_to_issue_one_bill_make_one",
            f"{here}::test_r_bil_4_ten_concurrent_payments_with_one_key_record_one_and_answer_alike",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        cwd=here.parents[3],
    )
    assert child.returncode == 0, child.stdout[-3000:] + child.stderr[-2000:]
    assert "2 passed" in child.stdout
