"""R-RES-4 under load: twenty requests for the same slot at the same moment allocate it exactly
once; the other nineteen get the conflict naming the held period; periods adjacent to it (one
ends when the next starts) are both allowed. On PostgreSQL in this process (each thread its own
connection; the exclusion constraint stands behind the service's check); on SQLite against a
file database in a child pytest run (an in-memory database is one connection shared by every
thread, which proves nothing about concurrency)."""

import datetime
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, connections

from parkflow.core import audit
from parkflow.core.errors import Conflict

from ..choices import AllocationStatus
from ..models import Allocation
from .factories import Org, admitted, at, hours_entitlement, meeting_room

THREADS = 20


def _ask(barrier, results, index, org, enterprise, room, start, hours):
    from .. import services

    try:
        barrier.wait(timeout=30)
        request = services.request_create(
            actor=org.clerk,
            enterprise=enterprise,
            resource=room,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=hours),
            purpose=f"并发预订{index}",
        )
        results[index] = ("allocated", request.status)
    except Conflict as exc:
        results[index] = ("conflict", exc.code, exc.message)
    except Exception as exc:  # noqa: BLE001 - any other failure is the test's finding
        results[index] = ("error", repr(exc))
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_r_res_4_twenty_concurrent_requests_for_one_slot_allocate_it_once(park, flushable_audit):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("run against a file database by the test below")
    org = Org(park)
    hours_entitlement(org, hours="400")
    enterprises = [admitted(org) for _ in range(4)]
    room = meeting_room(org)
    slot = at(2, 10)
    # Twenty for 10:00–12:00, and one each for the hours just before and just after it.
    plan = [(enterprises[i % 4], slot, 2) for i in range(THREADS)]
    plan += [(enterprises[0], slot - datetime.timedelta(hours=1), 1)]
    plan += [(enterprises[1], slot + datetime.timedelta(hours=2), 1)]
    barrier = threading.Barrier(len(plan))
    results: dict[int, tuple] = {}
    threads = [
        threading.Thread(
            target=_ask, args=(barrier, results, i, org, enterprise, room, start, hours)
        )
        for i, (enterprise, start, hours) in enumerate(plan)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    same_slot = [results[i] for i in range(THREADS)]
    assert not [r for r in results.values() if r[0] == "error"], results
    assert sum(1 for r in same_slot if r[0] == "allocated") == 1, same_slot
    conflicts = [r for r in same_slot if r[0] == "conflict"]
    assert len(conflicts) == THREADS - 1
    assert {r[1] for r in conflicts} == {"slot_taken"}
    assert all("10:00" in r[2] and "12:00" in r[2] for r in conflicts)
    assert results[THREADS][0] == results[THREADS + 1][0] == "allocated"  # adjacent: both
    active = Allocation.objects.filter(resource=room, status=AllocationStatus.ACTIVE)
    assert active.count() == 3
    assert audit.verify_chain().ok


def test_r_res_4_the_same_race_on_a_file_based_sqlite_database(tmp_path):
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        pytest.skip("PostgreSQL runs the race in-process; this is the SQLite file run")
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
            f"{here}::test_r_res_4_twenty_concurrent_requests_for_one_slot_allocate_it_once",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=here.parents[3],
    )
    assert child.returncode == 0, child.stdout[-3000:] + child.stderr[-2000:]
    assert "1 passed" in child.stdout
