"""The service desk's rule sweep at group scale (make bench; make bench SERVICEDESK=1 runs this
alone; issue 11).

On a PostgreSQL database of its own (re-created each run: migrate, then ``seed_scale``'s group —
20 parks, their staff, 10,000 enterprises — and, bulk-written, 100,000 complaints and 500,000
service requests received over the two years before the measured moment, each with its SLA
clocks: the complaint's response and resolution clocks, the request's response clock and, once
taken, its resolution clock; about 7 % left unanswered past their deadline, the recent ones
running — some within their last 20 % — and the rest stopped, met or breached; a few passed on
three times or more, a few recorded more than 24 hours after receipt), times:

* ``parkflow.core.rules.sweep_rule`` for each of the service desk's rules that reads complaints
  and requests — the first sweep (it opens every alert: rows, audit events, escalations) and
  the steady state (p50/p95 of the following sweeps, which open nothing) — with the number of
  alerts;
* the set-based violation query of each rule alone (``severities``: the rule's queryset with its
  severity ladder, one query), and the overdue / due-soon selectors of the lists
  (``sla.overdue`` / ``sla.due_soon``) for the request and complaint clocks;
* the query plans (EXPLAIN ANALYZE) of the repeat and chain rules' counting subquery and of the
  overdue selector.

Results are printed and written to bench/results/servicedesk-latest.txt.

    .venv/bin/python bench/servicedesk.py [--complaints 100000] [--requests 500000] [--repeat 5]
    env: BENCH_SERVICEDESK_DATABASE_URL
         (default postgres://postgres@127.0.0.1:5432/parkflow_bench_servicedesk)
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
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/parkflow_bench_servicedesk"
BATCH = 5000
CLOCK_COLUMNS = (
    "content_type_id", "object_id", "code", "grade", "unit", "target", "park_id", "state",
    "started_at", "due_at", "warn_at", "critical_at", "paused_at", "pauses", "stopped_at",
    "provisional", "updated_at",
)  # fmt: skip
RULES = [
    "servicedesk.complaint_response_overdue",
    "servicedesk.repeated_transfers",
    "servicedesk.complaint_repeated_transfers",
    "servicedesk.repeat_complaints",
    "servicedesk.chain_complaints",
    "servicedesk.complaint_recorded_late",
]


def _recreate_database(url: str) -> None:
    """Drop and create the benchmark's own database (never any other)."""
    import psycopg

    name = urlparse(url).path.lstrip("/")
    if not name.startswith("parkflow_bench_"):
        raise SystemExit(
            f"refusing to re-create {name!r}: the service-desk bench uses parkflow_bench_*"
        )
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
        PARKFLOW_VAR_DIR=str(var),
        PARKFLOW_AUDIT_DIGEST_DIR=str(var / "digests"),
        MEDIA_ROOT=str(var / "files"),
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


def main() -> int:  # noqa: PLR0915 - one linear script
    parser = argparse.ArgumentParser()
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=500_000)
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument("--parks", type=int, default=20)
    parser.add_argument("--days", type=int, default=730, help="the span the items arrive over")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    url = os.environ.get("BENCH_SERVICEDESK_DATABASE_URL", DEFAULT_URL)
    try:
        _recreate_database(url)
    except Exception as exc:  # no PostgreSQL here: say so, do not fail make bench
        print(f"bench/servicedesk.py: skipped, PostgreSQL not reachable at {url}: {exc}")
        return 0
    var = Path(tempfile.mkdtemp(prefix="parkflow-bench-servicedesk-"))
    _setup_env(url, var)
    import django

    django.setup()
    from zoneinfo import ZoneInfo

    import time_machine
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection, transaction

    from parkflow.core import calendar, rules, sla
    from parkflow.core.calendar import DayTable
    from parkflow.core.choices import SlaState
    from parkflow.core.models import Alert, AuditEvent, SlaClock
    from parkflow.enterprises.choices import EnterpriseStatus
    from parkflow.enterprises.models import Enterprise
    from parkflow.org.models import User
    from parkflow.servicedesk.choices import (
        Category,
        Channel,
        ComplaintChannel,
        ComplaintGrade,
        ComplaintStatus,
        ComplaintTopic,
        RequestStatus,
    )
    from parkflow.servicedesk.clocks import (
        COMPLAINT_RESOLUTION,
        COMPLAINT_RESPONSE,
        RESOLUTION,
        RESPONSE,
    )
    from parkflow.servicedesk.models import Complaint, ServiceRequest, TopicWatch

    tz = ZoneInfo("Asia/Shanghai")
    lines = []

    def say(text=""):
        print(text, flush=True)
        lines.append(text)

    def progress(text):
        print(f"[{time.perf_counter() - begun:7.1f}s] {text}", flush=True)

    begun = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - begun
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0].split(",")[0]
    started = time.perf_counter()
    call_command(
        "seed_scale",
        parks=args.parks,
        enterprises=args.enterprises,
        alerts=0,
        events=0,
        stdout=io.StringIO(),
    )
    org_s = time.perf_counter() - started
    progress(f"migrate {migrate_s:.1f} s, seed_scale {org_s:.1f} s")

    # The measured moment: a Friday afternoon; items arrive over the two years before it.
    now = datetime.datetime(2026, 11, 20, 15, 0, tzinfo=tz)
    span = datetime.timedelta(days=args.days)
    rng = random.Random(11)
    days, hours, official = DayTable.load(), sla.business_hours(), calendar.official_years()

    # Enterprises that complain and ask: the resident and exiting ones, some far more than others.
    enterprises = list(
        Enterprise.objects.filter(
            status__in=(EnterpriseStatus.RESIDENT, EnterpriseStatus.EXITING)
        ).values_list("pk", "park_id", "grade")
    )
    weights = [1 / (i + 1) ** 0.5 for i in range(len(enterprises))]
    rng.shuffle(weights)
    staff_by_park = {}
    for user in User.objects.filter(username__startswith="biz_").prefetch_related(
        "role_assignments__unit"
    ):
        for assignment in user.role_assignments.all():
            staff_by_park.setdefault(assignment.unit.park_id, []).append(user.pk)
    any_staff = [pk for pks in staff_by_park.values() for pk in pks]

    defaults = {}

    class Clock(list):
        """One ``core_slaclock`` row as COPY writes it (``COLUMNS``); its object set later."""

        @property
        def stopped_at(self):
            return self[14]

    def copy_clocks(rows):
        """The clocks, with COPY (as seed_scale writes its bulk rows): a million SlaClock
        instances through bulk_create would take minutes of the bench's budget in Python."""
        sql = f"COPY {SlaClock._meta.db_table} ({', '.join(CLOCK_COLUMNS)}) FROM STDIN"
        with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)

    def clock_row(declared, ct, park_id, grade, started_at, *, answered, p_overdue):
        """One SLA clock (its object set once the object has its id), timed by ``sla.compute``:
        running while unanswered (past due for a share of the older ones), else stopped — met,
        or breached a little after the due time. Returns (row, running, overdue)."""
        if declared.code not in defaults:  # the declared targets, as the bench runs
            defaults[declared.code] = sla.clock_settings(declared, {})
        settings_ = defaults[declared.code]
        unit, target = settings_["unit"], settings_[grade]
        timing = sla.compute(
            unit=unit,
            target=target,
            started_at=started_at,
            warn_ratio=declared.warn_ratio,
            critical_ratio=declared.critical_ratio,
            days=days,
            hours=hours,
            official=official,
        )
        age = now - started_at
        if timing.due_at >= now:
            running = not answered
        else:
            running = (
                not answered and age < datetime.timedelta(days=120) and rng.random() < p_overdue
            )
        state, stopped_at = SlaState.RUNNING, None
        if not running:
            if rng.random() < 0.86:
                latest = min(timing.due_at, now)
                stopped_at = started_at + (latest - started_at) * rng.uniform(0.05, 1)
                state = SlaState.MET
            else:
                stopped_at = min(now, timing.due_at + datetime.timedelta(hours=rng.uniform(1, 72)))
                state = SlaState.BREACHED if stopped_at > timing.due_at else SlaState.MET
        row = Clock(
            [ct.pk, None, declared.code, grade, unit, target, park_id, state, started_at,
             timing.due_at, timing.warn_at, timing.critical_at, None, "[]", stopped_at,
             timing.provisional, now]
        )  # fmt: skip
        return row, running, running and timing.due_at < now

    # --- complaints (bulk: volume, not behaviour — the services' path is the test suite's)
    started = time.perf_counter()
    complaint_ct = ContentType.objects.get_for_model(Complaint)
    request_ct = ContentType.objects.get_for_model(ServiceRequest)
    grades = (ComplaintGrade.GENERAL, ComplaintGrade.SIGNIFICANT, ComplaintGrade.MAJOR)
    topics = ComplaintTopic.values
    channels = ComplaintChannel.values
    counts = {"complaint_overdue": 0, "request_overdue": 0, "clocks": 0}

    def moments(n):
        # Uniform over the span, a little denser lately (a growing group).
        return sorted(now - span * (rng.random() ** 1.15) for _ in range(n))

    received = moments(args.complaints)
    for start in range(0, len(received), BATCH):
        batch = received[start : start + BATCH]
        picked = rng.choices(enterprises, weights, k=len(batch))
        items, clocks = [], []
        for moment, (enterprise_id, park_id, _grade) in zip(batch, picked, strict=True):
            grade = rng.choices(grades, (85, 13, 2))[0]
            late = rng.random() < 0.004
            recorded = moment + datetime.timedelta(
                hours=rng.uniform(25, 60) if late else rng.uniform(0.05, 3)
            )
            recorded = min(recorded, now - datetime.timedelta(minutes=1))
            answered = rng.random() < 0.55 or (now - moment) > datetime.timedelta(days=120)
            owner = rng.choice(staff_by_park.get(park_id) or any_staff)
            response, running, overdue = clock_row(
                COMPLAINT_RESPONSE, complaint_ct, park_id, grade, moment,
                answered=answered, p_overdue=0.8,
            )  # fmt: skip
            counts["complaint_overdue"] += overdue
            resolution, resolving, _late = clock_row(
                COMPLAINT_RESOLUTION, complaint_ct, park_id, grade, moment,
                answered=not running and rng.random() < 0.9, p_overdue=0.3,
            )  # fmt: skip
            clocks.append((response, resolution))
            # The complaint's state follows its clocks (the database checks an owner).
            if running:
                status = ComplaintStatus.OPEN if rng.random() < 0.6 else ComplaintStatus.IN_PROGRESS
            elif resolving:
                status = ComplaintStatus.IN_PROGRESS
            else:
                status = ComplaintStatus.CLOSED if rng.random() < 0.93 else ComplaintStatus.RESOLVED
            taken = status != ComplaintStatus.OPEN
            if status == ComplaintStatus.IN_PROGRESS and rng.random() < 0.04:
                transfers = rng.choice((3, 3, 4, 5, 6))
            else:
                transfers = rng.choices((0, 1, 2), (85, 12, 3))[0] if taken else 0
            channel = rng.choice(channels)
            items.append(
                Complaint(
                    park_id=park_id,
                    enterprise_id=enterprise_id,
                    channel=channel,
                    hotline_ticket=f"12345-{start + len(items):07d}"
                    if channel == "hotline"
                    else "",
                    topic=rng.choice(topics),
                    title="基准投诉",
                    text="基准投诉内容",
                    complainant="基准",
                    received_at=moment,
                    received_on=moment.astimezone(tz).date(),
                    recorded_at=recorded,
                    recorded_by_id=owner,
                    proposed_grade=grade,
                    grade=grade,
                    status=status,
                    owner_id=owner if taken else None,
                    taken_at=recorded if taken else None,
                    transfer_count=transfers,
                    first_response_at=None if running else response.stopped_at,
                    resolved_at=resolution.stopped_at if not resolving else None,
                )
            )
        made = Complaint.objects.bulk_create(items, batch_size=BATCH)
        rows = []
        for complaint, pair in zip(made, clocks, strict=True):
            for row in pair:
                row[1] = complaint.pk
                rows.append(row)
        copy_clocks(rows)
        counts["clocks"] += len(rows)
        if (start // BATCH) % 5 == 0:
            progress(f"complaints {start + len(batch)}")
    TopicWatch.objects.bulk_create(
        [
            TopicWatch(park_id=park_id, topic=topic)
            for park_id in {p for _e, p, _g in enterprises}
            for topic in topics
        ],
        ignore_conflicts=True,
    )
    complaints_s = time.perf_counter() - started

    # --- service requests
    started = time.perf_counter()
    categories = Category.values
    submitted = moments(args.requests)
    for start in range(0, len(submitted), BATCH):
        batch = submitted[start : start + BATCH]
        picked = rng.choices(enterprises, weights, k=len(batch))
        items, clocks = [], []
        for moment, (enterprise_id, park_id, grade) in zip(batch, picked, strict=True):
            category = rng.choice(categories)
            grade = f"{category}.{grade}"
            owner = rng.choice(staff_by_park.get(park_id) or any_staff)
            answered = rng.random() < 0.6 or (now - moment) > datetime.timedelta(days=120)
            request = ServiceRequest(
                park_id=park_id,
                enterprise_id=enterprise_id,
                category=category,
                title="基准服务请求",
                description="基准",
                channel=rng.choice(Channel.values),
                status=RequestStatus.OPEN,
                submitted_by_id=owner,
                submitted_at=moment,
            )
            items.append(request)
            response, running, overdue = clock_row(
                RESPONSE, request_ct, park_id, grade, moment, answered=answered, p_overdue=0.6
            )
            counts["request_overdue"] += overdue
            if running:  # 待受理: not taken, no resolution clock yet
                clocks.append((response,))
                continue
            request.owner_id, request.taken_at = owner, response.stopped_at
            resolution, resolving, overdue = clock_row(
                RESOLUTION, request_ct, park_id, grade, response.stopped_at,
                answered=rng.random() < 0.85, p_overdue=0.5,
            )  # fmt: skip
            clocks.append((response, resolution))
            counts["request_overdue"] += overdue
            if resolving:
                request.status = RequestStatus.IN_PROGRESS
                if rng.random() < 0.02:
                    request.transfer_count = rng.choice((3, 3, 4, 5, 7))
                else:
                    request.transfer_count = rng.choices((0, 1, 2), (88, 10, 2))[0]
            else:
                request.resolved_at = resolution.stopped_at
                closing = now - request.resolved_at > datetime.timedelta(days=7)
                request.status = RequestStatus.CLOSED if closing else RequestStatus.RESOLVED
                request.transfer_count = rng.choices((0, 1, 2), (90, 8, 2))[0]
        made = ServiceRequest.objects.bulk_create(items, batch_size=BATCH)
        rows = []
        for request, group in zip(made, clocks, strict=True):
            for row in group:
                row[1] = request.pk
                rows.append(row)
        copy_clocks(rows)
        counts["clocks"] += len(rows)
        if (start // BATCH) % 20 == 0:
            progress(f"requests {start + len(batch)}")
    requests_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        for table in ("servicedesk_complaint", "servicedesk_servicerequest", "core_slaclock"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    progress(f"data: complaints {complaints_s:.1f} s, requests {requests_s:.1f} s; analysed")

    by_state = dict(SlaClock.objects.values_list("state").annotate(n=django.db.models.Count("*")))
    complaints_by_status = dict(
        Complaint.objects.values_list("status").annotate(n=django.db.models.Count("*"))
    )
    requests_by_status = dict(
        ServiceRequest.objects.values_list("status").annotate(n=django.db.models.Count("*"))
    )

    # --- measurements, at the measured moment
    sweep_rows, query_rows, selector_rows, plans_out = [], [], [], {}
    with time_machine.travel(now, tick=False):
        for code in RULES:
            rule_ = rules.get_rule(code)
            params, _problems = rules.effective_params(rule_, rules.setting_for(code).params)
            events_before = AuditEvent.objects.count()
            first = _timed(lambda c=code: rules.sweep_rule(c))[0]
            opened_events = AuditEvent.objects.count() - events_before
            steady = _timed(lambda c=code: rules.sweep_rule(c), args.repeat)
            alerts = Alert.objects.filter(rule_code=code, status__in=("open", "acknowledged"))
            by_severity = dict(
                alerts.values_list("severity").annotate(n=django.db.models.Count("*"))
            )
            sweep_rows.append((code, first * 1000, *_ms(steady), alerts.count(), by_severity,
                               opened_events))  # fmt: skip
            progress(f"{code}: first {first:.1f} s, {alerts.count()} alerts")

            def violations(rule_=rule_, params=params):
                return rules.severities(rule_, rule_.violations(params, now), params, now)

            found = violations()
            query_rows.append((code, *_ms(_timed(violations, args.repeat)), len(found)))
            if code in ("servicedesk.repeat_complaints", "servicedesk.chain_complaints"):
                sql, sql_params = rule_.violations(params, now).query.sql_with_params()
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", sql_params)
                    plans_out[code] = [r[0] for r in cursor.fetchall()]

        requests_qs, complaints_qs = ServiceRequest.objects.all(), Complaint.objects.all()
        selectors = {
            "requests overdue, response (count)": lambda: sla.overdue(
                requests_qs, RESPONSE
            ).count(),
            "requests overdue, resolution (count)": lambda: sla.overdue(
                requests_qs, RESOLUTION
            ).count(),
            "requests due soon, resolution (count)": lambda: sla.due_soon(
                requests_qs, RESOLUTION
            ).count(),
            "requests overdue, resolution, first page": lambda: list(
                sla.with_clock(sla.overdue(requests_qs, RESOLUTION), RESOLUTION).order_by(
                    "sla_due_at"
                )[:50]
            ),
            "complaints overdue, response (count)": lambda: sla.overdue(
                complaints_qs, COMPLAINT_RESPONSE
            ).count(),
            "complaints due soon, response (count)": lambda: sla.due_soon(
                complaints_qs, COMPLAINT_RESPONSE
            ).count(),
            "one park's queue, overdue resolution": lambda: sla.overdue(
                requests_qs.filter(park_id=enterprises[0][1], status="in_progress"), RESOLUTION
            ).count(),
        }
        for label, fn in selectors.items():
            result = fn()
            selector_rows.append(
                (label, *_ms(_timed(fn, args.repeat * 2)), result if isinstance(result, int) else len(result))
            )  # fmt: skip
        sql, sql_params = sla.overdue(requests_qs, RESOLUTION).values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", sql_params)
            plans_out["sla.overdue(requests, resolution)"] = [r[0] for r in cursor.fetchall()]
    total_s = time.perf_counter() - begun

    # --- report
    load = os.getloadavg()
    say(
        "# make bench — the service desk's rule sweep at group scale (bench/servicedesk.py; issue 11)"
    )
    say(
        f"# machine: {platform.system()} {platform.machine()}, {os.cpu_count()} CPU, "
        f"Python {platform.python_version()}; load average {load[0]:.1f} {load[1]:.1f} "
        f"{load[2]:.1f} at the end of the run (other work shares the machine)"
    )
    say(
        f"# database: {pg_version}, {urlparse(url).path.lstrip('/')} (re-created; migrate "
        f"{migrate_s:.1f} s; seed_scale {args.parks} parks, {args.enterprises} enterprises "
        f"{org_s:.1f} s)"
    )
    say(
        f"# data: {Complaint.objects.count()} complaints, {ServiceRequest.objects.count()} "
        f"service requests from {len(enterprises)} resident/exiting enterprises (skewed), "
        f"received over the {args.days} days before {now:%Y-%m-%d %H:%M} (Asia/Shanghai); "
        f"{counts['clocks']} SLA clocks; complaints and requests bulk_create (batch {BATCH}), clocks COPY: complaints "
        f"{complaints_s:.1f} s, requests {requests_s:.1f} s"
    )
    say(f"# clocks by state: {dict(sorted(by_state.items()))}")
    say(
        f"# overdue at that moment: complaints (response) {counts['complaint_overdue']} "
        f"({counts['complaint_overdue'] / max(1, args.complaints):.1%}), request clocks "
        f"{counts['request_overdue']}"
    )
    say(f"# complaints by status: {dict(sorted(complaints_by_status.items()))}")
    say(f"# requests by status: {dict(sorted(requests_by_status.items()))}")
    say(f"# whole run {total_s:.0f} s; {args.repeat} steady-state sweeps per rule after the first")
    say()
    say(
        f"{'rules.sweep_rule':44} {'first s':>8} {'p50 ms':>9} {'p95 ms':>9} {'alerts':>7} "
        f"{'events':>7}  by severity"
    )
    for code, first_ms, p50, p95, n, severity, events in sweep_rows:
        say(
            f"{code:44} {first_ms / 1000:8.1f} {p50:9.1f} {p95:9.1f} {n:7d} {events:7d}  "
            f"{dict(sorted(severity.items()))}"
        )
    say(
        "# first: the sweep that opens every alert (alert rows, their audit events, escalations "
        "and notifications; events = audit events it wrote); p50/p95: the following sweeps, "
        "which find the same objects and open nothing"
    )
    say()
    say(f"{'violation query alone (severities)':44} {'p50 ms':>9} {'p95 ms':>9} {'rows':>7}")
    for code, p50, p95, n in query_rows:
        say(f"{code:44} {p50:9.1f} {p95:9.1f} {n:7d}")
    say()
    say(f"{'SLA selector':44} {'p50 ms':>9} {'p95 ms':>9} {'result':>7}")
    for label, p50, p95, n in selector_rows:
        say(f"{label:44} {p50:9.1f} {p95:9.1f} {n:7d}")
    for name, plan in plans_out.items():
        say()
        say(f"query plan, {name} (EXPLAIN ANALYZE, BUFFERS):")
        for line in plan:
            say(f"    {line}")
    out = ROOT / "bench" / "results" / "servicedesk-latest.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\nwritten to {out}")
    connection.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
