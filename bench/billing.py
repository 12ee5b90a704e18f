"""Billing at group scale (make bench; make bench BILLING=1 runs this alone; issue 12).

On a PostgreSQL database of its own (re-created each run: migrate, then ``seed_scale``'s group —
20 parks, their staff, 10,000 enterprises), it measures:

1. **A month of bills for 10,000 enterprises.** One signed agreement per enterprise with two
   monthly fee lines (rent and property fee) starting this month, bulk-created (the agreements'
   own review is not what is measured); then, for each park, ``services.bill_run_start`` by the
   group's finance clerk and the worker's ``services.bill_run_execute`` (run inline: huey is
   immediate here) — the seconds and the number of queries of the whole month, 20,000 bills,
   and per park.
2. **The receivables dashboard at 1,000,000 bills.** The same agreements' earlier 49 months,
   COPY-written (980,000 bills: most paid, the recent ones less so, some part-paid), then
   ``selectors_receivables.receivables_summary`` for headquarters (every park) and for one
   park's staff, and the page ``/billing/receivables/`` through the test client: p50/p95 and
   the query count; the plans (EXPLAIN ANALYZE) of the summary's four queries; and the same
   with the partial index ``bill_outstanding_aging`` dropped, and with a covering variant
   (``INCLUDE`` the summed columns), to show what the index is worth.
3. **Next month's run of the largest park** with those 50 months of bills behind it: a run
   reads every period its agreements ever billed, so this is what grows with the years.

Results are printed and written to bench/results/billing-latest.txt.

    .venv/bin/python bench/billing.py [--enterprises 10000] [--months 50] [--repeat 15]
    env: BENCH_BILLING_DATABASE_URL
         (default postgres://postgres@127.0.0.1:5432/parkflow_bench_billing)
"""

import argparse
import datetime
import io
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/parkflow_bench_billing"
BATCH = 20_000
PAYMENT_COLUMNS = (
    "park_id", "enterprise_id", "bill_id", "amount", "applied", "credited", "method", "source",
    "reference", "paid_on", "idempotency_key", "request_digest", "recorded_by_id", "recorded_at",
)  # fmt: skip
BILL_COLUMNS = (
    "park_id", "enterprise_id", "source", "agreement_id", "fee_line_id", "source_key", "kind",
    "label", "period_start", "period_end", "quantity", "unit_price", "price_ceiling", "amount",
    "adjusted", "paid", "status", "due_date", "issued_at", "issued_by_id",
)  # fmt: skip


def _recreate_database(url: str) -> None:
    """Drop and create the benchmark's own database (never any other)."""
    import psycopg

    name = urlparse(url).path.lstrip("/")
    if not name.startswith("parkflow_bench_"):
        raise SystemExit(f"refusing to re-create {name!r}: the billing bench uses parkflow_bench_*")
    admin = urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _setup_env(url: str, var: Path) -> None:
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="parkflow.settings",
        DEBUG="0",
        HUEY_IMMEDIATE="1",
        AXES_ENABLED="0",
        LOG_LEVEL="WARNING",
        PARKFLOW_TESTING="1",
        PARKFLOW_HTTPS="0",
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        PARKFLOW_VAR_DIR=str(var),
        PARKFLOW_AUDIT_DIGEST_DIR=str(var / "digests"),
        MEDIA_ROOT=str(var / "files"),
    )


def _ms(samples):
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered) * 1000, p95 * 1000


def _months_back(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def main() -> int:  # noqa: C901, PLR0915 - one linear script
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument("--parks", type=int, default=20)
    parser.add_argument("--months", type=int, default=50, help="months of bills in all")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    url = os.environ.get("BENCH_BILLING_DATABASE_URL", DEFAULT_URL)
    try:
        _recreate_database(url)
    except Exception as exc:  # no PostgreSQL here: say so, do not fail make bench
        print(f"bench/billing.py: skipped, PostgreSQL not reachable at {url}: {exc}")
        return 0
    var = Path(tempfile.mkdtemp(prefix="parkflow-bench-billing-"))
    _setup_env(url, var)
    import django

    django.setup()
    from django.conf import settings

    # The page renders its static URLs without a collected manifest (nothing is served here).
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    from dateutil.relativedelta import relativedelta
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from parkflow.agreements.choices import AgreementKind, AgreementStatus, FeeKind, FeePeriod
    from parkflow.agreements.models import Agreement, FeeLine
    from parkflow.billing import selectors_receivables, services
    from parkflow.billing.choices import BillStatus, RunStatus
    from parkflow.billing.models import Bill, Payment
    from parkflow.core import clock
    from parkflow.enterprises.models import Enterprise
    from parkflow.org.choices import Role
    from parkflow.org.models import OrgUnit, User

    lines = []

    def say(text=""):
        print(text, flush=True)
        lines.append(text)

    def progress(text):
        print(f"[{time.perf_counter() - begun:7.1f}s] {text}", flush=True)

    begun = time.perf_counter()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0].split(",")[0]
    call_command(
        "seed_scale",
        parks=args.parks,
        enterprises=args.enterprises,
        alerts=0,
        events=0,
        stdout=io.StringIO(),
    )
    progress("migrate + seed_scale done")
    finance = User.objects.get(username="finance")  # the group's finance clerk (headquarters)
    author = User.objects.filter(username__startswith="biz_").first()
    month = clock.today().replace(day=1)
    end = month + relativedelta(months=12, days=-1)
    now = clock.now()

    # --- 1. a month of bills for every enterprise's signed agreement -----------------------------
    enterprises = list(Enterprise.objects.order_by("pk").values_list("pk", "park_id"))
    agreements = [
        Agreement(
            park_id=park_id,
            enterprise_id=pk,
            kind=AgreementKind.RESIDENCY,
            number=f"BENCH-{pk:06d}",
            title="入驻服务协议",
            status=AgreementStatus.SIGNED,
            start_date=month,
            end_date=end,
            migrated=True,
            signed_on=month,
            created_by=author,
            created_at=now,
            updated_at=now,
        )
        for pk, park_id in enterprises
    ]
    Agreement.objects.bulk_create(agreements, batch_size=5000)
    rng = random.Random(12)
    fee_lines = []
    for agreement in agreements:
        area = Decimal(rng.choice([60, 80, 120, 200, 350]))
        fee_lines.append(
            FeeLine(agreement=agreement, position=1, kind=FeeKind.RENT, label="办公用房租金",
                    quantity=area, unit_price=Decimal(rng.choice([65, 72, 80, 95])),
                    period=FeePeriod.MONTHLY, start_date=month, end_date=end)
        )  # fmt: skip
        fee_lines.append(
            FeeLine(agreement=agreement, position=2, kind=FeeKind.PROPERTY, label="物业管理费",
                    quantity=area, unit_price=Decimal("12"), period=FeePeriod.MONTHLY,
                    start_date=month, end_date=end)
        )  # fmt: skip
    FeeLine.objects.bulk_create(fee_lines, batch_size=5000)
    progress(f"{len(agreements)} agreements, {len(fee_lines)} fee lines")

    parks = list(OrgUnit.objects.filter(kind="park").order_by("pk"))
    per_park = []
    total_queries = 0
    started = time.perf_counter()
    for park in parks:
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            run = services.bill_run_start(actor=finance, park=park, month=month)
            # huey is immediate: the worker's part ran when the start committed; run it again
            # only if it did not (a no-op when the run is done).
            services.bill_run_execute(run_id=run.pk)
        elapsed = time.perf_counter() - t0
        run.refresh_from_db()
        assert run.status == RunStatus.DONE, (run.status, run.error)
        per_park.append((park.name, run.agreements_total, run.bills_created, elapsed, len(queries)))
        total_queries += len(queries)
    generation_s = time.perf_counter() - started
    made = Bill.objects.count()
    progress(f"bill runs done: {made} bills in {generation_s:.1f} s")
    again_started = time.perf_counter()
    with CaptureQueriesContext(connection) as again_queries:
        run = services.bill_run_start(actor=finance, park=parks[0], month=month)
    again_s = time.perf_counter() - again_started
    run.refresh_from_db()

    say("# bench/billing.py — billing at group scale (issue 12)")
    say(f"{pg_version}; Python {platform.python_version()}; {platform.machine()}, "
        f"{os.cpu_count()} CPUs (shared with other work)")  # fmt: skip
    say("")
    say(f"## 1. A month of bills ({month:%Y-%m}) for {len(agreements):,} enterprises")
    say(f"{len(agreements):,} signed agreements × 2 monthly fee lines, {len(parks)} parks; "
        "bill_run_start + bill_run_execute per park (chunks of "
        f"{services.RUN_CHUNK} agreements, one transaction each)")  # fmt: skip
    say(f"  bills created        {made:,}")
    say(f"  total                {generation_s:.2f} s, {total_queries:,} queries "
        f"({made / generation_s:,.0f} bills/s)")  # fmt: skip
    sizes = sorted(p[1] for p in per_park)
    say(f"  per park             {len(per_park)} runs, {sizes[0]}–{sizes[-1]} agreements each; "
        f"median {statistics.median(p[3] for p in per_park):.2f} s, "
        f"{statistics.median(p[4] for p in per_park):.0f} queries")  # fmt: skip
    biggest = max(per_park, key=lambda p: p[1])
    say(f"  largest park         {biggest[0]}: {biggest[1]} agreements, {biggest[2]:,} bills, "
        f"{biggest[3]:.2f} s, {biggest[4]} queries")  # fmt: skip
    say(f"  a second run         {parks[0].name}: created {run.bills_created}, already billed "
        f"{run.already_billed:,} — {again_s:.2f} s, {len(again_queries)} queries")  # fmt: skip
    say("")

    # --- 2. the receivables dashboard at 1,000,000 bills ----------------------------------------
    rows_needed = args.enterprises * 2 * (args.months - 1)
    issued_by = finance.pk
    lines_by_agreement = list(
        FeeLine.objects.order_by("agreement_id", "position").values_list(
            "pk", "agreement_id", "agreement__park_id", "agreement__enterprise_id", "kind",
            "label", "quantity", "unit_price",
        )
    )  # fmt: skip
    today = clock.today()

    def status_for(months_ago, due_date, amount):
        owed_chance = (
            0.55 if months_ago <= 1 else 0.2 if months_ago <= 3 else 0.08 if months_ago <= 6
            else 0.03 if months_ago <= 12 else 0.006
        )  # fmt: skip
        if due_date >= today or rng.random() < owed_chance:
            if rng.random() < 0.15:
                part = (amount * Decimal(rng.choice([25, 50, 75])) / 100).quantize(Decimal("0.01"))
                return BillStatus.PARTIAL, part
            return BillStatus.OPEN, Decimal("0")
        return BillStatus.PAID, amount

    def bill_rows():
        for back in range(1, args.months):
            start = _months_back(month, back)
            stop = start + relativedelta(months=1, days=-1)
            due_date = start + datetime.timedelta(days=15)
            issued = datetime.datetime.combine(start, datetime.time(9), tzinfo=now.tzinfo)
            for (
                pk,
                agreement_id,
                park_id,
                enterprise_id,
                kind,
                label,
                qty,
                price,
            ) in lines_by_agreement:
                amount = (qty * price).quantize(Decimal("0.01"))
                status, paid = status_for(back, due_date, amount)
                yield (
                    park_id, enterprise_id, "fee_schedule", agreement_id, pk, "", kind, label,
                    start, stop, qty, price, price, amount, Decimal("0"), paid, status,
                    due_date, issued, issued_by,
                )  # fmt: skip

    started = time.perf_counter()
    sql = f"COPY {Bill._meta.db_table} ({', '.join(BILL_COLUMNS)}) FROM STDIN"
    written = 0
    with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for values in bill_rows():
            copy.write_row(values)
            written += 1
            if written % 200_000 == 0:
                progress(f"copied {written:,} / {rows_needed:,} bills")
    with connection.cursor() as cursor:
        # As autovacuum would after a bulk load: statistics and the visibility map.
        cursor.execute(f"VACUUM ANALYZE {Bill._meta.db_table}")
    # The money received for the last 13 months' bills, as payments (the dashboard's 本月已收).
    paid_bills = list(  # read before the COPY: the connection cannot do both at once
        Bill.objects.filter(paid__gt=0, period_start__gte=_months_back(month, 13))
        .order_by("pk")
        .values_list("pk", "park_id", "enterprise_id", "paid", "due_date")
    )
    sql = f"COPY {Payment._meta.db_table} ({', '.join(PAYMENT_COLUMNS)}) FROM STDIN"
    payments = 0
    with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for pk, park_id, enterprise_id, paid, due_date in paid_bills:
            # Most pay in the week before the due date, some weeks after it.
            late = rng.random() < 0.25
            offset = rng.randint(1, 45) if late else -rng.randint(0, 6)
            paid_on = min(due_date + datetime.timedelta(days=offset), today)
            moment = datetime.datetime.combine(paid_on, datetime.time(14), tzinfo=now.tzinfo)
            copy.write_row(
                (park_id, enterprise_id, pk, paid, paid, Decimal("0"), "bank_transfer",
                 "bank_import", f"B{pk}", paid_on, f"bench-{pk}", "0" * 64, issued_by, moment)
            )  # fmt: skip
            payments += 1
    with connection.cursor() as cursor:
        # As autovacuum would after a bulk load: statistics and the visibility map.
        cursor.execute(f"VACUUM ANALYZE {Payment._meta.db_table}")
    copy_s = time.perf_counter() - started
    total_bills = Bill.objects.count()
    progress(f"{total_bills:,} bills in all ({copy_s:.1f} s to write and analyse)")

    park_staff = User.objects.filter(
        role_assignments__role=Role.BUSINESS_STAFF, role_assignments__unit__park=parks[0]
    ).first()
    client = Client()
    client.force_login(finance)

    def measure(label, fn, repeat=args.repeat):
        fn()  # warm
        samples, counts = [], set()
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                fn()
                samples.append(time.perf_counter() - t0)
            counts.add(len(queries))
        p50, p95 = _ms(samples)
        say(f"  {label:<44} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms   queries {sorted(counts)}")
        return p50

    def page():
        response = client.get("/billing/receivables/")
        assert response.status_code == 200, response.status_code

    outstanding = Bill.objects.filter(status__in=("open", "partial")).count()
    board = selectors_receivables.receivables_summary(actor=finance)
    say(f"## 2. The receivables dashboard at {total_bills:,} bills")
    say(f"{args.months} months × {len(lines_by_agreement):,} fee lines; {outstanding:,} bills "
        f"outstanding (¥{board.outstanding:,.2f}, overdue ¥{board.overdue:,.2f}); "
        f"{payments:,} payments of the last 13 months; written with COPY in {copy_s:.1f} s")  # fmt: skip
    say("with the partial index bill_outstanding_aging (park, due_date) WHERE status open/partial:")
    measure(
        "summary, headquarters (every park)",
        lambda: selectors_receivables.receivables_summary(actor=finance),
    )
    measure(
        f"summary, one park's staff ({parks[0].name})",
        lambda: selectors_receivables.receivables_summary(actor=park_staff),
    )
    measure(
        "summary, headquarters filtered to one park",
        lambda: selectors_receivables.receivables_summary(actor=finance, park=parks[0]),
    )
    measure("page /billing/receivables/ (headquarters)", page)  # fmt: skip

    with CaptureQueriesContext(connection) as summary_queries:
        selectors_receivables.receivables_summary(actor=finance)
    plans = []
    with connection.cursor() as cursor:
        for query in summary_queries.captured_queries:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            plans.append("\n".join("    " + row[0] for row in cursor.fetchall()))

    def variant(label, ddl):
        with connection.cursor() as cursor:
            for statement in ddl:
                cursor.execute(statement)
            cursor.execute(f"ANALYZE {Bill._meta.db_table}")
        say(label)
        measure(
            "summary, headquarters (every park)",
            lambda: selectors_receivables.receivables_summary(actor=finance),
        )
        measure(f"summary, one park's staff ({parks[0].name})", lambda: selectors_receivables.receivables_summary(actor=park_staff))  # fmt: skip

    table = Bill._meta.db_table
    variant(
        "without it (DROP INDEX bill_outstanding_aging; the older bill_receivable (park, status, "
        "due_date) remains):",
        ["DROP INDEX bill_outstanding_aging"],
    )
    variant(
        "with a covering variant (INCLUDE enterprise_id, amount, adjusted, paid):",
        [
            f"CREATE INDEX bill_outstanding_aging ON {table} (park_id, due_date) "
            "INCLUDE (enterprise_id, amount, adjusted, paid) WHERE status IN ('open', 'partial')",
        ],
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX bill_outstanding_aging")
        cursor.execute(
            f"CREATE INDEX bill_outstanding_aging ON {table} (park_id, due_date) "
            "WHERE status IN ('open', 'partial')"
        )
    say("")
    biggest_park = next(p for p in parks if p.name == biggest[0])
    t0 = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        run = services.bill_run_start(
            actor=finance, park=biggest_park, month=month + relativedelta(months=1)
        )
    history_s = time.perf_counter() - t0
    run.refresh_from_db()
    say(f"## 3. Next month's run of the largest park with {args.months} months of bills behind it")
    say(f"  {biggest_park.name}: {run.agreements_total} agreements, {run.bills_created:,} bills "
        f"created, {run.already_billed:,} periods found billed — {history_s:.2f} s, "
        f"{len(queries)} queries")  # fmt: skip
    say("")
    say("Plans of the summary's four queries (headquarters, with bill_outstanding_aging):")
    for number, plan in enumerate(plans, start=1):
        say(f"  query {number}:")
        say(plan)
    say("")
    say(f"bench total {time.perf_counter() - begun:.0f} s")
    out = ROOT / "bench" / "results" / "billing-latest.txt"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
