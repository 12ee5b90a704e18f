"""SLA clocks at 10,000 items (make bench; make bench SLA=1 runs this alone; issue 8 §2).

On a PostgreSQL database of its own (re-created each run: migrate, one park, 10,000 errands of the
test-only domain, each with its response clock — 3 working days from submission, submissions
spread over the 30 days before the measured moment, some paused, some already stopped), times:

* the set-based selectors a domain uses on its queryset: ``sla.overdue`` (count, and the first
  page of 50) and ``sla.due_soon`` (80 % of the window used), with their query plans;
* ``sla.start`` through the real path (the errand's submit step: permission, state, the clock,
  two audit events) for a sample, and ``sla.recalculate`` of every running clock (what new
  business hours or a calendar change cost);
* the calendar before and after the index: ``add_working_days`` / ``working_days_between`` by the
  day-by-day loop (before issue 8), by the ``BusinessDay`` index (one query each, chosen), and by
  an in-process array loaded from the index (the alternative, measured and not chosen: it needs
  an invalidation check per use across processes, and the SQL selectors need the stored
  ``due_at`` anyway).

Results are printed and written to bench/results/sla-latest.txt.

    .venv/bin/python bench/sla.py [--items 10000] [--repeat 30]
    env: BENCH_SLA_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/parkflow_bench_sla)
"""

import argparse
import bisect
import datetime
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/parkflow_bench_sla"


def _recreate_database(url: str) -> None:
    """Drop and create the benchmark's own database (never any other)."""
    import psycopg

    name = urlparse(url).path.lstrip("/")
    if not name.startswith("parkflow_bench_"):
        raise SystemExit(f"refusing to re-create {name!r}: the SLA bench uses parkflow_bench_*")
    admin = urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _setup_env(url: str) -> None:
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="parkflow.testdomain.settings",
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


def _us_per_call(fn, calls):
    start = time.perf_counter()
    for args in calls:
        fn(*args)
    return (time.perf_counter() - start) / len(calls) * 1e6


def main() -> int:  # noqa: PLR0915 - one linear script
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--sample", type=int, default=200, help="errands submitted via the service")
    args = parser.parse_args()
    url = os.environ.get("BENCH_SLA_DATABASE_URL", DEFAULT_URL)
    try:
        _recreate_database(url)
    except Exception as exc:  # no PostgreSQL here: say so, do not fail make bench
        print(f"bench/sla.py: skipped, PostgreSQL not reachable at {url}: {exc}")
        return 0
    _setup_env(url)
    import django

    django.setup()
    from zoneinfo import ZoneInfo

    import time_machine
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from parkflow.core import calendar, sla, workflow
    from parkflow.core.calendar import DayTable
    from parkflow.core.choices import SlaState
    from parkflow.core.models import BusinessDay, SlaClock
    from parkflow.org.choices import Role
    from parkflow.org.tests.factories import ParkFactory, staff
    from parkflow.testdomain.choices import ErrandStatus
    from parkflow.testdomain.clocks import RESPONSE
    from parkflow.testdomain.models import Errand
    from parkflow.testdomain.tests.factories import errand

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

    # The measured moment: a Friday afternoon after the 2026 National Day holiday; submissions
    # spread over the 30 days before it, at any hour (the holiday and weekends included).
    now = datetime.datetime(2026, 10, 16, 15, 0, tzinfo=tz)
    rng = random.Random(8)
    park = ParkFactory(name="基准园区", code="bench-sla-park")
    clerk = staff(Role.BUSINESS_STAFF, park, username="bench_clerk")
    ct = ContentType.objects.get_for_model(Errand)

    # --- 10,000 items with clocks (bulk: volume, not behaviour; the times come from sla.compute)
    started = time.perf_counter()
    moments = sorted(
        now - datetime.timedelta(seconds=rng.uniform(0, 30 * 86400)) for _ in range(args.items)
    )
    errands = Errand.objects.bulk_create(
        [
            Errand(
                park=park,
                title=f"基准事项{i:05d}",
                status=ErrandStatus.SUBMITTED,
                assignee=clerk,
                created_by=clerk,
                submitted_at=moment,
            )
            for i, moment in enumerate(moments)
        ],
        batch_size=1000,
    )
    days, hours = DayTable.load(), sla.business_hours()
    official = calendar.official_years()
    clocks = []
    for made, moment in zip(errands, moments, strict=True):
        timing = sla.compute(
            unit="working_days",
            target=3,
            started_at=moment,
            days=days,
            hours=hours,
            official=official,
        )
        # Most items whose deadline has passed are done (a few late); a few wait for the
        # enterprise; the rest run — a few hundred overdue, as a busy park might have.
        state, paused_at, stopped_at, pauses = SlaState.RUNNING, None, None, []
        passed = timing.due_at < now
        roll = rng.random()
        if roll < (0.9 if passed else 0.15):
            latest = min(now, timing.due_at + datetime.timedelta(days=1)) if passed else now
            stopped_at = moment + (latest - moment) * rng.uniform(0.05, 1)
            state = SlaState.MET if stopped_at <= timing.due_at else SlaState.BREACHED
        elif roll < (0.93 if passed else 0.2):
            state = SlaState.PAUSED
            paused_at = moment + (min(now, timing.due_at) - moment) * rng.uniform(0.1, 0.9)
            pauses = [{"from": paused_at.isoformat(), "to": None, "reason": "等待材料"}]
        clocks.append(
            SlaClock(
                content_type=ct,
                object_id=made.pk,
                code=RESPONSE.code,
                grade="normal",
                unit="working_days",
                target=3,
                park=park,
                state=state,
                started_at=moment,
                due_at=timing.due_at,
                warn_at=timing.warn_at,
                critical_at=timing.critical_at,
                paused_at=paused_at,
                pauses=pauses,
                stopped_at=stopped_at,
                provisional=timing.provisional,
            )
        )
    SlaClock.objects.bulk_create(clocks, batch_size=1000)
    seed_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    everything = Errand.objects.all()
    with time_machine.travel(now, tick=False):
        overdue_n = sla.overdue(everything, RESPONSE).count()
        soon_n = sla.due_soon(everything, RESPONSE).count()
        by_state = dict(
            SlaClock.objects.values_list("state").annotate(n=django.db.models.Count("*"))
        )

        rows = []

        def measure(label, fn):
            fn()  # warm-up
            with CaptureQueriesContext(connection) as ctx:
                fn()
            median, p95 = _ms(_timed(fn, args.repeat))
            rows.append((label, median, p95, len(ctx.captured_queries)))

        measure("overdue count", lambda: sla.overdue(everything, RESPONSE).count())
        measure(
            "overdue first page (50, by due)",
            lambda: list(
                sla.with_clock(sla.overdue(everything, RESPONSE), RESPONSE).order_by("sla_due_at")[
                    :50
                ]
            ),
        )
        measure("due soon count (80 %)", lambda: sla.due_soon(everything, RESPONSE).count())
        measure(
            "overdue clocks, all domains",
            lambda: SlaClock.objects.filter(state="running", due_at__lt=now).count(),
        )
        measure("attainment (met / breached)", lambda: sla.attainment(everything, RESPONSE))
        measure("one errand's clocks (page)", lambda: sla.clocks_of(errands[len(errands) // 2]))

        with connection.cursor() as cursor:
            sql, params = sla.overdue(everything, RESPONSE).values("pk").query.sql_with_params()
            cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {sql}", params)
            plan_overdue = [r[0] for r in cursor.fetchall()]
            sql, params = sla.due_soon(everything, RESPONSE).values("pk").query.sql_with_params()
            cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {sql}", params)
            plan_soon = [r[0] for r in cursor.fetchall()]

    # --- the real path: submissions through the workflow (permission, state, clock, audit)
    drafts = [errand(park, clerk, title=f"样本{i}") for i in range(args.sample)]
    with time_machine.travel(now, tick=False):
        submit_s = _timed(
            lambda: [workflow.transition(actor=clerk, obj=d, name="submit") for d in drafts]
        )[0]
        recalc_s = _timed(lambda: sla.recalculate(since=now.date()))[0]
        active = SlaClock.objects.filter(state__in=sla.ACTIVE).count()

    # --- the calendar: the day-by-day loop, the index (one query), an in-process array
    calls_rng = random.Random(9)
    starts = [
        datetime.date(2026, 1, 1) + datetime.timedelta(days=calls_rng.randrange(0, 700))
        for _ in range(300)
    ]
    add_calls = [(d, calls_rng.choice([1, 3, 5, 10, 20])) for d in starts]
    between_calls = [(d, d + datetime.timedelta(days=calls_rng.randrange(1, 60))) for d in starts]
    for (d, n), expected in zip(
        add_calls, (calendar._loop_add_working_days(d, n) for d, n in add_calls), strict=True
    ):
        assert calendar.add_working_days(d, n) == expected, (d, n)
    long_add = [(d, 60) for d in starts]
    long_between = [(d, d + datetime.timedelta(days=365)) for d in starts]
    variants = {
        "add_working_days (1-20 days)": (add_calls, "add"),
        "add_working_days (60 days)": (long_add, "add"),
        "working_days_between (1-60 days)": (between_calls, "between"),
        "working_days_between (365 days)": (long_between, "between"),
    }
    loop_fns = {
        "add": calendar._loop_add_working_days,
        "between": calendar._loop_working_days_between,
    }
    index_fns = {"add": calendar.add_working_days, "between": calendar.working_days_between}
    calendar_us = {label: {"loop": [], "index": []} for label in variants}
    for _round in range(5):  # interleaved rounds: the machine's load hits both alike
        for label, (calls, kind) in variants.items():
            calendar_us[label]["loop"].append(_us_per_call(loop_fns[kind], calls[:60]))
            calendar_us[label]["index"].append(_us_per_call(index_fns[kind], calls[:60]))

    def load_array():
        rows_ = list(
            BusinessDay.objects.order_by("date").values_list(
                "date", "is_working_day", "working_ordinal"
            )
        )
        return (
            [r[0] for r in rows_],
            [r[2] for r in rows_],
            [r[0] for r in rows_ if r[1]],
        )

    load_ms = _ms(_timed(load_array, 10))[0]
    dates, ordinals, working = load_array()

    def array_add(start, n):
        i = bisect.bisect_left(dates, start)
        return working[ordinals[i] + n - 1]

    def array_between(start, end):
        return ordinals[bisect.bisect_left(dates, end)] - ordinals[bisect.bisect_left(dates, start)]

    for d, n in add_calls:
        assert array_add(d, n) == calendar.add_working_days(d, n)
    for label, (calls, kind) in variants.items():
        array_fn = array_add if kind == "add" else array_between
        calendar_us[label]["array"] = [_us_per_call(array_fn, calls)]
    single_compute = _us_per_call(
        lambda m: sla.compute(unit="working_days", target=3, started_at=m),
        [(m,) for m in moments[:200]],
    )
    batch_compute = _us_per_call(
        lambda m: sla.compute(
            unit="working_days",
            target=3,
            started_at=m,
            days=days,
            hours=hours,
            official=official,
        ),
        [(m,) for m in moments[:2000]],
    )
    reset_queries()

    # --- report
    load = os.getloadavg()
    say("# make bench — SLA clocks at scale (bench/sla.py; issue 8 §2)")
    say(
        f"# machine: {platform.system()} {platform.machine()}, {os.cpu_count()} CPU, "
        f"Python {platform.python_version()}; load average {load[0]:.1f} {load[1]:.1f} "
        f"{load[2]:.1f} at the end of the run"
    )
    say(
        f"# database: {pg_version}, {urlparse(url).path.lstrip('/')} (re-created; migrate "
        f"{migrate_s:.1f} s; {BusinessDay.objects.count()} BusinessDay rows)"
    )
    say(
        f"# data: {args.items} errands with a response clock (3 working days), submitted over "
        f"the 30 days before {now:%Y-%m-%d %H:%M} (Asia/Shanghai); bulk seed {seed_s:.1f} s"
    )
    say(
        f"# clocks by state: {dict(sorted(by_state.items()))}; overdue {overdue_n}, due soon "
        f"{soon_n} at that moment"
    )
    say(f"# {args.repeat} timed runs per row after a warm-up; Django ORM, in-process")
    say()
    say(f"{'set-based selector':36} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for label, median, p95, queries in rows:
        say(f"{label:36} {median:8.2f} {p95:8.2f} {queries:8d}")
    say()
    say("query plan, overdue (EXPLAIN ANALYZE):")
    for line in plan_overdue:
        say(f"    {line}")
    say("query plan, due soon:")
    for line in plan_soon:
        say(f"    {line}")
    say()
    say(f"{'write path':52} {'value':>10}")
    say(
        f"{'submit step with sla.start (per errand, ' + str(args.sample) + ' errands)':52} "
        f"{submit_s / args.sample * 1000:8.2f} ms"
    )
    say(
        f"{'sla.recalculate, every active clock (' + str(active) + ')':52} {recalc_s * 1000:8.0f} ms"
    )
    say(f"{'sla.compute, one clock, index queried (3 queries)':52} {single_compute:8.0f} µs")
    say(f"{'sla.compute, one clock, whole index in memory':52} {batch_compute:8.1f} µs")
    say()
    say(
        f"{'calendar, µs per call (median of 5 rounds)':44} {'loop':>10} {'index':>10} "
        f"{'array':>10}"
    )
    for label, found in calendar_us.items():
        say(
            f"{label:44} {statistics.median(found['loop']):10.0f} "
            f"{statistics.median(found['index']):10.0f} {found['array'][0]:10.2f}"
        )
    say(f"{'  (array: loading the index into memory)':44} {'':10} {'':10} {load_ms * 1000:10.0f}")
    say(
        "# loop: before issue 8 (two queries, then a Python walk over the days); index: one "
        "query on BusinessDay; array: the index in process memory (not chosen: every use would "
        "first have to check that no other process changed the calendar — a query — and the "
        "overdue selectors need the stored due_at in SQL anyway)"
    )
    out = ROOT / "bench" / "results" / "sla-latest.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\nwritten to {out}")
    connection.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
