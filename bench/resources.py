"""The occupancy calendar at building scale (make bench; make bench RESOURCES=1 runs this alone;
issue 10 §4).

On a PostgreSQL database of its own (re-created each run: migrate, one park, a building of 500
office units and a second building of 200, about 10,000 allocations in the first and 2,000 in the
second over three months — 10 % of them released — none overlapping another active one of the same
unit, as the exclusion constraint requires), times the read the staff occupancy calendar makes:
every active allocation overlapping a window of one building's units, per unit —

* for a month (the calendar's month view), a week and a day;
* with the query count, the rows returned and the query plan (EXPLAIN ANALYZE).

It measures ``parkflow.resources.selectors.occupancy`` — the selector the staff calendar page uses
— when the branch has it; otherwise a straightforward one-query selector of the same shape
written here (``_occupancy``), and the report says which.

Results are printed and written to bench/results/resources-latest.txt.

    .venv/bin/python bench/resources.py [--units 500] [--allocations 10000] [--repeat 30]
    env: BENCH_RESOURCES_DATABASE_URL
         (default postgres://postgres@127.0.0.1:5432/parkflow_bench_resources)
"""

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/parkflow_bench_resources"


def _recreate_database(url: str) -> None:
    """Drop and create the benchmark's own database (never any other)."""
    import psycopg

    name = urlparse(url).path.lstrip("/")
    if not name.startswith("parkflow_bench_"):
        raise SystemExit(
            f"refusing to re-create {name!r}: the resources bench uses parkflow_bench_*"
        )
    admin = urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _setup_env(url: str) -> None:
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="parkflow.settings",
        DEBUG="0",
        HUEY_IMMEDIATE="1",
        AXES_ENABLED="0",
        LOG_LEVEL="WARNING",
        PARKFLOW_TESTING="1",
    )


def _timed(fn, repeat=1):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def _ms(samples):
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered) * 1000, p95 * 1000


def _occupancy(resources, starts_at, ends_at):
    """The fallback selector: the active allocations overlapping ``[starts_at, ends_at)`` of
    every resource of the ``resources`` queryset, per resource id, in one query (a subquery on
    the resources) — what the calendar needs to draw its cells and name the holder."""
    from parkflow.resources.choices import AllocationStatus
    from parkflow.resources.models import Allocation

    found = defaultdict(list)
    rows = (
        Allocation.objects.filter(
            resource__in=resources.values("pk"),
            status=AllocationStatus.ACTIVE,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
        .select_related("enterprise")
        .only(
            "id",
            "resource_id",
            "request_id",
            "starts_at",
            "ends_at",
            "above_entitlement",
            "enterprise__id",
            "enterprise__name",
        )
        .order_by("resource_id", "starts_at")
    )
    for allocation in rows:
        found[allocation.resource_id].append(allocation)
    return found


def _selector():
    try:
        from parkflow.resources.selectors import occupancy
    except ImportError:
        return (
            _occupancy,
            "bench/resources.py _occupancy (fallback: no resources.selectors.occupancy on this branch)",
        )
    return occupancy, "parkflow.resources.selectors.occupancy (the staff calendar page's selector)"


def main() -> int:  # noqa: PLR0915 - one linear script
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--allocations", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    url = os.environ.get("BENCH_RESOURCES_DATABASE_URL", DEFAULT_URL)
    try:
        _recreate_database(url)
    except Exception as exc:  # no PostgreSQL here: say so, do not fail make bench
        print(f"bench/resources.py: skipped, PostgreSQL not reachable at {url}: {exc}")
        return 0
    _setup_env(url)
    import django

    django.setup()
    from zoneinfo import ZoneInfo

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from parkflow.enterprises.tests.factories import EnterpriseFactory
    from parkflow.org.choices import Role
    from parkflow.org.tests.factories import ParkFactory, staff
    from parkflow.resources.choices import (
        AllocationStatus,
        RequestChannel,
        RequestStatus,
        ResourceKind,
    )
    from parkflow.resources.models import Allocation, Resource, ResourceRequest

    tz = ZoneInfo("Asia/Shanghai")
    lines = []

    def say(text=""):
        print(text)
        lines.append(text)

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0].split(",")[0]

    # --- the data (bulk: volume, not behaviour — the services' path is the test suite's)
    started = time.perf_counter()
    rng = random.Random(10)
    month_start = datetime.datetime(2026, 11, 1, tzinfo=tz)
    month_end = datetime.datetime(2026, 12, 1, tzinfo=tz)
    span_start = datetime.datetime(2026, 10, 1, tzinfo=tz)
    span_days = 92  # October to December
    park = ParkFactory(name="基准园区", code="bench-resources-park")
    clerk = staff(Role.BUSINESS_STAFF, park, username="bench_resources_clerk")
    enterprises = [EnterpriseFactory(park=park) for _ in range(120)]
    now = datetime.datetime.now(tz)

    def units(building, count, code_prefix):
        per_floor = 20
        return Resource.objects.bulk_create(
            [
                Resource(
                    park=park,
                    kind=ResourceKind.UNIT,
                    code=f"{code_prefix}-{i // per_floor + 1:02d}{i % per_floor + 1:02d}",
                    name=f"{building}{i // per_floor + 1}{i % per_floor + 1:02d}室",
                    building=building,
                    floor=str(i // per_floor + 1),
                    number=f"{i // per_floor + 1}{i % per_floor + 1:02d}",
                    area=rng.choice((45, 65, 80, 120, 160, 220)),
                    created_at=now,
                )
                for i in range(count)
            ],
            batch_size=1000,
        )

    measured = units("A栋", args.units, "A")
    other = units("B栋", max(1, args.units * 2 // 5), "B")

    def periods(resource, count):
        """``count`` back-to-back periods (with gaps) of one unit over the three months."""
        average = span_days * 86400 / count
        at = span_start + datetime.timedelta(seconds=rng.uniform(0, average / 2))
        made = []
        for _ in range(count):
            length = datetime.timedelta(seconds=rng.uniform(0.3, 1.2) * average * 0.8)
            made.append((resource, at, at + length))
            at += length + datetime.timedelta(seconds=rng.uniform(0.05, 0.3) * average)
        return made

    per_unit = max(1, args.allocations // len(measured))
    wanted = [p for r in measured for p in periods(r, per_unit)]
    wanted += [p for r in other for p in periods(r, per_unit)]
    requests = ResourceRequest.objects.bulk_create(
        [
            ResourceRequest(
                park=park,
                enterprise=rng.choice(enterprises),
                resource=resource,
                starts_at=starts_at,
                ends_at=ends_at,
                purpose="基准",
                status=RequestStatus.ALLOCATED,
                channel=RequestChannel.STAFF,
                requested_by=clerk,
                created_at=starts_at - datetime.timedelta(days=3),
                decided_at=starts_at - datetime.timedelta(days=2),
            )
            for resource, starts_at, ends_at in wanted
        ],
        batch_size=2000,
    )
    Allocation.objects.bulk_create(
        [
            Allocation(
                request=request,
                park=park,
                enterprise_id=request.enterprise_id,
                resource_id=request.resource_id,
                starts_at=request.starts_at,
                ends_at=request.ends_at,
                status=AllocationStatus.RELEASED if rng.random() < 0.1 else AllocationStatus.ACTIVE,
                above_entitlement=rng.random() < 0.03,
                created_at=request.decided_at,
            )
            for request in requests
        ],
        batch_size=2000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seed_s = time.perf_counter() - started
    in_building = Allocation.objects.filter(resource__building="A栋").count()
    total = Allocation.objects.count()

    occupancy, selector_name = _selector()
    building = Resource.objects.filter(park=park, kind=ResourceKind.UNIT, building="A栋")
    windows = {
        "month (2026-11)": (month_start, month_end),
        "week (2026-11-16 … 22)": (
            datetime.datetime(2026, 11, 16, tzinfo=tz),
            datetime.datetime(2026, 11, 23, tzinfo=tz),
        ),
        "day (2026-11-18)": (
            datetime.datetime(2026, 11, 18, tzinfo=tz),
            datetime.datetime(2026, 11, 19, tzinfo=tz),
        ),
    }
    results = []
    for label, (starts_at, ends_at) in windows.items():
        occupancy(building, starts_at, ends_at)  # warm-up
        with CaptureQueriesContext(connection) as captured:
            found = occupancy(building, starts_at, ends_at)
        rows = sum(len(v) for v in found.values())
        median, p95 = _ms(
            _timed(lambda s=starts_at, e=ends_at: occupancy(building, s, e), args.repeat)
        )
        query = captured.captured_queries[-1]["sql"]

        def raw(query=query):
            with connection.cursor() as cursor:
                cursor.execute(query)
                cursor.fetchall()

        sql_median = _ms(_timed(raw, args.repeat))[0]
        results.append(
            (label, median, p95, sql_median, len(captured.captured_queries), rows, len(found))
        )
        if label.startswith("month"):
            sql = query
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        plan = [row[0] for row in cursor.fetchall()]

    # --- report
    load = os.getloadavg()
    say("# make bench — the occupancy calendar of a building (bench/resources.py; issue 10 §4)")
    say(
        f"# machine: {platform.system()} {platform.machine()}, {os.cpu_count()} CPU, "
        f"Python {platform.python_version()}; load average {load[0]:.1f} {load[1]:.1f} "
        f"{load[2]:.1f} at the end of the run"
    )
    say(
        f"# database: {pg_version}, {urlparse(url).path.lstrip('/')} (re-created; migrate "
        f"{migrate_s:.1f} s)"
    )
    say(
        f"# data: building A栋 {len(measured)} units with {in_building} allocations, building B栋 "
        f"{len(other)} units; {total} allocations in all over 2026-10-01 … 2026-12-31, ~10 % "
        f"released, {len(enterprises)} enterprises; bulk seed {seed_s:.1f} s"
    )
    say(f"# selector: {selector_name}")
    say(f"# {args.repeat} timed runs per row after a warm-up; Django ORM, in-process, rows built")
    say()
    say(
        f"{'window of A栋':26} {'p50 ms':>8} {'p95 ms':>8} {'cursor':>8} {'queries':>8} "
        f"{'rows':>7} {'units':>6}"
    )
    for label, median, p95, sql_median, queries, rows, held in results:
        say(
            f"{label:26} {median:8.2f} {p95:8.2f} {sql_median:8.2f} {queries:8d} {rows:7d} "
            f"{held:6d}"
        )
    say(
        "# p50/p95: the selector as the page calls it (query + model instances per row); cursor: "
        "the same query through a bare cursor, rows fetched as tuples (database + driver; the plan's Execution Time is the database alone)"
    )
    say()
    say("query plan, month (EXPLAIN ANALYZE, BUFFERS):")
    for line in plan:
        say(f"    {line}")
    out = ROOT / "bench" / "results" / "resources-latest.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\nwritten to {out}")
    connection.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
