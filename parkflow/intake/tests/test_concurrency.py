"""Concurrent writes through the HTTP API never end in a 500 (issue 6 §1, decision D17).

Twenty-odd clients hit a live, threaded server at once with unrelated writes in one park —
enterprise creations, document uploads, edits and conflict declarations — for three rounds, then
all on one enterprise. Every answer must be a success or a clean 409 in the API's error shape;
afterwards the audit chain verifies and the rows written equal the successes reported.

PostgreSQL is where the deadlocks were; SQLite is checked the same way when the test database is
a file (``SQLITE_TEST_PATH``): an in-memory database is one connection shared by every thread,
which proves nothing about concurrency.
"""

import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests
from django.conf import settings as django_settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection, connections
from django.test.testcases import LiveServerThread, _StaticFilesHandler

from parkflow.core import audit
from parkflow.core.models import AuditEvent
from parkflow.enterprises import services
from parkflow.enterprises.models import Enterprise
from parkflow.enterprises.tests.factories import MINIMAL_PDF, make_credit_code
from parkflow.intake.models import ConflictDeclaration, QualificationDocument
from parkflow.org.choices import Role
from parkflow.org.tests.factories import ParkFactory, staff

PASSWORD = "Park-2026!"
ERROR_KEYS = {"code", "detail", "requirement"}


class _BusyServer(ThreadedWSGIServer):
    # Twenty-odd clients connect in the same millisecond; Django's default backlog is 10.
    request_queue_size = 128


class _BusyLiveServerThread(LiveServerThread):
    server_class = _BusyServer


@pytest.fixture
def api_server(flushable_audit, settings):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
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


class Swarm:
    """Fires a batch of requests from as many threads at the same instant and keeps every answer."""

    def __init__(self, base: str):
        self.base = base
        self.results: list[tuple[str, int, dict]] = []  # (kind, status, body)
        self._lock = threading.Lock()

    def fire(self, jobs) -> float:
        barrier = threading.Barrier(len(jobs))

        def run(kind, token, method, path, kwargs):
            session = requests.Session()
            session.headers["Authorization"] = f"Token {token}"
            session.headers["Accept-Language"] = "zh-hans"
            try:
                barrier.wait(timeout=30)
                response = session.request(method, self.base + path, timeout=120, **kwargs)
                try:
                    body = response.json()
                except ValueError:
                    body = {"raw": response.text[:300]}
                status = response.status_code
            except Exception as exc:  # noqa: BLE001 - a dropped connection is a failure too
                status, body = 0, {"raw": repr(exc)}
            finally:
                session.close()
            with self._lock:
                self.results.append((kind, status, body))

        threads = [threading.Thread(target=run, args=job) for job in jobs]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return time.monotonic() - started

    def successes(self, kind: str) -> int:
        return sum(1 for k, status, _ in self.results if k == kind and 200 <= status < 300)

    def statuses(self) -> Counter:
        return Counter(status for _, status, _ in self.results)


def _create_job(token, park, n):
    body = {
        "park": park.pk,
        "name": f"苏州并发测试科技有限公司{n}",
        "credit_code": make_credit_code(50_000 + n),
        "legal_representative": "周明",
        "registered_capital": "800.00",
        "industry": "it",
        "contact_name": "陈静",
        "contact_phone": "13912345678",
    }
    return ("create", token, "POST", "/api/v1/enterprises/", {"json": body})


def _upload_job(token, enterprise, n):
    files = {"file": (f"财务报表{n}.pdf", MINIMAL_PDF, "application/pdf")}
    data = {"doc_type": "financial_statement", "note": f"第{n}次上传"}
    path = f"/api/v1/enterprises/{enterprise.pk}/documents/"
    return ("upload", token, "POST", path, {"files": files, "data": data})


def _edit_job(token, enterprise, n):
    body = {"contact_name": f"联系人{n}", "reason": "并发编辑"}
    return ("edit", token, "PATCH", f"/api/v1/enterprises/{enterprise.pk}/", {"json": body})


def _declare_job(token, enterprise, n):
    body = {"reason": f"亲属在该企业任职（{n}）"}
    path = f"/api/v1/enterprises/{enterprise.pk}/declare-conflict/"
    return ("declare", token, "POST", path, {"json": body})


def _assert_clean(swarm: Swarm):
    for kind, status, body in swarm.results:
        assert 200 <= status < 300 or status == 409, (kind, status, body)
        if status == 409:
            assert body.keys() >= ERROR_KEYS, (kind, body)
            assert body["code"] in {"conflict_exists", "concurrent_update"}, (kind, body)


def _run_mixed_rounds(base: str) -> Swarm:
    park = ParkFactory()
    clerks = [staff(Role.BUSINESS_STAFF, park, password=PASSWORD) for _ in range(6)]
    tokens = [_token(base, clerk) for clerk in clerks]
    existing = [
        services.enterprise_create(
            actor=clerks[0],
            park=park,
            name=f"无锡既有企业有限公司{i}",
            credit_code=make_credit_code(40_000 + i),
            legal_representative="王强",
            registered_capital="300.00",
            industry="it",
            contact_name="赵敏",
            contact_phone="13800138000",
        )
        for i in range(30)
    ]
    events_before = Counter(AuditEvent.objects.values_list("action", flat=True))
    swarm = Swarm(base)
    timings = []

    # Three rounds of unrelated writes on different enterprises of the same park.
    for r in range(3):
        jobs = []
        for k in range(6):
            n = r * 6 + k
            jobs.append(_create_job(tokens[k], park, n))
            jobs.append(_upload_job(tokens[k], existing[k], n))
            jobs.append(_edit_job(tokens[k], existing[6 + k], n))
            # Each (person, enterprise) pair once: a repeat would be a real conflict.
            jobs.append(_declare_job(tokens[k], existing[12 + r * 6 + k], n))
        timings.append(swarm.fire(jobs))
    unrelated = list(swarm.results)

    # Everything on one enterprise: 5 declarations, 15 edits, 2 uploads, and one declaration
    # sent twice at once — that one is a real conflict and must be a 409, not a duplicate row.
    target = existing[0]
    jobs = [_declare_job(tokens[k], target, 100 + k) for k in range(5)]
    jobs += [_edit_job(tokens[k % 6], target, 200 + k) for k in range(15)]
    jobs += [_upload_job(tokens[k], target, 300 + k) for k in range(2)]
    jobs += [_declare_job(tokens[5], target, 400), _declare_job(tokens[5], target, 401)]
    timings.append(swarm.fire(jobs))
    print(
        f"\n[{connection.vendor}] statuses {dict(swarm.statuses())}, "
        f"round seconds {[round(t, 2) for t in timings]}"
    )

    _assert_clean(swarm)
    # Unrelated writes have nothing to conflict about: every one of them succeeds.
    assert all(200 <= status < 300 for _, status, _ in unrelated), Counter(
        (kind, status) for kind, status, _ in unrelated
    )
    # The doubled declaration: exactly one of the two is refused as a duplicate.
    duplicates = [body for _, status, body in swarm.results if status == 409]
    assert [b["code"] for b in duplicates].count("conflict_exists") == 1, duplicates

    connections.close_all()
    report = audit.verify_chain()
    assert report.ok, report
    events = Counter(AuditEvent.objects.values_list("action", flat=True)) - events_before
    assert Enterprise.objects.filter(park=park).count() == 30 + swarm.successes("create")
    assert events["enterprise.create"] == swarm.successes("create")
    assert QualificationDocument.objects.count() == swarm.successes("upload")
    assert events["document.upload"] == swarm.successes("upload")
    assert ConflictDeclaration.objects.count() == swarm.successes("declare")
    assert events["conflict.declare"] == swarm.successes("declare")
    assert events["enterprise.update"] == swarm.successes("edit")
    # One stored file per document: none duplicated by a retry, none orphaned by a rollback.
    stored = [p for p in Path(django_settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert len(stored) == QualificationDocument.objects.count()
    return swarm


@pytest.mark.postgres
def test_concurrent_api_writes_on_postgresql_never_fail_with_500(api_server):
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL lock order is proved on PostgreSQL")
    _run_mixed_rounds(api_server)


def test_concurrent_api_writes_on_a_sqlite_file_never_fail_with_500(api_server):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant of the same load")
    _run_mixed_rounds(api_server)
